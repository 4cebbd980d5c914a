// What keeps the shortlist from being submitted, each reason linked to where
// it is fixed, and the submit button (disabled while anything blocks).
import { useId } from 'react'
import type { Blocker } from '../../api.ts'
import { ErrorBox } from '../ui.tsx'
import { plural } from './util.ts'
import './workspace.css'

interface Props {
  blockers: Blocker[]
  /** Custodian names, to group the reasons by candidate. */
  names?: Map<number, string>
  /** Takes the user to where a blocker is fixed. */
  onGo: (b: Blocker) => void
  onSubmit: () => void
  /** Why this user cannot submit at all (read only), or null. */
  disabledReason?: string | null
  busy?: boolean
  error?: unknown
  onReload?: () => void
}

const FIX: Record<string, string> = {
  shortlist_empty: 'Edit the shortlist',
  unanswered: 'Answer the item',
  unconfirmed: 'Confirm the answer',
  evidence_missing: 'Attach evidence',
  open_critical_flag: 'Resolve the flag',
  unscored: 'Score the criterion',
  shortlist_inversion: 'Explain the order',
}

export function SubmitBlockers({ blockers, names, onGo, onSubmit, disabledReason, busy, error, onReload }: Props) {
  const descId = useId()
  const headId = useId()
  const groups = new Map<number | null, Blocker[]>()
  for (const b of blockers) {
    const k = b.custodian_id
    groups.set(k, [...(groups.get(k) ?? []), b])
  }
  const disabled = blockers.length > 0 || !!disabledReason || !!busy
  const why = blockers.length > 0 ? `${plural(blockers.length, 'blocker')} to fix before submitting` : disabledReason || ''
  return (
    <div className="submit-blockers">
      <h3 id={headId}>{blockers.length > 0 ? `What blocks submission (${blockers.length})` : 'Ready to submit'}</h3>
      <div className="submit-bar">
        <button type="button" className="primary" disabled={disabled} onClick={onSubmit} aria-describedby={why ? descId : undefined}>
          {busy ? 'Submitting…' : 'Submit for approval'}
        </button>
        {why && (
          <span id={descId} className="small submit-why" data-testid="submit-why">
            {why}
          </span>
        )}
      </div>
      <ErrorBox error={error} onReload={onReload} />
      {blockers.length === 0 ? (
        <div className="alert alert-ok">Nothing blocks submission: every shortlisted candidate is complete, with its evidence, and has no open critical red flag.</div>
      ) : (
        <>
          <p className="muted small">Each reason below takes you to where it is fixed.</p>
          {[...groups].map(([cid, bs]) => (
            <section key={String(cid)} className="blocker-group" aria-label={cid === null ? 'The shortlist' : names?.get(cid) ?? 'Custodian #' + cid}>
              <h4>
                {cid === null ? 'The shortlist' : names?.get(cid) ?? 'Custodian #' + cid} <span className="muted small">({bs.length})</span>
              </h4>
              <ul className="blocker-list">
                {bs.map((b, i) => (
                  <li key={i} className={'blocker blocker-' + b.code}>
                    <button type="button" className="link blocker-link" onClick={() => onGo(b)}>
                      {b.message}
                    </button>
                    <span className="blocker-fix small muted" aria-hidden="true">
                      {FIX[b.code] ?? 'Fix it'} →
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
    </div>
  )
}
