import { expect, test } from '@playwright/test'
import { shot, signIn } from './helpers.ts'

const isoDate = (d: Date) => d.toISOString().slice(0, 10)

// The demo's stale SOC 2 report shows at once beside Anchorage's checklist;
// an officer records an insurance certificate and sees its badge.
test('an officer sees the stale SOC 2 report and records an insurance certificate', async ({ page }) => {
  await signIn(page, 'officer@example.com')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Evaluations' }).click()
  await page.getByRole('link', { name: '2027 custody RFP — Fund III' }).click()
  await page.getByRole('tab', { name: /^Checklist/ }).click()
  await page.getByRole('group', { name: 'Candidate' }).getByRole('button', { name: /Anchorage/ }).click()

  const list = page.getByRole('list', { name: 'Assurance documents on Anchorage Digital Bank' })
  const soc = list.getByRole('listitem', { name: 'SOC 2 Type II report' })
  await expect(soc.getByText('Stale', { exact: true })).toBeVisible()
  await expect(soc.getByText(/is stale since/)).toBeVisible()

  const form = () => page.getByRole('form', { name: 'Add an assurance document' })
  await page.getByRole('button', { name: 'Add a document' }).click()
  await form().getByLabel('Kind').selectOption('insurance')
  // The fields follow the kind: a certificate has a date it holds until, not a period.
  await expect(form().getByLabel('Period start')).toHaveCount(0)
  await form().getByLabel('Insurer').fill('Lloyd’s syndicate 2623')
  await form().getByLabel('Issued on').fill(isoDate(new Date(Date.now() - 30 * 86400_000)))
  // Without a valid-until date the server names the field.
  await form().getByRole('button', { name: 'Record document' }).click()
  await expect(form().getByText(/valid_until is required|is required for insurance certificate/)).toBeVisible()
  await form().getByLabel('Valid until').fill(isoDate(new Date(Date.now() + 365 * 86400_000)))
  await form().getByLabel('Scope').fill('Specie cover for assets in cold storage.')
  await form().getByRole('button', { name: 'Record document' }).click()

  const insurance = list.getByRole('listitem', { name: 'Insurance certificate' })
  await expect(insurance.getByText('Fresh', { exact: true })).toBeVisible()
  await expect(insurance.getByText(/Lloyd’s syndicate 2623/)).toBeVisible()
  await shot(page, '15-assurance-documents')

  // Archiving asks first; cancelled, the document stays; confirmed, it goes.
  await insurance.getByRole('button', { name: 'Archive' }).click()
  const ask = page.getByRole('dialog', { name: 'Archive the Insurance certificate?' })
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await expect(insurance).toBeVisible()
  await insurance.getByRole('button', { name: 'Archive' }).click()
  await ask.getByRole('button', { name: 'Archive' }).click()
  await expect(list.getByRole('listitem', { name: 'Insurance certificate' })).toHaveCount(0)
  // The archived document left the list: the focus is on the panel's heading.
  await expect(page.getByRole('heading', { name: 'Assurance documents' })).toBeFocused()
})
