import { describe, expect, it } from 'vitest'
import { covers, mandateFit } from './mandateFit.ts'

describe('covers', () => {
  it('matches a region, GLOBAL and blocs both ways', () => {
    expect(covers(['US'], 'US')).toBe(true)
    expect(covers(['US', 'GLOBAL'], 'SG')).toBe(true)
    expect(covers(['EU'], 'IE')).toBe(true)
    expect(covers(['IT'], 'EU')).toBe(true)
    expect(covers(['APAC'], 'HK')).toBe(true)
    expect(covers(['AE'], 'MENA')).toBe(true)
    expect(covers(['EU'], 'SG')).toBe(false)
    expect(covers(['SG'], 'HK')).toBe(false)
  })
})

describe('mandateFit', () => {
  const mandate = { regions: ['SG', 'HK'], qualified_custodian_required: true, staking_required: true }
  it('raises the three rules with the server severities', () => {
    const flags = mandateFit(mandate, { name: 'Komainu', qualified_custodian: false, regions: ['EU', 'UK', 'MENA'], staking: false })
    expect(flags.map((f) => [f.rule, f.severity])).toEqual([
      ['qualified_custodian', 'critical'],
      ['region_licence', 'high'],
      ['region_licence', 'high'],
      ['staking', 'medium'],
    ])
    expect(flags[1].reason).toBe('The mandate covers SG; the catalogue lists no licence or presence of Komainu there.')
  })
  it('raises nothing for a good fit', () => {
    expect(mandateFit(mandate, { name: 'Sygnum', qualified_custodian: true, regions: ['EU', 'APAC'], staking: true })).toEqual([])
  })
})
