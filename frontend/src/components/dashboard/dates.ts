// Due dates are calendar dates (YYYY-MM-DD) without a time zone: they are
// compared and shown as such, never shifted by the browser's zone.

function parts(date: string): [number, number, number] | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date)
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null
}

/** Days from today (local calendar) to the date; negative when past. */
export function daysUntil(date: string, today: Date = new Date()): number | null {
  const p = parts(date)
  if (!p) return null
  const due = Date.UTC(p[0], p[1] - 1, p[2])
  const now = Date.UTC(today.getFullYear(), today.getMonth(), today.getDate())
  return Math.round((due - now) / 86400000)
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** A calendar date as "29 Jan 2027". */
export function formatDay(date: string | null | undefined): string {
  if (!date) return '—'
  const p = parts(date)
  if (!p) return date
  return `${p[2]} ${MONTHS[p[1] - 1]} ${p[0]}`
}

/** "in 3 days", "today", "2 days ago". */
export function relativeDays(days: number): string {
  if (days === 0) return 'due today'
  if (days === 1) return 'due tomorrow'
  if (days > 1) return `due in ${days} days`
  if (days === -1) return '1 day overdue'
  return `${-days} days overdue`
}
