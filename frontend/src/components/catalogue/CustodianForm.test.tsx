import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen } from '@testing-library/react'
import type { Custodian } from '../../api.ts'
import { json, stubFetch } from '../dashboard/mockFetch.ts'
import { CustodianForm } from './CustodianForm.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const komainu: Custodian = {
  id: 7,
  slug: 'komainu',
  name: 'Komainu',
  legal_entity: 'Komainu (Jersey) Limited',
  licences: [{ name: 'Registration', regulator: 'JFSC', jurisdiction: 'JE' }],
  qualified_custodian: false,
  regions: ['JE'],
  key_management: [],
  staking: true,
  settlement_network: '',
  fee_model: '',
  notes: '',
  provenance: { staking: { source: 'Industry article', verified_on: '2025-09-30' } },
  version: 4,
  created_at: '',
  updated_at: '',
}

describe('custodian form', () => {
  it('sends the version it started from and offers a reload on a conflict', async () => {
    const calls = stubFetch({
      'PUT /api/v1/custodians/7': () => json({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'the custodian was changed by someone else (version 5, you sent 4); reload it' }, 409),
    })
    const onReload = vi.fn()
    render(<CustodianForm custodian={komainu} onSaved={() => {}} onCancel={() => {}} onReload={onReload} />)
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(await screen.findByText('Someone else changed this custodian since you opened it.')).toBeTruthy()
    const body = calls[0].body as Record<string, unknown>
    expect(body.version).toBe(4)
    expect(body.provenance).toEqual({ staking: { source: 'Industry article', verified_on: '2025-09-30' } })
    fireEvent.click(screen.getByRole('button', { name: 'Reload the current version' }))
    expect(onReload).toHaveBeenCalled()
  })

  it('shows the server reasons next to the fields they name', async () => {
    stubFetch({
      'POST /api/v1/custodians': () =>
        json(
          {
            type: 'about:blank',
            title: 'Bad Request',
            status: 400,
            errors: [
              { field: 'slug', reason: 'must be lower-case letters and digits separated by single hyphens' },
              { field: 'regions', reason: 'name at least one region' },
              { field: 'provenance', reason: 'the source of regions is required' },
              { field: 'provenance', reason: 'verified_on of staking must be a date (YYYY-MM-DD)' },
            ],
          },
          400,
        ),
    })
    render(<CustodianForm onSaved={() => {}} onCancel={() => {}} />)
    fireEvent.change(screen.getByLabelText('Slug'), { target: { value: 'Bad Slug' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create custodian' }))
    expect(await screen.findByText('must be lower-case letters and digits separated by single hyphens')).toBeTruthy()
    expect(screen.getByLabelText('Slug').getAttribute('aria-describedby')).toBeTruthy()
    expect(screen.getByText('name at least one region')).toBeTruthy()
    expect(screen.getByText('the source of regions is required')).toBeTruthy()
    expect(screen.getByText('verified_on of staking must be a date (YYYY-MM-DD)')).toBeTruthy()
    expect(screen.getByText(/4 fields need attention/)).toBeTruthy()
  })
})
