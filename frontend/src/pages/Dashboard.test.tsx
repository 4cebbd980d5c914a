import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, render, screen, within } from '@testing-library/react'
import type { EvaluationSummary, Me, Role, Severity } from '../api.ts'
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

// The team's evaluations, as the server holds them; the stub filters them
// by status and preparer as the server does.
const evaluations = [
  evaluation(1, 'Fund III', { status: 'submitted', submitted_by: 1, round: 1 }),
  evaluation(2, 'APAC review', { due_date: '2027-01-15' }),
  evaluation(3, 'My own submission', { status: 'submitted', submitted_by: 3, owner_id: 3, round: 1 }),
  evaluation(4, 'Returned one', { round: 1 }),
  evaluation(5, 'Someone else’s draft', { owner_id: 9, owner_name: 'Other Officer' }),
]

function workspace(answered: number, flags: Severity[]) {
  return {
    assessments: [
      { completion: { answered, to_confirm: 0, total: 29, percent: Math.round((answered * 1000) / 29) / 10 }, red_flags: flags.map((severity, i) => ({ id: i + 1, severity, status: 'open' })) },
      { completion: { answered: 0, to_confirm: 0, total: 29, percent: 0 }, red_flags: [{ id: 9, severity: 'high', status: 'closed' }] },
    ],
  }
}

function relationship(id: number, name: string, due: string) {
  return { id, team_id: 1, custodian_id: id, custodian_name: name, evaluation_id: 1, owner_id: 1, owner_name: 'Olivia Officer', appointed_on: '2026-01-01', last_reviewed_on: '2026-01-01', review_months: 12, next_review_due: due, status: 'active', ended_on: null, end_reason: '', version: 1, created_at: '', updated_at: '' }
}

// The dashboard's clock: 10 January 2027.
const today = new Date(2027, 0, 10)

function serve(user: Me) {
  return stubFetch({
    'GET /api/v1/me': () => user,
    'GET /api/v1/evaluations': (url) => {
      const preparer = Number(url.searchParams.get('preparer') ?? 0)
      const items = evaluations.filter((e) => e.status === url.searchParams.get('status') && (!preparer || e.owner_id === preparer))
      return { items, next_before: null }
    },
    'GET /api/v1/evaluations/2': () => workspace(12, ['critical', 'high']),
    'GET /api/v1/evaluations/4': () => workspace(29, ['high', 'low']),
    // Evaluation 1's workspace cannot be read (404): its line stays, without progress.
    'GET /api/v1/teams/1/relationships': () => ({
      items: [
        relationship(11, 'Far Custody', '2027-06-01'),
        relationship(12, 'Late Custody', '2027-01-02'),
        relationship(13, 'Soon Custody', '2027-01-25'),
        relationship(14, 'Spring Custody', '2027-03-01'),
      ],
      next_before: null,
    }),
    'GET /api/v1/memos': () => ({ items: [memo], next_before: null }),
  })
}

const section = (name: string) => screen.getByRole('region', { name })

describe('dashboard', () => {
  it('shows a manager what awaits their decision, not what they submitted', async () => {
    const calls = serve(me(3, 'manager'))
    render(
      <SessionProvider>
        <DashboardPage today={today} />
      </SessionProvider>,
    )
    await screen.findByRole('link', { name: 'Fund III' }, { timeout: 10_000 })
    const awaiting = section('Awaiting my decision')
    expect(within(awaiting).getByRole('link', { name: 'Fund III' }).getAttribute('href')).toBe('/evaluations/1')
    expect(within(awaiting).queryByRole('link', { name: 'My own submission' })).toBeNull()
    expect(awaiting.textContent).toContain('another manager must approve it')
    expect(screen.getByRole('link', { name: '1 awaiting my decision' }).getAttribute('href')).toBe('/evaluations?status=submitted')
    expect(screen.queryByRole('heading', { name: 'My open evaluations' })).toBeNull()
    expect(screen.queryByRole('link', { name: 'New evaluation' })).toBeNull()
    expect(calls.some((c) => c.url.includes('status=submitted'))).toBe(true)
    expect(calls.some((c) => c.url.includes('status=draft'))).toBe(false)
  })

  it('shows an officer only their own open evaluations, with counts, completion, flags by severity and what is due', async () => {
    const calls = serve(me(1, 'officer'))
    render(
      <SessionProvider>
        <DashboardPage today={today} />
      </SessionProvider>,
    )
    await screen.findAllByRole('link', { name: 'APAC review' }, { timeout: 10_000 })
    const open = section('My open evaluations')
    // Drafts and submissions the officer prepared; never another officer's draft.
    expect(within(open).getAllByRole('link').map((a) => a.textContent)).toEqual(['Returned one', 'APAC review', 'Fund III'])
    expect(screen.queryByText('Someone else’s draft')).toBeNull()
    expect(calls.filter((c) => c.url.startsWith('/api/v1/evaluations?')).every((c) => c.url.includes('preparer=1'))).toBe(true)
    const returned = within(open).getByRole('link', { name: 'Returned one' }).closest('li')!
    expect(returned.textContent).toContain('Back to draft after round')
    // Completion per evaluation, over every candidate: 12 of 58.
    const apac = within(open).getByRole('link', { name: 'APAC review' }).closest('li')!
    expect(apac.textContent).toContain('12 of 58 answered (20%)')
    expect(apac.textContent).toContain('2 open red flags')
    expect(within(apac).getByRole('progressbar', { name: 'Completion of APAC review' }).getAttribute('aria-valuenow')).toBe('20.7')
    expect(within(within(open).getByRole('link', { name: 'Fund III' }).closest('li')!).queryByRole('progressbar')).toBeNull()

    // The counts, each a link.
    expect(screen.getByRole('link', { name: '3 my open evaluations' }).getAttribute('href')).toBe('/evaluations?preparer=1')
    expect(screen.getByRole('link', { name: '1 evaluations due in 14 days or overdue' }).getAttribute('href')).toBe('/evaluations?due_by=2027-01-24')
    expect(screen.getByRole('link', { name: '4 relationships' }).getAttribute('href')).toBe('/relationships')
    expect(screen.getByRole('link', { name: '1 reviews due in 30 days' })).toBeTruthy()
    expect(screen.getByRole('link', { name: '1 reviews overdue' })).toBeTruthy()

    // Red flags by severity: a chart with its numbers in words.
    expect(within(section('Open red flags by severity')).getByRole('img').getAttribute('aria-label')).toBe('Open red flags in my open evaluations: 1 critical, 2 high, 0 medium, 1 low.')

    // Reviews due in the next 90 days, soonest first, overdue included.
    const reviews = section('Reviews due')
    expect(within(reviews).getByRole('img').getAttribute('aria-label')).toBe('Relationship reviews in the next 90 days: 1 overdue, 1 in 0–30 days, 1 in 31–60 days, 0 in 61–90 days.')
    expect(within(reviews).getAllByRole('link').map((a) => a.textContent)).toEqual(['All relationships', 'Late Custody', 'Soon Custody', 'Spring Custody'])
    expect(within(reviews).getByRole('link', { name: 'Late Custody' }).closest('li')!.textContent).toContain('8 days overdue')
    expect(section('Evaluations due').textContent).toContain('APAC review')

    expect(screen.getByRole('link', { name: 'New evaluation' }).getAttribute('href')).toBe('/evaluations/new')
    expect(screen.queryByRole('heading', { name: 'Awaiting my decision' })).toBeNull()
    expect(within(section('Recent memos')).getByRole('link', { name: 'Download memo #7' }).getAttribute('href')).toBe('/api/v1/memos/7/pdf')
  })

  it('shows an auditor recent memos, relationships and the audit trail, without evaluations', async () => {
    const calls = serve(me(5, 'auditor'))
    render(
      <SessionProvider>
        <DashboardPage today={today} />
      </SessionProvider>,
    )
    expect(await screen.findByRole('link', { name: 'Download memo #7' })).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Open the audit trail' }).getAttribute('href')).toBe('/audit')
    expect(screen.queryByRole('heading', { name: 'Evaluations due' })).toBeNull()
    expect(screen.getByRole('link', { name: '4 relationships' })).toBeTruthy()
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
