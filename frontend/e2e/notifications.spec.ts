import { expect, test, type Page } from '@playwright/test'
import { checkA11y, shot, signIn } from './helpers.ts'

// The demo data has the officer submit "2027 custody RFP — Fund III", which
// told both managers in the same transaction. The second manager (whom no
// other spec signs in as) finds it under the bell, marks it read, then
// everything, and follows it to the evaluation.
const subject = 'Shortlist to approve: 2027 custody RFP — Fund III'

async function unreadCount(page: Page): Promise<number> {
  const bell = page.getByRole('banner').getByRole('link', { name: /^Notifications/ })
  await expect(bell).toBeVisible()
  const name = (await bell.textContent()) ?? ''
  const m = /Notifications, (\d+) unread/.exec(name)
  return m ? Number(m[1]) : 0
}

test('a manager reads the notification of a submitted shortlist and marks notifications read', async ({ page }) => {
  await signIn(page, 'manager2@example.com')
  const bell = page.getByRole('banner').getByRole('link', { name: /^Notifications, \d+ unread$/ })
  await expect(bell).toBeVisible()
  const before = await unreadCount(page)
  expect(before).toBeGreaterThanOrEqual(1)
  await bell.click()

  await expect(page.getByRole('heading', { name: 'Notifications', level: 1 })).toBeVisible()
  const list = page.getByRole('list', { name: 'Notifications' })
  const item = list.getByRole('listitem').filter({ has: page.getByRole('link', { name: subject }) })
  await expect(item).toHaveCount(1)
  await expect(item.getByText(/was submitted for approval/)).toBeVisible()
  await shot(page, '15-notifications')
  await checkA11y(page, 'notifications')

  await item.getByRole('button', { name: `Mark as read: ${subject}` }).click()
  await expect(item.getByText('Read', { exact: true })).toBeVisible()
  // The button is gone; the focus stays on the notification it marked.
  await expect(item.getByRole('link', { name: subject })).toBeFocused()
  await expect(page.getByRole('banner').getByRole('link', { name: before - 1 > 0 ? `Notifications, ${before - 1} unread` : 'Notifications' })).toBeVisible()

  await page.getByLabel('Unread only').check()
  await expect(list.getByRole('link', { name: subject })).toHaveCount(0)

  if (before > 1) {
    await page.getByRole('button', { name: 'Mark all as read' }).click()
  }
  await expect(page.getByText('No unread notifications.')).toBeVisible()
  await expect(page.getByRole('banner').getByRole('link', { name: 'Notifications', exact: true })).toBeVisible()
  await expect(page.getByRole('button', { name: 'Mark all as read' })).toHaveCount(0)

  // Read notifications stay listed and lead to their object.
  await page.getByLabel('Unread only').uncheck()
  await list.getByRole('link', { name: subject }).click()
  await expect(page).toHaveURL(/\/evaluations\/\d+(\?|$)/)
  await expect(page.getByText('2027 custody RFP — Fund III').first()).toBeVisible()
})
