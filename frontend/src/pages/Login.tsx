import { useState, type FormEvent } from 'react'
import { ApiError } from '../api.ts'
import { Field } from '../components/ui.tsx'
import { navigate, useLocation } from '../router.tsx'
import { useSession } from '../session.tsx'

export function LoginPage() {
  const { login, expired } = useSession()
  const { query } = useLocation()
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)

  const next = query.get('next')
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await login(email, password)
      // Only paths inside the app: never a redirect to another site.
      navigate(safeNext(next), true)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const throttled = error instanceof ApiError && error.status === 429
  return (
    <div className="login">
      <h1>Custos</h1>
      <p className="muted">Custodian due diligence: evaluations, red flags, approvals and signed memos.</p>
      {expired && (
        <div className="alert alert-info" role="status">
          Your session ended. Sign in again to carry on where you were.
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <Field label="E-mail address" name="email" error={error}>
          {(id, d) => <input id={id} type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={d} autoFocus />}
        </Field>
        <Field label="Password" name="password" error={error}>
          {(id, d) => <input id={id} type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={d} />}
        </Field>
        {error !== null && !(error instanceof ApiError && error.problem.errors?.length) && (
          <div className="alert alert-error" role="alert">
            {throttled ? 'Too many failed attempts for this address. Wait a few minutes and try again.' : error instanceof ApiError ? error.message : 'Could not sign in.'}
          </div>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  )
}

/** safeNext keeps a return path inside the app: same origin, not the login page. */
export function safeNext(next: string | null): string {
  if (!next) return '/'
  try {
    const u = new URL(next, window.location.origin)
    if (u.origin !== window.location.origin || u.pathname === '/login') return '/'
    return u.pathname + u.search
  } catch {
    return '/'
  }
}
