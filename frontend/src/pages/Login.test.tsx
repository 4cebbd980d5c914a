import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { SessionOptions } from '../api.ts'
import { RouterProvider } from '../router.tsx'
import { SessionProvider } from '../session.tsx'
import { json, stubFetch } from '../components/dashboard/mockFetch.ts'
import { LoginPage } from './Login.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
  window.history.replaceState(null, '', '/')
})

function show(at: string, options: SessionOptions) {
  window.history.replaceState(null, '', at)
  const calls = stubFetch({
    'GET /api/v1/me': () => json({ type: 'about:blank', title: 'Unauthorized', status: 401 }, 401),
    'GET /api/v1/session-options': () => options,
  })
  render(
    <RouterProvider>
      <SessionProvider>
        <LoginPage />
      </SessionProvider>
    </RouterProvider>,
  )
  return calls
}

describe('the sign-in page', () => {
  it('offers the identity provider, returning to the page asked for', async () => {
    show('/login?next=%2Fevaluations%2F4', { local_passwords: true, sso: { name: 'Example ID', login_url: '/api/v1/oidc/login' } })
    const link = await screen.findByRole('link', { name: 'Sign in with Example ID' })
    expect(link.getAttribute('href')).toBe('/api/v1/oidc/login?return_to=%2Fevaluations%2F4')
    expect(screen.getByLabelText('Password')).toBeTruthy()
  })

  it('offers only the password form without single sign-on', async () => {
    const calls = show('/login', { local_passwords: true, sso: null })
    await vi.waitFor(() => expect(calls.some((c) => c.url === '/api/v1/session-options')).toBe(true))
    expect(screen.queryByRole('link', { name: /Sign in with/ })).toBeNull()
    // The sign-in page does not ask for a session it cannot have (a 401 in the console).
    expect(calls.some((c) => c.url === '/api/v1/me')).toBe(false)
    expect(screen.getByLabelText('Password')).toBeTruthy()
  })

  it('keeps the password form behind the break-glass button when passwords are off', async () => {
    show('/login', { local_passwords: false, sso: { name: 'Example ID', login_url: '/api/v1/oidc/login' } })
    await screen.findByRole('link', { name: 'Sign in with Example ID' })
    expect(screen.queryByLabelText('Password')).toBeNull()
    await userEvent.click(screen.getByRole('button', { name: /Break-glass sign-in/ }))
    expect(screen.getByLabelText('Password')).toBeTruthy()
  })

  it('says why the identity provider’s sign-in was refused', async () => {
    show('/login?sso_error=no_role', { local_passwords: true, sso: { name: 'Example ID', login_url: '/api/v1/oidc/login' } })
    expect((await screen.findByRole('alert')).textContent).toMatch(/no role in Custos/)
  })
})
