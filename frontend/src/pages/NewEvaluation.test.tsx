import { cleanup, render, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Custodian, Region } from '../api.ts'
import { json, stubFetch } from '../components/dashboard/mockFetch.ts'
import { RouterProvider } from '../router.tsx'
import { SessionProvider } from '../session.tsx'
import { NewEvaluationPage } from './NewEvaluation.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

function custodian(id: number, name: string, qualified: boolean, regions: Region[], staking: boolean): Custodian {
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

// The server's answers. Mandate fit is the server's rule (POST
// /api/v1/mandate-fit, tested in Go): here it answers as the server does for
// a mandate of SG with a qualified custodian required.
const komainuFlags = [
  { rule: 'qualified_custodian', severity: 'critical', title: 'Not a qualified custodian', reason: 'The mandate requires a qualified custodian; the catalogue does not list Komainu as one.' },
  { rule: 'region_licence', severity: 'high', title: 'No licence for a mandate region', reason: 'The mandate covers SG; the catalogue lists no licence or presence of Komainu there.' },
]

function routes(post: { status: number; body: unknown }) {
  return stubFetch({
    'GET /api/v1/me': () => me,
    'GET /api/v1/templates': () => ({ items: [{ id: 1, family: 'default', version: 1, name: 'Default', description: '', created_at: '2026-01-01T00:00:00Z' }] }),
    'GET /api/v1/custodians': () => ({
      items: [custodian(1, 'Komainu', false, ['EU', 'UK', 'MENA'], true), custodian(2, 'Sygnum Bank', true, ['EU', 'APAC', 'CH', 'SG'], true)],
      next_cursor: '',
    }),
    'POST /api/v1/mandate-fit': (_, call) => {
      const ids = (call.body as { custodian_ids: number[] }).custodian_ids
      return { items: ids.map((id) => ({ custodian_id: id, name: id === 1 ? 'Komainu' : 'Sygnum Bank', flags: id === 1 ? komainuFlags : [] })) }
    },
    'POST /api/v1/evaluations': () => json(post.body, post.status),
  })
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
  it('shows the mandate-fit flags the server previews as soon as candidates are chosen', async () => {
    const calls = routes({ status: 400, body: {} })
    const user = userEvent.setup()
    renderPage()
    await user.click(await screen.findByRole('checkbox', { name: 'SG' }))
    await user.click(screen.getByRole('checkbox', { name: 'Qualified custodian required' }))
    await user.click(screen.getByRole('checkbox', { name: 'Komainu' }))
    // Generous deadlines: the preview is asked a moment after the last change.
    expect(await screen.findByText(/will be raised automatically/, {}, { timeout: 10_000 })).toBeTruthy()
    expect(screen.getByText('The mandate requires a qualified custodian; the catalogue does not list Komainu as one.')).toBeTruthy()
    expect(screen.getByText('The mandate covers SG; the catalogue lists no licence or presence of Komainu there.')).toBeTruthy()
    expect(screen.getByText('2 mandate-fit flags')).toBeTruthy()
    // The server was asked once the choices settled, with the mandate as it stands.
    const asked = calls.filter((c) => c.url === '/api/v1/mandate-fit')
    expect(asked.at(-1)?.body).toEqual({
      mandate: { regions: ['SG'], qualified_custodian_required: true, staking_required: false },
      custodian_ids: [1],
      template_id: 1,
    })
    await user.click(screen.getByRole('checkbox', { name: 'Sygnum Bank' }))
    await waitFor(() => expect((calls.filter((c) => c.url === '/api/v1/mandate-fit').at(-1)?.body as { custodian_ids: number[] }).custodian_ids).toEqual([1, 2]), { timeout: 10_000 })
    expect(screen.queryByText(/Sygnum Bank there/)).toBeNull()
    expect(screen.getAllByText(/mandate-fit flag/)).toHaveLength(1)
  })

  it('shows the server reasons next to the fields as sentences, each gone once its field changes', async () => {
    const calls = routes({
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
    expect(await screen.findByText('Name at least one region.')).toBeTruthy()
    expect(screen.getByText('Name between 2 and 20 candidate custodians.')).toBeTruthy()
    // The candidates' message marks the list, not the search box.
    expect(screen.getByRole('list', { name: 'Catalogue' }).getAttribute('aria-describedby')).toBe('ne-candidates-err')
    expect(screen.getByRole('searchbox', { name: 'Search the catalogue' }).closest('.field-invalid')).toBeNull()
    const title = screen.getByRole('textbox', { name: 'Title' })
    expect(document.getElementById(title.getAttribute('aria-describedby')!)?.textContent).toBe('Title is required.')
    const post = calls.find((c) => c.url === '/api/v1/evaluations' && c.method === 'POST')!
    expect(post.body).toMatchObject({ team_id: 1, template_id: 1, custodian_ids: [1], due_date: null })
    // Typing a title clears its message only.
    await user.type(title, 'Fund IV')
    expect(screen.queryByText('Title is required.')).toBeNull()
    expect(screen.getByText('Name at least one region.')).toBeTruthy()
    await user.click(screen.getByRole('checkbox', { name: 'Komainu' }))
    expect(screen.queryByText('Name between 2 and 20 candidate custodians.')).toBeNull()
    expect(screen.getByText('The evaluation was not opened: fix the fields marked in red.')).toBeTruthy()
  })
})
