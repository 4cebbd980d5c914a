import { expect, test, type Page } from '@playwright/test'
import { checkA11y, shot, signIn } from './helpers.ts'

// Issue 13 in a real browser: rows that stay put while scoring, the note
// that opens for Not met, the focus after an answer, the guard on unsaved
// text. Each test opens an evaluation of its own.

async function openEvaluation(page: Page, title: string) {
  await signIn(page, 'officer@example.com', '/evaluations/new')
  await page.getByLabel('Title', { exact: true }).fill(title)
  await page.getByRole('checkbox', { name: 'US', exact: true }).check()
  await page.getByRole('checkbox', { name: 'Coinbase Prime Custody' }).check()
  await page.getByRole('checkbox', { name: 'Anchorage Digital Bank' }).check()
  await page.getByRole('button', { name: 'Open evaluation' }).click()
  await expect(page).toHaveURL(/\/evaluations\/\d+/)
  // After a page change the focus is on the new page's heading.
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeFocused()
}

const rowNames = (page: Page) => page.locator('table.score-matrix tbody th[scope=row]').evaluateAll((ths) => ths.map((th) => th.childNodes[0].textContent))

test('score rows stay put while scoring and re-sort by rank when the focus leaves the table', async ({ page }) => {
  await openEvaluation(page, `Rows stay put ${Date.now()}`)
  await page.getByRole('tab', { name: 'Scores' }).click()
  const before = await rowNames(page)
  expect(before).toHaveLength(2)
  // Score the second row so that it ranks first.
  const second = before[1]!
  const select = page.getByLabel(`Score for Liquidity — ${second}`)
  await select.selectOption('5')
  await page.getByLabel(`Rationale for Liquidity — ${second}`).fill('Deepest books.')
  const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/scores/'))
  await page.getByRole('button', { name: `Save score for Liquidity — ${second}` }).click()
  expect((await saved).status()).toBe(200)
  await expect(page.getByTestId(/^total-/).nth(1)).toContainText('30')
  // The row did not move, and the focus stayed in its cell.
  expect(await rowNames(page)).toEqual(before)
  await expect(select).toBeFocused()
  await expect(page.getByText('The ranking has changed')).toBeVisible()
  await shot(page, '23-scores-rows-stay')
  await checkA11y(page, 'scores, ranking changed')
  // Leaving the table puts the rows in rank order.
  await page.getByRole('heading', { level: 1 }).click()
  await expect.poll(() => rowNames(page)).toEqual([before[1], before[0]])
})

test('choosing Not met opens the note, and the answer keeps the focus', async ({ page }) => {
  await openEvaluation(page, `Not met first ${Date.now()}`)
  await page.getByRole('tab', { name: 'Checklist' }).click()
  const puts: string[] = []
  page.on('request', (r) => {
    if (r.method() === 'PUT' && r.url().includes('/answers/')) puts.push(r.url())
  })
  const item = page.getByRole('group').filter({ has: page.getByRole('button', { name: 'Not met', exact: true }) }).first()
  await item.getByRole('button', { name: 'Not met', exact: true }).click()
  const note = item.getByLabel('Note')
  await expect(note).toBeFocused()
  await expect(item.getByText('Say why it is not met, then save.')).toBeVisible()
  expect(puts).toHaveLength(0)
  await note.fill('No charter on the register.')
  const answered = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/answers/'))
  await item.getByRole('button', { name: 'Save as Not met' }).click()
  expect((await answered).status()).toBe(200)
  await expect(item.getByRole('button', { name: 'Not met', exact: true })).toHaveAttribute('aria-pressed', 'true')
  await expect(item.getByRole('button', { name: 'Not met', exact: true })).toBeFocused()
  expect(puts).toHaveLength(1)

  // A one-click answer keeps the focus on the answer too.
  const next = page.getByRole('group').filter({ has: page.getByRole('button', { name: 'Met', exact: true }) }).nth(1)
  const met = next.getByRole('button', { name: 'Met', exact: true })
  await met.click()
  await expect(met).toHaveAttribute('aria-pressed', 'true')
  await expect(met).toBeFocused()
  await shot(page, '24-checklist-not-met-note')
})

test('unsaved text is never lost silently', async ({ page }) => {
  await openEvaluation(page, `Unsaved text ${Date.now()}`)
  await page.getByRole('tab', { name: 'Checklist' }).click()
  const item = page.getByRole('group').filter({ has: page.getByRole('button', { name: 'Met', exact: true }) }).first()
  await item.getByLabel('Note').fill('Half a thought')

  // Switching tab: the user is asked and may stay.
  let asked = ''
  page.once('dialog', (d) => {
    asked = d.message()
    d.dismiss()
  })
  await page.getByRole('tab', { name: 'Scores' }).click()
  await expect.poll(() => asked).toContain('unsaved text')
  await expect(page.getByRole('tab', { name: 'Checklist' })).toHaveAttribute('aria-selected', 'true')
  await expect(item.getByLabel('Note')).toHaveValue('Half a thought')

  // Leaving the page through a link: asked again; agreeing leaves.
  page.once('dialog', (d) => d.accept())
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Catalogue', exact: true }).click()
  await expect(page).toHaveURL(/\/custodians$/)
})
