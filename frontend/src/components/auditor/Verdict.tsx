// The answer to "is this file a memo Custos issued, unaltered?": a verdict
// anyone can read at a glance, then each check, the reasons in words and,
// for a genuine memo, which memo, evaluation and approvals it records.
import type { MemoVerdict } from '../../api.ts'
import { formatBytes, formatDateTime, shortHash } from '../../format.ts'
import { Link } from '../../router.tsx'

function Check({ ok, label, detail }: { ok: boolean; label: string; detail: string }) {
  return (
    <li className={ok ? 'check-ok' : 'check-bad'}>
      <span className="check-icon" aria-hidden="true">
        {ok ? '✓' : '✗'}
      </span>
      <span>
        <strong>{label}</strong>
        <span className="vh">{ok ? ': passed' : ': failed'}</span>
        <span className="check-detail">{detail}</span>
      </span>
    </li>
  )
}

export function Verdict({ verdict: v, fileName, fileSize }: { verdict: MemoVerdict; fileName?: string; fileSize?: number }) {
  const s = v.signature
  // Signature problems the reasons do not already say.
  const problems = (s.problems ?? []).filter((p) => !v.reasons.includes(p))
  // Which organisation key signed, from its key history (absent when the
  // signer is not one of the organisation's keys).
  const k = v.signing_key ?? null
  return (
    <section className={'verdict ' + (v.genuine ? 'verdict-ok' : 'verdict-bad')} aria-labelledby="verdict-h" aria-live="polite">
      <div className="verdict-head">
        <span className="verdict-mark" aria-hidden="true">
          {v.genuine ? '✓' : '✗'}
        </span>
        <div>
          <h3 id="verdict-h" className="verdict-title">
            {v.genuine ? 'Genuine memo' : 'Not genuine'}
          </h3>
          <p className="verdict-summary">
            {v.genuine && v.memo
              ? `This file is memo #${v.memo.id}, byte for byte as Custos issued it, signed with this organisation's certificate.`
              : 'Do not rely on this file: it is not a memo exactly as Custos issued it.'}
          </p>
          {fileName && (
            <p className="muted small">
              {fileName}
              {fileSize !== undefined && <> · {formatBytes(fileSize)}</>}
            </p>
          )}
        </div>
      </div>

      <ul className="verdict-checks" aria-label="Checks">
        <Check
          ok={s.signed && s.valid}
          label="Signature valid"
          detail={!s.signed ? 'The file carries no digital signature.' : s.valid ? 'The signature is cryptographically valid for the signed bytes.' : 'The signature does not match the signed bytes: the content was changed after signing.'}
        />
        <Check
          ok={s.signed && s.covers_whole_file}
          label="Covers the whole file"
          detail={s.covers_whole_file ? 'Nothing was added after signing.' : s.signed ? 'Bytes outside the signed range were added or changed after signing.' : 'There is no signed range.'}
        />
        <Check
          ok={s.our_certificate}
          label="Signed by our certificate"
          detail={s.our_certificate ? `Signer fingerprint ${shortHash(s.signer_fingerprint)}` : s.signer_fingerprint ? `Signed by another certificate (${shortHash(s.signer_fingerprint)}).` : 'No signer certificate was found.'}
        />
        {s.our_certificate && v.signing_key !== undefined && (
          <Check
            ok={!!k?.current_when_signed}
            label="Signed with the key in use then"
            detail={
              !k
                ? 'The signing certificate is not in the organisation key history.'
                : k.current_when_signed
                  ? `The key in use from ${formatDateTime(k.in_use_from)}${k.in_use_until ? ` until ${formatDateTime(k.in_use_until)}` : ' (still current)'} signed it.`
                  : `An earlier key signed it after its successor took over (it was in use ${formatDateTime(k.in_use_from)} – ${k.in_use_until ? formatDateTime(k.in_use_until) : 'now'}).`
            }
          />
        )}
        <Check
          ok={!!v.memo}
          label="Issued by Custos"
          detail={v.memo ? `Its SHA-256 is that of memo #${v.memo.id}, issued ${formatDateTime(v.memo.issued_at)}.` : 'No issued memo has this SHA-256.'}
        />
      </ul>

      {v.reasons.length > 0 && (
        <div className="verdict-reasons">
          <h4>Why</h4>
          <ul>
            {v.reasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </div>
      )}
      {problems.length > 0 && (
        <div className="verdict-reasons">
          <h4>Signature details</h4>
          <ul>
            {problems.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </div>
      )}

      <dl className="verdict-facts">
        {k && (
          <>
            <dt>Signing key</dt>
            <dd>
              {k.subject}, fingerprint <code title={k.fingerprint}>{shortHash(k.fingerprint)}</code>
              <div className="muted small">
                Certificate valid {formatDateTime(k.not_before)} – {formatDateTime(k.not_after)}; in use from {formatDateTime(k.in_use_from)}
                {k.in_use_until ? ` until ${formatDateTime(k.in_use_until)}` : ', still current'}.{' '}
                {k.current_when_signed ? 'It was the current key when the memo was issued.' : 'It was not the current key when the memo was issued.'}
              </div>
            </dd>
          </>
        )}
        <dt>SHA-256 of this file</dt>
        <dd>
          <code>{v.sha256}</code>
        </dd>
        {v.memo && (
          <>
            <dt>Memo</dt>
            <dd>
              #{v.memo.id}: {v.memo.title}
            </dd>
            <dt>Evaluation</dt>
            <dd>
              <Link to={`/evaluations/${v.memo.evaluation_id}`}>Evaluation #{v.memo.evaluation_id}</Link>
            </dd>
            <dt>Issued</dt>
            <dd>{formatDateTime(v.memo.issued_at)}</dd>
            <dt>Approved snapshot</dt>
            <dd>
              <code>{v.memo.snapshot_hash}</code>
            </dd>
            <dt>Audit chain head at approval</dt>
            <dd>
              event {v.memo.audit_head_seq}, <code>{shortHash(v.memo.audit_head_hash)}</code>
            </dd>
          </>
        )}
      </dl>

      {v.memo && (
        <div>
          <h4>Approvals</h4>
          {v.approvals.length === 0 ? (
            <p className="muted">No approval is recorded.</p>
          ) : (
            <div className="table-wrap">
              <table aria-label="Approvals">
                <thead>
                  <tr>
                    <th scope="col">Who</th>
                    <th scope="col">Decision</th>
                    <th scope="col">When</th>
                    <th scope="col">Snapshot hash</th>
                    <th scope="col">Comment</th>
                  </tr>
                </thead>
                <tbody>
                  {v.approvals.map((a) => (
                    <tr key={a.id}>
                      <td>{a.manager_name}</td>
                      <td>{a.decision === 'approve' ? 'Approved' : 'Returned'}</td>
                      <td className="nowrap">{formatDateTime(a.created_at)}</td>
                      <td title={a.snapshot_hash}>
                        <code>{shortHash(a.snapshot_hash)}</code>
                      </td>
                      <td>{a.comment || <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  )
}
