import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, onSessionEnded, setCSRFToken } from './api.ts'

afterEach(() => vi.unstubAllGlobals())

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status < 400 ? 'application/json' : 'application/problem+json' } })
}

const sent = (fetch: ReturnType<typeof vi.fn>, i: number) => fetch.mock.calls[i][0] as Request

describe('api', () => {
  it('sends the CSRF token on writes, not on reads', async () => {
    setCSRFToken('t1')
    const fetch = vi.fn().mockResolvedValueOnce(json(200, { items: [] })).mockResolvedValueOnce(json(201, { id: 9 }))
    vi.stubGlobal('fetch', fetch)
    await api.GET('/api/v1/teams')
    await api.POST('/api/v1/teams', { body: { name: 'Fund III' } })
    expect(sent(fetch, 0).headers.get('X-CSRF-Token')).toBeNull()
    expect(sent(fetch, 1).headers.get('X-CSRF-Token')).toBe('t1')
    expect(new URL(sent(fetch, 1).url).pathname).toBe('/api/v1/teams')
  })

  it('renews a stale CSRF token once and repeats the write', async () => {
    setCSRFToken('old-token')
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(403, { type: 'x', title: 'Forbidden', status: 403, detail: 'missing or wrong X-CSRF-Token header; read csrf_token from GET /api/v1/me' }))
      .mockResolvedValueOnce(json(200, { user: {}, memberships: [], csrf_token: 'new-token' }))
      .mockResolvedValueOnce(json(201, { id: 9 }))
    vi.stubGlobal('fetch', fetch)
    const created = await api.POST('/api/v1/teams', { body: { name: 'Fund III' } })
    expect(created.id).toBe(9)
    expect(fetch).toHaveBeenCalledTimes(3)
    expect(sent(fetch, 0).headers.get('X-CSRF-Token')).toBe('old-token')
    expect(new URL(sent(fetch, 1).url).pathname).toBe('/api/v1/me')
    expect(sent(fetch, 2).headers.get('X-CSRF-Token')).toBe('new-token')
    expect(await sent(fetch, 2).json()).toEqual({ name: 'Fund III' })
  })

  it('does not repeat a write refused for another reason', async () => {
    setCSRFToken('t')
    const fetch = vi.fn().mockResolvedValueOnce(json(403, { type: 'x', title: 'Forbidden', status: 403, detail: 'your roles do not allow this' }))
    vi.stubGlobal('fetch', fetch)
    await expect(api.POST('/api/v1/teams', { body: { name: 'x' } })).rejects.toMatchObject({ status: 403 })
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('throws the problem document and says when the session has ended', async () => {
    const ended = vi.fn()
    onSessionEnded(ended)
    const problem = { type: 'about:blank', title: 'Bad Request', status: 400, errors: [{ field: 'name', reason: 'is required' }] }
    vi.stubGlobal('fetch', vi.fn().mockResolvedValueOnce(json(400, problem)).mockResolvedValueOnce(json(401, { type: 'x', title: 'Unauthorized', status: 401 })))
    const err = await api.POST('/api/v1/teams', { body: { name: '' } }).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).field('name')).toBe('is required')
    expect(ended).not.toHaveBeenCalled()
    await expect(api.GET('/api/v1/me')).rejects.toMatchObject({ status: 401 })
    expect(ended).toHaveBeenCalledTimes(1)
  })
})
