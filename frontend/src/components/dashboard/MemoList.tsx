// The most recent memos, each with its evaluation and a download link.
import { downloadURL, type Memo } from '../../api.ts'
import { formatDateTime, shortHash } from '../../format.ts'
import { Link } from '../../router.tsx'

export function RecentMemoList({ memos, showTeam, teamName }: { memos: Memo[]; showTeam: boolean; teamName: (id: number) => string }) {
  return (
    <ul className="dash-list">
      {memos.map((m) => (
        <li key={m.id}>
          <div className="dash-row-head">
            <span className="dash-title">{m.title}</span>
            <a href={downloadURL('/api/v1/memos/{id}/pdf', { id: m.id })} download className="nowrap">
              Download memo #{m.id}
            </a>
          </div>
          <div className="dash-meta">
            {showTeam && <span>{teamName(m.team_id)}</span>}
            <Link to={`/evaluations/${m.evaluation_id}`}>Evaluation #{m.evaluation_id}</Link>
            <span>Issued {formatDateTime(m.issued_at)}</span>
            <span title={m.sha256}>
              SHA-256 <code>{shortHash(m.sha256)}</code>
            </span>
          </div>
        </li>
      ))}
    </ul>
  )
}
