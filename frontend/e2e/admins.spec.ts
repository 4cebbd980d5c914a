import { expect, test, type Page } from '@playwright/test'
import { checkA11y, password, shot, signIn } from './helpers.ts'

// The organisation admin and a team admin see what the server lets each do,
// and nothing it would refuse; anyone changes their own password.

test('the organisation admin administers users, teams, the catalogue and the whole audit trail', async ({ page }) => {
  await signIn(page, 'admin@example.com')
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(nav.getByRole('link', { name: 'Admin', exact: true })).toBeVisible()
  await expect(nav.getByRole('link', { name: 'Audit trail' })).toBeVisible()
  await nav.getByRole('link', { name: 'Admin', exact: true }).click()
  await expect(page.getByRole('tab', { name: 'Users' })).toBeVisible()
  await expect(page.getByRole('table', { name: 'Users' })).toContainText('teamadmin@example.com')
  await checkA11y(page, 'admin (organisation)')
  await nav.getByRole('link', { name: 'Catalogue', exact: true }).click()
  await expect(page.getByRole('button', { name: 'New custodian' })).toBeVisible()
  await checkA11y(page, 'catalogue')
  await page.getByRole('link', { name: 'Anchorage Digital Bank' }).first().click()
  await expect(page.getByRole('heading', { name: 'Anchorage Digital Bank', level: 1 })).toBeVisible()
  await checkA11y(page, 'custodian')
  await nav.getByRole('link', { name: 'Audit trail' }).click()
  await expect(page.getByRole('heading', { name: 'Audit trail' })).toBeVisible()
  await expect(page.getByText(/Chain verified/)).toBeVisible()
  await checkA11y(page, 'audit trail (organisation admin)')
  // Events read as sentences, and filter by who did them.
  const rows = page.locator('table.audit-table tbody tr')
  await expect(rows.first()).toBeVisible()
  // The server filters by the user's ID; the option shows who it is.
  const who = (await page.getByLabel('Who').locator('option').nth(1).textContent())!
  await page.getByLabel('Who').selectOption({ label: who })
  await expect.poll(async () => (await rows.allInnerTexts()).every((text) => text.includes(who))).toBe(true)
  await page.getByLabel('Team').selectOption({ label: 'Demo Treasury' })
  await expect(page.getByText('a gap is not a deleted event')).toBeVisible()
  await shot(page, '25-audit-readable')
})

test('a team admin runs their team’s settings and members, and is offered nothing else', async ({ page }) => {
  await signIn(page, 'teamadmin@example.com')
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(nav.getByRole('link', { name: 'Team admin' })).toBeVisible()
  await expect(nav.getByRole('link', { name: 'Audit trail' })).toHaveCount(0)
  await expect(page.getByRole('heading', { name: 'Team administration' })).toBeVisible()
  await checkA11y(page, 'dashboard (team admin)')

  await nav.getByRole('link', { name: 'Team admin' }).click()
  await expect(page.getByRole('heading', { name: 'Settings of Demo Treasury' })).toBeVisible()
  await expect(page.getByRole('tab', { name: 'Users' })).toHaveCount(0)
  await expect(page.getByText('Edit the catalogue')).toHaveCount(0)
  const approvals = page.getByLabel('Approvals required for Demo Treasury')
  await expect(approvals).toHaveValue(/\d+/)
  const before = await approvals.inputValue()
  await approvals.fill(before === '2' ? '1' : '2')
  await page.getByRole('button', { name: 'Save approvals for Demo Treasury' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible()
  await approvals.fill(before)
  await page.getByRole('button', { name: 'Save approvals for Demo Treasury' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible()

  // No user list for a team admin: a member is added by e-mail address, and
  // the admin role (the organisation admin's to grant) is not offered.
  const form = page.getByRole('form', { name: 'Add a member to Demo Treasury' })
  await expect(form.getByLabel('Role').locator('option')).toHaveText(['Officer', 'Manager', 'Auditor'])
  await form.getByLabel('E-mail address').fill('nobody.here@example.com')
  await form.getByRole('button', { name: 'Add member' }).click()
  await expect(form.locator('.field-error')).toBeVisible()
  await form.getByLabel('E-mail address').fill('other.officer@example.com')
  await form.getByLabel('Role').selectOption('auditor')
  await form.getByRole('button', { name: 'Add member' }).click()
  await expect(page.getByRole('status').filter({ hasText: 'is now auditor in Demo Treasury' })).toBeVisible()
  await shot(page, '20-team-admin')
  await checkA11y(page, 'admin (team admin)')
  const members = page.getByRole('table', { name: 'Members of Demo Treasury' })
  // Their own memberships are not theirs to change.
  const own = members.getByRole('row').filter({ hasText: 'teamadmin@example.com' })
  await expect(own.first()).toContainText('(you)')
  await expect(own.getByRole('button', { name: /^Remove/ })).toHaveCount(0)
  const row = members.getByRole('row').filter({ hasText: 'other.officer@example.com' }).filter({ hasText: 'auditor' })
  await row.getByRole('button', { name: /^Remove .* as auditor$/ }).click()
  await row.getByRole('button', { name: /^Confirm removal of .* as auditor$/ }).click()
  await expect(page.getByRole('status').filter({ hasText: 'is no longer auditor in Demo Treasury' })).toBeVisible()

  // The catalogue is read-only for them.
  await nav.getByRole('link', { name: 'Catalogue', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Custodian catalogue' })).toBeVisible()
  await expect(page.getByRole('button', { name: 'New custodian' })).toHaveCount(0)
  // The audit page tells them it is not theirs, without asking the server.
  await page.goto('/audit')
  await expect(page.getByText('The audit trail is for auditors')).toBeVisible()
})

test('another team’s evaluation reads as not found, saying nothing about it', async ({ page }) => {
  await signIn(page, 'other.officer@example.com')
  for (const path of ['/evaluations/1', '/evaluations/987654']) {
    await page.goto(path)
    await expect(page.getByRole('alert')).toHaveText(/There is no evaluation with this number that you can open\./)
    await expect(page.getByText(/another team|not part of/)).toHaveCount(0)
  }
})

async function createUser(page: Page, email: string, pw: string) {
  await signIn(page, 'admin@example.com', '/admin')
  const form = page.getByRole('form', { name: 'New user' })
  await form.getByLabel('E-mail address').fill(email)
  await form.getByLabel('Name').fill('Pia Password')
  await form.getByLabel('Initial password').fill(pw)
  await form.getByRole('button', { name: 'Create user' }).click()
  await expect(page.getByRole('table', { name: 'Users' })).toContainText(email)
  await page.getByRole('button', { name: 'Sign out' }).click()
}

test('a user changes their own password: reasons by the field, and their other sessions end', async ({ page, browser }) => {
  const email = `pia.${Date.now()}@example.com`
  const first = 'granite-orchard-lantern-42'
  await createUser(page, email, first)

  // A second session of the same user, to see it end.
  const other = await browser.newContext()
  const otherPage = await other.newPage()
  await otherPage.goto('/login')
  await otherPage.getByLabel('E-mail address').fill(email)
  await otherPage.getByLabel('Password').fill(first)
  await otherPage.getByRole('button', { name: 'Sign in' }).click()
  await expect(otherPage.getByRole('button', { name: 'Sign out' })).toBeVisible()

  await page.getByLabel('E-mail address').fill(email)
  await page.getByLabel('Password').fill(first)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByTitle(/my account and password/).click()
  await expect(page.getByRole('heading', { name: 'Change password' })).toBeVisible()
  await checkA11y(page, 'account')

  const form = page.getByRole('form', { name: 'Change password' })
  // A weak new password: the server's reason appears by that field.
  await form.getByLabel('Current password').fill(first)
  await form.getByLabel('New password', { exact: true }).fill('password1234')
  await form.getByLabel('New password again').fill('password1234')
  await form.getByRole('button', { name: 'Change password' }).click()
  await expect(form.getByLabel('New password', { exact: true })).toHaveAccessibleDescription(/.+/)
  await expect(form.locator('.field-invalid').getByLabel('New password', { exact: true })).toBeVisible()
  // A wrong current password: by that field.
  const next = 'velvet-harbour-compass-917'
  await form.getByLabel('Current password').fill('not-my-password-at-all')
  await form.getByLabel('New password', { exact: true }).fill(next)
  await form.getByLabel('New password again').fill(next)
  await form.getByRole('button', { name: 'Change password' }).click()
  await expect(form.getByLabel('Current password')).toHaveAccessibleDescription('is not your current password')
  await shot(page, '21-change-password-refused')

  await form.getByLabel('Current password').fill(first)
  await form.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByRole('status')).toContainText('Every other session of yours')
  await shot(page, '22-change-password-done')

  // The other session has ended; this one goes on.
  await otherPage.getByRole('link', { name: 'Catalogue', exact: true }).click()
  await expect(otherPage).toHaveURL(/\/login/)
  await page.getByRole('link', { name: 'Catalogue', exact: true }).click()
  await expect(page.getByRole('heading', { name: 'Custodian catalogue' })).toBeVisible()
  await other.close()
})
