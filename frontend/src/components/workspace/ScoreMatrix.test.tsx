import { cleanup, render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ScoreMatrix } from './ScoreMatrix.tsx'
import { GuardedWrite, type Run } from './guardedWrite.ts'
import { callOf, makeWorkspace, mockFetch } from './testFixtures.ts'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('ScoreMatrix', () => {
  it('shows the weights, the scores, the weighted totals and the ranking', () => {
    render(<ScoreMatrix workspace={makeWorkspace()} readOnly={null} onChanged={() => {}} />)
    const table = screen.getByRole('table')
    expect(within(table).getByRole('columnheader', { name: /Liquidity\s*weight 60/ })).toBeTruthy()
    expect(within(table).getByRole('columnheader', { name: /Security\s*weight 40/ })).toBeTruthy()
    expect(screen.getByTestId('total-1').textContent).toBe('48 / 100')
    expect(screen.getByTestId('total-2').textContent).toBe('92 / 100')
    expect((screen.getByLabelText('Score for Liquidity — Alpha Custody') as HTMLSelectElement).value).toBe('4')
    // The matrix lists candidates by rank, and the chart ranks them.
    const rows = within(table).getAllByRole('rowheader').map((r) => r.childNodes[0].textContent)
    expect(rows).toEqual(['Beta Trust', 'Alpha Custody'])
    const ranking = within(screen.getByRole('list', { name: 'Ranking by weighted total' })).getAllByRole('listitem')
    expect(ranking.map((li) => li.textContent)).toEqual(['1Beta Trustrank 1, weighted total 92', '2Alpha Custodyrank 2, weighted total 48'])
  })

  it('saves an edited score with a PUT of the score and its rationale', async () => {
    const fetch = mockFetch(200, { criterion: 'security', score: 3, rationale: 'MPC, audited', updated_by: 1, updated_at: '2026-11-02T00:00:00Z' })
    const onChanged = vi.fn()
    const user = userEvent.setup()
    render(<ScoreMatrix workspace={makeWorkspace()} readOnly={null} onChanged={onChanged} />)
    await user.selectOptions(screen.getByLabelText('Score for Security — Alpha Custody'), '3')
    const rationale = screen.getByLabelText('Rationale for Security — Alpha Custody')
    await user.clear(rationale)
    await user.type(rationale, 'MPC, audited')
    await user.click(screen.getByRole('button', { name: 'Save score for Security — Alpha Custody' }))
    expect(fetch).toHaveLength(1)
    const call = callOf(fetch)
    expect(call.method).toBe('PUT')
    expect(call.url).toBe('/api/v1/evaluations/7/custodians/1/scores/security')
    expect(call.body).toEqual({ score: 3, rationale: 'MPC, audited' })
    expect(onChanged).toHaveBeenCalled()
  })

  it('shows the server reason next to the cell', async () => {
    mockFetch(400, { type: 'about:blank', title: 'Bad Request', status: 400, errors: [{ field: 'rationale', reason: 'say why the custodian earns this score' }] })
    const user = userEvent.setup()
    render(<ScoreMatrix workspace={makeWorkspace()} readOnly={null} onChanged={() => {}} />)
    await user.clear(screen.getByLabelText('Rationale for Liquidity — Beta Trust'))
    await user.click(screen.getByRole('button', { name: 'Save score for Liquidity — Beta Trust' }))
    expect((await screen.findByRole('alert')).textContent).toBe('say why the custodian earns this score')
  })

  it('keeps the rows in place while the table has the focus, and re-sorts when it leaves', async () => {
    const user = userEvent.setup()
    const rowNames = () => within(screen.getByRole('table')).getAllByRole('rowheader').map((r) => r.childNodes[0].textContent)
    const swapped = makeWorkspace()
    swapped.assessments[0].rank = 1
    swapped.assessments[0].weighted_total = 96
    swapped.assessments[1].rank = 2
    const { rerender } = render(
      <>
        <button type="button">Elsewhere</button>
        <ScoreMatrix workspace={makeWorkspace()} readOnly={null} onChanged={() => {}} />
      </>,
    )
    expect(rowNames()).toEqual(['Beta Trust', 'Alpha Custody'])
    // Scoring Alpha Custody: the reload ranks it first, but its row stays.
    await user.click(screen.getByLabelText('Score for Security — Alpha Custody'))
    rerender(
      <>
        <button type="button">Elsewhere</button>
        <ScoreMatrix workspace={swapped} readOnly={null} onChanged={() => {}} />
      </>,
    )
    expect(rowNames()).toEqual(['Beta Trust', 'Alpha Custody'])
    expect(screen.getByRole('status').textContent).toContain('The ranking has changed')
    // Leaving the table puts the rows in rank order.
    await user.click(screen.getByRole('button', { name: 'Elsewhere' }))
    expect(rowNames()).toEqual(['Alpha Custody', 'Beta Trust'])
    expect(screen.queryByRole('button', { name: 'Sort by rank' })).toBeNull()
  })

  it('re-sorts at once on "Sort by rank"', async () => {
    const user = userEvent.setup()
    const rowNames = () => within(screen.getByRole('table')).getAllByRole('rowheader').map((r) => r.childNodes[0].textContent)
    const swapped = makeWorkspace()
    swapped.assessments[0].rank = 1
    swapped.assessments[1].rank = 2
    const { rerender } = render(<ScoreMatrix workspace={makeWorkspace()} readOnly={null} onChanged={() => {}} />)
    await user.click(screen.getByLabelText('Score for Security — Alpha Custody'))
    rerender(<ScoreMatrix workspace={swapped} readOnly={null} onChanged={() => {}} />)
    expect(rowNames()).toEqual(['Beta Trust', 'Alpha Custody'])
    await user.click(screen.getByRole('button', { name: 'Sort by rank' }))
    expect(rowNames()).toEqual(['Alpha Custody', 'Beta Trust'])
  })

  it('disables the scores when read only', () => {
    render(<ScoreMatrix workspace={makeWorkspace()} readOnly="Approved" onChanged={() => {}} />)
    expect((screen.getByLabelText('Score for Liquidity — Beta Trust') as HTMLSelectElement).disabled).toBe(true)
    expect(screen.queryByLabelText('Rationale for Liquidity — Beta Trust')).toBeNull()
    expect(screen.getByText('Best in class')).toBeTruthy()
  })

  it('guards a save with the workspace ETag the page provides', async () => {
    const fetch = mockFetch(200, { criterion: 'security', score: 2, rationale: 'Weak', updated_by: 1, updated_at: '2026-11-02T00:00:00Z' })
    const run: Run = (task) => task('"12"')
    const user = userEvent.setup()
    render(
      <GuardedWrite.Provider value={run}>
        <ScoreMatrix workspace={makeWorkspace()} readOnly={null} onChanged={() => {}} />
      </GuardedWrite.Provider>,
    )
    await user.selectOptions(screen.getByLabelText('Score for Security — Alpha Custody'), '2')
    await user.click(screen.getByRole('button', { name: 'Save score for Security — Alpha Custody' }))
    expect(callOf(fetch).headers.get('If-Match')).toBe('"12"')
  })
})
