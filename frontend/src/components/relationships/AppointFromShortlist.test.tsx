import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import type { Me, Relationship, Role, Workspace } from '../../api.ts'
import { json, stubFetch } from '../dashboard/mockFetch.ts'
import { makeWorkspace } from '../workspace/testFixtures.ts'
import { AppointFromShortlist } from './AppointFromShortlist.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

function me(id: number, ...roles: Role[]): Me {
  const user = { id, email: `u${id}@example.com`, name: `User ${id}`, disabled: false, org_admin: false, created_at: '', updated_at: '' }
  return { user, memberships: roles.map((role) => ({ team_id: 1, team_name: 'Demo', user_id: id, user_email: user.email, user_name: user.name, role, created_at: '' })) }
}

function approved(): Workspace {
  const ws = makeWorkspace()
  ws.evaluation.status = 'approved'
  ws.shortlist = [
    { custodian_id: 2, rank: 1, rationale: 'Best fit.' },
    { custodian_id: 1, rank: 2, rationale: 'Backup.' },
  ]
  return ws
}

const rel: Relationship = {
  id: 5, team_id: 1, custodian_id: 2, custodian_name: 'Beta Trust', evaluation_id: 7, owner_id: 3, owner_name: 'Maya Manager',
  appointed_on: '2026-11-26', last_reviewed_on: '2026-11-26', review_months: 12, next_review_due: '2027-11-26', status: 'active',
  ended_on: null, end_reason: '', version: 1, created_at: '', updated_at: '', diligence_status: 'current', diligence_reasons: [],
}

describe('appointing from an approved shortlist', () => {
  it('links an appointed custodian and records the appointment of another with its cadence', async () => {
    let active = [rel]
    const calls = stubFetch({
      'GET /api/v1/teams/1/relationships': () => ({ items: active, next_before: null }),
      'POST /api/v1/teams/1/relationships': () => {
        active = [rel, { ...rel, id: 6, custodian_id: 1, custodian_name: 'Alpha Custody', review_months: 6, next_review_due: '2027-05-26' }]
        return json(active[1], 201)
      },
    })
    render(<AppointFromShortlist workspace={approved()} me={me(1, 'officer')} />)
    expect((await screen.findByRole('link', { name: /Appointed 26 Nov 2026; next review due 26 Nov 2027/ })).getAttribute('href')).toBe('/teams/1/relationships/5')
    fireEvent.click(screen.getByRole('button', { name: 'Record appointment of Alpha Custody' }))
    fireEvent.change(screen.getByLabelText('Review every (months)'), { target: { value: '6' } })
    fireEvent.click(screen.getByRole('button', { name: 'Record appointment' }))
    expect(await screen.findByRole('link', { name: /next review due 26 May 2027/ })).toBeTruthy()
    const post = calls.find((c) => c.method === 'POST')
    expect(post?.body).toEqual({ evaluation_id: 7, custodian_id: 1, review_months: 6 })
  })

  it('offers auditors no form', async () => {
    stubFetch({ 'GET /api/v1/teams/1/relationships': () => ({ items: [], next_before: null }) })
    render(<AppointFromShortlist workspace={approved()} me={me(4, 'auditor')} />)
    expect((await screen.findAllByText('Not appointed')).length).toBe(2)
    expect(screen.queryByRole('button')).toBeNull()
  })
})
