import { expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'

export const password = process.env.CUSTOS_E2E_PASSWORD ?? 'e2e-demo-password'

const shots = 'e2e/screenshots'
mkdirSync(shots, { recursive: true })

/** shot saves a full-page screenshot of a key screen. */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true })
}

/** signIn signs in through the login form and waits for the app. */
export async function signIn(page: Page, email: string, next = '/') {
  await page.goto('/login?next=' + encodeURIComponent(next))
  await page.getByLabel('E-mail address').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible()
}
