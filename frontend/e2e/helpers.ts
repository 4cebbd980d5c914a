import { expect, type Locator, type Page } from '@playwright/test'
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
export async function signIn(page: Page, email: string, next = '/', acts: Acts = new Acts()) {
  await page.goto('/login?next=' + encodeURIComponent(next))
  await acts.fill(page.getByLabel('E-mail address'), email)
  await acts.fill(page.getByLabel('Password'), password)
  await acts.click(page.getByRole('button', { name: 'Sign in' }))
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

/**
 * Acts does what a user does (click, fill, check, choose, attach) and counts
 * it: a journey's "clicks and fields" (issue 13 measures the officer's).
 */
export class Acts {
  count = 0
  async click(l: Locator) {
    this.count++
    await l.click()
  }
  async fill(l: Locator, value: string) {
    this.count++
    await l.fill(value)
  }
  async check(l: Locator) {
    this.count++
    await l.check()
  }
  async select(l: Locator, value: string) {
    this.count++
    await l.selectOption(value)
  }
  async files(l: Locator, files: Parameters<Locator['setInputFiles']>[0]) {
    this.count++
    await l.setInputFiles(files)
  }
}

/**
 * expectFocused waits until the element is document.activeElement (after a
 * control that had the focus went away, the focus must land there, not on
 * the page), then checks that identity once more in the page itself.
 */
export async function expectFocused(l: Locator) {
  await expect(l).toBeFocused()
  expect(await l.evaluate((el) => el === document.activeElement), 'document.activeElement is the element').toBe(true)
}
