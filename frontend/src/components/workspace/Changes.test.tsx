import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, expect, it } from 'vitest'
import type { Changes } from '../../api.ts'
import { ChangesView } from './Changes.tsx'

afterEach(cleanup)

const changes: Changes = {
  evaluation_id: 9,
  follows_evaluation_id: 3,
  follows_approved_at: '2026-11-26T10:00:00Z',
  custodian_id: 1,
  custodian: 'Coinbase Prime Custody',
  answers: [
    { item_id: 1, key: 'a.charter', prompt: 'Charter?', previous: { status: 'met', note: 'OK.' }, current: { status: 'partly_met', note: 'Under review.' }, carried_forward: false, changed: true },
    { item_id: 2, key: 'a.audit', prompt: 'Audit?', previous: { status: 'met', note: '' }, current: { status: 'met', note: '' }, carried_forward: true, changed: false },
  ],
  answers_changed: 1,
  scores: [{ criterion: 'liquidity', name: 'Liquidity', weight: 30, previous: 4, current: null, changed: true }],
  previous_weighted_total: 80,
  current_weighted_total: 0,
  red_flags: [{ title: 'Commingled assets', severity: 'high', previous: null, current: 'open' }],
  facts: [{ fact: 'regions', previous: 'US', current: 'SG, US' }],
}

// Only what differs is listed; an unchanged or carried answer is counted, not shown.
it('shows what changed since the followed evaluation', () => {
  render(<ChangesView changes={changes} />)
  const region = screen.getByRole('region', { name: 'What changed' })
  expect(region.textContent).toContain('Compared with evaluation #3, approved 26 Nov 2026, for Coinbase Prime Custody. Weighted total 80 then, 0 now. 1 carried-forward answer still to confirm.')
  const rows = within(region).getAllByRole('row')
  expect(rows.map((r) => r.textContent)).toEqual(['ItemThenNow', 'Charter?MetOK.Partly metUnder review.'])
  expect(region.textContent).toContain('Liquidity (weight 30): 4 → not scored yet')
  expect(region.textContent).toContain('Commingled assets (high): new → open')
  expect(region.textContent).toContain('regions: US → SG, US')
})
