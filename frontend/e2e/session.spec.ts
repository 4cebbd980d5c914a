import { expect, test } from '@playwright/test'
import { password, shot, signIn } from './helpers.ts'

test('a wrong password is refused without saying whether the account exists', async ({ page }) => {
  await page.goto('/login')
  await page.getByLabel('E-mail address').fill('officer@example.com')
  await page.getByLabel('Password').fill(password + '-wrong')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toContainText('e-mail address or password is wrong')
  await shot(page, '00-login-refused')
})

test('signing in returns to the page asked for, and signing out ends the session', async ({ page }) => {
  await signIn(page, 'officer@example.com', '/custodians')
  await expect(page).toHaveURL(/\/custodians$/)
  await page.getByRole('button', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/login/)
  await page.goto('/custodians')
  await expect(page).toHaveURL(/\/login\?next=%2Fcustodians/)
})
