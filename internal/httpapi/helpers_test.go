package httpapi_test

import "github.com/custos-dd/custos/internal/apitest"

// The short names admin_test.go uses for the kit's checks. They are kept so
// that the user and team tests, which another change is rewriting, merge
// without churn; new tests call apitest directly.
var (
	expectStatus      = apitest.ExpectStatus
	expectProblem     = apitest.ExpectProblem
	expectFieldErrors = apitest.ExpectFieldErrors
	decodeInto        = apitest.DecodeInto
)
