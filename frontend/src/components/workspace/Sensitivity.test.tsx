import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
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

  it('ranks under weights typed in the what-if, without any request', async () => {
    const user = userEvent.setup()
    render(<RankingChart workspace={withSensitivity()} />)
    await user.click(screen.getByRole('button', { name: 'Try other weights (nothing is saved)' }))
    const list = () => within(screen.getByRole('list', { name: 'What-if ranking' })).getAllByRole('listitem').map((li) => li.textContent)
    // The template's weights: Beta (5·60 + 4·40)/5 = 92, Alpha (4·60)/5 = 48.
    expect(list()).toEqual(['Beta Trust — 92', 'Alpha Custody — 48'])
    // Security at 0: out of the 60 points left, Beta 5·60/5/60 = 100%, Alpha 4·60/5/60 = 80%.
    const security = screen.getByLabelText('What-if weight for Security')
    await user.clear(security)
    await user.type(security, '0')
    expect(list()).toEqual(['Beta Trust — 100', 'Alpha Custody — 80'])
  })
})
