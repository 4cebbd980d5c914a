import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react'
import type { MemoVerdict } from '../../api.ts'
import { stubFetch } from '../dashboard/mockFetch.ts'
import { VerifyMemo } from './VerifyMemo.tsx'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

const memo = {
  id: 3,
  evaluation_id: 1,
  team_id: 1,
  title: '2027 custody RFP — Fund III',
  sha256: 'a'.repeat(64),
  size: 48213,
  signer_fingerprint: 'f'.repeat(64),
  snapshot_hash: 'b'.repeat(64),
  audit_head_seq: 170,
  audit_head_hash: 'c'.repeat(64),
  issued_by: 3,
  issued_at: '2026-11-26T10:00:00Z',
}

const genuine: MemoVerdict = {
  genuine: true,
  sha256: 'a'.repeat(64),
  signature: { signed: true, valid: true, covers_whole_file: true, signer_fingerprint: 'f'.repeat(64), our_certificate: true, problems: null },
  memo,
  approvals: [{ id: 1, round: 1, manager_id: 3, manager_name: 'Maya Manager', decision: 'approve', comment: 'Looks right', snapshot_hash: 'b'.repeat(64), created_at: '2026-11-26T09:00:00Z' }],
  reasons: [],
}

const altered: MemoVerdict = {
  genuine: false,
  sha256: 'd'.repeat(64),
  signature: { signed: true, valid: true, covers_whole_file: false, signer_fingerprint: 'f'.repeat(64), our_certificate: true, problems: ['bytes were appended after the signed range'] },
  memo: null,
  approvals: [],
  reasons: ['the signature does not cover the whole file: something was added after signing', 'no issued memo has this SHA-256'],
}

function choose(name: string) {
  const input = screen.getByLabelText('Choose a PDF to verify, or drop it here')
  const file = new File(['%PDF-1.7 test'], name, { type: 'application/pdf' })
  fireEvent.change(input, { target: { files: [file] } })
  return file
}

describe('memo verification', () => {
  it('shows a genuine memo with every check passed, its evaluation and approvals', async () => {
    const calls = stubFetch({ 'POST /api/v1/memos/verify': () => genuine })
    render(<VerifyMemo />)
    choose('custos-memo-3.pdf')

    expect(await screen.findByRole('heading', { name: 'Genuine memo' })).toBeTruthy()
    expect(calls).toHaveLength(1)
    expect(calls[0].method).toBe('POST')
    expect(await (calls[0].body as Blob).text()).toBe('%PDF-1.7 test')
    expect(calls[0].headers.get('Content-Type')).toBe('application/pdf')

    const checks = screen.getByRole('list', { name: 'Checks' })
    const items = within(checks).getAllByRole('listitem')
    expect(items.map((li) => li.textContent)).toEqual([
      expect.stringContaining('Signature valid: passed'),
      expect.stringContaining('Covers the whole file: passed'),
      expect.stringContaining('Signed by our certificate: passed'),
      expect.stringContaining('Issued by Custos: passed'),
    ])
    expect(screen.getByRole('link', { name: 'Evaluation #1' }).getAttribute('href')).toBe('/evaluations/1')
    const approvals = screen.getByRole('table', { name: 'Approvals' })
    expect(within(approvals).getByText('Maya Manager')).toBeTruthy()
    expect(within(approvals).getByText('Looks right')).toBeTruthy()
    expect(screen.queryByRole('heading', { name: 'Not genuine' })).toBeNull()
  })

  it('says a changed copy is not genuine, with the failed checks and the reasons', async () => {
    stubFetch({ 'POST /api/v1/memos/verify': () => altered })
    render(<VerifyMemo />)
    choose('changed.pdf')

    expect(await screen.findByRole('heading', { name: 'Not genuine' })).toBeTruthy()
    const items = within(screen.getByRole('list', { name: 'Checks' })).getAllByRole('listitem')
    expect(items[0].textContent).toContain('Signature valid: passed')
    expect(items[1].textContent).toContain('Covers the whole file: failed')
    expect(items[3].textContent).toContain('Issued by Custos: failed')
    expect(screen.getByText('no issued memo has this SHA-256')).toBeTruthy()
    expect(screen.getByText(/something was added after signing/)).toBeTruthy()
    expect(screen.getByText('bytes were appended after the signed range')).toBeTruthy()
    expect(screen.queryByRole('table', { name: 'Approvals' })).toBeNull()
  })

  it('names the signing key and whether it was the current one when the memo was issued', async () => {
    const key = { fingerprint: 'f'.repeat(64), subject: 'CN=Custos Demo Org', not_before: '2026-01-01T00:00:00Z', not_after: '2028-01-01T00:00:00Z', in_use_from: '2026-01-01T00:00:00Z', in_use_until: null, current_when_signed: true }
    stubFetch({ 'POST /api/v1/memos/verify': () => ({ ...genuine, signing_key: key }) })
    render(<VerifyMemo />)
    choose('custos-memo-3.pdf')
    const checks = within(await screen.findByRole('list', { name: 'Checks' })).getAllByRole('listitem')
    expect(checks[3].textContent).toContain('Signed with the key in use then: passed')
    expect(checks[3].textContent).toContain('(still current)')
    expect(screen.getByText(/CN=Custos Demo Org, fingerprint/)).toBeTruthy()
    expect(screen.getByText(/It was the current key when the memo was issued/)).toBeTruthy()
    cleanup()

    const retired = { ...key, in_use_until: '2026-06-01T00:00:00Z', current_when_signed: false }
    stubFetch({ 'POST /api/v1/memos/verify': () => ({ ...genuine, genuine: false, signing_key: retired, reasons: ['signed with a retired key'] }) })
    render(<VerifyMemo />)
    choose('late.pdf')
    const after = within(await screen.findByRole('list', { name: 'Checks' })).getAllByRole('listitem')
    expect(after[3].textContent).toContain('Signed with the key in use then: failed')
    expect(after[3].textContent).toContain('An earlier key signed it after its successor took over')
    expect(screen.getByText(/It was not the current key when the memo was issued/)).toBeTruthy()
  })

  it('shows the server problem when the file is refused', async () => {
    stubFetch({ 'POST /api/v1/memos/verify': () => new Response(JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'the body is not a PDF' }), { status: 400, headers: { 'Content-Type': 'application/problem+json' } }) })
    render(<VerifyMemo />)
    choose('notes.pdf')
    expect((await screen.findByRole('alert')).textContent).toContain('the body is not a PDF')
  })
})
