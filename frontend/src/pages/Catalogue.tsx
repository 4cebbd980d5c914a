import { PageTitle } from '../components/ui.tsx'

export function CataloguePage() {
  return <PageTitle>Catalogue</PageTitle>
}

export function CustodianPage({ id }: { id: number }) {
  return <PageTitle>Custodian {id}</PageTitle>
}
