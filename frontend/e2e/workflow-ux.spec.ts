import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test'
import { checkA11y, expectFocused, password, shot, signIn } from './helpers.ts'

// Issue 13's workflow changes in a real browser against the real server:
// withdrawing a submission, withdrawing a red flag raised by mistake,
// marking a checklist section met, and the audit trail's filters. The
// evaluations are set up through the API (as the web app would, with the
// session cookie and the CSRF token); what is tested is done in the page.

interface Item {
  id: number
  prompt: string
  evidence_required: boolean
}
interface Template {
  criteria: { key: string }[]
  sections: { key: string; title: string; items: Item[] }[]
}

/** apiAs signs in through the API and returns a request context with the session and the CSRF header. */
async function apiAs(email: string): Promise<APIRequestContext> {
  const base = process.env.CUSTOS_E2E_URL ?? 'http://127.0.0.1:8080'
  const anon = await request.newContext({ baseURL: base })
  const res = await anon.post('/api/v1/session', { data: { email, password } })
  expect(res.status()).toBe(201)
  const { csrf_token } = (await res.json()) as { csrf_token: string }
  const state = await anon.storageState()
  await anon.dispose()
  return request.newContext({ baseURL: base, storageState: state, extraHTTPHeaders: { 'X-CSRF-Token': csrf_token } })
}

async function ok(res: Promise<import('@playwright/test').APIResponse>, status = 200) {
  const r = await res
  expect(r.status(), await r.text()).toBe(status)
  return r.status() === 204 ? null : r.json()
}

async function treasuryId(api: APIRequestContext): Promise<number> {
  const me = (await ok(api.get('/api/v1/me'))) as { memberships: { team_id: number; team_name: string }[] }
  return me.memberships.find((m) => m.team_name === 'Demo Treasury')!.team_id
}

/** openDraft opens an evaluation of Coinbase Prime (1) and Anchorage (4) for the mandate. */
async function openDraft(api: APIRequestContext, title: string, regions = ['US']): Promise<{ id: number; template: Template }> {
  const ws = (await ok(
    api.post('/api/v1/evaluations', { data: { team_id: await treasuryId(api), title, template_id: 1, mandate: { regions }, custodian_ids: [1, 4] } }),
    201,
  )) as { evaluation: { id: number } }
  const template = (await ok(api.get('/api/v1/templates/1'))) as Template
  return { id: ws.evaluation.id, template }
}

/** submitted opens an evaluation, completes Coinbase Prime, shortlists and submits it. */
async function submitted(api: APIRequestContext, title: string): Promise<number> {
  const { id, template } = await openDraft(api, title)
  for (const s of template.sections)
    for (const it of s.items) {
      await ok(api.put(`/api/v1/evaluations/${id}/custodians/1/answers/${it.id}`, { data: { status: 'met', note: 'Checked.' } }))
      if (it.evidence_required)
        await ok(
          api.post(`/api/v1/evaluations/${id}/custodians/1/answers/${it.id}/evidence`, {
            multipart: { file: { name: 'proof.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n') } },
          }),
          201,
        )
    }
  for (const c of template.criteria) await ok(api.put(`/api/v1/evaluations/${id}/custodians/1/scores/${c.key}`, { data: { score: 4, rationale: 'Reviewed.' } }))
  const ws = (await ok(api.get(`/api/v1/evaluations/${id}`))) as { assessments: { custodian: { id: number }; red_flags: { id: number; status: string; severity: string }[] }[] }
  for (const a of ws.assessments)
    for (const f of a.red_flags)
      if (a.custodian.id === 1 && f.status === 'open' && f.severity === 'critical')
        await ok(api.patch(`/api/v1/evaluations/${id}/red-flags/${f.id}`, { data: { status: 'accepted', resolution: 'Accepted by committee.' } }))
  await ok(api.put(`/api/v1/evaluations/${id}/shortlist`, { data: { entries: [{ custodian_id: 1, rank: 1, rationale: 'Best fit.' }] } }))
  await ok(api.post(`/api/v1/evaluations/${id}/submit`))
  return id
}

async function openTab(page: Page, name: string) {
  await page.getByRole('tab', { name: new RegExp('^' + name) }).click()
  await expect(page.getByRole('tab', { name: new RegExp('^' + name) })).toHaveAttribute('aria-selected', 'true')
}

test('the submitter withdraws a submission before any decision, after a confirmation', async ({ page }) => {
  const api = await apiAs('officer@example.com')
  const title = `Withdraw me ${Date.now()}`
  const id = await submitted(api, title)

  await signIn(page, 'officer@example.com', `/evaluations/${id}`)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await openTab(page, 'Approval')
  // The submitter cannot decide: a read-only panel says who can, by name.
  await expect(page.getByRole('heading', { name: 'Who decides' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0)
  const deciders = page.getByRole('list', { name: 'Managers who can decide' })
  await expect(deciders).toContainText('Maya Manager')
  await expect(deciders).toContainText('Mateo Manager')
  await expect(deciders).not.toContainText('Olivia Officer')
  await checkA11y(page, 'approval, submitter')

  let withdrawn = 0
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith(`/evaluations/${id}/withdraw`)) withdrawn++
  })
  await page.getByRole('button', { name: 'Withdraw submission' }).click()
  const dialog = page.getByRole('dialog', { name: 'Withdraw this submission?' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused()
  await checkA11y(page, 'withdraw confirmation', { narrow: false })
  expect(withdrawn).toBe(0)
  await dialog.getByRole('button', { name: 'Withdraw', exact: true }).click()
  await expect(page.getByText('Draft', { exact: true }).first()).toBeVisible()
  expect(withdrawn).toBe(1)
  // The button went with the submission: the focus is on the note that
  // says it is a draft again, not dropped to the top of the page.
  const note = page.getByRole('status').filter({ hasText: 'Submission withdrawn: this evaluation is a draft again.' })
  await expectFocused(note)
  await shot(page, '29-submission-withdrawn')
  // A draft again, unlocked: the submit tab is back.
  await expect(page.getByRole('tab', { name: /^Submit/ })).toBeVisible()
  // The history tab tells it in words.
  await openTab(page, 'History')
  await expect(page.getByRole('list', { name: 'History of this evaluation' }).getByRole('listitem').first()).toContainText('withdrew a submission before any decision')
  await shot(page, '30-history-after-withdrawal')
  await checkA11y(page, 'evaluation history')

  // A decision of an earlier round (a return) does not stop the submitter
  // withdrawing the next round; the service refuses one after a decision
  // of the same round (its own tests).
  await ok(api.post(`/api/v1/evaluations/${id}/submit`))
  const manager = await apiAs('manager@example.com')
  await ok(manager.post(`/api/v1/evaluations/${id}/return`, { data: { comment: 'Attach the insurance letter.' } }))
  await ok(api.post(`/api/v1/evaluations/${id}/submit`))
  await page.reload()
  await openTab(page, 'Approval')
  await expect(page.getByRole('button', { name: 'Withdraw submission' })).toBeVisible()
  await api.dispose()
  await manager.dispose()
})

test('a red flag raised by mistake is withdrawn with a reason; mandate-fit flags cannot be', async ({ page }) => {
  const api = await apiAs('officer@example.com')
  // Singapore only: the US candidates get mandate-fit flags by themselves.
  const { id } = await openDraft(api, `Flag withdrawal ${Date.now()}`, ['SG'])
  const ws = (await ok(api.get(`/api/v1/evaluations/${id}`))) as { assessments: { custodian: { id: number }; red_flags: { mandate_rule: string | null }[] }[] }
  const flagged = ws.assessments.find((a) => a.red_flags.some((f) => f.mandate_rule !== null))
  expect(flagged, 'mandate fit raised a flag for a Singapore-only mandate').toBeTruthy()
  await signIn(page, 'officer@example.com', `/evaluations/${id}?tab=flags&candidate=${flagged!.custodian.id}`)
  await expect(page.getByRole('tab', { name: /^Red flags/ })).toHaveAttribute('aria-selected', 'true')

  // Raising defaults to the least severe entry of the catalogue, never a critical one.
  const form = page.getByRole('form', { name: 'Raise a red flag' })
  const chosen = await form.getByLabel('Red flag').evaluate((s: HTMLSelectElement) => s.options[s.selectedIndex].text)
  expect(chosen).not.toContain('(critical)')
  await form.getByLabel('Custom').check()
  await expect(form.getByLabel('Severity')).not.toHaveValue('critical')
  await form.getByLabel('Title').fill('Wrong custodian')
  await form.getByRole('button', { name: 'Raise flag' }).click()
  await expect(form.getByRole('status')).toContainText('Raised “Wrong custodian”')

  const flag = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Wrong custodian' }) })
  await flag.getByRole('button', { name: 'Withdraw (raised by mistake)' }).click()
  await flag.getByRole('button', { name: 'Withdraw flag' }).click()
  await expect(flag.getByText('say why the flag was raised by mistake')).toBeVisible()
  await flag.getByLabel('Reason for withdrawing').fill('Raised on the wrong candidate.')
  await flag.getByRole('button', { name: 'Withdraw flag' }).click()
  await expect(flag.getByText('Withdrawn', { exact: true })).toBeVisible()
  await expect(flag.getByText('Raised on the wrong candidate.')).toBeVisible()
  await expect(flag.getByRole('heading', { name: 'Wrong custodian' })).toHaveCSS('text-decoration-line', 'line-through')
  await expect(flag.getByRole('button', { name: 'Reopen' })).toHaveCount(0)
  // Its form is gone: the focus stays on the withdrawn flag.
  await expect(flag).toBeFocused()

  // The flags mandate fit raised offer no withdrawal.
  const auto = page.getByRole('listitem').filter({ hasText: 'Raised by mandate fit' })
  await expect(auto.first()).toBeVisible()
  await expect(auto.getByRole('button', { name: 'Withdraw (raised by mistake)' })).toHaveCount(0)
  await shot(page, '31-red-flag-withdrawn')
  await checkA11y(page, 'red flags with a withdrawn flag')
  await api.dispose()
})

test('"Mark section met" marks the unanswered items in one request and names the skipped evidence items', async ({ page }) => {
  const api = await apiAs('officer@example.com')
  const { id, template } = await openDraft(api, `Section met ${Date.now()}`)
  const section = template.sections.find((s) => s.items.some((i) => i.evidence_required) && s.items.filter((i) => !i.evidence_required).length > 1)!
  const plain = section.items.filter((i) => !i.evidence_required)
  const needing = section.items.filter((i) => i.evidence_required)
  // One item already answered Not met keeps its answer.
  await ok(api.put(`/api/v1/evaluations/${id}/custodians/1/answers/${plain[0].id}`, { data: { status: 'not_met', note: 'No SOC 1.' } }))

  await signIn(page, 'officer@example.com', `/evaluations/${id}?tab=checklist&candidate=1`)
  const sec = page.getByRole('region', { name: new RegExp('^' + section.title) })
  const button = sec.getByRole('button', { name: `Mark section met (${plain.length - 1}) — ${section.title}` })
  let bulk = 0
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith(`/sections/${section.key}/met`)) bulk++
  })
  await button.click()
  const dialog = page.getByRole('dialog', { name: `Mark “${section.title}” met?` })
  await expect(dialog).toContainText(needing[0].prompt)
  await checkA11y(page, 'mark section met confirmation', { narrow: false })
  await dialog.getByRole('button', { name: 'Mark met' }).click()
  await expect(sec.getByRole('status')).toContainText(`Marked ${plain.length - 1} item${plain.length - 1 === 1 ? '' : 's'} met.`)
  // The button is gone: the focus is on what happened, not dropped to the page.
  await expect(sec.getByRole('status')).toBeFocused()
  await expect(sec.getByRole('status')).toContainText('Skipped, as they need evidence')
  expect(bulk).toBe(1)
  const row = (it: Item) => page.locator(`#item-1-${it.id}`)
  for (const it of plain.slice(1)) await expect(row(it).getByRole('button', { name: 'Met', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await expect(row(plain[0]).getByRole('button', { name: 'Not met', exact: true })).toHaveAttribute('aria-pressed', 'true')
  for (const it of needing) await expect(row(it).getByRole('button', { name: 'Met', exact: true })).toHaveAttribute('aria-pressed', 'false')

  // An answer can go back to unanswered.
  await row(plain[1]).getByRole('button', { name: 'Back to unanswered' }).click()
  await expect(row(plain[1]).getByRole('button', { name: 'Met', exact: true })).toHaveAttribute('aria-pressed', 'false')
  await shot(page, '32-section-marked-met')
  await checkA11y(page, 'checklist after marking a section met')
  await api.dispose()
})

test('the audit trail filters by action, evaluation, actor and dates on the server, and explains the gaps', async ({ page }) => {
  const api = await apiAs('officer@example.com')
  const title = `Audit filters ${Date.now()}`
  const { id, template } = await openDraft(api, title)
  const item = template.sections[0].items[0]
  await ok(api.put(`/api/v1/evaluations/${id}/custodians/1/answers/${item.id}`, { data: { status: 'met', note: '' } }))
  const flag = (await ok(api.post(`/api/v1/evaluations/${id}/custodians/1/red-flags`, { data: { title: 'Mistake', severity: 'low' } }), 201)) as { id: number }
  await ok(api.post(`/api/v1/evaluations/${id}/red-flags/${flag.id}/withdraw`, { data: { reason: 'Raised by mistake.' } }))

  await signIn(page, 'auditor@example.com', '/audit')
  const rows = page.getByRole('table', { name: 'Audit events' }).locator('tbody tr')
  await expect(rows.first()).toBeVisible()
  await expect(page.getByTestId('gap-note')).toContainText('a gap is not a deleted event')

  const queries: URL[] = []
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/audit?')) queries.push(new URL(r.url()))
  })
  await page.getByLabel('Evaluation number').fill(String(id))
  await expect(rows).toHaveCount(4) // create, answer, raise, withdraw
  await page.getByLabel('Action').selectOption('red_flag.withdraw')
  await expect(rows).toHaveCount(1)
  await expect(rows.first()).toContainText('withdrew a red flag raised by mistake')
  await expect.poll(() => queries.some((q) => q.searchParams.get('action') === 'red_flag.withdraw' && q.searchParams.get('evaluation') === String(id))).toBe(true)

  // The filters are in the address: a reload keeps them (as a bookmark or a
  // shared link would), and Back returns to the filter before.
  await expect.poll(() => new URL(page.url()).searchParams.get('action')).toBe('red_flag.withdraw')
  expect(new URL(page.url()).searchParams.get('evaluation')).toBe(String(id))
  await page.reload()
  await expect(page.getByLabel('Action')).toHaveValue('red_flag.withdraw')
  await expect(page.getByLabel('Evaluation number')).toHaveValue(String(id))
  await expect(rows).toHaveCount(1)
  await page.goBack()
  await expect(page.getByLabel('Action')).toHaveValue('')
  await expect(page.getByLabel('Evaluation number')).toHaveValue(String(id))
  await expect(rows).toHaveCount(4)
  expect(new URL(page.url()).searchParams.get('action')).toBeNull()

  await page.getByLabel('Action').selectOption('')
  await page.getByLabel('Who').selectOption({ label: 'officer@example.com' })
  await expect(rows).toHaveCount(4)
  await expect.poll(() => queries.some((q) => !!q.searchParams.get('actor') && q.searchParams.get('evaluation') === String(id))).toBe(true)
  const today = new Date().toISOString().slice(0, 10)
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
  await page.getByLabel('From').fill(today)
  await page.getByLabel('To').fill(today)
  await expect(rows).toHaveCount(4)
  await page.getByLabel('To').fill('')
  await page.getByLabel('From').fill(tomorrow)
  await expect(page.getByText('No event matches these filters.')).toBeVisible()
  await shot(page, '33-audit-filters')
  await checkA11y(page, 'audit filters')
  await page.getByRole('button', { name: 'Clear filters' }).click()
  await expect(rows.first()).toBeVisible()
  expect(new URL(page.url()).searchParams.get('from')).toBeNull()

  // An address edited by hand does not break the page: a word for a number
  // is left out, and dates in the wrong order get the server's reason.
  await page.goto(`/audit?evaluation=abc&actor=x&from=${tomorrow}&to=${today}`)
  await expect(page.getByRole('alert')).toContainText('is before from')
  await expect(page.getByLabel('Evaluation number')).toHaveValue('')
  await expect(page.getByLabel('Who')).toHaveValue('')
  await expect(page.getByLabel('From')).toHaveValue(tomorrow)
  await page.getByLabel('From').fill('')
  await expect(rows.first()).toBeVisible()
  await api.dispose()
})
