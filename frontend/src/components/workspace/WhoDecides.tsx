// For everyone who cannot decide on a submitted round (the submitter,
// officers, auditors, a manager who already approved): a read-only panel
// saying why, and who can decide, by name, instead of a form they could
// never use.
import { api, type Me, type Workspace } from '../../api.ts'
import { useLoad } from '../dashboard/useLoad.ts'

export function WhoDecides({ workspace, me, why }: { workspace: Workspace; me: Me; why: string }) {
  const ev = workspace.evaluation
  const members = useLoad(
    (signal) => api.GET('/api/v1/teams/{teamID}/members', { params: { path: { teamID: ev.team_id } }, signal }).then((l) => l.items),
    [ev.team_id],
  )
  const decided = new Set(workspace.approvals.filter((a) => a.round === ev.round).map((a) => a.manager_id))
  const deciders = (members.data ?? []).filter((m) => m.role === 'manager' && m.user_id !== ev.submitted_by && !decided.has(m.user_id))
  const still = Math.max(workspace.approvals_required - workspace.approvals_received, 0)
  return (
    <section className="card who-decides" aria-labelledby="ap-who">
      <h3 id="ap-who">Who decides</h3>
      <p data-testid="decision-reason">{why}</p>
      <p>
        {still === 1 ? 'One more approval' : `${still} more approvals`} needed from the managers of this team who did not submit it
        {decided.size > 0 ? ' and have not decided on this round yet' : ''}:
      </p>
      {members.error ? (
        <p className="muted small">The team's members could not be read: any manager of the team who did not submit the shortlist can decide.</p>
      ) : !members.data ? (
        <p className="muted small">Loading the team's managers…</p>
      ) : deciders.length === 0 ? (
        <p className="warn-text">No manager of this team can decide on it now: ask a team admin to give the manager role to someone who did not prepare it.</p>
      ) : (
        <ul aria-label="Managers who can decide">
          {deciders.map((m) => (
            <li key={m.user_id}>
              {m.user_name}
              {m.user_id === me.user.id ? ' (you)' : ''} <span className="muted small">manager · {m.user_email}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
