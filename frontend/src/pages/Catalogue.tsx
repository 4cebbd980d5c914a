// The custodian catalogue (/custodians) and one entry (/custodians/:id).
import { useState } from 'react'
import { navigate, useLocation } from '../router.tsx'
import { isOrgAdmin, useSession } from '../session.tsx'
import { PageTitle } from '../components/ui.tsx'
import { CatalogueList, filtersFrom } from '../components/catalogue/CatalogueList.tsx'
import { CustodianDetail } from '../components/catalogue/CustodianDetail.tsx'
import { CustodianForm } from '../components/catalogue/CustodianForm.tsx'
import '../components/catalogue/catalogue.css'

export function CataloguePage() {
  const { me } = useSession()
  const { query } = useLocation()
  const [creating, setCreating] = useState(false)
  // Only the organisation admin edits the catalogue (a team admin may not).
  const canEdit = isOrgAdmin(me)
  return (
    <>
      <PageTitle
        actions={
          <>
            {/* Each download is recorded in the audit trail. */}
            <a className="small-btn" href={'/api/v1/catalogue/export'} download>
              Download CSV
            </a>
            {canEdit && !creating && (
              <button type="button" className="primary" onClick={() => setCreating(true)}>
                New custodian
              </button>
            )}
          </>
        }
      >
        Custodian catalogue
      </PageTitle>
      <p className="muted">Institutional custodians with their charters, regions and features. Every fact carries its source and when it was last verified.</p>
      {creating && <CustodianForm onSaved={(c) => navigate(`/custodians/${c.id}`)} onCancel={() => setCreating(false)} />}
      <CatalogueList initial={filtersFrom(query)} />
    </>
  )
}

export function CustodianPage({ id }: { id: number }) {
  const { me } = useSession()
  return <CustodianDetail key={id} id={id} canEdit={isOrgAdmin(me)} />
}
