// The ranking by weighted total as a bar chart of plain CSS bars.
import type { Workspace } from '../../api.ts'
import { SensitivityPanel } from './Sensitivity.tsx'
import { formatTotal } from './util.ts'
import './workspace.css'

export function RankingChart({ workspace }: { workspace: Workspace }) {
  const max = workspace.template.criteria.reduce((s, c) => s + c.weight, 0) || 100
  const shortlisted = new Map(workspace.shortlist.map((e) => [e.custodian_id, e.rank]))
  return (
    <figure className="ranking">
      <figcaption>
        <h3>Ranking</h3>
        <span className="muted small">By weighted total, out of {max}</span>
      </figcaption>
      <ol className="rank-bars" aria-label="Ranking by weighted total">
        {workspace.ranking.map((r) => (
          <li key={r.custodian_id}>
            <span className="rank-no" aria-hidden="true">
              {r.rank}
            </span>
            <span className="rank-name">
              {r.name}
              {shortlisted.has(r.custodian_id) && <span className="badge badge-approved rank-tag">shortlist #{shortlisted.get(r.custodian_id)}</span>}
            </span>
            <span className="rank-bar" aria-hidden="true">
              <span style={{ width: `${Math.max(0, Math.min(100, (r.weighted_total / max) * 100))}%` }} />
            </span>
            <span className="rank-val">
              <span className="ws-sr-only">rank {r.rank}, weighted total </span>
              {formatTotal(r.weighted_total)}
            </span>
          </li>
        ))}
      </ol>
      <SensitivityPanel workspace={workspace} />
    </figure>
  )
}
