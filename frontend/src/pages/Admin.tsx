// Administration (/admin). The organisation admin manages users, teams,
// approvals and memberships (the catalogue is edited on its own pages). A
// team admin runs only their own teams' settings and members: the server
// refuses them the user list, other teams and the catalogue, so none of
// that is offered.
import { useState, type KeyboardEvent } from 'react'
import { api } from '../api.ts'
import { Link } from '../router.tsx'
import { isOrgAdmin, teamsWith, useSession } from '../session.tsx'
import { Empty, ErrorBox, Loading, PageTitle } from '../components/ui.tsx'
import { useLoad } from '../components/dashboard/useLoad.ts'
import { UsersPanel } from '../components/admin/Users.tsx'
import { Approvals, TeamsPanel } from '../components/admin/Teams.tsx'
import { MembersPanel } from '../components/admin/Members.tsx'
import '../components/admin/admin.css'

const TABS = [
  { key: 'users', label: 'Users' },
  { key: 'teams', label: 'Teams and memberships' },
] as const
type Tab = (typeof TABS)[number]['key']

export function AdminPage() {
  const { me } = useSession()
  const orgAdmin = isOrgAdmin(me)
  const adminOf = teamsWith(me, 'admin')
  if (!me) return null
  if (orgAdmin) return <OrgAdmin meId={me.user.id} />
  if (adminOf.length > 0) return <TeamAdmin teams={adminOf} />
  return (
    <>
      <PageTitle>Admin</PageTitle>
      <Empty>Only administrators manage users, teams and memberships. Ask an administrator if you need a role changed.</Empty>
    </>
  )
}

function OrgAdmin({ meId }: { meId: number }) {
  const [tab, setTab] = useState<Tab>('users')
  const users = useLoad((signal) => api.GET('/api/v1/users', { signal }), [])
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
        {tab === 'users' ? <UsersPanel users={users} meId={meId} /> : <TeamsPanel users={users} />}
      </div>
    </>
  )
}

/** TeamAdmin: the settings and members of each team the user is admin of. */
function TeamAdmin({ teams }: { teams: { id: number; name: string }[] }) {
  return (
    <>
      <PageTitle>Team administration</PageTitle>
      <p className="muted">
        As team admin you run the settings and memberships of {teams.map((t) => t.name).join(', ')}. Users, other teams, the catalogue and the audit trail are
        managed by the organisation's administrators.
      </p>
      {teams.map((t) => (
        <TeamSettings key={t.id} teamId={t.id} />
      ))}
    </>
  )
}

function TeamSettings({ teamId }: { teamId: number }) {
  const team = useLoad((signal) => api.GET('/api/v1/teams/{teamID}', { params: { path: { teamID: teamId } }, signal }), [teamId])
  if (team.error) return <ErrorBox error={team.error} />
  if (!team.data) return <Loading what="Loading the team" />
  const t = team.data
  return (
    <>
      <section className="card" aria-labelledby={`settings-h-${t.id}`}>
        <h2 id={`settings-h-${t.id}`}>Settings of {t.name}</h2>
        <p className="muted small">Approvals a shortlist needs before its memo can be issued (1–10), each from a different manager.</p>
        <Approvals team={t} onSaved={(n) => team.setData(n)} />
      </section>
      <MembersPanel team={t} users={null} />
    </>
  )
}
