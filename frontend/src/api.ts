// The one way the app talks to Custos: the public /api/v1 JSON API, with the
// session cookie and the CSRF token the server hands out at login and in
// GET /api/v1/me. Errors arrive as RFC 9457 problem documents.

export interface FieldError {
  field: string
  reason: string
}

export interface Blocker {
  code: string
  custodian_id: number | null
  item_id: number | null
  flag_id: number | null
  message: string
}

export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  request_id?: string
  errors?: FieldError[]
  blockers?: Blocker[]
  current?: unknown
}

/** ApiError carries the server's problem document. */
export class ApiError extends Error {
  problem: Problem
  constructor(problem: Problem) {
    super(problem.detail || problem.title)
    this.problem = problem
  }
  get status(): number {
    return this.problem.status
  }
  /** The reason the server gave for one field, if any. */
  field(name: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === name)?.reason
  }
}

let csrfToken = ''
let onUnauthenticated: () => void = () => {}

export function setCSRFToken(token: string) {
  csrfToken = token
}

/** Called when the session has ended (401 on a signed-in request). */
export function onSessionEnded(fn: () => void) {
  onUnauthenticated = fn
}

export interface RequestOptions {
  body?: unknown
  /** A raw body (File, Blob, FormData) sent as is. */
  raw?: BodyInit
  contentType?: string
  ifMatch?: string
  signal?: AbortSignal
  /** Set on the one repeat after a stale CSRF token was renewed. */
  retried?: boolean
}

export interface Answer<T> {
  data: T
  etag: string | null
}

async function send<T>(method: string, path: string, opts: RequestOptions = {}): Promise<Answer<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (opts.raw !== undefined) {
    body = opts.raw
    if (opts.contentType) headers['Content-Type'] = opts.contentType
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['Content-Type'] = 'application/json'
  }
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch
  const res = await fetch('/api/v1' + path, { method, headers, body, credentials: 'same-origin', signal: opts.signal })
  const etag = res.headers.get('ETag')
  if (res.status === 204) return { data: undefined as T, etag }
  const type = res.headers.get('Content-Type') || ''
  if (!res.ok) {
    const problem: Problem = type.includes('json')
      ? await res.json()
      : { type: 'about:blank', title: res.statusText, status: res.status }
    // Signing in again in another tab gives the session a new CSRF token:
    // fetch it once and repeat the request.
    if (res.status === 403 && method !== 'GET' && !opts.retried && problem.detail?.includes('X-CSRF-Token')) {
      const me = await fetch('/api/v1/me', { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
      if (me.ok) {
        csrfToken = ((await me.json()) as { csrf_token?: string }).csrf_token ?? ''
        return send<T>(method, path, { ...opts, retried: true })
      }
    }
    if (res.status === 401 && path !== '/session') onUnauthenticated()
    throw new ApiError(problem)
  }
  if (type.includes('json')) return { data: (await res.json()) as T, etag }
  return { data: (await res.blob()) as T, etag }
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => send<T>('GET', path, opts).then((a) => a.data),
  getWithETag: <T>(path: string, opts?: RequestOptions) => send<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => send<T>('POST', path, { ...opts, body }).then((a) => a.data),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => send<T>('PUT', path, { ...opts, body }).then((a) => a.data),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => send<T>('PATCH', path, { ...opts, body }).then((a) => a.data),
  del: <T>(path: string, opts?: RequestOptions) => send<T>('DELETE', path, opts).then((a) => a.data),
  send,
}

/** A URL the browser downloads directly (the cookie goes along). */
export function downloadURL(path: string): string {
  return '/api/v1' + path
}

// ---- the API's types (see /api/v1/openapi.json) ----------------------------

export type Role = 'officer' | 'manager' | 'auditor' | 'admin'

export interface User {
  id: number
  email: string
  name: string
  disabled: boolean
  created_at: string
  updated_at: string
}

export interface Membership {
  team_id: number
  team_name: string
  user_id: number
  user_email: string
  user_name: string
  role: Role
  created_at: string
}

export interface Me {
  user: User
  memberships: Membership[]
  csrf_token?: string
  session_expires_at?: string
}

export interface Team {
  id: number
  name: string
  approvals_required: number
  created_at: string
  updated_at: string
}

export interface Licence {
  name: string
  regulator: string
  jurisdiction: string
}

export interface Provenance {
  source: string
  verified_on: string
}

export interface Custodian {
  id: number
  slug: string
  name: string
  legal_entity: string
  licences: Licence[]
  qualified_custodian: boolean
  regions: string[]
  key_management: string[]
  staking: boolean
  settlement_network: string
  fee_model: string
  notes: string
  provenance: Record<string, Provenance>
  version: number
  created_at: string
  updated_at: string
}

export interface CustodianPage {
  items: Custodian[]
  next_cursor: string
}

export interface Criterion {
  key: string
  name: string
  description: string
  weight: number
}

export interface ChecklistItem {
  id: number
  key: string
  prompt: string
  guidance: string
  evidence_required: boolean
}

export interface ChecklistSection {
  key: string
  title: string
  items: ChecklistItem[]
}

export type Severity = 'low' | 'medium' | 'high' | 'critical'

export interface RedFlagDefinition {
  id: number
  key: string
  title: string
  description: string
  default_severity: Severity
  origin: string
  mandate_rule: string | null
}

export interface TemplateSummary {
  id: number
  family: string
  version: number
  name: string
  description: string
  created_at: string
}

export interface Template extends TemplateSummary {
  criteria: Criterion[]
  sections: ChecklistSection[]
  red_flags: RedFlagDefinition[]
}

export type EvaluationStatus = 'draft' | 'submitted' | 'approved'

export interface Mandate {
  regions: string[]
  qualified_custodian_required: boolean
  assets: string[]
  staking_required: boolean
  expected_assets_under_custody_usd: number
}

export interface Evaluation {
  id: number
  team_id: number
  title: string
  template_id: number
  mandate: Mandate
  owner_id: number
  owner_name: string
  due_date: string | null
  status: EvaluationStatus
  version: number
  round: number
  submitted_by: number | null
  submitted_by_name: string | null
  submitted_at: string | null
  snapshot_hash: string
  approved_at: string | null
  created_at: string
  updated_at: string
}

export interface EvaluationSummary extends Evaluation {
  candidates: number
}

export interface EvaluationPage {
  items: EvaluationSummary[]
  next_before: number | null
}

export type AnswerStatus = 'pending' | 'met' | 'partly_met' | 'not_met' | 'not_applicable'

export interface AnswerRecord {
  item_id: number
  status: AnswerStatus
  note: string
  version: number
  updated_by: number | null
  updated_at: string | null
}

export interface Score {
  criterion: string
  score: number
  rationale: string
  updated_by: number
  updated_at: string
}

export type RedFlagStatus = 'open' | 'mitigated' | 'accepted' | 'closed'

export interface RedFlag {
  id: number
  custodian_id: number
  definition_id: number | null
  title: string
  description: string
  severity: Severity
  status: RedFlagStatus
  resolution: string
  mandate_rule: string | null
  reason: string
  raised_by: number | null
  created_at: string
  updated_at: string
}

export interface Evidence {
  id: number
  custodian_id: number
  item_id: number
  label: string
  content_type: string
  size: number
  sha256: string
  uploaded_by: number
  uploaded_at: string
}

export interface CandidateSummary {
  id: number
  slug: string
  name: string
  qualified_custodian: boolean
  regions: string[]
  staking: boolean
}

export interface Completion {
  answered: number
  total: number
  percent: number
}

export interface Assessment {
  custodian: CandidateSummary
  answers: AnswerRecord[]
  scores: Score[]
  red_flags: RedFlag[]
  evidence: Evidence[]
  completion: Completion
  weighted_total: number
  rank: number
}

export interface RankEntry {
  rank: number
  custodian_id: number
  name: string
  weighted_total: number
}

export interface ShortlistEntry {
  custodian_id: number
  rank: number
  rationale: string
}

export interface Approval {
  id: number
  round: number
  manager_id: number
  manager_name: string
  decision: 'approve' | 'return'
  comment: string
  snapshot_hash: string
  created_at: string
}

export interface Workspace {
  evaluation: Evaluation
  template: Template
  assessments: Assessment[]
  ranking: RankEntry[]
  shortlist: ShortlistEntry[]
  approvals: Approval[]
  approvals_required: number
  approvals_received: number
  submit_blockers: Blocker[]
}

export interface Memo {
  id: number
  evaluation_id: number
  team_id: number
  title: string
  sha256: string
  size: number
  signer_fingerprint: string
  snapshot_hash: string
  audit_head_seq: number
  audit_head_hash: string
  issued_by: number
  issued_at: string
}

export interface MemoPage {
  items: Memo[]
  next_before: number | null
}

export interface SignatureCheck {
  signed: boolean
  valid: boolean
  covers_whole_file: boolean
  signer_fingerprint: string
  our_certificate: boolean
  problems: string[] | null
}

export interface MemoVerdict {
  genuine: boolean
  sha256: string
  signature: SignatureCheck
  memo: Memo | null
  approvals: Approval[]
  reasons: string[]
}

export interface AuditEvent {
  seq: number
  occurred_at: string
  actor_id: number | null
  actor: string
  team_id: number | null
  action: string
  object_type: string
  object_id: string
  before: unknown
  after: unknown
  request_id: string
  prev_hash: string
  hash: string
}

export interface AuditPage {
  items: AuditEvent[]
  next_before: number | null
}

export interface ChainReport {
  valid: boolean
  checked: number
  head_seq: number
  head_hash: string
  first_broken: { seq: number; reason: string } | null
}

export interface List<T> {
  items: T[]
}

export const REGIONS = ['US', 'EU', 'UK', 'CH', 'SG', 'HK', 'AE', 'JE', 'IE', 'LU', 'IT', 'APAC', 'MENA', 'GLOBAL']
