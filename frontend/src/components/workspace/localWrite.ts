// A write's own answer applied to the workspace held in the browser, so a
// checklist answer does not cost a reload of the whole workspace. What the
// server derives from an answer (the candidate's completion and the item's
// submit blockers) is derived here the same way (internal/custos/workspace.go,
// Assemble and SubmitBlockers); the conditional GET that follows each write
// takes the server's workspace whenever anything else changed.
import type { Answer, Blocker, Workspace } from '../../api.ts'
import { answerTally } from './util.ts'

const ITEM_CODES = new Set<Blocker['code']>(['unanswered', 'unconfirmed', 'evidence_missing'])

/** withAnswer is the workspace after the server stored answer, one version on. */
export function withAnswer(ws: Workspace, custodianId: number, answer: Answer): Workspace {
  const assessments = ws.assessments.map((a) => {
    if (a.custodian.id !== custodianId) return a
    const answers = a.answers.map((x) => (x.item_id === answer.item_id ? answer : x))
    const { answered, toConfirm } = answerTally(answers)
    const total = answers.length
    const percent = total ? Math.round((answered * 1000) / total) / 10 : 0
    return { ...a, answers, completion: { answered, to_confirm: toConfirm, total, percent } }
  })
  const next: Workspace = {
    ...ws,
    evaluation: { ...ws.evaluation, version: ws.evaluation.version + 1, updated_at: answer.updated_at ?? ws.evaluation.updated_at },
    assessments,
  }
  next.submit_blockers = itemBlockersAgain(next, custodianId)
  return next
}

function itemBlockers(ws: Workspace, custodianId: number): Blocker[] {
  const a = ws.assessments.find((x) => x.custodian.id === custodianId)
  if (!a || !ws.shortlist.some((e) => e.custodian_id === custodianId)) return []
  const items = ws.template.sections.flatMap((s) => s.items)
  const withEvidence = new Set(a.evidence.map((e) => e.item_id))
  const out: Blocker[] = []
  const name = a.custodian.name
  a.answers.forEach((ans, i) => {
    const it = items[i]
    if (!it) return
    const b = (code: Blocker['code'], message: string): Blocker => ({ code, custodian_id: custodianId, item_id: it.id, flag_id: null, criterion: null, message })
    const q = JSON.stringify(it.prompt)
    if (ans.status === 'pending') out.push(b('unanswered', `${name}: ${q} is not answered.`))
    else if (ans.carried_forward) out.push(b('unconfirmed', `${name}: ${q} was carried forward from the last approved evaluation; confirm it.`))
    else if (it.evidence_required && (ans.status === 'met' || ans.status === 'partly_met') && !withEvidence.has(it.id))
      out.push(b('evidence_missing', `${name}: ${q} needs evidence attached.`))
  })
  return out
}

/** The submit blockers with one candidate's item blockers derived again, in the server's order. */
function itemBlockersAgain(ws: Workspace, custodianId: number): Blocker[] {
  const mine = (b: Blocker) => b.custodian_id === custodianId && ITEM_CODES.has(b.code)
  const kept = ws.submit_blockers.filter((b) => !mine(b))
  const fresh = itemBlockers(ws, custodianId)
  // Item blockers come first in a candidate's block; candidates in the
  // workspace's order; shortlist inversions last.
  const order = new Map(ws.assessments.map((a, i) => [a.custodian.id, i]))
  const own = order.get(custodianId) ?? 0
  let at = kept.findIndex((b) => b.code === 'shortlist_inversion' || (b.custodian_id !== null && (order.get(b.custodian_id) ?? 0) >= own))
  if (at < 0) at = kept.length
  return [...kept.slice(0, at), ...fresh, ...kept.slice(at)]
}
