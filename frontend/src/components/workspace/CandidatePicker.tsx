// Picks the candidate whose checklist or red flags are shown.
import type { Assessment } from '../../api.ts'
import { formatPercent } from '../../format.ts'
import './workspace.css'

export function CandidatePicker({
  assessments,
  current,
  onPick,
  show,
}: {
  assessments: Assessment[]
  current: number
  onPick: (id: number) => void
  show: 'completion' | 'flags'
}) {
  return (
    <div className="cand-picker" role="group" aria-label="Candidate">
      {assessments.map((a) => {
        const open = a.red_flags.filter((f) => f.status === 'open').length
        return (
          <button key={a.custodian.id} type="button" aria-pressed={a.custodian.id === current} onClick={() => onPick(a.custodian.id)} className="cand-btn">
            <span className="cand-btn-name">{a.custodian.name}</span>
            <span className="cand-btn-extra">{show === 'completion' ? formatPercent(a.completion.percent) : `${open} open`}</span>
          </button>
        )
      })}
    </div>
  )
}
