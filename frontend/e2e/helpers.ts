import { expect, type Page } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import AxeBuilder from '@axe-core/playwright'

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

/**
 * checkA11y runs axe-core on the page as it is now and fails on any serious
 * or critical violation, naming the rule and the elements. Call it on every
 * screen a test visits; `at` names the screen in the message. It checks
 * at 1280 and 768 px unless narrow is false.
 */
export async function checkA11y(page: Page, at: string, { narrow = true }: { narrow?: boolean } = {}) {
  const widths = narrow ? [1280, 768] : [1280]
  const size = page.viewportSize()
  try {
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 })
      const result = await new AxeBuilder({ page }).analyze()
      const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      const report = bad.map((v) => `${v.id} (${v.impact}) on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}: ${v.help}`)
      console.log(`axe ${at} @${width}px: ${bad.length} serious/critical, ${result.violations.length} violations in all`)
      expect(report, `axe-core at ${width} px on ${at}`).toEqual([])
    }
  } finally {
    if (size) await page.setViewportSize(size)
  }
}
