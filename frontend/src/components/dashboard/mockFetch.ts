// Test helper: a fetch stub that answers by method and path, and records calls.
import { vi } from 'vitest'

export interface Call {
  method: string
  url: string
  init: RequestInit
}

type Handler = (url: URL, init: RequestInit) => unknown | Response

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } })
}

/** stubFetch installs fetch; handlers are keyed "GET /api/v1/path" (query ignored). */
export function stubFetch(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init: RequestInit = {}) => {
      const url = new URL(input, 'http://localhost')
      const method = (init.method ?? 'GET').toUpperCase()
      calls.push({ method, url: url.pathname + url.search, init })
      const h = handlers[method + ' ' + url.pathname]
      if (!h) return json({ type: 'about:blank', title: 'Not Found', status: 404 }, 404)
      const out = h(url, init)
      return out instanceof Response ? out : json(out)
    }),
  )
  return calls
}
