import { PageTitle } from '../components/ui.tsx'

export function NewEvaluationPage() {
  return <PageTitle>NewEvaluation</PageTitle>
}
