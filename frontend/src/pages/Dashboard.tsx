// The dashboard: what needs me now, across my teams and by my roles there.
import { DocumentsDueTile } from '../components/assurance/DocumentsDueTile.tsx'
import type { ReactNode } from 'react'
import type { EvaluationSummary, Relationship } from '../api.ts'
import { formatDateTime } from '../format.ts'
import { Link } from '../router.tsx'
import { isOrgAdmin, useSession } from '../session.tsx'
import { Empty, ErrorBox, Loading, PageTitle } from '../components/ui.tsx'
import { useLoad } from '../components/dashboard/useLoad.ts'
import { loadDashboard, myTeams, type TeamRoles } from '../components/dashboard/loadDashboard.ts'
import { EvaluationList } from '../components/dashboard/EvaluationList.tsx'
import { RecentMemoList } from '../components/dashboard/MemoList.tsx'
import { daysUntil, formatDay, relativeDays } from '../components/dashboard/dates.ts'
import { BarChart, summaryOf, type Bar } from '../components/dashboard/BarChart.tsx'
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

/** Active relationships by when their review falls due. */
export interface RelationshipDue {
  /** Review date passed. */
  overdue: Relationship[]
  /** Due within 30 days (not overdue). */
  soon: Relationship[]
  /** Overdue or due within 90 days, soonest first. */
  next90: Relationship[]
  /** Counts for the chart: overdue, 0–30, 31–60, 61–90 days. */
  buckets: [number, number, number, number]
}

export function relationshipsDue(rels: Relationship[], today = new Date()): RelationshipDue {
  const out: RelationshipDue = { overdue: [], soon: [], next90: [], buckets: [0, 0, 0, 0] }
  for (const r of rels) {
    if (r.status !== 'active') continue
    const d = daysUntil(r.next_review_due, today)
    if (d === null || d > 90) continue
    out.next90.push(r)
    if (d < 0) {
      out.overdue.push(r)
      out.buckets[0]++
    } else {
      if (d <= 30) out.soon.push(r)
      out.buckets[d <= 30 ? 1 : d <= 60 ? 2 : 3]++
    }
  }
  out.next90.sort((a, b) => a.next_review_due.localeCompare(b.next_review_due))
  return out
}

/** isoDay is a local calendar date as YYYY-MM-DD. */
function isoDay(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`
}

function Count({ n, label, to }: { n: number | null; label: string; to: string }) {
  return (
    <li>
      <Link to={to} className="dash-count">
        <span className="dash-count-n">{n ?? '…'}</span> <span className="dash-count-label">{label}</span>
      </Link>
    </li>
  )
}

/** The dashboard; today is the clock's date (tests pass one). */
export function DashboardPage({ today = new Date() }: { today?: Date } = {}) {
  const { me } = useSession()
  const teams: TeamRoles[] = me ? myTeams(me) : []
  const key = teams.map((t) => t.id + ':' + t.roles.join(',')).join(';')
  const meId = me?.user.id ?? 0
  const loaded = useLoad((signal) => loadDashboard(teams, meId, signal), [key, meId])
  if (!me) return null

  const any = (...roles: string[]) => teams.some((t) => t.roles.some((r) => roles.includes(r)))
  const isOfficer = any('officer')
  const isManager = any('manager')
  const readsMemos = any('officer', 'manager', 'auditor')
  const readsRelationships = readsMemos
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
  const due = d ? reviewsDue([...d.mine, ...awaiting(d)], today) : []
  const rel = d ? relationshipsDue(d.relationships, today) : null
  const flags = d ? [...d.progress.values()].reduce((acc, p) => ({ critical: acc.critical + p.flags.critical, high: acc.high + p.flags.high, medium: acc.medium + p.flags.medium, low: acc.low + p.flags.low }), { critical: 0, high: 0, medium: 0, low: 0 }) : null
  const in14 = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 14)
  const count = <T,>(xs: T[] | undefined) => (xs ? xs.length : null)

  return (
    <>
      {title}
      <p className="muted dash-roles">Your roles: {roleLine}.</p>
      {loaded.error === null && (
        <section aria-labelledby="dash-at-a-glance" className="dash-glance">
          <h2 id="dash-at-a-glance" className="vh">
            At a glance
          </h2>
          <ul className="dash-counts">
            {isOfficer && <Count n={count(d?.mine)} label="my open evaluations" to={`/evaluations?preparer=${me.user.id}`} />}
            {isManager && <Count n={d ? awaiting(d).length : null} label="awaiting my decision" to="/evaluations?status=submitted" />}
            {(isOfficer || isManager) && <Count n={d ? due.length : null} label="evaluations due in 14 days or overdue" to={`/evaluations?due_by=${isoDay(in14)}`} />}
            {readsRelationships && <Count n={count(d?.relationships)} label="relationships" to="/relationships" />}
            {readsRelationships && <Count n={rel ? rel.soon.length : null} label="reviews due in 30 days" to="/relationships" />}
            {readsRelationships && <Count n={rel ? rel.overdue.length : null} label="reviews overdue" to="/relationships" />}
          </ul>
        </section>
      )}
      <div className="dash-grid">
        {isManager && (
          <Section title="Awaiting my decision">
            {body((data) => {
              const items = awaiting(data)
              const own = mineSubmitted(data)
              return (
                <>
                  {items.length > 0 ? (
                    <EvaluationList items={items} showTeam={showTeam} teamName={teamName} meId={me.user.id} today={today} note={(e) => (e.submitted_at ? 'Submitted ' + formatDateTime(e.submitted_at) : null)} />
                  ) : (
                    <Empty>No shortlist is waiting for your decision. When an officer submits one, it appears here.</Empty>
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
            {body((data) =>
              data.mine.length > 0 ? (
                <EvaluationList items={data.mine} showTeam={showTeam} teamName={teamName} meId={me.user.id} progress={data.progress} today={today} />
              ) : (
                <Empty>
                  You have no open evaluation. Start one with <Link to="/evaluations/new">New evaluation</Link>: pick the mandate and the candidate custodians.
                </Empty>
              ),
            )}
          </Section>
        )}
        {isOfficer && (
          <Section title="Open red flags by severity">
            {body(() => {
              const bars: Bar[] = [
                { label: 'Critical', value: flags!.critical, kind: 'crit' },
                { label: 'High', value: flags!.high, kind: 'high' },
                { label: 'Medium', value: flags!.medium, kind: 'med' },
                { label: 'Low', value: flags!.low, kind: 'low' },
              ]
              return (
                <>
                  <BarChart title="In my open evaluations" bars={bars} summary={summaryOf('Open red flags in my open evaluations', bars)} />
                  {flags!.critical > 0 && <p className="small">A critical flag that is still open blocks submission: mitigate, accept or close it in the evaluation.</p>}
                </>
              )
            })}
          </Section>
        )}
        {(isOfficer || isManager) && (
          <Section title="Evaluations due">
            {body(() =>
              due.length > 0 ? (
                <EvaluationList items={due} showTeam={showTeam} teamName={teamName} meId={me.user.id} today={today} />
              ) : (
                <Empty>Nothing is due in the next 14 days. Your evaluations with a due date in the next two weeks, or past it, appear here.</Empty>
              ),
            )}
          </Section>
        )}
        {readsRelationships && (
          <Section title="Reviews due" action={<Link to="/relationships">All relationships</Link>}>
            {body(() => {
              const bars: Bar[] = [
                { label: 'Overdue', value: rel!.buckets[0], kind: 'late' },
                { label: 'In 0–30 days', value: rel!.buckets[1], kind: 'due' },
                { label: 'In 31–60 days', value: rel!.buckets[2], kind: 'med' },
                { label: 'In 61–90 days', value: rel!.buckets[3], kind: 'low' },
              ]
              return (
                <>
                  <BarChart title="Relationship reviews in the next 90 days" bars={bars} summary={summaryOf('Relationship reviews in the next 90 days', bars)} />
                  {rel!.next90.length > 0 ? (
                    <RelationshipDueList items={rel!.next90} showTeam={showTeam} teamName={teamName} today={today} />
                  ) : (
                    <Empty>No relationship review falls due in the next 90 days.</Empty>
                  )}
                </>
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
        {teams
          .filter((t) => t.roles.some((r) => r === 'officer' || r === 'manager' || r === 'auditor'))
          .map((t) => (
            <DocumentsDueTile key={'docs-' + t.id} teamId={t.id} teamName={showTeam ? t.name : undefined} />
          ))}
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

function RelationshipDueList({ items, showTeam, teamName, today }: { items: Relationship[]; showTeam: boolean; teamName: (id: number) => string; today: Date }) {
  return (
    <ul className="dash-list">
      {items.map((r) => {
        const d = daysUntil(r.next_review_due, today) ?? 0
        return (
          <li key={r.team_id + '/' + r.id}>
            <div className="dash-row-head">
              <Link to={`/teams/${r.team_id}/relationships/${r.id}`} className="dash-title">
                {r.custodian_name}
              </Link>
              <span className={d < 0 ? 'due due-past' : d <= 30 ? 'due due-soon' : 'due'}>
                {formatDay(r.next_review_due)} ({relativeDays(d)})
              </span>
            </div>
            <div className="dash-meta">
              {showTeam && <span>{teamName(r.team_id)}</span>}
              <span>Owner: {r.owner_name}</span>
              <span>Review every {r.review_months} months</span>
            </div>
          </li>
        )
      })}
    </ul>
  )
}
