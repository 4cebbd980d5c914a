import AxeBuilder from '@axe-core/playwright'
import { expect, request, test, type Page } from '@playwright/test'
import { expectFocused, password, shot, signIn } from './helpers.ts'

// A custodian answers its questionnaire itself, from the link an officer
// made: on a phone (390 px) and on a desktop (1280 px), without an account,
// with no team navigation; then the officer reviews the answer.

const tinyPDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')

async function axe(page: Page, at: string) {
  const result = await new AxeBuilder({ page }).analyze()
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad.map((v) => `${v.id} on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), `axe-core on ${at}`).toEqual([])
}

test('a custodian answers on a phone and a desktop, submits, and the officer accepts', async ({ page, browser, baseURL }) => {
  // The officer opens a draft and invites a contact at its first candidate, through the API.
  const officer = await request.newContext({ baseURL })
  const session = await officer.post('/api/v1/session', { data: { email: 'officer@example.com', password } })
  expect(session.status()).toBe(201)
  const csrf = (await session.json()).csrf_token as string
  const me = await (await officer.get('/api/v1/me')).json()
  const team = me.memberships.find((m: { team_name: string }) => m.team_name === 'Demo Treasury').team_id
  const created = await officer.post('/api/v1/evaluations', {
    headers: { 'X-CSRF-Token': csrf },
    data: { team_id: team, title: 'Respondent e2e RFP', template_id: 1, mandate: { regions: ['US'] }, custodian_ids: [1, 2] },
  })
  expect(created.status()).toBe(201)
  const ws = (await created.json()).evaluation
  const sections = (await (await officer.get('/api/v1/templates/1')).json()).sections as { key: string }[]
  const invited = await officer.post(`/api/v1/evaluations/${ws.id}/invitations`, {
    headers: { 'X-CSRF-Token': csrf },
    data: { custodian_id: 1, name: 'Rita Respondent', email: 'rita@custodian.example', section_keys: [sections[0].key, sections[1].key] },
  })
  expect(invited.status()).toBe(201)
  const { link } = await invited.json()

  // The respondent, in a browser with no session, on a phone.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })
  const r = await phone.newPage()
  await r.goto(link)
  await expect(r.getByRole('heading', { name: 'Due-diligence questionnaire', level: 1 })).toBeVisible()
  await expect(r.getByText('Coinbase Prime Custody')).toBeVisible()
  await expect(r.getByRole('navigation')).toHaveCount(0)
  await expect(r.getByRole('button', { name: 'Sign out' })).toHaveCount(0)
  await expect(r.getByText(/Anchorage/)).toHaveCount(0)
  expect(await r.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)

  const first = r.locator('form.resp-item').first()
  await first.getByRole('radio', { name: 'Partly met' }).check()
  await first.getByRole('button', { name: 'Save answer' }).click()
  await expect(first.getByRole('alert')).toContainText('explain') // a shortfall needs a note
  await first.getByLabel(/^Explanation/).fill('Our trust charter covers US clients; EU clients go through our Irish entity.')
  await first.getByRole('button', { name: 'Save answer' }).click()
  await expect(first.getByText('Saved as a draft.')).toBeVisible()
  await first.getByLabel(/^Add a document/).setInputFiles({ name: 'charter.pdf', mimeType: 'application/pdf', buffer: tinyPDF })
  await expect(first.getByRole('listitem').filter({ hasText: 'charter.pdf' })).toBeVisible()
  await axe(r, 'the respondent page at 390 px')
  await shot(r, '20-respondent-390')

  // The same link on a desktop: the draft is there.
  await r.setViewportSize({ width: 1280, height: 900 })
  await r.reload()
  await expect(r.locator('form.resp-item').first().getByLabel(/^Explanation/)).toHaveValue(/Irish entity/)
  await axe(r, 'the respondent page at 1280 px')
  await shot(r, '21-respondent-1280')

  // A second answer, so that the officer's review queue holds two.
  const third = r.locator('form.resp-item').nth(2)
  await third.getByRole('radio', { name: 'Yes, met' }).check()
  await third.getByLabel(/^Explanation/).fill('Our second answer for the queue.')
  await third.getByRole('button', { name: 'Save answer' }).click()
  await expect(third.getByText('Saved as a draft.')).toBeVisible()

  // A change left unsaved is named before anything is sent.
  await r.locator('form.resp-item').nth(1).getByLabel(/^Explanation/).fill('Typed but never saved.')
  await r.getByRole('button', { name: 'Submit answers to the team' }).click()
  const ask = r.getByRole('dialog', { name: 'Submit your answers to the team?' })
  await expect(ask.getByRole('alert')).toContainText('One answer you changed is not saved')
  await ask.getByRole('button', { name: 'Submit answers' }).click()
  await expect(r.getByRole('heading', { name: 'Thank you' })).toBeVisible()
  await r.reload()
  await expect(r.getByRole('alert')).toContainText('submitted')
  await phone.close()

  // The officer sees the answer beside the team's and accepts it.
  await signIn(page, 'officer@example.com', `/evaluations/${ws.id}?tab=responses`)
  await expect(page.getByRole('heading', { name: 'Review queue' })).toBeVisible()
  await expect(page.getByText('EU clients go through our Irish entity.')).toBeVisible()
  await expect(page.getByRole('row', { name: /Rita Respondent/ }).getByText('Submitted', { exact: true })).toBeVisible()
  await shot(page, '22-custodian-responses')
  const queued = page.locator('li.review-item')
  await expect(queued).toHaveCount(2)
  const irish = queued.filter({ hasText: 'Irish entity' })
  const second = queued.filter({ hasText: 'Our second answer for the queue.' })
  await irish.getByRole('button', { name: 'Accept as the answer' }).click()
  // The accepted answer leaves the queue with its button: the focus moves
  // to the answer that is next, not to the top of the page.
  await expect(queued).toHaveCount(1)
  await expectFocused(second)
  // and what became of the accepted one is said (a status region).
  await expect(page.locator('.responses [role="status"]')).toHaveText(/^Accepted .*'s answer to: /)
  await second.getByRole('button', { name: 'Accept as the answer' }).click()
  // The queue is empty: its message has the focus.
  await expectFocused(page.getByText('No submitted answer awaits review.'))
  const answers = await (await officer.get(`/api/v1/evaluations/${ws.id}`)).json()
  const coinbase = answers.assessments.find((a: { custodian: { id: number } }) => a.custodian.id === 1)
  expect(coinbase.answers.filter((a: { from_invitation_id?: number }) => a.from_invitation_id).length).toBe(2)

  // Revoking the link, after its confirmation, takes the Revoke button
  // away: the focus moves to the invitation's row, which now says Revoked.
  const rita = page.getByRole('row', { name: /Rita Respondent/ })
  await rita.getByRole('button', { name: 'Revoke the link of Rita Respondent' }).click()
  await page.getByRole('dialog', { name: 'Revoke the link of Rita Respondent?' }).getByRole('button', { name: 'Revoke the link' }).click()
  await expect(rita.getByText('Revoked', { exact: true })).toBeVisible()
  await expect(rita.getByRole('button', { name: /^Revoke/ })).toHaveCount(0)
  await expectFocused(rita)
  await shot(page, '23b-invitation-revoked')
  await officer.dispose()
})
