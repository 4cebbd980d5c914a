import { expect, test } from '@playwright/test'
import { checkA11y, password, shot, signIn } from './helpers.ts'

test('a wrong password is refused without saying whether the account exists', async ({ page }) => {
  await page.goto('/login')
  await page.getByLabel('E-mail address').fill('officer@example.com')
  await page.getByLabel('Password').fill(password + '-wrong')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toContainText('e-mail address or password is wrong')
  await shot(page, '00-login-refused')
  await checkA11y(page, 'login')
})

test('signing in returns to the page asked for, and signing out ends the session', async ({ page }) => {
  await signIn(page, 'officer@example.com', '/custodians')
  await expect(page).toHaveURL(/\/custodians$/)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login/)
  await page.goto('/custodians')
  await expect(page).toHaveURL(/\/login\?next=%2Fcustodians/)
})

test('when the session ends, the user signs in again and comes back to the page', async ({ page, context }) => {
  await signIn(page, 'auditor@example.com', '/memos')
  await expect(page.getByRole('heading', { name: 'Memos', exact: true })).toBeVisible()
  // The server forgets the session (as after 30 idle minutes).
  await context.clearCookies()
  await page.getByRole('link', { name: 'Catalogue' }).click()
  await expect(page).toHaveURL(/\/login\?next=/)
  await expect(page.getByText('Your session ended')).toBeVisible()
  await shot(page, '00-session-ended')
  await page.getByLabel('E-mail address').fill('auditor@example.com')
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/custodians/)
})
