// Relationships (/relationships): the custodians a team appointed, with when
// each is next due for review; one relationship (/teams/:teamId/relationships/:id)
// to change its owner or cadence, or end it.
import { useState, type FormEvent } from 'react'
import { api, ApiError, client, withETag, type Relationship } from '../api.ts'
import { rolesIn, teamsWith, useSession } from '../session.tsx'
import { Link, navigate } from '../router.tsx'
import { Badge, Empty, ErrorBox, Loading, PageTitle } from '../components/ui.tsx'
import { useLoad } from '../components/dashboard/useLoad.ts'
import { daysUntil, relativeDays } from '../components/dashboard/dates.ts'
import { formatDate } from '../format.ts'
import { AssurancePanel } from '../components/assurance/AssurancePanel.tsx'
import '../components/relationships/relationships.css'

function DueCell({ r }: { r: Relationship }) {
  if (r.status === 'ended') return <span className="muted">Ended {formatDate(r.ended_on)}</span>
  const d = daysUntil(r.next_review_due)
  return (
    <span className={d !== null && d < 0 ? 'rel-due-past' : undefined}>
      {formatDate(r.next_review_due)}
      {d !== null && <> ({relativeDays(d)})</>}
    </span>
  )
}

export function RelationshipsPage() {
  const { me } = useSession()
  const teams = teamsWith(me, 'officer', 'manager', 'auditor')
  const [teamId, setTeamId] = useState<number>(teams[0]?.id ?? 0)
  const [status, setStatus] = useState<'' | 'active' | 'ended'>('active')
  const list = useLoad(
    (signal) =>
      teamId
        ? api.GET('/api/v1/teams/{teamID}/relationships', { params: { path: { teamID: teamId }, query: { status: status || undefined, limit: 100 } }, signal })
        : Promise.resolve({ items: [], next_before: null }),
    [teamId, status],
  )
  return (
    <>
      <nav className="crumbs small" aria-label="Breadcrumb">
        <Link to="/">Dashboard</Link> / <span aria-current="page">Relationships</span>
      </nav>
      <PageTitle>Relationships</PageTitle>
      <p className="muted">The custodians your team appointed after an approved evaluation, and when each is next due for review. Record an appointment from an approved evaluation's “Approval” tab.</p>
      <div className="ev-filters">
        {teams.length > 1 && (
          <div className="field">
            <label htmlFor="rel-team">Team</label>
            <select id="rel-team" value={teamId} onChange={(e) => setTeamId(Number(e.target.value))}>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="rel-status">Status</label>
          <select id="rel-status" value={status} onChange={(e) => setStatus(e.target.value as '' | 'active' | 'ended')}>
            <option value="active">Active</option>
            <option value="ended">Ended</option>
            <option value="">Any</option>
          </select>
        </div>
      </div>
      {list.error ? (
        <ErrorBox error={list.error} />
      ) : !list.data ? (
        <Loading what="Loading relationships" />
      ) : list.data.items.length === 0 ? (
        <Empty>No relationship here yet. Once an evaluation is approved, record which shortlisted custodian the team appoints from its “Approval” tab.</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label="Relationships">
            <thead>
              <tr>
                <th scope="col">Custodian</th>
                <th scope="col">Owner</th>
                <th scope="col">Appointed</th>
                <th scope="col">Cadence</th>
                <th scope="col">Next review due</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/teams/${r.team_id}/relationships/${r.id}`}>{r.custodian_name}</Link>
                    {r.diligence_status === 'stale' && (
                      <>
                        {' '}
                        <Badge kind="stale">Diligence stale</Badge>
                      </>
                    )}
                  </td>
                  <td>{r.owner_name}</td>
                  <td>{formatDate(r.appointed_on)}</td>
                  <td>{r.review_months} months</td>
                  <td>
                    <DueCell r={r} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  )
}

export function RelationshipPage({ teamId, id }: { teamId: number; id: number }) {
  const { me } = useSession()
  const roles = rolesIn(me, teamId)
  const canWrite = roles.includes('officer') || roles.includes('manager')
  const rel = useLoad(
    (signal) => withETag(client.GET('/api/v1/teams/{teamID}/relationships/{relationshipID}', { params: { path: { teamID: teamId, relationshipID: id } }, signal })),
    [teamId, id],
  )
  const members = useLoad((signal) => api.GET('/api/v1/teams/{teamID}/members', { params: { path: { teamID: teamId } }, signal }), [teamId])
  if (rel.error) return <ErrorBox error={rel.error} />
  if (!rel.data) return <Loading what="Loading the relationship" />
  const r = rel.data.data
  const etag = rel.data.etag ?? undefined
  const owners = new Map<number, string>()
  for (const m of members.data?.items ?? []) if (m.role === 'officer' || m.role === 'manager') owners.set(m.user_id, m.user_name)
  const update = (next: Relationship, tag: string | null) => rel.setData({ data: next, etag: tag })
  return (
    <>
      <nav className="crumbs small" aria-label="Breadcrumb">
        <Link to="/">Dashboard</Link> / <Link to="/relationships">Relationships</Link> / <span>{me?.memberships.find((m) => m.team_id === teamId)?.team_name ?? `Team ${teamId}`}</span> /{' '}
        <span aria-current="page">{r.custodian_name}</span>
      </nav>
      <PageTitle>{r.custodian_name}</PageTitle>
      <section className="card" aria-labelledby="rel-facts">
        <h2 id="rel-facts">
          Custody relationship <Badge kind={r.status === 'active' ? 'approved' : 'draft'}>{r.status === 'active' ? 'Active' : 'Ended'}</Badge>
        </h2>
        <dl className="facts">
          <dt>Owner</dt>
          <dd>{r.owner_name}</dd>
          <dt>Appointed</dt>
          <dd>{formatDate(r.appointed_on)}</dd>
          <dt>Rests on</dt>
          <dd>
            <Link to={`/evaluations/${r.evaluation_id}`}>Evaluation #{r.evaluation_id}</Link> (last reviewed {formatDate(r.last_reviewed_on)})
          </dd>
          <dt>Review cadence</dt>
          <dd>every {r.review_months} months</dd>
          <dt>Next review due</dt>
          <dd>
            <DueCell r={r} />
          </dd>
          <dt>Diligence</dt>
          <dd>
            {r.diligence_status === 'stale' ? (
              <>
                <Badge kind="stale">Diligence stale</Badge>
                <ul className="small">
                  {r.diligence_reasons.map((why) => (
                    <li key={why}>{why}</li>
                  ))}
                </ul>
              </>
            ) : (
              <Badge kind="fresh">No document lapsed</Badge>
            )}
          </dd>
          {r.status === 'ended' && (
            <>
              <dt>Ended</dt>
              <dd>
                {formatDate(r.ended_on)}: {r.end_reason}
              </dd>
            </>
          )}
        </dl>
      </section>
      <AssurancePanel teamId={teamId} custodianId={r.custodian_id} custodianName={r.custodian_name} canWrite={r.status === 'active' && canWrite} onChanged={rel.reload} />
      {r.status === 'active' && roles.includes('officer') && <StartRediligence r={r} />}
      {r.status === 'active' && canWrite && (
        <>
          <EditRelationship r={r} etag={etag} owners={owners} onSaved={update} />
          <EndRelationship r={r} etag={etag} onSaved={update} />
        </>
      )}
    </>
  )
}

function fieldOf(error: unknown, f: string) {
  return error instanceof ApiError ? error.field(f) : undefined
}

function EditRelationship({ r, etag, owners, onSaved }: { r: Relationship; etag?: string; owners: Map<number, string>; onSaved: (r: Relationship, etag: string | null) => void }) {
  const [owner, setOwner] = useState(String(r.owner_id))
  const [months, setMonths] = useState(String(r.review_months))
  const [due, setDue] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [saved, setSaved] = useState(false)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setSaved(false)
    try {
      const body: { owner_id?: number; review_months?: number; next_review_due?: string } = {}
      if (Number(owner) !== r.owner_id) body.owner_id = Number(owner)
      if (Number(months) !== r.review_months) body.review_months = Number(months)
      if (due) body.next_review_due = due
      const res = await withETag(
        client.PATCH('/api/v1/teams/{teamID}/relationships/{relationshipID}', {
          params: { path: { teamID: r.team_id, relationshipID: r.id }, header: { 'If-Match': etag } },
          body,
        }),
      )
      setDue('')
      setSaved(true)
      onSaved(res.data, res.etag)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="rel-edit">
      <h2 id="rel-edit">Change</h2>
      <form className="rel-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="rel-owner">Owner</label>
          <select id="rel-owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
            {!owners.has(r.owner_id) && <option value={r.owner_id}>{r.owner_name}</option>}
            {[...owners].map(([uid, name]) => (
              <option key={uid} value={uid}>
                {name}
              </option>
            ))}
          </select>
          {fieldOf(error, 'owner_id') && <p className="field-error">{fieldOf(error, 'owner_id')}</p>}
        </div>
        <div className="field">
          <label htmlFor="rel-months">Review every (months)</label>
          <input id="rel-months" type="number" min={1} max={60} value={months} onChange={(e) => setMonths(e.target.value)} />
          {fieldOf(error, 'review_months') && <p className="field-error">{fieldOf(error, 'review_months')}</p>}
        </div>
        <div className="field">
          <label htmlFor="rel-due">Next review due (blank: from the cadence)</label>
          <input id="rel-due" type="date" value={due} onChange={(e) => setDue(e.target.value)} />
          {fieldOf(error, 'next_review_due') && <p className="field-error">{fieldOf(error, 'next_review_due')}</p>}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
        {saved && <span role="status">Saved.</span>}
      </form>
      {!(error instanceof ApiError && error.problem.errors?.length) && <ErrorBox error={error} />}
    </section>
  )
}

function EndRelationship({ r, etag, onSaved }: { r: Relationship; etag?: string; onSaved: (r: Relationship, etag: string | null) => void }) {
  const [on, setOn] = useState('')
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const res = await withETag(
        client.POST('/api/v1/teams/{teamID}/relationships/{relationshipID}/end', {
          params: { path: { teamID: r.team_id, relationshipID: r.id }, header: { 'If-Match': etag } },
          body: { ended_on: on || undefined, reason },
        }),
      )
      onSaved(res.data, res.etag)
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="rel-end">
      <h2 id="rel-end">End the relationship</h2>
      <form className="rel-form" onSubmit={submit}>
        <div className="field">
          <label htmlFor="rel-end-on">Ended on (blank: today)</label>
          <input id="rel-end-on" type="date" value={on} onChange={(e) => setOn(e.target.value)} />
          {fieldOf(error, 'ended_on') && <p className="field-error">{fieldOf(error, 'ended_on')}</p>}
        </div>
        <div className="field">
          <label htmlFor="rel-reason">Reason</label>
          <input id="rel-reason" value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
          {fieldOf(error, 'reason') && <p className="field-error">{fieldOf(error, 'reason')}</p>}
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Ending…' : 'End relationship'}
        </button>
      </form>
      {!(error instanceof ApiError && error.problem.errors?.length) && <ErrorBox error={error} />}
    </section>
  )
}

function StartRediligence({ r }: { r: Relationship }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  // A re-diligence already open (draft or submitted) is where to go on, not
  // a second one: the server refuses that.
  const open = useLoad(
    async (signal) => {
      const page = await api.GET('/api/v1/evaluations', { params: { query: { team: r.team_id, custodian: r.custodian_id, limit: 100 } }, signal })
      return page.items.find((e) => e.relationship_id === r.id && e.status !== 'approved') ?? null
    },
    [r.team_id, r.custodian_id, r.id],
  )
  const start = async () => {
    setBusy(true)
    setError(null)
    try {
      const ws = await api.POST('/api/v1/teams/{teamID}/relationships/{relationshipID}/rediligence', { params: { path: { teamID: r.team_id, relationshipID: r.id } } })
      navigate(`/evaluations/${ws.evaluation.id}`)
    } catch (e) {
      setError(e)
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="rel-redo">
      <h2 id="rel-redo">Re-diligence</h2>
      <p className="muted small">
        Opens an evaluation of {r.custodian_name} alone, prefilled from evaluation #{r.evaluation_id}: each answer carried forward for you to confirm, its evidence
        linked. Its approval moves the next review on by {r.review_months} months.
      </p>
      {open.data ? (
        <p>
          In progress: <Link to={`/evaluations/${open.data.id}`}>{open.data.title}</Link> ({open.data.status === 'submitted' ? 'awaiting approval' : 'draft'}).
        </p>
      ) : (
        <button type="button" onClick={start} disabled={busy || open.loading}>
          {busy ? 'Starting…' : 'Start re-diligence'}
        </button>
      )}
      <ErrorBox error={error ?? open.error} />
    </section>
  )
}
