// The mandate's fields, shared by the new-evaluation form and the
// workspace's "Edit details": regions, qualified custodian, assets, staking
// and the expected assets under custody.
import { useId } from 'react'
import { ApiError, REGIONS, type Mandate } from '../../api.ts'
import { Field } from '../ui.tsx'
import { formatUSD } from '../../format.ts'
import './workspace.css'

export interface MandateDraft {
  regions: string[]
  qualified: boolean
  assets: string
  staking: boolean
  auc: string
}

export const emptyMandate: MandateDraft = { regions: [], qualified: false, assets: '', staking: false, auc: '' }

export function draftFromMandate(m: Mandate): MandateDraft {
  return {
    regions: [...m.regions],
    qualified: m.qualified_custodian_required,
    assets: m.assets.join(', '),
    staking: m.staking_required,
    auc: m.expected_assets_under_custody_usd ? String(m.expected_assets_under_custody_usd) : '',
  }
}

/** mandateFromDraft turns the form into the API's mandate. */
export function mandateFromDraft(d: MandateDraft): Mandate {
  const auc = Number(d.auc.replace(/[,\s_]/g, ''))
  return {
    regions: REGIONS.filter((r) => d.regions.includes(r)),
    qualified_custodian_required: d.qualified,
    assets: d.assets
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean),
    staking_required: d.staking,
    expected_assets_under_custody_usd: Number.isFinite(auc) ? Math.round(auc) : 0,
  }
}

/** fieldReason is the server's reason for one field, if the error names it. */
export function fieldReason(error: unknown, name: string): string | undefined {
  return error instanceof ApiError ? error.field(name) : undefined
}

const REGION_NAMES: Record<string, string> = {
  US: 'United States',
  EU: 'European Union',
  UK: 'United Kingdom',
  CH: 'Switzerland',
  SG: 'Singapore',
  HK: 'Hong Kong',
  AE: 'United Arab Emirates',
  JE: 'Jersey',
  IE: 'Ireland',
  LU: 'Luxembourg',
  IT: 'Italy',
  APAC: 'Asia-Pacific',
  MENA: 'Middle East and North Africa',
  GLOBAL: 'Global',
}

export function MandateFields({ value, onChange, error }: { value: MandateDraft; onChange: (d: MandateDraft) => void; error: unknown }) {
  const id = useId()
  const regionsReason = fieldReason(error, 'mandate.regions')
  const set = (patch: Partial<MandateDraft>) => onChange({ ...value, ...patch })
  const toggle = (r: string) => set({ regions: value.regions.includes(r) ? value.regions.filter((x) => x !== r) : [...value.regions, r] })
  const aucNumber = mandateFromDraft(value).expected_assets_under_custody_usd
  return (
    <div className="mandate-fields">
      <fieldset className={'ws-fieldset' + (regionsReason ? ' field-invalid' : '')} aria-describedby={regionsReason ? id + '-regions-err' : id + '-regions-hint'}>
        <legend>Regions</legend>
        <div id={id + '-regions-hint'} className="hint">
          Where the mandate needs a licence or presence. Blocs cover their members: EU covers IE, LU and IT; APAC covers SG and HK; MENA covers AE.
        </div>
        <div className="region-grid">
          {REGIONS.map((r) => (
            <label key={r} className="check" title={REGION_NAMES[r]}>
              <input type="checkbox" checked={value.regions.includes(r)} onChange={() => toggle(r)} />
              <span>{r}</span>
            </label>
          ))}
        </div>
        {regionsReason && (
          <div id={id + '-regions-err'} className="field-error" role="alert">
            {regionsReason}
          </div>
        )}
      </fieldset>
      <div className="mandate-toggles">
        <label className="check">
          <input type="checkbox" checked={value.qualified} onChange={(e) => set({ qualified: e.target.checked })} />
          <span>Qualified custodian required</span>
        </label>
        <label className="check">
          <input type="checkbox" checked={value.staking} onChange={(e) => set({ staking: e.target.checked })} />
          <span>Staking needed</span>
        </label>
      </div>
      <div className="ws-two">
        <Field label="Assets" name="mandate.assets" error={error} hint="Comma-separated, for example BTC, ETH, SOL">
          {(fid, d) => <input id={fid} value={value.assets} onChange={(e) => set({ assets: e.target.value })} aria-describedby={d} />}
        </Field>
        <Field
          label="Expected assets under custody (USD)"
          name="mandate.expected_assets_under_custody_usd"
          error={error}
          hint={aucNumber > 0 ? formatUSD(aucNumber) : 'A whole number of US dollars'}
        >
          {(fid, d) => <input id={fid} inputMode="numeric" value={value.auc} onChange={(e) => set({ auc: e.target.value })} aria-describedby={d} />}
        </Field>
      </div>
    </div>
  )
}
