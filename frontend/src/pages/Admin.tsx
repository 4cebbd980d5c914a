import { PageTitle } from '../components/ui.tsx'

export function AdminPage() {
  return <PageTitle>Admin</PageTitle>
}
