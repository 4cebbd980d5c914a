// The mandate-fit red flags candidates would get, as the server computes
// them (POST /api/v1/mandate-fit runs custos.MandateFit): the rule lives
// once, in Go. Asked again a moment after the mandate or the candidates stop
// changing; until the answer comes the last one stays on screen.
import { useEffect, useState } from 'react'
import { api, type Mandate, type MandateFitFlag } from '../../api.ts'

export interface MandateFit {
  /** The flags of each custodian asked about; absent until known. */
  flags: Map<number, MandateFitFlag[]>
  /** Why the last preview failed, if it did. */
  error: unknown
}

const NONE: MandateFit = { flags: new Map(), error: null }

export function useMandateFit(mandate: Mandate, custodianIds: number[], templateId?: number, delayMs = 250): MandateFit {
  const [fit, setFit] = useState<MandateFit>(NONE)
  // Only what fit reads: typing an asset or an amount asks nothing.
  const ask = JSON.stringify({
    mandate: { regions: mandate.regions, qualified_custodian_required: mandate.qualified_custodian_required, staking_required: mandate.staking_required },
    custodian_ids: custodianIds,
    template_id: templateId || undefined,
  })
  useEffect(() => {
    const body = JSON.parse(ask) as { mandate: Mandate; custodian_ids: number[]; template_id?: number }
    if (body.custodian_ids.length === 0) {
      setFit(NONE)
      return
    }
    const ctl = new AbortController()
    const timer = setTimeout(() => {
      api
        .POST('/api/v1/mandate-fit', { body, signal: ctl.signal })
        .then((r) => setFit({ flags: new Map(r.items.map((c) => [c.custodian_id, c.flags])), error: null }))
        .catch((error) => {
          if (!ctl.signal.aborted) setFit((was) => ({ ...was, error }))
        })
    }, delayMs)
    return () => {
      clearTimeout(timer)
      ctl.abort()
    }
  }, [ask, delayMs])
  return fit
}
