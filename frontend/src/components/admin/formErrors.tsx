// Form-level error display shared by the admin and catalogue forms: field
// errors appear next to their fields, so the box above only summarises them;
// a conflict that names a field (a duplicate slug or e-mail address) is moved
// next to that field.
import { ApiError } from '../../api.ts'
import { ErrorBox } from '../ui.tsx'

/** toFieldError turns a 409 whose detail mentions one of the fields into a field error. */
export function toFieldError(err: unknown, fields: Record<string, RegExp>): unknown {
  if (!(err instanceof ApiError) || err.status !== 409 || err.problem.errors?.length) return err
  const detail = err.problem.detail ?? ''
  for (const [field, re] of Object.entries(fields)) {
    if (re.test(detail)) return new ApiError({ ...err.problem, errors: [{ field, reason: detail }] })
  }
  return err
}

export function FormError({ error, onReload }: { error: unknown; onReload?: () => void }) {
  if (!error) return null
  if (error instanceof ApiError && error.problem.errors?.length) {
    const n = error.problem.errors.length
    return (
      <div className="alert alert-error" role="alert">
        {n === 1 ? 'One field needs attention' : `${n} fields need attention`}: see the messages next to them.
      </div>
    )
  }
  return <ErrorBox error={error} onReload={onReload} />
}

/** GroupErrors lists every reason for a field (a fieldset can have several). */
export function GroupErrors({ error, field, id }: { error: unknown; field: string; id?: string }) {
  const reasons = error instanceof ApiError ? (error.problem.errors ?? []).filter((e) => e.field === field).map((e) => e.reason) : []
  if (!reasons.length) return null
  return (
    <div className="field-error" role="alert" id={id}>
      {reasons.length === 1 ? (
        reasons[0]
      ) : (
        <ul className="group-errors">
          {reasons.map((r, i) => (
            <li key={i}>{r}</li>
          ))}
        </ul>
      )}
    </div>
  )
}
