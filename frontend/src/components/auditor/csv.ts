// The audit events as CSV, built in the browser from the loaded events.
import type { AuditEvent } from '../../api.ts'

const COLUMNS = ['seq', 'occurred_at', 'actor', 'actor_id', 'team_id', 'action', 'object_type', 'object_id', 'request_id', 'before', 'after', 'prev_hash', 'hash'] as const

/** cell quotes a value; a leading =, +, - or @ is neutralised so spreadsheets do not run it as a formula. */
export function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' ? String(v) : JSON.stringify(v)
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s
  return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s
}

export function auditCSV(events: AuditEvent[]): string {
  const lines = [COLUMNS.join(',')]
  for (const e of events) lines.push(COLUMNS.map((c) => cell(e[c])).join(','))
  return lines.join('\r\n') + '\r\n'
}

/** download saves text as a file through a temporary object URL. */
export function download(text: string, filename: string, type = 'text/csv;charset=utf-8') {
  const url = URL.createObjectURL(new Blob([text], { type }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
