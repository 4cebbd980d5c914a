import { useEffect, type ReactNode } from 'react'
import { Link, match, navigate, RouterProvider, useLocation } from './router.tsx'
import { hasRole, SessionProvider, useSession } from './session.tsx'
import { ErrorBox, Loading } from './components/ui.tsx'
import { LoginPage } from './pages/Login.tsx'
import { DashboardPage } from './pages/Dashboard.tsx'
import { CataloguePage, CustodianPage } from './pages/Catalogue.tsx'
import { NewEvaluationPage } from './pages/NewEvaluation.tsx'
import { WorkspacePage } from './pages/Workspace.tsx'
import { MemosPage } from './pages/Memos.tsx'
import { AuditPage } from './pages/Audit.tsx'
import { AdminPage } from './pages/Admin.tsx'
import { EvaluationsPage } from './pages/Evaluations.tsx'
import { RelationshipPage, RelationshipsPage } from './pages/Relationships.tsx'

/** The route table: the first pattern that matches the path wins. */
const routes: { pattern: string; page: (p: Record<string, string>) => ReactNode }[] = [
  { pattern: '/', page: () => <DashboardPage /> },
  { pattern: '/custodians', page: () => <CataloguePage /> },
  { pattern: '/custodians/:id', page: (p) => <CustodianPage id={Number(p.id)} /> },
  { pattern: '/evaluations', page: () => <EvaluationsPage /> },
  { pattern: '/evaluations/new', page: () => <NewEvaluationPage /> },
  { pattern: '/evaluations/:id', page: (p) => <WorkspacePage key={p.id} id={Number(p.id)} /> },
  { pattern: '/relationships', page: () => <RelationshipsPage /> },
  { pattern: '/teams/:teamId/relationships/:id', page: (p) => <RelationshipPage key={p.teamId + '/' + p.id} teamId={Number(p.teamId)} id={Number(p.id)} /> },
  { pattern: '/memos', page: () => <MemosPage /> },
  { pattern: '/audit', page: () => <AuditPage /> },
  { pattern: '/admin', page: () => <AdminPage /> },
]

function Pages() {
  const { path } = useLocation()
  const { me, loading, failure, refresh } = useSession()
  if (path === '/login') return <LoginPage />
  if (loading) return <Loading />
  if (failure) {
    return (
      <div>
        <ErrorBox error={failure} />
        <button type="button" onClick={() => refresh()}>
          Try again
        </button>
      </div>
    )
  }
  if (!me) return <ToLogin path={path} />
  for (const r of routes) {
    const params = match(r.pattern, path)
    if (params) return <>{r.page(params)}</>
  }
  return (
    <div>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link to="/">Back to the dashboard</Link>.
      </p>
    </div>
  )
}

/** ToLogin sends a signed-out visitor to the login page, to come back after. */
function ToLogin({ path }: { path: string }) {
  useEffect(() => {
    navigate('/login?next=' + encodeURIComponent(path + window.location.search), true)
  }, [path])
  return null
}

function Nav() {
  const { me, logout } = useSession()
  const { path } = useLocation()
  if (!me) return null
  const item = (to: string, label: string) => {
    const active = to === '/' ? path === '/' : path.startsWith(to)
    return (
      <li>
        <Link to={to} aria-current={active ? 'page' : undefined}>
          {label}
        </Link>
      </li>
    )
  }
  return (
    <header className="topbar">
      <Link to="/" className="brand">
        Custos
      </Link>
      <nav aria-label="Main">
        <ul>
          {item('/', 'Dashboard')}
          {(hasRole(me, 'auditor') || hasRole(me, 'manager') || hasRole(me, 'officer')) && item('/evaluations', 'Evaluations')}
          {(hasRole(me, 'auditor') || hasRole(me, 'manager') || hasRole(me, 'officer')) && item('/relationships', 'Relationships')}
          {item('/custodians', 'Catalogue')}
          {(hasRole(me, 'auditor') || hasRole(me, 'manager') || hasRole(me, 'officer')) && item('/memos', 'Memos')}
          {(hasRole(me, 'auditor') || hasRole(me, 'admin')) && item('/audit', 'Audit trail')}
          {hasRole(me, 'admin') && item('/admin', 'Admin')}
        </ul>
      </nav>
      <div className="who">
        <span title={me.user.email}>{me.user.name}</span>
        <button type="button" className="link" onClick={() => logout()}>
          Sign out
        </button>
      </div>
    </header>
  )
}

export function App() {
  return (
    <RouterProvider>
      <SessionProvider>
        <Nav />
        <main className="container">
          <Pages />
        </main>
      </SessionProvider>
    </RouterProvider>
  )
}
