import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { AuditEvent } from '../../api.ts'
import { RouterProvider } from '../../router.tsx'
import { stubFetch, type Call } from '../dashboard/mockFetch.ts'
import { AuditEvents, filtersFrom } from './AuditEvents.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
  window.history.replaceState(null, '', '/')
})

const TEAMS = [
  { id: 1, name: 'Demo Treasury' },
  { id: 2, name: 'Demo Fund' },
]

function event(seq: number, actorId: number, actor: string, action: string): AuditEvent {
  return {
    seq,
    occurred_at: '2026-11-20T10:00:00Z',
    actor_id: actorId,
    actor,
    team_id: 2,
    action,
    object_type: 'evaluation',
    object_id: '12',
    before: null,
    after: null,
    request_id: 'r' + seq,
    prev_hash: 'p',
    hash: 'h' + seq,
  }
}

/** show opens the events at an address, as a bookmark or a shared link would. */
function show(at: string, allowAll = false): Call[] {
  window.history.replaceState(null, '', at)
  const calls = stubFetch({
    'GET /api/v1/audit': () => ({ items: [event(40, 3, 'officer@example.com', 'red_flag.withdraw')], next_before: null }),
  })
  render(
    <RouterProvider>
      <AuditEvents teams={TEAMS} allowAll={allowAll} />
    </RouterProvider>,
  )
  return calls
}

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement | HTMLSelectElement
const audits = (calls: Call[]) => calls.filter((c) => c.url.startsWith('/api/v1/audit')).map((c) => new URL(c.url, 'http://localhost').searchParams)
const filtersOf = (q: URLSearchParams) => Object.fromEntries(['team', 'action', 'actor', 'evaluation', 'from', 'to'].map((k) => [k, q.get(k)]))

describe('the audit filters in the address', () => {
  it('applies the filters of the address and shows them in the inputs', async () => {
    const calls = show('/audit?team=2&action=red_flag.withdraw&actor=3&evaluation=12&from=2026-11-01&to=2026-11-30')
    await screen.findByRole('table', { name: 'Audit events' })
    expect(filtersOf(audits(calls)[0])).toEqual({ team: '2', action: 'red_flag.withdraw', actor: '3', evaluation: '12', from: '2026-11-01', to: '2026-11-30' })
    expect(audits(calls).length).toBe(1)
    expect(input('Team').value).toBe('2')
    expect(input('Action').value).toBe('red_flag.withdraw')
    expect(input('Who').value).toBe('3')
    expect((input('Who') as HTMLSelectElement).selectedOptions[0].text).toBe('officer@example.com')
    expect(input('Evaluation number').value).toBe('12')
    expect(input('From').value).toBe('2026-11-01')
    expect(input('To').value).toBe('2026-11-30')
    expect(screen.getByText(/Showing 1 matching events/)).toBeTruthy()
  })

  it('writes a changed filter to the address, one history entry per choice, and Back returns to the filters before', async () => {
    const calls = show('/audit?team=2&evaluation=12')
    await screen.findByRole('table', { name: 'Audit events' })
    const start = window.history.length
    fireEvent.change(input('Action'), { target: { value: 'red_flag.withdraw' } })
    expect(window.location.pathname).toBe('/audit')
    expect(window.location.search).toBe('?team=2&action=red_flag.withdraw&evaluation=12')
    await waitFor(() => expect(audits(calls).at(-1)?.get('action')).toBe('red_flag.withdraw'))
    expect(input('Action').value).toBe('red_flag.withdraw')
    expect(window.history.length).toBe(start + 1)

    // Typing a number is one entry, not one per digit.
    fireEvent.change(input('Evaluation number'), { target: { value: '4' } })
    fireEvent.change(input('Evaluation number'), { target: { value: '42' } })
    expect(window.location.search).toBe('?team=2&action=red_flag.withdraw&evaluation=42')
    expect(window.history.length).toBe(start + 2)
    expect(input('Evaluation number').value).toBe('42')
    await waitFor(() => expect(audits(calls).at(-1)?.get('evaluation')).toBe('42'))

    window.history.back()
    await waitFor(() => expect(window.location.search).toBe('?team=2&action=red_flag.withdraw&evaluation=12'))
    await waitFor(() => expect(input('Evaluation number').value).toBe('12'))
    window.history.back()
    await waitFor(() => expect(input('Action').value).toBe(''))
    expect(window.location.search).toBe('?team=2&evaluation=12')
    await waitFor(() => expect(filtersOf(audits(calls).at(-1)!)).toEqual({ team: '2', action: null, actor: null, evaluation: '12', from: null, to: null }))

    fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
    expect(window.location.search).toBe('?team=2')
    expect(input('Evaluation number').value).toBe('')
  })

  it('leaves out values that are not filters instead of failing', async () => {
    const calls = show('/audit?team=99&action=DROP%20TABLE&actor=abc&evaluation=-2&from=2026-02-31&to=tomorrow')
    await screen.findByRole('table', { name: 'Audit events' })
    // Team 99 is not one this auditor audits: the first team instead.
    expect(filtersOf(audits(calls)[0])).toEqual({ team: '1', action: null, actor: null, evaluation: null, from: null, to: null })
    expect(input('Team').value).toBe('1')
    expect(input('Action').value).toBe('')
    expect(input('Who').value).toBe('')
    expect(input('Evaluation number').value).toBe('')
    expect(input('From').value).toBe('')
    expect(input('To').value).toBe('')
    expect(screen.queryByRole('button', { name: 'Clear filters' })).toBeNull()
  })

  it('lets an admin open any team and the whole trail from the address', async () => {
    expect(filtersFrom(new URLSearchParams('team=7'), [], true).team).toBe('7')
    expect(filtersFrom(new URLSearchParams(''), TEAMS, true).team).toBe('')
    expect(filtersFrom(new URLSearchParams('team=7'), TEAMS, false).team).toBe('1')
    const calls = show('/audit?team=7&actor=5', true)
    await screen.findByRole('table', { name: 'Audit events' })
    expect(filtersOf(audits(calls)[0])).toMatchObject({ team: '7', actor: '5' })
    // Named in the lists even before any loaded event or team shows them.
    expect((input('Team') as HTMLSelectElement).selectedOptions[0].text).toBe('Team #7')
    expect((input('Who') as HTMLSelectElement).selectedOptions[0].text).toBe('User #5')
  })

  it('keeps what is typed in the evaluation field, sending only a number', async () => {
    const calls = show('/audit?team=2&evaluation=12')
    await screen.findByRole('table', { name: 'Audit events' })
    fireEvent.change(input('Evaluation number'), { target: { value: '0' } })
    expect(input('Evaluation number').value).toBe('0')
    expect(window.location.search).toBe('?team=2&evaluation=12')
    fireEvent.change(input('Evaluation number'), { target: { value: '7' } })
    await waitFor(() => expect(window.location.search).toBe('?team=2&evaluation=7'))
    await waitFor(() => expect(audits(calls).at(-1)?.get('evaluation')).toBe('7'))
    expect(audits(calls).some((q) => q.get('evaluation') === '0')).toBe(false)
  })
})
