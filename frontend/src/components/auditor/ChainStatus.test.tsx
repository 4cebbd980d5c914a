import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { stubFetch } from '../dashboard/mockFetch.ts'
import { ChainStatus } from './ChainStatus.tsx'
import { auditCSV, cell } from './csv.ts'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('chain status banner', () => {
  it('says the chain verified, with the count and head', async () => {
    stubFetch({ 'GET /api/v1/audit/verify': () => ({ valid: true, checked: 166, head_seq: 166, head_hash: '3c599eb25de6dfe8339c', first_broken: null, verified_from: 0 }) })
    render(<ChainStatus />)
    const banner = await screen.findByRole('status', { name: 'Audit chain status' })
    expect(banner.textContent).toContain('Chain verified: 166 events, head #166')
    expect(banner.className).toContain('alert-ok')
  })

  it('says what a check since the last verification covered, and walks the whole chain on request', async () => {
    const calls = stubFetch({
      'GET /api/v1/audit/verify': (url) =>
        url.searchParams.get('full') === 'true'
          ? { valid: true, checked: 170, head_seq: 170, head_hash: '3c599eb25de6dfe8339c', first_broken: null, verified_from: 0 }
          : { valid: true, checked: 170, head_seq: 170, head_hash: '3c599eb25de6dfe8339c', first_broken: null, verified_from: 166 },
    })
    render(<ChainStatus />)
    const banner = await screen.findByRole('status', { name: 'Audit chain status' })
    expect(banner.textContent).toContain('Chain verified: 170 events, head #170')
    expect(banner.textContent).toContain('The 4 events since event #166, verified earlier and unchanged since')
    fireEvent.click(screen.getByRole('button', { name: 'Verify the whole chain' }))
    await screen.findByText(/Every event's hash was recomputed/)
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/audit/verify', '/api/v1/audit/verify?full=true'])
  })

  it('names the first broken event in an alert', async () => {
    stubFetch({ 'GET /api/v1/audit/verify': () => ({ valid: false, checked: 41, head_seq: 166, head_hash: 'ff', first_broken: { seq: 42, reason: 'the hash does not match the event' }, verified_from: 0 }) })
    render(<ChainStatus />)
    const banner = await screen.findByRole('alert', { name: 'Audit chain status' })
    expect(banner.textContent).toContain('Broken at event 42: the hash does not match the event')
    expect(banner.className).toContain('alert-error')
    expect(screen.queryByText(/Chain verified/)).toBeNull()
  })
})

describe('audit CSV', () => {
  it('quotes, escapes and neutralises formulas', () => {
    expect(cell('a,b')).toBe('"a,b"')
    expect(cell('say "hi"')).toBe('"say ""hi"""')
    expect(cell('=cmd()')).toBe("'=cmd()")
    expect(cell(null)).toBe('')
    expect(cell({ a: 1 })).toBe('"{""a"":1}"')
    const csv = auditCSV([
      { seq: 2, occurred_at: '2026-01-01T00:00:00Z', actor_id: 1, actor: 'a@example.com', team_id: 1, action: 'memo.download', object_type: 'memo', object_id: '3', before: null, after: { ok: true }, request_id: 'r', prev_hash: 'p', hash: 'h' },
    ])
    const lines = csv.trim().split('\r\n')
    expect(lines[0]).toBe('seq,occurred_at,actor,actor_id,team_id,action,object_type,object_id,request_id,before,after,prev_hash,hash')
    expect(lines[1]).toBe('2,2026-01-01T00:00:00Z,a@example.com,1,1,memo.download,memo,3,r,,"{""ok"":true}",p,h')
  })
})
