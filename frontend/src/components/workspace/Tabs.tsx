// Accessible tabs (WAI-ARIA tabs pattern): arrow keys, Home and End move
// between tabs; the panel is labelled by its tab.
import { useRef, type KeyboardEvent, type ReactNode } from 'react'
import './workspace.css'

export interface TabSpec<T extends string> {
  id: T
  label: string
  /** Shown after the label, outside the tab's accessible name (e.g. a count). */
  extra?: ReactNode
}

export function tabId(base: string, id: string) {
  return `${base}-tab-${id}`
}
export function panelId(base: string, id: string) {
  return `${base}-panel-${id}`
}

export function Tabs<T extends string>({ base, label, tabs, current, onSelect }: { base: string; label: string; tabs: TabSpec<T>[]; current: T; onSelect: (t: T) => void }) {
  const refs = useRef<(HTMLButtonElement | null)[]>([])
  const onKey = (e: KeyboardEvent, i: number) => {
    let j = -1
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length
    else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length
    else if (e.key === 'Home') j = 0
    else if (e.key === 'End') j = tabs.length - 1
    if (j < 0) return
    e.preventDefault()
    onSelect(tabs[j].id)
    refs.current[j]?.focus()
  }
  return (
    <div className="tabs ws-tabs" role="tablist" aria-label={label}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          ref={(el) => {
            refs.current[i] = el
          }}
          type="button"
          role="tab"
          id={tabId(base, t.id)}
          aria-controls={panelId(base, t.id)}
          aria-selected={t.id === current}
          tabIndex={t.id === current ? 0 : -1}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKey(e, i)}
        >
          <span>{t.label}</span>
          {t.extra !== undefined && t.extra !== null && (
            <span className="tab-extra" aria-hidden="true">
              {t.extra}
            </span>
          )}
        </button>
      ))}
    </div>
  )
}
