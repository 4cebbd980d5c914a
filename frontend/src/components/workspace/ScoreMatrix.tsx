// The scoring display: candidates × criteria with the weights in the
// header, every cell a 0–5 score with its rationale, the weighted total and
// rank per candidate, and a bar chart of the ranking.
//
// The rows keep their place while someone scores: a save changes the
// ranking, and rows that re-sorted at once would move under the pointer (a
// scripted run scored the wrong rows that way). They are put in rank order
// again when the focus leaves the table, or on "Sort by rank".
import { useEffect, useRef, useState, type FocusEvent } from 'react'
import { api, ApiError, type Assessment, type Criterion, type Score, type Workspace } from '../../api.ts'
import { ErrorBox } from '../ui.tsx'
import { RankingChart } from './RankingChart.tsx'
import { formatTotal, clearingReload } from './util.ts'
import './workspace.css'
import { useGuardedWrite } from './guardedWrite.ts'
import { useUnsaved } from '../../unsaved.ts'

/** useOverflows says whether the element is wider than its box, as the window resizes. */
function useOverflows() {
  const ref = useRef<HTMLDivElement>(null)
  const [overflows, setOverflows] = useState(false)
  useEffect(() => {
    const el = ref.current
    if (!el) return
    const check = () => setOverflows(el.scrollWidth > el.clientWidth + 1)
    check()
    if (typeof ResizeObserver === 'undefined') return
    const ro = new ResizeObserver(check)
    ro.observe(el)
    if (el.firstElementChild) ro.observe(el.firstElementChild)
    return () => ro.disconnect()
  }, [])
  return [ref, overflows] as const
}

interface Props {
  workspace: Workspace
  /** Why the scores cannot change (null when they can). */
  readOnly: string | null
  /** Called after a score is saved, to reload the workspace. */
  onChanged: () => void
  onReload?: () => void
}

export function ScoreMatrix({ workspace, readOnly, onChanged, onReload }: Props) {
  const criteria = workspace.template.criteria
  const weightSum = criteria.reduce((s, c) => s + c.weight, 0)
  const byRank = [...workspace.assessments].sort((a, b) => a.rank - b.rank)
  const wrap = useRef<HTMLDivElement>(null)
  const [wrapRef, overflows] = useOverflows()
  // The order frozen while the table has the focus or the pointer; null
  // when the rows follow the ranking.
  const [frozen, setFrozen] = useState<number[] | null>(null)
  const ids = byRank.map((a) => a.custodian.id)
  // Candidates added meanwhile go last; removed ones drop out.
  const order = frozen ? [...frozen.filter((id) => ids.includes(id)), ...ids.filter((id) => !frozen.includes(id))] : ids
  const rows = order.map((id) => byRank.find((a) => a.custodian.id === id)!)
  const outOfOrder = order.some((id, i) => id !== ids[i])
  const hover = useRef(false)
  const freeze = () => setFrozen((f) => f ?? ids)
  // Back to rank order once neither the focus nor the pointer is in the table.
  const settle = () =>
    window.setTimeout(() => {
      if (!hover.current && !wrap.current?.contains(document.activeElement)) setFrozen(null)
    }, 0)
  const leave = (e: FocusEvent) => {
    const to = e.relatedTarget as Node | null
    if (to && !wrap.current?.contains(to)) setFrozen(null)
    // Focus lost to nothing (a click on plain text, a Save button that goes
    // away) re-sorts only if the pointer is not over the table either.
    else if (!to) settle()
  }
  const pointerEntered = () => {
    hover.current = true
    freeze()
  }
  const pointerLeft = () => {
    hover.current = false
    settle()
  }
  return (
    <div className="score-matrix-wrap" ref={wrap} onFocus={freeze} onBlur={leave} onPointerEnter={pointerEntered} onPointerLeave={pointerLeft}>
      <p className="muted small">
        Each criterion is scored 0–5 with a rationale. The weighted total is Σ weight × score ÷ 5, out of {weightSum}. An unscored criterion counts 0.
      </p>
      <div className="sm-order" role="status">
        {outOfOrder && (
          <>
            <span className="muted small">The ranking has changed; the rows keep their place until you leave the table.</span>{' '}
            <button type="button" className="small-btn" onClick={() => setFrozen(ids)}>
              Sort by rank
            </button>
          </>
        )}
      </div>
      <div className="table-wrap" ref={wrapRef} data-overflows={overflows}>
        <table className="score-matrix">
          <caption className="ws-sr-only">Scores by candidate and criterion, with weighted totals</caption>
          <thead>
            <tr>
              <th scope="col" className="sm-cand">
                Candidate
              </th>
              {criteria.map((c) => (
                <th scope="col" key={c.key} title={c.description}>
                  <span className="crit-name">{c.name}</span>
                  <span className="crit-weight">weight {c.weight}</span>
                </th>
              ))}
              <th scope="col" className="num">
                Weighted total
              </th>
              <th scope="col" className="num">
                Rank
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.custodian.id}>
                <th scope="row" className="sm-cand">
                  {a.custodian.name}
                  {/* On narrow screens the total column scrolls away: repeat it here. */}
                  <span className="sm-cand-total muted small" aria-hidden="true">
                    {formatTotal(a.weighted_total)} / {weightSum} · #{a.rank}
                  </span>
                </th>
                {criteria.map((c) => (
                  <td key={c.key} className="sm-cell">
                    <ScoreCell
                      evaluationId={workspace.evaluation.id}
                      assessment={a}
                      criterion={c}
                      score={a.scores.find((s) => s.criterion === c.key)}
                      readOnly={readOnly}
                      onChanged={onChanged}
                      onReload={onReload}
                    />
                  </td>
                ))}
                <td className="num sm-total" data-testid={`total-${a.custodian.id}`}>
                  <strong>{formatTotal(a.weighted_total)}</strong>
                  <span className="muted small"> / {weightSum}</span>
                </td>
                <td className="num">#{a.rank}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {overflows && (
        <p className="scroll-hint" data-show="true" id="score-scroll-hint">
          The table is wider than the screen: scroll sideways for every criterion and the totals →
        </p>
      )}
      <RankingChart workspace={workspace} />
    </div>
  )
}

function ScoreCell({
  evaluationId,
  assessment,
  criterion,
  score,
  readOnly,
  onChanged,
  onReload,
}: {
  evaluationId: number
  assessment: Assessment
  criterion: Criterion
  score: Score | undefined
  readOnly: string | null
  onChanged: () => void
  onReload?: () => void
}) {
  const savedValue = score ? String(score.score) : ''
  const savedRationale = score?.rationale ?? ''
  const [value, setValue] = useState(savedValue)
  const [rationale, setRationale] = useState(savedRationale)
  const [base, setBase] = useState({ savedValue, savedRationale })
  const run = useGuardedWrite()
  const select = useRef<HTMLSelectElement>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  // The Save button goes away after a save: keep the focus in this cell
  // (once the select is enabled again), not on the page.
  const [refocus, setRefocus] = useState(false)
  useEffect(() => {
    if (!refocus || busy) return
    select.current?.focus()
    setRefocus(false)
  }, [refocus, busy])
  // A reload brings the saved score: take it unless this cell is being edited.
  if (base.savedValue !== savedValue || base.savedRationale !== savedRationale) {
    setBase({ savedValue, savedRationale })
    if (value === base.savedValue && rationale === base.savedRationale) {
      setValue(savedValue)
      setRationale(savedRationale)
    }
  }
  const dirty = value !== savedValue || rationale !== savedRationale
  const label = `${criterion.name} — ${assessment.custodian.name}`
  useUnsaved(dirty && !readOnly, `the score for ${label}`)
  const rationaleReason = error instanceof ApiError ? error.field('rationale') : undefined
  const scoreReason = error instanceof ApiError ? error.field('score') : undefined

  const save = async () => {
    setError(null)
    if (value === '') {
      setError(new ApiError({ type: 'about:blank', title: 'Choose a score', status: 400, errors: [{ field: 'score', reason: 'choose a score from 0 to 5' }] }))
      return
    }
    setBusy(true)
    try {
      await run((ifMatch) =>
        api.PUT('/api/v1/evaluations/{id}/custodians/{custodianID}/scores/{criterion}', {
          params: { path: { id: evaluationId, custodianID: assessment.custodian.id, criterion: criterion.key }, header: { 'If-Match': ifMatch } },
          body: { score: Number(value), rationale },
        }),
      )
      onChanged()
      setRefocus(true)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const cancel = () => {
    setValue(savedValue)
    setRationale(savedRationale)
    setError(null)
  }
  const errId = `score-err-${assessment.custodian.id}-${criterion.key}`
  const reloadHere = clearingReload(setError, onReload)

  return (
    <div className={'score-cell' + (dirty ? ' dirty' : '') + (rationaleReason || scoreReason ? ' field-invalid' : '')}>
      <select
        ref={select}
        aria-label={'Score for ' + label}
        value={value}
        disabled={!!readOnly || busy}
        onChange={(e) => setValue(e.target.value)}
        aria-describedby={error ? errId : undefined}
        className={'score-select score-' + (value === '' ? 'none' : value)}
      >
        {value === '' && <option value="">–</option>}
        {[0, 1, 2, 3, 4, 5].map((n) => (
          <option key={n} value={String(n)}>
            {n}
          </option>
        ))}
      </select>
      {readOnly ? (
        <p className="score-rationale small">{savedRationale || <span className="muted">No rationale</span>}</p>
      ) : (
        <textarea
          aria-label={'Rationale for ' + label}
          className="score-rationale-input"
          rows={2}
          value={rationale}
          placeholder="Rationale"
          disabled={busy}
          onChange={(e) => setRationale(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && dirty) {
              e.preventDefault()
              save()
            }
          }}
          aria-describedby={error ? errId : undefined}
        />
      )}
      {dirty && !readOnly && (
        <div className="score-actions">
          <button type="button" className="primary small-btn" onClick={save} disabled={busy} aria-label={'Save score for ' + label}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          <button type="button" className="small-btn" onClick={cancel} disabled={busy} aria-label={'Cancel the change to ' + label}>
            Cancel
          </button>
        </div>
      )}
      {(rationaleReason || scoreReason) && (
        <div id={errId} className="field-error" role="alert">
          {scoreReason ?? rationaleReason}
        </div>
      )}
      {error !== null && !rationaleReason && !scoreReason && (
        <div id={errId}>
          <ErrorBox error={error} onReload={reloadHere} />
        </div>
      )}
    </div>
  )
}
