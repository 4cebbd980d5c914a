import { cleanup, render, screen } from '@testing-library/react'
import { afterEach, expect, it } from 'vitest'
import { ExportLinks } from './ExportLinks.tsx'

afterEach(cleanup)

// Each link downloads one file of the export endpoint the server documents.
it('links every export of the evaluation', () => {
  render(<ExportLinks id={42} />)
  const hrefs = screen.getAllByRole('link').map((a) => [a.textContent, a.getAttribute('href'), a.hasAttribute('download')])
  expect(hrefs).toEqual([
    ['Excel workbook', '/api/v1/evaluations/42/export?format=xlsx', true],
    ['checklist CSV', '/api/v1/evaluations/42/export?format=csv&part=answers', true],
    ['scores CSV', '/api/v1/evaluations/42/export?format=csv&part=scores', true],
    ['red flags CSV', '/api/v1/evaluations/42/export?format=csv&part=red_flags', true],
    ['JSON', '/api/v1/evaluations/42/export?format=json', true],
  ])
})
