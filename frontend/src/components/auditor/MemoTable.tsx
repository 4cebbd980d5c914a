// The memos a team has issued, newest first, with download links.
import { useState } from 'react'
import { api, downloadURL, type Memo, type MemoPage } from '../../api.ts'
import { formatBytes, formatDateTime, shortHash } from '../../format.ts'
import { Link } from '../../router.tsx'
import { Empty, ErrorBox, LoadMore, Loading } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'

export function MemoTable({ teamId }: { teamId: number }) {
  const first = useLoad((signal) => api.GET('/api/v1/memos', { params: { query: { team: teamId, limit: 25 } }, signal }), [teamId])
  const [extra, setExtra] = useState<{ base?: MemoPage; items: Memo[]; before: number | null }>({ items: [], before: null })
  const fresh = !!first.data && extra.base === first.data
  const more = fresh ? extra.items : []
  const before = fresh ? extra.before : (first.data?.next_before ?? null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const loadMore = async () => {
    setBusy(true)
    setError(null)
    try {
      const p = await api.GET('/api/v1/memos', { params: { query: { team: teamId, limit: 25, before: before ?? undefined } } })
      setExtra({ base: first.data, items: [...more, ...p.items], before: p.next_before })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  if (first.error) return <ErrorBox error={first.error} />
  if (!first.data) return <Loading what="Loading memos" />
  const items = [...first.data.items, ...more]
  if (items.length === 0) return <Empty>No memo has been issued in this team yet. Once a shortlist is approved, an officer or manager issues the memo from the evaluation.</Empty>
  return (
    <>
      <div className="table-wrap">
        <table aria-label="Issued memos">
          <thead>
            <tr>
              <th scope="col">Memo</th>
              <th scope="col">Evaluation</th>
              <th scope="col">Issued</th>
              <th scope="col">SHA-256</th>
              <th scope="col" className="num memo-size">
                Size
              </th>
              <th scope="col">Download</th>
            </tr>
          </thead>
          <tbody>
            {items.map((m) => (
              <tr key={m.id}>
                <td>
                  <strong>{m.title}</strong>
                  <div className="muted small">
                    Memo #{m.id}
                    <span className="memo-size-inline"> · {formatBytes(m.size)}</span>
                  </div>
                </td>
                <td className="nowrap">
                  <Link to={`/evaluations/${m.evaluation_id}`}>Evaluation #{m.evaluation_id}</Link>
                </td>
                <td className="aud-when">{formatDateTime(m.issued_at)}</td>
                <td title={m.sha256} className="memo-hash">
                  <code>{shortHash(m.sha256)}</code>
                </td>
                <td className="num nowrap memo-size">{formatBytes(m.size)}</td>
                <td className="nowrap">
                  <a href={downloadURL('/api/v1/memos/{id}/pdf', { id: m.id })} download>
                    Download memo #{m.id}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ErrorBox error={error} />
      {before !== null && (
        <LoadMore onClick={loadMore} busy={busy} />
      )}
    </>
  )
}
