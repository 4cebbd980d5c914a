import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Custodian } from '../api.ts'
import { RouterProvider } from '../router.tsx'
import { SessionProvider } from '../session.tsx'
import { NewEvaluationPage } from './NewEvaluation.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

function custodian(id: number, name: string, qualified: boolean, regions: string[], staking: boolean): Custodian {
  return {
    id,
    slug: name.toLowerCase().replace(/ /g, '-'),
    name,
    legal_entity: name + ' Ltd',
    licences: [],
    qualified_custodian: qualified,
    regions,
    key_management: [],
    staking,
    settlement_network: '',
    fee_model: '',
    notes: '',
    provenance: {},
    version: 1,
    created_at: '',
    updated_at: '',
  }
}

const me = {
  user: { id: 1, email: 'officer@example.com', name: 'Olivia Officer', disabled: false, created_at: '', updated_at: '' },
  memberships: [{ team_id: 1, team_name: 'Demo Treasury', user_id: 1, user_email: 'officer@example.com', user_name: 'Olivia Officer', role: 'officer', created_at: '' }],
  csrf_token: 't',
}

function routes(post: { status: number; body: unknown }) {
  const fn = vi.fn(async (url: string, init?: RequestInit) => {
    const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
    if (url === '/api/v1/me') return json(200, me)
    if (url === '/api/v1/templates') return json(200, { items: [{ id: 1, family: 'default', version: 1, name: 'Default', description: '', created_at: '2026-01-01T00:00:00Z' }] })
    if (url.startsWith('/api/v1/custodians'))
      return json(200, {
        items: [custodian(1, 'Komainu', false, ['EU', 'UK', 'MENA'], true), custodian(2, 'Sygnum Bank', true, ['EU', 'APAC', 'CH', 'SG'], true)],
        next_cursor: '',
      })
    if (url === '/api/v1/evaluations' && init?.method === 'POST') return json(post.status, post.body)
    return json(404, { title: 'Not Found', status: 404 })
  })
  vi.stubGlobal('fetch', fn)
  return fn
}

function renderPage() {
  return render(
    <RouterProvider>
      <SessionProvider>
        <NewEvaluationPage />
      </SessionProvider>
    </RouterProvider>,
  )
}

describe('NewEvaluationPage', () => {
  it('shows the mandate-fit flags as soon as candidates are chosen', async () => {
    routes({ status: 400, body: {} })
    const user = userEvent.setup()
    renderPage()
    await user.click(await screen.findByRole('checkbox', { name: 'SG' }))
    await user.click(screen.getByRole('checkbox', { name: 'Qualified custodian required' }))
    await user.click(screen.getByRole('checkbox', { name: 'Komainu' }))
    expect(screen.getByText(/will be raised automatically/)).toBeTruthy()
    expect(screen.getByText('The mandate requires a qualified custodian; the catalogue does not list Komainu as one.')).toBeTruthy()
    expect(screen.getByText('The mandate covers SG; the catalogue lists no licence or presence of Komainu there.')).toBeTruthy()
    await user.click(screen.getByRole('checkbox', { name: 'Sygnum Bank' }))
    expect(screen.queryByText(/Sygnum Bank there/)).toBeNull()
  })

  it('shows the server reasons next to the fields', async () => {
    const fetch = routes({
      status: 400,
      body: {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        errors: [
          { field: 'title', reason: 'is required' },
          { field: 'mandate.regions', reason: 'name at least one region' },
          { field: 'custodian_ids', reason: 'name between 2 and 20 candidate custodians' },
        ],
      },
    })
    const user = userEvent.setup()
    renderPage()
    await user.click(await screen.findByRole('checkbox', { name: 'Komainu' }))
    await user.click(screen.getByRole('button', { name: 'Open evaluation' }))
    expect(await screen.findByText('name at least one region')).toBeTruthy()
    expect(screen.getByText('name between 2 and 20 candidate custodians')).toBeTruthy()
    const title = screen.getByRole('textbox', { name: 'Title' })
    expect(document.getElementById(title.getAttribute('aria-describedby')!)?.textContent).toBe('is required')
    const post = fetch.mock.calls.find(([u, i]) => u === '/api/v1/evaluations' && i?.method === 'POST')!
    expect(JSON.parse(post[1]!.body as string)).toMatchObject({ team_id: 1, template_id: 1, custodian_ids: [1], due_date: null })
  })
})
