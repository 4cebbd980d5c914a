import { PageTitle } from '../components/ui.tsx'

export function AuditPage() {
  return <PageTitle>Audit</PageTitle>
}
