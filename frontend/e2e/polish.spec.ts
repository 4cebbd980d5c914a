import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test'
import { checkA11y, password, shot, signIn } from './helpers.ts'

// Issue 13's finishing touches (items 2, 9, 10, 13, 14) and issue 10's
// dashboard, in a real browser against the real server. Each test opens what
// it needs of its own.

/** apiAs signs a user in through the API in a context of its own; answers the context and the CSRF token. */
async function apiAs(browser: Browser, email: string): Promise<{ request: APIRequestContext; csrf: string; close: () => Promise<void> }> {
  const ctx = await browser.newContext()
  const res = await ctx.request.post('/api/v1/session', { data: { email, password } })
  expect(res.status()).toBe(201)
  return { request: ctx.request, csrf: (await res.json()).csrf_token, close: () => ctx.close() }
}

/** A draft opened through the API by the user of request. */
async function openDraft(request: APIRequestContext, csrf: string, title: string): Promise<{ id: number; custodians: number[] }> {
  const me = await (await request.get('/api/v1/me')).json()
  const team = me.memberships.find((m: { role: string }) => m.role === 'officer').team_id
  const templates = (await (await request.get('/api/v1/templates')).json()).items
  const template = templates.find((t: { family: string }) => t.family === 'default') ?? templates[0]
  const custodians = (await (await request.get('/api/v1/custodians?limit=100')).json()).items.slice(0, 2).map((c: { id: number }) => c.id)
  const res = await request.post('/api/v1/evaluations', {
    headers: { 'X-CSRF-Token': csrf },
    data: { team_id: team, title, template_id: template.id, mandate: { regions: ['US'], qualified_custodian_required: false, assets: [], staking_required: false, expected_assets_under_custody_usd: 0 }, custodian_ids: custodians },
  })
  expect(res.status()).toBe(201)
  return { id: (await res.json()).evaluation.id, custodians }
}

async function openEvaluation(page: Page, title: string) {
  await signIn(page, 'officer@example.com', '/evaluations/new')
  await page.getByLabel('Title', { exact: true }).fill(title)
  await page.getByRole('checkbox', { name: 'US', exact: true }).check()
  await page.getByRole('checkbox', { name: 'Coinbase Prime Custody' }).check()
  await page.getByRole('checkbox', { name: 'Anchorage Digital Bank' }).check()
  await page.getByRole('button', { name: 'Open evaluation' }).click()
  await expect(page).toHaveURL(/\/evaluations\/\d+/)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
}

test('the dashboard lists only my own open evaluations, with counts that match and link to the lists', async ({ page, browser }) => {
  const other = await apiAs(browser, 'officer2@example.com')
  const theirs = `Another officer's draft ${Date.now()}`
  await openDraft(other.request, other.csrf, theirs)
  await other.close()

  await signIn(page, 'officer@example.com')
  const open = page.getByRole('region', { name: 'My open evaluations' })
  await expect(open.getByRole('listitem').first()).toBeVisible()
  await expect(page.getByText(theirs)).toHaveCount(0)
  const items = await open.getByRole('listitem').count()
  const count = page.getByRole('link', { name: /^\d+ my open evaluations$/ })
  await expect(count).toHaveText(new RegExp(`^${items} `))
  await expect(count).toHaveAttribute('href', /\/evaluations\?preparer=\d+$/)
  // Every listed evaluation shows its completion.
  await expect(open.getByRole('progressbar')).toHaveCount(items)
  await expect(page.getByRole('link', { name: /^\d+ relationships$/ })).toHaveAttribute('href', '/relationships')
  await expect(page.getByRole('link', { name: /^\d+ reviews overdue$/ })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Open red flags by severity' }).getByRole('img')).toHaveAttribute('aria-label', /^Open red flags in my open evaluations: \d+ critical, \d+ high, \d+ medium, \d+ low\.$/)
  await expect(page.getByRole('region', { name: 'Reviews due' }).getByRole('img')).toBeVisible()
  await shot(page, '30-dashboard-counts')
  await checkA11y(page, 'dashboard with counts')

  // The count's link opens the evaluations I prepared.
  await count.click()
  await expect(page).toHaveURL(/\/evaluations\?preparer=\d+/)
  await expect(page.getByText(theirs)).toHaveCount(0)
})

test('New evaluation: messages are sentences, mark the candidate list, and go once the field is fixed', async ({ page }) => {
  await signIn(page, 'officer@example.com', '/evaluations/new')
  await page.getByRole('button', { name: 'Open evaluation' }).click()
  const title = page.getByLabel('Title', { exact: true })
  await expect(page.getByText('Title is required.')).toBeVisible()
  const messages = await page.locator('.field-error').allTextContents()
  expect(messages.length).toBeGreaterThan(1)
  for (const m of messages) expect(m, 'a message is a sentence').toMatch(/^[A-Z].*\.$/)
  // The candidates' message marks the list, not the search box.
  await expect(page.getByRole('list', { name: 'Catalogue' })).toHaveClass(/pick-list-invalid/)
  await expect(page.getByRole('searchbox', { name: 'Search the catalogue' })).toHaveCSS('border-top-color', 'rgb(184, 192, 204)')
  await shot(page, '31-new-evaluation-errors')
  await checkA11y(page, 'new evaluation, errors')

  await title.fill('Errors go stale no more')
  await expect(page.getByText('Title is required.')).toHaveCount(0)
  await page.getByRole('checkbox', { name: 'Coinbase Prime Custody' }).check()
  await page.getByRole('checkbox', { name: 'Anchorage Digital Bank' }).check()
  await expect(page.getByRole('list', { name: 'Catalogue' })).not.toHaveClass(/pick-list-invalid/)
  await expect(page.locator('#ne-candidates-err')).toHaveCount(0)
  // The region's message stays until a region is chosen.
  await expect(page.getByText('Name at least one region.')).toBeVisible()
  await page.getByRole('checkbox', { name: 'US', exact: true }).check()
  await expect(page.getByText('Name at least one region.')).toHaveCount(0)
  await expect(page.getByText('The evaluation was not opened: fix the fields marked in red.')).toHaveCount(0)

  // The template select fits its card at 1280 px.
  const select = await page.getByLabel('Template').boundingBox()
  const card = await page.getByRole('region', { name: 'Details' }).boundingBox()
  expect(select!.x + select!.width).toBeLessThanOrEqual(card!.x + card!.width)
})

test('at 768 px the user and Sign out sit on their own row, the navigation on one line; the sign-in page makes no 401', async ({ page }) => {
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  const me: string[] = []
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/me')) me.push(r.url())
  })
  await page.goto('/login')
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
  await expect(page.getByLabel('Password')).toBeVisible()
  expect(errors).toEqual([])
  expect(me).toEqual([])

  await page.setViewportSize({ width: 768, height: 900 })
  await signIn(page, 'admin@example.com')
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link')
  const boxes = await links.evaluateAll((as) => as.map((a) => a.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom, right: r.right })))
  expect(boxes.length).toBeGreaterThanOrEqual(4)
  // One line: every link at the same height.
  expect(new Set(boxes.map((b) => Math.round(b.top))).size).toBe(1)
  const out = await page.getByRole('button', { name: 'Sign out' }).boundingBox()
  const user = await page.locator('.topbar .who a[href="/account"]').boundingBox()
  // Who is signed in is above the links, not among them.
  expect(out!.y + out!.height).toBeLessThanOrEqual(boxes[0].top)
  expect(user!.y + user!.height).toBeLessThanOrEqual(boxes[0].top)
  await shot(page, '32-nav-768')
  await checkA11y(page, 'dashboard at 768', { narrow: false })
})

test('dark mode follows the system and passes axe; print shows the workspace without the app around it', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await openEvaluation(page, `Dark mode ${Date.now()}`)
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
  expect(bg).toBe('rgb(17, 22, 29)')
  await checkA11y(page, 'workspace overview, dark')
  await page.getByRole('tab', { name: /^Checklist/ }).click()
  await page.getByRole('group').filter({ has: page.getByRole('button', { name: 'Met', exact: true }) }).first().getByRole('button', { name: 'Met', exact: true }).click()
  await expect(page.getByRole('button', { name: 'Met', exact: true }).first()).toHaveAttribute('aria-pressed', 'true')
  await shot(page, '33-checklist-dark')
  await checkA11y(page, 'checklist, dark')
  await page.getByRole('tab', { name: 'Scores' }).click()
  await checkA11y(page, 'scores, dark')
  await page.goto('/')
  await expect(page.getByRole('region', { name: 'My open evaluations' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'My open evaluations' }).getByRole('progressbar').first()).toBeVisible()
  await shot(page, '34-dashboard-dark')
  await checkA11y(page, 'dashboard, dark')

  await page.emulateMedia({ colorScheme: 'light', media: 'print' })
  await page.goBack()
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await expect(page.locator('.topbar')).toBeHidden()
  await expect(page.locator('.tabs')).toBeHidden()
})

test('the checklist filters unanswered and not-met items and leads on to the next candidate; percentages are whole', async ({ page }) => {
  await openEvaluation(page, `Filter and next ${Date.now()}`)
  await page.getByRole('tab', { name: /^Checklist/ }).click()
  const picker = page.getByRole('group', { name: 'Candidate' })
  const first = await picker.getByRole('button', { pressed: true }).locator('.cand-btn-name').textContent()
  const items = page.getByRole('group').filter({ has: page.getByRole('button', { name: 'Met', exact: true }) })
  const all = await items.count()
  const prompt = await items.first().locator('.check-prompt').textContent()
  await items.first().getByRole('button', { name: 'Met', exact: true }).click()
  await expect(items.first().getByRole('button', { name: 'Met', exact: true })).toHaveAttribute('aria-pressed', 'true')

  const show = page.getByLabel('Show', { exact: true })
  await show.selectOption('open')
  await expect(items).toHaveCount(all - 1)
  await expect(page.getByText(prompt!, { exact: true })).toHaveCount(0)
  await show.selectOption('not_met')
  await expect(page.getByText('No item is answered Not met or Partly met.')).toBeVisible()
  await show.selectOption('all')
  await expect(items).toHaveCount(all)
  // One formatter: no percentage with decimals anywhere (1 of 29 is 3%, not 3.4%).
  expect(await page.locator('main').textContent()).not.toMatch(/\d\.\d+%/)

  const next = page.getByRole('link', { name: /^Next candidate: / })
  await next.scrollIntoViewIfNeeded()
  await shot(page, '35-checklist-next-candidate')
  const nextName = (await next.textContent())!.replace(/^Next candidate: /, '').replace(/ \(.*$/, '')
  expect(nextName).not.toBe(first)
  await next.click()
  await expect(picker.getByRole('button', { pressed: true })).toContainText(nextName)
  await expect(page).toHaveURL(/candidate=\d+/)
  // The last candidate has no next one.
  await expect(page.getByRole('link', { name: /^Next candidate: / })).toHaveCount(0)
})

test('an answer does not reload the workspace unless someone else changed it', async ({ page, browser }) => {
  await openEvaluation(page, `Reloads ${Date.now()}`)
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  await page.getByRole('tab', { name: /^Checklist/ }).click()
  const loads: number[] = []
  page.on('response', (r) => {
    if (r.request().method() === 'GET' && new URL(r.url()).pathname === `/api/v1/evaluations/${id}`) loads.push(r.status())
  })
  const items = page.getByRole('group').filter({ has: page.getByRole('button', { name: 'Met', exact: true }) })
  const writes = 4
  for (let i = 0; i < writes; i++) {
    const checked = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === `/api/v1/evaluations/${id}`)
    await items.nth(i).getByRole('button', { name: 'Met', exact: true }).click()
    await checked
    await expect(items.nth(i).getByRole('button', { name: 'Met', exact: true })).toHaveAttribute('aria-pressed', 'true')
  }
  const full = loads.filter((s) => s === 200).length
  console.log(`reloads: ${full} full workspace answers and ${loads.length - full} not-modified for ${writes} answers`)
  expect(loads).toEqual(Array(writes).fill(304))
  // The completion moved without a reload.
  await expect(page.getByRole('tab', { name: /^Checklist/ })).toContainText(/\d+%/)
  await expect(page.locator('.checklist-progress strong')).toHaveText(new RegExp(`^${writes} of \\d+ answered`))

  // Someone else answers in between: the next write's check brings their change.
  const other = await apiAs(browser, 'officer2@example.com')
  const ws = await (await other.request.get(`/api/v1/evaluations/${id}`)).json()
  const cand = await page.getByRole('group', { name: 'Candidate' }).getByRole('button', { pressed: true }).locator('.cand-btn-name').textContent()
  const a = ws.assessments.find((x: { custodian: { name: string } }) => x.custodian.name === cand)
  const item = a.answers[writes + 1].item_id
  const put = await other.request.put(`/api/v1/evaluations/${id}/custodians/${a.custodian.id}/answers/${item}`, {
    headers: { 'X-CSRF-Token': other.csrf },
    data: { status: 'not_applicable', note: '' },
  })
  expect(put.status()).toBe(200)
  await other.close()
  const fetched = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).pathname === `/api/v1/evaluations/${id}`)
  await items.nth(writes).getByRole('button', { name: 'Met', exact: true }).click()
  expect((await fetched).status()).toBe(200)
  await expect(items.nth(writes + 1).getByRole('button', { name: 'N/A', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.locator('.checklist-progress strong')).toHaveText(new RegExp(`^${writes + 2} of \\d+ answered`))
})

test('the score table says it scrolls at 768 px', async ({ page }) => {
  await openEvaluation(page, `Scroll hint ${Date.now()}`)
  await page.getByRole('tab', { name: 'Scores' }).click()
  await page.setViewportSize({ width: 768, height: 900 })
  await expect(page.getByText(/scroll sideways for every criterion/)).toBeVisible()
  await shot(page, '36-scores-768-hint')
  await page.setViewportSize({ width: 1280, height: 900 })
})

// A phone shows each page at its own width: what is wide (a table, the
// action list) scrolls inside its box, never the page sideways.
test('at 390 px the audit trail and the workspace fit the screen', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 800 })
  const pageWidth = () => page.evaluate(() => document.documentElement.scrollWidth)
  await signIn(page, 'auditor@example.com', '/audit')
  await expect(page.getByRole('table', { name: 'Audit events' })).toBeVisible()
  expect(await pageWidth()).toBeLessThanOrEqual(390)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await signIn(page, 'officer@example.com', '/evaluations')
  await page.getByRole('link', { name: '2027 custody RFP — Fund III' }).first().click()
  await expect(page.getByRole('tab', { name: 'Overview' })).toBeVisible()
  expect(await pageWidth()).toBeLessThanOrEqual(390)
  await page.setViewportSize({ width: 1280, height: 900 })
})
