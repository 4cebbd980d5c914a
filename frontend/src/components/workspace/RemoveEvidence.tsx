// Removing an evidence file attached to a draft by mistake, after a
// confirmation. The file goes; the audit trail keeps its name, size and
// SHA-256.
import { useState } from 'react'
import { api, type Evidence } from '../../api.ts'
import { Confirm, ErrorBox } from '../ui.tsx'
import { useGuardedWrite } from './guardedWrite.ts'

export function RemoveEvidence({ evaluationId, evidence, onChanged }: { evaluationId: number; evidence: Evidence; onChanged: () => void }) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const run = useGuardedWrite()
  const name = evidence.label || 'evidence-' + evidence.id
  const remove = async () => {
    setBusy(true)
    setError(null)
    try {
      await run((ifMatch) =>
        api.DELETE('/api/v1/evaluations/{id}/evidence/{evidenceID}', { params: { path: { id: evaluationId, evidenceID: evidence.id }, header: { 'If-Match': ifMatch } } }),
      )
      onChanged()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <button type="button" className="link small" onClick={() => setConfirming(true)} disabled={busy}>
        {busy ? 'Removing…' : 'Remove'}
        <span className="vh"> {name}</span>
      </button>
      <ErrorBox error={error} />
      <Confirm
        open={confirming}
        title={`Remove “${name}”?`}
        confirmLabel="Remove file"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          remove()
        }}
      >
        <p>The file is deleted from this draft. The audit trail keeps its name, size and SHA-256 fingerprint, and who removed it.</p>
      </Confirm>
    </>
  )
}
