// A dashboard tile: how many of the team's assurance documents are expiring
// and how many have lapsed (stale or expired), each linked to where the
// custodian's documents are (its relationship when the team has one).
// Self-contained: give it a team; the dashboard places it.
import { api } from '../../api.ts'
import { Link } from '../../router.tsx'
import { ErrorBox, Loading } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'
import { FRESHNESS_LABELS, KIND_LABELS, lapsed } from './labels.ts'
import { Badge } from '../ui.tsx'
import './assurance.css'

export function DocumentsDueTile({ teamId, teamName }: { teamId: number; teamName?: string }) {
  const due = useLoad(
    async (signal) => {
      const [docs, rels] = await Promise.all([
        api.GET('/api/v1/teams/{teamID}/documents', { params: { path: { teamID: teamId }, query: { due: 'true' } }, signal }),
        api.GET('/api/v1/teams/{teamID}/relationships', { params: { path: { teamID: teamId }, query: { status: 'active', limit: 100 } }, signal }),
      ])
      return { docs: docs.items, rels: rels.items }
    },
    [teamId],
  )
  return (
    <section className="card" aria-labelledby={`docs-due-${teamId}`}>
      <h2 id={`docs-due-${teamId}`}>Assurance documents due{teamName ? ` in ${teamName}` : ''}</h2>
      {due.error ? (
        <ErrorBox error={due.error} />
      ) : !due.data ? (
        <Loading what="Loading the documents due" />
      ) : (
        <>
          <p>
            <strong data-testid="docs-expiring">{due.data.docs.filter((d) => !lapsed(d)).length}</strong> expiring,{' '}
            <strong data-testid="docs-lapsed">{due.data.docs.filter(lapsed).length}</strong> stale or expired
          </p>
          {due.data.docs.length > 0 && (
            <ul>
              {due.data.docs.map((d) => {
                const rel = due.data?.rels.find((r) => r.custodian_id === d.custodian_id)
                const label = `${d.custodian_name}: ${KIND_LABELS[d.kind]}`
                return (
                  <li key={d.id}>
                    {rel ? <Link to={`/teams/${teamId}/relationships/${rel.id}`}>{label}</Link> : <Link to="/relationships">{label}</Link>}{' '}
                    {d.freshness && <Badge kind={d.freshness.state}>{FRESHNESS_LABELS[d.freshness.state]}</Badge>}
                  </li>
                )
              })}
            </ul>
          )}
        </>
      )}
    </section>
  )
}
