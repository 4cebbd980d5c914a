// The dashboard: what needs me now, across my teams and by my roles there.
import type { ReactNode } from 'react'
import type { EvaluationSummary } from '../api.ts'
import { formatDateTime } from '../format.ts'
import { Link } from '../router.tsx'
import { isOrgAdmin, useSession } from '../session.tsx'
import { Empty, ErrorBox, Loading, PageTitle } from '../components/ui.tsx'
import { useLoad } from '../components/dashboard/useLoad.ts'
import { loadDashboard, myTeams, type TeamRoles } from '../components/dashboard/loadDashboard.ts'
import { EvaluationList } from '../components/dashboard/EvaluationList.tsx'
import { RecentMemoList } from '../components/dashboard/MemoList.tsx'
import { daysUntil } from '../components/dashboard/dates.ts'
import '../components/dashboard/dashboard.css'

function Section({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  const id = 'dash-' + title.toLowerCase().replace(/[^a-z]+/g, '-')
  return (
    <section className="card dash-section" aria-labelledby={id}>
      <div className="dash-section-head">
        <h2 id={id}>{title}</h2>
        {action}
      </div>
      {children}
    </section>
  )
}

/** The evaluations that are due within two weeks or overdue, soonest first. */
export function reviewsDue(items: EvaluationSummary[], today = new Date()): EvaluationSummary[] {
  const seen = new Set<number>()
  return items
    .filter((e) => {
      if (seen.has(e.id) || !e.due_date || e.status === 'approved') return false
      seen.add(e.id)
      const d = daysUntil(e.due_date, today)
      return d !== null && d <= 14
    })
    .sort((a, b) => (a.due_date ?? '').localeCompare(b.due_date ?? ''))
}

export function DashboardPage() {
  const { me } = useSession()
  const teams: TeamRoles[] = me ? myTeams(me) : []
  const key = teams.map((t) => t.id + ':' + t.roles.join(',')).join(';')
  const loaded = useLoad((signal) => loadDashboard(teams, signal), [key])
  if (!me) return null

  const any = (...roles: string[]) => teams.some((t) => t.roles.some((r) => roles.includes(r)))
  const isOfficer = any('officer')
  const isManager = any('manager')
  const readsMemos = any('officer', 'manager', 'auditor')
  const isAuditor = any('auditor')
  const orgAdmin = isOrgAdmin(me)
  const teamAdminOf = teams.filter((t) => t.roles.includes('admin'))
  const showTeam = teams.length > 1
  const teamName = (id: number) => teams.find((t) => t.id === id)?.name ?? `Team ${id}`
  const rolesOf = (id: number) => teams.find((t) => t.id === id)?.roles ?? []
  const firstName = me.user.name.split(' ')[0]

  const title = (
    <PageTitle
      actions={
        isOfficer && (
          <Link to="/evaluations/new" className="button primary">
            New evaluation
          </Link>
        )
      }
    >
      Welcome, {firstName}
    </PageTitle>
  )

  if (teams.length === 0) {
    return (
      <>
        {title}
        <Empty>
          You are not a member of any team yet. Ask an administrator to give you a role (officer, manager or auditor) in your team; until then you can browse the{' '}
          <Link to="/custodians">custodian catalogue</Link>.
          {orgAdmin && (
            <>
              {' '}
              As the organisation's administrator you manage <Link to="/admin">users, teams and memberships</Link> and the <Link to="/audit">audit trail</Link>.
            </>
          )}
        </Empty>
      </>
    )
  }

  const roleLine = teams.map((t) => `${t.roles.join(' and ')} in ${t.name}`).join('; ')
  const d = loaded.data
  const body = (node: (data: NonNullable<typeof d>) => ReactNode) => {
    if (loaded.error) return <ErrorBox error={loaded.error} />
    if (!d) return <Loading />
    return node(d)
  }

  const awaiting = (data: NonNullable<typeof d>) => data.submitted.filter((e) => rolesOf(e.team_id).includes('manager') && e.submitted_by !== me.user.id)
  const mineSubmitted = (data: NonNullable<typeof d>) => data.submitted.filter((e) => rolesOf(e.team_id).includes('manager') && e.submitted_by === me.user.id)
  const open = (data: NonNullable<typeof d>) => [...data.drafts, ...data.submitted.filter((e) => rolesOf(e.team_id).includes('officer'))]

  return (
    <>
      {title}
      <p className="muted dash-roles">Your roles: {roleLine}.</p>
      <div className="dash-grid">
        {isManager && (
          <Section title="Awaiting my approval">
            {body((data) => {
              const items = awaiting(data)
              const own = mineSubmitted(data)
              return (
                <>
                  {items.length > 0 ? (
                    <EvaluationList items={items} showTeam={showTeam} teamName={teamName} meId={me.user.id} note={(e) => (e.submitted_at ? 'Submitted ' + formatDateTime(e.submitted_at) : null)} />
                  ) : (
                    <Empty>No shortlist is waiting for your approval. When an officer submits one, it appears here.</Empty>
                  )}
                  {own.length > 0 && (
                    <p className="muted small">
                      You submitted {own.length === 1 ? 'one shortlist' : own.length + ' shortlists'} yourself ({own.map((e) => e.title).join(', ')}): another manager must approve {own.length === 1 ? 'it' : 'them'}.
                    </p>
                  )}
                </>
              )
            })}
          </Section>
        )}
        {isOfficer && (
          <Section title="My open evaluations">
            {body((data) => {
              const items = open(data)
              return items.length > 0 ? (
                <EvaluationList items={items} showTeam={showTeam} teamName={teamName} meId={me.user.id} />
              ) : (
                <Empty>
                  No open evaluations. Start one with <Link to="/evaluations/new">New evaluation</Link>: pick the mandate and the candidate custodians.
                </Empty>
              )
            })}
          </Section>
        )}
        {(isOfficer || isManager) && (
          <Section title="Reviews due">
            {body((data) => {
              const items = reviewsDue([...data.drafts, ...data.submitted])
              return items.length > 0 ? (
                <EvaluationList items={items} showTeam={showTeam} teamName={teamName} meId={me.user.id} />
              ) : (
                <Empty>Nothing is due in the next 14 days. Evaluations with a due date in the next two weeks, or past it, appear here.</Empty>
              )
            })}
          </Section>
        )}
        {readsMemos && (
          <Section title="Recent memos" action={<Link to="/memos">All memos</Link>}>
            {body((data) =>
              data.memos.length > 0 ? (
                <RecentMemoList memos={data.memos} showTeam={showTeam} teamName={teamName} />
              ) : (
                <Empty>No memo has been issued yet. A memo is issued from an evaluation once its shortlist is approved.</Empty>
              ),
            )}
          </Section>
        )}
        {isAuditor && (
          <Section title="Audit">
            <p>Check that nothing was altered: the audit trail lists every change and download, chained by hash.</p>
            <ul className="dash-links">
              <li>
                <Link to="/audit">Open the audit trail</Link>
              </li>
              <li>
                <Link to="/memos">Verify a memo file</Link>
              </li>
            </ul>
          </Section>
        )}
        {orgAdmin ? (
          <Section title="Administration">
            <ul className="dash-links">
              <li>
                <Link to="/admin">Users, teams and memberships</Link>
              </li>
              <li>
                <Link to="/custodians">Edit the custodian catalogue</Link>
              </li>
              <li>
                <Link to="/audit">Audit trail</Link>
              </li>
            </ul>
          </Section>
        ) : (
          teamAdminOf.length > 0 && (
            <Section title="Team administration">
              <p>You run the settings and memberships of {teamAdminOf.map((t) => t.name).join(', ')}.</p>
              <ul className="dash-links">
                <li>
                  <Link to="/admin">Team settings and members</Link>
                </li>
              </ul>
            </Section>
          )
        )}
      </div>
    </>
  )
}
