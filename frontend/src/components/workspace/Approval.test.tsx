import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Me, Role, Workspace } from '../../api.ts'
import { ApprovalPanel } from './Approval.tsx'
import { callOf, makeWorkspace, mockFetch } from './testFixtures.ts'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

function me(id: number, ...roles: Role[]): Me {
  const user = { id, email: `u${id}@example.com`, name: `User ${id}`, disabled: false, org_admin: false, created_at: '', updated_at: '' }
  return {
    user,
    memberships: roles.map((role) => ({ team_id: 1, team_name: 'Demo', user_id: id, user_email: user.email, user_name: user.name, role, created_at: '' })),
  }
}

function submitted(): Workspace {
  const ws = makeWorkspace()
  ws.evaluation = { ...ws.evaluation, status: 'submitted', round: 1, submitted_by: 1, submitted_at: '2026-11-03T00:00:00Z', snapshot_hash: 'ab'.repeat(32) }
  ws.shortlist = [{ custodian_id: 2, rank: 1, rationale: 'Best fit' }]
  return ws
}

describe('ApprovalPanel', () => {
  it('shows what was submitted and lets another manager approve', async () => {
    const fetch = mockFetch(200, submitted(), { ETag: '"9"' })
    const onApplied = vi.fn()
    const user = userEvent.setup()
    render(<ApprovalPanel workspace={submitted()} me={me(3, 'manager')} names={new Map([[1, 'Olivia Officer']])} onApplied={onApplied} />)
    expect(screen.getByText('Olivia Officer')).toBeTruthy()
    expect(screen.getByText('ab'.repeat(32))).toBeTruthy()
    expect(screen.getByText('Best fit')).toBeTruthy()
    await user.type(screen.getByLabelText('Comment'), 'Fine')
    await user.click(screen.getByRole('button', { name: 'Approve' }))
    // Approving locks the evaluation: nothing is sent before the user confirms.
    expect(fetch).toHaveLength(0)
    const dialog = screen.getByRole('dialog', { name: 'Approve this shortlist?' })
    expect(dialog.textContent).toContain('locked for good')
    await user.click(within(dialog).getByRole('button', { name: 'Approve' }))
    const call = callOf(fetch)
    expect(call.url).toBe('/api/v1/evaluations/7/approve')
    expect(call.body).toEqual({ comment: 'Fine' })
    expect(onApplied).toHaveBeenCalledWith(expect.anything(), '"9"')
  })

  it('shows the submitter who can decide instead of a form, and lets them withdraw before any decision', async () => {
    const member = (user_id: number, role: Role) => ({ team_id: 1, team_name: 'Demo', user_id, user_email: `u${user_id}@example.com`, user_name: `User ${user_id}`, role, created_at: '' })
    const fetch = mockFetch(200, { items: [member(1, 'manager'), member(3, 'manager'), member(4, 'officer')] })
    const user = userEvent.setup()
    render(<ApprovalPanel workspace={submitted()} me={me(1, 'officer', 'manager')} names={null} onApplied={() => {}} />)
    expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull()
    expect(screen.queryByLabelText('Comment')).toBeNull()
    expect(screen.getByText(/You submitted this/)).toBeTruthy()
    const list = await screen.findByRole('list', { name: 'Managers who can decide' })
    expect(within(list).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['User 3 manager · u3@example.com'])

    await user.click(screen.getByRole('button', { name: 'Withdraw submission' }))
    const dialog = screen.getByRole('dialog', { name: 'Withdraw this submission?' })
    expect(fetch.filter((c) => c.url.endsWith('/withdraw'))).toHaveLength(0)
    await user.click(within(dialog).getByRole('button', { name: 'Withdraw' }))
    expect(fetch.filter((c) => c.url === '/api/v1/evaluations/7/withdraw')).toHaveLength(1)
  })

  it('offers no withdrawal once a manager has decided on the round', () => {
    mockFetch(200, { items: [] })
    const ws = submitted()
    ws.approvals = [{ id: 1, round: 1, manager_id: 3, manager_name: 'User 3', decision: 'approve', comment: '', snapshot_hash: '', created_at: '2026-11-03T01:00:00Z' }]
    render(<ApprovalPanel workspace={ws} me={me(1, 'officer')} names={null} onApplied={() => {}} />)
    expect(screen.queryByRole('button', { name: 'Withdraw submission' })).toBeNull()
  })

  it('shows no decision form to officers or auditors, and "user #id" without names', () => {
    mockFetch(200, { items: [] })
    for (const role of ['officer', 'auditor'] as Role[]) {
      render(<ApprovalPanel workspace={submitted()} me={me(4, role)} names={null} onApplied={() => {}} />)
      expect(screen.queryByRole('heading', { name: 'Decision' })).toBeNull()
      expect(screen.getByRole('heading', { name: 'Who decides' })).toBeTruthy()
      expect(screen.queryByRole('button', { name: 'Approve' })).toBeNull()
      expect(screen.queryByRole('button', { name: 'Withdraw submission' })).toBeNull()
      expect(screen.queryByLabelText('Comment')).toBeNull()
      expect(screen.getByText('user #1')).toBeTruthy()
      cleanup()
    }
  })

  it('shows the comment reason when a return has none', async () => {
    mockFetch(400, { type: 'about:blank', title: 'Bad Request', status: 400, errors: [{ field: 'comment', reason: 'say what must change before the shortlist comes back' }] })
    const user = userEvent.setup()
    render(<ApprovalPanel workspace={submitted()} me={me(3, 'manager')} names={null} onApplied={() => {}} />)
    await user.click(screen.getByRole('button', { name: 'Return to officer' }))
    expect((await screen.findByRole('alert')).textContent).toBe('say what must change before the shortlist comes back')
  })

  it('says when this manager already approved the round', () => {
    mockFetch(200, { items: [] })
    const ws = submitted()
    ws.approvals = [{ id: 1, round: 1, manager_id: 3, manager_name: 'User 3', decision: 'approve', comment: '', snapshot_hash: '', created_at: '2026-11-03T01:00:00Z' }]
    render(<ApprovalPanel workspace={ws} me={me(3, 'manager')} names={null} onApplied={() => {}} />)
    expect(screen.getByText(/You have already approved this round/)).toBeTruthy()
  })
})
