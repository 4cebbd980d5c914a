// Memos (/memos): the memos my teams have issued, and a check of any memo file.
import { useState } from 'react'
import { teamsWith, useSession } from '../session.tsx'
import { PageTitle } from '../components/ui.tsx'
import { MemoTable } from '../components/auditor/MemoTable.tsx'
import { VerifyMemo } from '../components/auditor/VerifyMemo.tsx'
import '../components/auditor/auditor.css'

export function MemosPage() {
  const { me } = useSession()
  const teams = teamsWith(me, 'officer', 'manager', 'auditor')
  const [teamId, setTeamId] = useState<number>(teams[0]?.id ?? 0)
  return (
    <>
      <PageTitle>Memos</PageTitle>
      <p className="muted">Signed PDF memos of approved evaluations. Every download is recorded in the audit trail.</p>
      <section aria-labelledby="issued-h">
        <div className="section-head">
          <h2 id="issued-h">Issued memos</h2>
          {teams.length > 1 && (
            <div className="field aud-inline-field">
              <label htmlFor="memo-team">Team</label>
              <select id="memo-team" value={teamId} onChange={(e) => setTeamId(Number(e.target.value))}>
                {teams.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </div>
          )}
        </div>
        {teams.length === 1 && <p className="muted small">Team: {teams[0].name}</p>}
        {teams.length === 0 ? (
          <div className="empty">You hold no officer, manager or auditor role in a team, so there are no memos to list. You can still verify a memo file below.</div>
        ) : (
          <MemoTable key={teamId} teamId={teamId} />
        )}
      </section>
      <section aria-labelledby="verify-h" className="card verify-card">
        <h2 id="verify-h">Verify a memo</h2>
        <VerifyMemo />
      </section>
    </>
  )
}
