// The bell in the top bar: a link to the notifications with the unread
// count. It asks again when the page changes, every minute, and when the
// notifications page marks something read.
import { useEffect, useState } from 'react'
import { api } from '../../api.ts'
import { Link, useLocation } from '../../router.tsx'
import './notifications.css'

/** UNREAD_CHANGED is dispatched on window when the user marks notifications read. */
export const UNREAD_CHANGED = 'custos:notifications-read'

export function NotificationBell() {
  const { path } = useLocation()
  const [unread, setUnread] = useState<number | null>(null)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    const again = () => setTick((t) => t + 1)
    const timer = window.setInterval(again, 60_000)
    window.addEventListener(UNREAD_CHANGED, again)
    return () => {
      window.clearInterval(timer)
      window.removeEventListener(UNREAD_CHANGED, again)
    }
  }, [])
  useEffect(() => {
    const ctl = new AbortController()
    api.GET('/api/v1/notifications', { params: { query: { unread: true, limit: 1 } }, signal: ctl.signal }).then(
      (p) => setUnread(p.unread_count),
      () => {}, // the count is a hint; the page itself shows errors
    )
    return () => ctl.abort()
  }, [path, tick])
  const label = unread ? `Notifications, ${unread} unread` : 'Notifications'
  return (
    <Link to="/notifications" className="bell" aria-current={path === '/notifications' ? 'page' : undefined} title={label}>
      <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
        <path d="M13.73 21a2 2 0 0 1-3.46 0" />
      </svg>
      <span className="sr-only">{label}</span>
      {!!unread && (
        <span className="bell-count" aria-hidden="true">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  )
}
