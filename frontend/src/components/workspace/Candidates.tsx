// The candidates at a glance: completion, weighted total, rank, red flags;
// adding one from the catalogue and removing one while the evaluation is a draft.
import { useId, useState, type FormEvent } from 'react'
import { api, ApiError, client, type Custodian, type Workspace } from '../../api.ts'
import type { WorkspaceState } from './useWorkspace.ts'
import { Link } from '../../router.tsx'
import { Badge, ErrorBox, Field, Loading } from '../ui.tsx'
import { useMandateFit } from './useMandateFit.ts'
import { formatTotal, clearingReload, plural } from './util.ts'
import './workspace.css'

interface Props {
  workspace: Workspace
  readOnly: string | null
  write: WorkspaceState['write']
  onOpen: (custodianId: number, tab: 'checklist' | 'flags') => void
  onReload?: () => void
}

export function Candidates({ workspace, readOnly, write, onOpen, onReload }: Props) {
  const [busy, setBusy] = useState<number | null>(null)
  const [confirming, setConfirming] = useState<number | null>(null)
  const [error, setError] = useState<unknown>(null)
  const count = workspace.assessments.length
  const remove = async (id: number) => {
    setConfirming(null)
    setBusy(id)
    setError(null)
    try {
      await write(({ path, header }) => client.DELETE('/api/v1/evaluations/{id}/candidates/{custodianID}', { params: { path: { ...path, custodianID: id }, header } }))
    } catch (e) {
      setError(e)
    } finally {
      setBusy(null)
    }
  }
  const rows = [...workspace.assessments].sort((a, b) => a.rank - b.rank)
  return (
    <div className="candidates">
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Candidate</th>
              <th scope="col">Checklist</th>
              <th scope="col" className="num">
                Weighted total
              </th>
              <th scope="col" className="num">
                Rank
              </th>
              <th scope="col">Red flags</th>
              {!readOnly && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => {
              const open = a.red_flags.filter((f) => f.status === 'open')
              const critical = open.filter((f) => f.severity === 'critical').length
              return (
                <tr key={a.custodian.id}>
                  <td>
                    <Link to={`/custodians/${a.custodian.id}`}>{a.custodian.name}</Link>
                    <div className="small muted">
                      {a.custodian.qualified_custodian ? 'Qualified custodian' : 'Not a qualified custodian'} · {a.custodian.regions.join(', ')} ·{' '}
                      {a.custodian.staking ? 'staking' : 'no staking'}
                    </div>
                  </td>
                  <td className="cand-progress">
                    <button type="button" className="link" onClick={() => onOpen(a.custodian.id, 'checklist')}>
                      {a.completion.answered}/{a.completion.total}
                      <span className="vh"> checklist items of {a.custodian.name} answered</span>
                    </button>
                    <div className="progress" aria-hidden="true">
                      <span style={{ width: a.completion.percent + '%' }} />
                    </div>
                    {a.completion.to_confirm > 0 && (
                      <div className="small muted">{plural(a.completion.to_confirm, 'carried-forward answer')} to confirm</div>
                    )}
                  </td>
                  <td className="num">{formatTotal(a.weighted_total)}</td>
                  <td className="num">#{a.rank}</td>
                  <td>
                    <button type="button" className="link" onClick={() => onOpen(a.custodian.id, 'flags')}>
                      {open.length} open<span className="vh"> red flags of {a.custodian.name}</span>
                    </button>{' '}
                    {critical > 0 && <Badge kind="critical">{critical} critical</Badge>}
                  </td>
                  {!readOnly && (
                    <td>
                      {confirming === a.custodian.id ? (
                        <span className="confirm-remove">
                          <span className="small">Its answers, scores, flags and evidence go too.</span>
                          <button type="button" className="small-btn danger" onClick={() => remove(a.custodian.id)}>
                            Confirm removal<span className="vh"> of {a.custodian.name}</span>
                          </button>
                          <button type="button" className="small-btn" onClick={() => setConfirming(null)}>
                            Keep
                          </button>
                        </span>
                      ) : (
                        <button
                          type="button"
                          className="small-btn danger"
                          onClick={() => setConfirming(a.custodian.id)}
                          disabled={busy !== null || count <= 2}
                          title={count <= 2 ? 'An evaluation keeps at least 2 candidates' : undefined}
                        >
                          {busy === a.custodian.id ? 'Removing…' : 'Remove'}
                          <span className="vh"> {a.custodian.name}</span>
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              )
            })}
          </tbody>
        </table>
      </div>
      {!readOnly && count <= 2 && <p className="small muted">An evaluation keeps at least 2 candidates: add one before removing another.</p>}
      <ErrorBox
        error={error}
        onReload={clearingReload(setError, onReload)}
      />
      {!readOnly && <AddCandidate workspace={workspace} write={write} onReload={onReload} />}
    </div>
  )
}

function AddCandidate({ workspace, write, onReload }: { workspace: Workspace; write: Props['write']; onReload?: () => void }) {
  const [open, setOpen] = useState(false)
  const [catalogue, setCatalogue] = useState<Custodian[] | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const [choice, setChoice] = useState<number>(0)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const headId = useId()
  const present = new Set(workspace.assessments.map((a) => a.custodian.id))
  const options = (catalogue ?? []).filter((c) => !present.has(c.id))
  const chosen = options.find((c) => c.id === choice)
  const preview = useMandateFit(workspace.evaluation.mandate, chosen ? [chosen.id] : [], workspace.evaluation.template_id)
  const fit = chosen ? (preview.flags.get(chosen.id) ?? []) : []

  const start = async () => {
    setOpen(true)
    if (catalogue) return
    try {
      const page = await api.GET('/api/v1/custodians', { params: { query: { limit: 100 } } })
      setCatalogue(page.items)
    } catch (e) {
      setLoadError(e)
    }
  }
  const add = async (e: FormEvent) => {
    e.preventDefault()
    if (!choice) return
    setBusy(true)
    setError(null)
    try {
      await write((params) => client.POST('/api/v1/evaluations/{id}/candidates', { params, body: { custodian_id: choice } }))
      setChoice(0)
      setOpen(false)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  if (!open)
    return (
      <div className="actions add-cand">
        <button type="button" onClick={start} disabled={workspace.assessments.length >= 20}>
          Add a candidate
        </button>
        {workspace.assessments.length >= 20 && <span className="small muted">20 candidates at most.</span>}
      </div>
    )
  return (
    <form className="card add-cand-form" onSubmit={add} aria-labelledby={headId}>
      <h3 id={headId}>Add a candidate</h3>
      {loadError ? (
        <ErrorBox error={loadError} />
      ) : !catalogue ? (
        <Loading what="Loading the catalogue" />
      ) : options.length === 0 ? (
        <p className="muted">Every custodian in the catalogue is already a candidate.</p>
      ) : (
        <>
          <Field label="Custodian" name="custodian_id" error={error}>
            {(id, d) => (
              <select id={id} value={choice} onChange={(e) => setChoice(Number(e.target.value))} aria-describedby={d}>
                <option value={0}>Choose a custodian…</option>
                {options.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {fit.length > 0 && (
            <div className="alert alert-info">
              Adding it raises these red flags:
              <ul>
                {fit.map((f, i) => (
                  <li key={i}>
                    <Badge kind={f.severity}>{f.severity}</Badge> {f.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
      {error !== null && !(error instanceof ApiError && error.field('custodian_id')) && (
        <ErrorBox
          error={error}
          onReload={clearingReload(setError, onReload)}
        />
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={!choice || busy}>
          {busy ? 'Adding…' : 'Add candidate'}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  )
}
