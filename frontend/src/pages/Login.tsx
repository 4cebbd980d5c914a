import { useEffect, useState, type FormEvent } from 'react'
import { api, ApiError, type SessionOptions } from '../api.ts'
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
  const ssoError = query.get('sso_error')
  // How one may sign in; until it is known, the password form is offered.
  const [options, setOptions] = useState<SessionOptions | null>(null)
  useEffect(() => {
    let live = true
    api
      .GET('/api/v1/session-options')
      .then((o) => live && setOptions(o))
      .catch(() => {})
    return () => {
      live = false
    }
  }, [])
  const sso = options?.sso ?? null
  const passwordsOff = options?.local_passwords === false
  const [showPassword, setShowPassword] = useState(false)
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
      {ssoError && (
        <div className="alert alert-error" role="alert">
          {ssoErrorText(ssoError)}
        </div>
      )}
      {sso && (
        <p>
          <a className="button primary" href={sso.login_url + '?return_to=' + encodeURIComponent(safeNext(next))}>
            Sign in with {sso.name}
          </a>
        </p>
      )}
      {passwordsOff && !showPassword ? (
        <p className="muted">
          Passwords are turned off for this organisation.{' '}
          <button type="button" className="link" onClick={() => setShowPassword(true)}>
            Break-glass sign-in for the organisation admin
          </button>
        </p>
      ) : (
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
      )}
    </div>
  )
}

/** ssoErrorText explains why the identity provider's sign-in was refused (the callback's sso_error). */
export function ssoErrorText(reason: string): string {
  switch (reason) {
    case 'email_unverified':
      return 'Your identity provider did not confirm your e-mail address, so Custos cannot tell who you are.'
    case 'no_role':
      return 'Your groups give you no role in Custos. Ask your administrator for access.'
    case 'no_account':
      return 'There is no Custos account for your e-mail address. Ask your administrator for one.'
    case 'disabled':
      return 'Your Custos account is disabled.'
    case 'state':
      return 'That sign-in had expired or was already used. Start again.'
    case 'token':
      return 'The identity provider’s answer could not be trusted. Start again; if it happens again, tell your administrator.'
    case 'provider':
      return 'The identity provider could not be reached or refused the sign-in. Try again later.'
    default:
      return 'Single sign-on failed. Start again.'
  }
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
