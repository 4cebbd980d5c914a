// Testing Library's findBy* and waitFor give up after 1 s by default; on a
// busy 2-core machine, with test files running side by side, a page can take
// longer than that to render its first answers. Wait on the condition with
// a generous deadline instead.
import { configure } from '@testing-library/react'

configure({ asyncUtilTimeout: 10_000 })
