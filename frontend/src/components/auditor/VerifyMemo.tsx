// Verify a memo file: drop a PDF (or choose one) and the server answers
// whether it is an unaltered memo that Custos issued.
import { useRef, useState, type DragEvent } from 'react'
import { api, type MemoVerdict } from '../../api.ts'
import { ErrorBox } from '../ui.tsx'
import { Verdict } from './Verdict.tsx'

/** The server refuses bodies above this size. */
const MAX_BYTES = 32 * 1024 * 1024

export function VerifyMemo() {
  const [over, setOver] = useState(false)
  const [file, setFile] = useState<File | null>(null)
  const [verdict, setVerdict] = useState<MemoVerdict | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [problem, setProblem] = useState('')
  const [busy, setBusy] = useState(false)
  const input = useRef<HTMLInputElement>(null)

  const verify = async (f: File) => {
    setFile(f)
    setVerdict(null)
    setError(null)
    setProblem('')
    if (f.size === 0 || f.size > MAX_BYTES) {
      setProblem(f.size === 0 ? 'The file is empty: choose the memo PDF itself.' : 'The file is larger than 32 MiB, so it cannot be a Custos memo.')
      return
    }
    setBusy(true)
    try {
      // The PDF itself is the body, sent as it is.
      setVerdict(await api.POST('/api/v1/memos/verify', { body: f, bodySerializer: (b) => b, headers: { 'Content-Type': 'application/pdf' } }))
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
      if (input.current) input.current.value = ''
    }
  }

  const onDrop = (e: DragEvent) => {
    e.preventDefault()
    setOver(false)
    const f = e.dataTransfer.files?.[0]
    if (f) verify(f)
  }

  return (
    <div className="verify">
      <div
        className={'dropzone' + (over ? ' dropzone-over' : '')}
        onDragOver={(e) => {
          e.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        {/* One line says what to do; the card's heading already says what for. */}
        <label htmlFor="verify-file" className="file-label dropzone-lead">
          Choose a PDF to verify, or drop it here
        </label>
        <input
          ref={input}
          id="verify-file"
          type="file"
          accept="application/pdf,.pdf"
          aria-describedby="verify-hint"
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) verify(f)
          }}
        />
        <p id="verify-hint" className="muted small">
          Custos checks the signature, that nothing was added after signing, the signer's certificate, and that it issued a memo with exactly these bytes. The file is not kept.
        </p>
      </div>
      {busy && (
        <p role="status" aria-live="polite" className="muted">
          Checking {file?.name}…
        </p>
      )}
      <ErrorBox error={error} />
      {problem && (
        <div className="alert alert-error" role="alert">
          {problem}
        </div>
      )}
      {verdict && <Verdict verdict={verdict} fileName={file?.name} fileSize={file?.size} />}
    </div>
  )
}
