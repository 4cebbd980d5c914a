import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import type { EvaluationSummary } from '../../api.ts'
import { stubFetch } from '../dashboard/mockFetch.ts'
import { makeWorkspace } from '../workspace/testFixtures.ts'
import { EvaluationTable, type EvaluationFilters } from './EvaluationTable.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

function summary(id: number, title: string): EvaluationSummary {
  return { ...makeWorkspace().evaluation, id, title, candidates: 2 }
}

function Harness() {
  const [f, setF] = useState<EvaluationFilters>({ status: '', custodian: '', preparer: '', dueBy: '', text: '' })
  return <EvaluationTable teamId={1} filters={f} onFilters={setF} />
}

describe('the evaluations table', () => {
  it('asks the server with each filter and pages on the cursor', async () => {
    const calls = stubFetch({
      'GET /api/v1/custodians': () => ({ items: [{ id: 3, name: 'Gamma Vault' }], next_before: null }),
      'GET /api/v1/teams/1/members': () => ({ items: [{ team_id: 1, team_name: 'Demo', user_id: 9, user_email: 'o@x', user_name: 'Olga Officer', role: 'officer', created_at: '' }] }),
      'GET /api/v1/evaluations': (url) =>
        url.searchParams.get('before') === '40'
          ? { items: [summary(12, 'Older RFP')], next_before: null }
          : { items: [summary(41, 'Cold storage RFP')], next_before: 40 },
    })
    render(<Harness />)
    expect(await screen.findByRole('link', { name: 'Cold storage RFP' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }))
    expect(await screen.findByRole('link', { name: 'Older RFP' })).toBeTruthy()

    await screen.findByRole('option', { name: 'Gamma Vault' })
    await screen.findByRole('option', { name: 'Olga Officer' })
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'approved' } })
    fireEvent.change(screen.getByLabelText('Custodian'), { target: { value: '3' } })
    fireEvent.change(screen.getByLabelText('Preparer'), { target: { value: '9' } })
    fireEvent.change(screen.getByLabelText('Due by'), { target: { value: '2027-06-30' } })
    await vi.waitFor(() => {
      const last = new URL(calls.filter((c) => c.url.startsWith('/api/v1/evaluations')).at(-1)!.url, 'http://x').searchParams
      const got: Record<string, string> = {}
      last.forEach((v, k) => (got[k] = v))
      expect(got).toEqual({ team: '1', limit: '25', status: 'approved', custodian: '3', preparer: '9', due_by: '2027-06-30' })
    })
    fireEvent.change(screen.getByLabelText('Title contains'), { target: { value: 'cold' } })
    await vi.waitFor(
      () => {
        const last = new URL(calls.filter((c) => c.url.startsWith('/api/v1/evaluations')).at(-1)!.url, 'http://x').searchParams
        expect(last.get('q')).toBe('cold')
      },
      { timeout: 5000 },
    )
  })
})
