// The workspace of one evaluation, loaded with the one call
// GET /api/v1/evaluations/{id}, with its ETag for guarded writes.
import { useCallback, useEffect, useRef, useState } from 'react'
import { client, withETag, type Workspace } from '../../api.ts'
import type { Run } from './guardedWrite.ts'

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

  const apply = useCallback((next: Workspace, tag: string | null) => {
    seq.current++
    etagRef.current = tag
    setWs(next)
    setError(null)
  }, [])

  const reload = useCallback(async () => {
    const n = ++seq.current
    try {
      const a = await withETag(client.GET('/api/v1/evaluations/{id}', { params: { path: { id } } }))
      if (n !== seq.current) return
      etagRef.current = a.etag
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
        await reload()
        return result
      })
      queue.current = next.catch(() => {})
      return next
    },
    [reload],
  ) as Run

  useEffect(() => {
    setWs(null)
    setError(null)
    reload()
  }, [reload])

  return { ws, etag: etagRef.current, error, reload, apply, write, run }
}
