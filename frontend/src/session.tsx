// The signed-in user, their memberships and what the session can do.
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react'
import { api, ApiError, onSessionEnded, setCSRFToken, type Me, type Role } from './api.ts'
import { navigate } from './router.tsx'

interface Session {
  me: Me | null
  loading: boolean
  /** Set when the server ended the session (idle timeout, logout elsewhere). */
  expired: boolean
  /** Why the session could not be read, when the server did not answer 401. */
  failure: unknown
  login(email: string, password: string): Promise<void>
  logout(): Promise<void>
  refresh(): Promise<void>
}

const SessionContext = createContext<Session | null>(null)

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null)
  const [loading, setLoading] = useState(true)
  const [expired, setExpired] = useState(false)
  const [failure, setFailure] = useState<unknown>(null)

  const refresh = useCallback(async () => {
    try {
      const m = await api.GET('/api/v1/me')
      setCSRFToken(m.csrf_token ?? '')
      setMe(m)
      setFailure(null)
    } catch (e) {
      // Only a 401 means signed out; anything else is a problem to show.
      setMe(null)
      setFailure(e instanceof ApiError && e.status === 401 ? null : e)
    } finally {
      setLoading(false)
    }
  }, [])

  useEffect(() => {
    onSessionEnded(() => {
      setMe((was) => {
        if (was) setExpired(true)
        return null
      })
      const here = window.location.pathname + window.location.search
      if (!here.startsWith('/login')) navigate('/login?next=' + encodeURIComponent(here), true)
    })
    // The sign-in page needs no session: asking for one there only earns a
    // 401 in the browser's console.
    if (window.location.pathname === '/login') setLoading(false)
    else refresh()
  }, [refresh])

  const login = useCallback(async (email: string, password: string) => {
    const m = await api.POST('/api/v1/session', { body: { email, password } })
    setCSRFToken(m.csrf_token ?? '')
    setExpired(false)
    setMe(m)
  }, [])

  const logout = useCallback(async () => {
    try {
      await api.DELETE('/api/v1/session')
    } finally {
      setCSRFToken('')
      setMe(null)
      navigate('/login', true)
    }
  }, [])

  return <SessionContext.Provider value={{ me, loading, expired, failure, login, logout, refresh }}>{children}</SessionContext.Provider>
}

export function useSession(): Session {
  const s = useContext(SessionContext)
  if (!s) throw new Error('useSession outside SessionProvider')
  return s
}

/** rolesIn lists the user's roles in a team. */
export function rolesIn(me: Me | null, teamId: number): Role[] {
  return me?.memberships.filter((m) => m.team_id === teamId).map((m) => m.role) ?? []
}

/** hasRole says whether the user holds a role in any team. */
export function hasRole(me: Me | null, role: Role): boolean {
  return !!me?.memberships.some((m) => m.role === role)
}

/**
 * isOrgAdmin says whether the user administers the organisation: users,
 * teams, the catalogue, templates and the whole audit trail. A team's admin
 * membership is not this: it covers only that team's settings and members.
 */
export function isOrgAdmin(me: Me | null): boolean {
  return !!me?.user.org_admin
}

/** teamsWith lists the teams in which the user holds one of the roles. */
export function teamsWith(me: Me | null, ...roles: Role[]): { id: number; name: string }[] {
  const seen = new Map<number, string>()
  for (const m of me?.memberships ?? []) if (roles.includes(m.role)) seen.set(m.team_id, m.team_name)
  return [...seen].map(([id, name]) => ({ id, name }))
}
