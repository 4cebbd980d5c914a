// The audit trail: newest first, by team (or the whole trail for admins),
// filtered by the server by action, actor, date range and evaluation, each
// event expandable to its before and after and its hashes; the loaded
// events export as CSV. The filters live in the address (?team=&action=…),
// so a filtered view can be bookmarked, shared and reloaded, and Back
// returns to the filters before.
import { Fragment, useEffect, useMemo, useRef, useState } from 'react'
import { api, type AuditEvent, type AuditPage } from '../../api.ts'
import { formatDateTime } from '../../format.ts'
import { Empty, ErrorBox, LoadMore, Loading } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'
import { auditCSV, download } from './csv.ts'
import { ACTIONS, objectLink, phrase } from './actions.ts'
import { Link, navigate, useLocation } from '../../router.tsx'

const NONE: AuditEvent[] = []

/** The filters as the inputs hold them: '' is "any". */
export interface AuditFilters {
  team: string
  action: string
  actor: string
  from: string
  to: string
  evaluation: string
}

const FILTER_KEYS: (keyof AuditFilters)[] = ['team', 'action', 'actor', 'evaluation', 'from', 'to']
// At most 15 digits: every such number is exact as a JavaScript number.
const POSITIVE = /^[1-9][0-9]{0,14}$/
// As the server checks it (internal/httpapi/flow.go).
const ACTION = /^[a-z_]+\.[a-z_]+$/

function isDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const d = new Date(s + 'T00:00:00Z')
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s
}

/**
 * filtersFrom reads the filters from the address. A value that is not one
 * (a word for a number, 2026-02-31, a team this auditor does not audit) is
 * left out, as if absent, rather than sent: an address typed or edited by
 * hand still opens the trail. Both dates well formed but in the wrong order
 * go to the server, which says what is wrong.
 */
export function filtersFrom(q: URLSearchParams, teams: { id: number }[], allowAll: boolean): AuditFilters {
  const get = (k: string, ok: (v: string) => boolean) => {
    const v = q.get(k) ?? ''
    return ok(v) ? v : ''
  }
  const defaultTeam = allowAll ? '' : String(teams[0]?.id ?? '')
  // Admins read any team's trail (their list of teams may still be loading).
  const team = get('team', (v) => POSITIVE.test(v) && (allowAll || teams.some((t) => String(t.id) === v))) || defaultTeam
  return {
    team,
    action: get('action', (v) => ACTION.test(v)),
    actor: get('actor', (v) => POSITIVE.test(v)),
    evaluation: get('evaluation', (v) => POSITIVE.test(v)),
    from: get('from', isDay),
    to: get('to', isDay),
  }
}

/** queryOf is the address's query for the filters, in a fixed order, without the empty ones. */
export function queryOf(f: AuditFilters): string {
  const q = new URLSearchParams()
  for (const k of FILTER_KEYS) if (f[k]) q.set(k, f[k])
  const s = q.toString()
  return s ? '?' + s : ''
}

interface Props {
  teams: { id: number; name: string }[]
  /** Admins may read the whole trail (no team). */
  allowAll: boolean
}

function Json({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <p className="muted small">Nothing</p>
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>
}

export function AuditEvents({ teams, allowAll }: Props) {
  const { path, query: address } = useLocation()
  const filters = filtersFrom(address, teams, allowAll)
  const { team, action, actor, from, to, evaluation } = filters
  // Typing a number or a date changes the filter at each keystroke: those
  // changes share one history entry, so that Back returns to the filters
  // before the field was edited, not to each digit. A choice in a list is
  // an entry of its own.
  const typing = useRef<{ field: keyof AuditFilters; search: string } | null>(null)
  const change = (patch: Partial<AuditFilters>, typed?: keyof AuditFilters) => {
    const replace = !!typed && typing.current?.field === typed && typing.current.search === window.location.search
    navigate(path + queryOf({ ...filters, ...patch }), replace, { keepScroll: true })
    typing.current = typed ? { field: typed, search: window.location.search } : null
  }
  // Who appears in the "Who" list: everyone seen in any page loaded so far.
  const [seenActors, setSeenActors] = useState<Map<number, string>>(() => new Map())
  const [open, setOpen] = useState<Set<number>>(new Set())
  // What is typed in the evaluation field: only a number goes to the
  // address (and the server); "0" or "1e5" stays in the field, unsent,
  // instead of vanishing under the cursor.
  const [evaluationText, setEvaluationText] = useState(evaluation)
  useEffect(() => setEvaluationText(evaluation), [evaluation])
  const query = {
    team: Number(team) || undefined,
    action: action || undefined,
    actor: Number(actor) || undefined,
    from: from || undefined,
    to: to || undefined,
    evaluation: Number(evaluation) || undefined,
  }
  const first = useLoad((signal) => api.GET('/api/v1/audit', { params: { query: { limit: 50, ...query } }, signal }), [team, action, actor, from, to, evaluation])
  const [extra, setExtra] = useState<{ base?: AuditPage; items: AuditEvent[]; before: number | null }>({ items: [], before: null })
  const fresh = !!first.data && extra.base === first.data
  const more = fresh ? extra.items : NONE
  const before = fresh ? extra.before : (first.data?.next_before ?? null)
  const [busy, setBusy] = useState(false)
  const [moreError, setMoreError] = useState<unknown>(null)

  const loadMore = async () => {
    setBusy(true)
    setMoreError(null)
    try {
      const p = await api.GET('/api/v1/audit', { params: { query: { limit: 50, before: before ?? undefined, ...query } } })
      setExtra({ base: first.data, items: [...more, ...p.items], before: p.next_before })
    } catch (e) {
      setMoreError(e)
    } finally {
      setBusy(false)
    }
  }

  const events = useMemo(() => [...(first.data?.items ?? []), ...more], [first.data, more])
  const actions = useMemo(() => [...new Set([...ACTIONS, ...events.map((e) => e.action), ...(action ? [action] : [])])].sort(), [events, action])
  const newActors = events.filter((e) => e.actor_id !== null && !seenActors.has(e.actor_id))
  if (newActors.length > 0) {
    const m = new Map(seenActors)
    for (const e of newActors) m.set(e.actor_id!, e.actor)
    setSeenActors(m)
  }
  const actors = [...seenActors].sort((a, b) => a[1].localeCompare(b[1]))
  // A filter from the address may name someone no loaded event shows yet.
  if (actor && !seenActors.has(Number(actor))) actors.push([Number(actor), `User #${actor}`])
  const teamChoices = team && !teams.some((t) => String(t.id) === team) ? [...teams, { id: Number(team), name: `Team #${team}` }] : teams
  const shown = events
  const filtered = !!(action || actor || from || to || evaluation)
  const teamName = (id: number | null) => (id === null ? 'Organisation' : (teams.find((t) => t.id === id)?.name ?? `Team ${id}`))
  const toggle = (seq: number) =>
    setOpen((s) => {
      const n = new Set(s)
      if (n.has(seq)) n.delete(seq)
      else n.add(seq)
      return n
    })
  const exportCSV = () => {
    const scope = team ? 'team-' + team : 'all-teams'
    const day = new Date().toISOString().slice(0, 10)
    download(auditCSV(shown), `custos-audit-${scope}${action ? '-' + action : ''}${evaluation ? '-evaluation-' + evaluation : ''}-${day}.csv`)
  }

  return (
    <section aria-labelledby="events-h">
      <div className="section-head">
        <h2 id="events-h">Events</h2>
        <div className="audit-filters">
          <div className="field aud-inline-field">
            <label htmlFor="audit-team">Team</label>
            <select id="audit-team" value={team} onChange={(e) => change({ team: e.target.value })}>
              {allowAll && <option value="">All teams</option>}
              {teamChoices.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field aud-inline-field">
            <label htmlFor="audit-action">Action</label>
            <select id="audit-action" value={action} onChange={(e) => change({ action: e.target.value })}>
              <option value="">All actions</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {phrase(a)} ({a})
                </option>
              ))}
            </select>
          </div>
          <div className="field aud-inline-field">
            <label htmlFor="audit-actor">Who</label>
            <select id="audit-actor" value={actor} onChange={(e) => change({ actor: e.target.value })}>
              <option value="">Everyone</option>
              {actors.map(([id, name]) => (
                <option key={id} value={id}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field aud-inline-field">
            <label htmlFor="audit-from">From</label>
            <input id="audit-from" type="date" value={from} max={to || undefined} onChange={(e) => change({ from: e.target.value }, 'from')} />
          </div>
          <div className="field aud-inline-field">
            <label htmlFor="audit-to">To</label>
            <input id="audit-to" type="date" value={to} min={from || undefined} onChange={(e) => change({ to: e.target.value }, 'to')} />
          </div>
          <div className="field aud-inline-field">
            <label htmlFor="audit-evaluation">Evaluation number</label>
            <input id="audit-evaluation" type="number" min={1} inputMode="numeric" value={evaluationText}
              onChange={(e) => {
                const v = e.target.value
                setEvaluationText(v)
                if (v === '' || POSITIVE.test(v)) change({ evaluation: v }, 'evaluation')
              }}
            />
          </div>
          {filtered && (
            <button
              type="button"
              onClick={() => change({ action: '', actor: '', from: '', to: '', evaluation: '' })}
            >
              Clear filters
            </button>
          )}
          <button type="button" onClick={exportCSV} disabled={shown.length === 0} aria-describedby="export-hint">
            Export CSV
          </button>
        </div>
      </div>
      <p id="export-hint" className="muted small" role="status" aria-live="polite">
        {first.loading && !first.data
          ? ''
          : `Showing ${shown.length} ${filtered ? 'matching ' : ''}events${before !== null ? ' (older events: Load more at the bottom)' : ''}. Export CSV saves the events shown.`}
      </p>
      {(team || filtered) && (
        <p className="muted small" data-testid="gap-note">
          Event numbers (#) belong to the one chain of the whole organisation. {team ? "A team's events skip the numbers of other teams' and organisation-wide events" : 'Filtered events skip the numbers of the events left out'}
          {team && filtered ? ', and the filters leave out more' : ''}: a gap is not a deleted event. The chain check above covers every event, and events cannot be deleted.
        </p>
      )}

      {first.error ? (
        <ErrorBox error={first.error} />
      ) : !first.data ? (
        <Loading what="Loading events" />
      ) : shown.length === 0 ? (
        <Empty>{filtered ? 'No event matches these filters.' : 'No events recorded for this team yet.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="audit-table" aria-label="Audit events">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Object</th>
                <th scope="col" className="audit-team-col">
                  Team
                </th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((e) => {
                const isOpen = open.has(e.seq)
                return (
                  <Fragment key={e.seq}>
                    <tr className={isOpen ? 'row-open' : undefined}>
                      <td className="num">{e.seq}</td>
                      <td className="aud-when">{formatDateTime(e.occurred_at)}</td>
                      <td>{e.actor || <span className="muted">system</span>}</td>
                      <td>
                        {phrase(e.action)} <code className="action muted small">{e.action}</code>
                      </td>
                      <td>
                        {(() => {
                          const l = objectLink(e)
                          return l ? (
                            <Link to={l.to}>{l.label}</Link>
                          ) : (
                            <>
                              {e.object_type.replace('_', ' ')} {e.object_id}
                            </>
                          )
                        })()}
                      </td>
                      <td className="audit-team-col">{teamName(e.team_id)}</td>
                      <td>
                        <button type="button" className="small-button" aria-expanded={isOpen} aria-controls={`ev-${e.seq}`} onClick={() => toggle(e.seq)}>
                          {isOpen ? 'Hide' : 'Show'}
                          <span className="vh"> details of event {e.seq}</span>
                        </button>
                      </td>
                    </tr>
                    {isOpen && (
                      <tr className="row-detail" id={`ev-${e.seq}`}>
                        <td colSpan={7}>
                          <div className="ev-cols">
                            <div>
                              <h4>Before</h4>
                              <Json value={e.before} />
                            </div>
                            <div>
                              <h4>After</h4>
                              <Json value={e.after} />
                            </div>
                          </div>
                          <dl className="ev-hashes">
                            <dt>Hash</dt>
                            <dd>
                              <code>{e.hash}</code>
                            </dd>
                            <dt>Previous hash</dt>
                            <dd>
                              <code>{e.prev_hash}</code>
                            </dd>
                            <dt>Request</dt>
                            <dd>{e.request_id ? <code>{e.request_id}</code> : <span className="muted">none (a command-line or seed change)</span>}</dd>
                            <dt>Team</dt>
                            <dd>{teamName(e.team_id)}</dd>
                          </dl>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox error={moreError} />
      {first.data && before !== null && (
        <LoadMore onClick={loadMore} busy={busy} />
      )}
      {first.data && before === null && events.length > 0 && <p className="muted small center">That is the beginning of the trail{team ? ' for this team' : ''}.</p>}
    </section>
  )
}
