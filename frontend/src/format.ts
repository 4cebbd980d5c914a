export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  // UTC: a date-only value ("2027-11-26") parses as UTC midnight and must not
  // show as the day before west of Greenwich; timestamps match formatDateTime.
  return d.toLocaleDateString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' })
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const d = new Date(iso)
  return d.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }) + ' UTC'
}

export function formatUSD(n: number): string {
  return 'USD ' + n.toLocaleString('en-US')
}

export function formatBytes(n: number): string {
  if (n < 1024) return n + ' B'
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB'
  return (n / 1024 / 1024).toFixed(1) + ' MiB'
}

export function shortHash(h: string): string {
  return h ? h.slice(0, 12) + '…' : '—'
}

export const ANSWER_LABELS: Record<string, string> = {
  pending: 'Pending',
  met: 'Met',
  partly_met: 'Partly met',
  not_met: 'Not met',
  not_applicable: 'N/A',
}

/**
 * formatPercent is the one way a share shows: whole percent, rounded down,
 * so that 66.7 and 66 both read "66%" and 99.6 never reads as complete.
 */
export function formatPercent(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0%'
  if (n >= 100) return '100%'
  return Math.floor(n + 1e-9) + '%'
}
