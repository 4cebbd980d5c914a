// One team's evaluations with the list's filters (status, custodian,
// preparer, due date, title text) and keyset paging.
import { useEffect, useState } from 'react'
import { api, type EvaluationPage, type EvaluationSummary } from '../../api.ts'
import { Link } from '../../router.tsx'
import { Empty, ErrorBox, LoadMore, Loading } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'
import { DueText, StatusBadge } from '../dashboard/EvaluationList.tsx'

export interface EvaluationFilters {
  status: string
  custodian: string
  preparer: string
  dueBy: string
  text: string
}

type Status = 'draft' | 'submitted' | 'approved'

function queryOf(teamId: number, f: EvaluationFilters, before?: number) {
  return {
    team: teamId,
    limit: 25,
    before,
    status: (f.status || undefined) as Status | undefined,
    custodian: f.custodian ? Number(f.custodian) : undefined,
    preparer: f.preparer ? Number(f.preparer) : undefined,
    due_by: f.dueBy || undefined,
    q: f.text || undefined,
  }
}

export function EvaluationTable({ teamId, filters, onFilters }: { teamId: number; filters: EvaluationFilters; onFilters: (f: EvaluationFilters) => void }) {
  // The text filter waits for a pause in typing before it asks the server.
  const [text, setText] = useState(filters.text)
  useEffect(() => {
    if (text === filters.text) return
    const t = setTimeout(() => onFilters({ ...filters, text }), 300)
    return () => clearTimeout(t)
  }, [text, filters, onFilters])

  const custodians = useLoad((signal) => api.GET('/api/v1/custodians', { params: { query: { limit: 100 } }, signal }), [])
  const members = useLoad((signal) => api.GET('/api/v1/teams/{teamID}/members', { params: { path: { teamID: teamId } }, signal }), [teamId])
  const preparers = new Map<number, string>()
  for (const m of members.data?.items ?? []) if (m.role === 'officer') preparers.set(m.user_id, m.user_name)

  const key = JSON.stringify(filters)
  const first = useLoad((signal) => api.GET('/api/v1/evaluations', { params: { query: queryOf(teamId, filters) }, signal }), [teamId, key])
  const [extra, setExtra] = useState<{ base?: EvaluationPage; items: EvaluationSummary[]; before: number | null }>({ items: [], before: null })
  const fresh = !!first.data && extra.base === first.data
  const more = fresh ? extra.items : []
  const before = fresh ? extra.before : (first.data?.next_before ?? null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const loadMore = async () => {
    setBusy(true)
    setError(null)
    try {
      const p = await api.GET('/api/v1/evaluations', { params: { query: queryOf(teamId, filters, before ?? undefined) } })
      setExtra({ base: first.data, items: [...more, ...p.items], before: p.next_before })
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  const set = (patch: Partial<EvaluationFilters>) => onFilters({ ...filters, ...patch })
  const any = filters.status || filters.custodian || filters.preparer || filters.dueBy || filters.text

  const items = first.data ? [...first.data.items, ...more] : []
  return (
    <>
      <form className="ev-filters" role="search" aria-label="Filter evaluations" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="ev-q">Title contains</label>
          <input id="ev-q" type="search" value={text} onChange={(e) => setText(e.target.value)} maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="ev-status">Status</label>
          <select id="ev-status" value={filters.status} onChange={(e) => set({ status: e.target.value })}>
            <option value="">Any</option>
            <option value="draft">Draft</option>
            <option value="submitted">Awaiting approval</option>
            <option value="approved">Approved</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="ev-custodian">Custodian</label>
          <select id="ev-custodian" value={filters.custodian} onChange={(e) => set({ custodian: e.target.value })}>
            <option value="">Any</option>
            {(custodians.data?.items ?? []).map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ev-preparer">Preparer</label>
          <select id="ev-preparer" value={filters.preparer} onChange={(e) => set({ preparer: e.target.value })}>
            <option value="">Anyone</option>
            {[...preparers].map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="ev-due">Due by</label>
          <input id="ev-due" type="date" value={filters.dueBy} onChange={(e) => set({ dueBy: e.target.value })} />
        </div>
        {any && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setText('')
              onFilters({ status: '', custodian: '', preparer: '', dueBy: '', text: '' })
            }}
          >
            Clear filters
          </button>
        )}
      </form>
      {first.error ? (
        <ErrorBox error={first.error} />
      ) : !first.data ? (
        <Loading what="Loading evaluations" />
      ) : items.length === 0 ? (
        <Empty>{any ? 'No evaluation matches these filters.' : 'This team has no evaluation yet.'}</Empty>
      ) : (
        <div className="table-wrap">
          <table aria-label="Evaluations">
            <thead>
              <tr>
                <th scope="col">Evaluation</th>
                <th scope="col">Status</th>
                <th scope="col">Preparer</th>
                <th scope="col" className="num">
                  Candidates
                </th>
                <th scope="col">Due</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/evaluations/${e.id}`}>{e.title}</Link>
                    <div className="muted small">
                      Evaluation #{e.id}
                      {e.status === 'approved' && <> · memos and approvals under “Approval”</>}
                    </div>
                  </td>
                  <td>
                    <StatusBadge e={e} />
                  </td>
                  <td>{e.owner_name}</td>
                  <td className="num">{e.candidates}</td>
                  <td className="nowrap">
                    <DueText date={e.due_date} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ErrorBox error={error} />
      {before !== null && (
        <LoadMore onClick={loadMore} busy={busy} />
      )}
    </>
  )
}
