// The workspace of one evaluation, loaded with the one call
// GET /api/v1/evaluations/{id}, with its ETag for guarded writes.
import { useCallback, useEffect, useRef, useState } from 'react'
import { client, withETag, type Answer, type Workspace } from '../../api.ts'
import type { Run } from './guardedWrite.ts'
import { withAnswer } from './localWrite.ts'

export interface WorkspaceState {
  ws: Workspace | null
  etag: string | null
  /** The error of the last load, if it failed. */
  error: unknown
  reload(): Promise<void>
  /** apply takes a workspace a write answered with (and its ETag). */
  apply(ws: Workspace, etag: string | null): void
  /**
   * write sends a change guarded by the workspace's ETag: send gets the
   * evaluation's path parameter and the If-Match header to pass on, and
   * write takes the workspace the server answers with; errors are thrown.
   */
  write(send: (params: WriteParams) => Promise<{ data?: Workspace; response: Response }>): Promise<Workspace>
  /** run sends one guarded write at a time with the current ETag, then reloads. */
  run: Run
  /**
   * answered applies an answer the server has just stored to the workspace
   * here, then asks the server, with If-None-Match, whether anything else
   * changed: only then does the whole workspace come again.
   */
  answered(custodianId: number, answer: Answer): void
  /**
   * changed is what a part calls after its write: it reloads only when no
   * load has followed the last write (run has already reloaded after its own).
   */
  changed(): void
  /** Workspace answers (200) and unchanged answers (304) since the page opened. */
  loads: { full: number; notModified: number }
}

export interface WriteParams {
  path: { id: number }
  header: { 'If-Match'?: string }
}

export function useWorkspace(id: number): WorkspaceState {
  const [ws, setWs] = useState<Workspace | null>(null)
  const [error, setError] = useState<unknown>(null)
  // Only the newest answer counts when loads and writes overlap.
  const seq = useRef(0)
  const etagRef = useRef<string | null>(null)
  const wsRef = useRef<Workspace | null>(null)
  const loads = useRef({ full: 0, notModified: 0 })
  // A write went through with no load after it yet.
  const dirty = useRef(false)

  const apply = useCallback((next: Workspace, tag: string | null) => {
    seq.current++
    etagRef.current = tag
    wsRef.current = next
    setWs(next)
    setError(null)
  }, [])

  const reload = useCallback(async () => {
    const n = ++seq.current
    try {
      const a = await withETag(client.GET('/api/v1/evaluations/{id}', { params: { path: { id } } }))
      loads.current.full++
      if (n !== seq.current) return
      dirty.current = false
      etagRef.current = a.etag
      wsRef.current = a.data
      setWs(a.data)
      setError(null)
    } catch (e) {
      if (n === seq.current) setError(e)
    }
  }, [id])

  const write = useCallback(
    async (send: (params: WriteParams) => Promise<{ data?: Workspace; response: Response }>) => {
      const a = await withETag(send({ path: { id }, header: { 'If-Match': etagRef.current ?? undefined } }))
      apply(a.data as Workspace, a.etag)
      return a.data
    },
    [id, apply],
  )

  const queue = useRef<Promise<unknown>>(Promise.resolve())
  const run = useCallback(
    <T,>(task: (ifMatch: string | undefined) => Promise<T>): Promise<T> => {
      const next = queue.current.then(async () => {
        const result = await task(etagRef.current ?? undefined)
        dirty.current = true
        await reload()
        return result
      })
      queue.current = next.catch(() => {})
      return next
    },
    [reload],
  ) as Run

  const answered = useCallback(
    (custodianId: number, answer: Answer) => {
      const cur = wsRef.current
      if (!cur) return
      // The answer's write moved the workspace on by one version: with no
      // other change, the server's workspace is now this one.
      const next = withAnswer(cur, custodianId, answer)
      const n = ++seq.current
      const tag = `"${next.evaluation.version}"`
      etagRef.current = tag
      wsRef.current = next
      setWs(next)
      client
        .GET('/api/v1/evaluations/{id}', { params: { path: { id }, header: { 'If-None-Match': tag } } })
        .then((r) => {
          if (r.response.status === 304) {
            loads.current.notModified++
            return
          }
          loads.current.full++
          // Someone else changed the evaluation too: take the server's.
          if (n === seq.current && r.data) apply(r.data, r.response.headers.get('ETag'))
        })
        .catch((e) => {
          if (n === seq.current) setError(e)
        })
    },
    [id, apply],
  )

  const changed = useCallback(() => {
    if (dirty.current) reload()
  }, [reload])

  useEffect(() => {
    setWs(null)
    setError(null)
    reload()
  }, [reload])

  return { ws, etag: etagRef.current, error, reload, apply, write, run, answered, changed, loads: loads.current }
}
