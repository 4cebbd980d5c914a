// Mandate fit, computed in the browser with the server's rules
// (internal/custos/workspace.go MandateFit) so that an officer sees, while
// choosing candidates, which red flags opening the evaluation will raise.
import type { Mandate, Severity } from '../../api.ts'

export type FitRule = 'qualified_custodian' | 'region_licence' | 'staking'

export interface FitFlag {
  rule: FitRule
  severity: Severity
  title: string
  reason: string
}

/** What mandate fit needs to know about a candidate. */
export interface FitCandidate {
  name: string
  qualified_custodian: boolean
  regions: string[]
  staking: boolean
}

/** The regions a bloc contains; a presence in a member counts for the bloc and the other way round. */
const BLOCS: Record<string, string[]> = {
  EU: ['IE', 'LU', 'IT'],
  APAC: ['SG', 'HK'],
  MENA: ['AE'],
}

/** The titles of the template's red flags that mandate fit raises. */
export const FIT_TITLES: Record<FitRule, string> = {
  qualified_custodian: 'Not a qualified custodian',
  region_licence: 'No licence for a mandate region',
  staking: 'Staking not available from custody',
}

/** covers says whether a custodian present in `have` serves the region `want`. */
export function covers(have: string[], want: string): boolean {
  return have.some((h) => h === want || h === 'GLOBAL' || (BLOCS[h] ?? []).includes(want) || (BLOCS[want] ?? []).includes(h))
}

type FitMandate = Pick<Mandate, 'regions' | 'qualified_custodian_required' | 'staking_required'>

/** mandateFit lists the red flags the server raises for a candidate under a mandate. */
export function mandateFit(m: FitMandate, c: FitCandidate): FitFlag[] {
  const out: FitFlag[] = []
  if (m.qualified_custodian_required && !c.qualified_custodian) {
    out.push({
      rule: 'qualified_custodian',
      severity: 'critical',
      title: FIT_TITLES.qualified_custodian,
      reason: `The mandate requires a qualified custodian; the catalogue does not list ${c.name} as one.`,
    })
  }
  for (const r of m.regions) {
    if (!covers(c.regions, r)) {
      out.push({
        rule: 'region_licence',
        severity: 'high',
        title: FIT_TITLES.region_licence,
        reason: `The mandate covers ${r}; the catalogue lists no licence or presence of ${c.name} there.`,
      })
    }
  }
  if (m.staking_required && !c.staking) {
    out.push({
      rule: 'staking',
      severity: 'medium',
      title: FIT_TITLES.staking,
      reason: `The mandate needs staking; the catalogue lists no staking from custody at ${c.name}.`,
    })
  }
  return out
}
