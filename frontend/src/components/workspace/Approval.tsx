// The managers' view of a submitted shortlist: what was submitted, the
// approvals so far, and the decision (approve, or return with a comment);
// once approved, the approvals and the signed memos.
import { useCallback, useEffect, useId, useRef, useState } from 'react'
import { AppointFromShortlist } from '../relationships/AppointFromShortlist.tsx'
import { api, ApiError, client, downloadURL, withETag, type Me, type Memo, type Workspace } from '../../api.ts'
import { formatBytes, formatDateTime, shortHash } from '../../format.ts'
import { rolesIn } from '../../session.tsx'
import { Badge, Confirm, Empty, ErrorBox, Field, Loading } from '../ui.tsx'
import { useUnsaved } from '../../unsaved.ts'
import { RankingChart } from './RankingChart.tsx'
import { WhoDecides } from './WhoDecides.tsx'
import { WithdrawSubmission } from './WithdrawSubmission.tsx'
import { candidateName, formatTotal } from './util.ts'
import './workspace.css'

interface Props {
  workspace: Workspace
  me: Me
  /** User names by ID, when the team's members could be read. */
  names: Map<number, string> | null
  onApplied: (ws: Workspace, etag: string | null) => void
  /** Called once the submitter has withdrawn the submission (a draft again). */
  onWithdrawn?: () => void
}

export function userName(names: Map<number, string> | null, me: Me, id: number | null): string {
  if (id === null) return '—'
  if (id === me.user.id) return me.user.name + ' (you)'
  return names?.get(id) ?? 'user #' + id
}

/** decisionBlock says why this user may not approve or return, or null when they may. */
export function decisionBlock(ws: Workspace, me: Me): string | null {
  const ev = ws.evaluation
  if (ev.status !== 'submitted') return ev.status === 'approved' ? 'This evaluation is approved: the decision is made.' : 'Nothing is submitted yet.'
  if (ev.submitted_by === me.user.id) return 'You submitted this: a manager who did not prepare it decides.'
  if (!rolesIn(me, ev.team_id).includes('manager')) return 'Only managers of this team decide.'
  if (ws.approvals.some((a) => a.round === ev.round && a.manager_id === me.user.id && a.decision === 'approve'))
    return 'You have already approved this round; another manager must approve it too.'
  return null
}

export function ApprovalPanel({ workspace, me, names, onApplied, onWithdrawn }: Props) {
  const ev = workspace.evaluation
  const shortlisted = new Set(workspace.shortlist.map((e) => e.custodian_id))
  const unansweredShortlist = workspace.assessments
    .filter((a) => shortlisted.has(a.custodian.id))
    .reduce((n, a) => n + a.answers.filter((x) => x.status === 'pending').length, 0)
  const unansweredAll = workspace.assessments.reduce((n, a) => n + a.answers.filter((x) => x.status === 'pending').length, 0)
  // Items left out as not applicable on the shortlist: approvers see what and why.
  const itemPrompt = new Map(workspace.template.sections.flatMap((s) => s.items.map((it) => [it.id, it.prompt] as const)))
  const notApplicable = workspace.assessments
    .filter((a) => shortlisted.has(a.custodian.id))
    .flatMap((a) => a.answers.filter((x) => x.status === 'not_applicable').map((x) => ({ a, x })))
  const flags = workspace.assessments.flatMap((a) => a.red_flags.filter((f) => f.status === 'open' || f.status === 'accepted').map((f) => ({ a, f })))
  const roundApprovals = workspace.approvals.filter((a) => a.round === ev.round && a.decision === 'approve')

  return (
    <div className="approval">
      {ev.status === 'approved' ? (
        <div className="alert alert-ok" role="status">
          <strong>Approved</strong> on {formatDateTime(ev.approved_at)} with {workspace.approvals_received} of {workspace.approvals_required} approvals. The evaluation is
          locked.
        </div>
      ) : ev.status === 'submitted' ? (
        <div className="alert alert-info" role="status">
          <strong>Awaiting approval:</strong> {workspace.approvals_received} of {workspace.approvals_required} approvals received for round {ev.round}.
        </div>
      ) : null}

      {ev.status === 'approved' && <Memos workspace={workspace} me={me} />}
      {ev.status === 'approved' && <AppointFromShortlist workspace={workspace} me={me} />}

      <div className="approval-grid">
        <section className="card" aria-labelledby="ap-what">
          <h3 id="ap-what">What was submitted</h3>
          <dl className="facts">
            <dt>Prepared and submitted by</dt>
            <dd>{userName(names, me, ev.submitted_by)}</dd>
            <dt>Submitted</dt>
            <dd>
              {formatDateTime(ev.submitted_at)} (round {ev.round})
            </dd>
            <dt>Snapshot hash (SHA-256)</dt>
            <dd>
              <code className="hash">{ev.snapshot_hash || '—'}</code>
            </dd>
            <dt>Unanswered items</dt>
            <dd>
              {unansweredShortlist} on the shortlist{unansweredAll !== unansweredShortlist ? ` (${unansweredAll} across every candidate)` : ''}
            </dd>
            <dt>Marked not applicable</dt>
            <dd>
              {notApplicable.length === 0 ? (
                'None on the shortlist'
              ) : (
                <ul className="plain-list small" aria-label="Items marked not applicable">
                  {notApplicable.map(({ a, x }) => (
                    <li key={`${a.custodian.id}-${x.item_id}`}>
                      {a.custodian.name}: {itemPrompt.get(x.item_id) ?? 'Item #' + x.item_id}
                      {x.note ? ` — ${x.note}` : ''}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
            <dt>Approvals</dt>
            <dd>
              {workspace.approvals_received} of {workspace.approvals_required} required
              {roundApprovals.length > 0 && ': ' + roundApprovals.map((a) => a.manager_name).join(', ')}
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="ap-short">
          <h3 id="ap-short">Shortlist</h3>
          {workspace.shortlist.length === 0 ? (
            <Empty>No custodian is shortlisted.</Empty>
          ) : (
            <ol className="ap-shortlist">
              {[...workspace.shortlist]
                .sort((a, b) => a.rank - b.rank)
                .map((e) => (
                  <li key={e.custodian_id}>
                    <strong>{candidateName(workspace, e.custodian_id)}</strong>{' '}
                    <span className="muted small">weighted total {formatTotal(workspace.assessments.find((a) => a.custodian.id === e.custodian_id)?.weighted_total ?? 0)}</span>
                    <div className="small">{e.rationale}</div>
                    {e.inversion_rationale && <div className="small warn-text">Above a higher-ranked candidate because: {e.inversion_rationale}</div>}
                  </li>
                ))}
            </ol>
          )}
        </section>
      </div>

      <section className="card" aria-labelledby="ap-rank">
        <h3 id="ap-rank" className="ws-sr-only">
          Ranking
        </h3>
        <RankingChart workspace={workspace} />
      </section>

      <section className="card" aria-labelledby="ap-flags">
        <h3 id="ap-flags">Open and accepted red flags</h3>
        {flags.length === 0 ? (
          <p className="muted">None: every red flag was mitigated or closed.</p>
        ) : (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Candidate</th>
                  <th scope="col">Red flag</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Status</th>
                  <th scope="col">Justification or reason</th>
                </tr>
              </thead>
              <tbody>
                {flags.map(({ a, f }) => (
                  <tr key={f.id}>
                    <td>{a.custodian.name}</td>
                    <td>{f.title}</td>
                    <td>
                      <Badge kind={f.severity}>{f.severity}</Badge>
                    </td>
                    <td>
                      <Badge kind={f.status}>{f.status}</Badge>
                    </td>
                    <td className="small">{f.resolution || f.reason || '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      {/* Only those who may decide now see the decision form; everyone else
          sees why not and who can, never a form they could not use. */}
      {ev.status === 'submitted' && <WithdrawSubmission workspace={workspace} me={me} onApplied={onApplied} onWithdrawn={onWithdrawn} />}
      {ev.status === 'submitted' &&
        (decisionBlock(workspace, me) === null ? <Decision workspace={workspace} me={me} onApplied={onApplied} /> : <WhoDecides workspace={workspace} me={me} why={decisionBlock(workspace, me)!} />)}

      <ApprovalHistory workspace={workspace} />

    </div>
  )
}

function Decision({ workspace, me, onApplied }: { workspace: Workspace; me: Me; onApplied: Props['onApplied'] }) {
  const [comment, setComment] = useState('')
  const [busy, setBusy] = useState<'approve' | 'return' | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [confirming, setConfirming] = useState(false)
  const reasonId = useId()
  const commentRef = useRef<HTMLTextAreaElement>(null)
  const block = decisionBlock(workspace, me)
  useUnsaved(comment.trim() !== '' && !block, 'the decision comment')
  const decide = async (kind: 'approve' | 'return') => {
    setBusy(kind)
    setError(null)
    try {
      // If-Match: the decision is about the version on screen, never a newer one.
      const init = { params: { path: { id: workspace.evaluation.id }, header: { 'If-Match': `"${workspace.evaluation.version}"` } }, body: { comment } }
      const a = await withETag(
        kind === 'approve' ? client.POST('/api/v1/evaluations/{id}/approve', init) : client.POST('/api/v1/evaluations/{id}/return', init),
      )
      onApplied(a.data, a.etag)
    } catch (e) {
      setError(e)
      // Changed since it was loaded: show what is there now before anyone decides.
      if (e instanceof ApiError && e.status === 412 && e.problem.current) onApplied(e.problem.current as Workspace, null)
      if (e instanceof ApiError && e.field('comment')) window.setTimeout(() => commentRef.current?.focus(), 0)
    } finally {
      setBusy(null)
    }
  }
  const named = error instanceof ApiError && !!error.field('comment')
  return (
    <section className="card decision" aria-labelledby="ap-decide">
      <h3 id="ap-decide">Decision</h3>
      <Field label="Comment" name="comment" error={error} hint="Optional to approve; required to return: say what must change.">
        {(id, d) => <textarea ref={commentRef} id={id} rows={3} value={comment} onChange={(e) => setComment(e.target.value)} aria-describedby={d} disabled={!!block || busy !== null} />}
      </Field>
      {error !== null && !named && <ErrorBox error={error} />}
      <div className="actions">
        <button type="button" className="primary" onClick={() => setConfirming(true)} disabled={!!block || busy !== null} aria-describedby={block ? reasonId : undefined}>
          {busy === 'approve' ? 'Approving…' : 'Approve'}
        </button>
        <button type="button" className="danger" onClick={() => decide('return')} disabled={!!block || busy !== null} aria-describedby={block ? reasonId : undefined}>
          {busy === 'return' ? 'Returning…' : 'Return to officer'}
        </button>
      </div>
      <Confirm
        open={confirming}
        title="Approve this shortlist?"
        confirmLabel="Approve"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          decide('approve')
        }}
      >
        <p>
          {workspace.approvals_received + 1 >= workspace.approvals_required
            ? 'Yours is the last approval needed: the evaluation is then locked for good and memos can be issued.'
            : `Your approval is recorded (${workspace.approvals_received + 1} of ${workspace.approvals_required}) and cannot be withdrawn.`}
        </p>
        {comment.trim() !== '' && <p className="small muted">With your comment: “{comment.trim()}”</p>}
      </Confirm>
      {block && (
        <p id={reasonId} className="decision-why" data-testid="decision-reason">
          {block}
        </p>
      )}
    </section>
  )
}

function ApprovalHistory({ workspace }: { workspace: Workspace }) {
  if (workspace.approvals.length === 0) return null
  return (
    <section className="card" aria-labelledby="ap-history">
      <h3 id="ap-history">Decisions</h3>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Round</th>
              <th scope="col">Manager</th>
              <th scope="col">Decision</th>
              <th scope="col">Comment</th>
              <th scope="col">When</th>
              <th scope="col">Snapshot</th>
            </tr>
          </thead>
          <tbody>
            {workspace.approvals.map((a) => (
              <tr key={a.id}>
                <td>{a.round}</td>
                <td>{a.manager_name}</td>
                <td>
                  <Badge kind={a.decision === 'approve' ? 'approved' : 'open'}>{a.decision === 'approve' ? 'Approved' : 'Returned'}</Badge>
                </td>
                <td className="small">{a.comment || <span className="muted">—</span>}</td>
                <td className="small">{formatDateTime(a.created_at)}</td>
                <td>
                  <code title={a.snapshot_hash}>{shortHash(a.snapshot_hash)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  )
}

function Memos({ workspace, me }: { workspace: Workspace; me: Me }) {
  const ev = workspace.evaluation
  const roles = rolesIn(me, ev.team_id)
  const mayRead = roles.some((r) => r === 'officer' || r === 'manager' || r === 'auditor')
  const mayIssue = roles.some((r) => r === 'officer' || r === 'manager')
  const [memos, setMemos] = useState<Memo[] | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [confirming, setConfirming] = useState(false)
  const reasonId = useId()

  const load = useCallback(async () => {
    if (!mayRead) return
    try {
      const page = await api.GET('/api/v1/memos', { params: { query: { team: ev.team_id, limit: 100 } } })
      setMemos(page.items.filter((m) => m.evaluation_id === ev.id))
      setLoadError(null)
    } catch (e) {
      setLoadError(e)
    }
  }, [mayRead, ev.team_id, ev.id])
  useEffect(() => {
    load()
  }, [load])

  const issue = async () => {
    setBusy(true)
    setError(null)
    try {
      await api.POST('/api/v1/evaluations/{id}/memos', { params: { path: { id: ev.id } } })
      await load()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card" aria-labelledby="ap-memos">
      <h3 id="ap-memos">Memos</h3>
      <p className="muted small">A signed PDF of the approved evaluation: mandate, method, ranking, flags, shortlist, approvals and the evidence index.</p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => setConfirming(true)} disabled={!mayIssue || busy} aria-describedby={!mayIssue ? reasonId : undefined}>
          {busy ? 'Issuing…' : memos && memos.length > 0 ? 'Issue another memo' : 'Issue memo'}
        </button>
        {!mayIssue && (
          <span id={reasonId} className="small decision-why">
            Only officers and managers of this team issue memos.
          </span>
        )}
      </div>
      <Confirm
        open={confirming}
        title={memos && memos.length > 0 ? 'Issue another memo?' : 'Issue the memo?'}
        confirmLabel="Issue memo"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          issue()
        }}
      >
        <p>
          Custos signs a new PDF memo of the approved evaluation and records it in the memo registry for good.
          {memos && memos.length > 0 && ` ${memos.length === 1 ? 'One memo is' : `${memos.length} memos are`} already issued: download it below if that is what you need.`}
        </p>
      </Confirm>
      <ErrorBox error={error} />
      {!mayRead ? null : loadError ? (
        <ErrorBox error={loadError} />
      ) : memos === null ? (
        <Loading what="Loading the memos" />
      ) : memos.length === 0 ? (
        <p className="muted">No memo issued yet.</p>
      ) : (
        <ul className="memo-list">
          {memos.map((m) => (
            <li key={m.id}>
              <a href={downloadURL('/api/v1/memos/{id}/pdf', { id: m.id })} download>
                Download memo #{m.id} (PDF)
              </a>{' '}
              <span className="muted small">
                issued {formatDateTime(m.issued_at)} · {formatBytes(m.size)} · SHA-256 <code title={m.sha256}>{shortHash(m.sha256)}</code>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
