// Words for the catalogue's fact names and key-management models.
import { keyManagementModelValues, provenanceFactValues, type Custodian, type ProvenanceFact } from '../../api/schema.ts'

// The facts and models are the API's (openapi.yaml); only their words are here.
export const FACTS = provenanceFactValues
export type Fact = ProvenanceFact

export const FACT_LABELS: Record<Fact, string> = {
  legal_entity: 'Legal entity',
  licences: 'Charters and licences',
  qualified_custodian: 'Qualified custodian',
  regions: 'Regions',
  key_management: 'Key management',
  staking: 'Staking',
  settlement_network: 'Settlement network',
  fee_model: 'Fee model',
  notes: 'Notes',
}

export const KEY_MODELS = keyManagementModelValues

export const KEY_LABELS: Record<string, string> = {
  cold_storage: 'Cold storage',
  hsm: 'HSM',
  mpc: 'MPC',
  air_gapped: 'Air-gapped',
}

export function keyManagement(list: string[]): string {
  return list.length ? list.map((k) => KEY_LABELS[k] ?? k).join(', ') : 'Not stated'
}

export const yesNo = (b: boolean) => (b ? 'Yes' : 'No')

/** The value of a fact, in words. */
export function factValue(c: Custodian, fact: Fact): string {
  switch (fact) {
    case 'legal_entity':
      return c.legal_entity
    case 'licences':
      return c.licences.length ? c.licences.map((l) => l.name + ' (' + l.regulator + ')').join('; ') : 'None recorded'
    case 'qualified_custodian':
      return yesNo(c.qualified_custodian)
    case 'regions':
      return c.regions.join(', ') || 'None'
    case 'key_management':
      return keyManagement(c.key_management)
    case 'staking':
      return c.staking ? 'Supported' : 'Not supported'
    case 'settlement_network':
      return c.settlement_network || 'Not stated'
    case 'fee_model':
      return c.fee_model || 'Not stated'
    case 'notes':
      return c.notes || 'None'
  }
}
