// Editing a draft's title, mandate and due date (PATCH, guarded by the
// workspace ETag); a new mandate is checked against every candidate again.
import { useState, type FormEvent } from 'react'
import { ApiError, client, type Workspace } from '../../api.ts'
import type { WorkspaceState } from './useWorkspace.ts'
import { ErrorBox, Field } from '../ui.tsx'
import { draftFromMandate, MandateFields, mandateFromDraft } from './MandateFields.tsx'
import './workspace.css'
import { clearingReload } from './util.ts'

interface Props {
  workspace: Workspace
  write: WorkspaceState['write']
  onDone: () => void
  onReload?: () => void
}

const FIELDS = ['title', 'due_date', 'mandate.regions', 'mandate.assets', 'mandate.expected_assets_under_custody_usd']

export function EditDetails({ workspace, write, onDone, onReload }: Props) {
  const ev = workspace.evaluation
  const [title, setTitle] = useState(ev.title)
  const [dueDate, setDueDate] = useState(ev.due_date ?? '')
  const [mandate, setMandate] = useState(draftFromMandate(ev.mandate))
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)

  const save = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await write((params) =>
        client.PATCH('/api/v1/evaluations/{id}', {
          params,
          body: { title, mandate: mandateFromDraft(mandate), ...(dueDate ? { due_date: dueDate } : { clear_due_date: true }) },
        }),
      )
      onDone()
    } catch (err) {
      setError(err)
      setBusy(false)
    }
  }
  const named = error instanceof ApiError && (error.problem.errors ?? []).some((f) => FIELDS.includes(f.field))
  return (
    <form className="card edit-details" onSubmit={save} aria-label="Edit details" noValidate>
      <h3>Edit details</h3>
      <div className="ws-two">
        <Field label="Title" name="title" error={error}>
          {(id, d) => <input id={id} value={title} onChange={(e) => setTitle(e.target.value)} aria-describedby={d} maxLength={200} />}
        </Field>
        <Field label="Due date" name="due_date" error={error} hint="Leave empty for none">
          {(id, d) => <input id={id} type="date" value={dueDate} onChange={(e) => setDueDate(e.target.value)} aria-describedby={d} />}
        </Field>
      </div>
      <MandateFields value={mandate} onChange={setMandate} error={error} />
      <p className="small muted">A changed mandate is checked against every candidate again: mandate-fit flags that no longer apply are closed and new ones raised.</p>
      {error !== null && !named && (
        <ErrorBox
          error={error}
          onReload={clearingReload(setError, onReload)}
        />
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : 'Save details'}
        </button>
        <button type="button" onClick={onDone} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  )
}
