// Notifications (/notifications): what the user has been told, newest
// first: shortlists to approve, returns, approvals, memos, reviews falling
// due. Opening one or marking it read clears it from the bell's count.
import { useState } from 'react'
import { api, type Notification, type NotificationPage } from '../api.ts'
import { formatDateTime } from '../format.ts'
import { Link, navigate } from '../router.tsx'
import { Empty, ErrorBox, LoadMore, Loading, PageTitle } from '../components/ui.tsx'
import { useLoad } from '../components/dashboard/useLoad.ts'
import { UNREAD_CHANGED } from '../components/notifications/Bell.tsx'
import '../components/notifications/notifications.css'

const PAGE = 25

export function NotificationsPage() {
  const [unreadOnly, setUnreadOnly] = useState(false)
  const first = useLoad(
    (signal) => api.GET('/api/v1/notifications', { params: { query: { unread: unreadOnly || undefined, limit: PAGE } }, signal }),
    [unreadOnly],
  )
  const [extra, setExtra] = useState<{ base?: NotificationPage; items: Notification[]; before: number | null }>({ items: [], before: null })
  const [readNow, setReadNow] = useState<Record<number, string>>({})
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const fresh = !!first.data && extra.base === first.data
  const more = fresh ? extra.items : []
  const before = fresh ? extra.before : (first.data?.next_before ?? null)

  const loadMore = async () => {
    setBusy(true)
    setError(null)
    try {
      const p = await api.GET('/api/v1/notifications', { params: { query: { unread: unreadOnly || undefined, limit: PAGE, before: before ?? undefined } } })
      setExtra({ base: first.data, items: [...more, ...p.items], before: p.next_before })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const markRead = async (n: Notification) => {
    setError(null)
    try {
      await api.POST('/api/v1/notifications/{id}/read', { params: { path: { id: n.id } } })
      setReadNow((r) => ({ ...r, [n.id]: new Date().toISOString() }))
      window.dispatchEvent(new Event(UNREAD_CHANGED))
      return true
    } catch (e) {
      setError(e)
      return false
    }
  }
  const markAll = async () => {
    setError(null)
    try {
      await api.POST('/api/v1/notifications/read')
      setExtra({ items: [], before: null })
      setReadNow({})
      first.reload()
      window.dispatchEvent(new Event(UNREAD_CHANGED))
    } catch (e) {
      setError(e)
    }
  }
  const open = async (n: Notification) => {
    if (!n.read_at && !readNow[n.id]) await markRead(n)
    navigate(n.link)
  }

  const items = first.data ? [...first.data.items, ...more] : []
  const unread = first.data ? Math.max(0, first.data.unread_count - Object.keys(readNow).length) : 0
  return (
    <>
      <PageTitle
        actions={
          unread > 0 && (
            <button type="button" onClick={markAll}>
              Mark all as read
            </button>
          )
        }
      >
        Notifications
      </PageTitle>
      <p className="muted">
        {first.data ? (unread === 0 ? 'Nothing unread.' : `${unread} unread.`) : ''} Reviews falling due, shortlists to approve, returns, approvals and memos of your teams.
      </p>
      <div className="field">
        <label>
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => {
              // The list is read again, with the server's read_at and count.
              setReadNow({})
              setUnreadOnly(e.target.checked)
            }}
          /> Unread only
        </label>
      </div>
      <ErrorBox error={first.error ?? error} />
      {!first.data && !first.error && <Loading what="Loading notifications" />}
      {first.data && items.length === 0 && <Empty>{unreadOnly ? 'No unread notifications.' : 'No notifications yet.'}</Empty>}
      {items.length > 0 && (
        <ul className="notice-list" aria-label="Notifications">
          {items.map((n) => {
            const readAt = n.read_at ?? readNow[n.id]
            return (
              <li key={n.id} className={readAt ? 'read' : 'unread'}>
                <div>
                  <div className="notice-subject">
                    <a
                      id={'notice-' + n.id}
                      href={n.link}
                      onClick={(e) => {
                        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
                        e.preventDefault()
                        void open(n)
                      }}
                    >
                      {n.subject}
                    </a>
                    {!readAt && <span className="sr-only"> (unread)</span>}
                  </div>
                  <p className="notice-body">{n.body}</p>
                  <div className="muted small">{formatDateTime(n.created_at)}</div>
                </div>
                {readAt ? (
                  <span className="muted small nowrap">Read</span>
                ) : (
                  <button
                    type="button"
                    onClick={() =>
                      // The button goes once it is read: the focus stays on this notification.
                      void markRead(n).then((ok) => ok && document.getElementById('notice-' + n.id)?.focus())
                    }
                    aria-label={`Mark as read: ${n.subject}`}
                  >
                    Mark as read
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
      {before !== null && <LoadMore onClick={loadMore} busy={busy} />}
      <p className="muted small">
        <Link to="/relationships">Relationships</Link> shows every review date.
      </p>
    </>
  )
}
