import { configure } from '@testing-library/react'

// findBy… and waitFor wait for a condition, never a fixed time; on a busy
// 2-core machine a page can take seconds to settle, so they wait up to 15 s
// instead of Testing Library's default of 1 s.
configure({ asyncUtilTimeout: 15_000 })
