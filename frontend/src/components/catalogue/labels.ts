// Words for the catalogue's fact names and key-management models.
import type { Custodian } from '../../api.ts'

export const FACTS = ['legal_entity', 'licences', 'qualified_custodian', 'regions', 'key_management', 'staking', 'settlement_network', 'fee_model', 'notes'] as const
export type Fact = (typeof FACTS)[number]

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

export const KEY_MODELS = ['cold_storage', 'hsm', 'mpc', 'air_gapped'] as const

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
