// The officer's side of custodian responses: invite a custodian's contact
// (the link is shown once), follow each invitation's state, and review the
// submitted answers beside the team's own: accept one (it becomes the
// answer, marked as the custodian's) or ask about it.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react'
import { api, ApiError, downloadURL, type InvitationReview, type IssuedInvitation, type Response as ItemResponse, type Workspace } from '../../api.ts'
import { ANSWER_LABELS, formatDateTime } from '../../format.ts'
import { Badge, ErrorBox, Field, Confirm } from '../ui.tsx'
import './responses.css'

const STATE_TEXT: Record<string, string> = {
  sent: 'Sent',
  opened: 'Opened',
  submitted: 'Submitted',
  reopened: 'Question asked',
  expired: 'Expired',
  revoked: 'Revoked',
}

type Queued = { inv: InvitationReview; r: ItemResponse }

function queueOf(list: InvitationReview[] | null): Queued[] {
  return (list ?? []).flatMap((inv) => inv.responses.filter((r) => r.state === 'submitted').map((r) => ({ inv, r })))
}

const reviewId = (q: Queued) => `review-${q.inv.id}-${q.r.item_id}`
const QUEUE_EMPTY = 'review-queue-empty'

export function Responses({ workspace, readOnly, onAccepted }: { workspace: Workspace; readOnly: string | null; onAccepted: () => void }) {
  const id = workspace.evaluation.id
  const [list, setList] = useState<InvitationReview[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  // An answer reviewed or a link revoked takes its button away: the focus
  // then moves to what happened (the next answer in the queue, the revoked
  // row), once the list that shows it has rendered.
  const [focusTo, setFocusTo] = useState<string | null>(null)
  const [said, setSaid] = useState('')
  const load = useCallback(async (): Promise<InvitationReview[] | null> => {
    try {
      const items = (await api.GET('/api/v1/evaluations/{id}/invitations', { params: { path: { id } } })).items
      setList(items)
      setError(null)
      return items
    } catch (e) {
      setError(e)
      return null
    }
  }, [id])
  useEffect(() => {
    load()
  }, [load])
  useEffect(() => {
    if (!focusTo) return
    document.getElementById(focusTo)?.focus()
    setFocusTo(null)
  }, [focusTo, list])

  const queue = queueOf(list)
  // The answer reviewed at position i leaves the queue: the one that took
  // its place (or the last, or the empty queue's message) gets the focus.
  const reviewed = async (i: number, what: string) => {
    setSaid(what)
    onAccepted()
    const items = await load()
    if (items === null) return
    const next = queueOf(items)
    setFocusTo(next.length === 0 ? QUEUE_EMPTY : reviewId(next[Math.min(i, next.length - 1)]))
  }
  const revoked = async (invitationId: number) => {
    if ((await load()) !== null) setFocusTo(invitationRowId(invitationId))
  }
  return (
    <div className="responses">
      {/* Focus moves on to the next answer; this says what became of the last. */}
      <p className="vh" role="status">
        {said}
      </p>
      {error !== null && <ErrorBox error={error} onReload={load} />}
      <h3>Review queue</h3>
      {list === null ? (
        <p role="status">Loading…</p>
      ) : queue.length === 0 ? (
        <p className="muted small" id={QUEUE_EMPTY} tabIndex={-1}>
          No submitted answer awaits review.
        </p>
      ) : (
        <ul className="review-queue">
          {queue.map((q, i) => (
            <ReviewItem key={reviewId(q)} id={reviewId(q)} workspace={workspace} inv={q.inv} r={q.r} readOnly={readOnly} onDone={(what) => reviewed(i, what)} />
          ))}
        </ul>
      )}
      <h3>Invitations</h3>
      {list && list.length > 0 ? (
        <div className="table-wrap">
          <table className="invitations">
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Custodian</th>
                <th scope="col">State</th>
                <th scope="col">Expires</th>
                <th scope="col">Answers</th>
                <th scope="col">
                  <span className="ws-sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((inv) => (
                <InvitationRow key={inv.id} workspace={workspace} inv={inv} readOnly={readOnly} onRevoked={() => revoked(inv.id)} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        list && <p className="muted small">No custodian has been invited yet.</p>
      )}
      {!readOnly && <InviteForm workspace={workspace} onDone={load} />}
    </div>
  )
}

const invitationRowId = (invitationId: number) => `invitation-${invitationId}`

function InvitationRow({ workspace, inv, readOnly, onRevoked }: { workspace: Workspace; inv: InvitationReview; readOnly: string | null; onRevoked: () => void }) {
  const [error, setError] = useState<unknown>(null)
  const [asking, setAsking] = useState(false)
  const revoke = async () => {
    setAsking(false)
    try {
      await api.POST('/api/v1/evaluations/{id}/invitations/{invitationID}/revoke', { params: { path: { id: workspace.evaluation.id, invitationID: inv.id } } })
      onRevoked()
    } catch (e) {
      setError(e)
    }
  }
  return (
    <tr id={invitationRowId(inv.id)} tabIndex={-1}>
      <td>
        {inv.name}
        <div className="small muted">{inv.email}</div>
      </td>
      <td>{inv.custodian_name}</td>
      <td>
        <Badge kind={'inv-' + inv.state}>{STATE_TEXT[inv.state]}</Badge>
        {inv.opened_at && <div className="small muted">opened {formatDateTime(inv.opened_at)}</div>}
        {inv.submitted_at && <div className="small muted">submitted {formatDateTime(inv.submitted_at)}</div>}
      </td>
      <td>{formatDateTime(inv.expires_at)}</td>
      <td>{inv.responses.filter((r) => r.state !== 'draft').length}</td>
      <td>
        {!readOnly && inv.state !== 'revoked' && inv.state !== 'expired' && (
          <button type="button" className="small-btn" onClick={() => setAsking(true)} aria-label={`Revoke the link of ${inv.name}`}>
            Revoke
          </button>
        )}
        <Confirm open={asking} title={`Revoke the link of ${inv.name}?`} confirmLabel="Revoke the link" onConfirm={revoke} onCancel={() => setAsking(false)}>
          <p>
            The link stops working at once{inv.state === 'submitted' ? ': the team can no longer ask this contact to clarify an answer through it' : ''}. Answers already submitted stay
            for review. To let {inv.name} answer again, send a new invitation.
          </p>
        </Confirm>
        {error !== null && <ErrorBox error={error} />}
      </td>
    </tr>
  )
}

function ReviewItem({ id, workspace, inv, r, readOnly, onDone }: { id: string; workspace: Workspace; inv: InvitationReview; r: ItemResponse; readOnly: string | null; onDone: (what: string) => void }) {
  const idp = useId()
  const item = workspace.template.sections.flatMap((s) => s.items).find((it) => it.id === r.item_id)
  const team = workspace.assessments.find((a) => a.custodian.id === inv.custodian_id)?.answers.find((a) => a.item_id === r.item_id)
  const [asking, setAsking] = useState(false)
  const [comment, setComment] = useState('')
  const [error, setError] = useState<unknown>(null)
  const path = { id: workspace.evaluation.id, invitationID: inv.id, itemID: r.item_id }
  const prompt = item?.prompt ?? `item ${r.item_id}`
  const accept = async () => {
    try {
      await api.POST('/api/v1/evaluations/{id}/invitations/{invitationID}/items/{itemID}/accept', { params: { path } })
      onDone(`Accepted ${inv.custodian_name}'s answer to: ${prompt}`)
    } catch (e) {
      setError(e)
    }
  }
  const ask = async (e: FormEvent) => {
    e.preventDefault()
    try {
      await api.POST('/api/v1/evaluations/{id}/invitations/{invitationID}/items/{itemID}/clarify', { params: { path }, body: { comment } })
      onDone(`Asked ${inv.custodian_name} to clarify: ${prompt}`)
    } catch (err) {
      setError(err)
    }
  }
  return (
    <li className="review-item" id={id} tabIndex={-1} aria-labelledby={idp + '-h'}>
      <p id={idp + '-h'} className="review-prompt">
        <strong>{inv.custodian_name}</strong> · {item?.prompt ?? `Item ${r.item_id}`}
      </p>
      <div className="review-compare">
        <div>
          <div className="small muted">The custodian ({inv.name}), {formatDateTime(r.submitted_at)}</div>
          <p>
            <strong>{ANSWER_LABELS[r.status]}</strong> {r.note}
          </p>
          {r.documents.length > 0 && (
            <ul className="small">
              {r.documents.map((d) => (
                <li key={d.id}>
                  <a href={downloadURL('/api/v1/evaluations/{id}/invitations/{invitationID}/documents/{documentID}', { id: workspace.evaluation.id, invitationID: inv.id, documentID: d.id })} download>
                    {d.label}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div>
          <div className="small muted">The team's answer now</div>
          <p>{team && team.status !== 'pending' ? `${ANSWER_LABELS[team.status]}${team.note ? ': ' + team.note : ''}` : 'Not answered yet.'}</p>
        </div>
      </div>
      {!readOnly && (
        <div className="review-actions">
          <button type="button" onClick={accept}>
            Accept as the answer
          </button>
          <button type="button" className="secondary" onClick={() => setAsking(!asking)} aria-expanded={asking}>
            Ask for clarification
          </button>
        </div>
      )}
      {asking && (
        <form onSubmit={ask}>
          <Field label="Your question to the custodian" name="comment" error={error}>
            {(fid, d) => <textarea id={fid} aria-describedby={d} rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />}
          </Field>
          <button type="submit">Send the question</button>
        </form>
      )}
      {error instanceof ApiError && !error.field('comment') && <ErrorBox error={error} />}
    </li>
  )
}

function InviteForm({ workspace, onDone }: { workspace: Workspace; onDone: () => void }) {
  const [custodian, setCustodian] = useState(workspace.assessments[0]?.custodian.id ?? 0)
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [sections, setSections] = useState<string[]>([])
  const [days, setDays] = useState(14)
  const [error, setError] = useState<unknown>(null)
  const [issued, setIssued] = useState<IssuedInvitation | null>(null)
  const send = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      setIssued(
        await api.POST('/api/v1/evaluations/{id}/invitations', {
          params: { path: { id: workspace.evaluation.id } },
          body: { custodian_id: custodian, name, email, section_keys: sections, expires_in_days: days },
        }),
      )
      setName('')
      setEmail('')
      onDone()
    } catch (err) {
      setError(err)
    }
  }
  const link = issued ? window.location.origin + issued.link : ''
  return (
    <form className="invite-form" onSubmit={send}>
      <h3>Invite a custodian to answer</h3>
      {issued && (
        <div className="alert alert-success" role="status">
          <p>
            <strong>Invitation for {issued.invitation.name} created.</strong>{' '}
            {issued.emailed ? `It is being e-mailed to ${issued.invitation.email}; you can also pass this link on yourself.` : 'This server sends no e-mail: pass this link on yourself.'} It is shown only now; it works until{' '}
            {formatDateTime(issued.invitation.expires_at)}.
          </p>
          <input className="invite-link" readOnly value={link} aria-label="Invitation link" onFocus={(e) => e.target.select()} />
          <button type="button" className="small-btn" onClick={() => navigator.clipboard?.writeText(link)}>
            Copy the link
          </button>
        </div>
      )}
      <Field label="Custodian" name="custodian_id" error={error}>
        {(id, d) => (
          <select id={id} aria-describedby={d} value={custodian} onChange={(e) => setCustodian(Number(e.target.value))}>
            {workspace.assessments.map((a) => (
              <option key={a.custodian.id} value={a.custodian.id}>
                {a.custodian.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Contact's name" name="name" error={error}>
        {(id, d) => <input id={id} aria-describedby={d} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />}
      </Field>
      <Field label="Contact's e-mail" name="email" error={error}>
        {(id, d) => <input id={id} aria-describedby={d} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />}
      </Field>
      <fieldset className="invite-sections">
        <legend>Sections (none ticked: every section)</legend>
        {workspace.template.sections.map((s) => (
          <label key={s.key}>
            <input type="checkbox" checked={sections.includes(s.key)} onChange={(e) => setSections(e.target.checked ? [...sections, s.key] : sections.filter((k) => k !== s.key))} /> {s.title}
          </label>
        ))}
      </fieldset>
      <Field label="Expires after (days)" name="expires_in_days" error={error}>
        {(id, d) => <input id={id} aria-describedby={d} type="number" min={1} max={90} value={days} onChange={(e) => setDays(Number(e.target.value))} />}
      </Field>
      <button type="submit">Create the invitation</button>
      {error instanceof ApiError && !error.problem.errors?.length && <ErrorBox error={error} />}
    </form>
  )
}
