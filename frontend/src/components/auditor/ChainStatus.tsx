// The audit chain's verification status: verified up to its head, or the
// first broken link in red. The server goes on from the event verified last
// (what was appended since); "Verify the whole chain" walks it from the start.
import { useState } from 'react'
import { api } from '../../api.ts'
import { shortHash } from '../../format.ts'
import { ErrorBox } from '../ui.tsx'
import { useLoad } from '../dashboard/useLoad.ts'

export function ChainStatus() {
  const [full, setFull] = useState(false)
  const r = useLoad((signal) => api.GET('/api/v1/audit/verify', { signal, params: { query: full ? { full: true } : {} } }), [full])
  const again = (
    <span className="chain-actions">
      <button type="button" onClick={() => (full ? setFull(false) : r.reload())} disabled={r.loading}>
        {r.loading ? 'Verifying…' : 'Verify again'}
      </button>{' '}
      <button type="button" onClick={() => (full ? r.reload() : setFull(true))} disabled={r.loading}>
        Verify the whole chain
      </button>
    </span>
  )
  if (r.error) {
    return (
      <div className="chain">
        <ErrorBox error={r.error} />
        {again}
      </div>
    )
  }
  if (!r.data) {
    return (
      <div className="alert alert-info chain" role="status">
        Verifying the audit chain…
      </div>
    )
  }
  const c = r.data
  if (c.valid) {
    return (
      <div className="alert alert-ok chain" role="status" aria-label="Audit chain status">
        <div>
          <strong className="chain-title">
            <span aria-hidden="true">✓ </span>Chain verified: {c.checked} events, head #{c.head_seq} <code title={c.head_hash}>{shortHash(c.head_hash)}</code>
          </strong>
          <div className="small">
            {c.verified_from > 0
              ? `The ${c.checked - c.verified_from} events since event #${c.verified_from}, verified earlier and unchanged since, had their hashes recomputed, each covering the one before it.`
              : "Every event's hash was recomputed and each one covers the one before it: nothing was altered, removed or inserted."}
          </div>
        </div>
        {again}
      </div>
    )
  }
  return (
    <div className="alert alert-error chain chain-broken" role="alert" aria-label="Audit chain status">
      <div>
        <strong className="chain-title">
          <span aria-hidden="true">✗ </span>
          {c.first_broken ? `Broken at event ${c.first_broken.seq}: ${c.first_broken.reason}` : 'The chain does not verify'}
        </strong>
        <div className="small">
          {c.checked} events checked. The trail from this event on cannot be trusted: report it to your security team with this event number.
        </div>
      </div>
      {again}
    </div>
  )
}
