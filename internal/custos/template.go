package custos

import (
	"context"
	"time"
)

// Severity of a red flag.
type Severity string

const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Template is one immutable version of a checklist and scoring method.
type Template struct {
	ID          int64               `json:"id"`
	Family      string              `json:"family"`
	Version     int                 `json:"version"`
	Name        string              `json:"name"`
	Description string              `json:"description"`
	CreatedAt   time.Time           `json:"created_at"`
	Criteria    []Criterion         `json:"criteria"`
	Sections    []ChecklistSection  `json:"sections"`
	RedFlags    []RedFlagDefinition `json:"red_flags"`
}

// TemplateSummary lists a template without its contents.
type TemplateSummary struct {
	ID          int64     `json:"id"`
	Family      string    `json:"family"`
	Version     int       `json:"version"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at"`
}

// Criterion is a scored dimension with its weight out of 100.
type Criterion struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Weight      int    `json:"weight"`
}

// ChecklistSection groups checklist items.
type ChecklistSection struct {
	Key   string          `json:"key"`
	Title string          `json:"title"`
	Items []ChecklistItem `json:"items"`
}

// ChecklistItem is one question of the checklist.
type ChecklistItem struct {
	ID               int64  `json:"id"`
	Key              string `json:"key"`
	Prompt           string `json:"prompt"`
	Guidance         string `json:"guidance"`
	EvidenceRequired bool   `json:"evidence_required"`
}

// RedFlagDefinition is an entry of a template's red-flag catalogue.
type RedFlagDefinition struct {
	ID              int64    `json:"id"`
	Key             string   `json:"key"`
	Title           string   `json:"title"`
	Description     string   `json:"description"`
	DefaultSeverity Severity `json:"default_severity"`
	Origin          string   `json:"origin"`
	MandateRule     *string  `json:"mandate_rule"`
}

// TotalWeight sums the criteria weights; a usable template totals 100.
func (t *Template) TotalWeight() int {
	n := 0
	for _, c := range t.Criteria {
		n += c.Weight
	}
	return n
}

// TemplateService reads templates.
type TemplateService interface {
	ListTemplates(ctx context.Context) ([]TemplateSummary, error)
	FindTemplate(ctx context.Context, id int64) (*Template, error)
}
