// My account (/account): who I am (with the user number a team admin needs
// to add me to a team) and changing my own password. The server checks the
// current password and refuses a weak new one with a reason for the field;
// on success it ends every other session of mine, this one goes on.
import { useRef, useState, type FormEvent } from 'react'
import { api, ApiError } from '../api.ts'
import { useSession } from '../session.tsx'
import { Field, PageTitle } from '../components/ui.tsx'
import { FormError } from '../components/admin/formErrors.tsx'

export function AccountPage() {
  const { me } = useSession()
  if (!me) return null
  return (
    <>
      <PageTitle>My account</PageTitle>
      <section className="card" aria-labelledby="who-h">
        <h2 id="who-h">You</h2>
        <dl className="facts">
          <dt>Name</dt>
          <dd>{me.user.name}</dd>
          <dt>E-mail address</dt>
          <dd>{me.user.email}</dd>
          <dt>User ID</dt>
          <dd>
            {me.user.id} <span className="muted small">(a team admin adds you to their team by this number)</span>
          </dd>
          <dt>Roles</dt>
          <dd>
            {[me.user.org_admin ? 'organisation admin' : '', ...me.memberships.map((m) => `${m.role === 'admin' ? 'team admin' : m.role} in ${m.team_name}`)].filter(Boolean).join('; ') ||
              'none yet'}
          </dd>
        </dl>
      </section>
      <ChangePassword />
    </>
  )
}

function ChangePassword() {
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [repeat, setRepeat] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(false)
  const doneRef = useRef<HTMLDivElement>(null)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setDone(false)
    // A typing mistake in the new password is caught here, before the
    // server sees it; everything else the server judges.
    if (next !== repeat) {
      setError(new ApiError({ type: 'about:blank', title: 'Bad Request', status: 400, errors: [{ field: 'repeat_password', reason: 'does not match the new password' }] }))
      return
    }
    setBusy(true)
    setError(null)
    try {
      await api.PUT('/api/v1/me/password', { body: { current_password: current, new_password: next } })
      setCurrent('')
      setNext('')
      setRepeat('')
      setDone(true)
      window.setTimeout(() => doneRef.current?.focus(), 0)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="card account-form" onSubmit={submit} noValidate aria-labelledby="password-h">
      <h2 id="password-h">Change password</h2>
      {done && (
        <div className="alert alert-ok" role="status" tabIndex={-1} ref={doneRef}>
          Your password is changed. Every other session of yours (other browsers and devices) has been signed out; this one goes on.
        </div>
      )}
      <FormError error={error} />
      <Field label="Current password" name="current_password" error={error}>
        {(id, d) => <input id={id} type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} aria-describedby={d} />}
      </Field>
      <Field label="New password" name="new_password" error={error} hint="At least 12 characters and not easy to guess: a few unrelated words work well.">
        {(id, d) => <input id={id} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} aria-describedby={d} />}
      </Field>
      <Field label="New password again" name="repeat_password" error={error}>
        {(id, d) => <input id={id} type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} aria-describedby={d} />}
      </Field>
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Changing…' : 'Change password'}
      </button>
    </form>
  )
}
