// Administration (/admin): users, teams, approvals and memberships. The
// catalogue is edited on its own pages.
import { useState, type KeyboardEvent } from 'react'
import { api, type UserList } from '../api.ts'
import { Link } from '../router.tsx'
import { hasRole, useSession } from '../session.tsx'
import { Empty, PageTitle } from '../components/ui.tsx'
import { useLoad } from '../components/dashboard/useLoad.ts'
import { UsersPanel } from '../components/admin/Users.tsx'
import { TeamsPanel } from '../components/admin/Teams.tsx'
import '../components/admin/admin.css'

const TABS = [
  { key: 'users', label: 'Users' },
  { key: 'teams', label: 'Teams and memberships' },
] as const
type Tab = (typeof TABS)[number]['key']

export function AdminPage() {
  const { me } = useSession()
  const admin = hasRole(me, 'admin')
  const [tab, setTab] = useState<Tab>('users')
  const users = useLoad((signal) => (admin ? api.GET('/api/v1/users', { signal }) : Promise.resolve<UserList>({ items: [] })), [admin])

  if (!me) return null
  if (!admin) {
    return (
      <>
        <PageTitle>Admin</PageTitle>
        <Empty>Only administrators manage users, teams and memberships. Ask an administrator if you need a role changed.</Empty>
      </>
    )
  }
  const onKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return
    const i = TABS.findIndex((t) => t.key === tab)
    const next = TABS[(i + (e.key === 'ArrowRight' ? 1 : TABS.length - 1)) % TABS.length]
    setTab(next.key)
    document.getElementById('tab-' + next.key)?.focus()
  }
  return (
    <>
      <PageTitle actions={<Link to="/custodians">Edit the catalogue</Link>}>Admin</PageTitle>
      <div className="tabs" role="tablist" aria-label="Administration">
        {TABS.map((t) => (
          <button
            key={t.key}
            id={'tab-' + t.key}
            type="button"
            role="tab"
            aria-selected={tab === t.key}
            aria-controls={'panel-' + t.key}
            tabIndex={tab === t.key ? 0 : -1}
            onClick={() => setTab(t.key)}
            onKeyDown={onKey}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div id={'panel-' + tab} role="tabpanel" aria-labelledby={'tab-' + tab}>
        {tab === 'users' ? <UsersPanel users={users} meId={me.user.id} /> : <TeamsPanel users={users} />}
      </div>
    </>
  )
}
