// Test helper: a fetch stub that answers by method and path, and records calls.
import { vi } from 'vitest'

export interface Call {
  method: string
  /** The path and query. */
  url: string
  headers: Headers
  /** The body: parsed JSON, FormData for a form, a Blob for anything else. */
  body: unknown
}

type Handler = (url: URL, call: Call) => unknown | Response

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' } })
}

/** record reads what the app's API client sent: a Request (or a URL and init). */
export async function record(input: RequestInfo | URL, init?: RequestInit): Promise<Call> {
  const req = input instanceof Request ? input.clone() : new Request(new URL(String(input), 'http://localhost'), init)
  const url = new URL(req.url)
  const type = req.headers.get('Content-Type') ?? ''
  let body: unknown = undefined
  if (req.body !== null) {
    if (type.includes('json')) body = JSON.parse(await req.text())
    else if (type.startsWith('multipart/form-data')) body = await req.formData()
    else body = await req.blob()
  }
  return { method: req.method, url: url.pathname + url.search, headers: req.headers, body }
}

/** stubFetch installs fetch; handlers are keyed "GET /api/v1/path" (query ignored). */
export function stubFetch(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const call = await record(input, init)
      calls.push(call)
      const url = new URL(call.url, 'http://localhost')
      const h = handlers[call.method + ' ' + url.pathname]
      if (!h) return json({ type: 'about:blank', title: 'Not Found', status: 404 }, 404)
      const out = h(url, call)
      return out instanceof Response ? out : json(out)
    }),
  )
  return calls
}
