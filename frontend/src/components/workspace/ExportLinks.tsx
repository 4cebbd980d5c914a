// Downloads of the evaluation as files (GET /evaluations/{id}/export): the
// server builds them and records each download in the audit trail.
import { downloadURL } from '../../api.ts'

export function ExportLinks({ id }: { id: number }) {
  const base = downloadURL('/api/v1/evaluations/{id}/export', { id })
  const files: [string, string][] = [
    ['format=xlsx', 'Excel workbook'],
    ['format=csv&part=answers', 'checklist CSV'],
    ['format=csv&part=scores', 'scores CSV'],
    ['format=csv&part=red_flags', 'red flags CSV'],
    ['format=json', 'JSON'],
  ]
  return (
    <p className="small ws-exports">
      Download:{' '}
      {files.map(([q, label], i) => (
        <span key={q}>
          {i > 0 && ' · '}
          <a href={`${base}?${q}`} download>
            {label}
          </a>
        </span>
      ))}
    </p>
  )
}
