// On an approved evaluation: which shortlisted custodians the team has
// appointed, and a form to record an appointment (a custody relationship).
import { useState, type FormEvent } from 'react'
import { api, ApiError, type Me, type Workspace } from '../../api.ts'
import { formatDate } from '../../format.ts'
import { Link } from '../../router.tsx'
import { rolesIn } from '../../session.tsx'
import { ErrorBox, Loading } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'

export function AppointFromShortlist({ workspace, me }: { workspace: Workspace; me: Me }) {
  const ev = workspace.evaluation
  const roles = rolesIn(me, ev.team_id)
  const canWrite = roles.includes('officer') || roles.includes('manager')
  const active = useLoad(
    (signal) => api.GET('/api/v1/teams/{teamID}/relationships', { params: { path: { teamID: ev.team_id }, query: { status: 'active', limit: 100 } }, signal }),
    [ev.team_id],
  )
  const name = (id: number) => workspace.assessments.find((a) => a.custodian.id === id)?.custodian.name ?? `Custodian #${id}`
  return (
    <section className="card" aria-labelledby="ap-appoint">
      <h3 id="ap-appoint">Appointed custodians</h3>
      <p className="muted small">Record which shortlisted custodian the team appoints: its reviews then fall due on a cadence.</p>
      {active.error ? (
        <ErrorBox error={active.error} />
      ) : !active.data ? (
        <Loading what="Loading relationships" />
      ) : (
        <ul className="rel-appoint-list">
          {workspace.shortlist.map((s) => {
            const r = active.data?.items.find((x) => x.custodian_id === s.custodian_id)
            return (
              <li key={s.custodian_id}>
                <strong>
                  {s.rank}. {name(s.custodian_id)}
                </strong>{' '}
                {r ? (
                  <Link to={`/teams/${ev.team_id}/relationships/${r.id}`}>Appointed {formatDate(r.appointed_on)}; next review due {formatDate(r.next_review_due)}</Link>
                ) : canWrite ? (
                  <AppointForm teamId={ev.team_id} evaluationId={ev.id} custodianId={s.custodian_id} label={name(s.custodian_id)} onDone={active.reload} />
                ) : (
                  <span className="muted">Not appointed</span>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

function AppointForm({ teamId, evaluationId, custodianId, label, onDone }: { teamId: number; evaluationId: number; custodianId: number; label: string; onDone: () => void }) {
  const [open, setOpen] = useState(false)
  const [appointedOn, setAppointedOn] = useState('')
  const [months, setMonths] = useState('12')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Record appointment of {label}
      </button>
    )
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      await api.POST('/api/v1/teams/{teamID}/relationships', {
        params: { path: { teamID: teamId } },
        body: { evaluation_id: evaluationId, custodian_id: custodianId, appointed_on: appointedOn || undefined, review_months: Number(months) || 0 },
      })
      onDone()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  return (
    <form className="rel-form" onSubmit={submit} aria-label={`Appoint ${label}`}>
      <div className="field">
        <label htmlFor={`ap-on-${custodianId}`}>Appointed on (blank: today)</label>
        <input id={`ap-on-${custodianId}`} type="date" value={appointedOn} onChange={(e) => setAppointedOn(e.target.value)} />
        {fieldError('appointed_on') && <p className="field-error">{fieldError('appointed_on')}</p>}
      </div>
      <div className="field">
        <label htmlFor={`ap-months-${custodianId}`}>Review every (months)</label>
        <input id={`ap-months-${custodianId}`} type="number" min={1} max={60} value={months} onChange={(e) => setMonths(e.target.value)} />
        {fieldError('review_months') && <p className="field-error">{fieldError('review_months')}</p>}
      </div>
      <button type="submit" disabled={busy}>
        {busy ? 'Recording…' : 'Record appointment'}
      </button>
      {error instanceof ApiError && error.problem.errors?.length ? null : <ErrorBox error={error} />}
    </form>
  )
}
