// A compact list of evaluations for the dashboard: title (a link to the
// workspace), team, candidates, due date and where it stands.
import type { EvaluationSummary } from '../../api.ts'
import { Link } from '../../router.tsx'
import { Badge } from '../ui.tsx'
import { daysUntil, formatDay, relativeDays } from './dates.ts'

export function StatusBadge({ e }: { e: EvaluationSummary }) {
  if (e.status === 'draft' && e.round > 0) return <Badge kind="returned">Returned</Badge>
  if (e.status === 'submitted') return <Badge kind="submitted">Awaiting approval</Badge>
  return <Badge kind={e.status}>{e.status === 'draft' ? 'Draft' : 'Approved'}</Badge>
}

export function DueText({ date }: { date: string | null }) {
  if (!date) return <span className="muted">No due date</span>
  const d = daysUntil(date)
  const soon = d !== null && d <= 14
  return (
    <span className={d !== null && d < 0 ? 'due due-past' : soon ? 'due due-soon' : 'due'}>
      Due {formatDay(date)}
      {soon && d !== null && <> ({relativeDays(d)})</>}
    </span>
  )
}

interface Props {
  items: EvaluationSummary[]
  showTeam: boolean
  teamName: (id: number) => string
  meId: number
  /** Extra words after the meta line, e.g. who submitted it. */
  note?: (e: EvaluationSummary) => string | null
}

export function EvaluationList({ items, showTeam, teamName, meId, note }: Props) {
  return (
    <ul className="dash-list">
      {items.map((e) => (
        <li key={e.id}>
          <div className="dash-row-head">
            <Link to={`/evaluations/${e.id}`} className="dash-title">
              {e.title}
            </Link>
            <StatusBadge e={e} />
          </div>
          <div className="dash-meta">
            {showTeam && <span>{teamName(e.team_id)}</span>}
            <span>
              {e.candidates} candidate{e.candidates === 1 ? '' : 's'}
            </span>
            <DueText date={e.due_date} />
            {e.owner_id === meId && <span>Owned by you</span>}
            {e.status === 'draft' && e.round > 0 && <span>Returned after round {e.round}: see the managers' comment</span>}
            {note?.(e) && <span>{note(e)}</span>}
          </div>
        </li>
      ))}
    </ul>
  )
}
