import { PageTitle } from '../components/ui.tsx'

export function DashboardPage() {
  return <PageTitle>Dashboard</PageTitle>
}
