// The evaluation workspace: loaded with the one call
// GET /api/v1/evaluations/{id}; scores, checklists, red flags, the
// shortlist, submission and approval in tabs.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { ApiError, client, type Blocker } from '../api.ts'
import { formatDate, formatDateTime, formatPercent, formatUSD } from '../format.ts'
import { Link } from '../router.tsx'
import { rolesIn, useSession } from '../session.tsx'
import { Badge, Confirm, ErrorBox, Loading, PageTitle } from '../components/ui.tsx'
import { ApprovalPanel, userName } from '../components/workspace/Approval.tsx'
import { CandidatePicker } from '../components/workspace/CandidatePicker.tsx'
import { Candidates } from '../components/workspace/Candidates.tsx'
import { Checklist } from '../components/workspace/Checklist.tsx'
import { AssurancePanel } from '../components/assurance/AssurancePanel.tsx'
import { EditDetails } from '../components/workspace/EditDetails.tsx'
import { RedFlags } from '../components/workspace/RedFlags.tsx'
import { ScoreMatrix } from '../components/workspace/ScoreMatrix.tsx'
import { ShortlistEditor } from '../components/workspace/Shortlist.tsx'
import { SubmitBlockers } from '../components/workspace/SubmitBlockers.tsx'
import { panelId, tabId, Tabs, type TabSpec } from '../components/workspace/Tabs.tsx'
import { Responses } from '../components/workspace/Responses.tsx'
import { useWorkspace } from '../components/workspace/useWorkspace.ts'
import { overallCompletion, plural, readOnlyReason, targetOf } from '../components/workspace/util.ts'
import '../components/workspace/workspace.css'
import { confirmLeave } from '../unsaved.ts'
import { GuardedWrite } from '../components/workspace/guardedWrite.ts'
import { ExportLinks } from '../components/workspace/ExportLinks.tsx'
import { Changes } from '../components/workspace/Changes.tsx'
import { History } from '../components/workspace/History.tsx'

type TabName = 'overview' | 'changes' | 'scores' | 'checklist' | 'flags' | 'shortlist' | 'responses' | 'submit' | 'approval' | 'history'
const TAB_NAMES: TabName[] = ['overview', 'changes', 'scores', 'checklist', 'flags', 'shortlist', 'responses', 'submit', 'approval', 'history']
const BASE = 'ws'

function fromQuery(): { tab: TabName | null; candidate: number | null } {
  const q = new URLSearchParams(window.location.search)
  const t = q.get('tab') as TabName | null
  const c = Number(q.get('candidate'))
  return { tab: t && TAB_NAMES.includes(t) ? t : null, candidate: c > 0 ? c : null }
}

export function WorkspacePage({ id }: { id: number }) {
  const { me } = useSession()
  const { ws, error, reload, apply, write, run, answered, changed } = useWorkspace(id)
  const [start] = useState(fromQuery)
  const [tab, setTab] = useState<TabName | null>(start.tab)
  const [candidate, setCandidate] = useState<number | null>(start.candidate)
  const [focusItem, setFocusItem] = useState<{ itemId: number; nonce: number } | null>(null)
  const [focusFlag, setFocusFlag] = useState<{ flagId: number; nonce: number } | null>(null)
  const [editing, setEditing] = useState(false)
  const [submitBusy, setSubmitBusy] = useState(false)
  const [submitError, setSubmitError] = useState<unknown>(null)
  const [confirmSubmit, setConfirmSubmit] = useState(false)
  // After a withdrawal the panel that held its button goes (the evaluation
  // is a draft again): a note says so and takes the focus.
  const [withdrawn, setWithdrawn] = useState(false)
  const withdrawnNote = useRef<HTMLDivElement>(null)

  // The workspace names who opened and who submitted it: no second request.
  const names = useMemo(() => {
    if (!ws) return null
    const m = new Map<number, string>([[ws.evaluation.owner_id, ws.evaluation.owner_name]])
    if (ws.evaluation.submitted_by !== null && ws.evaluation.submitted_by_name) m.set(ws.evaluation.submitted_by, ws.evaluation.submitted_by_name)
    return m
  }, [ws])

  const status = ws?.evaluation.status
  useEffect(() => {
    if (withdrawn && status === 'draft') withdrawnNote.current?.focus()
  }, [withdrawn, status])
  const current: TabName = tab ?? (status && status !== 'draft' ? 'approval' : 'overview')
  const cand = ws ? (ws.assessments.find((a) => a.custodian.id === candidate)?.custodian.id ?? ws.assessments[0]?.custodian.id ?? 0) : 0

  // Keep the tab and candidate in the address, so a reload or a shared link lands here.
  useEffect(() => {
    if (!ws) return
    const q = new URLSearchParams()
    q.set('tab', current)
    if ((current === 'checklist' || current === 'flags') && cand) q.set('candidate', String(cand))
    const next = `/evaluations/${id}?${q}`
    if (window.location.pathname + window.location.search !== next) window.history.replaceState(null, '', next)
  }, [ws, current, cand, id])

  // Switching tab or candidate unmounts the editors: ask before losing text.
  const select = useCallback((t: TabName) => {
    if (!confirmLeave()) return
    setTab(t)
    setFocusItem(null)
    setFocusFlag(null)
  }, [])

  const go = useCallback((b: Blocker) => {
    const t = targetOf(b)
    setTab(t.tab)
    if (t.tab === 'checklist') {
      setCandidate(t.custodianId)
      setFocusFlag(null)
      setFocusItem({ itemId: t.itemId, nonce: Date.now() })
    } else if (t.tab === 'flags') {
      setCandidate(t.custodianId)
      setFocusItem(null)
      setFocusFlag({ flagId: t.flagId, nonce: Date.now() })
    } else {
      setFocusItem(null)
      setFocusFlag(null)
      window.setTimeout(() => document.getElementById(panelId(BASE, t.tab))?.focus(), 0)
    }
  }, [])

  const reloadAll = useCallback(() => {
    setSubmitError(null)
    reload()
  }, [reload])

  if (!me) return null
  if (!ws) {
    if (error) {
      // Another team's evaluation answers 404 like a missing one: the
      // message says no more than that.
      const notFound = error instanceof ApiError && error.status === 404
      return (
        <>
          <PageTitle>Evaluation {id}</PageTitle>
          {notFound ? (
            <div className="alert alert-error" role="alert">
              There is no evaluation with this number that you can open. <Link to="/">Back to the dashboard</Link>
            </div>
          ) : (
            <ErrorBox error={error} />
          )}
          {!notFound && (
            <button type="button" onClick={reload}>
              Try again
            </button>
          )}
        </>
      )
    }
    return <Loading what="Loading the evaluation" />
  }

  const ev = ws.evaluation
  const readOnly = readOnlyReason(ws, me)
  const roles = rolesIn(me, ev.team_id)
  const team = me.memberships.find((m) => m.team_id === ev.team_id)?.team_name ?? `Team #${ev.team_id}`
  const done = overallCompletion(ws)
  const openFlags = ws.assessments.reduce((n, a) => n + a.red_flags.filter((f) => f.status === 'open').length, 0)
  const blockers = (submitError instanceof ApiError && submitError.problem.blockers) || ws.submit_blockers
  const lastReturn = ev.status === 'draft' ? [...ws.approvals].reverse().find((a) => a.decision === 'return') : undefined
  const custodianNames = new Map(ws.assessments.map((a) => [a.custodian.id, a.custodian.name]))
  const m = ev.mandate

  const tabs: TabSpec<TabName>[] = [
    { id: 'overview', label: 'Overview' },
    { id: 'scores', label: 'Scores' },
    { id: 'checklist', label: 'Checklist', extra: formatPercent(done.percent) },
    { id: 'flags', label: 'Red flags', extra: openFlags || undefined },
    { id: 'shortlist', label: 'Shortlist', extra: ws.shortlist.length || undefined },
    { id: 'responses', label: 'Custodian responses' },
  ]
  // A re-diligence shows what changed since the evaluation it follows.
  if (ev.follows_evaluation_id) tabs.splice(1, 0, { id: 'changes', label: 'What changed' })
  if (ev.status === 'draft') tabs.push({ id: 'submit', label: 'Submit', extra: ws.submit_blockers.length || '✓' })
  if (ev.status !== 'draft' || ws.approvals.length > 0) tabs.push({ id: 'approval', label: 'Approval' })
  tabs.push({ id: 'history', label: 'History' })
  const shown: TabName = tabs.some((t) => t.id === current) ? current : 'overview'

  const submit = async () => {
    setSubmitBusy(true)
    setSubmitError(null)
    try {
      await write((params) => client.POST('/api/v1/evaluations/{id}/submit', { params }))
      setWithdrawn(false)
      setTab('approval')
    } catch (e) {
      setSubmitError(e)
      if (e instanceof ApiError && e.status === 409) reload()
    } finally {
      setSubmitBusy(false)
    }
  }

  return (
    <GuardedWrite.Provider value={run}>
    <div className="workspace">
      <nav className="crumbs small" aria-label="Breadcrumb">
        <Link to="/">Dashboard</Link> / <span>{team}</span>
      </nav>
      <PageTitle
        actions={
          <>
            <Badge kind={ev.status}>{ev.status === 'draft' ? 'Draft' : ev.status === 'submitted' ? 'Submitted' : 'Approved'}</Badge>
            {!readOnly && !editing && (
              <button type="button" className="small-btn" onClick={() => setEditing(true)}>
                Edit details
              </button>
            )}
          </>
        }
      >
        {ev.title}
      </PageTitle>
      <dl className="ws-facts">
        <div>
          <dt>Team</dt>
          <dd>{team}</dd>
        </div>
        <div className="ws-mandate">
          <dt>Mandate</dt>
          <dd>
            {m.regions.join(', ') || 'no region'} · {m.qualified_custodian_required ? 'qualified custodian required' : 'qualified custodian not required'} ·{' '}
            {m.staking_required ? 'staking needed' : 'no staking'}
            {m.assets.length > 0 && ' · ' + m.assets.join(', ')}
            {m.expected_assets_under_custody_usd > 0 && ' · ' + formatUSD(m.expected_assets_under_custody_usd)}
          </dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd>{ev.due_date ? formatDate(ev.due_date) : 'No due date'}</dd>
        </div>
        {ev.relationship_id && ev.follows_evaluation_id && (
          <div>
            <dt>Re-diligence</dt>
            <dd>
              of <Link to={`/teams/${ev.team_id}/relationships/${ev.relationship_id}`}>relationship #{ev.relationship_id}</Link>, following{' '}
              <Link to={`/evaluations/${ev.follows_evaluation_id}`}>evaluation #{ev.follows_evaluation_id}</Link>
            </dd>
          </div>
        )}
        <div>
          <dt>Prepared by</dt>
          <dd>{userName(names, me, ev.owner_id)}</dd>
        </div>
        <div className="ws-complete">
          <dt>Completion</dt>
          <dd>
            <span>
              {done.answered} of {done.total} items ({formatPercent(done.percent)})
            </span>
            <span className="progress" role="progressbar" aria-label="Overall completion" aria-valuemin={0} aria-valuemax={100} aria-valuenow={done.percent}>
              <span style={{ width: done.percent + '%' }} />
            </span>
          </dd>
        </div>
      </dl>
      {readOnly && (
        <div className="alert alert-info readonly-note" role="note">
          {readOnly}
        </div>
      )}
      {withdrawn && ev.status === 'draft' && (
        <div className="alert alert-ok" role="status" tabIndex={-1} ref={withdrawnNote} id="ws-withdrawn">
          Submission withdrawn: this evaluation is a draft again. Change what you need, then submit it again from the Submit tab.
        </div>
      )}
      {lastReturn && (
        <div className="alert alert-error" role="note">
          <strong>Returned by {lastReturn.manager_name}</strong> on {formatDateTime(lastReturn.created_at)}: {lastReturn.comment}
        </div>
      )}
      {error !== null && <ErrorBox error={error} onReload={reloadAll} />}
      {editing && !readOnly && <EditDetails workspace={ws} write={write} onDone={() => setEditing(false)} onReload={reloadAll} />}

      <Tabs base={BASE} label="Evaluation sections" tabs={tabs} current={shown} onSelect={select} />
      <div role="tabpanel" id={panelId(BASE, shown)} aria-labelledby={tabId(BASE, shown)} tabIndex={-1} className="ws-panel">
        {shown === 'overview' && (
          <>
            <h2 className="ws-sr-only">Overview</h2>
            <Candidates
              workspace={ws}
              readOnly={readOnly}
              write={write}
              onReload={reloadAll}
              onOpen={(c, t) => {
                setCandidate(c)
                select(t)
              }}
            />
          </>
        )}
        {shown === 'changes' && (
          <>
            <h2 className="ws-sr-only">What changed</h2>
            <Changes id={ev.id} version={ev.version} />
          </>
        )}
        {shown === 'scores' && (
          <>
            <h2 className="ws-sr-only">Scores</h2>
            <ScoreMatrix workspace={ws} readOnly={readOnly} onChanged={changed} onReload={reloadAll} />
          </>
        )}
        {(shown === 'checklist' || shown === 'flags') && (
          <>
            <h2 className="ws-sr-only">{shown === 'checklist' ? 'Checklist' : 'Red flags'}</h2>
            {(focusItem || focusFlag) && ev.status === 'draft' && (
              <div className="alert alert-info from-blockers">
                {ws.submit_blockers.length > 0 ? `${plural(ws.submit_blockers.length, 'thing')} still block submission.` : 'Nothing blocks submission any more.'}{' '}
                <button type="button" className="link" onClick={() => select('submit')}>
                  Back to what blocks submission
                </button>
              </div>
            )}
            <CandidatePicker assessments={ws.assessments} current={cand} onPick={(c) => {
                if (c !== cand && !confirmLeave()) return
                setCandidate(c)
              }} show={shown === 'checklist' ? 'completion' : 'flags'} />
            {shown === 'checklist' ? (
              <>
                <Checklist
                  key={cand}
                  workspace={ws}
                  custodianId={cand}
                  readOnly={readOnly}
                  onChanged={changed}
                  onAnswered={answered}
                  onReload={reloadAll}
                  focusItem={focusItem}
                  onNext={(c) => {
                    if (!confirmLeave()) return
                    setCandidate(c)
                    setFocusItem(null)
                    // The next checklist starts at its top, with the focus there.
                    const panel = document.getElementById(panelId(BASE, 'checklist'))
                    panel?.scrollIntoView?.({ block: 'start' })
                    panel?.focus({ preventScroll: true })
                  }}
                />
                <AssurancePanel
                  key={'as-' + cand}
                  teamId={ev.team_id}
                  custodianId={cand}
                  custodianName={ws.assessments.find((a) => a.custodian.id === cand)?.custodian.name ?? ''}
                  canWrite={roles.includes('officer') || roles.includes('manager')}
                  onChanged={reloadAll}
                />
              </>
            ) : (
              <RedFlags key={cand} workspace={ws} custodianId={cand} readOnly={readOnly} onChanged={changed} onReload={reloadAll} focusFlag={focusFlag} />
            )}
          </>
        )}
        {shown === 'shortlist' && (
          <>
            <h2 className="ws-sr-only">Shortlist</h2>
            <ShortlistEditor workspace={ws} readOnly={readOnly} onSave={(entries) => write((params) => client.PUT('/api/v1/evaluations/{id}/shortlist', { params, body: { entries } }))} onReload={reloadAll} />
          </>
        )}
        {shown === 'responses' && (
          <>
            <h2 className="ws-sr-only">Custodian responses</h2>
            <Responses workspace={ws} readOnly={readOnly ?? (roles.includes('officer') ? null : 'Officers invite and review.')} onAccepted={reload} />
          </>
        )}
        {shown === 'submit' && (
          <>
            <h2 className="ws-sr-only">Submit</h2>
            <SubmitBlockers
              blockers={blockers}
              names={custodianNames}
              onGo={go}
              onSubmit={() => setConfirmSubmit(true)}
              disabledReason={readOnly}
              busy={submitBusy}
              error={submitError}
              onReload={reloadAll}
            />
            {roles.includes('manager') && !roles.includes('officer') && <p className="small muted">Officers submit; managers decide once it is submitted.</p>}
            <Confirm
              open={confirmSubmit}
              title="Submit for approval?"
              confirmLabel="Submit"
              onCancel={() => setConfirmSubmit(false)}
              onConfirm={() => {
                setConfirmSubmit(false)
                submit()
              }}
            >
              <p>
                The evaluation goes to the managers of {team} and cannot be changed while they decide ({plural(ws.approvals_required, 'approval')} needed). A manager who returns it sends it back to
                you with a comment.
              </p>
            </Confirm>
          </>
        )}
        {shown === 'approval' && (
          <>
            <h2 className="ws-sr-only">Approval</h2>
            <ApprovalPanel workspace={ws} me={me} names={names} onApplied={apply} onWithdrawn={() => setWithdrawn(true)} />
          </>
        )}
        {shown === 'history' && (
          <>
            <h2 className="ws-sr-only">History</h2>
            <History workspace={ws} />
          </>
        )}
      </div>
      <p className="small muted ws-foot">
        {plural(ws.assessments.length, 'candidate')} · template “{ws.template.name}” v{ws.template.version} · version {ev.version} · updated {formatDateTime(ev.updated_at)}
      </p>
      <ExportLinks id={ev.id} />
    </div>
    </GuardedWrite.Provider>
  )
}
