// A small client-side router: paths map to pages, links push history
// entries, and the server answers every non-API path with index.html.
import { createContext, useContext, useEffect, useState, type ReactNode, type MouseEvent } from 'react'
import { confirmLeave } from './unsaved.ts'

interface Location {
  path: string
  query: URLSearchParams
}

const RouterContext = createContext<Location>({ path: '/', query: new URLSearchParams() })

function current(): Location {
  return { path: window.location.pathname, query: new URLSearchParams(window.location.search) }
}

/**
 * navigate moves to a path inside the app. A move the user asked for (a
 * link) first checks that no typed text would be lost; the app's own
 * redirects (replace) do not ask. keepScroll is for a change within the
 * page (a filter kept in the query): the view stays where it is.
 */
export function navigate(to: string, replace = false, { keepScroll = false }: { keepScroll?: boolean } = {}) {
  if (!replace && !confirmLeave()) return
  if (replace) window.history.replaceState(null, '', to)
  else window.history.pushState(null, '', to)
  window.dispatchEvent(new PopStateEvent('popstate', { state: keepScroll ? { keepScroll } : null }))
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState(current)
  useEffect(() => {
    const update = (e: PopStateEvent) => {
      setLoc(current())
      if (!(e.state as { keepScroll?: boolean } | null)?.keepScroll) window.scrollTo?.(0, 0)
    }
    window.addEventListener('popstate', update)
    return () => window.removeEventListener('popstate', update)
  }, [])
  return <RouterContext.Provider value={loc}>{children}</RouterContext.Provider>
}

export function useLocation(): Location {
  return useContext(RouterContext)
}

/** match returns the path parameters when pattern (e.g. /evaluations/:id) matches path. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean)
  const s = path.split('/').filter(Boolean)
  if (p.length !== s.length) return null
  const params: Record<string, string> = {}
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i])
    else if (p[i] !== s[i]) return null
  }
  return params
}

export function Link({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string; title?: string; 'aria-current'?: 'page' | undefined }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
    e.preventDefault()
    navigate(to)
  }
  return (
    <a href={to} onClick={onClick} className={className} {...rest}>
      {children}
    </a>
  )
}
