// Small helpers the workspace components share.
import type { Answer, Assessment, Blocker, Me, Workspace } from '../../api.ts'
import { rolesIn } from '../../session.tsx'

/** clearingReload makes a Reload action that also clears the error it answers. */
export function clearingReload(setError: (e: unknown) => void, onReload?: () => void): (() => void) | undefined {
  return onReload
    ? () => {
        setError(null)
        onReload()
      }
    : undefined
}

/**
 * answerTally counts answers as the server's completion does: a carried-forward
 * answer is to confirm, not answered, until the officer confirms it.
 */
export function answerTally(answers: (Answer | undefined)[]): { answered: number; toConfirm: number } {
  let answered = 0
  let toConfirm = 0
  for (const a of answers) {
    if (!a || a.status === 'pending') continue
    if (a.carried_forward) toConfirm++
    else answered++
  }
  return { answered, toConfirm }
}

/** formatTotal shows a weighted total with at most one decimal. */
export function formatTotal(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1)
}

export function assessmentOf(ws: Workspace, custodianId: number): Assessment | undefined {
  return ws.assessments.find((a) => a.custodian.id === custodianId)
}

export function candidateName(ws: Workspace, custodianId: number | null): string {
  if (custodianId === null) return ''
  return assessmentOf(ws, custodianId)?.custodian.name ?? 'Custodian #' + custodianId
}

/** overallCompletion sums the answered items over every candidate. */
export function overallCompletion(ws: Workspace): { answered: number; total: number; percent: number } {
  let answered = 0
  let total = 0
  for (const a of ws.assessments) {
    answered += a.completion.answered
    total += a.completion.total
  }
  return { answered, total, percent: total ? Math.round((answered * 1000) / total) / 10 : 0 }
}

/** Where the workspace sends someone to fix a blocker. */
export type Target =
  | { tab: 'checklist'; custodianId: number; itemId: number }
  | { tab: 'flags'; custodianId: number; flagId: number }
  | { tab: 'shortlist' }
  | { tab: 'scores' }

export function targetOf(b: Blocker): Target {
  if (b.flag_id !== null && b.custodian_id !== null) return { tab: 'flags', custodianId: b.custodian_id, flagId: b.flag_id }
  if (b.item_id !== null && b.custodian_id !== null) return { tab: 'checklist', custodianId: b.custodian_id, itemId: b.item_id }
  if (b.criterion !== null) return { tab: 'scores' }
  return { tab: 'shortlist' }
}

export function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`
}

/** readOnlyReason says why this user cannot change the evaluation, or null. */
export function readOnlyReason(ws: Workspace, me: Me): string | null {
  const ev = ws.evaluation
  if (ev.status === 'submitted') return 'Read only: the evaluation is submitted for approval. Nothing changes until a manager approves it or returns it.'
  if (ev.status === 'approved') return 'Read only: the evaluation is approved and locked for good.'
  if (!rolesIn(me, ev.team_id).includes('officer')) return 'Read only: only compliance officers of this team change an evaluation.'
  return null
}

