// Withdrawing a red flag raised by mistake: a reason is required, and the
// flag stays on the record, struck through, with that reason. Distinct from
// closing a real concern; flags mandate fit raised cannot be withdrawn.
import { useId, useRef, useState, type FormEvent } from 'react'
import { api, ApiError, type RedFlag } from '../../api.ts'
import { ErrorBox, Field } from '../ui.tsx'
import { useGuardedWrite } from './guardedWrite.ts'
import { useUnsaved } from '../../unsaved.ts'

export function WithdrawFlag({ evaluationId, flag, onChanged }: { evaluationId: number; flag: RedFlag; onChanged: () => void }) {
  const [open, setOpen] = useState(false)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const run = useGuardedWrite()
  const formId = useId()
  const reasonRef = useRef<HTMLTextAreaElement>(null)
  useUnsaved(open && reason.trim() !== '', `the reason for withdrawing “${flag.title}”`)
  if (flag.mandate_rule !== null || flag.status === 'withdrawn') return null

  const withdraw = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await run((ifMatch) =>
        api.POST('/api/v1/evaluations/{id}/red-flags/{flagID}/withdraw', {
          params: { path: { id: evaluationId, flagID: flag.id }, header: { 'If-Match': ifMatch } },
          body: { reason },
        }),
      )
      setReason('')
      setOpen(false)
      onChanged()
      // The form and its button go: the focus stays on the flag, now withdrawn.
      window.setTimeout(() => document.getElementById(`flag-${flag.id}`)?.focus(), 0)
    } catch (err) {
      setError(err)
      if (err instanceof ApiError && err.field('reason')) window.setTimeout(() => reasonRef.current?.focus(), 0)
    } finally {
      setBusy(false)
    }
  }

  if (!open)
    return (
      <button
        type="button"
        className="small-btn"
        aria-expanded={false}
        aria-controls={formId}
        onClick={() => {
          setOpen(true)
          window.setTimeout(() => reasonRef.current?.focus(), 0)
        }}
      >
        Withdraw (raised by mistake)
      </button>
    )
  const named = error instanceof ApiError && !!error.field('reason')
  return (
    <form id={formId} className="withdraw-flag" onSubmit={withdraw} aria-label={`Withdraw “${flag.title}”`} noValidate>
      <Field label="Reason for withdrawing" name="reason" error={error} hint="Required: why the flag was raised by mistake. The flag stays on the record, struck through.">
        {(id, d) => <textarea ref={reasonRef} id={id} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} aria-describedby={d} />}
      </Field>
      {error !== null && !named && <ErrorBox error={error} />}
      <div className="actions">
        <button type="submit" className="danger" disabled={busy}>
          {busy ? 'Withdrawing…' : 'Withdraw flag'}
        </button>
        <button
          type="button"
          onClick={() => {
            setOpen(false)
            setReason('')
            setError(null)
          }}
        >
          Keep the flag
        </button>
      </div>
    </form>
  )
}
