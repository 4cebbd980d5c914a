import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Blocker } from '../../api.ts'
import { SubmitBlockers } from './SubmitBlockers.tsx'

afterEach(cleanup)

const blockers: Blocker[] = [
  { code: 'unanswered', custodian_id: 1, item_id: 11, flag_id: null, criterion: null, message: 'Alpha Custody: "Does it hold a charter?" is not answered.' },
  { code: 'evidence_missing', custodian_id: 1, item_id: 12, flag_id: null, criterion: null, message: 'Alpha Custody: "Is there a SOC report?" needs evidence attached.' },
  { code: 'open_critical_flag', custodian_id: 2, item_id: null, flag_id: 9, criterion: null, message: 'Beta Trust has an open critical red flag: Commingled wallets.' },
]

describe('SubmitBlockers', () => {
  it('lists every blocker and sends a click to where it is fixed', async () => {
    const onGo = vi.fn()
    const user = userEvent.setup()
    const names = new Map([
      [1, 'Alpha Custody'],
      [2, 'Beta Trust'],
    ])
    render(<SubmitBlockers blockers={blockers} names={names} onGo={onGo} onSubmit={() => {}} />)
    for (const b of blockers) expect(screen.getByRole('button', { name: b.message })).toBeTruthy()
    expect(screen.getByRole('region', { name: 'Alpha Custody' })).toBeTruthy()
    await user.click(screen.getByRole('button', { name: blockers[2].message }))
    expect(onGo).toHaveBeenCalledWith(blockers[2])
  })

  it('disables the submit button while anything blocks, with the count', async () => {
    const onSubmit = vi.fn()
    render(<SubmitBlockers blockers={blockers} onGo={() => {}} onSubmit={onSubmit} />)
    const submit = screen.getByRole('button', { name: 'Submit for approval' }) as HTMLButtonElement
    expect(submit.disabled).toBe(true)
    const why = document.getElementById(submit.getAttribute('aria-describedby')!)
    expect(why?.textContent).toBe('3 blockers to fix before submitting')
    expect(screen.getByRole('heading', { name: 'What blocks submission (3)' })).toBeTruthy()
  })

  it('submits when nothing blocks', async () => {
    const onSubmit = vi.fn()
    const user = userEvent.setup()
    render(<SubmitBlockers blockers={[]} onGo={() => {}} onSubmit={onSubmit} />)
    expect(screen.getByText(/Nothing blocks submission/)).toBeTruthy()
    await user.click(screen.getByRole('button', { name: 'Submit for approval' }))
    expect(onSubmit).toHaveBeenCalledTimes(1)
  })

  it('says why a reader cannot submit', () => {
    render(<SubmitBlockers blockers={[]} onGo={() => {}} onSubmit={() => {}} disabledReason="Read only: only compliance officers of this team change an evaluation." />)
    const submit = screen.getByRole('button', { name: 'Submit for approval' }) as HTMLButtonElement
    expect(submit.disabled).toBe(true)
    expect(screen.getByText('Read only: only compliance officers of this team change an evaluation.')).toBeTruthy()
  })
})
