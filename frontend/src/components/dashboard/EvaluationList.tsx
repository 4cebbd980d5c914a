// A compact list of evaluations for the dashboard: title (a link to the
// workspace), team, candidates, due date and where it stands.
import type { EvaluationSummary } from '../../api.ts'
import { Link } from '../../router.tsx'
import { formatPercent } from '../../format.ts'
import { Badge } from '../ui.tsx'
import type { Progress } from './loadDashboard.ts'
import { daysUntil, formatDay, relativeDays } from './dates.ts'

export function StatusBadge({ e }: { e: EvaluationSummary }) {
  // A draft after a round was either returned by a manager or withdrawn by
  // its submitter; the summary does not say which, its history does.
  if (e.status === 'draft' && e.round > 0) return <Badge kind="returned">Back to draft</Badge>
  if (e.status === 'submitted') return <Badge kind="submitted">Awaiting approval</Badge>
  return <Badge kind={e.status}>{e.status === 'draft' ? 'Draft' : 'Approved'}</Badge>
}

export function DueText({ date, today }: { date: string | null; today?: Date }) {
  if (!date) return <span className="muted">No due date</span>
  const d = daysUntil(date, today)
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
  /** Completion and open flags, where known. */
  progress?: Map<number, Progress>
  today?: Date
}

function ProgressLine({ title, p }: { title: string; p: Progress }) {
  const open = p.flags.critical + p.flags.high + p.flags.medium + p.flags.low
  return (
    <div className="dash-progress">
      <span className="progress" role="progressbar" aria-label={`Completion of ${title}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={p.percent}>
        <span style={{ width: p.percent + '%' }} />
      </span>
      <span className="small">
        {p.answered} of {p.total} answered ({formatPercent(p.percent)})
      </span>
      <span className="small">
        {open === 0 ? 'no open red flag' : `${open} open red flag${open === 1 ? '' : 's'}`}
        {p.flags.critical > 0 && <> · <strong className="due-past">{p.flags.critical} critical</strong></>}
      </span>
    </div>
  )
}

export function EvaluationList({ items, showTeam, teamName, meId, note, progress, today }: Props) {
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
            <DueText date={e.due_date} today={today} />
            {e.owner_id === meId && <span>Owned by you</span>}
            {e.status === 'draft' && e.round > 0 && <span>Back to draft after round {e.round} (returned or withdrawn): see its history</span>}
            {note?.(e) && <span>{note(e)}</span>}
          </div>
          {progress?.get(e.id) && <ProgressLine title={e.title} p={progress.get(e.id)!} />}
        </li>
      ))}
    </ul>
  )
}
