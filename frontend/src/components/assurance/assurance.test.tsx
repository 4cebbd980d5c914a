import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import type { AssuranceDocument } from '../../api.ts'
import { json, stubFetch } from '../dashboard/mockFetch.ts'
import { AssurancePanel } from './AssurancePanel.tsx'
import { DocumentsDueTile } from './DocumentsDueTile.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const soc: AssuranceDocument = {
  id: 9, team_id: 1, custodian_id: 4, custodian_name: 'Anchorage Digital Bank', kind: 'soc2_type2', issuer: 'KPMG LLP',
  period_start: '2024-08-01', period_end: '2025-07-31', valid_until: null, issued_on: '2025-09-30', opinion: 'unqualified',
  scope: 'Custody operations', carve_outs: '', cuecs: [{ id: 1, text: 'Clients restrict withdrawal approvers.', confirmed: false, confirmed_by: null, confirmed_at: null }],
  file: null, status: 'active', version: 1, created_by: 2, created_at: '', updated_at: '',
  freshness: { state: 'stale', until: '2026-07-31', reason: 'The SOC 2 Type II report is stale since 2026-08-01.' },
}

describe('the assurance panel', () => {
  it('shows the freshness badge, confirms a control and records a document with the fields of its kind', async () => {
    let docs = [soc]
    const calls = stubFetch({
      'GET /api/v1/teams/1/custodians/4/documents': () => ({ items: docs }),
      'POST /api/v1/teams/1/documents/9/cuecs/1/confirm': () => {
        docs = [{ ...soc, version: 2, cuecs: [{ ...soc.cuecs[0], confirmed: true, confirmed_by: 2, confirmed_at: '2026-11-26T09:00:00Z' }] }]
        return docs[0]
      },
      'POST /api/v1/teams/1/custodians/4/documents': () => {
        const ins: AssuranceDocument = { ...soc, id: 10, kind: 'insurance', issuer: 'Lloyd’s', period_start: null, period_end: null,
          valid_until: '2027-12-31', opinion: null, cuecs: [], freshness: { state: 'fresh', until: '2027-12-31', reason: '' } }
        docs = [ins, ...docs]
        return json(ins, 201)
      },
    })
    const changed = vi.fn()
    render(<AssurancePanel teamId={1} custodianId={4} custodianName="Anchorage Digital Bank" canWrite onChanged={changed} />)
    const item = await screen.findByRole('listitem', { name: 'SOC 2 Type II report' })
    expect(within(item).getByText('Stale')).toBeTruthy()
    expect(within(item).getByText(/is stale since 2026-08-01/)).toBeTruthy()

    fireEvent.click(within(item).getByRole('checkbox', { name: 'Clients restrict withdrawal approvers.' }))
    expect(await screen.findByText(/confirmed 26 Nov 2026/)).toBeTruthy()
    expect(calls.find((c) => c.url.endsWith('/cuecs/1/confirm'))?.body).toEqual({ confirmed: true })

    fireEvent.click(screen.getByRole('button', { name: 'Add a document' }))
    const form = screen.getByRole('form', { name: 'Add an assurance document' })
    expect(within(form).getByLabelText('Opinion')).toBeTruthy()
    fireEvent.change(within(form).getByLabelText('Kind'), { target: { value: 'insurance' } })
    expect(within(form).queryByLabelText('Opinion')).toBeNull()
    expect(within(form).queryByLabelText('Period start')).toBeNull()
    fireEvent.change(within(form).getByLabelText('Insurer'), { target: { value: 'Lloyd’s' } })
    fireEvent.change(within(form).getByLabelText('Valid until'), { target: { value: '2027-12-31' } })
    fireEvent.change(within(form).getByLabelText('Issued on'), { target: { value: '2026-01-01' } })
    fireEvent.click(within(form).getByRole('button', { name: 'Record document' }))
    const ins = await screen.findByRole('listitem', { name: 'Insurance certificate' })
    expect(within(ins).getByText('Fresh')).toBeTruthy()
    expect(calls.find((c) => c.method === 'POST' && c.url.endsWith('/custodians/4/documents'))?.body).toEqual({
      kind: 'insurance', issuer: 'Lloyd’s', issued_on: '2026-01-01', scope: '', carve_outs: '', valid_until: '2027-12-31',
    })
    expect(changed).toHaveBeenCalledTimes(2)
  })

  it('gives readers no form and no checkbox to tick', async () => {
    stubFetch({ 'GET /api/v1/teams/1/custodians/4/documents': () => ({ items: [soc] }) })
    render(<AssurancePanel teamId={1} custodianId={4} custodianName="Anchorage Digital Bank" canWrite={false} />)
    const box = await screen.findByRole('checkbox', { name: 'Clients restrict withdrawal approvers.' })
    expect((box as HTMLInputElement).disabled).toBe(true)
    expect(screen.queryByRole('button', { name: 'Add a document' })).toBeNull()
  })
})

describe('the documents-due tile', () => {
  it('counts expiring and lapsed documents and links each to its relationship', async () => {
    const iso: AssuranceDocument = { ...soc, id: 11, kind: 'iso27001', period_start: null, period_end: null, valid_until: '2027-01-05',
      opinion: null, cuecs: [], freshness: { state: 'expiring', until: '2027-01-05', reason: '' } }
    const calls = stubFetch({
      'GET /api/v1/teams/1/documents': () => ({ items: [soc, iso, { ...iso, id: 12, custodian_id: 7, custodian_name: 'BitGo', freshness: { state: 'expired', until: '2026-01-01', reason: '' } }] }),
      'GET /api/v1/teams/1/relationships': () => ({ items: [{ id: 3, custodian_id: 4 }], next_before: null }),
    })
    render(<DocumentsDueTile teamId={1} />)
    expect((await screen.findByTestId('docs-expiring')).textContent).toBe('1')
    expect(screen.getByTestId('docs-lapsed').textContent).toBe('2')
    expect(screen.getByRole('link', { name: 'Anchorage Digital Bank: SOC 2 Type II report' }).getAttribute('href')).toBe('/teams/1/relationships/3')
    expect(screen.getByRole('link', { name: 'BitGo: ISO 27001 certificate' }).getAttribute('href')).toBe('/relationships')
    expect(calls[0].url).toBe('/api/v1/teams/1/documents?due=true')
  })
})
