package httpapi

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/custos-dd/custos/internal/custos"
)

// catalogue and templates.

type custodianRequest struct {
	Slug               string                       `json:"slug"`
	Name               string                       `json:"name"`
	LegalEntity        string                       `json:"legal_entity"`
	Licences           []custos.Licence             `json:"licences"`
	QualifiedCustodian bool                         `json:"qualified_custodian"`
	Regions            []string                     `json:"regions"`
	KeyManagement      []string                     `json:"key_management"`
	Staking            bool                         `json:"staking"`
	SettlementNetwork  string                       `json:"settlement_network"`
	FeeModel           string                       `json:"fee_model"`
	Notes              string                       `json:"notes"`
	Provenance         map[string]custos.Provenance `json:"provenance"`
	// Version is required on update: the version the edit was based on.
	Version int `json:"version"`
}

func (r custodianRequest) facts() custos.CustodianFacts {
	return custos.CustodianFacts{Slug: r.Slug, Name: r.Name, LegalEntity: r.LegalEntity, Licences: r.Licences,
		QualifiedCustodian: r.QualifiedCustodian, Regions: r.Regions, KeyManagement: r.KeyManagement, Staking: r.Staking,
		SettlementNetwork: r.SettlementNetwork, FeeModel: r.FeeModel, Notes: r.Notes, Provenance: r.Provenance}
}

func (s *Server) listCustodians(c *gin.Context) {
	limit, ok := queryInt(c, "limit")
	if !ok {
		return
	}
	f := custos.CustodianFilter{Query: c.Query("q"), Region: c.Query("region"), After: c.Query("after"), Limit: limit}
	switch c.Query("qualified") {
	case "":
	case "true", "false":
		q := c.Query("qualified") == "true"
		f.Qualified = &q
	default:
		s.writeError(c, custos.Invalid("qualified", "must be true or false"))
		return
	}
	if c.Query("limit") != "" && limit == 0 {
		s.writeError(c, custos.Invalid("limit", "must be between 1 and 100"))
		return
	}
	page, err := s.Custodians.ListCustodians(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, page)
}

func (s *Server) getCustodian(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	cu, err := s.Custodians.FindCustodian(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, cu)
}

func (s *Server) createCustodian(c *gin.Context) {
	var req custodianRequest
	if !s.bindJSON(c, &req) {
		return
	}
	cu, err := s.Custodians.CreateCustodian(c.Request.Context(), req.facts())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusCreated, cu)
}

func (s *Server) updateCustodian(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	var req custodianRequest
	if !s.bindJSON(c, &req) {
		return
	}
	if req.Version <= 0 {
		s.writeError(c, custos.Invalid("version", "is required: send the version you edited"))
		return
	}
	cu, err := s.Custodians.UpdateCustodian(c.Request.Context(), id, req.Version, req.facts())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, cu)
}

func (s *Server) listTemplates(c *gin.Context) {
	ts, err := s.Templates.ListTemplates(c.Request.Context())
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, items(ts))
}

func (s *Server) getTemplate(c *gin.Context) {
	id, ok := pathID(c, "id")
	if !ok {
		return
	}
	t, err := s.Templates.FindTemplate(c.Request.Context(), id)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

type templateRequest struct {
	Family      string `json:"family"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Criteria    []struct {
		Key         string `json:"key"`
		Name        string `json:"name"`
		Description string `json:"description"`
		Weight      int    `json:"weight"`
	} `json:"criteria"`
	Sections []struct {
		Key   string `json:"key"`
		Title string `json:"title"`
		Items []struct {
			Key              string `json:"key"`
			Prompt           string `json:"prompt"`
			Guidance         string `json:"guidance"`
			EvidenceRequired bool   `json:"evidence_required"`
			// RequiredDocument names the assurance document kind the item rests on.
			RequiredDocument custos.DocumentKind `json:"required_document_kind"`
		} `json:"items"`
	} `json:"sections"`
	RedFlags []struct {
		Key             string  `json:"key"`
		Title           string  `json:"title"`
		Description     string  `json:"description"`
		DefaultSeverity string  `json:"default_severity"`
		Origin          string  `json:"origin"`
		MandateRule     *string `json:"mandate_rule"`
	} `json:"red_flags"`
}

// createTemplate writes the next version of a template family; versions in
// use never change.
func (s *Server) createTemplate(c *gin.Context) {
	var req templateRequest
	if !s.bindJSON(c, &req) {
		return
	}
	nt := custos.NewTemplate{Family: req.Family, Name: req.Name, Description: req.Description}
	for _, cr := range req.Criteria {
		nt.Criteria = append(nt.Criteria, custos.Criterion{Key: cr.Key, Name: cr.Name, Description: cr.Description, Weight: cr.Weight})
	}
	for _, sec := range req.Sections {
		cs := custos.ChecklistSection{Key: sec.Key, Title: sec.Title}
		for _, it := range sec.Items {
			cs.Items = append(cs.Items, custos.ChecklistItem{Key: it.Key, Prompt: it.Prompt, Guidance: it.Guidance, EvidenceRequired: it.EvidenceRequired,
				RequiredDocument: it.RequiredDocument})
		}
		nt.Sections = append(nt.Sections, cs)
	}
	for _, f := range req.RedFlags {
		nt.RedFlags = append(nt.RedFlags, custos.RedFlagDefinition{Key: f.Key, Title: f.Title, Description: f.Description,
			DefaultSeverity: custos.Severity(f.DefaultSeverity), Origin: f.Origin, MandateRule: f.MandateRule})
	}
	t, err := s.Templates.CreateTemplate(c.Request.Context(), nt)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", fmt.Sprintf("/api/v1/templates/%d", t.ID))
	c.JSON(http.StatusCreated, t)
}
