package postgres

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/custos-dd/custos/internal/custos"
)

// CatalogueService reads and edits custodians and reads templates.
type CatalogueService struct{ db *DB }

// NewCatalogueService returns the catalogue service.
func NewCatalogueService(db *DB) *CatalogueService { return &CatalogueService{db} }

const custodianColumns = `id, slug, name, legal_entity, licences, qualified_custodian, regions, key_management,
	staking, settlement_network, fee_model, notes, provenance, version, created_at, updated_at`

type custodianRow struct {
	ID                 int64          `db:"id"`
	Slug               string         `db:"slug"`
	Name               string         `db:"name"`
	LegalEntity        string         `db:"legal_entity"`
	Licences           []byte         `db:"licences"`
	QualifiedCustodian bool           `db:"qualified_custodian"`
	Regions            pq.StringArray `db:"regions"`
	KeyManagement      pq.StringArray `db:"key_management"`
	Staking            bool           `db:"staking"`
	SettlementNetwork  string         `db:"settlement_network"`
	FeeModel           string         `db:"fee_model"`
	Notes              string         `db:"notes"`
	Provenance         []byte         `db:"provenance"`
	Version            int            `db:"version"`
	CreatedAt          time.Time      `db:"created_at"`
	UpdatedAt          time.Time      `db:"updated_at"`
}

func (r *custodianRow) custodian() (*custos.Custodian, error) {
	c := &custos.Custodian{ID: r.ID, Slug: r.Slug, Name: r.Name, LegalEntity: r.LegalEntity,
		QualifiedCustodian: r.QualifiedCustodian, Regions: []string(r.Regions), KeyManagement: []string(r.KeyManagement),
		Staking: r.Staking, SettlementNetwork: r.SettlementNetwork, FeeModel: r.FeeModel, Notes: r.Notes,
		Version: r.Version, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
		Licences: []custos.Licence{}, Provenance: map[string]custos.Provenance{}}
	if c.Regions == nil {
		c.Regions = []string{}
	}
	if c.KeyManagement == nil {
		c.KeyManagement = []string{}
	}
	if err := json.Unmarshal(r.Licences, &c.Licences); err != nil {
		return nil, custos.Internal(err)
	}
	if err := json.Unmarshal(r.Provenance, &c.Provenance); err != nil {
		return nil, custos.Internal(err)
	}
	return c, nil
}

type custodianCursor struct {
	Name string `json:"n"`
	ID   int64  `json:"i"`
}

func encodeCursor(c custodianCursor) string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (custodianCursor, error) {
	var c custodianCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.ID <= 0 {
		return c, custos.Invalid("after", "is not a cursor this server issued")
	}
	return c, nil
}

// searchFewMatches is how many matches of a search term or region are
// sorted by name for a page; past it they are too many for that, and the
// name index is walked instead.
const searchFewMatches = 500

// searchWalk is how many custodians after the cursor, in name order, a
// search first reads and matches one by one, for a page of limit: a term
// most custodians match (a common word, one letter, a region) fills its
// page among them, without gathering its matches from an index, which
// costs in proportion to the catalogue. A rarer term reads these few rows
// for nothing before the index finds it.
func searchWalk(limit int) int { return limit + 16 }

// catalogueSearch is the statement for one shape of search: a term of
// three characters or more (trigrams), a shorter one, or none; a region or
// none. The text holds only the conditions the shape has, so that the plan
// made for it need not weigh catch-alls ("$1 IS NULL OR …"); a parameter
// the shape does not use is NULL and its guard ("$2::text IS NULL") true.
//
// It finds a page of custodians matching the term ($1, the LIKE pattern;
// $7, the term itself when shorter than a trigram) or the region ($2),
// whatever their number, without reading the whole catalogue:
//   - the first $8 custodians after the cursor in name order are matched
//     one by one (walk); if they hold a whole page ($6) of matches, or are
//     all that is left of the catalogue, that is the page (settled);
//   - otherwise up to searchFewMatches+1 matches, whole rows, are gathered through the
//     trigram, short-substring or region index (MATERIALIZED: so that the
//     planner does not walk the name index hoping to meet a page of matches
//     early, which reads every row when there are none);
//   - if there are no more than searchFewMatches, the page is sorted from them;
//   - otherwise matches are dense (at least searchFewMatches of them), and
//     walking the name index in order meets a page of them soon: the walk's
//     match is wrapped in IS TRUE, which no index answers, so that the
//     planner walks the name index rather than gathering every match again.
//
// Each way the cost is bounded by the walk, the number gathered and the
// page, not by the catalogue. Every way gives the exact page; only one runs
// (the others' one-time filters are false, and the gathering's too once the
// walk has settled the page).
func catalogueSearch(term, short, region bool) string {
	termMatch, shortMatch, regionMatch := `$1::text IS NULL`, `$7::text IS NULL`, `$2::text IS NULL`
	if term {
		termMatch = `(lower(name) LIKE $1 OR lower(legal_entity) LIKE $1 OR lower(notes) LIKE $1)`
	}
	if short {
		shortMatch = `search_grams @> ARRAY[$7::text]`
	}
	if region {
		regionMatch = `regions @> ARRAY[$2::text]`
	}
	// The gathering reads one index: the short-substring one for a short
	// term (the trigram index would return every row for a pattern with no
	// trigram, and a generic plan cannot tell), the trigram one for a longer
	// term, the region's alone. The conditions it does not read an index
	// for are wrapped in IS TRUE, which no index answers, and filter the
	// rows the index gives.
	gatherTerm, gatherRegion := termMatch, regionMatch
	if short {
		gatherTerm = `(` + termMatch + `) IS TRUE`
	}
	if term {
		gatherRegion = `(` + regionMatch + `) IS TRUE`
	}
	return `WITH walk AS MATERIALIZED (
		SELECT ` + custodianColumns + `,
			(` + termMatch + ` AND ` + regionMatch + ` AND ($3::boolean IS NULL OR qualified_custodian = $3)) IS TRUE AS hit
		FROM custodians WHERE (lower(name), id) > ($4, $5)
		ORDER BY lower(name), id LIMIT $8),
	early AS (SELECT * FROM walk WHERE hit ORDER BY lower(name), id LIMIT $6),
	settled AS (SELECT (SELECT count(*) FROM early) = $6 OR (SELECT count(*) FROM walk) < $8 AS yes),
	matches AS MATERIALIZED (
		SELECT ` + custodianColumns + ` FROM custodians
		WHERE NOT (SELECT yes FROM settled) AND ` + gatherTerm + ` AND ` + shortMatch + ` AND ` + gatherRegion + `
		  AND (lower(name), id) > ($4, $5)
		LIMIT ` + strconv.Itoa(searchFewMatches+1) + `),
	dense AS (SELECT count(*) > ` + strconv.Itoa(searchFewMatches) + ` AS yes FROM matches)
	SELECT ` + custodianColumns + ` FROM (
		(SELECT ` + custodianColumns + ` FROM early WHERE (SELECT yes FROM settled))
		UNION ALL
		(SELECT * FROM matches
			WHERE NOT (SELECT yes FROM dense) AND ($3::boolean IS NULL OR qualified_custodian = $3)
			ORDER BY lower(name), id LIMIT $6)
		UNION ALL
		(SELECT ` + custodianColumns + ` FROM custodians
			WHERE (SELECT yes FROM dense)
			  AND (` + termMatch + `) IS TRUE AND (` + regionMatch + `) IS TRUE
			  AND ($3::boolean IS NULL OR qualified_custodian = $3)
			  AND (lower(name), id) > ($4, $5)
			ORDER BY lower(name), id LIMIT $6)) AS c
	ORDER BY lower(name), id`
}

// The catalogue's page in name order is hot. A search is not: a generic
// plan, made once without the term, gathers a common term or region through
// its index whole (a bitmap of most of the catalogue), where a plan made
// for the term reads rows in order until it has enough.
var listCustodians = hot(`SELECT ` + custodianColumns + ` FROM custodians
	WHERE ($1::boolean IS NULL OR qualified_custodian = $1) AND (lower(name), id) > ($2, $3)
	ORDER BY lower(name), id LIMIT $4`)

// ListCustodians returns a page of the catalogue ordered by name, after the
// cursor: keyset pagination, so pages stay stable while entries are added.
func (s *CatalogueService) ListCustodians(ctx context.Context, f custos.CustodianFilter) (*custos.CustodianPage, error) {
	limit, err := custos.ListPage.Limit(f.Limit)
	if err != nil {
		return nil, err
	}
	f.Limit = limit
	if f.Region != "" && !contains(custos.Regions, f.Region) {
		return nil, custos.Invalid("region", "is not a known region")
	}
	after := custodianCursor{}
	if f.After != "" {
		c, err := decodeCursor(f.After)
		if err != nil {
			return nil, err
		}
		after = c
	}
	var pattern, short *string
	if q := strings.TrimSpace(f.Query); q != "" {
		lower := strings.ToLower(q)
		escaped := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(lower) + "%"
		pattern = &escaped
		if utf8.RuneCountInString(lower) < 3 { // no trigram: the short-substring index finds it
			short = &lower
		}
	}
	var region *string
	if f.Region != "" {
		region = &f.Region
	}
	var rows []custodianRow
	if pattern == nil && region == nil {
		// The name index gives the page in order, whatever the filter on
		// qualified_custodian (half the catalogue or so) leaves out.
		err = s.db.selectAll(ctx, &rows, listCustodians, f.Qualified, after.Name, after.ID, f.Limit+1)
	} else {
		err = s.db.selectAll(ctx, &rows, catalogueSearch(pattern != nil, short != nil, region != nil),
			pattern, region, f.Qualified, after.Name, after.ID, f.Limit+1, short, searchWalk(f.Limit+1))
	}
	if err != nil {
		return nil, mapErr(err)
	}
	page := &custos.CustodianPage{Items: []*custos.Custodian{}}
	for i := range rows {
		if i == f.Limit {
			last := page.Items[len(page.Items)-1]
			page.NextCursor = encodeCursor(custodianCursor{Name: strings.ToLower(last.Name), ID: last.ID})
			break
		}
		c, err := rows[i].custodian()
		if err != nil {
			return nil, err
		}
		page.Items = append(page.Items, c)
	}
	return page, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FindCustodian returns one catalogue entry.
func (s *CatalogueService) FindCustodian(ctx context.Context, id int64) (*custos.Custodian, error) {
	var r custodianRow
	if err := s.db.db.GetContext(ctx, &r, `SELECT `+custodianColumns+` FROM custodians WHERE id = $1`, id); err != nil {
		return nil, mapErr(orNotFound(err, "custodian"))
	}
	return r.custodian()
}

// factValues are the values of the twelve fact columns, in the order
// slug, name, legal_entity, licences, qualified_custodian, regions,
// key_management, staking, settlement_network, fee_model, notes, provenance.
func factValues(f custos.CustodianFacts) ([]any, error) {
	if f.Licences == nil {
		f.Licences = []custos.Licence{}
	}
	if f.Provenance == nil {
		f.Provenance = map[string]custos.Provenance{}
	}
	if f.KeyManagement == nil {
		f.KeyManagement = []string{}
	}
	licences, err := json.Marshal(f.Licences)
	if err != nil {
		return nil, custos.Internal(err)
	}
	provenance, err := json.Marshal(f.Provenance)
	if err != nil {
		return nil, custos.Internal(err)
	}
	return []any{f.Slug, f.Name, f.LegalEntity, string(licences), f.QualifiedCustodian, pq.StringArray(f.Regions),
		pq.StringArray(f.KeyManagement), f.Staking, f.SettlementNetwork, f.FeeModel, f.Notes, string(provenance)}, nil
}

// CreateCustodian adds an entry to the catalogue.
func (s *CatalogueService) CreateCustodian(ctx context.Context, f custos.CustodianFacts) (*custos.Custodian, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	values, err := factValues(f)
	if err != nil {
		return nil, err
	}
	var out *custos.Custodian
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var r custodianRow
		if err := tx.GetContext(ctx, &r, `INSERT INTO custodians (slug, name, legal_entity, licences, qualified_custodian,
			regions, key_management, staking, settlement_network, fee_model, notes, provenance, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING `+custodianColumns,
			append(values, tx.now)...); err != nil {
			return err
		}
		var err error
		if out, err = r.custodian(); err != nil {
			return err
		}
		return tx.audit(ctx, custos.NewAuditEvent{Action: "custodian.create", ObjectType: "custodian",
			ObjectID: strconv.FormatInt(out.ID, 10), After: out})
	})
	return out, err
}

// UpdateCustodian replaces an entry's facts when version is the current one.
func (s *CatalogueService) UpdateCustodian(ctx context.Context, id int64, version int, f custos.CustodianFacts) (*custos.Custodian, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	values, err := factValues(f)
	if err != nil {
		return nil, err
	}
	var out *custos.Custodian
	err = s.db.inTx(ctx, func(tx *Tx) error {
		var old custodianRow
		if err := tx.GetContext(ctx, &old, `SELECT `+custodianColumns+` FROM custodians WHERE id = $1 FOR UPDATE`, id); err != nil {
			return orNotFound(err, "custodian")
		}
		if old.Version != version {
			return custos.Errorf(custos.ECONFLICT, "the custodian was changed by someone else (version %d, you sent %d); reload it", old.Version, version)
		}
		before, err := old.custodian()
		if err != nil {
			return err
		}
		var r custodianRow
		if err := tx.GetContext(ctx, &r, `UPDATE custodians SET slug = $1, name = $2, legal_entity = $3, licences = $4,
			qualified_custodian = $5, regions = $6, key_management = $7, staking = $8, settlement_network = $9,
			fee_model = $10, notes = $11, provenance = $12, version = version + 1, updated_at = $13
			WHERE id = $14 RETURNING `+custodianColumns,
			append(values, tx.now, id)...); err != nil {
			return err
		}
		if out, err = r.custodian(); err != nil {
			return err
		}
		return tx.audit(ctx, custos.NewAuditEvent{Action: "custodian.update", ObjectType: "custodian",
			ObjectID: strconv.FormatInt(id, 10), Before: before, After: out})
	})
	return out, err
}

// ListTemplates returns every template version.
func (s *CatalogueService) ListTemplates(ctx context.Context) ([]custos.TemplateSummary, error) {
	out := []custos.TemplateSummary{}
	err := s.db.db.SelectContext(ctx, &out, `SELECT id, family, version, name, description, created_at
		FROM templates ORDER BY family, version DESC`)
	for i := range out {
		out[i].CreatedAt = out[i].CreatedAt.UTC()
	}
	return out, mapErr(err)
}

// FindTemplate returns a template version with its criteria, checklist and red-flag catalogue.
func (s *CatalogueService) FindTemplate(ctx context.Context, id int64) (*custos.Template, error) {
	t, err := findTemplate(ctx, s.db.db, id)
	return t, mapErr(err)
}

// findTemplate reads a template version through q: a caller that holds a
// transaction reads it there, never from a second pooled connection.
func findTemplate(ctx context.Context, q sqlx.QueryerContext, id int64) (*custos.Template, error) {
	var t custos.Template
	if err := sqlx.GetContext(ctx, q, &t, `SELECT id, family, version, name, description, created_at
		FROM templates WHERE id = $1`, id); err != nil {
		return nil, orNotFound(err, "template")
	}
	t.CreatedAt = t.CreatedAt.UTC()
	t.Criteria = []custos.Criterion{}
	if err := sqlx.SelectContext(ctx, q, &t.Criteria, `SELECT key, name, description, weight
		FROM template_criteria WHERE template_id = $1 ORDER BY position`, id); err != nil {
		return nil, err
	}
	var sections []struct {
		Key   string `db:"key"`
		Title string `db:"title"`
	}
	if err := sqlx.SelectContext(ctx, q, &sections, `SELECT key, title FROM template_sections
		WHERE template_id = $1 ORDER BY position`, id); err != nil {
		return nil, err
	}
	var items []struct {
		custos.ChecklistItem
		SectionKey string `db:"section_key"`
	}
	if err := sqlx.SelectContext(ctx, q, &items, `SELECT i.id, i.key, i.prompt, i.guidance, i.evidence_required, i.required_document_kind, i.section_key
		FROM template_items i JOIN template_sections s ON s.template_id = i.template_id AND s.key = i.section_key
		WHERE i.template_id = $1 ORDER BY s.position, i.position`, id); err != nil {
		return nil, err
	}
	t.Sections = make([]custos.ChecklistSection, len(sections))
	index := map[string]int{}
	for i, sec := range sections {
		t.Sections[i] = custos.ChecklistSection{Key: sec.Key, Title: sec.Title, Items: []custos.ChecklistItem{}}
		index[sec.Key] = i
	}
	for _, it := range items {
		i := index[it.SectionKey]
		t.Sections[i].Items = append(t.Sections[i].Items, it.ChecklistItem)
	}
	t.RedFlags = []custos.RedFlagDefinition{}
	if err := sqlx.SelectContext(ctx, q, &t.RedFlags, `SELECT id, key, title, description, default_severity, origin, mandate_rule
		FROM template_red_flags WHERE template_id = $1 ORDER BY position`, id); err != nil {
		return nil, err
	}
	return &t, nil
}

// CreateTemplate writes the next version of a template family, whole, in one
// transaction: version numbers of a family never collide (the family's rows
// are locked while the next number is taken).
func (s *CatalogueService) CreateTemplate(ctx context.Context, nt custos.NewTemplate) (*custos.Template, error) {
	if err := nt.Validate(); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.inTx(ctx, func(tx *Tx) error {
		// One writer per family at a time, so two new versions cannot take the same number.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('template:' || $1))`, nt.Family); err != nil {
			return err
		}
		var version int
		if err := tx.GetContext(ctx, &version, `SELECT COALESCE(max(version), 0) + 1 FROM templates WHERE family = $1`, nt.Family); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &id, `INSERT INTO templates (family, version, name, description, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, nt.Family, version, nt.Name, nt.Description, tx.now); err != nil {
			return err
		}
		for i, c := range nt.Criteria {
			if _, err := tx.ExecContext(ctx, `INSERT INTO template_criteria (template_id, key, name, description, weight, position)
				VALUES ($1, $2, $3, $4, $5, $6)`, id, c.Key, c.Name, c.Description, c.Weight, i+1); err != nil {
				return err
			}
		}
		for i, sec := range nt.Sections {
			if _, err := tx.ExecContext(ctx, `INSERT INTO template_sections (template_id, key, title, position) VALUES ($1, $2, $3, $4)`,
				id, sec.Key, sec.Title, i+1); err != nil {
				return err
			}
			for j, it := range sec.Items {
				if _, err := tx.ExecContext(ctx, `INSERT INTO template_items (template_id, section_key, key, prompt, guidance,
					evidence_required, position, required_document_kind) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
					id, sec.Key, it.Key, it.Prompt, it.Guidance, it.EvidenceRequired, j+1, it.RequiredDocument); err != nil {
					return err
				}
			}
		}
		for i, f := range nt.RedFlags {
			if _, err := tx.ExecContext(ctx, `INSERT INTO template_red_flags (template_id, key, title, description, default_severity,
				origin, mandate_rule, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				id, f.Key, f.Title, f.Description, f.DefaultSeverity, f.Origin, f.MandateRule, i+1); err != nil {
				return err
			}
		}
		return tx.audit(ctx, custos.NewAuditEvent{Action: "template.create", ObjectType: "template", ObjectID: strconv.FormatInt(id, 10),
			After: templateCreatedAudit{Family: nt.Family, Version: version, Name: nt.Name, Criteria: nt.Criteria,
				Sections: len(nt.Sections), RedFlags: len(nt.RedFlags)}})
	})
	if err != nil {
		return nil, err
	}
	return s.FindTemplate(ctx, id)
}
