// The audit trail (/audit): the chain's verification status, then the events.
import { api } from '../api.ts'
import { isOrgAdmin, teamsWith, useSession } from '../session.tsx'
import { Empty, PageTitle } from '../components/ui.tsx'
import { useLoad } from '../components/dashboard/useLoad.ts'
import { ChainStatus } from '../components/auditor/ChainStatus.tsx'
import { AuditEvents } from '../components/auditor/AuditEvents.tsx'
import '../components/auditor/auditor.css'

export function AuditPage() {
  const { me } = useSession()
  // The organisation admin reads the whole trail; auditors their teams'
  // (a team admin reads no trail at all).
  const admin = isOrgAdmin(me)
  const auditorTeams = teamsWith(me, 'auditor')
  // Admins read the whole trail and may pick any team.
  const all = useLoad((signal) => (admin ? api.GET('/api/v1/teams', { signal }).then((l) => l.items.map((t) => ({ id: t.id, name: t.name }))) : Promise.resolve(auditorTeams)), [admin])
  if (!me) return null
  if (!admin && auditorTeams.length === 0) {
    return (
      <>
        <PageTitle>Audit trail</PageTitle>
        <Empty>The audit trail is for auditors and the organisation's administrators. Ask an administrator for the auditor role in your team if you need it.</Empty>
      </>
    )
  }
  const teams = admin ? (all.data ?? auditorTeams) : auditorTeams
  return (
    <>
      <PageTitle>Audit trail</PageTitle>
      <p className="muted">Every change and every memo download, who made it and when, chained by hash so that no event can be altered or removed unnoticed.</p>
      <ChainStatus />
      <AuditEvents teams={teams} allowAll={admin} />
    </>
  )
}
