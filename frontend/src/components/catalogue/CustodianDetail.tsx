// One catalogue entry: every fact with its source and the date it was last
// verified, the licences and the notes. Admins edit it here.
import { useState } from 'react'
import { api, ApiError, type Custodian } from '../../api.ts'
import { formatDateTime } from '../../format.ts'
import { Link } from '../../router.tsx'
import { Badge, ErrorBox, Loading, PageTitle } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'
import { formatDay } from '../dashboard/dates.ts'
import { CustodianForm } from './CustodianForm.tsx'
import { FACTS, FACT_LABELS, factValue, yesNo } from './labels.ts'

export function CustodianDetail({ id, canEdit }: { id: number; canEdit: boolean }) {
  const loaded = useLoad((signal) => api.GET('/api/v1/custodians/{id}', { params: { path: { id } }, signal }), [id])
  const [editing, setEditing] = useState(false)
  const [formKey, setFormKey] = useState(0)
  const [saved, setSaved] = useState(false)

  const back = (
    <p className="cust-crumbs">
      <Link to="/custodians">← Catalogue</Link>
    </p>
  )
  if (!Number.isFinite(id) || id < 1) {
    return (
      <>
        {back}
        <PageTitle>No such custodian</PageTitle>
      </>
    )
  }
  if (loaded.error && !loaded.data) {
    const notFound = loaded.error instanceof ApiError && loaded.error.status === 404
    return (
      <>
        {back}
        {notFound ? <PageTitle>No such custodian</PageTitle> : <ErrorBox error={loaded.error} />}
      </>
    )
  }
  const c = loaded.data
  if (!c) return <Loading what="Loading the custodian" />

  return (
    <>
      {back}
      <PageTitle
        actions={
          canEdit &&
          !editing && (
            <button
              type="button"
              onClick={() => {
                setSaved(false)
                setEditing(true)
              }}
            >
              Edit custodian
            </button>
          )
        }
      >
        {c.name}
      </PageTitle>
      <p className="muted cust-sub">
        {c.legal_entity} · <Badge kind={c.qualified_custodian ? 'yes' : 'no'}>{c.qualified_custodian ? 'Qualified custodian' : 'Not a qualified custodian'}</Badge> ·{' '}
        <Badge kind={c.staking ? 'yes' : 'no'}>{c.staking ? 'Staking' : 'No staking'}</Badge>
      </p>
      {saved && (
        <div className="alert alert-ok" role="status">
          Saved. This entry is now at version {c.version}.
        </div>
      )}

      {editing && (
        <CustodianForm
          key={formKey}
          custodian={c}
          onSaved={(n) => {
            loaded.setData(n)
            setEditing(false)
            setSaved(true)
          }}
          onCancel={() => setEditing(false)}
          onReload={async () => {
            // Start the form again from the current version, not the stale one.
            try {
              loaded.setData(await api.GET('/api/v1/custodians/{id}', { params: { path: { id } } }))
              setFormKey((k) => k + 1)
            } catch {
              loaded.reload()
            }
          }}
        />
      )}

      {!editing && <CustodianFacts c={c} />}
    </>
  )
}

/** The read-only view: facts with their sources, licences, notes. */
function CustodianFacts({ c }: { c: Custodian }) {
  return (
    <>
      <section className="card cust-card" aria-labelledby="facts-h">
        <h2 id="facts-h">Facts and sources</h2>
        <div className="table-wrap">
          <table className="cust-facts">
            <thead>
              <tr>
                <th scope="col">Fact</th>
                <th scope="col">Value</th>
                <th scope="col">Source</th>
                <th scope="col">Last verified</th>
              </tr>
            </thead>
            <tbody>
              {FACTS.map((f) => {
                const p = c.provenance[f]
                return (
                  <tr key={f}>
                    <th scope="row">{FACT_LABELS[f]}</th>
                    <td className={f === 'notes' ? 'fact-notes' : undefined}>{f === 'notes' && c.notes ? 'See the notes below' : factValue(c, f)}</td>
                    <td>{p?.source ? p.source : <span className="muted">No source recorded</span>}</td>
                    <td className="nowrap">{p?.verified_on ? formatDay(p.verified_on) : <span className="muted">not verified</span>}</td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      </section>

      <div className="cust-cols">
        <section className="card cust-card" aria-labelledby="lic-h">
          <h2 id="lic-h">Charters and licences</h2>
          {c.licences.length === 0 ? (
            <p className="muted">No licence is recorded for this custodian.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Licence</th>
                    <th scope="col">Regulator</th>
                    <th scope="col">Jurisdiction</th>
                  </tr>
                </thead>
                <tbody>
                  {c.licences.map((l, i) => (
                    <tr key={i}>
                      <td>{l.name}</td>
                      <td>{l.regulator}</td>
                      <td>{l.jurisdiction || '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <section className="card cust-card" aria-labelledby="notes-h">
          <h2 id="notes-h">Notes</h2>
          {c.notes ? <p className="cust-notes">{c.notes}</p> : <p className="muted">No notes.</p>}
          <dl className="cust-meta">
            <dt>Slug</dt>
            <dd>
              <code>{c.slug}</code>
            </dd>
            <dt>Qualified custodian</dt>
            <dd>{yesNo(c.qualified_custodian)}</dd>
            <dt>Catalogue version</dt>
            <dd>{c.version}</dd>
            <dt>Last changed</dt>
            <dd>{formatDateTime(c.updated_at)}</dd>
          </dl>
        </section>
      </div>
    </>
  )
}
