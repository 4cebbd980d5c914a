import { cleanup, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { Checklist } from './Checklist.tsx'
import { callOf, makeWorkspace, mockFetch } from './testFixtures.ts'

afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('Checklist', () => {
  it('lists the items by section with the evidence marker and completion', () => {
    render(<Checklist workspace={makeWorkspace()} custodianId={1} readOnly={null} onChanged={() => {}} />)
    expect(screen.getByRole('heading', { name: /Regulatory fit/ })).toBeTruthy()
    const charter = screen.getByRole('group', { name: 'Does it hold a charter?' })
    expect(within(charter).getByText('Evidence required')).toBeTruthy()
    expect(within(charter).getByText('Pending')).toBeTruthy()
    expect(screen.getByText('1 of 2 answered (50%)')).toBeTruthy()
  })

  it('answers in one click with a PUT guarded by the answer ETag', async () => {
    const fetch = mockFetch(200, { item_id: 12, status: 'not_applicable', note: 'Seen the report.', version: 4, updated_by: 1, updated_at: '2026-11-02T00:00:00Z' }, { ETag: '"4"' })
    const onChanged = vi.fn()
    const user = userEvent.setup()
    render(<Checklist workspace={makeWorkspace()} custodianId={1} readOnly={null} onChanged={onChanged} />)
    const soc = screen.getByRole('group', { name: 'Is there a current SOC report?' })
    await user.click(within(soc).getByRole('button', { name: 'N/A' }))
    expect(fetch).toHaveLength(1)
    const call = callOf(fetch)
    expect(call.method).toBe('PUT')
    expect(call.url).toBe('/api/v1/evaluations/7/custodians/1/answers/12')
    expect(call.headers.get('If-Match')).toBe('"3"')
    expect(call.body).toEqual({ status: 'not_applicable', note: 'Seen the report.' })
    expect(onChanged).toHaveBeenCalled()
    expect(within(soc).getByRole('button', { name: 'N/A' }).getAttribute('aria-pressed')).toBe('true')
  })

  it('guards a first answer with "0"', async () => {
    const fetch = mockFetch(200, { item_id: 11, status: 'met', note: '', version: 1, updated_by: 1, updated_at: '2026-11-02T00:00:00Z' })
    const user = userEvent.setup()
    render(<Checklist workspace={makeWorkspace()} custodianId={1} readOnly={null} onChanged={() => {}} />)
    await user.click(within(screen.getByRole('group', { name: 'Does it hold a charter?' })).getByRole('button', { name: 'Met' }))
    expect(callOf(fetch).headers.get('If-Match')).toBe('"0"')
  })

  it('opens the note when Not met is chosen without one, and saves once it is written', async () => {
    const fetch = mockFetch(200, { item_id: 11, status: 'not_met', note: 'No charter', version: 1, updated_by: 1, updated_at: '2026-11-02T00:00:00Z' })
    const onChanged = vi.fn()
    const user = userEvent.setup()
    render(<Checklist workspace={makeWorkspace()} custodianId={1} readOnly={null} onChanged={onChanged} />)
    const charter = screen.getByRole('group', { name: 'Does it hold a charter?' })
    await user.click(within(charter).getByRole('button', { name: 'Not met' }))
    // No request that the server would refuse: the note is opened instead.
    expect(fetch).toHaveLength(0)
    const note = within(charter).getByLabelText('Note')
    await waitFor(() => expect(document.activeElement).toBe(note))
    expect(document.getElementById(note.getAttribute('aria-describedby')!)?.textContent).toBe('Say why it is not met, then save.')
    await user.type(note, 'No charter')
    await user.click(within(charter).getByRole('button', { name: 'Save as Not met' }))
    expect(fetch).toHaveLength(1)
    expect(callOf(fetch).body).toEqual({ status: 'not_met', note: 'No charter' })
    expect(onChanged).toHaveBeenCalled()
    // The focus goes back to the answer chosen, not to the page.
    await waitFor(() => expect(document.activeElement).toBe(within(charter).getByRole('button', { name: 'Not met' })))
  })

  it('shows the server reason next to the note when the server refuses it', async () => {
    mockFetch(400, {
      type: 'https://custos.example/problems/400',
      title: 'Bad Request',
      status: 400,
      detail: 'the request is not valid',
      errors: [{ field: 'note', reason: 'explain why the item is not (fully) met' }],
    })
    const onChanged = vi.fn()
    const user = userEvent.setup()
    render(<Checklist workspace={makeWorkspace()} custodianId={1} readOnly={null} onChanged={onChanged} />)
    const charter = screen.getByRole('group', { name: 'Does it hold a charter?' })
    await user.type(within(charter).getByLabelText('Note'), '?')
    await user.click(within(charter).getByRole('button', { name: 'Not met' }))
    const note = within(charter).getByLabelText('Note')
    const describedBy = note.getAttribute('aria-describedby')
    expect(describedBy).toBeTruthy()
    expect(document.getElementById(describedBy!)?.textContent).toBe('explain why the item is not (fully) met')
    expect(within(charter).getByRole('alert').textContent).toBe('explain why the item is not (fully) met')
    expect(onChanged).not.toHaveBeenCalled()
  })

  it('folds a section away without losing a note being typed, and filters the not met items', async () => {
    const user = userEvent.setup()
    render(<Checklist workspace={makeWorkspace()} custodianId={1} readOnly={null} onChanged={() => {}} />)
    await user.type(within(screen.getByRole('group', { name: 'Does it hold a charter?' })).getByLabelText('Note'), 'Half written')
    const fold = screen.getByRole('button', { name: /Regulatory fit/ })
    expect(fold.getAttribute('aria-expanded')).toBe('true')
    await user.click(fold)
    expect(fold.getAttribute('aria-expanded')).toBe('false')
    expect(screen.queryByRole('group', { name: 'Does it hold a charter?' })).toBeNull()
    await user.click(fold)
    expect((within(screen.getByRole('group', { name: 'Does it hold a charter?' })).getByLabelText('Note') as HTMLTextAreaElement).value).toBe('Half written')

    await user.selectOptions(screen.getByLabelText('Show'), 'not_met')
    expect(screen.getByText('No item is answered Not met or Partly met.')).toBeTruthy()
  })

  it('uploads evidence as multipart with the field "file"', async () => {
    const fetch = mockFetch(201, { id: 5, custodian_id: 1, item_id: 11, label: 'charter.pdf', content_type: 'application/pdf', size: 4, sha256: 'ab', uploaded_by: 1, uploaded_at: '2026-11-02T00:00:00Z' })
    const user = userEvent.setup()
    render(<Checklist workspace={makeWorkspace()} custodianId={1} readOnly={null} onChanged={() => {}} />)
    const charter = screen.getByRole('group', { name: 'Does it hold a charter?' })
    await user.upload(within(charter).getByLabelText('Attach evidence'), new File(['%PDF'], 'charter.pdf', { type: 'application/pdf' }))
    const call = callOf(fetch)
    expect(call.method).toBe('POST')
    expect(call.url).toBe('/api/v1/evaluations/7/custodians/1/answers/11/evidence')
    expect(call.headers.get('Content-Type')).toMatch(/^multipart\/form-data; boundary=/)
    // The file's bytes in the field "file" (its name reaches the server in a
    // browser; jsdom's File does not carry it into Node's FormData).
    expect(await ((call.body as FormData).get('file') as Blob).text()).toBe('%PDF')
  })

  it('disables the answers when read only', () => {
    render(<Checklist workspace={makeWorkspace()} custodianId={1} readOnly="Submitted" onChanged={() => {}} />)
    const charter = screen.getByRole('group', { name: 'Does it hold a charter?' })
    expect((within(charter).getByRole('button', { name: 'Met' }) as HTMLButtonElement).disabled).toBe(true)
    expect(within(charter).queryByLabelText('Attach evidence')).toBeNull()
  })
})
