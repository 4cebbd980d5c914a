// What changed in a re-diligence since the approved evaluation it follows:
// the answers that differ, the scores then and now, red flags new, gone or
// moved, and the custodian's catalogue facts. Every figure is the server's.
import type { Changes as ChangesData } from '../../api.ts'
import { api } from '../../api.ts'
import { formatDate } from '../../format.ts'
import { ErrorBox, Loading } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'

const words: Record<string, string> = {
  pending: 'Pending',
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_applicable: 'Not applicable',
  open: 'open',
  mitigated: 'mitigated',
  accepted: 'accepted',
  closed: 'closed',
}

const say = (s: string | null | undefined) => (s ? (words[s] ?? s) : '—')

/** version reloads the comparison whenever the workspace changes. */
export function Changes({ id, version }: { id: number; version: number }) {
  const r = useLoad((signal) => api.GET('/api/v1/evaluations/{id}/changes', { params: { path: { id } }, signal }), [id, version])
  if (r.error) return <ErrorBox error={r.error} onReload={r.reload} />
  if (!r.data) return <Loading what="Comparing with the last approved evaluation" />
  return <ChangesView changes={r.data} />
}

export function ChangesView({ changes: c }: { changes: ChangesData }) {
  const answers = c.answers.filter((a) => a.changed)
  const waiting = c.answers.filter((a) => a.carried_forward).length
  const scores = c.scores.filter((s) => s.changed)
  return (
    <section className="ws-changes" aria-label="What changed">
      <p>
        Compared with evaluation #{c.follows_evaluation_id}
        {c.follows_approved_at && <>, approved {formatDate(c.follows_approved_at)}</>}, for {c.custodian}. Weighted total {c.previous_weighted_total} then,{' '}
        {c.current_weighted_total} now.
        {waiting > 0 && ` ${waiting} carried-forward answer${waiting === 1 ? '' : 's'} still to confirm.`}
      </p>
      <h3>Answers</h3>
      {answers.length === 0 ? (
        <p className="muted">No answer differs from the last approved evaluation.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Then</th>
              <th scope="col">Now</th>
            </tr>
          </thead>
          <tbody>
            {answers.map((a) => (
              <tr key={a.item_id}>
                <th scope="row">{a.prompt}</th>
                <td>
                  {say(a.previous?.status)}
                  {a.previous?.note && <div className="small muted">{a.previous.note}</div>}
                </td>
                <td>
                  {say(a.current.status)}
                  {a.current.note && <div className="small muted">{a.current.note}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Scores</h3>
      {scores.length === 0 ? (
        <p className="muted">Every score is as it was.</p>
      ) : (
        <ul>
          {scores.map((s) => (
            <li key={s.criterion}>
              {s.name} (weight {s.weight}): {s.previous ?? 'unscored'} → {s.current ?? 'not scored yet'}
            </li>
          ))}
        </ul>
      )}
      <h3>Red flags</h3>
      {c.red_flags.length === 0 ? (
        <p className="muted">No red flag is new, gone or in another status.</p>
      ) : (
        <ul>
          {c.red_flags.map((f, i) => (
            <li key={i}>
              {f.title} ({f.severity}): {f.previous ? say(f.previous) : 'new'} → {f.current ? say(f.current) : 'not raised this time'}
            </li>
          ))}
        </ul>
      )}
      <h3>Catalogue facts</h3>
      {c.facts.length === 0 ? (
        <p className="muted">The custodian's catalogue facts are as they were.</p>
      ) : (
        <ul>
          {c.facts.map((f) => (
            <li key={f.fact}>
              {f.fact.replace('_', ' ')}: {f.previous || '—'} → {f.current || '—'}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
