import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, setCSRFToken } from './api.ts'

afterEach(() => vi.unstubAllGlobals())

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json' } })
}

describe('api', () => {
  it('renews a stale CSRF token once and repeats the write', async () => {
    setCSRFToken('old-token')
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(403, { type: 'x', title: 'Forbidden', status: 403, detail: 'missing or wrong X-CSRF-Token header; read csrf_token from GET /api/v1/me' }))
      .mockResolvedValueOnce(json(200, { user: {}, memberships: [], csrf_token: 'new-token' }))
      .mockResolvedValueOnce(json(201, { id: 9 }))
    vi.stubGlobal('fetch', fetch)
    const created = await api.post<{ id: number }>('/teams', { name: 'Fund III' })
    expect(created.id).toBe(9)
    expect(fetch).toHaveBeenCalledTimes(3)
    expect(fetch.mock.calls[0][1].headers['X-CSRF-Token']).toBe('old-token')
    expect(fetch.mock.calls[1][0]).toBe('/api/v1/me')
    expect(fetch.mock.calls[2][1].headers['X-CSRF-Token']).toBe('new-token')
  })

  it('does not repeat a write refused for another reason', async () => {
    setCSRFToken('t')
    const fetch = vi.fn().mockResolvedValueOnce(json(403, { type: 'x', title: 'Forbidden', status: 403, detail: 'your roles do not allow this' }))
    vi.stubGlobal('fetch', fetch)
    await expect(api.post('/teams', { name: 'x' })).rejects.toMatchObject({ status: 403 })
    expect(fetch).toHaveBeenCalledTimes(1)
  })
})
