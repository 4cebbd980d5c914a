import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, render, screen, within } from '@testing-library/react'
import type { EvaluationSummary, Me, Role } from '../api.ts'
import { SessionProvider } from '../session.tsx'
import { stubFetch } from '../components/dashboard/mockFetch.ts'
import { DashboardPage, reviewsDue } from './Dashboard.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

function me(id: number, ...roles: Role[]): Me {
  return {
    user: { id, email: 'u@example.com', name: 'Pat Person', disabled: false, org_admin: false, created_at: '', updated_at: '' },
    memberships: roles.map((role) => ({ team_id: 1, team_name: 'Demo Treasury', user_id: id, user_email: 'u@example.com', user_name: 'Pat Person', role, created_at: '' })),
    csrf_token: 't',
  }
}

function evaluation(id: number, title: string, extra: Partial<EvaluationSummary> = {}): EvaluationSummary {
  return {
    id,
    team_id: 1,
    owner_name: 'Olivia Officer',
    submitted_by_name: null,
    title,
    template_id: 1,
    mandate: { regions: ['US'], qualified_custodian_required: true, assets: [], staking_required: false, expected_assets_under_custody_usd: 0 },
    owner_id: 1,
    due_date: null,
    status: 'draft',
    version: 1,
    round: 0,
    submitted_by: null,
    submitted_at: null,
    snapshot_hash: '',
    approved_at: null,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    candidates: 3,
    ...extra,
  }
}

const memo = { id: 7, evaluation_id: 1, team_id: 1, title: 'Fund III memo', sha256: 'a'.repeat(64), size: 1000, signer_fingerprint: '', snapshot_hash: '', audit_head_seq: 1, audit_head_hash: '', issued_by: 3, issued_at: '2026-11-20T10:00:00Z' }

function serve(user: Me) {
  return stubFetch({
    'GET /api/v1/me': () => user,
    'GET /api/v1/evaluations': (url) =>
      url.searchParams.get('status') === 'draft'
        ? { items: [evaluation(2, 'APAC review'), evaluation(4, 'Returned one', { round: 1 })], next_before: null }
        : { items: [evaluation(1, 'Fund III', { status: 'submitted', submitted_by: 1, round: 1 }), evaluation(3, 'My own submission', { status: 'submitted', submitted_by: 3, round: 1 })], next_before: null },
    'GET /api/v1/memos': () => ({ items: [memo], next_before: null }),
  })
}

const section = (name: string) => screen.getByRole('region', { name })

describe('dashboard', () => {
  it('shows a manager what awaits their approval, not what they submitted', async () => {
    const calls = serve(me(3, 'manager'))
    render(
      <SessionProvider>
        <DashboardPage />
      </SessionProvider>,
    )
    await screen.findByRole('link', { name: 'Fund III' }, { timeout: 10_000 })
    const awaiting = section('Awaiting my approval')
    expect(within(awaiting).getByRole('link', { name: 'Fund III' }).getAttribute('href')).toBe('/evaluations/1')
    expect(within(awaiting).queryByRole('link', { name: 'My own submission' })).toBeNull()
    expect(awaiting.textContent).toContain('another manager must approve it')
    expect(screen.queryByRole('heading', { name: 'My open evaluations' })).toBeNull()
    expect(screen.queryByRole('link', { name: 'New evaluation' })).toBeNull()
    expect(calls.some((c) => c.url.includes('status=submitted'))).toBe(true)
    expect(calls.some((c) => c.url.includes('status=draft'))).toBe(false)
  })

  it('shows an officer their open evaluations, returned ones marked, and a New evaluation button', async () => {
    serve(me(1, 'officer'))
    render(
      <SessionProvider>
        <DashboardPage />
      </SessionProvider>,
    )
    await screen.findByRole('link', { name: 'APAC review' }, { timeout: 10_000 })
    const open = section('My open evaluations')
    expect(within(open).getAllByRole('listitem')).toHaveLength(4)
    const returned = within(open).getByRole('link', { name: 'Returned one' }).closest('li')!
    expect(returned.textContent).toContain('Returned')
    expect(screen.getByRole('link', { name: 'New evaluation' }).getAttribute('href')).toBe('/evaluations/new')
    expect(screen.queryByRole('heading', { name: 'Awaiting my approval' })).toBeNull()
    expect(section('Reviews due').textContent).toContain('Nothing is due')
    expect(within(section('Recent memos')).getByRole('link', { name: 'Download memo #7' }).getAttribute('href')).toBe('/api/v1/memos/7/pdf')
  })

  it('shows an auditor recent memos and the audit trail, without evaluations', async () => {
    const calls = serve(me(5, 'auditor'))
    render(
      <SessionProvider>
        <DashboardPage />
      </SessionProvider>,
    )
    expect(await screen.findByRole('link', { name: 'Download memo #7' })).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Open the audit trail' }).getAttribute('href')).toBe('/audit')
    expect(screen.queryByRole('heading', { name: 'Reviews due' })).toBeNull()
    expect(calls.some((c) => c.url.startsWith('/api/v1/evaluations'))).toBe(false)
  })
})

describe('reviews due', () => {
  it('keeps open evaluations due within 14 days or overdue, soonest first', () => {
    const today = new Date(2027, 0, 10)
    const due = reviewsDue(
      [
        evaluation(1, 'far', { due_date: '2027-03-01' }),
        evaluation(2, 'soon', { due_date: '2027-01-20' }),
        evaluation(3, 'late', { due_date: '2027-01-02', status: 'submitted' }),
        evaluation(4, 'none'),
        evaluation(2, 'soon', { due_date: '2027-01-20' }),
      ],
      today,
    )
    expect(due.map((e) => e.title)).toEqual(['late', 'soon'])
  })
})
