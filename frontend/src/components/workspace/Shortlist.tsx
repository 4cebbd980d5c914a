// The shortlist editor: pick candidates, order them, give each a rationale,
// save (PUT …/shortlist, guarded by the workspace ETag).
import { useId, useState } from 'react'
import { ApiError, type ShortlistEntry, type Workspace } from '../../api.ts'
import { ErrorBox, Field } from '../ui.tsx'
import { formatTotal } from './util.ts'
import './workspace.css'

interface Props {
  workspace: Workspace
  readOnly: string | null
  /** Saves the entries; resolves when saved (the workspace is replaced). */
  onSave: (entries: ShortlistEntry[]) => Promise<unknown>
  onReload?: () => void
}

interface Row {
  custodian_id: number
  rationale: string
  /** Why this entry sits above a candidate with a higher weighted total. */
  inversion_rationale: string
}

export function ShortlistEditor({ workspace, readOnly, onSave, onReload }: Props) {
  const initial = [...workspace.shortlist].sort((a, b) => a.rank - b.rank).map((e) => ({ custodian_id: e.custodian_id, rationale: e.rationale, inversion_rationale: e.inversion_rationale ?? '' }))
  const initialJSON = JSON.stringify(initial)
  const [rows, setRows] = useState<Row[]>(initial)
  // A reload brings the saved shortlist: take it unless it is being edited.
  const [base, setBase] = useState(initialJSON)
  // After a conflict the user asked to see the others' shortlist: take it.
  const [adopt, setAdopt] = useState(false)
  if (base !== initialJSON) {
    setBase(initialJSON)
    if (adopt || JSON.stringify(rows) === base) setRows(initial)
    setAdopt(false)
  }
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [saved, setSaved] = useState(false)
  const listId = useId()
  const byId = new Map(workspace.assessments.map((a) => [a.custodian.id, a]))
  const dirty = JSON.stringify(rows) !== initialJSON

  const change = (next: Row[]) => {
    setRows(next)
    setSaved(false)
  }
  const toggle = (id: number) =>
    change(rows.some((r) => r.custodian_id === id) ? rows.filter((r) => r.custodian_id !== id) : [...rows, { custodian_id: id, rationale: '', inversion_rationale: '' }])
  const move = (i: number, by: number) => {
    const j = i + by
    if (j < 0 || j >= rows.length) return
    const next = [...rows]
    ;[next[i], next[j]] = [next[j], next[i]]
    change(next)
  }
  const save = async () => {
    setBusy(true)
    setError(null)
    try {
      await onSave(rows.map((r, i) => ({ custodian_id: r.custodian_id, rank: i + 1, rationale: r.rationale, inversion_rationale: r.inversion_rationale })))
      setSaved(true)
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const entriesReason = error instanceof ApiError ? error.field('entries') : undefined
  const name = (id: number) => byId.get(id)?.custodian.name ?? 'Custodian #' + id
  const total = (id: number) => byId.get(id)?.weighted_total ?? 0
  // The first candidate placed below this one with a higher weighted total (the server's rule).
  const inverted = (i: number) => rows.slice(i + 1).find((x) => total(x.custodian_id) > total(rows[i].custodian_id))

  return (
    <div className="shortlist">
      {readOnly && <p className="muted small">{readOnly}</p>}
      <div className="shortlist-grid">
        <fieldset className="ws-fieldset card">
          <legend>Candidates by rank</legend>
          <ul className="plain-list">
            {workspace.ranking.map((r) => (
              <li key={r.custodian_id}>
                <label className="check">
                  <input type="checkbox" checked={rows.some((x) => x.custodian_id === r.custodian_id)} onChange={() => toggle(r.custodian_id)} disabled={!!readOnly || busy} />
                  <span>
                    #{r.rank} {r.name} <span className="muted small">({formatTotal(r.weighted_total)})</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        </fieldset>
        <div>
          <h3 id={listId}>Shortlist</h3>
          {rows.length === 0 ? (
            <div className="empty">No custodian is shortlisted. Tick the candidates to add them.</div>
          ) : (
            <ol className="shortlist-list" aria-labelledby={listId}>
              {rows.map((r, i) => (
                <li key={r.custodian_id} className="card shortlist-entry">
                  {/* The group sits inside the item: a list may hold only list items. */}
                  <div role="group" aria-label={name(r.custodian_id)}>
                  <div className="shortlist-entry-head">
                    <span className="rank-no">{i + 1}</span>
                    <strong>{name(r.custodian_id)}</strong>
                    <span className="muted small">weighted total {formatTotal(byId.get(r.custodian_id)?.weighted_total ?? 0)}</span>
                    <span className="actions shortlist-move">
                      <button type="button" className="small-btn" onClick={() => move(i, -1)} disabled={!!readOnly || busy || i === 0}>
                        <span aria-hidden="true">↑ </span>Up<span className="vh">: move {name(r.custodian_id)} up</span>
                      </button>
                      <button
                        type="button"
                        className="small-btn"
                        onClick={() => move(i, 1)}
                        disabled={!!readOnly || busy || i === rows.length - 1}
                      >
                        <span aria-hidden="true">↓ </span>Down<span className="vh">: move {name(r.custodian_id)} down</span>
                      </button>
                      <button type="button" className="small-btn" onClick={() => toggle(r.custodian_id)} disabled={!!readOnly || busy} aria-label={`Remove ${name(r.custodian_id)} from the shortlist`}>
                        Remove
                      </button>
                    </span>
                  </div>
                  <Field label="Rationale">
                    {(id) => (
                      <textarea
                        id={id}
                        rows={2}
                        value={r.rationale}
                        disabled={!!readOnly || busy}
                        onChange={(e) => change(rows.map((x) => (x.custodian_id === r.custodian_id ? { ...x, rationale: e.target.value } : x)))}
                        placeholder="Why this custodian, at this rank"
                      />
                    )}
                  </Field>
                  {inverted(i) && (
                    <Field label={`Why above ${name(inverted(i)!.custodian_id)}`}>
                      {(id) => (
                        <textarea
                          id={id}
                          rows={2}
                          value={r.inversion_rationale}
                          disabled={!!readOnly || busy}
                          onChange={(e) => change(rows.map((x) => (x.custodian_id === r.custodian_id ? { ...x, inversion_rationale: e.target.value } : x)))}
                          placeholder={`${name(inverted(i)!.custodian_id)} has the higher weighted total: say why this order`}
                        />
                      )}
                    </Field>
                  )}
                  </div>
                </li>
              ))}
            </ol>
          )}
          {entriesReason && (
            <div className="field-error" role="alert">
              {entriesReason}
            </div>
          )}
          {error !== null && !entriesReason && (
            <ErrorBox
              error={error}
              onReload={
                onReload
                  ? () => {
                      setError(null)
                      setRows(initial)
                      setAdopt(true)
                      onReload()
                    }
                  : undefined
              }
            />
          )}
          {!readOnly && (
            <div className="actions">
              <button type="button" className="primary" onClick={save} disabled={busy || rows.length === 0 || !dirty}>
                {busy ? 'Saving…' : 'Save shortlist'}
              </button>
              {dirty && <span className="small warn-text">Unsaved changes</span>}
              {saved && !dirty && (
                <span className="small ok-text" role="status">
                  Shortlist saved.
                </span>
              )}
            </div>
          )}
        </div>
      </div>
    </div>
  )
}
