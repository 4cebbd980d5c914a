// Admin: every account; create one, rename it, disable or enable it, or set a
// new password (which ends its sessions).
import { useState, type FormEvent } from 'react'
import { api, type User, type UserList } from '../../api.ts'
import { formatDate } from '../../format.ts'
import { Badge, Empty, ErrorBox, Field, Loading } from '../ui.tsx'
import type { Loaded } from '../dashboard/useLoad.ts'
import { FormError, toFieldError } from './formErrors.tsx'

function CreateUser({ onCreated }: { onCreated: (u: User) => void }) {
  const [email, setEmail] = useState('')
  const [name, setName] = useState('')
  const [password, setPassword] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const u = await api.POST('/api/v1/users', { body: { email, name, password } })
      setEmail('')
      setName('')
      setPassword('')
      onCreated(u)
    } catch (err) {
      setError(toFieldError(err, { email: /e-?mail/i }))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="new-user-h">
      <h3 id="new-user-h">New user</h3>
      <FormError error={error} />
      <div className="admin-form-row">
        <Field label="E-mail address" name="email" error={error}>
          {(id, d) => <input id={id} type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} aria-describedby={d} />}
        </Field>
        <Field label="Name" name="name" error={error}>
          {(id, d) => <input id={id} autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} aria-describedby={d} />}
        </Field>
        <Field label="Initial password" name="password" error={error} hint="At least 12 characters">
          {(id, d) => <input id={id} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-describedby={d} />}
        </Field>
        <div className="admin-form-submit">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create user'}
          </button>
        </div>
      </div>
    </form>
  )
}

type Editing = { id: number; what: 'rename' | 'password' } | null

function EditUser({ user, what, onDone, onCancel }: { user: User; what: 'rename' | 'password'; onDone: (u: User, message: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(what === 'rename' ? user.name : '')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const field = what === 'rename' ? 'name' : 'password'
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const u = await api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id } }, body: { [field]: value } })
      onDone(u, what === 'rename' ? `Renamed ${u.email} to ${u.name}.` : `New password set for ${u.email}; their sessions have ended.`)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="admin-inline" onSubmit={submit} noValidate aria-label={what === 'rename' ? `Rename ${user.email}` : `Reset the password of ${user.email}`}>
      <FormError error={error} />
      <div className="admin-form-row">
        <Field label={what === 'rename' ? `New name for ${user.email}` : `New password for ${user.email}`} name={field} error={error} hint={what === 'password' ? 'At least 12 characters; ends their sessions' : undefined}>
          {(id, d) => (
            <input id={id} type={what === 'password' ? 'password' : 'text'} autoComplete={what === 'password' ? 'new-password' : 'off'} value={value} onChange={(e) => setValue(e.target.value)} aria-describedby={d} autoFocus />
          )}
        </Field>
        <div className="admin-form-submit actions">
          <button type="submit" className="primary" disabled={busy}>
            {what === 'rename' ? 'Save name' : 'Set password'}
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  )
}

export function UsersPanel({ users, meId }: { users: Loaded<UserList>; meId: number }) {
  const [editing, setEditing] = useState<Editing>(null)
  const [message, setMessage] = useState('')
  const [rowError, setRowError] = useState<unknown>(null)
  const [busyId, setBusyId] = useState(0)

  const replace = (u: User) => users.data && users.setData({ items: users.data.items.map((x) => (x.id === u.id ? u : x)) })
  const setDisabled = async (u: User, disabled: boolean) => {
    setBusyId(u.id)
    setRowError(null)
    setMessage('')
    try {
      const n = await api.PATCH('/api/v1/users/{id}', { params: { path: { id: u.id } }, body: { disabled } })
      replace(n)
      setMessage(disabled ? `Disabled ${n.email}: their sessions and API tokens no longer work.` : `Enabled ${n.email}.`)
    } catch (err) {
      setRowError(err)
    } finally {
      setBusyId(0)
    }
  }

  return (
    <>
      <CreateUser
        onCreated={(u) => {
          if (users.data) users.setData({ items: [u, ...users.data.items] })
          setMessage(`Created ${u.email}. Give them a role in a team under "Teams and memberships".`)
        }}
      />
      {message && (
        <div className="alert alert-ok" role="status">
          {message}
        </div>
      )}
      <ErrorBox error={rowError} />
      {users.error ? (
        <ErrorBox error={users.error} />
      ) : !users.data ? (
        <Loading what="Loading users" />
      ) : users.data.items.length === 0 ? (
        <Empty>No users yet. Create the first one above.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="admin-table" aria-label="Users">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">E-mail address</th>
                <th scope="col">Status</th>
                <th scope="col">Created</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((u) => (
                <UserRow
                  key={u.id}
                  u={u}
                  me={u.id === meId}
                  busy={busyId === u.id}
                  editing={editing?.id === u.id ? editing.what : null}
                  onEdit={(what) => {
                    setMessage('')
                    setEditing({ id: u.id, what })
                  }}
                  onDisable={(d) => setDisabled(u, d)}
                  onDone={(n, msg) => {
                    replace(n)
                    setEditing(null)
                    setMessage(msg)
                  }}
                  onCancel={() => setEditing(null)}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}

interface RowProps {
  u: User
  me: boolean
  busy: boolean
  editing: 'rename' | 'password' | null
  onEdit: (what: 'rename' | 'password') => void
  onDisable: (disabled: boolean) => void
  onDone: (u: User, message: string) => void
  onCancel: () => void
}

function UserRow({ u, me, busy, editing, onEdit, onDisable, onDone, onCancel }: RowProps) {
  return (
    <>
      <tr className={u.disabled ? 'row-disabled' : undefined}>
        <td>
          {u.name}
          {me && <span className="muted"> (you)</span>}
        </td>
        <td>{u.email}</td>
        <td>{u.disabled ? <Badge kind="disabled">Disabled</Badge> : <Badge kind="active">Active</Badge>}</td>
        <td className="nowrap">{formatDate(u.created_at)}</td>
        <td>
          <div className="row-actions">
            <button type="button" onClick={() => onEdit('rename')} aria-label={`Rename ${u.email}`}>
              Rename
            </button>
            <button type="button" onClick={() => onEdit('password')}>
              Reset password<span className="vh"> of {u.email}</span>
            </button>
            {u.disabled ? (
              <button type="button" onClick={() => onDisable(false)} disabled={busy} aria-label={`Enable ${u.email}`}>
                Enable
              </button>
            ) : (
              <button
                type="button"
                className="danger"
                onClick={() => onDisable(true)}
                disabled={busy || me}
                aria-label={`Disable ${u.email}`}
                title={me ? 'You cannot disable your own account' : undefined}
              >
                Disable
              </button>
            )}
          </div>
        </td>
      </tr>
      {editing && (
        <tr className="row-editor">
          <td colSpan={5}>
            <EditUser user={u} what={editing} onDone={onDone} onCancel={onCancel} />
          </td>
        </tr>
      )}
    </>
  )
}
