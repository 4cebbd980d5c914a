// The assurance documents a team holds on one custodian: each with its
// freshness badge and reason, its controls (CUECs) to confirm, archive; and
// a form to record one whose fields change with its kind. Shown on a
// relationship and beside a candidate's checklist in the workspace.
import { useState, type FormEvent } from 'react'
import { api, ApiError, asForm, downloadURL, type AssuranceDocument, type DocumentKind, type DocumentRequest } from '../../api.ts'
import { formatDate } from '../../format.ts'
import { Badge, Empty, ErrorBox, Loading, Confirm } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'
import { FRESHNESS_LABELS, hasValidUntil, isSOC, KIND_LABELS } from './labels.ts'
import './assurance.css'

interface Props {
  teamId: number
  custodianId: number
  custodianName: string
  /** Officers and managers record and confirm; others read. */
  canWrite: boolean
  /** Called after each change: a draft's flags may have moved. */
  onChanged?: () => void
}

export function AssurancePanel({ teamId, custodianId, custodianName, canWrite, onChanged }: Props) {
  const docs = useLoad(
    (signal) => api.GET('/api/v1/teams/{teamID}/custodians/{custodianID}/documents', { params: { path: { teamID: teamId, custodianID: custodianId } }, signal }),
    [teamId, custodianId],
  )
  const changed = () => {
    docs.reload()
    onChanged?.()
  }
  return (
    <section className="card" aria-labelledby={`as-title-${custodianId}`}>
      <h3 id={`as-title-${custodianId}`} tabIndex={-1}>
        Assurance documents
      </h3>
      <p className="muted small">What independent parties wrote about {custodianName}, as your team holds it. A SOC report goes stale 12 months after its period unless a bridge letter reaches to within 3 months; a certificate past its date is expired.</p>
      {docs.error ? (
        <ErrorBox error={docs.error} />
      ) : !docs.data ? (
        <Loading what="Loading the assurance documents" />
      ) : docs.data.items.length === 0 ? (
        <Empty>No assurance document on file for {custodianName}.</Empty>
      ) : (
        <ul className="as-list" aria-label={`Assurance documents on ${custodianName}`}>
          {docs.data.items.map((d) => (
            <DocumentItem key={d.id} d={d} canWrite={canWrite} onChanged={changed} />
          ))}
        </ul>
      )}
      {canWrite && <AddDocument teamId={teamId} custodianId={custodianId} onAdded={changed} />}
    </section>
  )
}

function period(d: AssuranceDocument) {
  if (d.valid_until) return <>valid until {formatDate(d.valid_until)}</>
  return (
    <>
      {d.kind === 'bridge_letter' ? 'from' : 'period'} {formatDate(d.period_start)} {d.kind === 'bridge_letter' ? 'to' : '–'} {formatDate(d.period_end)}
    </>
  )
}

function DocumentItem({ d, canWrite, onChanged }: { d: AssuranceDocument; canWrite: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [archiving, setArchiving] = useState(false)
  const act = async (call: () => Promise<unknown>) => {
    setBusy(true)
    setError(null)
    try {
      await call()
      onChanged()
      return true
    } catch (e) {
      setError(e)
      return false
    } finally {
      setBusy(false)
    }
  }
  const path = { teamID: d.team_id, documentID: d.id }
  return (
    <li className="as-doc" aria-label={KIND_LABELS[d.kind]}>
      <h4>
        {KIND_LABELS[d.kind]} {d.freshness && <Badge kind={d.freshness.state}>{FRESHNESS_LABELS[d.freshness.state]}</Badge>}{' '}
        {d.opinion && d.opinion !== 'unqualified' && <Badge kind="high">{d.opinion} opinion</Badge>}
      </h4>
      <p className="small">
        {d.issuer}; {period(d)}; issued {formatDate(d.issued_on)}
        {d.opinion === 'unqualified' && <>; unqualified opinion</>}
      </p>
      {d.freshness && d.freshness.state !== 'fresh' && <p className={'small' + (d.freshness.state === 'expiring' ? '' : ' as-stale')}>{d.freshness.reason}</p>}
      {d.scope && <p className="small">Scope: {d.scope}</p>}
      {d.carve_outs && <p className="small">Carve-outs: {d.carve_outs}</p>}
      {d.cuecs.length > 0 && (
        <fieldset>
          <legend className="small">Complementary user entity controls we operate</legend>
          <ul className="as-cuecs">
            {d.cuecs.map((c) => (
              <li key={c.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={c.confirmed}
                    disabled={!canWrite || busy}
                    onChange={(e) => {
                      const confirmed = e.target.checked
                      void act(() => api.POST('/api/v1/teams/{teamID}/documents/{documentID}/cuecs/{cuecID}/confirm', { params: { path: { ...path, cuecID: c.id } }, body: { confirmed } }))
                    }}
                  />{' '}
                  {c.text}
                </label>
                {c.confirmed && c.confirmed_at && <span className="muted small"> (confirmed {formatDate(c.confirmed_at)})</span>}
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <p className="small">
        {d.file ? (
          <a href={downloadURL('/api/v1/teams/{teamID}/documents/{documentID}/file', path)}>Download {d.file.label}</a>
        ) : (
          <span className="muted">No file attached.</span>
        )}{' '}
        {canWrite && (
          <button type="button" className="link" disabled={busy} onClick={() => setArchiving(true)}>
            Archive
          </button>
        )}
      </p>
      <Confirm
        open={archiving}
        title={`Archive the ${KIND_LABELS[d.kind]}?`}
        confirmLabel="Archive"
        onCancel={() => setArchiving(false)}
        onConfirm={() => {
          setArchiving(false)
          // The document leaves the list: the focus goes to the panel's heading, not the page.
          void act(() => api.DELETE('/api/v1/teams/{teamID}/documents/{documentID}', { params: { path } })).then(
            (ok) => ok && document.getElementById(`as-title-${d.custodian_id}`)?.focus(),
          )
        }}
      >
        <p>
          It no longer counts for the custodian's diligence or for checklist items that require it; it stays on record in the audit trail. Archive a document that was recorded by mistake or
          has been replaced.
        </p>
      </Confirm>
      <ErrorBox error={error} />
    </li>
  )
}

const KINDS = Object.keys(KIND_LABELS) as DocumentKind[]

function AddDocument({ teamId, custodianId, onAdded }: { teamId: number; custodianId: number; onAdded: () => void }) {
  const [open, setOpen] = useState(false)
  const [kind, setKind] = useState<DocumentKind>('soc2_type2')
  const [issuer, setIssuer] = useState('')
  const [start, setStart] = useState('')
  const [end, setEnd] = useState('')
  const [until, setUntil] = useState('')
  const [issued, setIssued] = useState('')
  const [opinion, setOpinion] = useState('unqualified')
  const [scope, setScope] = useState('')
  const [carveOuts, setCarveOuts] = useState('')
  const [cuecs, setCuecs] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Add a document
      </button>
    )
  const certificate = hasValidUntil(kind)
  const soc = isSOC(kind)
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const body: DocumentRequest = { kind, issuer, issued_on: issued, scope, carve_outs: carveOuts }
      if (certificate) body.valid_until = until || null
      else {
        body.period_start = start || null
        body.period_end = end || null
      }
      if (soc) {
        body.opinion = opinion
        body.cuecs = cuecs
          .split('\n')
          .map((c) => c.trim())
          .filter(Boolean)
      }
      const doc = await api.POST('/api/v1/teams/{teamID}/custodians/{custodianID}/documents', { params: { path: { teamID: teamId, custodianID: custodianId } }, body })
      if (file) {
        await api.POST('/api/v1/teams/{teamID}/documents/{documentID}/file', {
          params: { path: { teamID: teamId, documentID: doc.id } },
          body: { file },
          bodySerializer: asForm,
        })
      }
      setOpen(false)
      setIssuer('')
      setCuecs('')
      setFile(null)
      onAdded()
    } catch (err) {
      setError(err)
    } finally {
      setBusy(false)
    }
  }
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  const id = (f: string) => `as-${custodianId}-${f}`
  const input = (f: string, label: string, value: string, set: (v: string) => void, type = 'text') => (
    <div className="field">
      <label htmlFor={id(f)}>{label}</label>
      <input id={id(f)} type={type} value={value} onChange={(e) => set(e.target.value)} aria-invalid={fieldError(f) ? true : undefined} />
      {fieldError(f) && <p className="field-error">{fieldError(f)}</p>}
    </div>
  )
  return (
    <form className="as-form" onSubmit={submit} aria-label="Add an assurance document">
      <div className="field">
        <label htmlFor={id('kind')}>Kind</label>
        <select id={id('kind')} value={kind} onChange={(e) => setKind(e.target.value as DocumentKind)}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {KIND_LABELS[k]}
            </option>
          ))}
        </select>
        {fieldError('kind') && <p className="field-error">{fieldError('kind')}</p>}
      </div>
      {input('issuer', soc || kind === 'audited_financials' ? 'Auditor' : kind === 'insurance' ? 'Insurer' : 'Issuer', issuer, setIssuer)}
      {certificate ? (
        input('valid_until', 'Valid until', until, setUntil, 'date')
      ) : (
        <>
          {input('period_start', kind === 'bridge_letter' ? 'Bridges from' : 'Period start', start, setStart, 'date')}
          {input('period_end', kind === 'bridge_letter' ? 'Reaches to' : 'Period end', end, setEnd, 'date')}
        </>
      )}
      {input('issued_on', 'Issued on', issued, setIssued, 'date')}
      {soc && (
        <div className="field">
          <label htmlFor={id('opinion')}>Opinion</label>
          <select id={id('opinion')} value={opinion} onChange={(e) => setOpinion(e.target.value)}>
            <option value="unqualified">Unqualified</option>
            <option value="qualified">Qualified</option>
            <option value="adverse">Adverse</option>
            <option value="disclaimer">Disclaimer</option>
          </select>
          {fieldError('opinion') && <p className="field-error">{fieldError('opinion')}</p>}
        </div>
      )}
      <div className="field as-wide">
        <label htmlFor={id('scope')}>Scope</label>
        <input id={id('scope')} value={scope} onChange={(e) => setScope(e.target.value)} />
      </div>
      {soc && (
        <>
          <div className="field as-wide">
            <label htmlFor={id('carve')}>Carve-outs</label>
            <input id={id('carve')} value={carveOuts} onChange={(e) => setCarveOuts(e.target.value)} />
          </div>
          <div className="field as-wide">
            <label htmlFor={id('cuecs')}>Complementary user entity controls (one a line)</label>
            <textarea id={id('cuecs')} rows={3} value={cuecs} onChange={(e) => setCuecs(e.target.value)} />
            {error instanceof ApiError && error.problem.errors?.some((e) => e.field.startsWith('cuecs')) && (
              <p className="field-error">{error.problem.errors.find((e) => e.field.startsWith('cuecs'))?.reason}</p>
            )}
          </div>
        </>
      )}
      <div className="field">
        <label htmlFor={id('file')}>File (PDF, PNG, JPEG or text)</label>
        <input id={id('file')} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        {fieldError('file') && <p className="field-error">{fieldError('file')}</p>}
      </div>
      <button type="submit" disabled={busy}>
        {busy ? 'Recording…' : 'Record document'}
      </button>
      <button type="button" className="link" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {error instanceof ApiError && error.problem.errors?.length ? null : <ErrorBox error={error} />}
    </form>
  )
}
