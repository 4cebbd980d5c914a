import { PageTitle } from '../components/ui.tsx'

export function MemosPage() {
  return <PageTitle>Memos</PageTitle>
}
