package custos

import (
	"context"
	"regexp"
	"strconv"
	"strings"
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
	// RequiredDocument is the kind of assurance document the item rests on
	// ("" for none): a draft cannot be submitted while the candidate's
	// document of that kind is missing, lapsed, qualified or has an
	// unconfirmed CUEC.
	RequiredDocument DocumentKind `json:"required_document_kind" db:"required_document_kind"`
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
	// CreateTemplate writes the next version of a template family.
	CreateTemplate(ctx context.Context, t NewTemplate) (*Template, error)
}

// NewTemplate is a new version of a template family: editing a template
// means writing its next version, so evaluations that use an older one never
// change.
type NewTemplate struct {
	Family      string
	Name        string
	Description string
	Criteria    []Criterion
	Sections    []ChecklistSection
	RedFlags    []RedFlagDefinition
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)?$`)

// Validate checks the new version: keys well-formed and unique, weights that
// sum to 100, at least one item, known severities, origins and mandate rules.
func (t *NewTemplate) Validate() error {
	var p Problems
	t.Family = strings.TrimSpace(t.Family)
	t.Name = strings.TrimSpace(t.Name)
	if !keyPattern.MatchString(t.Family) || len(t.Family) > 60 {
		p.Add("family", "must be a lower-case key such as default")
	}
	validName(&p, "name", t.Name, 200)
	if len(t.Criteria) == 0 {
		p.Add("criteria", "name at least one criterion")
	}
	sum := 0
	keys := map[string]bool{}
	for _, c := range t.Criteria {
		if !keyPattern.MatchString(c.Key) || keys[c.Key] {
			p.Add("criteria", "criterion keys must be lower-case and unique ("+c.Key+")")
		}
		keys[c.Key] = true
		if strings.TrimSpace(c.Name) == "" {
			p.Add("criteria", "every criterion needs a name")
		}
		if c.Weight < 0 || c.Weight > 100 {
			p.Add("criteria", "weights are between 0 and 100")
		}
		sum += c.Weight
	}
	if len(t.Criteria) > 0 && sum != 100 {
		p.Add("criteria", "the weights must sum to 100 (they sum to "+strconv.Itoa(sum)+")")
	}
	items := 0
	keys = map[string]bool{}
	for _, s := range t.Sections {
		if !keyPattern.MatchString(s.Key) || keys["s:"+s.Key] {
			p.Add("sections", "section keys must be lower-case and unique ("+s.Key+")")
		}
		keys["s:"+s.Key] = true
		if strings.TrimSpace(s.Title) == "" {
			p.Add("sections", "every section needs a title")
		}
		for _, it := range s.Items {
			items++
			if !keyPattern.MatchString(it.Key) || keys["i:"+it.Key] {
				p.Add("sections", "item keys must be lower-case and unique ("+it.Key+")")
			}
			keys["i:"+it.Key] = true
			if strings.TrimSpace(it.Prompt) == "" {
				p.Add("sections", "every item needs a prompt")
			}
			if it.RequiredDocument != "" && !it.RequiredDocument.Valid() {
				p.Add("sections", "required_document_kind must be a known document kind ("+it.Key+")")
			}
		}
	}
	if items == 0 {
		p.Add("sections", "the checklist needs at least one item")
	}
	rules := map[string]bool{}
	for _, f := range t.RedFlags {
		if !keyPattern.MatchString(f.Key) || keys["f:"+f.Key] {
			p.Add("red_flags", "red-flag keys must be lower-case and unique ("+f.Key+")")
		}
		keys["f:"+f.Key] = true
		if strings.TrimSpace(f.Title) == "" {
			p.Add("red_flags", "every red flag needs a title")
		}
		if !validSeverity(f.DefaultSeverity) {
			p.Add("red_flags", "default_severity must be low, medium, high or critical")
		}
		if f.Origin != "red_flag" && f.Origin != "beginner_mistake" && f.Origin != "practice" {
			p.Add("red_flags", "origin must be red_flag, beginner_mistake or practice")
		}
		if f.MandateRule != nil {
			r := *f.MandateRule
			if r != RuleQualifiedCustodian && r != RuleRegionLicence && r != RuleStaking {
				p.Add("red_flags", "mandate_rule must be qualified_custodian, region_licence or staking")
			} else if rules[r] {
				p.Add("red_flags", "each mandate rule belongs to one red flag")
			}
			rules[r] = true
		}
	}
	return p.Err()
}
