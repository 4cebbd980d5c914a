import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ShortlistEditor } from './Shortlist.tsx'
import { makeWorkspace } from './testFixtures.ts'

afterEach(cleanup)

// The fixture ranks Beta Trust (92) above Alpha Custody (48).
describe('ShortlistEditor and the ranking', () => {
  it('asks why a lower total is placed above a higher one, and saves the answer', async () => {
    const ws = makeWorkspace()
    ws.shortlist = [
      { custodian_id: 1, rank: 1, rationale: 'Already onboarded.' },
      { custodian_id: 2, rank: 2, rationale: 'Best scores.' },
    ]
    const onSave = vi.fn(async () => undefined)
    const user = userEvent.setup()
    render(<ShortlistEditor workspace={ws} readOnly={null} onSave={onSave} />)
    const why = screen.getByLabelText('Why above Beta Trust')
    await user.type(why, 'Beta cannot start before Q3.')
    await user.click(screen.getByRole('button', { name: 'Save shortlist' }))
    expect(onSave).toHaveBeenCalledWith([
      { custodian_id: 1, rank: 1, rationale: 'Already onboarded.', inversion_rationale: 'Beta cannot start before Q3.' },
      { custodian_id: 2, rank: 2, rationale: 'Best scores.', inversion_rationale: '' },
    ])
  })

  it('asks nothing more when the order follows the ranking', async () => {
    const ws = makeWorkspace()
    ws.shortlist = [
      { custodian_id: 2, rank: 1, rationale: 'Best scores.' },
      { custodian_id: 1, rank: 2, rationale: 'Fallback.' },
    ]
    render(<ShortlistEditor workspace={ws} readOnly={null} onSave={async () => undefined} />)
    expect(screen.queryByLabelText(/^Why above/)).toBeNull()
    // Moving Alpha up creates the inversion, and the question appears.
    await userEvent.setup().click(screen.getByRole('button', { name: 'Up: move Alpha Custody up' }))
    expect(screen.getByLabelText('Why above Beta Trust')).toBeTruthy()
  })
})
