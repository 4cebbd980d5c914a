// Weight sensitivity beside the ranking: the server's verdict, a compact
// grid of who ranks first when one criterion's weight moves by ±5 or ±10
// points, the exact shift at which someone draws level, and a what-if mode
// that tries other weights without saving anything.
import { useId, useState } from 'react'
import type { Workspace } from '../../api.ts'
import { formatTotal } from './util.ts'
import './workspace.css'
import './Sensitivity.css'

const SHIFTS = [-10, -5, 5, 10]

export function SensitivityPanel({ workspace }: { workspace: Workspace }) {
  const s = workspace.sensitivity
  const headId = useId()
  const [whatIf, setWhatIf] = useState(false)
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
      <button type="button" className="link small" aria-expanded={whatIf} onClick={() => setWhatIf(!whatIf)}>
        {whatIf ? 'Close the what-if' : 'Try other weights (nothing is saved)'}
      </button>
      {whatIf && <WhatIf workspace={workspace} />}
    </section>
  )
}

// WhatIf ranks the candidates under weights the user types, with the same
// rule as the server (Σ weight × score / 5, unscored counts 0, ties by
// name); the weights are only rescaled for display, never saved.
function WhatIf({ workspace }: { workspace: Workspace }) {
  const [weights, setWeights] = useState<Record<string, number>>(() => Object.fromEntries(workspace.template.criteria.map((c) => [c.key, c.weight])))
  const sum = Object.values(weights).reduce((a, b) => a + b, 0)
  const ranked = workspace.assessments
    .map((a) => {
      const by = new Map(a.scores.map((x) => [x.criterion, x.score]))
      const raw = workspace.template.criteria.reduce((t, c) => t + (weights[c.key] ?? 0) * (by.get(c.key) ?? 0), 0)
      // Out of 100 whatever the weights add up to.
      return { id: a.custodian.id, name: a.custodian.name, total: sum > 0 ? Math.round((raw / 5 / sum) * 1000) / 10 : 0 }
    })
    .sort((x, y) => y.total - x.total || x.name.localeCompare(y.name))
  return (
    <div className="sens-whatif">
      <div className="sens-weights">
        {workspace.template.criteria.map((c) => (
          <label key={c.key} className="small">
            {c.name}
            <input
              type="number"
              min={0}
              max={100}
              value={weights[c.key]}
              onChange={(e) => setWeights({ ...weights, [c.key]: Math.max(0, Math.min(100, Number(e.target.value) || 0)) })}
              aria-label={`What-if weight for ${c.name}`}
            />
          </label>
        ))}
      </div>
      <p className="muted small">Weights add up to {sum}; totals are shown out of 100.</p>
      <ol className="small" aria-label="What-if ranking">
        {ranked.map((r) => (
          <li key={r.id}>
            {r.name} — {formatTotal(r.total)}
          </li>
        ))}
      </ol>
    </div>
  )
}
