import { cleanup, render, screen, within } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { Workspace } from '../../api.ts'
import { RankingChart } from './RankingChart.tsx'
import { makeWorkspace } from './testFixtures.ts'

afterEach(cleanup)

// The fixture: liquidity 60, security 40; Alpha (4, 0) = 48, Beta (5, 4) = 92.
// The sensitivity below is what the server would send if a 10-point rise of
// security put Alpha first (a made-up flip, to show how one is drawn).
function withSensitivity(): Workspace {
  const ws = makeWorkspace()
  const ranking = (first: [number, string, number], second: [number, string, number]) => [
    { rank: 1, custodian_id: first[0], name: first[1], weighted_total: first[2] },
    { rank: 2, custodian_id: second[0], name: second[1], weighted_total: second[2] },
  ]
  const beta: [number, string, number] = [2, 'Beta Trust', 90]
  const alpha: [number, string, number] = [1, 'Alpha Custody', 40]
  ws.sensitivity = {
    winner_id: 2,
    shifts: [
      { criterion: 'liquidity', delta: -10, weight: 50, ranking: ranking(beta, alpha), winner_changed: false },
      { criterion: 'liquidity', delta: -5, weight: 55, ranking: ranking(beta, alpha), winner_changed: false },
      { criterion: 'liquidity', delta: 5, weight: 65, ranking: ranking(beta, alpha), winner_changed: false },
      { criterion: 'liquidity', delta: 10, weight: 70, ranking: ranking(beta, alpha), winner_changed: false },
      { criterion: 'security', delta: -10, weight: 30, ranking: ranking(beta, alpha), winner_changed: false },
      { criterion: 'security', delta: -5, weight: 35, ranking: ranking(beta, alpha), winner_changed: false },
      { criterion: 'security', delta: 5, weight: 45, ranking: ranking(beta, alpha), winner_changed: false },
      { criterion: 'security', delta: 10, weight: 50, ranking: ranking(alpha, beta), winner_changed: true },
    ],
    thresholds: [{ criterion: 'security', delta: 7.5, from: 40, to: 47.5, challenger_id: 1, challenger: 'Alpha Custody' }],
    smallest_shift: { criterion: 'security', delta: 7.5, from: 40, to: 47.5, challenger_id: 1, challenger: 'Alpha Custody' },
    smallest_transfer: null,
    robust: false,
    verdict: 'Not robust: raising Security by 7.5 points (from 40 to 47.5, the others rescaled) brings Alpha Custody level with Beta Trust.',
  }
  return ws
}

describe('SensitivityPanel', () => {
  it('is absent when the server sends no sensitivity', () => {
    render(<RankingChart workspace={makeWorkspace()} />)
    expect(screen.queryByRole('heading', { name: 'Weight sensitivity' })).toBeNull()
  })

  it('shows the verdict, who ranks first under each shift, and where a challenger draws level', () => {
    render(<RankingChart workspace={withSensitivity()} />)
    expect(screen.getByTestId('sensitivity-verdict').textContent).toMatch(/^Not robust: raising Security by 7.5 points/)
    const grid = screen.getByRole('table')
    const security = within(grid).getByRole('row', { name: /Security/ })
    const cells = within(security).getAllByRole('cell').map((c) => c.textContent)
    expect(cells).toEqual(['·', '·', '·', 'Alpha Custody', '+7.5 → Alpha Custody'])
    const liquidity = within(grid).getByRole('row', { name: /Liquidity/ })
    expect(within(liquidity).getAllByRole('cell').map((c) => c.textContent)).toEqual(['·', '·', '·', '·', 'no shift'])
  })
})
