// Create or edit a catalogue entry (admins). Every fact, the licences and
// each fact's source and "last verified" date; the server's reasons appear
// next to the fields they name. An edit sends the version it started from:
// a 409 means someone saved in between, and the admin may reload.
import { useState, type FormEvent } from 'react'
import { ApiError, api, REGIONS, type Custodian, type KeyManagementModel, type Licence, type Region } from '../../api.ts'
import { Field } from '../ui.tsx'
import { FormError, GroupErrors, toFieldError } from '../admin/formErrors.tsx'
import { FACTS, FACT_LABELS, KEY_LABELS, KEY_MODELS, type Fact } from './labels.ts'

interface Draft {
  slug: string
  name: string
  legal_entity: string
  licences: Licence[]
  qualified_custodian: boolean
  regions: Region[]
  key_management: KeyManagementModel[]
  staking: boolean
  settlement_network: string
  fee_model: string
  notes: string
  provenance: Record<Fact, { source: string; verified_on: string }>
}

function draftOf(c?: Custodian): Draft {
  const provenance = {} as Draft['provenance']
  for (const f of FACTS) provenance[f] = { source: c?.provenance[f]?.source ?? '', verified_on: c?.provenance[f]?.verified_on ?? '' }
  return {
    slug: c?.slug ?? '',
    name: c?.name ?? '',
    legal_entity: c?.legal_entity ?? '',
    licences: c?.licences.map((l) => ({ ...l })) ?? [],
    qualified_custodian: c?.qualified_custodian ?? false,
    regions: c?.regions ?? [],
    key_management: c?.key_management ?? [],
    staking: c?.staking ?? false,
    settlement_network: c?.settlement_network ?? '',
    fee_model: c?.fee_model ?? '',
    notes: c?.notes ?? '',
    provenance,
  }
}

/** The request body: facts without a source or date carry no provenance. */
export function requestOf(d: Draft, version?: number) {
  const provenance: Record<string, { source: string; verified_on: string }> = {}
  for (const f of FACTS) {
    const p = d.provenance[f]
    if (p.source.trim() || p.verified_on) provenance[f] = { source: p.source.trim(), verified_on: p.verified_on }
  }
  return {
    slug: d.slug.trim(),
    name: d.name,
    legal_entity: d.legal_entity,
    licences: d.licences,
    qualified_custodian: d.qualified_custodian,
    regions: d.regions,
    key_management: d.key_management,
    staking: d.staking,
    settlement_network: d.settlement_network,
    fee_model: d.fee_model,
    notes: d.notes,
    provenance,
    ...(version ? { version } : {}),
  }
}

const toggle = <T,>(list: T[], v: T) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v])

interface Props {
  /** The entry being edited; absent to create one. */
  custodian?: Custodian
  onSaved: (c: Custodian) => void
  onCancel: () => void
  /** Fetch the current entry after a conflict. */
  onReload?: () => void
}

export function CustodianForm({ custodian, onSaved, onCancel, onReload }: Props) {
  const [d, setD] = useState<Draft>(() => draftOf(custodian))
  // The version this form started from: a save based on it fails if someone saved since.
  const [baseVersion] = useState(custodian?.version)
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const editing = !!custodian
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }))
  const setLicence = (i: number, k: keyof Licence, v: string) => set('licences', d.licences.map((l, j) => (j === i ? { ...l, [k]: v } : l)))
  const setProv = (f: Fact, k: 'source' | 'verified_on', v: string) => set('provenance', { ...d.provenance, [f]: { ...d.provenance[f], [k]: v } })

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const saved = editing
        ? await api.PUT('/api/v1/custodians/{id}', { params: { path: { id: custodian.id } }, body: { ...requestOf(d), version: baseVersion ?? 0 } })
        : await api.POST('/api/v1/custodians', { body: requestOf(d) })
      onSaved(saved)
    } catch (err) {
      setError(editing ? err : toFieldError(err, { slug: /slug/i, name: /name/i }))
    } finally {
      setBusy(false)
    }
  }

  const stale = editing && error instanceof ApiError && error.status === 409
  const text = (label: string, k: 'slug' | 'name' | 'legal_entity' | 'settlement_network' | 'fee_model', hint?: string) => (
    <Field label={label} name={k} error={error} hint={hint}>
      {(id, desc) => <input id={id} value={d[k]} onChange={(e) => set(k, e.target.value)} aria-describedby={desc} aria-invalid={!!(error instanceof ApiError && error.field(k))} />}
    </Field>
  )

  return (
    <form className="card cust-form" onSubmit={submit} noValidate aria-label={editing ? `Edit ${custodian.name}` : 'New custodian'}>
      <h2>{editing ? `Edit ${custodian.name}` : 'New custodian'}</h2>
      {stale ? (
        <div className="alert alert-error" role="alert">
          <strong>Someone else changed this custodian since you opened it.</strong>
          <div>{error.problem.detail}</div>
          <div>Reload to see their version; your unsaved changes here will be lost.</div>
          {onReload && (
            <button type="button" onClick={onReload}>
              Reload the current version
            </button>
          )}
        </div>
      ) : (
        <FormError error={error} />
      )}

      <div className="form-grid">
        {text('Name', 'name')}
        {text('Slug', 'slug', 'Lower-case letters and digits with hyphens, e.g. acme-custody')}
        {text('Legal entity', 'legal_entity')}
        {text('Settlement network', 'settlement_network')}
        {text('Fee model', 'fee_model')}
      </div>

      <div className="form-grid">
        <fieldset className="cust-group">
          <legend>Regions</legend>
          <div className="check-grid">
            {REGIONS.map((r) => (
              <label key={r} className="cust-check">
                <input type="checkbox" checked={d.regions.includes(r)} onChange={() => set('regions', toggle(d.regions, r))} /> {r}
              </label>
            ))}
          </div>
          <GroupErrors error={error} field="regions" />
        </fieldset>
        <fieldset className="cust-group">
          <legend>Key management</legend>
          <div className="check-grid">
            {KEY_MODELS.map((k) => (
              <label key={k} className="cust-check">
                <input type="checkbox" checked={d.key_management.includes(k)} onChange={() => set('key_management', toggle(d.key_management, k))} /> {KEY_LABELS[k]}
              </label>
            ))}
          </div>
          <GroupErrors error={error} field="key_management" />
        </fieldset>
        <fieldset className="cust-group">
          <legend>Features</legend>
          <label className="cust-check">
            <input type="checkbox" checked={d.qualified_custodian} onChange={(e) => set('qualified_custodian', e.target.checked)} /> Qualified custodian
          </label>
          <label className="cust-check">
            <input type="checkbox" checked={d.staking} onChange={(e) => set('staking', e.target.checked)} /> Staking supported
          </label>
        </fieldset>
      </div>

      <fieldset className="cust-group">
        <legend>Charters and licences</legend>
        <GroupErrors error={error} field="licences" />
        {d.licences.length === 0 && <p className="muted small">No licence recorded.</p>}
        {d.licences.map((l, i) => (
          <div className="licence-row" key={i}>
            <label>
              Licence {i + 1} name
              <input value={l.name} onChange={(e) => setLicence(i, 'name', e.target.value)} />
            </label>
            <label>
              Licence {i + 1} regulator
              <input value={l.regulator} onChange={(e) => setLicence(i, 'regulator', e.target.value)} />
            </label>
            <label>
              Licence {i + 1} jurisdiction
              <input value={l.jurisdiction} onChange={(e) => setLicence(i, 'jurisdiction', e.target.value)} />
            </label>
            <button type="button" className="danger" onClick={() => set('licences', d.licences.filter((_, j) => j !== i))} aria-label={`Remove licence ${i + 1}`}>
              Remove
            </button>
          </div>
        ))}
        <button type="button" onClick={() => set('licences', [...d.licences, { name: '', regulator: '', jurisdiction: '' }])}>
          Add a licence
        </button>
      </fieldset>

      <Field label="Notes" name="notes" error={error}>
        {(id, desc) => <textarea id={id} rows={4} value={d.notes} onChange={(e) => set('notes', e.target.value)} aria-describedby={desc} />}
      </Field>

      <fieldset className="cust-group">
        <legend>Sources</legend>
        <p className="muted small">Where each fact comes from and when it was last checked. Leave both empty for a fact with no known source.</p>
        <GroupErrors error={error} field="provenance" />
        <div className="table-wrap">
          <table className="prov-table">
            <thead>
              <tr>
                <th scope="col">Fact</th>
                <th scope="col">Source</th>
                <th scope="col">Last verified</th>
              </tr>
            </thead>
            <tbody>
              {FACTS.map((f) => (
                <tr key={f}>
                  <th scope="row">{FACT_LABELS[f]}</th>
                  <td>
                    <input aria-label={`Source of ${FACT_LABELS[f].toLowerCase()}`} value={d.provenance[f].source} onChange={(e) => setProv(f, 'source', e.target.value)} />
                  </td>
                  <td>
                    <input type="date" aria-label={`${FACT_LABELS[f]} last verified on`} value={d.provenance[f].verified_on} onChange={(e) => setProv(f, 'verified_on', e.target.value)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </fieldset>

      <div className="actions form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : 'Create custodian'}
        </button>
        <button type="button" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  )
}
