// The respondent's page: a custodian's contact answers its questionnaire
// without an account. The invitation token comes from the fragment of the
// link (/respond#cri_…), which the browser never sends to a server, and goes
// to the API only in the X-Invitation-Token header: no cookie, so no other
// site can make this browser write. No team navigation, nothing of the team.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react'
import { api, ApiError, asForm, type Questionnaire, type QuestionnaireItem } from '../api.ts'
import { Confirm } from '../components/ui.tsx'
import { ANSWER_LABELS, formatBytes, formatDateTime } from '../format.ts'
import '../components/respondent/respond.css'

type Status = 'met' | 'partly_met' | 'not_met' | 'not_applicable'
const STATUSES: Status[] = ['met', 'partly_met', 'not_met', 'not_applicable']
const STATUS_TEXT: Record<Status, string> = { met: 'Yes, met', partly_met: 'Partly met', not_met: 'Not met', not_applicable: 'Not applicable' }

function tokenFromLink(): string {
  return decodeURIComponent(window.location.hash.replace(/^#/, '')).trim()
}

export function RespondPage() {
  const [token] = useState(tokenFromLink)
  const [q, setQ] = useState<Questionnaire | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [done, setDone] = useState<Questionnaire | null>(null)
  const [busy, setBusy] = useState(false)
  const [asking, setAsking] = useState(false)
  // The items whose answer was changed here but not saved: submitting would
  // leave them out, so the confirmation names how many.
  const [unsaved, setUnsaved] = useState<ReadonlySet<number>>(new Set())
  const markUnsaved = useCallback((itemId: number, dirty: boolean) => {
    setUnsaved((prev) => {
      if (prev.has(itemId) === dirty) return prev
      const next = new Set(prev)
      if (dirty) next.add(itemId)
      else next.delete(itemId)
      return next
    })
  }, [])
  const headers = { 'X-Invitation-Token': token }

  const load = useCallback(async () => {
    setError(null)
    try {
      setQ(await api.GET('/api/v1/respondent', { headers: { 'X-Invitation-Token': token } }))
    } catch (e) {
      setError(e)
    }
  }, [token])
  useEffect(() => {
    document.title = 'Questionnaire · Custos'
    if (token) load()
  }, [load, token])

  const submit = async () => {
    setAsking(false)
    setBusy(true)
    try {
      setDone(await api.POST('/api/v1/respondent/submit', { headers }))
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  if (!token || error) {
    const e = error instanceof ApiError ? error : null
    return (
      <Shell>
        <h1>Questionnaire</h1>
        <div className="alert alert-error" role="alert">
          {!token ? 'This page needs the link from your invitation e-mail; open that link again.' : (e?.problem.detail ?? 'The questionnaire cannot be loaded right now.')}
        </div>
        {token && !(e && [401, 409, 410].includes(e.status)) && (
          <button type="button" onClick={load}>
            Try again
          </button>
        )}
      </Shell>
    )
  }
  if (done) {
    return (
      <Shell>
        <h1>Thank you</h1>
        <div className="alert alert-success" role="status">
          Your answers went to the team on {formatDateTime(done.submitted_at)}. If they have a question, they will use this same link; you need do nothing else.
        </div>
      </Shell>
    )
  }
  if (!q) {
    return (
      <Shell>
        <p role="status">Loading the questionnaire…</p>
      </Shell>
    )
  }
  const all = q.sections.flatMap((s) => s.items)
  const answered = all.filter((it) => it.response && it.response.status !== 'pending').length
  const reopened = all.filter((it) => it.editable && it.response?.clarification).length
  return (
    <Shell>
      <h1>Due-diligence questionnaire</h1>
      <p className="resp-lede">
        For <strong>{q.custodian_name}</strong> · {q.evaluation_title}
      </p>
      <p className="small muted">
        Hello {q.respondent_name}. Answer each question and attach documents where they help. Your answers are saved as drafts and reach the team only when you submit them. This link works
        until {formatDateTime(q.expires_at)}.
      </p>
      {reopened > 0 && (
        <div className="alert alert-info" role="note">
          The team asked about {reopened === 1 ? 'one answer' : `${reopened} answers`}: see the questions below, answer again and submit.
        </div>
      )}
      <p className="small">
        {answered} of {all.length} questions answered
      </p>
      {q.sections.map((s) => (
        <section key={s.key} className="resp-section" aria-labelledby={'sec-' + s.key}>
          <h2 id={'sec-' + s.key}>{s.title}</h2>
          {s.items.map((it) => (
            <ItemForm key={it.id} item={it} token={token} onSaved={load} onDirty={markUnsaved} />
          ))}
        </section>
      ))}
      <div className="resp-submit">
        <button type="button" className="primary" disabled={!q.can_submit || busy} aria-describedby="submit-hint" onClick={() => setAsking(true)}>
          {busy ? 'Submitting…' : 'Submit answers to the team'}
        </button>
        <p id="submit-hint" className="small muted">
          {q.can_submit ? 'After you submit, the team reviews your answers; you can change them only if they ask.' : 'Save at least one answer before you submit.'}
        </p>
      </div>
      <Confirm open={asking} title="Submit your answers to the team?" confirmLabel="Submit answers" onConfirm={submit} onCancel={() => setAsking(false)}>
        <p>
          {answered} of {all.length} questions are answered. After you submit you can change an answer only if the team asks about it.
        </p>
        {unsaved.size > 0 && (
          <p className="alert alert-error" role="alert">
            {unsaved.size === 1 ? 'One answer you changed is' : `${unsaved.size} answers you changed are`} not saved and would not be sent: cancel, then press
            “Save answer” under {unsaved.size === 1 ? 'it' : 'each'}.
          </p>
        )}
      </Confirm>
    </Shell>
  )
}

function Shell({ children }: { children: React.ReactNode }) {
  return (
    <div className="resp-shell">
      <header className="resp-top">
        <span className="brand">Custos</span>
        <span className="small">Custodian questionnaire</span>
      </header>
      <main id="main" className="resp-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  )
}

function ItemForm({ item, token, onSaved, onDirty }: { item: QuestionnaireItem; token: string; onSaved: () => void; onDirty: (itemId: number, dirty: boolean) => void }) {
  const id = useId()
  const r = item.response
  const savedStatus: Status | '' = r && r.status !== 'pending' ? (r.status as Status) : ''
  const savedNote = r?.note ?? ''
  const [status, setStatus] = useState<Status | ''>(savedStatus)
  const [note, setNote] = useState(savedNote)
  const dirty = status !== savedStatus || note !== savedNote
  useEffect(() => onDirty(item.id, dirty), [onDirty, item.id, dirty])
  const [error, setError] = useState<unknown>(null)
  const [said, setSaid] = useState('')
  const [busy, setBusy] = useState(false)
  const headers = { 'X-Invitation-Token': token }
  const params = { path: { itemID: item.id } }

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setSaid('')
    try {
      await api.PUT('/api/v1/respondent/items/{itemID}', { params, headers, body: { status: status || ('' as Status), note } })
      setSaid('Saved as a draft.')
      onSaved()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const upload = async (file: File | undefined) => {
    if (!file) return
    setBusy(true)
    setError(null)
    setSaid('')
    try {
      await api.POST('/api/v1/respondent/items/{itemID}/documents', {
        params,
        headers,
        body: { file },
        bodySerializer: asForm,
      })
      setSaid(`${file.name} uploaded.`)
      onSaved()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const reason = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  const stateText = r?.state === 'accepted' ? 'Accepted by the team' : r?.state === 'submitted' ? 'Submitted' : r?.state === 'clarify' ? 'Question from the team' : r ? 'Draft' : ''

  return (
    <form className="resp-item" onSubmit={save} aria-labelledby={id + '-q'}>
      <p id={id + '-q'} className="resp-prompt">
        {item.prompt}
        {item.evidence_required && <span className="small muted"> · a document is expected</span>}
      </p>
      {item.guidance && <p className="small muted">{item.guidance}</p>}
      {r?.clarification && item.editable && (
        <div className="alert alert-info" role="note">
          <strong>The team asks:</strong> {r.clarification}
        </div>
      )}
      {!item.editable ? (
        <p className="small">
          <span className="badge">{stateText}</span> {r ? `${ANSWER_LABELS[r.status]}${r.note ? ': ' + r.note : ''}` : 'Not answered.'}
        </p>
      ) : (
        <>
          <fieldset className="resp-status">
            <legend>Your answer</legend>
            {STATUSES.map((s) => (
              <label key={s} className="resp-choice">
                <input type="radio" name={id + '-status'} value={s} checked={status === s} onChange={() => setStatus(s)} /> {STATUS_TEXT[s]}
              </label>
            ))}
            {reason('status') && (
              <div className="field-error" role="alert">
                Choose an answer.
              </div>
            )}
          </fieldset>
          <div className={'field' + (reason('note') ? ' field-invalid' : '')}>
            <label htmlFor={id + '-note'}>Explanation {status === 'not_met' || status === 'partly_met' ? '(needed)' : '(optional)'}</label>
            <textarea id={id + '-note'} value={note} rows={3} onChange={(e) => setNote(e.target.value)} aria-describedby={reason('note') ? id + '-note-err' : undefined} />
            {reason('note') && (
              <div id={id + '-note-err'} className="field-error" role="alert">
                {reason('note')}
              </div>
            )}
          </div>
          <div className="resp-actions">
            <button type="submit" disabled={busy || !status}>
              Save answer
            </button>
            <label className="resp-file">
              <span>Add a document (PDF, PNG, JPEG or text, up to 10 MiB)</span>
              <input type="file" accept=".pdf,.png,.jpg,.jpeg,.txt,application/pdf,image/png,image/jpeg,text/plain" disabled={busy} onChange={(e) => upload(e.target.files?.[0])} />
            </label>
          </div>
        </>
      )}
      {r && r.documents.length > 0 && (
        <ul className="resp-docs small">
          {r.documents.map((d) => (
            <li key={d.id}>
              {d.label} · {formatBytes(d.size)}
              {d.evidence_id ? ' · accepted as evidence' : ''}
            </li>
          ))}
        </ul>
      )}
      <div aria-live="polite" className="small resp-said">
        {said}
      </div>
      {error !== null && !reason('status') && !reason('note') && (
        <div className="field-error" role="alert">
          {error instanceof ApiError ? (error.field('file') ?? error.problem.detail) : 'The answer could not be saved.'}
        </div>
      )}
    </form>
  )
}
