import { expect, test } from '@playwright/test'
import { shot, signIn } from './helpers.ts'

// After journeys.spec.ts: the evaluation the manager approved there is found
// on the Evaluations page, its shortlisted custodian appointed, and the
// relationship reviewed again through a re-diligence.
test('an officer finds the approved evaluation, records the appointment and starts re-diligence', async ({ page }) => {
  await signIn(page, 'officer@example.com')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluations' }).click()
  await expect(page.getByRole('heading', { name: 'Evaluations' })).toBeVisible()
  await page.getByLabel('Status').selectOption('approved')
  await expect(page).toHaveURL(/status=approved/)
  // The demo data has an approved evaluation of its own (its relationship's review is due soon).
  await page.getByLabel('Title contains').fill('Fund III')
  await expect(page).toHaveURL(/q=Fund/)
  const rows = page.getByRole('table', { name: 'Evaluations' }).getByRole('row')
  await expect(rows.nth(1).getByText('Approved', { exact: true })).toBeVisible()
  await shot(page, '12-evaluations-approved')
  await rows.nth(1).getByRole('link').click()

  await page.getByRole('tab', { name: 'Approval' }).click()
  await page.getByRole('button', { name: /^Record appointment of / }).first().click()
  await page.getByRole('button', { name: 'Record appointment', exact: true }).click()
  const appointed = page.getByRole('link', { name: /^Appointed \d{1,2} \w{3} \d{4}; next review due \d{1,2} \w{3} \d{4}$/ })
  await expect(appointed).toBeVisible()
  await appointed.click()

  await expect(page.getByRole('heading', { name: /Custody relationship/ })).toBeVisible()
  // Where the page sits, and the way back.
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Relationships' })).toHaveAttribute('href', '/relationships')
  await page.getByLabel('Review every (months)').fill('6')
  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByText('every 6 months')).toBeVisible()
  await shot(page, '13-relationship')

  const relationshipURL = page.url()
  await page.getByRole('button', { name: 'Start re-diligence' }).click()
  await expect(page).toHaveURL(/\/evaluations\/\d+(\?|$)/)
  await expect(page.getByText(/^Re-diligence: /).first()).toBeVisible()
  await page.getByRole('tab', { name: /^Checklist/ }).click()
  await expect(page.getByText('Carried forward from the last approved evaluation: answer again to confirm.').first()).toBeVisible()
  await shot(page, '14-rediligence')
  await page.getByRole('tab', { name: 'What changed' }).click()
  await expect(page.getByRole('region', { name: 'What changed' })).toContainText('No answer differs from the last approved evaluation.')

  // Back on the relationship, the open re-diligence is where to go on; no second one is offered.
  const rediligence = new URL(page.url()).pathname
  await page.goto(relationshipURL)
  await expect(page.getByRole('heading', { name: /Custody relationship/ })).toBeVisible()
  const inProgress = page.getByRole('region', { name: 'Re-diligence' })
  await expect(inProgress.getByText(/^In progress:/)).toBeVisible()
  await expect(inProgress.getByRole('button', { name: 'Start re-diligence' })).toHaveCount(0)
  await inProgress.getByRole('link').click()
  await expect.poll(() => new URL(page.url()).pathname).toBe(rediligence)
})
