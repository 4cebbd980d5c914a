// Typed text that is not saved yet must not vanish silently: editors say
// while they hold unsaved text (useUnsaved), and anything that would throw
// it away (leaving the page, switching candidate or tab, closing the
// browser tab) asks first (confirmLeave, and the browser's own prompt).
import { useEffect, useId } from 'react'

const dirty = new Map<string, string>()

function onBeforeUnload(e: BeforeUnloadEvent) {
  if (dirty.size === 0) return
  e.preventDefault()
  // Older browsers need a value; the text itself is never shown.
  e.returnValue = ''
}

/** useUnsaved registers an editor's unsaved text, described by what. */
export function useUnsaved(isDirty: boolean, what: string) {
  const id = useId()
  useEffect(() => {
    if (!isDirty) return
    dirty.set(id, what)
    if (dirty.size === 1) window.addEventListener('beforeunload', onBeforeUnload)
    return () => {
      dirty.delete(id)
      if (dirty.size === 0) window.removeEventListener('beforeunload', onBeforeUnload)
    }
  }, [id, isDirty, what])
}

/** unsaved lists what holds unsaved text now. */
export function unsaved(): string[] {
  return [...dirty.values()]
}

/**
 * confirmLeave answers whether it is fine to throw away the unsaved text:
 * true when there is none, else what the user says when asked.
 */
export function confirmLeave(): boolean {
  const what = unsaved()
  if (what.length === 0) return true
  const list = what.slice(0, 3).join('; ') + (what.length > 3 ? `; and ${what.length - 3} more` : '')
  const ok = window.confirm(`You have unsaved text (${list}). Leave without saving it?`)
  // Once the user agreed, the editors being left no longer hold anything.
  if (ok) dirty.clear()
  if (ok) window.removeEventListener('beforeunload', onBeforeUnload)
  return ok
}
