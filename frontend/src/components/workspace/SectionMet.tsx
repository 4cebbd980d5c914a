// "Mark section met": one request marks a checklist section's unanswered
// items met for one candidate, after a confirmation; items that need
// evidence are skipped (and named), answered items keep their answer.
import { useEffect, useRef, useState } from 'react'
import { api, type Answer, type ChecklistItem, type ChecklistSection, type Evidence } from '../../api.ts'
import { Confirm, ErrorBox } from '../ui.tsx'
import { useGuardedWrite } from './guardedWrite.ts'

interface Props {
  evaluationId: number
  custodianId: number
  custodianName: string
  section: ChecklistSection
  answers: Map<number, Answer>
  evidenceOf: (itemId: number) => Evidence[]
  onChanged: () => void
}

export function SectionMet({ evaluationId, custodianId, custodianName, section, answers, onChanged }: Props) {
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<unknown>(null)
  const [result, setResult] = useState('')
  const [skippedNames, setSkippedNames] = useState<string[]>([])
  const run = useGuardedWrite()
  // The button goes once the section is marked: the focus moves to what
  // happened rather than dropping to the page.
  const said = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (result) said.current?.focus()
  }, [result])
  const pending = section.items.filter((it) => (answers.get(it.id)?.status ?? 'pending') === 'pending')
  const markable = pending.filter((it) => !it.evidence_required)
  const skipped = pending.filter((it) => it.evidence_required)
  if (markable.length === 0 && !result) return null

  const mark = async () => {
    setBusy(true)
    setError(null)
    setResult('')
    setSkippedNames([])
    try {
      const r = await run((ifMatch) =>
        api.POST('/api/v1/evaluations/{id}/custodians/{custodianID}/sections/{sectionKey}/met', {
          params: { path: { id: evaluationId, custodianID: custodianId, sectionKey: section.key }, header: { 'If-Match': ifMatch } },
        }),
      )
      const prompt = new Map(section.items.map((it: ChecklistItem) => [it.id, it.prompt]))
      setSkippedNames(r.skipped.map((s) => prompt.get(s.item_id) ?? s.key))
      setResult(`Marked ${r.answers.length} item${r.answers.length === 1 ? '' : 's'} met.` + (r.skipped.length > 0 ? ' Skipped, as they need evidence:' : ''))
      onChanged()
    } catch (e) {
      setError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div className="section-met">
      {markable.length > 0 && (
        <button type="button" className="small-btn" onClick={() => setConfirming(true)} disabled={busy}>
          {busy ? 'Marking…' : `Mark section met (${markable.length})`}
          <span className="vh"> — {section.title}</span>
        </button>
      )}
      {result && (
        <div className="small ok-text" role="status" tabIndex={-1} ref={said}>
          {result}
          {skippedNames.length > 0 && (
            <ul>
              {skippedNames.map((name) => (
                <li key={name}>{name}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <ErrorBox error={error} />
      <Confirm
        open={confirming}
        title={`Mark “${section.title}” met?`}
        confirmLabel="Mark met"
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false)
          mark()
        }}
      >
        <p>
          {markable.length} unanswered item{markable.length === 1 ? '' : 's'} of this section become Met for {custodianName}. Items already answered keep their answer.
        </p>
        {skipped.length > 0 && (
          <>
            <p>Left unanswered, as they need evidence you attach and check one by one:</p>
            <ul className="small">
              {skipped.map((it) => (
                <li key={it.id}>{it.prompt}</li>
              ))}
            </ul>
          </>
        )}
      </Confirm>
    </div>
  )
}
