// Small building blocks every screen uses: states, fields that show the
// server's reason next to them, badges.
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { ApiError } from '../api.ts'

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {what}…
    </p>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>
}

/** ErrorBox shows an error; a stale write (412) gets a way to reload. */
export function ErrorBox({ error, onReload }: { error: unknown; onReload?: () => void }) {
  if (!error) return null
  const e = error instanceof ApiError ? error : null
  const stale = e?.status === 412
  return (
    <div className="alert alert-error" role="alert">
      <strong>{stale ? 'Someone else changed this in the meantime.' : e?.problem.title || 'Something went wrong'}</strong>
      <div>{stale ? 'Reload to see their changes, then make yours again.' : e?.problem.detail || String(error)}</div>
      {e?.problem.errors && e.problem.errors.length > 0 && (
        <ul>
          {e.problem.errors.map((f, i) => (
            <li key={i}>
              <code>{f.field}</code>: {f.reason}
            </li>
          ))}
        </ul>
      )}
      {(stale || e?.status === 409) && onReload && (
        <button type="button" onClick={onReload}>
          Reload
        </button>
      )}
      {e?.problem.request_id && <div className="muted small">Request ID {e.problem.request_id}</div>}
    </div>
  )
}

interface FieldProps {
  label: string
  /** The API field name, to show the server's reason next to it. */
  name?: string
  error?: unknown
  hint?: string
  children: (id: string, describedBy: string | undefined) => ReactNode
}

/** Field labels a control and shows the server's reason for its field. */
export function Field({ label, name, error, hint, children }: FieldProps) {
  const id = useId()
  const reason = name && error instanceof ApiError ? error.field(name) : undefined
  const describedBy = reason ? id + '-err' : hint ? id + '-hint' : undefined
  return (
    <div className={'field' + (reason ? ' field-invalid' : '')}>
      <label htmlFor={id}>{label}</label>
      {children(id, describedBy)}
      {hint && !reason && (
        <div id={id + '-hint'} className="hint">
          {hint}
        </div>
      )}
      {reason && (
        <div id={id + '-err'} className="field-error" role="alert">
          {reason}
        </div>
      )}
    </div>
  )
}

export function Badge({ kind, children }: { kind: string; children: ReactNode }) {
  return <span className={'badge badge-' + kind}>{children}</span>
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions && <div className="actions">{actions}</div>}
    </div>
  )
}

interface ConfirmProps {
  /** Whether the dialog is open. */
  open: boolean
  title: string
  children: ReactNode
  confirmLabel: string
  onConfirm: () => void
  onCancel: () => void
}

/**
 * Confirm asks before an action that cannot be taken back (a modal
 * <dialog>: the page behind is inert, Escape cancels). The focus starts on
 * Cancel, so an Enter pressed out of habit does nothing irreversible, and
 * returns to where it was when the dialog closes.
 */
export function Confirm({ open, title, children, confirmLabel, onConfirm, onCancel }: ConfirmProps) {
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) {
      const back = document.activeElement as HTMLElement | null
      // Environments without showModal (jsdom) still show it, not modal.
      if (typeof d.showModal === 'function') d.showModal()
      else d.setAttribute('open', '')
      return () => {
        if (d.open && typeof d.close === 'function') d.close()
        back?.focus?.()
      }
    }
  }, [open])
  if (!open) return null
  return (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault()
        onCancel()
      }}
    >
      <h2 id={titleId}>{title}</h2>
      <div>{children}</div>
      <div className="actions">
        <button type="button" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button type="button" className="primary" onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  )
}

// LoadMore asks a newest-first list for its next page: one button, the same
// wording and busy state on every list that pages by cursor.
export function LoadMore({ onClick, busy }: { onClick: () => void; busy: boolean }) {
  return (
    <div className="load-more">
      <button type="button" onClick={onClick} disabled={busy}>
        {busy ? 'Loading…' : 'Load more'}
      </button>
    </div>
  )
}
