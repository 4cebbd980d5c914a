// One candidate's red flags: the automatic ones with their reason, raising
// from the template's catalogue or a custom one, and resolving them.
import { useEffect, useId, useState, type FormEvent } from 'react'
import { api, ApiError, type RedFlag, type RedFlagStatus, type Severity, type Workspace } from '../../api.ts'
import { formatDateTime } from '../../format.ts'
import { Badge, Empty, ErrorBox, Field } from '../ui.tsx'
import './workspace.css'
import { useGuardedWrite } from './guardedWrite.ts'
import { useUnsaved } from '../../unsaved.ts'
import { clearingReload } from './util.ts'
import { WithdrawFlag } from './WithdrawFlag.tsx'

const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical']
const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 }
const STATUS_LABELS: Record<RedFlagStatus, string> = { open: 'Open', mitigated: 'Mitigated', accepted: 'Accepted', closed: 'Closed', withdrawn: 'Withdrawn' }

interface Props {
  workspace: Workspace
  custodianId: number
  readOnly: string | null
  onChanged: () => void
  onReload?: () => void
  focusFlag?: { flagId: number; nonce: number } | null
}

export function RedFlags({ workspace, custodianId, readOnly, onChanged, onReload, focusFlag }: Props) {
  const assessment = workspace.assessments.find((a) => a.custodian.id === custodianId)

  useEffect(() => {
    if (!focusFlag) return
    const el = document.getElementById(`flag-${focusFlag.flagId}`)
    if (el) {
      el.scrollIntoView?.({ block: 'center' })
      el.focus()
    }
  }, [focusFlag])

  if (!assessment) return <p className="muted">This custodian is not a candidate of the evaluation.</p>
  const flags = [...assessment.red_flags].sort(
    (a, b) => Number(a.status !== 'open') - Number(b.status !== 'open') || Number(a.status === 'withdrawn') - Number(b.status === 'withdrawn') || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.id - b.id,
  )
  const open = flags.filter((f) => f.status === 'open').length

  return (
    <div className="red-flags">
      <p className="muted">
        {flags.length === 0
          ? `No red flag is raised about ${assessment.custodian.name}.`
          : `${flags.length} red flag${flags.length === 1 ? '' : 's'} about ${assessment.custodian.name}, ${open} open. An open critical flag keeps a shortlisted candidate from being submitted.`}
      </p>
      {flags.length > 0 ? (
        <ul className="flag-list">
          {flags.map((f) => (
            <FlagRow key={f.id} evaluationId={workspace.evaluation.id} flag={f} readOnly={readOnly} onChanged={onChanged} onReload={onReload} />
          ))}
        </ul>
      ) : (
        <Empty>Nothing raised yet.</Empty>
      )}
      {!readOnly && <RaiseFlag workspace={workspace} custodianId={custodianId} onChanged={onChanged} />}
    </div>
  )
}

function FlagRow({
  evaluationId,
  flag,
  readOnly,
  onChanged,
  onReload,
}: {
  evaluationId: number
  flag: RedFlag
  readOnly: string | null
  onChanged: () => void
  onReload?: () => void
}) {
  const titleId = useId()
  const [resolution, setResolution] = useState('')
  useUnsaved(resolution.trim() !== '', `the resolution of “${flag.title}”`)
  const run = useGuardedWrite()
  const [busy, setBusy] = useState<RedFlagStatus | null>(null)
  const [error, setError] = useState<unknown>(null)
  // Withdrawing has its own request, with its reason.
  const move = async (status: Exclude<RedFlagStatus, 'withdrawn'>) => {
    setBusy(status)
    setError(null)
    try {
      await run((ifMatch) => api.PATCH('/api/v1/evaluations/{id}/red-flags/{flagID}', { params: { path: { id: evaluationId, flagID: flag.id }, header: { 'If-Match': ifMatch } }, body: { status, resolution } }))
      setResolution('')
      onChanged()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(null)
    }
  }
  const automatic = flag.mandate_rule !== null
  const reloadHere = clearingReload(setError, onReload)
  const reason = error instanceof ApiError ? error.field('resolution') : undefined
  return (
    <li id={`flag-${flag.id}`} tabIndex={-1} className={'flag flag-' + flag.status + ' sev-' + flag.severity} aria-labelledby={titleId}>
      <div className="flag-head">
        <h4 id={titleId}>{flag.title}</h4>
        <Badge kind={flag.severity}>{flag.severity}</Badge>
        <Badge kind={flag.status}>{STATUS_LABELS[flag.status]}</Badge>
        {automatic && <span className="badge badge-auto">Raised by mandate fit</span>}
      </div>
      {flag.reason && (
        <p className="flag-reason">
          <strong>Why: </strong>
          {flag.reason}
        </p>
      )}
      {flag.description && <p className="small muted">{flag.description}</p>}
      {flag.status !== 'open' && flag.resolution && (
        <p className="flag-resolution">
          <strong>{flag.status === 'accepted' ? 'Justification: ' : flag.status === 'withdrawn' ? 'Withdrawn as raised by mistake: ' : 'Resolution: '}</strong>
          {flag.resolution}
        </p>
      )}
      <p className="small muted">Updated {formatDateTime(flag.updated_at)}</p>
      {!readOnly && flag.status !== 'withdrawn' && (
        <div className="flag-actions">
          {flag.status === 'open' ? (
            <>
              <Field label="Resolution" name="resolution" error={error} hint="How it was mitigated or closed; required to accept the risk (the justification).">
                {(id, d) => <textarea id={id} rows={2} value={resolution} onChange={(e) => setResolution(e.target.value)} aria-describedby={d} />}
              </Field>
              <div className="actions">
                <button type="button" onClick={() => move('mitigated')} disabled={busy !== null}>
                  {busy === 'mitigated' ? 'Saving…' : 'Mark mitigated'}
                </button>
                <button type="button" onClick={() => move('accepted')} disabled={busy !== null}>
                  {busy === 'accepted' ? 'Saving…' : 'Accept risk'}
                </button>
                <button type="button" onClick={() => move('closed')} disabled={busy !== null}>
                  {busy === 'closed' ? 'Saving…' : 'Close flag'}
                </button>
              </div>
              <WithdrawFlag evaluationId={evaluationId} flag={flag} onChanged={onChanged} />
            </>
          ) : (
            <div className="actions">
              <button type="button" onClick={() => move('open')} disabled={busy !== null}>
                {busy === 'open' ? 'Saving…' : 'Reopen'}
              </button>
            </div>
          )}
          {error !== null && !reason && <ErrorBox error={error} onReload={reloadHere} />}
        </div>
      )}
    </li>
  )
}

function RaiseFlag({ workspace, custodianId, onChanged }: { workspace: Workspace; custodianId: number; onChanged: () => void }) {
  const catalogue = workspace.template.red_flags
  const [mode, setMode] = useState<'catalogue' | 'custom'>('catalogue')
  // Listed from the least severe, and the least severe chosen: raising a
  // flag should never default to a critical one.
  const byLeastSevere = [...catalogue].sort((a, b) => SEVERITY_ORDER[b.default_severity] - SEVERITY_ORDER[a.default_severity])
  const [definitionId, setDefinitionId] = useState<number>(byLeastSevere[0]?.id ?? 0)
  const [title, setTitle] = useState('')
  const [severity, setSeverity] = useState<Severity>('medium')
  const [description, setDescription] = useState('')
  const run = useGuardedWrite()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [done, setDone] = useState('')
  const def = catalogue.find((d) => d.id === definitionId)
  useUnsaved(title.trim() !== '' || description.trim() !== '', 'a red flag not raised yet')

  const raise = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setDone('')
    const body = mode === 'catalogue' ? { definition_id: definitionId, description: description || undefined } : { title, severity, description }
    try {
      const f = await run((ifMatch) =>
        api.POST('/api/v1/evaluations/{id}/custodians/{custodianID}/red-flags', {
          params: { path: { id: workspace.evaluation.id, custodianID: custodianId }, header: { 'If-Match': ifMatch } },
          body,
        }),
      )
      setDone(`Raised “${f.title}”.`)
      setTitle('')
      setDescription('')
      onChanged()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  const named = error instanceof ApiError && (error.problem.errors ?? []).some((f) => ['title', 'severity', 'description', 'definition_id'].includes(f.field))
  return (
    <form className="card raise-flag" onSubmit={raise} aria-label="Raise a red flag" noValidate>
      <h3>Raise a red flag</h3>
      <fieldset className="ws-fieldset ws-radios">
        <legend>Kind</legend>
        <label className="check">
          <input type="radio" name={`mode-${custodianId}`} checked={mode === 'catalogue'} onChange={() => setMode('catalogue')} />
          <span>From the template's catalogue</span>
        </label>
        <label className="check">
          <input type="radio" name={`mode-${custodianId}`} checked={mode === 'custom'} onChange={() => setMode('custom')} />
          <span>Custom</span>
        </label>
      </fieldset>
      {mode === 'catalogue' ? (
        <>
          <Field label="Red flag" name="definition_id" error={error}>
            {(id, d) => (
              <select id={id} value={definitionId} onChange={(e) => setDefinitionId(Number(e.target.value))} aria-describedby={d}>
                {byLeastSevere.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.title} ({c.default_severity})
                  </option>
                ))}
              </select>
            )}
          </Field>
          {def && <p className="small muted">{def.description}</p>}
        </>
      ) : (
        <div className="ws-two">
          <Field label="Title" name="title" error={error}>
            {(id, d) => <input id={id} value={title} onChange={(e) => setTitle(e.target.value)} aria-describedby={d} maxLength={200} />}
          </Field>
          <Field label="Severity" name="severity" error={error}>
            {(id, d) => (
              <select id={id} value={severity} onChange={(e) => setSeverity(e.target.value as Severity)} aria-describedby={d}>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
      )}
      <Field label="Description" name="description" error={error} hint={mode === 'catalogue' ? 'Optional: replaces the catalogue description' : 'What was found and where'}>
        {(id, d) => <textarea id={id} rows={2} value={description} onChange={(e) => setDescription(e.target.value)} aria-describedby={d} />}
      </Field>
      {error !== null && !named && <ErrorBox error={error} />}
      {done && (
        <p className="small ok-text" role="status">
          {done}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Raising…' : 'Raise flag'}
      </button>
    </form>
  )
}
