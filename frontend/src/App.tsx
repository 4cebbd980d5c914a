import { useEffect, useRef, type ReactNode } from 'react'
import { Link, match, navigate, RouterProvider, useLocation } from './router.tsx'
import { hasRole, isOrgAdmin, SessionProvider, teamsWith, useSession } from './session.tsx'
import { ErrorBox, Loading } from './components/ui.tsx'
import { confirmLeave } from './unsaved.ts'
import { LoginPage } from './pages/Login.tsx'
import { DashboardPage } from './pages/Dashboard.tsx'
import { CataloguePage, CustodianPage } from './pages/Catalogue.tsx'
import { NewEvaluationPage } from './pages/NewEvaluation.tsx'
import { WorkspacePage } from './pages/Workspace.tsx'
import { MemosPage } from './pages/Memos.tsx'
import { AuditPage } from './pages/Audit.tsx'
import { AdminPage } from './pages/Admin.tsx'
import { AccountPage } from './pages/Account.tsx'
import { EvaluationsPage } from './pages/Evaluations.tsx'
import { RelationshipPage, RelationshipsPage } from './pages/Relationships.tsx'
import { NotificationsPage } from './pages/Notifications.tsx'
import { NotificationBell } from './components/notifications/Bell.tsx'
import { RespondPage } from './pages/Respond.tsx'

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
  { pattern: '/account', page: () => <AccountPage /> },
  { pattern: '/notifications', page: () => <NotificationsPage /> },
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
          {(hasRole(me, 'auditor') || isOrgAdmin(me)) && item('/audit', 'Audit trail')}
          {(isOrgAdmin(me) || teamsWith(me, 'admin').length > 0) && item('/admin', isOrgAdmin(me) ? 'Admin' : 'Team admin')}
        </ul>
      </nav>
      <div className="who">
        <NotificationBell />
        <Link to="/account" aria-current={path === '/account' ? 'page' : undefined} title={`${me.user.email}: my account and password`}>
          {me.user.name}
        </Link>
        <button type="button" className="link" onClick={() => confirmLeave() && logout()}>
          Sign out
        </button>
      </div>
    </header>
  )
}

/** focusMain moves the keyboard focus to the page's heading, or to main. */
function focusMain() {
  const main = document.getElementById('main')
  const h1 = main?.querySelector('h1')
  const target = (h1 ?? main) as HTMLElement | null
  if (!target) return
  if (h1 && !h1.hasAttribute('tabindex')) h1.setAttribute('tabindex', '-1')
  target.focus({ preventScroll: true })
}

/**
 * Main holds the page. After a page change the focus moves to the new
 * page's heading (a screen reader announces it, the keyboard starts there)
 * instead of staying on a link that is gone.
 */
function Main() {
  const { path } = useLocation()
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    // The page may render its heading once its data arrives: try at once,
    // then when the DOM next changes, for a short while.
    focusMain()
    const main = document.getElementById('main')
    if (!main || main.querySelector('h1')) return
    const obs = new MutationObserver(() => {
      if (main.querySelector('h1')) {
        obs.disconnect()
        focusMain()
      }
    })
    obs.observe(main, { childList: true, subtree: true })
    const stop = window.setTimeout(() => obs.disconnect(), 5000)
    return () => {
      obs.disconnect()
      window.clearTimeout(stop)
    }
  }, [path])
  return (
    <main className="container" id="main" tabIndex={-1}>
      <Pages />
    </main>
  )
}

export function App() {
  // A custodian's respondent has no account: its page stands alone, with no
  // session, no team navigation and nothing of the team's.
  if (window.location.pathname === '/respond') return <RespondPage />
  return (
    <RouterProvider>
      <SessionProvider>
        <a
          href="#main"
          className="skip-link"
          onClick={(e) => {
            e.preventDefault()
            focusMain()
          }}
        >
          Skip to content
        </a>
        <Nav />
        <Main />
      </SessionProvider>
    </RouterProvider>
  )
}
