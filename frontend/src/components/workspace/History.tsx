// The evaluation's history: its own audit events, newest first, in words,
// for everyone who may read the evaluation.
import { useState } from 'react'
import { api, type AuditEvent, type Workspace } from '../../api.ts'
import { formatDateTime } from '../../format.ts'
import { phrase } from '../auditor/actions.ts'
import { useLoad } from '../dashboard/useLoad.ts'
import { Empty, ErrorBox, LoadMore, Loading } from '../ui.tsx'

// What an event was about, from its object and payload, in the workspace's words.
function about(ws: Workspace, e: AuditEvent): string {
  const custodian = (id: unknown) => ws.assessments.find((a) => a.custodian.id === Number(id))?.custodian.name
  const item = (id: unknown) => ws.template.sections.flatMap((s) => s.items).find((it) => it.id === Number(id))?.prompt
  const p = (e.after ?? e.before ?? {}) as Record<string, unknown>
  if (e.object_type === 'answer' || e.object_type === 'score') {
    const [, c, rest] = e.object_id.split('/')
    const what = e.object_type === 'answer' ? (item(rest) ?? 'item ' + rest) : rest
    const status = e.object_type === 'answer' ? ` → ${String(p.status ?? '').replace('_', ' ')}` : ` → ${String(p.score ?? '')}`
    return `${custodian(c) ?? 'custodian ' + c}: ${what}${status}`
  }
  if (e.object_type === 'red_flag') return `${custodian(p.custodian_id) ?? ''}: “${String(p.title ?? '')}” (${String(p.status ?? '')})`
  if (e.object_type === 'evidence') return `${custodian(p.custodian_id) ?? ''}: ${String(p.label ?? '')}`
  if (typeof p.comment === 'string' && p.comment) return `“${p.comment}”`
  return ''
}

export function History({ workspace }: { workspace: Workspace }) {
  const id = workspace.evaluation.id
  const first = useLoad((signal) => api.GET('/api/v1/evaluations/{id}/history', { params: { path: { id }, query: { limit: 50 } }, signal }), [id, workspace.evaluation.version])
  const [more, setMore] = useState<{ base: unknown; items: AuditEvent[]; before: number | null }>({ base: null, items: [], before: null })
  const fresh = more.base === first.data
  const items = [...(first.data?.items ?? []), ...(fresh ? more.items : [])]
  const before = fresh && more.base ? more.before : (first.data?.next_before ?? null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const loadMore = async () => {
    setBusy(true)
    setError(null)
    try {
      const p = await api.GET('/api/v1/evaluations/{id}/history', { params: { path: { id }, query: { limit: 50, before: before ?? undefined } } })
      setMore({ base: first.data, items: [...(fresh ? more.items : []), ...p.items], before: p.next_before })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  if (first.error) return <ErrorBox error={first.error} />
  if (!first.data) return <Loading what="Loading the history" />
  if (items.length === 0) return <Empty>Nothing recorded yet.</Empty>
  return (
    <section aria-labelledby="ws-history-h">
      <h3 id="ws-history-h">History</h3>
      <p className="small muted">Every change to this evaluation, newest first, as the audit trail records it.</p>
      <ol className="history-list" aria-label="History of this evaluation">
        {items.map((e) => (
          <li key={e.seq}>
            <span className="small muted">{formatDateTime(e.occurred_at)}</span> <strong>{e.actor || 'system'}</strong> {phrase(e.action)}
            {about(workspace, e) && <span className="small"> — {about(workspace, e)}</span>}
          </li>
        ))}
      </ol>
      <ErrorBox error={error} />
      {before !== null && <LoadMore onClick={loadMore} busy={busy} />}
    </section>
  )
}
