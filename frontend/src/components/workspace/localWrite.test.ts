import { describe, expect, it } from 'vitest'
import type { Blocker } from '../../api.ts'
import { makeWorkspace } from './testFixtures.ts'
import { withAnswer } from './localWrite.ts'

const unanswered = (cid: number, name: string): Blocker => ({
  code: 'unanswered',
  custodian_id: cid,
  item_id: 11,
  flag_id: null,
  criterion: null,
  message: `${name}: "Does it hold a charter?" is not answered.`,
})

describe('an answer applied in the browser', () => {
  it('moves the version on, counts the completion again and derives the item blockers as the server does', () => {
    const ws = makeWorkspace()
    ws.shortlist = [
      { custodian_id: 1, rank: 1, rationale: 'a', inversion_rationale: '' },
      { custodian_id: 2, rank: 2, rationale: 'b', inversion_rationale: '' },
    ]
    ws.submit_blockers = [unanswered(1, 'Alpha Custody'), unanswered(2, 'Beta Trust')]
    const answer = { item_id: 11, status: 'met' as const, note: '', version: 1, updated_by: 1, updated_at: '2026-11-02T10:00:00Z' }
    const next = withAnswer(ws, 1, answer)
    expect(next.evaluation.version).toBe(5)
    expect(next.assessments[0].answers[0]).toEqual(answer)
    expect(next.assessments[0].completion).toEqual({ answered: 2, to_confirm: 0, total: 2, percent: 100 })
    expect(next.assessments[1]).toBe(ws.assessments[1])
    // Met without the required evidence: the blocker changes, in Alpha's place.
    expect(next.submit_blockers).toEqual([
      { code: 'evidence_missing', custodian_id: 1, item_id: 11, flag_id: null, criterion: null, message: 'Alpha Custody: "Does it hold a charter?" needs evidence attached.' },
      unanswered(2, 'Beta Trust'),
    ])
    // The workspace it came from is untouched.
    expect(ws.evaluation.version).toBe(4)
    expect(ws.assessments[0].completion.answered).toBe(1)

    const na = withAnswer(next, 1, { ...answer, status: 'not_applicable', version: 2 })
    expect(na.submit_blockers).toEqual([unanswered(2, 'Beta Trust')])
  })

  it('counts a carried-forward answer as to confirm until an answer replaces it', () => {
    const ws = makeWorkspace()
    ws.assessments[0].answers[1] = { ...ws.assessments[0].answers[1], carried_forward: true }
    const carried = withAnswer(ws, 1, { item_id: 11, status: 'met', note: '', version: 1, updated_by: 1, updated_at: '2026-11-02T10:00:00Z' })
    expect(carried.assessments[0].completion).toEqual({ answered: 1, to_confirm: 1, total: 2, percent: 50 })
    const confirmed = withAnswer(carried, 1, { item_id: 12, status: 'met', note: 'Seen the report.', version: 4, updated_by: 1, updated_at: '2026-11-02T10:05:00Z' })
    expect(confirmed.assessments[0].completion).toEqual({ answered: 2, to_confirm: 0, total: 2, percent: 100 })
  })
})
