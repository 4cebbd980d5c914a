// The one way the app talks to Custos: the public /api/v1 JSON API through
// openapi-fetch, typed by src/api/schema.ts, which `npm run gen:api`
// generates from internal/httpapi/openapi.yaml (make test fails when it is
// stale). Paths, parameters, bodies and answers are all checked by tsc.
//
// What a generated client cannot know is added here by hand, as one
// middleware: the CSRF header on writes, renewing a stale CSRF token once,
// problem documents (RFC 9457) thrown as ApiError, and telling the session
// when the server says it has ended. The answers' ETags are read with
// withETag; the If-Match header is an ordinary typed header parameter.
import createClient, { defaultPathSerializer, type ClientPathsWithMethod, type FetchResponse, type MaybeOptionalInit, type Middleware } from 'openapi-fetch'
import type { paths, Problem } from './api/schema.ts'

export type * from './api/schema.ts'
export { regionValues as REGIONS } from './api/schema.ts'

/** ApiError carries the server's problem document. */
export class ApiError extends Error {
  problem: Problem
  constructor(problem: Problem) {
    super(problem.detail || problem.title)
    this.problem = problem
  }
  get status(): number {
    return this.problem.status
  }
  /** The reason the server gave for one field, if any. */
  field(name: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === name)?.reason
  }
}

let csrfToken = ''
let onUnauthenticated: () => void = () => {}

export function setCSRFToken(token: string) {
  csrfToken = token
}

/** Called when the session has ended (401 on a signed-in request). */
export function onSessionEnded(fn: () => void) {
  onUnauthenticated = fn
}

async function problemOf(res: Response): Promise<Problem> {
  if ((res.headers.get('Content-Type') || '').includes('json')) return (await res.json()) as Problem
  return { type: 'about:blank', title: res.statusText, status: res.status }
}

// A copy of each write as sent, kept until its answer, to repeat it once
// after renewing a stale CSRF token.
const sent = new Map<string, Request>()

const additions: Middleware = {
  onRequest({ request, id }) {
    request.headers.set('Accept', 'application/json')
    if (request.method !== 'GET') {
      if (csrfToken) request.headers.set('X-CSRF-Token', csrfToken)
      sent.set(id, request.clone())
    }
    return request
  },
  async onResponse({ response, schemaPath, id }) {
    const copy = sent.get(id)
    sent.delete(id)
    // 304 answers a conditional GET (If-None-Match): not a failure.
    if (response.ok || response.status === 304) return response
    let res = response
    let problem = await problemOf(res)
    // Signing in again in another tab gives the session a new CSRF token:
    // fetch it once and repeat the request.
    if (res.status === 403 && copy && problem.detail?.includes('X-CSRF-Token')) {
      const me = await api.GET('/api/v1/me').catch(() => null)
      if (me) {
        csrfToken = me.csrf_token ?? ''
        copy.headers.set('X-CSRF-Token', csrfToken)
        res = await fetch(copy)
        if (res.ok) return res
        problem = await problemOf(res)
      }
    }
    if (res.status === 401 && schemaPath !== '/api/v1/session') onUnauthenticated()
    throw new ApiError(problem)
  },
  onError({ id }) {
    sent.delete(id)
  },
}

/**
 * client is the generated client with the additions: it throws ApiError for
 * every answer that is not a success, so a call's data is always the
 * success body. Use it where the answer's headers matter (withETag).
 */
export const client = createClient<paths>({
  // Absolute, so that a Request can be built outside a browser too (tests).
  baseUrl: globalThis.location?.origin ?? '',
  credentials: 'same-origin',
  // Looked up at each call, not once, so that tests can stand in for it.
  fetch: (request) => globalThis.fetch(request),
})
client.use(additions)

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'
type Media = `${string}/${string}`
type PathsWith<M extends Method> = ClientPathsWithMethod<typeof client, M>
type Args<I> = undefined extends I ? [init?: I & { [key: string]: unknown }] : [init: I & { [key: string]: unknown }]
/** What a successful call answers; void for 204. */
type Data<R> = R extends { data: infer D } ? ([Exclude<D, undefined>] extends [never] ? void : Exclude<D, undefined>) : never
type Call<M extends Method> = <P extends PathsWith<M>, I extends MaybeOptionalInit<paths[P], M>>(
  url: P,
  ...init: Args<I>
) => Promise<Data<FetchResponse<paths[P][M] & Record<string | number, unknown>, I, Media>>>

type Answered = { data?: unknown; response: Response }
const dataOf = <R extends Answered>(r: R) => r.data as Data<R>

/** api calls the API and answers the success body; failures throw ApiError. */
export const api = {
  GET: ((url: never, init?: never) => client.GET(url, init).then(dataOf)) as Call<'get'>,
  POST: ((url: never, init?: never) => client.POST(url, init).then(dataOf)) as Call<'post'>,
  PUT: ((url: never, init?: never) => client.PUT(url, init).then(dataOf)) as Call<'put'>,
  PATCH: ((url: never, init?: never) => client.PATCH(url, init).then(dataOf)) as Call<'patch'>,
  DELETE: ((url: never, init?: never) => client.DELETE(url, init).then(dataOf)) as Call<'delete'>,
}

/** withETag takes a call on client and answers its body with its ETag. */
export async function withETag<R extends Answered>(call: Promise<R>): Promise<{ data: Data<R>; etag: string | null }> {
  const r = await call
  return { data: dataOf(r), etag: r.response.headers.get('ETag') }
}

/** asForm is a bodySerializer that sends the body as multipart/form-data. */
export function asForm(body: Record<string, Blob | string>): FormData {
  const form = new FormData()
  for (const [k, v] of Object.entries(body)) form.append(k, v)
  return form
}

/** A URL the browser downloads directly (the cookie goes along). */
export function downloadURL<P extends PathsWith<'get'>>(path: P, params: NonNullable<paths[P]['get']>['parameters']['path']): string {
  return defaultPathSerializer(path, params as Record<string, unknown>)
}
