// useLoad runs a request when its inputs change, cancels the one it
// replaces, and keeps the loading, data and error states together. The
// catalogue, admin and auditor screens use it as well.
import { useCallback, useEffect, useState, type DependencyList } from 'react'

export interface Loaded<T> {
  data: T | undefined
  error: unknown
  loading: boolean
  reload: () => void
  setData: (d: T) => void
}

export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setDataState] = useState<T | undefined>(undefined)
  const [error, setError] = useState<unknown>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)

  useEffect(() => {
    const ctl = new AbortController()
    setLoading(true)
    setError(null)
    load(ctl.signal).then(
      (d) => {
        if (ctl.signal.aborted) return
        setDataState(d)
        setLoading(false)
      },
      (e) => {
        if (ctl.signal.aborted) return
        setError(e)
        setLoading(false)
      },
    )
    return () => ctl.abort()
  }, [...deps, tick])

  const reload = useCallback(() => setTick((t) => t + 1), [])
  const setData = useCallback((d: T) => {
    setDataState(d)
    setError(null)
    setLoading(false)
  }, [])
  return { data, error, loading, reload, setData }
}

