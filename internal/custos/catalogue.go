package custos

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Regions a custodian can serve and a mandate can name.
var Regions = []string{"US", "EU", "UK", "CH", "SG", "HK", "AE", "JE", "IE", "LU", "IT", "APAC", "MENA", "GLOBAL"}

// KeyManagementModels a custodian can use.
var KeyManagementModels = []string{"cold_storage", "hsm", "mpc", "air_gapped"}

// Licence is one charter, licence or registration a custodian holds.
type Licence struct {
	Name         string `json:"name"`
	Regulator    string `json:"regulator"`
	Jurisdiction string `json:"jurisdiction"`
}

// Provenance says where a catalogue fact comes from and when it was last checked.
type Provenance struct {
	Source     string `json:"source"`
	VerifiedOn string `json:"verified_on"`
}

// Custodian is an entry of the catalogue.
type Custodian struct {
	ID                 int64                 `json:"id"`
	Slug               string                `json:"slug"`
	Name               string                `json:"name"`
	LegalEntity        string                `json:"legal_entity"`
	Licences           []Licence             `json:"licences"`
	QualifiedCustodian bool                  `json:"qualified_custodian"`
	Regions            []string              `json:"regions"`
	KeyManagement      []string              `json:"key_management"`
	Staking            bool                  `json:"staking"`
	SettlementNetwork  string                `json:"settlement_network"`
	FeeModel           string                `json:"fee_model"`
	Notes              string                `json:"notes"`
	Provenance         map[string]Provenance `json:"provenance"`
	Version            int                   `json:"version"`
	CreatedAt          time.Time             `json:"created_at"`
	UpdatedAt          time.Time             `json:"updated_at"`
}

// CustodianFacts are the editable facts of a custodian.
type CustodianFacts struct {
	Slug               string
	Name               string
	LegalEntity        string
	Licences           []Licence
	QualifiedCustodian bool
	Regions            []string
	KeyManagement      []string
	Staking            bool
	SettlementNetwork  string
	FeeModel           string
	Notes              string
	Provenance         map[string]Provenance
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
var datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// ProvenanceFacts are the facts that may carry a provenance.
var ProvenanceFacts = []string{"legal_entity", "licences", "qualified_custodian", "regions", "key_management", "staking", "settlement_network", "fee_model", "notes"}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Validate checks the facts.
func (f *CustodianFacts) Validate() error {
	var p Problems
	f.Name = strings.TrimSpace(f.Name)
	validName(&p, "name", f.Name, 200)
	if !slugPattern.MatchString(f.Slug) || len(f.Slug) > 80 {
		p.Add("slug", "must be lower-case letters and digits separated by single hyphens")
	}
	validName(&p, "legal_entity", f.LegalEntity, 300)
	if len(f.Regions) == 0 {
		p.Add("regions", "name at least one region")
	}
	for _, r := range f.Regions {
		if !contains(Regions, r) {
			p.Add("regions", "unknown region "+r)
		}
	}
	for _, k := range f.KeyManagement {
		if !contains(KeyManagementModels, k) {
			p.Add("key_management", "unknown key-management model "+k)
		}
	}
	for i, l := range f.Licences {
		if strings.TrimSpace(l.Name) == "" || strings.TrimSpace(l.Regulator) == "" {
			p.Add("licences", "licence "+strconv.Itoa(i+1)+" needs a name and a regulator")
		}
	}
	for fact, pr := range f.Provenance {
		if !contains(ProvenanceFacts, fact) {
			p.Add("provenance", "unknown fact "+fact)
		} else if strings.TrimSpace(pr.Source) == "" {
			p.Add("provenance", "the source of "+fact+" is required")
		} else if pr.VerifiedOn != "" {
			if _, err := time.Parse("2006-01-02", pr.VerifiedOn); err != nil || !datePattern.MatchString(pr.VerifiedOn) {
				p.Add("provenance", "verified_on of "+fact+" must be a date (YYYY-MM-DD)")
			}
		}
	}
	if len(f.Notes) > 4000 {
		p.Add("notes", "is too long")
	}
	return p.Err()
}

// CustodianFilter selects catalogue entries. After is an opaque cursor.
type CustodianFilter struct {
	Query     string
	Region    string
	Qualified *bool
	After     string
	Limit     int
}

// CustodianPage is one page of the catalogue, ordered by name.
type CustodianPage struct {
	Items      []*Custodian `json:"items"`
	NextCursor string       `json:"next_cursor"`
}

// CustodianService reads and edits the catalogue.
type CustodianService interface {
	ListCustodians(ctx context.Context, f CustodianFilter) (*CustodianPage, error)
	FindCustodian(ctx context.Context, id int64) (*Custodian, error)
	CreateCustodian(ctx context.Context, f CustodianFacts) (*Custodian, error)
	// UpdateCustodian replaces the facts; version must match the stored one.
	UpdateCustodian(ctx context.Context, id int64, version int, f CustodianFacts) (*Custodian, error)
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
