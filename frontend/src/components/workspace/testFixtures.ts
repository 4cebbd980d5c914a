// A small workspace for the component tests: two candidates, two criteria,
// one checklist section.
import { vi } from 'vitest'
import { record, type Call } from '../dashboard/mockFetch.ts'
import type { Assessment, Workspace } from '../../api.ts'

function assessment(id: number, name: string, rank: number, total: number, extra: Partial<Assessment> = {}): Assessment {
  return {
    custodian: { id, slug: name.toLowerCase(), name, qualified_custodian: true, regions: ['US'], staking: true },
    answers: [
      { item_id: 11, status: 'pending', note: '', version: 0, updated_by: null, updated_at: null },
      { item_id: 12, status: 'met', note: 'Seen the report.', version: 3, updated_by: 1, updated_at: '2026-11-01T10:00:00Z' },
    ],
    scores: [],
    red_flags: [],
    evidence: [],
    completion: { answered: 1, to_confirm: 0, total: 2, percent: 50 },
    weighted_total: total,
    rank,
    assurance: [],
    ...extra,
  }
}

export function makeWorkspace(): Workspace {
  return {
    evaluation: {
      id: 7,
      team_id: 1,
      title: 'Fund III custody',
      template_id: 1,
      owner_name: 'Olivia Officer',
      submitted_by_name: null,
      mandate: { regions: ['US'], qualified_custodian_required: true, assets: ['BTC'], staking_required: false, expected_assets_under_custody_usd: 1000 },
      owner_id: 1,
      due_date: null,
      status: 'draft',
      version: 4,
      round: 0,
      submitted_by: null,
      submitted_at: null,
      snapshot_hash: '',
      approved_at: null,
      created_at: '2026-11-01T09:00:00Z',
      updated_at: '2026-11-01T09:00:00Z',
    },
    template: {
      id: 1,
      family: 'default',
      version: 1,
      name: 'Test template',
      description: '',
      created_at: '2026-11-01T00:00:00Z',
      criteria: [
        { key: 'liquidity', name: 'Liquidity', description: 'Depth of markets', weight: 60 },
        { key: 'security', name: 'Security', description: 'Key management', weight: 40 },
      ],
      sections: [
        {
          key: 'reg',
          title: 'Regulatory fit',
          items: [
            { id: 11, key: 'reg.charter', prompt: 'Does it hold a charter?', guidance: 'Check the register.', evidence_required: true, required_document_kind: '' },
            { id: 12, key: 'reg.soc', prompt: 'Is there a current SOC report?', guidance: '', evidence_required: false, required_document_kind: 'soc2_type2' },
          ],
        },
      ],
      red_flags: [],
    },
    assessments: [
      assessment(1, 'Alpha Custody', 2, 48, {
        scores: [
          { criterion: 'liquidity', score: 4, rationale: 'Deep books', updated_by: 1, updated_at: '2026-11-01T10:00:00Z' },
          { criterion: 'security', score: 0, rationale: 'Hot wallets only', updated_by: 1, updated_at: '2026-11-01T10:00:00Z' },
        ],
      }),
      assessment(2, 'Beta Trust', 1, 92, {
        scores: [
          { criterion: 'liquidity', score: 5, rationale: 'Best in class', updated_by: 1, updated_at: '2026-11-01T10:00:00Z' },
          { criterion: 'security', score: 4, rationale: 'HSM and MPC', updated_by: 1, updated_at: '2026-11-01T10:00:00Z' },
        ],
      }),
    ],
    ranking: [
      { rank: 1, custodian_id: 2, name: 'Beta Trust', weighted_total: 92 },
      { rank: 2, custodian_id: 1, name: 'Alpha Custody', weighted_total: 48 },
    ],
    shortlist: [],
    approvals: [],
    approvals_required: 1,
    approvals_received: 0,
    submit_blockers: [],
    sensitivity: null,
  }
}

/** mockFetch answers every request with one JSON response and records the calls. */
export function mockFetch(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: Call[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push(await record(input, init))
    const type = status >= 400 ? 'application/problem+json' : 'application/json'
    return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type, ...headers } })
  })
  vi.stubGlobal('fetch', fn)
  return calls
}

/** The method, path, headers and body of one recorded fetch call. */
export function callOf(calls: Call[], i = 0): Call {
  return calls[i]
}
