// Writes to an evaluation's parts that carry the workspace's ETag. The
// workspace page provides run, which sends one write at a time with the
// current ETag and reloads the workspace after it, so a user's quick
// succession of saves never trips over its own version, while another
// person's change in between still answers 412.
import { createContext, useContext } from 'react'

export type Run = <T>(task: (ifMatch: string | undefined) => Promise<T>) => Promise<T>

/** Without a workspace page around it (in component tests), writes go unguarded. */
export const GuardedWrite = createContext<Run>((task) => task(undefined))

export function useGuardedWrite(): Run {
  return useContext(GuardedWrite)
}
