// Weight sensitivity beside the ranking: the server's verdict, a compact
// grid of who ranks first when one criterion's weight moves by ±5 or ±10
// points, and the exact shift at which someone draws level. Every figure is
// the server's: the weighted-total rule lives only there.
import { useId } from 'react'
import type { Workspace } from '../../api.ts'
import { formatTotal } from './util.ts'
import './workspace.css'
import './Sensitivity.css'

const SHIFTS = [-10, -5, 5, 10]

export function SensitivityPanel({ workspace }: { workspace: Workspace }) {
  const s = workspace.sensitivity
  const headId = useId()
  if (!s) return null
  const winner = workspace.ranking[0]?.name ?? ''
  const signed = (n: number) => (n > 0 ? '+' : n < 0 ? '−' : '±') + String(Math.abs(n))
  return (
    <section className="sensitivity" aria-labelledby={headId}>
      <h3 id={headId}>Weight sensitivity</h3>
      <p className={'small ' + (s.robust ? 'ok-text' : 'warn-text')} data-testid="sensitivity-verdict">
        {s.verdict}
      </p>
      <table className="sens-grid small">
        <caption className="ws-sr-only">Candidate ranked first when one weight moves, the others rescaled to keep the total</caption>
        <thead>
          <tr>
            <th scope="col">Criterion</th>
            {SHIFTS.map((d) => (
              <th key={d} scope="col">
                {signed(d)}
              </th>
            ))}
            <th scope="col">Draws level at</th>
          </tr>
        </thead>
        <tbody>
          {workspace.template.criteria.map((c) => {
            const levels = s.thresholds.filter((t) => t.criterion === c.key)
            return (
              <tr key={c.key}>
                <th scope="row">
                  {c.name} <span className="muted">({c.weight})</span>
                </th>
                {SHIFTS.map((d) => {
                  const sh = s.shifts.find((x) => x.criterion === c.key && x.delta === d)
                  const first = sh?.ranking[0]?.name ?? ''
                  return (
                    <td key={d} className={sh?.winner_changed ? 'sens-flip' : 'sens-same'} title={sh ? `${c.name} at ${formatTotal(sh.weight)}: ${first} first` : ''}>
                      {sh?.winner_changed ? first : <span aria-label={`${winner} stays first`}>·</span>}
                    </td>
                  )
                })}
                <td>{levels.length === 0 ? <span className="muted">no shift</span> : levels.map((t) => `${signed(t.delta)} → ${t.challenger}`).join('; ')}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </section>
  )
}
