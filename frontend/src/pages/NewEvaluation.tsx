// Opening an evaluation: team, title, template, mandate and 2–20 candidates
// from the catalogue, with the mandate-fit red flags shown as soon as
// candidates are chosen.
import { useEffect, useId, useMemo, useState, type FormEvent } from 'react'
import { api, ApiError, type Custodian, type MandateFitFlag, type TemplateSummary } from '../api.ts'
import { Badge, Empty, ErrorBox, Field, Loading, PageTitle } from '../components/ui.tsx'
import { emptyMandate, fieldReason, MandateFields, mandateFromDraft, type MandateDraft } from '../components/workspace/MandateFields.tsx'
import { useMandateFit, type MandateFit } from '../components/workspace/useMandateFit.ts'
import { Link, navigate } from '../router.tsx'
import { teamsWith, useSession } from '../session.tsx'
import '../components/workspace/workspace.css'

const MIN_CANDIDATES = 2
const MAX_CANDIDATES = 20

/** newest picks the latest version of the default family (other families, such as the custody due inquiry, are chosen on purpose), else the latest of any. */
function newest(ts: TemplateSummary[]): TemplateSummary | undefined {
  const defaults = ts.filter((t) => t.family === 'default')
  return [...(defaults.length > 0 ? defaults : ts)].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.version - a.version || b.id - a.id)[0]
}

export function NewEvaluationPage() {
  const { me } = useSession()
  const teams = teamsWith(me, 'officer')
  const [templates, setTemplates] = useState<TemplateSummary[] | null>(null)
  const [catalogue, setCatalogue] = useState<Custodian[] | null>(null)
  const [loadError, setLoadError] = useState<unknown>(null)

  const [team, setTeamId] = useState<number>(0)
  const teamId = team || teams[0]?.id || 0
  const [title, setTitle] = useState('')
  const [templateId, setTemplateId] = useState<number>(0)
  const [dueDate, setDueDate] = useState('')
  const [mandate, setMandate] = useState<MandateDraft>(emptyMandate)
  const [chosen, setChosen] = useState<number[]>([])
  const [search, setSearch] = useState('')
  const [failed, setError] = useState<unknown>(null)
  // The fields changed since the server's answer: their messages are stale.
  const [edited, setEdited] = useState<ReadonlySet<string>>(() => new Set())
  const edit = (...fields: string[]) => setEdited((cur) => (fields.every((f) => cur.has(f)) ? cur : new Set([...cur, ...fields])))
  const error = useMemo(() => asSentences(failed, edited), [failed, edited])
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    const ctl = new AbortController()
    Promise.all([
      api.GET('/api/v1/templates', { signal: ctl.signal }),
      api.GET('/api/v1/custodians', { params: { query: { limit: 100 } }, signal: ctl.signal }),
    ])
      .then(([t, c]) => {
        setTemplates(t.items)
        setTemplateId((cur) => cur || newest(t.items)?.id || 0)
        setCatalogue(c.items)
      })
      .catch((e) => {
        if (!ctl.signal.aborted) setLoadError(e)
      })
    return () => ctl.abort()
  }, [])

  const byId = useMemo(() => new Map((catalogue ?? []).map((c) => [c.id, c])), [catalogue])
  const apiMandate = mandateFromDraft(mandate)
  const fit = useMandateFit(apiMandate, chosen, templateId)
  const flagged = chosen
    .map((id) => byId.get(id))
    .filter((c): c is Custodian => !!c)
    .map((c) => ({ custodian: c, flags: fit.flags.get(c.id) ?? [] }))
    .filter((f) => f.flags.length > 0)

  const q = search.trim().toLowerCase()
  const shown = (catalogue ?? []).filter(
    (c) => !q || c.name.toLowerCase().includes(q) || c.legal_entity.toLowerCase().includes(q) || c.regions.some((r) => r.toLowerCase() === q),
  )

  const toggle = (id: number) => {
    edit('custodian_ids')
    setChosen((cur) => (cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id]))
  }
  const changeMandate = (m: MandateDraft) => {
    if (m.regions.join() !== mandate.regions.join()) edit('mandate.regions')
    if (m.assets !== mandate.assets) edit('mandate.assets')
    if (m.auc !== mandate.auc) edit('mandate.expected_assets_under_custody_usd')
    setMandate(m)
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    setEdited(new Set())
    try {
      const ws = await api.POST('/api/v1/evaluations', {
        body: { team_id: teamId, title, template_id: templateId, mandate: apiMandate, custodian_ids: chosen, due_date: dueDate || null },
      })
      navigate('/evaluations/' + ws.evaluation.id)
    } catch (err) {
      setError(err)
      setBusy(false)
    }
  }

  if (teams.length === 0) {
    return (
      <>
        <PageTitle>New evaluation</PageTitle>
        <Empty>Only compliance officers open evaluations, and you are not an officer of any team. Ask an administrator for the officer role.</Empty>
      </>
    )
  }
  if (loadError) return <ErrorBox error={loadError} />
  if (!templates || !catalogue) return <Loading what="Loading the templates and the catalogue" />

  const candidatesReason = fieldReason(error, 'custodian_ids')
  const unnamedErrors = error instanceof ApiError ? (error.problem.errors ?? []).filter((f) => !KNOWN_FIELDS.includes(f.field)) : []
  const hadFieldErrors = failed instanceof ApiError && !!failed.problem.errors?.length
  const showBox = error !== null && (!(error instanceof ApiError) || !hadFieldErrors || unnamedErrors.length > 0)

  return (
    <>
      <PageTitle>New evaluation</PageTitle>
      <form className="new-eval" onSubmit={submit} noValidate aria-label="New evaluation">
        <div className="new-eval-main">
          <section className="card" aria-labelledby="ne-details">
            <h2 id="ne-details">Details</h2>
            <div className="ws-two ne-team-template">
              <Field label="Team" name="team_id" error={error}>
                {(id, d) => (
                  <select id={id} value={teamId} onChange={(e) => {
                      edit('team_id')
                      setTeamId(Number(e.target.value))
                    }} aria-describedby={d}>
                    {teams.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Template" name="template_id" error={error}>
                {(id, d) => (
                  <select id={id} value={templateId} onChange={(e) => {
                      edit('template_id')
                      setTemplateId(Number(e.target.value))
                    }} aria-describedby={d}>
                    {templates.map((t) => (
                      <option key={t.id} value={t.id}>
                        {t.name} (v{t.version})
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
            <Field label="Title" name="title" error={error} hint='For example "2027 custody RFP — Fund III"'>
              {(id, d) => <input id={id} value={title} onChange={(e) => {
                    edit('title')
                    setTitle(e.target.value)
                  }} aria-describedby={d} maxLength={200} required />}
            </Field>
            <Field label="Due date" name="due_date" error={error} hint="Optional">
              {(id, d) => <input id={id} type="date" value={dueDate} onChange={(e) => {
                    edit('due_date')
                    setDueDate(e.target.value)
                  }} aria-describedby={d} />}
            </Field>
          </section>
          <section className="card" aria-labelledby="ne-mandate">
            <h2 id="ne-mandate">Mandate</h2>
            <MandateFields value={mandate} onChange={changeMandate} error={error} />
          </section>
        </div>
        <div className="new-eval-side">
          <section className="card" aria-labelledby="ne-candidates">
            <h2 id="ne-candidates">Candidates</h2>
            <p className="hint" id="ne-candidates-hint">
              Choose {MIN_CANDIDATES} to {MAX_CANDIDATES} custodians from the catalogue. {chosen.length} chosen.
            </p>
            {candidatesReason && (
              <div className="field-error" role="alert" id="ne-candidates-err">
                {candidatesReason}
              </div>
            )}
            {chosen.length > 0 && (
              <ul className="chips" aria-label="Chosen candidates">
                {chosen.map((id) => (
                  <li key={id}>
                    {byId.get(id)?.name ?? 'Custodian #' + id}
                    <button type="button" className="chip-x" onClick={() => toggle(id)} aria-label={'Remove ' + (byId.get(id)?.name ?? id)}>
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            )}
            <Field label="Search the catalogue">
              {(id) => <input id={id} type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="Name, legal entity or region" />}
            </Field>
            <CandidateList custodians={shown} chosen={chosen} onToggle={toggle} fit={fit} invalid={!!candidatesReason} />
          </section>
        </div>
        <FitPanel flagged={flagged} chosen={chosen.length} checking={chosen.some((id) => !fit.flags.has(id))} error={fit.error} />
        <div className="new-eval-foot">
          {showBox && <ErrorBox error={error} />}
          {error instanceof ApiError && (error.problem.errors?.length ?? 0) > unnamedErrors.length ? (
            <div className="alert alert-error" role="alert">
              The evaluation was not opened: fix the fields marked in red.
            </div>
          ) : null}
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Opening…' : 'Open evaluation'}
            </button>
            <Link to="/" className="button">
              Cancel
            </Link>
          </div>
        </div>
      </form>
    </>
  )
}

/** The fields' names as the form shows them, for the messages. */
const FIELD_LABELS: Record<string, string> = {
  team_id: 'Team',
  template_id: 'Template',
  title: 'Title',
  due_date: 'Due date',
  custodian_ids: 'Candidates',
  'mandate.regions': 'Regions',
  'mandate.assets': 'Assets',
  'mandate.expected_assets_under_custody_usd': 'Expected assets under custody',
}

/**
 * sentence turns the server's reason for a field (the source of the rule,
 * e.g. "is required") into a sentence that starts with a capital letter:
 * "Title is required." A reason that is already a clause ("name between 2
 * and 20 candidate custodians") gets its capital and full stop.
 */
export function sentence(field: string, reason: string): string {
  let r = reason.trim()
  if (/^(is|are|must|has|cannot|should) /.test(r)) r = (FIELD_LABELS[field] ?? 'This field') + ' ' + r
  r = r.charAt(0).toUpperCase() + r.slice(1)
  return /[.!?]$/.test(r) ? r : r + '.'
}

/** The error as shown: fields edited since are dropped, the reasons made sentences. */
function asSentences(error: unknown, edited: ReadonlySet<string>): unknown {
  if (!(error instanceof ApiError) || !error.problem.errors?.length) return error
  const errors = error.problem.errors.filter((f) => !edited.has(f.field)).map((f) => ({ ...f, reason: sentence(f.field, f.reason) }))
  return new ApiError({ ...error.problem, errors })
}

const KNOWN_FIELDS = [
  'team_id',
  'template_id',
  'title',
  'due_date',
  'custodian_ids',
  'mandate.regions',
  'mandate.assets',
  'mandate.expected_assets_under_custody_usd',
]

function CandidateList({
  custodians,
  chosen,
  onToggle,
  fit,
  invalid,
}: {
  custodians: Custodian[]
  chosen: number[]
  onToggle: (id: number) => void
  fit: MandateFit
  /** The server refused the candidates: the list, not the search box, is marked. */
  invalid: boolean
}) {
  if (custodians.length === 0) return <Empty>No custodian in the catalogue matches the search.</Empty>
  return (
    <ul className={'pick-list' + (invalid ? ' pick-list-invalid' : '')} aria-label="Catalogue" aria-describedby={invalid ? 'ne-candidates-err' : undefined}>
      {custodians.map((c) => {
        const on = chosen.includes(c.id)
        const flags = on ? (fit.flags.get(c.id) ?? []) : []
        return (
          <li key={c.id} className={on ? 'on' : undefined}>
            <label className="pick">
              <input type="checkbox" checked={on} onChange={() => onToggle(c.id)} disabled={!on && chosen.length >= MAX_CANDIDATES} />
              <span className="pick-name">{c.name}</span>
            </label>
            <div className="pick-facts small muted">
              {c.qualified_custodian ? 'Qualified custodian' : 'Not a qualified custodian'} · {c.regions.join(', ')} · {c.staking ? 'staking' : 'no staking'}
              {flags.length > 0 && (
                <>
                  {' · '}
                  <span className="fit-count">
                    {flags.length} mandate-fit {flags.length === 1 ? 'flag' : 'flags'}
                  </span>
                </>
              )}
            </div>
          </li>
        )
      })}
    </ul>
  )
}

interface FitPanelProps {
  flagged: { custodian: Custodian; flags: MandateFitFlag[] }[]
  chosen: number
  /** Some chosen candidate has no answer from the server yet. */
  checking: boolean
  error: unknown
}

function FitPanel({ flagged, chosen, checking, error }: FitPanelProps) {
  const id = useId()
  return (
    <section className="card fit-panel" aria-labelledby={id} aria-live="polite">
      <h2 id={id}>Mandate fit</h2>
      {error !== null && <ErrorBox error={error} />}
      {chosen === 0 ? (
        <p className="muted">Choose candidates to see how they fit the mandate.</p>
      ) : flagged.length === 0 && checking ? (
        <p className="muted">Checking the candidates against the mandate…</p>
      ) : flagged.length === 0 ? (
        <div className="alert alert-ok">Every chosen candidate fits the mandate as the catalogue describes it.</div>
      ) : (
        <>
          <div className="alert alert-info">
            These red flags will be raised automatically when the evaluation opens. You can resolve or accept them in the workspace.
          </div>
          <div className="fit-groups">
            {flagged.map(({ custodian, flags }) => (
              <div key={custodian.id} className="fit-group">
                <h3>{custodian.name}</h3>
                <ul className="fit-list">
                  {flags.map((f, i) => (
                    <li key={i}>
                      <Badge kind={f.severity}>{f.severity}</Badge> <strong>{f.title}</strong>
                      <div className="small">{f.reason}</div>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
        </>
      )}
    </section>
  )
}
