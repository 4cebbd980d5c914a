// The names of a team's members, read only when needed and allowed (the
// workspace renders without them).
import { useEffect, useState } from 'react'
import { api, type List, type Membership } from '../../api.ts'

export function useMemberNames(teamId: number | null, enabled: boolean): Map<number, string> | null {
  const [names, setNames] = useState<Map<number, string> | null>(null)
  useEffect(() => {
    if (!enabled || teamId === null) return
    const ctl = new AbortController()
    api
      .get<List<Membership>>(`/teams/${teamId}/members`, { signal: ctl.signal })
      .then((l) => setNames(new Map(l.items.map((m) => [m.user_id, m.user_name]))))
      .catch(() => {
        // Without the names the workspace shows "user #id".
      })
    return () => ctl.abort()
  }, [teamId, enabled])
  return names
}
