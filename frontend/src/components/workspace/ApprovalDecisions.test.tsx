import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { Me } from '../../api.ts'
import { ApprovalPanel } from './Approval.tsx'
import { makeWorkspace } from './testFixtures.ts'

afterEach(cleanup)

const manager: Me = {
  user: { id: 3, email: 'm@example.com', name: 'Manager', disabled: false, org_admin: false, created_at: '', updated_at: '' },
  memberships: [{ team_id: 1, team_name: 'Demo', user_id: 3, user_email: 'm@example.com', user_name: 'Manager', role: 'manager', created_at: '' }],
}

// What approvers must see of a shortlist that departs from the ranking and of
// items left out as not applicable.
describe('ApprovalPanel and sharper decisions', () => {
  it('shows the inversion rationale and the items marked not applicable on the shortlist', () => {
    const ws = makeWorkspace()
    ws.evaluation = { ...ws.evaluation, status: 'submitted', round: 1, submitted_by: 1, submitted_at: '2026-11-03T00:00:00Z', snapshot_hash: 'ab'.repeat(32) }
    // Alpha (48) above Beta (92): an inversion, with its reason.
    ws.shortlist = [
      { custodian_id: 1, rank: 1, rationale: 'Onboarded.', inversion_rationale: 'Beta cannot start before Q3.' },
      { custodian_id: 2, rank: 2, rationale: 'Best scores.' },
    ]
    ws.assessments[0].answers[0] = { ...ws.assessments[0].answers[0], status: 'not_applicable', note: 'No charter needed for this sleeve.' }
    render(<ApprovalPanel workspace={ws} me={manager} names={null} onApplied={() => {}} />)
    expect(screen.getByText('Above a higher-ranked candidate because: Beta cannot start before Q3.')).toBeTruthy()
    const na = within(screen.getByRole('list', { name: 'Items marked not applicable' })).getAllByRole('listitem')
    expect(na.map((li) => li.textContent)).toEqual(['Alpha Custody: Does it hold a charter? — No charter needed for this sleeve.'])
  })
})
