// Package policies embeds the casbin model and the role → permission policy.
package policies

import _ "embed"

// Model is the casbin model (RBAC with domains).
//
//go:embed model.conf
var Model string

// Policy is the role → permission policy.
//
//go:embed policy.csv
var Policy string
