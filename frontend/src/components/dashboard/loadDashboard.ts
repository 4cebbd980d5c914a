// Everything the dashboard shows, fetched per team in parallel (no
// waterfall): the evaluations the user prepared (the list filters by
// preparer on the server), submitted shortlists for managers, the
// relationships and recent memos; then, for the user's own open
// evaluations, their workspaces for completion and open red flags.
import { api, type EvaluationStatus, type EvaluationSummary, type Me, type Memo, type Relationship, type Role, type Severity } from '../../api.ts'

export interface TeamRoles {
  id: number
  name: string
  roles: Role[]
}

/** Progress of one evaluation: its completion and open red flags by severity. */
export interface Progress {
  answered: number
  total: number
  percent: number
  flags: Record<Severity, number>
}

export interface DashboardData {
  /** Open evaluations (draft or submitted) the user prepared. */
  mine: EvaluationSummary[]
  /** Submitted shortlists in teams where the user is a manager or officer. */
  submitted: EvaluationSummary[]
  /** Active relationships of the user's teams. */
  relationships: Relationship[]
  memos: Memo[]
  /** Completion and open flags of the user's open evaluations, by ID. */
  progress: Map<number, Progress>
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

// The workspaces read for progress: enough for a dashboard, bounded.
const PROGRESS_LIMIT = 12

export async function loadDashboard(teams: TeamRoles[], meId: number, signal: AbortSignal): Promise<DashboardData> {
  const evals = (team: number, status: EvaluationStatus, preparer?: number) =>
    api.GET('/api/v1/evaluations', { params: { query: { team, status, preparer, limit: 100 } }, signal }).then((p) => p.items)
  const none = <T,>() => Promise.resolve([] as T[])
  const jobs = teams.map(async (t) => {
    const [drafts, submittedMine, submitted, relationships, memos] = await Promise.all([
      has(t, 'officer') ? evals(t.id, 'draft', meId) : none<EvaluationSummary>(),
      has(t, 'officer') ? evals(t.id, 'submitted', meId) : none<EvaluationSummary>(),
      has(t, 'manager') ? evals(t.id, 'submitted') : none<EvaluationSummary>(),
      has(t, 'officer', 'manager', 'auditor')
        ? api.GET('/api/v1/teams/{teamID}/relationships', { params: { path: { teamID: t.id }, query: { status: 'active', limit: 100 } }, signal }).then((p) => p.items)
        : none<Relationship>(),
      has(t, 'officer', 'manager', 'auditor') ? api.GET('/api/v1/memos', { params: { query: { team: t.id, limit: 5 } }, signal }).then((p) => p.items) : none<Memo>(),
    ])
    return { mine: [...drafts, ...submittedMine], submitted, relationships, memos }
  })
  const all = await Promise.all(jobs)
  const mine = all.flatMap((a) => a.mine).sort((a, b) => b.id - a.id)
  const progress = new Map<number, Progress>()
  await Promise.all(
    mine.slice(0, PROGRESS_LIMIT).map(async (e) => {
      // Progress is extra: an evaluation that cannot be read now (removed,
      // moved) keeps its line without it rather than fail the dashboard.
      const ws = await api.GET('/api/v1/evaluations/{id}', { params: { path: { id: e.id } }, signal }).catch(() => null)
      if (!ws) return
      const p: Progress = { answered: 0, total: 0, percent: 0, flags: { critical: 0, high: 0, medium: 0, low: 0 } }
      for (const a of ws.assessments) {
        p.answered += a.completion.answered
        p.total += a.completion.total
        for (const f of a.red_flags) if (f.status === 'open') p.flags[f.severity]++
      }
      p.percent = p.total ? Math.round((p.answered * 1000) / p.total) / 10 : 0
      progress.set(e.id, p)
    }),
  )
  return {
    mine,
    submitted: all.flatMap((a) => a.submitted),
    relationships: all.flatMap((a) => a.relationships).sort((a, b) => a.next_review_due.localeCompare(b.next_review_due)),
    memos: all
      .flatMap((a) => a.memos)
      .sort((a, b) => b.issued_at.localeCompare(a.issued_at))
      .slice(0, 8),
    progress,
  }
}
