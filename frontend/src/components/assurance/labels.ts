// Words for the assurance documents' kinds, opinions and freshness, shared
// by the panel and the dashboard tile.
import type { AssuranceDocument, DocumentKind, Freshness } from '../../api.ts'

export const KIND_LABELS: Record<DocumentKind, string> = {
  soc1_type2: 'SOC 1 Type II report',
  soc2_type2: 'SOC 2 Type II report',
  bridge_letter: 'Bridge letter',
  iso27001: 'ISO 27001 certificate',
  insurance: 'Insurance certificate',
  ccss_audit: 'CCSS audit',
  proof_of_reserves: 'Proof of reserves or attestation',
  audited_financials: 'Audited financial statements',
}

export const FRESHNESS_LABELS: Record<Freshness['state'], string> = {
  fresh: 'Fresh',
  expiring: 'Expiring',
  stale: 'Stale',
  expired: 'Expired',
}

/** Whether the kind holds until a date (a certificate) rather than covering a period. */
export const hasValidUntil = (k: DocumentKind) => k === 'iso27001' || k === 'insurance' || k === 'ccss_audit'
export const isSOC = (k: DocumentKind) => k === 'soc1_type2' || k === 'soc2_type2'

/** Lapsed documents: stale or expired. */
export const lapsed = (d: AssuranceDocument) => d.freshness?.state === 'stale' || d.freshness?.state === 'expired'
