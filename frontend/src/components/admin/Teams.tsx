// Admin: teams, how many approvals each needs, and who holds which role.
import { useState, type FormEvent } from 'react'
import { api, ApiError, type Team, type UserList } from '../../api.ts'
import { Empty, ErrorBox, Field, Loading } from '../ui.tsx'
import { useLoad, type Loaded } from '../dashboard/useLoad.ts'
import { FormError, toFieldError } from './formErrors.tsx'
import { MembersPanel } from './Members.tsx'

function CreateTeam({ onCreated }: { onCreated: (t: Team) => void }) {
  const [name, setName] = useState('')
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const t = await api.POST('/api/v1/teams', { body: { name } })
      setName('')
      onCreated(t)
    } catch (err) {
      setError(toFieldError(err, { name: /name|exists/i }))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="card admin-form" onSubmit={submit} noValidate aria-labelledby="new-team-h">
      <h3 id="new-team-h">New team</h3>
      <FormError error={error} />
      <div className="admin-form-row">
        <Field label="Team name" name="name" error={error} hint="A new team needs one approval; change it below">
          {(id, d) => <input id={id} value={name} onChange={(e) => setName(e.target.value)} aria-describedby={d} />}
        </Field>
        <div className="admin-form-submit">
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create team'}
          </button>
        </div>
      </div>
    </form>
  )
}

export function Approvals({ team, onSaved }: { team: Team; onSaved: (t: Team) => void }) {
  const [value, setValue] = useState(String(team.approvals_required))
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState(false)
  const changed = value !== String(team.approvals_required)
  const reason = error instanceof ApiError ? error.field('approvals_required') : undefined
  const errId = `approvals-err-${team.id}`
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setDone(false)
    try {
      const t = await api.PATCH('/api/v1/teams/{teamID}', { params: { path: { teamID: team.id } }, body: { approvals_required: Number(value) } })
      onSaved(t)
      setValue(String(t.approvals_required))
      setDone(true)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="approvals-form" onSubmit={submit} noValidate>
      <div className="approvals-row">
        <input
          type="number"
          min={1}
          max={10}
          value={value}
          aria-label={`Approvals required for ${team.name}`}
          aria-invalid={!!reason}
          aria-describedby={reason ? errId : undefined}
          onChange={(e) => {
            setValue(e.target.value)
            setDone(false)
          }}
        />
        <button type="submit" disabled={busy || !changed} aria-label={`Save approvals for ${team.name}`}>
          Save
        </button>
        {done && (
          <span className="muted small" role="status">
            Saved
          </span>
        )}
      </div>
      {reason && (
        <div id={errId} className="field-error" role="alert">
          {reason}
        </div>
      )}
      {error !== null && !reason && <ErrorBox error={error} />}
    </form>
  )
}

export function TeamsPanel({ users }: { users: Loaded<UserList> }) {
  const teams = useLoad((signal) => api.GET('/api/v1/teams', { signal }), [])
  const [selected, setSelected] = useState<number | null>(null)
  const [message, setMessage] = useState('')
  const replace = (t: Team) => teams.data && teams.setData({ items: teams.data.items.map((x) => (x.id === t.id ? t : x)) })
  const current = teams.data?.items.find((t) => t.id === selected) ?? null

  return (
    <>
      <CreateTeam
        onCreated={(t) => {
          if (teams.data) teams.setData({ items: [...teams.data.items, t].sort((a, b) => a.name.localeCompare(b.name)) })
          setSelected(t.id)
          setMessage(`Created ${t.name}. Add its members below.`)
        }}
      />
      {message && (
        <div className="alert alert-ok" role="status">
          {message}
        </div>
      )}
      {teams.error ? (
        <ErrorBox error={teams.error} />
      ) : !teams.data ? (
        <Loading what="Loading teams" />
      ) : teams.data.items.length === 0 ? (
        <Empty>No teams yet. Create the first one above.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="admin-table" aria-label="Teams">
            <thead>
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Approvals a shortlist needs (1–10)</th>
                <th scope="col">Members</th>
              </tr>
            </thead>
            <tbody>
              {teams.data.items.map((t) => (
                <tr key={t.id} className={t.id === selected ? 'row-selected' : undefined}>
                  <td>
                    <strong>{t.name}</strong>
                  </td>
                  <td>
                    <Approvals team={t} onSaved={replace} />
                  </td>
                  <td>
                    <button type="button" onClick={() => setSelected(t.id === selected ? null : t.id)} aria-expanded={t.id === selected} aria-label={`Members of ${t.name}`}>
                      {t.id === selected ? 'Hide members' : 'Members'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {current && <MembersPanel key={current.id} team={current} users={users} />}
    </>
  )
}
