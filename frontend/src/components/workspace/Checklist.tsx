// One candidate's checklist, by section: one-click answers, a note (required
// for not met and partly met), evidence upload and download, and what still
// needs doing.
import { useEffect, useId, useRef, useState } from 'react'
import {
  api,
  ApiError,
  downloadURL,
  type Answer,
  asForm,
  type AnswerStatus,
  type Assessment,
  type ChecklistItem,
  type Evidence,
  type Workspace,
} from '../../api.ts'
import { ANSWER_LABELS, formatBytes, formatPercent, shortHash } from '../../format.ts'
import { Badge, ErrorBox, Field } from '../ui.tsx'
import './workspace.css'
import { useGuardedWrite } from './guardedWrite.ts'
import { answerTally, clearingReload } from './util.ts'
import { useUnsaved } from '../../unsaved.ts'
import { RemoveEvidence } from './RemoveEvidence.tsx'
import { SectionMet } from './SectionMet.tsx'

const CHOICES: AnswerStatus[] = ['met', 'partly_met', 'not_met', 'not_applicable']

type Filter = 'all' | 'open' | 'evidence' | 'not_met'

interface Props {
  workspace: Workspace
  custodianId: number
  readOnly: string | null
  /** Called after a change, to reload the workspace. */
  onChanged: () => void
  onReload?: () => void
  /** An item to bring into view and focus (the nonce repeats a request). */
  focusItem?: { itemId: number; nonce: number } | null
  /** Called with an answer the server stored, to apply it without a reload. */
  onAnswered?: (custodianId: number, answer: Answer) => void
  /** Called to open the next candidate's checklist. */
  onNext?: (custodianId: number) => void
}

function needsEvidence(item: ChecklistItem, a: Answer, evidence: Evidence[]): boolean {
  return item.evidence_required && (a.status === 'met' || a.status === 'partly_met') && evidence.length === 0
}

export function Checklist({ workspace, custodianId, readOnly, onChanged, onReload, focusItem, onAnswered, onNext }: Props) {
  const assessment = workspace.assessments.find((a) => a.custodian.id === custodianId)
  const [filter, setFilter] = useState<Filter>('all')
  const filterId = useId()
  // Sections folded away by the user. Folded items stay mounted (hidden),
  // so a note being typed is never thrown away by folding.
  const [folded, setFolded] = useState<Set<string>>(() => new Set())
  const fold = (key: string) =>
    setFolded((f) => {
      const n = new Set(f)
      if (n.has(key)) n.delete(key)
      else n.add(key)
      return n
    })

  useEffect(() => {
    if (!focusItem) return
    setFilter('all')
    setFolded(new Set())
    // After the filter shows every item again.
    const t = window.setTimeout(() => {
      const el = document.getElementById(`item-${custodianId}-${focusItem.itemId}`)
      if (el) {
        el.scrollIntoView?.({ block: 'center' })
        el.focus()
      }
    }, 0)
    return () => window.clearTimeout(t)
  }, [focusItem, custodianId])

  if (!assessment) return <p className="muted">This custodian is not a candidate of the evaluation.</p>
  const answers = new Map(assessment.answers.map((a) => [a.item_id, a]))
  const evidenceOf = (itemId: number) => assessment.evidence.filter((e) => e.item_id === itemId)
  const missing = workspace.template.sections.flatMap((s) => s.items).filter((it) => {
    const a = answers.get(it.id)
    return a && needsEvidence(it, a, evidenceOf(it.id))
  }).length
  const { answered, to_confirm: toConfirm, total, percent } = assessment.completion
  const next = workspace.assessments[workspace.assessments.indexOf(assessment) + 1]

  const visible = (it: ChecklistItem) => {
    const a = answers.get(it.id)
    if (!a) return false
    // A carried-forward answer waits for the officer as an unanswered one does.
    if (filter === 'open') return a.status === 'pending' || !!a.carried_forward
    if (filter === 'evidence') return needsEvidence(it, a, evidenceOf(it.id))
    if (filter === 'not_met') return a.status === 'not_met' || a.status === 'partly_met'
    return true
  }

  return (
    <div className="checklist">
      <div className="checklist-head">
        <div className="checklist-progress">
          <strong>
            {answered} of {total} answered ({formatPercent(percent)}){toConfirm > 0 ? `, ${toConfirm} carried forward to confirm` : ''}
          </strong>
          <div className="progress" role="progressbar" aria-label={`Checklist completion for ${assessment.custodian.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
            <span style={{ width: percent + '%' }} />
          </div>
          <span className="small warn-text warn-line">{missing > 0 ? `${missing} answered ${missing === 1 ? 'item still needs' : 'items still need'} evidence.` : ''}</span>
        </div>
        <div className="field inline-field">
          <label htmlFor={filterId}>Show</label>
          <select id={filterId} value={filter} onChange={(e) => setFilter(e.target.value as Filter)}>
            <option value="all">Every item</option>
            <option value="open">{toConfirm > 0 ? 'Unanswered or to confirm' : 'Unanswered items'}</option>
            <option value="evidence">Items missing evidence</option>
            <option value="not_met">Not met or partly met</option>
          </select>
        </div>
        <div className="actions">
          <button type="button" className="small-btn" onClick={() => setFolded(new Set(workspace.template.sections.map((s) => s.key)))}>
            Fold all sections
          </button>
          <button type="button" className="small-btn" onClick={() => setFolded(new Set())}>
            Unfold all
          </button>
        </div>
      </div>
      {workspace.template.sections.map((section) => {
        const items = section.items.filter(visible)
        if (items.length === 0) return null
        const { answered: done, toConfirm: carried } = answerTally(section.items.map((it) => answers.get(it.id)))
        return (
          <section key={section.key} className="check-section" aria-labelledby={`sec-${custodianId}-${section.key}`}>
            <h3 id={`sec-${custodianId}-${section.key}`} className="check-section-head">
              <button type="button" className="fold-btn" aria-expanded={!folded.has(section.key)} aria-controls={`secbody-${custodianId}-${section.key}`} onClick={() => fold(section.key)}>
                <span aria-hidden="true" className="fold-mark">
                  {folded.has(section.key) ? '▸' : '▾'}
                </span>
                {section.title}{' '}
                <span className="muted small">
                  {done}/{section.items.length} answered{carried > 0 ? `, ${carried} to confirm` : ''}
                </span>
              </button>
            </h3>
            <div id={`secbody-${custodianId}-${section.key}`} hidden={folded.has(section.key)}>
            {!readOnly && (
              <SectionMet
                evaluationId={workspace.evaluation.id}
                custodianId={custodianId}
                custodianName={assessment.custodian.name}
                section={section}
                answers={answers}
                evidenceOf={evidenceOf}
                onChanged={onChanged}
              />
            )}
            {items.map((it) => (
              <ChecklistItemRow
                key={it.id}
                evaluationId={workspace.evaluation.id}
                assessment={assessment}
                item={it}
                answer={answers.get(it.id)!}
                evidence={evidenceOf(it.id)}
                readOnly={readOnly}
                onChanged={onChanged}
                onAnswered={onAnswered}
                onReload={onReload}
              />
            ))}
            </div>
          </section>
        )
      })}
      {workspace.template.sections.every((s) => s.items.filter(visible).length === 0) && (
        <div className="empty">{filter === 'open' ? 'Every item is answered.' : filter === 'not_met' ? 'No item is answered Not met or Partly met.' : 'No answered item is missing evidence.'}</div>
      )}
      {next && onNext && (
        <p className="checklist-next">
          <a
            href={`?tab=checklist&candidate=${next.custodian.id}`}
            onClick={(e) => {
              e.preventDefault()
              onNext(next.custodian.id)
            }}
          >
            Next candidate: {next.custodian.name} ({next.completion.answered} of {next.completion.total} answered) →
          </a>
        </p>
      )}
    </div>
  )
}

function ChecklistItemRow({
  evaluationId,
  assessment,
  item,
  answer,
  evidence,
  readOnly,
  onChanged,
  onAnswered,
  onReload,
}: {
  evaluationId: number
  assessment: Assessment
  item: ChecklistItem
  answer: Answer
  evidence: Evidence[]
  readOnly: string | null
  onChanged: () => void
  onAnswered?: (custodianId: number, answer: Answer) => void
  onReload?: () => void
}) {
  const cid = assessment.custodian.id
  const promptId = `prompt-${cid}-${item.id}`
  // The answer this row saved last, until the reloaded workspace catches up.
  const [saved, setSaved] = useState<Answer | null>(null)
  const current = saved && saved.version > answer.version ? saved : answer
  const [note, setNote] = useState(current.note)
  const [noteBase, setNoteBase] = useState(current.note)
  if (noteBase !== current.note) {
    setNoteBase(current.note)
    if (note === noteBase) setNote(current.note)
  }
  const run = useGuardedWrite()
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [uploadError, setUploadError] = useState<unknown>(null)
  const fileRef = useRef<HTMLInputElement>(null)
  const noteRef = useRef<HTMLTextAreaElement>(null)
  const buttons = useRef<Partial<Record<AnswerStatus, HTMLButtonElement | null>>>({})
  // Not met and Partly met need a note: choosing one without a note opens
  // the note first instead of asking the server to refuse.
  const [choosing, setChoosing] = useState<AnswerStatus | null>(null)
  // The buttons are disabled while saving, which drops the focus to the
  // page: once enabled again, it goes back to the answer chosen.
  const [refocus, setRefocus] = useState<AnswerStatus | null>(null)
  useEffect(() => {
    if (!refocus || busy !== null) return
    buttons.current[refocus]?.focus()
    setRefocus(null)
  }, [refocus, busy])
  const reloadHere = clearingReload(setError, onReload)
  const noteDirty = note !== current.note
  useUnsaved(noteDirty && !readOnly, `the note on “${item.prompt.length > 40 ? item.prompt.slice(0, 40) + '…' : item.prompt}”`)
  const needsNote = current.status === 'not_met' || current.status === 'partly_met'
  const noteReason = error instanceof ApiError ? error.field('note') : undefined
  const path = { id: evaluationId, custodianID: cid, itemID: item.id }

  const answerWith = async (status: AnswerStatus) => {
    if ((status === 'not_met' || status === 'partly_met') && note.trim() === '') {
      setChoosing(status)
      setError(null)
      window.setTimeout(() => noteRef.current?.focus(), 0)
      return
    }
    setChoosing(null)
    setBusy(status)
    setError(null)
    try {
      const a = await api.PUT('/api/v1/evaluations/{id}/custodians/{custodianID}/answers/{itemID}', {
        params: { path, header: { 'If-Match': `"${current.version}"` } },
        body: { status, note },
      })
      setSaved(a)
      setNote(a.note)
      setNoteBase(a.note)
      if (onAnswered) onAnswered(cid, a)
      else onChanged()
      setRefocus(status)
    } catch (e) {
      setError(e)
      // The server names the note when it is missing: take the user there.
      if (e instanceof ApiError && e.field('note')) window.setTimeout(() => noteRef.current?.focus(), 0)
    } finally {
      setBusy(null)
    }
  }

  const upload = async (file: File) => {
    setBusy('upload')
    setUploadError(null)
    try {
      await run((ifMatch) =>
        api.POST('/api/v1/evaluations/{id}/custodians/{custodianID}/answers/{itemID}/evidence', {
          params: { path, header: { 'If-Match': ifMatch } },
          body: { file },
          bodySerializer: asForm,
        }),
      )
      onChanged()
    } catch (e) {
      setUploadError(e)
    } finally {
      setBusy(null)
      if (fileRef.current) fileRef.current.value = ''
    }
  }

  const evidenceMissing = needsEvidence(item, current, evidence)
  const disabled = !!readOnly || busy !== null
  const fileReason = uploadError instanceof ApiError ? uploadError.field('file') : undefined

  return (
    <div
      className={'check-item status-' + current.status + (evidenceMissing ? ' evidence-missing' : '')}
      id={`item-${cid}-${item.id}`}
      tabIndex={-1}
      role="group"
      aria-labelledby={promptId}
    >
      <div className="check-main">
        <p id={promptId} className="check-prompt">
          {item.prompt}
        </p>
        <div className="check-meta">
          <Badge kind={current.status}>{ANSWER_LABELS[current.status]}</Badge>
          {item.evidence_required && <span className="badge badge-evidence">Evidence required</span>}
          {evidenceMissing && <span className="small warn-text">Attach evidence: submission waits for it.</span>}
          {current.carried_forward && <span className="small warn-text">Carried forward from the last approved evaluation: answer again to confirm.</span>}
        </div>
        {item.guidance && (
          <details className="check-guidance">
            <summary>Guidance</summary>
            <p className="small">{item.guidance}</p>
          </details>
        )}
        <div className="answer-buttons">
          {CHOICES.map((s) => (
            <button
              key={s}
              ref={(el) => {
                buttons.current[s] = el
              }}
              type="button"
              className={'answer-btn answer-' + s + (choosing === s ? ' choosing' : '')}
              aria-pressed={current.status === s}
              disabled={disabled}
              onClick={() => answerWith(s)}
            >
              {busy === s ? '…' : ANSWER_LABELS[s]}
            </button>
          ))}
          {!readOnly && current.status !== 'pending' && (
            <button type="button" className="link small" onClick={() => answerWith('pending')} disabled={disabled}>
              {busy === 'pending' ? '…' : 'Back to unanswered'}
            </button>
          )}
        </div>
        {error !== null && !noteReason && <ErrorBox error={error} onReload={reloadHere} />}
      </div>
      <div className="check-side">
        <Field
          label="Note"
          name="note"
          error={error}
          hint={readOnly ? undefined : choosing ? `Say why it is ${ANSWER_LABELS[choosing].toLowerCase()}, then save.` : needsNote ? 'Required: say why it is not (fully) met' : 'Required for Not met and Partly met'}
        >
          {(id, d) => (
            <textarea
              ref={noteRef}
              id={id}
              rows={2}
              value={note}
              onChange={(e) => setNote(e.target.value)}
              aria-describedby={d}
              disabled={!!readOnly}
              readOnly={busy !== null}
            />
          )}
        </Field>
        {choosing && !readOnly && (
          <div className="note-actions">
            <button type="button" className="primary small-btn" onClick={() => answerWith(choosing)} disabled={busy !== null || note.trim() === ''}>
              Save as {ANSWER_LABELS[choosing]}
            </button>
            <button
              type="button"
              className="small-btn"
              onClick={() => {
                setChoosing(null)
                window.setTimeout(() => buttons.current[choosing]?.focus(), 0)
              }}
            >
              Cancel
            </button>
          </div>
        )}
        {!choosing && noteDirty && !readOnly && current.status !== 'pending' && (
          <button type="button" className="small-btn" onClick={() => answerWith(current.status)} disabled={busy !== null}>
            Save note
          </button>
        )}
        <div className="evidence">
          {evidence.length > 0 && (
            <ul className="evidence-list" aria-label="Evidence">
              {evidence.map((e) => (
                <li key={e.id}>
                  <a href={downloadURL('/api/v1/evaluations/{id}/evidence/{evidenceID}', { id: evaluationId, evidenceID: e.id })} download>
                    {e.label || 'evidence-' + e.id}
                  </a>{' '}
                  <span className="muted small">
                    {formatBytes(e.size)} · <span title={'SHA-256 ' + e.sha256}>{shortHash(e.sha256)}</span>
                  </span>
                  {!readOnly && <RemoveEvidence evaluationId={evaluationId} evidence={e} onChanged={onChanged} />}
                </li>
              ))}
            </ul>
          )}
          {!readOnly && (
            <label className={'file-btn' + (busy !== null ? ' disabled' : '')}>
              <span>{busy === 'upload' ? 'Uploading…' : 'Attach evidence'}</span>
              <input
                ref={fileRef}
                type="file"
                accept="application/pdf,image/png,image/jpeg,text/plain,.pdf,.png,.jpg,.jpeg,.txt"
                disabled={busy !== null}
                onChange={(e) => {
                  const f = e.target.files?.[0]
                  if (f) upload(f)
                }}
              />
            </label>
          )}
          {fileReason && (
            <div className="field-error" role="alert">
              {fileReason}
            </div>
          )}
          {uploadError !== null && !fileReason && <ErrorBox error={uploadError} />}
        </div>
      </div>
    </div>
  )
}
