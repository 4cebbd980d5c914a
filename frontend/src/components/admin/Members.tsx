// Admin: the memberships of one team. A user may hold several roles in a
// team; each is one membership. The organisation admin picks the user from
// the user list; where that list is not at hand (a team admin may not read
// it) the user is named by e-mail address. The server's rule
// (custos.CheckMembershipChange): an organisation admin may change anything;
// a team admin never their own memberships and never the admin role. The
// panel offers only what that rule allows, so nobody meets a 403 by design.
import { useState, type FormEvent } from 'react'
import { api, type Me, type Membership, type Role, type Team, type UserList } from '../../api.ts'
import { formatDate } from '../../format.ts'
import { isOrgAdmin, useSession } from '../../session.tsx'
import { Empty, ErrorBox, Field, Loading } from '../ui.tsx'
import { useLoad, type Loaded } from '../dashboard/useLoad.ts'
import { FormError, toFieldError } from './formErrors.tsx'

const ROLES: { role: Role; label: string; what: string }[] = [
  { role: 'officer', label: 'Officer', what: 'Opens and works on evaluations, submits shortlists.' },
  { role: 'manager', label: 'Manager', what: 'Approves or returns shortlists (never their own).' },
  { role: 'auditor', label: 'Auditor', what: 'Reads everything, verifies memos and the audit trail.' },
  { role: 'admin', label: 'Team admin', what: "Runs this team's settings and memberships, nothing else (not its evaluations or audit trail)." },
]

/** mayChange mirrors custos.CheckMembershipChange for one membership. */
export function mayChange(me: Me | null, userId: number, role: Role): boolean {
  if (isOrgAdmin(me)) return true
  return !!me && me.user.id !== userId && role !== 'admin'
}

export function MembersPanel({ team, users }: { team: Team; users: Loaded<UserList> | null }) {
  const members = useLoad((signal) => api.GET('/api/v1/teams/{teamID}/members', { params: { path: { teamID: team.id } }, signal }), [team.id])
  const { me } = useSession()
  const orgAdmin = isOrgAdmin(me)
  const grantable = ROLES.filter((r) => orgAdmin || r.role !== 'admin')
  const [userId, setUserId] = useState('')
  const [email, setEmail] = useState('')
  const [role, setRole] = useState<Role>('officer')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [confirming, setConfirming] = useState('')
  const [removeError, setRemoveError] = useState<unknown>(null)
  const [message, setMessage] = useState('')

  const add = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setMessage('')
    try {
      const m = await api.POST('/api/v1/teams/{teamID}/members', { params: { path: { teamID: team.id } }, body: users ? { user_id: Number(userId) || 0, role } : { email, role } })
      if (members.data) members.setData({ items: [...members.data.items, m] })
      setMessage(`${m.user_name} is now ${m.role} in ${team.name}.`)
      setEmail('')
    } catch (err) {
      setError(toFieldError(err, { role: /membership|exists/i }))
    } finally {
      setBusy(false)
    }
  }

  const remove = async (m: Membership) => {
    setRemoveError(null)
    setMessage('')
    try {
      await api.DELETE('/api/v1/teams/{teamID}/members/{userID}/{role}', { params: { path: { teamID: team.id, userID: m.user_id, role: m.role } } })
      if (members.data) members.setData({ items: members.data.items.filter((x) => !(x.user_id === m.user_id && x.role === m.role)) })
      setMessage(`${m.user_name} is no longer ${m.role} in ${team.name}.`)
    } catch (err) {
      setRemoveError(err)
    } finally {
      setConfirming('')
    }
  }

  const activeUsers = (users?.data?.items ?? []).filter((u) => !u.disabled)
  return (
    <section className="card members" aria-labelledby="members-h">
      <h2 id="members-h">Members of {team.name}</h2>
      <form onSubmit={add} noValidate aria-label={`Add a member to ${team.name}`}>
        <FormError error={error} />
        <div className="admin-form-row">
          {users ? (
            <Field label="User" name="user_id" error={error}>
              {(id, d) => (
                <select id={id} value={userId} onChange={(e) => setUserId(e.target.value)} aria-describedby={d}>
                  <option value="">Choose a user…</option>
                  {activeUsers.map((u) => (
                    <option key={u.id} value={u.id}>
                      {u.name} ({u.email})
                    </option>
                  ))}
                </select>
              )}
            </Field>
          ) : (
            <Field label="E-mail address" name="email" error={error} hint="The address the person signs in with.">
              {(id, d) => <input id={id} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value.trim())} aria-describedby={d} />}
            </Field>
          )}
          <Field label="Role" name="role" error={error} hint={ROLES.find((r) => r.role === role)?.what}>
            {(id, d) => (
              <select id={id} value={role} onChange={(e) => setRole(e.target.value as Role)} aria-describedby={d}>
                {grantable.map((r) => (
                  <option key={r.role} value={r.role}>
                    {r.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="admin-form-submit">
            <button type="submit" className="primary" disabled={busy}>
              Add member
            </button>
          </div>
        </div>
      </form>
      {message && (
        <div className="alert alert-ok" role="status">
          {message}
        </div>
      )}
      <ErrorBox error={removeError} />
      {members.error ? (
        <ErrorBox error={members.error} />
      ) : !members.data ? (
        <Loading what="Loading members" />
      ) : members.data.items.length === 0 ? (
        <Empty>{team.name} has no members yet. Add one above: every team needs officers to do the work and managers to approve.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="admin-table" aria-label={`Members of ${team.name}`}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail address</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {members.data.items.map((m) => {
                const key = m.user_id + '/' + m.role
                return (
                  <tr key={key}>
                    <td>
                      {m.user_name}
                      {m.user_id === me?.user.id && <span className="muted"> (you)</span>}
                    </td>
                    <td>{m.user_email}</td>
                    <td>
                      <span className={'role role-' + m.role}>{m.role}</span>
                    </td>
                    <td className="nowrap">{formatDate(m.created_at)}</td>
                    <td>
                      {!mayChange(me, m.user_id, m.role) ? (
                        <span className="muted small">{m.user_id === me?.user.id ? 'Not your own' : 'Organisation admin only'}</span>
                      ) : confirming === key ? (
                        <div className="row-actions">
                          <button type="button" className="danger" onClick={() => remove(m)} >
                            Confirm removal<span className="vh"> of {m.user_name} as {m.role}</span>
                          </button>
                          <button type="button" onClick={() => setConfirming('')}>
                            Keep<span className="vh"> {m.user_name} as {m.role}</span>
                          </button>
                        </div>
                      ) : (
                        <button type="button" onClick={() => setConfirming(key)} aria-label={`Remove ${m.user_name} as ${m.role}`}>
                          Remove
                        </button>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
