import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import type { Custodian } from '../../api.ts'
import { stubFetch } from '../dashboard/mockFetch.ts'
import { CatalogueList, filtersFrom } from './CatalogueList.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

function custodian(id: number, name: string, extra: Partial<Custodian> = {}): Custodian {
  return {
    id,
    slug: name.toLowerCase().replace(/ /g, '-'),
    name,
    legal_entity: name + ' LLC',
    licences: [],
    qualified_custodian: true,
    regions: ['US'],
    key_management: ['cold_storage'],
    staking: false,
    settlement_network: '',
    fee_model: '',
    notes: '',
    provenance: {},
    version: 1,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    ...extra,
  }
}

const all = [custodian(1, 'Anchorage Digital Bank', { staking: true }), custodian(2, 'BitGo Custody', { regions: ['US', 'EU'] }), custodian(3, 'Komainu', { regions: ['EU', 'JE'], qualified_custodian: false, staking: true })]

function catalogue() {
  return stubFetch({
    'GET /api/v1/custodians': (url) => {
      const region = url.searchParams.get('region')
      const after = url.searchParams.get('after')
      if (after === 'c2') return { items: [all[2]], next_cursor: '' }
      const items = region ? all.filter((c) => c.regions.some((r) => r === region)) : all.slice(0, 2)
      return { items, next_cursor: region ? '' : 'c2' }
    },
  })
}

const rows = () => screen.getAllByRole('row').slice(1)

describe('catalogue filters', () => {
  it('refetches with region= when the region changes', async () => {
    const calls = catalogue()
    render(<CatalogueList initial={filtersFrom(new URLSearchParams())} />)
    expect(await screen.findByRole('link', { name: 'Anchorage Digital Bank' })).toBeTruthy()
    expect(calls[0].url).not.toContain('region=')

    fireEvent.change(screen.getByLabelText('Region'), { target: { value: 'EU' } })
    await waitFor(() => expect(calls.some((c) => c.url.includes('region=EU'))).toBe(true))
    expect(await screen.findByRole('link', { name: 'Komainu' })).toBeTruthy()
    expect(screen.queryByRole('link', { name: 'Anchorage Digital Bank' })).toBeNull()
    expect(window.location.search).toContain('region=EU')
  })

  it('sends qualified= and filters staking in the browser', async () => {
    const calls = catalogue()
    render(<CatalogueList initial={filtersFrom(new URLSearchParams())} />)
    await screen.findByRole('link', { name: 'BitGo Custody' })
    fireEvent.change(screen.getByLabelText('Qualified custodian'), { target: { value: 'false' } })
    await waitFor(() => expect(calls.at(-1)?.url).toContain('qualified=false'))

    fireEvent.change(screen.getByLabelText('Qualified custodian'), { target: { value: '' } })
    await waitFor(() => expect(rows()).toHaveLength(2))
    const before = calls.length
    fireEvent.change(screen.getByLabelText('Staking'), { target: { value: 'yes' } })
    expect(rows()).toHaveLength(1)
    expect(screen.getByRole('link', { name: 'Anchorage Digital Bank' })).toBeTruthy()
    expect(calls.length).toBe(before)
  })

  it('loads the next page with the cursor', async () => {
    const calls = catalogue()
    render(<CatalogueList initial={filtersFrom(new URLSearchParams())} />)
    await screen.findByRole('link', { name: 'BitGo Custody' })
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }))
    expect(await screen.findByRole('link', { name: 'Komainu' })).toBeTruthy()
    expect(calls.at(-1)?.url).toContain('after=c2')
    expect(rows()).toHaveLength(3)
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull()
  })
})
