import { PageTitle } from '../components/ui.tsx'

export function WorkspacePage({ id }: { id: number }) {
  return <PageTitle>Evaluation {id}</PageTitle>
}
