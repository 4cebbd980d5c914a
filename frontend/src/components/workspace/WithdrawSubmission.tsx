// The submitter may take a submission back before any manager has decided
// on the round: after a confirmation, it is a draft again, unlocked.
import { useState } from 'react'
import { ApiError, client, withETag, type Me, type Workspace } from '../../api.ts'
import { Confirm, ErrorBox } from '../ui.tsx'

export function mayWithdraw(ws: Workspace, me: Me): boolean {
  const ev = ws.evaluation
  return ev.status === 'submitted' && ev.submitted_by === me.user.id && !ws.approvals.some((a) => a.round === ev.round)
}

export function WithdrawSubmission({
  workspace,
  me,
  onApplied,
  onWithdrawn,
}: {
  workspace: Workspace
  me: Me
  onApplied: (ws: Workspace, etag: string | null) => void
  /** The panel and its button go with the submission: the workspace says what happened and takes the focus. */
  onWithdrawn?: () => void
}) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  if (!mayWithdraw(workspace, me)) return null
  const withdraw = async () => {
    setBusy(true)
    setError(null)
    try {
      const a = await withETag(
        client.POST('/api/v1/evaluations/{id}/withdraw', {
          params: { path: { id: workspace.evaluation.id }, header: { 'If-Match': `"${workspace.evaluation.version}"` } },
        }),
      )
      onApplied(a.data, a.etag)
      onWithdrawn?.()
    } catch (e) {
      setError(e)
      // A manager decided meanwhile: show the round as it is now.
      if (e instanceof ApiError && e.status === 412 && e.problem.current) onApplied(e.problem.current as Workspace, null)
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="ap-withdraw">
      <h3 id="ap-withdraw">Withdraw the submission</h3>
      <p className="small muted">No manager has decided yet, so you can take it back to change it. It becomes a draft again; submit it again when it is ready.</p>
      <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={busy}>
        {busy ? 'Withdrawing…' : 'Withdraw submission'}
      </button>
      <ErrorBox error={error} />
      <Confirm
        open={confirming}
        title="Withdraw this submission?"
        confirmLabel="Withdraw"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          withdraw()
        }}
      >
        <p>The evaluation goes back to draft and the managers no longer see it as waiting for them. The withdrawal is recorded in the audit trail.</p>
      </Confirm>
    </section>
  )
}
