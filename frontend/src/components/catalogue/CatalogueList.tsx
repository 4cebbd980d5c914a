// The catalogue: search, filters (region and qualified custodian on the
// server, staking in the browser since the API has no staking filter), and
// keyset pagination with "Load more". The filters live in the address so a
// filtered view can be shared.
import { useEffect, useState } from 'react'
import { api, REGIONS, type Custodian, type CustodianPage, type Region } from '../../api.ts'
import { Link } from '../../router.tsx'
import { Badge, Empty, ErrorBox, LoadMore, Loading } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'
import { keyManagement, yesNo } from './labels.ts'

export interface Filters {
  q: string
  region: Region | ''
  qualified: '' | 'true' | 'false'
  staking: '' | 'yes' | 'no'
}

export function filtersFrom(query: URLSearchParams): Filters {
  const pick = <T extends string>(v: string | null, allowed: readonly T[]): T => (allowed.includes(v as T) ? (v as T) : allowed[0])
  return {
    q: query.get('q') ?? '',
    region: pick(query.get('region'), ['', ...REGIONS] as const),
    qualified: pick(query.get('qualified'), ['', 'true', 'false'] as const),
    staking: pick(query.get('staking'), ['', 'yes', 'no'] as const),
  }
}

function queryOf(f: Filters, after = '') {
  return {
    q: f.q.trim() || undefined,
    region: f.region || undefined,
    qualified: f.qualified ? f.qualified === 'true' : undefined,
    after: after || undefined,
    limit: 25,
  }
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return v
}

export function CatalogueList({ initial }: { initial: Filters }) {
  const [f, setF] = useState<Filters>(initial)
  const q = useDebounced(f.q, 300)
  const serverFilters = { ...f, q }
  const first = useLoad((signal) => api.GET('/api/v1/custodians', { params: { query: queryOf(serverFilters) }, signal }), [q, f.region, f.qualified])
  // Further pages belong to the first page they followed: new filters start over.
  const [extra, setExtra] = useState<{ base?: CustodianPage; items: Custodian[]; cursor: string }>({ items: [], cursor: '' })
  const fresh = !!first.data && extra.base === first.data
  const more = fresh ? extra.items : []
  const cursor = fresh ? extra.cursor : (first.data?.next_cursor ?? '')
  const [moreBusy, setMoreBusy] = useState(false)
  const [moreError, setMoreError] = useState<unknown>(null)

  // Keep the address in step with the filters, without a new history entry.
  useEffect(() => {
    const p = new URLSearchParams()
    if (q.trim()) p.set('q', q.trim())
    if (f.region) p.set('region', f.region)
    if (f.qualified) p.set('qualified', f.qualified)
    if (f.staking) p.set('staking', f.staking)
    const s = p.toString()
    window.history.replaceState(null, '', '/custodians' + (s ? '?' + s : ''))
  }, [q, f.region, f.qualified, f.staking])

  const loadMore = async () => {
    setMoreBusy(true)
    setMoreError(null)
    try {
      const page = await api.GET('/api/v1/custodians', { params: { query: queryOf(serverFilters, cursor) } })
      setExtra({ base: first.data, items: [...more, ...page.items], cursor: page.next_cursor })
    } catch (e) {
      setMoreError(e)
    } finally {
      setMoreBusy(false)
    }
  }

  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setF((x) => ({ ...x, [k]: v }))
  const loaded = first.data ? [...first.data.items, ...more] : []
  const shown = f.staking ? loaded.filter((c) => c.staking === (f.staking === 'yes')) : loaded
  const filtered = !!(f.q.trim() || f.region || f.qualified || f.staking)

  return (
    <>
      <form role="search" aria-label="Filter the catalogue" className="card cat-filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field cat-search">
          <label htmlFor="cat-q">Search</label>
          <input id="cat-q" type="search" placeholder="Name, legal entity or notes" value={f.q} onChange={(e) => set('q', e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="cat-region">Region</label>
          <select id="cat-region" value={f.region} onChange={(e) => set('region', e.target.value as Region)}>
            <option value="">Any region</option>
            {REGIONS.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cat-qualified">Qualified custodian</label>
          <select id="cat-qualified" value={f.qualified} onChange={(e) => set('qualified', e.target.value as Filters['qualified'])}>
            <option value="">Any</option>
            <option value="true">Yes</option>
            <option value="false">No</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="cat-staking">Staking</label>
          <select id="cat-staking" value={f.staking} onChange={(e) => set('staking', e.target.value as Filters['staking'])}>
            <option value="">Any</option>
            <option value="yes">Supported</option>
            <option value="no">Not supported</option>
          </select>
        </div>
        {filtered && (
          <button type="button" className="link cat-clear" onClick={() => setF({ q: '', region: '', qualified: '', staking: '' })}>
            Clear filters
          </button>
        )}
      </form>

      {first.error ? (
        <ErrorBox error={first.error} />
      ) : !first.data ? (
        <Loading what="Loading the catalogue" />
      ) : (
        <>
          <p className="muted small" role="status" aria-live="polite">
            {first.loading ? 'Updating…' : `${shown.length} custodian${shown.length === 1 ? '' : 's'}${f.staking && cursor ? ' among those loaded so far' : ''}${cursor ? '; more below' : ''}.`}
          </p>
          {shown.length === 0 ? (
            <Empty>
              No custodian matches these filters{cursor ? ' among those loaded so far: load more, or' : ':'} try another region or clear the filters.
            </Empty>
          ) : (
            <div className="table-wrap">
              <table className="cat-table">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col" className="cat-entity">Legal entity</th>
                    <th scope="col">Regions</th>
                    <th scope="col">Qualified</th>
                    <th scope="col">Staking</th>
                    <th scope="col">Key management</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((c) => (
                    <tr key={c.id}>
                      <td>
                        <Link to={`/custodians/${c.id}`}>{c.name}</Link>
                        <div className="cat-entity-inline muted small">{c.legal_entity}</div>
                      </td>
                      <td className="cat-entity">{c.legal_entity}</td>
                      <td>
                        <span className="cat-chips">
                          {c.regions.map((r) => (
                            <span key={r} className="cat-chip">
                              {r}
                            </span>
                          ))}
                        </span>
                      </td>
                      <td>
                        <Badge kind={c.qualified_custodian ? 'yes' : 'no'}>{yesNo(c.qualified_custodian)}</Badge>
                      </td>
                      <td>
                        <Badge kind={c.staking ? 'yes' : 'no'}>{yesNo(c.staking)}</Badge>
                      </td>
                      <td>{keyManagement(c.key_management)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <ErrorBox error={moreError} />
          {cursor && (
            <LoadMore onClick={loadMore} busy={moreBusy} />
          )}
        </>
      )}
    </>
  )
}
