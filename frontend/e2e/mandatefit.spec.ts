import { expect, test } from '@playwright/test'
import { checkA11y, shot, signIn } from './helpers.ts'

// The new-evaluation form shows the mandate-fit red flags the server
// previews (POST /api/v1/mandate-fit): the rule is written once, in Go.
test('the new-evaluation form warns which mandate-fit flags opening will raise', async ({ page }) => {
  await signIn(page, 'officer@example.com')
  await page.goto('/evaluations/new')
  await page.getByRole('checkbox', { name: 'SG', exact: true }).check()
  await page.getByRole('checkbox', { name: 'Qualified custodian required' }).check()
  await page.getByRole('checkbox', { name: 'Komainu' }).check()
  await page.getByRole('checkbox', { name: 'Anchorage Digital Bank' }).check()

  const panel = page.getByRole('region', { name: 'Mandate fit' })
  await expect(panel.getByText('These red flags will be raised automatically when the evaluation opens.', { exact: false })).toBeVisible()
  // Komainu (catalogue: not a qualified custodian; EU, UK, MENA, JE, AE, IT)
  // misses both rules; the titles are the default template's.
  await expect(panel.getByText('The mandate requires a qualified custodian; the catalogue does not list Komainu as one.')).toBeVisible()
  await expect(panel.getByText('The mandate covers SG; the catalogue lists no licence or presence of Komainu there.')).toBeVisible()
  await expect(panel.getByText('Not a qualified custodian', { exact: true }).first()).toBeVisible()
  await shot(page, '02b-new-evaluation-mandate-fit')
  await checkA11y(page, 'new evaluation, mandate fit')

  // Dropping the region the warning named withdraws it once the server answers again.
  await page.getByRole('checkbox', { name: 'SG', exact: true }).uncheck()
  await expect(panel.getByText(/The mandate covers SG/)).toHaveCount(0)
  await expect(panel.getByText('The mandate requires a qualified custodian; the catalogue does not list Komainu as one.')).toBeVisible()
})
