import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Me, Membership, Role, Team } from '../../api.ts'
import { SessionProvider } from '../../session.tsx'
import { json, stubFetch } from '../dashboard/mockFetch.ts'
import { MembersPanel } from './Members.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const team = { id: 1, name: 'Demo Treasury', approvals_required: 1, created_at: '', updated_at: '' } as Team

function membership(userId: number, name: string, role: Role): Membership {
  return { team_id: 1, team_name: team.name, user_id: userId, user_email: `${name.toLowerCase()}@example.com`, user_name: name, role, created_at: '2026-11-01T00:00:00Z' }
}

const rows = [membership(5, 'Tess', 'admin'), membership(5, 'Tess', 'officer'), membership(6, 'Otto', 'officer'), membership(7, 'Ada', 'admin')]

function me(id: number, orgAdmin: boolean): Me {
  return {
    user: { id, email: 'x@example.com', name: 'X', disabled: false, org_admin: orgAdmin, created_at: '', updated_at: '' },
    memberships: orgAdmin ? [] : [membership(id, 'Tess', 'admin')],
    csrf_token: 't',
  }
}

function removeButtons(): string[] {
  const table = screen.getByRole('table', { name: 'Members of Demo Treasury' })
  return within(table)
    .queryAllByRole('button', { name: /^Remove/ })
    .map((b) => b.getAttribute('aria-label') ?? '')
}

describe('MembersPanel', () => {
  it('offers a team admin only what the server lets them change', async () => {
    stubFetch({ 'GET /api/v1/me': () => me(5, false), 'GET /api/v1/teams/1/members': () => ({ items: rows }) })
    render(
      <SessionProvider>
        <MembersPanel team={team} users={null} />
      </SessionProvider>,
    )
    await screen.findAllByText('(you)', undefined, { timeout: 10_000 })
    // Not their own rows, not another admin's: only Otto the officer.
    expect(removeButtons()).toEqual(['Remove Otto as officer'])
    const roles = within(screen.getByLabelText('Role')).getAllByRole('option').map((o) => o.textContent)
    expect(roles).toEqual(['Officer', 'Manager', 'Auditor'])
  })

  it('offers the organisation admin every row and role', async () => {
    stubFetch({ 'GET /api/v1/me': () => me(1, true), 'GET /api/v1/teams/1/members': () => ({ items: rows }) })
    render(
      <SessionProvider>
        <MembersPanel team={team} users={null} />
      </SessionProvider>,
    )
    await screen.findByRole('button', { name: 'Remove Ada as admin' }, { timeout: 10_000 })
    expect(removeButtons()).toHaveLength(4)
    expect(screen.queryByText('(you)')).toBeNull()
    expect(within(screen.getByLabelText('Role')).getAllByRole('option').map((o) => o.textContent)).toContain('Team admin')
  })

  it('adds by e-mail address and shows the refusal under that field', async () => {
    const calls = stubFetch({
      'GET /api/v1/me': () => me(5, false),
      'GET /api/v1/teams/1/members': () => ({ items: rows }),
      'POST /api/v1/teams/1/members': () =>
        json({ type: 'about:blank', title: 'Bad Request', status: 400, errors: [{ field: 'email', reason: 'no account with this address can be added' }] }, 400),
    })
    const user = userEvent.setup()
    render(
      <SessionProvider>
        <MembersPanel team={team} users={null} />
      </SessionProvider>,
    )
    await screen.findAllByText('(you)', undefined, { timeout: 10_000 })
    await user.type(screen.getByLabelText('E-mail address'), 'who@example.com')
    await user.selectOptions(screen.getByLabelText('Role'), 'auditor')
    await user.click(screen.getByRole('button', { name: 'Add member' }))
    const input = screen.getByLabelText('E-mail address')
    const reason = await screen.findByText('no account with this address can be added')
    expect(input.getAttribute('aria-describedby')).toBe(reason.id)
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ email: 'who@example.com', role: 'auditor' })
  })
})
