// Everything the dashboard shows, fetched per team in parallel (no
// waterfall): drafts for officers, submitted shortlists for officers and
// managers, recent memos for every role that reads memos.
import { api, type EvaluationStatus, type EvaluationSummary, type Me, type Memo, type Role } from '../../api.ts'

export interface TeamRoles {
  id: number
  name: string
  roles: Role[]
}

export interface DashboardData {
  drafts: EvaluationSummary[]
  submitted: EvaluationSummary[]
  memos: Memo[]
}

/** myTeams groups the memberships by team. */
export function myTeams(me: Me): TeamRoles[] {
  const teams = new Map<number, TeamRoles>()
  for (const m of me.memberships) {
    const t = teams.get(m.team_id) ?? { id: m.team_id, name: m.team_name, roles: [] }
    if (!t.roles.includes(m.role)) t.roles.push(m.role)
    teams.set(m.team_id, t)
  }
  return [...teams.values()].sort((a, b) => a.name.localeCompare(b.name))
}

const has = (t: TeamRoles, ...roles: Role[]) => t.roles.some((r) => roles.includes(r))

export async function loadDashboard(teams: TeamRoles[], signal: AbortSignal): Promise<DashboardData> {
  const evals = (team: number, status: EvaluationStatus) =>
    api.GET('/api/v1/evaluations', { params: { query: { team, status, limit: 100 } }, signal }).then((p) => p.items)
  const jobs = teams.map(async (t) => {
    const [drafts, submitted, memos] = await Promise.all([
      has(t, 'officer') ? evals(t.id, 'draft') : Promise.resolve([]),
      has(t, 'officer', 'manager') ? evals(t.id, 'submitted') : Promise.resolve([]),
      has(t, 'officer', 'manager', 'auditor')
        ? api.GET('/api/v1/memos', { params: { query: { team: t.id, limit: 5 } }, signal }).then((p) => p.items)
        : Promise.resolve([] as Memo[]),
    ])
    return { drafts, submitted, memos }
  })
  const all = await Promise.all(jobs)
  return {
    drafts: all.flatMap((a) => a.drafts),
    submitted: all.flatMap((a) => a.submitted),
    memos: all
      .flatMap((a) => a.memos)
      .sort((a, b) => b.issued_at.localeCompare(a.issued_at))
      .slice(0, 8),
  }
}
