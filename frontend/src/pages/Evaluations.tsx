// Evaluations (/evaluations): every evaluation of one of my teams, in any
// status, with filters kept in the address so that a filtered list can be
// shared, and "Load more" paging on the server's keyset cursor.
import { useState } from 'react'
import { teamsWith, useSession } from '../session.tsx'
import { PageTitle } from '../components/ui.tsx'
import { EvaluationTable, type EvaluationFilters } from '../components/evaluations/EvaluationTable.tsx'
import { useLocation, Link } from '../router.tsx'
import '../components/evaluations/evaluations.css'

function filtersOf(q: URLSearchParams): EvaluationFilters {
  return {
    status: q.get('status') ?? '',
    custodian: q.get('custodian') ?? '',
    preparer: q.get('preparer') ?? '',
    dueBy: q.get('due_by') ?? '',
    text: q.get('q') ?? '',
  }
}

export function EvaluationsPage() {
  const { me } = useSession()
  const { query } = useLocation()
  const teams = teamsWith(me, 'officer', 'manager', 'auditor')
  const [teamId, setTeamId] = useState<number>(Number(query.get('team')) || teams[0]?.id || 0)
  const [filters, setFilters] = useState<EvaluationFilters>(() => filtersOf(query))
  const change = (f: EvaluationFilters) => {
    setFilters(f)
    const q = new URLSearchParams()
    if (teams.length > 1) q.set('team', String(teamId))
    if (f.status) q.set('status', f.status)
    if (f.custodian) q.set('custodian', f.custodian)
    if (f.preparer) q.set('preparer', f.preparer)
    if (f.dueBy) q.set('due_by', f.dueBy)
    if (f.text) q.set('q', f.text)
    const s = q.toString()
    window.history.replaceState(null, '', '/evaluations' + (s ? '?' + s : ''))
  }
  return (
    <>
      <PageTitle actions={teamsWith(me, 'officer').length > 0 ? <Link to="/evaluations/new">New evaluation</Link> : undefined}>Evaluations</PageTitle>
      <p className="muted">Every evaluation of your team, drafts to approved. Open an approved one for its approvals and memos.</p>
      {teams.length === 0 ? (
        <div className="empty">You hold no officer, manager or auditor role in a team, so there are no evaluations to list.</div>
      ) : (
        <>
          {teams.length > 1 && (
            <div className="field ev-inline-field">
              <label htmlFor="ev-team">Team</label>
              <select id="ev-team" value={teamId} onChange={(e) => setTeamId(Number(e.target.value))}>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <EvaluationTable key={teamId} teamId={teamId} filters={filters} onFilters={change} />
        </>
      )}
    </>
  )
}
