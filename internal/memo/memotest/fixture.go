// Package memotest holds test fixtures of memos. Only _test files import it,
// so none of it is compiled into the custos binary.
package memotest

import (
	"crypto/sha256"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/custos-dd/custos/internal/custos"
)

// SampleContent builds, without a database, the memo of a realistic approved
// evaluation of the given number of candidate custodians (at least 1): the
// default template (6 weighted criteria, 8 checklist sections, 29 items, the
// red-flag catalogue), every item answered for the shortlisted custodians
// with some not met or partly met, mandate-fit red flags and manual ones in
// every status, evidence files, a shortlist of up to three and two
// approvals of the snapshot. The first ten candidates are the seeded
// catalogue's custodians, with "Zürich – Société Générale" third in place of
// Hex Trust; further ones are generic. The same argument always gives the
// same content.
func SampleContent(candidates int) *custos.MemoContent {
	if candidates < 1 {
		candidates = 1
	}
	tp := sampleTemplate()
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	created := at("2026-10-05T09:00:00Z")
	submitted := at("2026-11-30T16:10:00Z")
	approved := at("2026-12-01T10:42:00Z")
	issued := at("2026-12-01T11:05:00Z")
	due := "2027-01-29"
	owner := int64(11)
	ev := custos.Evaluation{
		ID: 7, TeamID: 3, Title: "2027 custody RFP — Fund III", TemplateID: tp.ID,
		Mandate: custos.Mandate{
			Regions: []string{"US", "EU", "CH"}, QualifiedCustodianRequired: true,
			Assets: []string{"BTC", "ETH", "SOL", "USDC"}, StakingRequired: true, ExpectedAUCUSD: 250_000_000,
		},
		OwnerID: owner, DueDate: &due, Status: custos.StatusApproved, Version: 58, Round: 1,
		SubmittedBy: &owner, SubmittedAt: &submitted, ApprovedAt: &approved, CreatedAt: created, UpdatedAt: approved,
	}

	profiles := sampleProfiles(candidates)
	parts := custos.WorkspaceParts{
		Evaluation: ev, Template: tp,
		Answers: map[int64][]custos.Answer{}, Scores: map[int64][]custos.Score{},
		RedFlags: map[int64][]custos.RedFlag{}, Evidence: map[int64][]custos.Evidence{},
		ApprovalsRequired: 2,
	}
	for _, pr := range profiles {
		parts.Candidates = append(parts.Candidates, pr.summary)
	}

	// Scores, and from them the shortlist: the best three qualified
	// custodians (the mandate requires one).
	totals := map[int64]float64{}
	for _, pr := range profiles {
		var ss []custos.Score
		for i, cr := range tp.Criteria {
			why := rationales[cr.Key][pr.scores[i]]
			if extra := pr.notes[cr.Key]; extra != "" {
				why += " " + extra
			}
			ss = append(ss, custos.Score{Criterion: cr.Key, Score: pr.scores[i], Rationale: why, UpdatedBy: owner,
				UpdatedAt: created.Add(time.Duration(24*(20+i)) * time.Hour)})
		}
		parts.Scores[pr.summary.ID] = ss
		totals[pr.summary.ID] = custos.WeightedTotal(tp.Criteria, ss)
	}
	order := append([]sampleProfile(nil), profiles...)
	sort.SliceStable(order, func(i, j int) bool {
		a, b := totals[order[i].summary.ID], totals[order[j].summary.ID]
		if a != b {
			return a > b
		}
		return order[i].summary.Name < order[j].summary.Name
	})
	shortlisted := map[int64]bool{}
	for _, pr := range order {
		if len(parts.Shortlist) == 3 || (len(parts.Shortlist) > 0 && len(parts.Shortlist) >= len(profiles)-1) {
			break
		}
		if !pr.summary.QualifiedCustodian {
			continue
		}
		rank := len(parts.Shortlist) + 1
		why := pr.shortlistWhy
		if why == "" {
			why = fmt.Sprintf("Choice %d: a qualified custodian with a weighted total of %.1f; its open points are covered by the resolutions in its section.", rank, totals[pr.summary.ID])
		}
		parts.Shortlist = append(parts.Shortlist, custos.ShortlistEntry{CustodianID: pr.summary.ID, Rank: rank, Rationale: why})
		shortlisted[pr.summary.ID] = true
	}

	items := tp.Items()
	itemKey := map[string]custos.ChecklistItem{}
	for _, it := range items {
		itemKey[it.Key] = it
	}
	defs := map[string]custos.RedFlagDefinition{}
	for _, d := range tp.RedFlags {
		defs[d.Key] = d
	}
	flagID, evidenceID := int64(501), int64(9001)
	officer2 := int64(12)
	for ci, pr := range profiles {
		id := pr.summary.ID
		sl := shortlisted[id]
		fit := custos.MandateFit(ev.Mandate, pr.summary)
		// Answers.
		var answers []custos.Answer
		for ii, it := range items {
			st, note := custos.AnswerMet, ""
			switch {
			case it.Key == "regulatory_fit.charter" && !pr.summary.QualifiedCustodian:
				st, note = custos.AnswerNotMet, "Registered as a virtual asset service provider, but holds no trust or bank charter: not a qualified custodian, which the fund’s LPA requires."
			case it.Key == "asset_coverage.staking" && !pr.summary.Staking:
				st, note = custos.AnswerNotMet, "No staking from custody: ETH and SOL would have to move to a third-party staking provider, outside segregated custody."
			case it.Key == "security_compliance.staking_entitlements" && !pr.summary.Staking:
				st, note = custos.AnswerNotApplicable, "Not applicable: the custodian offers no staking from custody."
			case it.Key == "regulatory_fit.region_licences" && hasRule(fit, custos.RuleRegionLicence):
				st, note = custos.AnswerPartlyMet, "Licensed for part of the mandate only; see the mandate-fit red flags for the regions not covered."
			default:
				switch (ci*31 + ii*17 + 5) % 19 {
				case 0, 7:
					st, note = custos.AnswerPartlyMet, partlyNotes[sectionOf(it.Key)]
				case 3:
					st, note = custos.AnswerNotMet, notMetNotes[sectionOf(it.Key)]
				case 11:
					if !it.EvidenceRequired {
						st, note = custos.AnswerNotApplicable, "Not applicable to the planned set-up: the fund will not use this service."
					}
				}
			}
			if !sl && ci%4 == 3 && ii >= len(items)-2 {
				continue // a candidate dropped before its review ended: two items left pending
			}
			if st == custos.AnswerMet && ii%5 == 0 {
				note = "Confirmed in the due-diligence call and the documents received."
			}
			upd := created.Add(time.Duration(24*30+ci*7+ii) * time.Hour)
			by := owner
			if ii%2 == 1 {
				by = officer2
			}
			answers = append(answers, custos.Answer{ItemID: it.ID, Status: st, Note: note, Version: 1 + ii%3, UpdatedBy: &by, UpdatedAt: &upd})
			// Evidence for items that require it and are met or partly met:
			// all of them for the shortlisted, a few for the others.
			if it.EvidenceRequired && (st == custos.AnswerMet || st == custos.AnswerPartlyMet) && (sl || ii%3 == 0) {
				label := evidenceLabel(pr, it.Key)
				sum := sha256.Sum256([]byte(pr.summary.Slug + "/" + it.Key + "/" + label))
				parts.Evidence[id] = append(parts.Evidence[id], custos.Evidence{
					ID: evidenceID, CustodianID: id, ItemID: it.ID, Label: label, ContentType: "application/pdf",
					Size: 48_213 + int64(sum[0])*37_411 + int64(sum[1])*1_009, SHA256: sum[:],
					UploadedBy: by, UploadedAt: upd.Add(-2 * time.Hour),
				})
				evidenceID++
			}
		}
		parts.Answers[id] = answers

		// Red flags: mandate fit first, then the ones the officers raised.
		var flags []custos.RedFlag
		for fi, mf := range fit {
			def := mandateDef(defs, mf.Rule)
			rule := mf.Rule
			f := custos.RedFlag{ID: flagID, CustodianID: id, DefinitionID: &def.ID, Title: def.Title, Description: def.Description,
				Severity: mf.Severity, MandateRule: &rule, Reason: mf.Reason,
				CreatedAt: created.Add(time.Duration(fi) * time.Minute), UpdatedAt: created.Add(time.Duration(24*40+fi) * time.Hour)}
			switch {
			case sl && mf.Rule == custos.RuleRegionLicence:
				f.Status, f.Resolution = custos.FlagAccepted, "The fund’s US sleeve stays with the primary custodian, so this custodian would hold only EU and Swiss assets; counsel confirmed on 18 November 2026 that this split satisfies the mandate."
			case sl:
				f.Status, f.Resolution = custos.FlagMitigated, "Staking of ETH and SOL through a tri-party agreement with a named validator; rewards are paid into our segregated account and slashing is covered by the validator’s insurance."
			case mf.Rule == custos.RuleStaking && ci%2 == 0:
				f.Status, f.Resolution = custos.FlagAccepted, "Staking would be done by the primary custodian; acceptable for a secondary role, recorded in case the custodian is reconsidered."
			default:
				f.Status = custos.FlagOpen
			}
			flags = append(flags, f)
			flagID++
		}
		for _, mf := range pr.flags {
			f := custos.RedFlag{ID: flagID, CustodianID: id, Title: mf.title, Description: mf.description, Severity: mf.severity,
				Status: mf.status, Resolution: mf.resolution, RaisedBy: &officer2,
				CreatedAt: created.Add(24 * 35 * time.Hour), UpdatedAt: created.Add(24 * 50 * time.Hour)}
			if d, ok := defs[mf.def]; ok {
				f.DefinitionID, f.Title, f.Description = &d.ID, d.Title, d.Description
				if f.Severity == "" {
					f.Severity = d.DefaultSeverity
				}
			}
			flags = append(flags, f)
			flagID++
		}
		parts.RedFlags[id] = flags
	}

	ws := custos.Assemble(parts)
	_, snap := custos.Snapshot(ws)
	ws.Evaluation.SnapshotHash = snap
	approvers := []custos.MemoApprover{
		{Name: "Renée Å. Lindqvist", Role: "Manager", At: approved.Add(-95 * time.Minute),
			Comment: "Approved. The accepted US-region gap of Zürich – Société Générale matches the two-custodian set-up the " +
				"investment committee agreed in October. Please revisit Coinbase’s staking terms at the first annual review.",
			SnapshotHash: snap},
		{Name: "Jürgen Ødegård", Role: "Manager", At: approved,
			Comment:      "Approved. Operations has sized the approver roster and the allowlist upkeep for both shortlisted custodians.",
			SnapshotHash: snap},
	}
	for i, ap := range approvers {
		ws.Approvals = append(ws.Approvals, custos.Approval{ID: int64(31 + i), Round: ev.Round, ManagerID: int64(21 + i),
			ManagerName: ap.Name, Decision: custos.DecisionApprove, Comment: ap.Comment, SnapshotHash: snap, CreatedAt: ap.At})
	}
	ws.ApprovalsReceived = len(approvers)
	head := sha256.Sum256([]byte("custos audit event 1843"))
	return &custos.MemoContent{
		MemoID:        17,
		IssuedAt:      issued,
		IssuedBy:      "Tomasz Wiśniewski",
		TeamName:      "Treasury & Digital Assets — Fund III",
		PreparedBy:    "Amélie Dubois-Nørgaard",
		Workspace:     ws,
		Approvers:     approvers,
		AuditHeadSeq:  1843,
		AuditHeadHash: head[:],
	}
}

func hasRule(fs []custos.MandateFlag, rule string) bool {
	for _, f := range fs {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

func mandateDef(defs map[string]custos.RedFlagDefinition, rule string) custos.RedFlagDefinition {
	for _, d := range defs {
		if d.MandateRule != nil && *d.MandateRule == rule {
			return d
		}
	}
	return custos.RedFlagDefinition{Title: rule}
}

func sectionOf(key string) string {
	if i := strings.IndexByte(key, '.'); i > 0 {
		return key[:i]
	}
	return key
}

type sampleFlag struct {
	def         string // a template red-flag key, or "" for a custom flag
	title       string
	description string
	severity    custos.Severity
	status      custos.RedFlagStatus
	resolution  string
}

type sampleProfile struct {
	summary      custos.CandidateSummary
	scores       [6]int // liquidity, security, coverage, costs, ux, support
	notes        map[string]string
	flags        []sampleFlag
	shortlistWhy string
}

func sampleProfiles(n int) []sampleProfile {
	cs := func(id int64, slug, name string, qc bool, staking bool, regions ...string) custos.CandidateSummary {
		return custos.CandidateSummary{ID: id, Slug: slug, Name: name, QualifiedCustodian: qc, Regions: regions, Staking: staking}
	}
	all := []sampleProfile{
		{summary: cs(1, "coinbase-prime-custody", "Coinbase Prime Custody", true, true, "US", "GLOBAL"),
			scores: [6]int{5, 4, 5, 3, 4, 4},
			notes: map[string]string{"liquidity": "Execution through Coinbase Prime while assets stay with Coinbase Custody Trust Company.",
				"costs": "Enterprise quote of 9 bp falls to 7 bp above USD 500 million."},
			flags: []sampleFlag{{def: "trading_custody_mixed", status: custos.FlagMitigated,
				resolution: "Custody sits with the trust company and trading with Prime under a separate entity, policy set and approver roster; confirmed in section 4 of the custody agreement."}},
			shortlistWhy: "Highest weighted total. The deepest liquidity of the candidates, trading through Prime while assets stay with the New York trust company, and staking of ETH and SOL from custody. Preferred primary custodian for the US and global sleeves."},
		{summary: cs(2, "fidelity-digital-assets", "Fidelity Digital Assets", true, false, "US", "EU"),
			scores: [6]int{4, 4, 2, 3, 3, 4},
			notes:  map[string]string{"security": "Conservative, traditionally governed operations; cold storage only."}},
		{summary: cs(11, "zurich-societe-generale", "Zürich – Société Générale", true, true, "CH", "EU", "UK"),
			scores: [6]int{4, 5, 4, 3, 4, 5},
			notes: map[string]string{"security": "On-site review in Zürich of the HSM key ceremony (witness report by Müller & Fässler Prüfungs AG).",
				"support": "Named relationship team in Zürich and Paris; the operations desk answers in English, French and German."},
			flags: []sampleFlag{{def: "commingled_wallets", status: custos.FlagClosed,
				resolution: "Per-client segregated wallet addresses confirmed on-chain by our auditor (letter of 14 November 2026); the omnibus wallet seen in the first demo was a test environment."}},
			shortlistWhy: "Swiss bank custody with segregated wallets kept off the bank’s balance sheet and the strongest security findings of the review. Covers the Swiss and EU sleeves; its US gap is accepted because the US sleeve stays with the primary custodian."},
		{summary: cs(3, "bitgo-custody", "BitGo Custody", true, false, "US", "EU", "APAC", "GLOBAL"),
			scores: [6]int{3, 4, 4, 4, 4, 3},
			notes:  map[string]string{"ux": "Policy engine with velocity limits and approver quorums per wallet."},
			flags: []sampleFlag{{def: "limited_disclosures", status: custos.FlagOpen,
				resolution: ""}}},
		{summary: cs(4, "anchorage-digital-bank", "Anchorage Digital Bank", true, true, "US"),
			scores: [6]int{3, 5, 4, 3, 4, 4},
			notes:  map[string]string{"security": "Federally chartered bank under OCC supervision."},
			flags: []sampleFlag{{def: "no_soc_report", status: custos.FlagMitigated,
				resolution: "A bridge letter from the auditor covers the period until the 2026 SOC 2 Type II report, due in February 2027."}}},
		{summary: cs(5, "bny-mellon-digital-asset-custody", "BNY Mellon Digital Asset Custody", true, false, "US", "EU"),
			scores: [6]int{3, 4, 2, 3, 3, 4},
			flags: []sampleFlag{{def: "operational_lift_underestimated", status: custos.FlagAccepted,
				resolution: "Operations would add one approver in the Singapore office; the cost is included in the comparison."}}},
		{summary: cs(6, "gemini-custody", "Gemini Custody", true, false, "US", "GLOBAL"),
			scores: [6]int{2, 4, 3, 4, 3, 3},
			flags:  []sampleFlag{{def: "insurance_unclear", status: custos.FlagOpen}}},
		{summary: cs(7, "komainu", "Komainu", false, true, "EU", "UK", "MENA", "JE", "AE", "IT"),
			scores: [6]int{3, 4, 4, 3, 3, 3},
			flags:  []sampleFlag{{def: "unclear_legal_structure", status: custos.FlagOpen}}},
		{summary: cs(8, "zodia-custody", "Zodia Custody", false, false, "UK", "EU", "MENA", "APAC", "IE", "LU", "AE"),
			scores: [6]int{3, 4, 3, 3, 3, 3},
			flags: []sampleFlag{{title: "Key personnel turnover in operations", severity: custos.SeverityMedium,
				description: "The head of custody operations and two of the four senior operators left in 2026.",
				status:      custos.FlagClosed, resolution: "Replacements are in post and the runbooks were re-certified in October 2026."}}},
		{summary: cs(9, "sygnum-bank", "Sygnum Bank", true, true, "EU", "APAC", "CH", "SG"),
			scores:       [6]int{4, 4, 4, 4, 4, 4},
			notes:        map[string]string{"liquidity": "Sygnum Connect settles fiat, crypto and stablecoins around the clock."},
			shortlistWhy: "Back-up choice: FINMA-supervised bank custody with staking and round-the-clock settlement through Sygnum Connect. Ranked after the other two for its higher operational effort and its lack of US presence."},
		{summary: cs(10, "hex-trust", "Hex Trust", false, true, "APAC", "MENA", "HK", "SG", "AE"),
			scores: [6]int{3, 3, 4, 4, 3, 3}},
	}
	if n <= len(all) {
		return all[:n]
	}
	regions := [][]string{{"US", "EU"}, {"CH", "EU"}, {"UK", "EU"}, {"US", "GLOBAL"}, {"SG", "APAC"}}
	for i := len(all); i < n; i++ {
		h := sha256.Sum256([]byte(fmt.Sprint("sample custodian ", i)))
		var sc [6]int
		for j := range sc {
			sc[j] = 1 + int(h[j])%5
		}
		all = append(all, sampleProfile{
			summary: cs(int64(100+i), fmt.Sprintf("sample-custodian-%d", i+1), fmt.Sprintf("Sample Custodian %d AG", i+1),
				i%2 == 0, i%3 != 0, regions[i%len(regions)]...),
			scores: sc,
		})
	}
	return all
}

func evidenceLabel(pr sampleProfile, key string) string {
	base := map[string]string{
		"regulatory_fit.charter":                   "charter-and-register-extract.pdf",
		"regulatory_fit.region_licences":           "licence-map-by-region.pdf",
		"regulatory_fit.legal_structure":           "group-structure-and-legal-opinion.pdf",
		"fees.schedule":                            "fee-schedule-2027.pdf",
		"reporting_audit.soc_reports":              "soc2-type2-report-2026.pdf",
		"reporting_audit.segregated_ownership":     "wallet-segregation-attestation.pdf",
		"reporting_audit.insurance":                "insurance-broker-letter.pdf",
		"support.sla":                              "service-level-agreement.pdf",
		"support.incident_response":                "incident-response-summary.pdf",
		"security_compliance.key_ceremonies":       "key-ceremony-witness-report.pdf",
		"security_compliance.kyc_aml_travel_rule":  "aml-and-travel-rule-policy.pdf",
		"security_compliance.staking_entitlements": "staking-terms.pdf",
	}[key]
	if base == "" {
		base = strings.ReplaceAll(key, ".", "-") + ".pdf"
	}
	if pr.summary.ID == 11 {
		switch key {
		case "reporting_audit.segregated_ownership":
			return "Attestation de ségrégation des portefeuilles – Zürich.pdf"
		case "security_compliance.key_ceremonies":
			return "Prüfbericht Schlüsselzeremonie (Müller & Fässler).pdf"
		}
	}
	return pr.summary.Slug + "-" + base
}

var partlyNotes = map[string]string{
	"regulatory_fit":       "Licence confirmed on the regulator’s register, but the contracting entity for EU clients is still to be named in the draft agreement.",
	"asset_coverage":       "SOL is supported for deposit only, outside cold storage; cold-storage support is promised for the second quarter of 2027.",
	"operational_controls": "Velocity limits exist, but changing a policy needs only one administrator’s approval; a quorum is on the roadmap.",
	"settlement_liquidity": "Settlement runs on business days only; weekend settlements need a manual request to the desk.",
	"fees":                 "Written schedule received, but the staking commission and withdrawal fees are marked “to be agreed”.",
	"reporting_audit":      "The SOC 2 Type II report covers the US entity only; the report of the EU entity is due in March 2027.",
	"support":              "The SLA covers response times but not withdrawal processing or platform availability.",
	"security_compliance":  "Key-ceremony procedure provided; the independent witness report is still outstanding.",
}

var notMetNotes = map[string]string{
	"regulatory_fit":       "Two consent orders in 2024 about onboarding controls; remediation is reported but not yet confirmed by the regulator.",
	"asset_coverage":       "No documented process for adding assets: new tokens are decided case by case, with no risk review on file.",
	"operational_controls": "Policy changes take effect without a quorum; a single administrator can edit the withdrawal allowlist.",
	"settlement_liquidity": "Withdrawals from cold storage take up to 48 hours and the turnaround is not committed in writing.",
	"fees":                 "Only indicative pricing was provided; no written fee schedule despite two requests.",
	"reporting_audit":      "Only a SOC 1 Type I report is available; no SOC 2 Type II report covers the custody operations.",
	"support":              "No operations desk outside European business hours and no named contact for our account.",
	"security_compliance":  "Transfers to self-hosted wallets are not screened under the travel rule, which conflicts with our fund documents.",
}

// rationales[criterion][score] is a score's typical rationale.
var rationales = map[string][6]string{
	"liquidity": {
		"No trading or settlement connectivity at all.",
		"No execution of its own; assets must move to an exchange for every trade.",
		"No integrated execution: every trade needs a withdrawal to an exchange account.",
		"Liquidity through a small set of partner venues; large trades need a pre-funded transfer.",
		"Good access to OTC desks and a settlement network; large orders settle off exchange within the day.",
		"Prime brokerage, OTC and exchange liquidity reach the custody account directly; trades settle without assets leaving segregated cold storage.",
	},
	"security": {
		"No information on key management or independent controls.",
		"Key management described only in marketing material; no independent report.",
		"Single-site key storage and no current SOC 2 report.",
		"Sound key management, but the SOC 2 report is over twelve months old and insurance is disclosed only on request.",
		"Cold storage with multi-person approval and a current SOC 2 Type II report; insurance limits are shared across clients.",
		"HSM-backed key ceremonies with independent witnesses, multi-person withdrawal quorums, current SOC 1 and SOC 2 Type II reports without exceptions, and disclosed insurance.",
	},
	"coverage": {
		"Does not support the mandate’s assets.",
		"Supports BTC only.",
		"Covers BTC and ETH; no staking from custody.",
		"Covers BTC, ETH and USDC; SOL is supported for deposit only, outside cold storage.",
		"Supports every mandate asset; staking for ETH only, SOL staking planned for 2027.",
		"Supports every mandate asset, with staking from custody for ETH and SOL.",
	},
	"costs": {
		"No pricing provided.",
		"Pricing opaque and well above the other candidates.",
		"Indicative pricing only; withdrawal fees and staking commission not quoted.",
		"Custody fee of 12 to 15 bp depending on activity; an onboarding fee and an annual minimum apply.",
		"Custody fee of 10 bp with a published methodology; network fees passed through at cost.",
		"Tiered fee of 8 bp at our volume, network fees at cost, no minimums.",
	},
	"ux": {
		"No console access was offered during the review.",
		"Console limited to balances; every instruction goes by e-mail.",
		"Basic console; policies and allowlists are changed by ticket.",
		"Serviceable console; several reports have to be requested from the operations desk.",
		"Clear console and policy controls; the API lacks bulk allowlist management.",
		"Console with a configurable policy engine, a complete API and reports our administrator can ingest directly.",
	},
	"support": {
		"No support commitments.",
		"Support by e-mail only, without targets.",
		"Support by ticket in business hours; no SLA.",
		"Support by ticket in business hours; SLA targets without remedies.",
		"Round-the-clock desk and a written SLA; named contacts during European hours only.",
		"Named relationship team, round-the-clock operations desk and a written SLA with service credits; onboarding planned at six weeks.",
	},
}

func sampleTemplate() *custos.Template {
	rule := func(s string) *string { return &s }
	tp := &custos.Template{
		ID: 1, Family: "default", Version: 1, Name: "Institutional custodian due diligence",
		Description: "Weighted scoring, a checklist and a red-flag catalogue for comparing institutional crypto custodians against a fund’s mandate.",
		CreatedAt:   time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
		Criteria: []custos.Criterion{
			{Key: "liquidity", Name: "Liquidity", Weight: 30, Description: "How deep the connected venues and counterparties are, which settlement rails exist, and how closely custody is tied to prime brokerage and execution."},
			{Key: "security", Name: "Security", Weight: 25, Description: "How keys are protected (HSM or MPC), how assets are kept offline and segregated, what independent audits and SOC reports exist, and what insurance is disclosed."},
			{Key: "coverage", Name: "Coverage", Weight: 15, Description: "Range of supported assets from BTC and ETH to the long tail, staking from custody, and support for tokenized products."},
			{Key: "costs", Name: "Costs", Weight: 15, Description: "Clarity of billing: custody fees in basis points on assets under custody and their tiers, treatment of network fees, and minimums."},
			{Key: "ux", Name: "UX", Weight: 10, Description: "Quality of the console, the policy controls, the APIs and the reports the team works with every day."},
			{Key: "support", Name: "Support", Weight: 5, Description: "Hands-on operational help, committed service levels, incident handling and how fast onboarding goes."},
		},
	}
	type it struct {
		key, prompt string
		evidence    bool
	}
	sections := []struct {
		key, title string
		items      []it
	}{
		{"regulatory_fit", "Regulatory fit", []it{
			{"charter", "Does the custodian hold a trust or bank charter, or another status that makes it a qualified custodian under the rules our fund is bound by?", true},
			{"region_licences", "Is the contracting entity licensed or registered in every jurisdiction our mandate covers, and are we eligible as a client there?", true},
			{"legal_structure", "Is it clear which legal entity would hold our assets, who owns that entity, and how client assets are treated if it becomes insolvent?", true},
			{"enforcement_history", "Have the custodian or its parent faced enforcement actions, consent orders or licence conditions in recent years?", false},
		}},
		{"asset_coverage", "Asset coverage", []it{
			{"required_assets", "Does the custodian support every asset our mandate needs, from BTC and ETH to the specific long-tail tokens we hold or plan to hold?", false},
			{"staking", "Can we stake the proof-of-stake assets we need directly from custody, and on what terms?", false},
			{"new_assets", "How does the custodian decide to add a new asset, network or tokenized product, and how long does that usually take?", false},
		}},
		{"operational_controls", "Operational controls", []it{
			{"policy_engine", "Can we set transaction policies (amount limits, velocity limits, approver quorums) that the custodian enforces on every movement?", false},
			{"role_segregation", "Are the roles that initiate, approve and administer transactions kept apart, so that no single person can move assets?", false},
			{"whitelists", "Are withdrawals restricted to whitelisted addresses, and does adding an address require approval and a waiting period?", false},
			{"operational_lift", "Have we estimated the day-to-day work this custodian will ask of our team: approvals, whitelist upkeep, reconciliations and reporting?", false},
		}},
		{"settlement_liquidity", "Settlement and liquidity", []it{
			{"off_exchange_trading", "Can we trade while the assets stay in custody, through a prime integration, an RFQ or OTC desk, or an instant settlement network?", false},
			{"settlement_windows", "What are the settlement hours and cut-offs for crypto, fiat and stablecoins, and is settlement available around the clock?", false},
			{"withdrawal_turnaround", "How long do withdrawals from cold storage take, and is that turnaround committed in writing?", false},
		}},
		{"fees", "Fees", []it{
			{"schedule", "Has the custodian given us a written fee schedule with the custody fee in basis points, its tiers and how it is calculated?", true},
			{"network_fees", "How are on-chain network fees handled: passed through at cost, marked up, or included in the custody fee?", false},
			{"other_charges", "Which minimums, onboarding charges, withdrawal fees and staking commissions apply?", false},
		}},
		{"reporting_audit", "Reporting and audit", []it{
			{"soc_reports", "Has the custodian provided current SOC 1 Type II and SOC 2 Type II reports that cover its custody operations?", true},
			{"segregated_ownership", "Can the custodian prove that our assets sit in segregated wallets attributable to us?", true},
			{"insurance", "Is insurance coverage disclosed, with the insurer, the limits, what is covered (cold or hot storage) and the exclusions?", true},
			{"statements_trail", "Do the statements, reports and the audit trail of approvals meet the needs of our fund administrator and auditor?", false},
		}},
		{"support", "Support", []it{
			{"sla", "Is there a written service-level agreement covering response times, withdrawal processing and platform availability?", true},
			{"operations_desk", "Is an operations desk reachable around the clock, with named contacts for our account and a clear onboarding plan?", false},
			{"incident_response", "How would the custodian detect a security incident or outage, respond to it, and tell us about it?", true},
		}},
		{"security_compliance", "Security and compliance practices", []it{
			{"key_ceremonies", "Are keys generated and held in hardware security modules or MPC through documented key ceremonies, and does every withdrawal need approval from several people?", true},
			{"policies_allowlists", "Before funding the account, have we set role-segregated policies and an allowlist of withdrawal addresses that the custodian enforces?", false},
			{"kyc_aml_travel_rule", "Are the custodian’s KYC/AML and travel-rule workflows consistent with our fund documents and acceptable to our auditors?", true},
			{"staking_entitlements", "Are our entitlements to staking rewards and airdrops written down, and is it clear who bears a slashing loss?", true},
			{"cold_hot_separation", "Is the treasury kept in cold storage, separate from the hot wallets used to route day-to-day transfers?", false},
		}},
	}
	id := int64(101)
	for _, s := range sections {
		sec := custos.ChecklistSection{Key: s.key, Title: s.title}
		for _, x := range s.items {
			sec.Items = append(sec.Items, custos.ChecklistItem{ID: id, Key: s.key + "." + x.key, Prompt: x.prompt, EvidenceRequired: x.evidence})
			id++
		}
		tp.Sections = append(tp.Sections, sec)
	}
	flags := []struct {
		key, title, description string
		sev                     custos.Severity
		origin                  string
		rule                    *string
	}{
		{"commingled_wallets", "Commingled wallets", "Client assets are pooled with other clients’ or the custodian’s own holdings, so our ownership cannot be shown on-chain.", custos.SeverityCritical, "red_flag", nil},
		{"unclear_legal_structure", "Unclear ownership or legal structure", "We cannot tell which entity would hold our assets, who controls it, or how the assets would be protected if it failed.", custos.SeverityHigh, "red_flag", nil},
		{"limited_disclosures", "Limited disclosures", "The custodian shares too little about its controls, audits, insurance or finances for us to form a view.", custos.SeverityMedium, "red_flag", nil},
		{"not_qualified_custodian", "Not a qualified custodian", "The mandate calls for a qualified custodian, and this provider is not one.", custos.SeverityCritical, "beginner_mistake", rule(custos.RuleQualifiedCustodian)},
		{"no_region_licence", "No licence for a mandate region", "The custodian holds no licence or registration covering at least one region in the mandate, or our entity is not eligible there.", custos.SeverityHigh, "beginner_mistake", rule(custos.RuleRegionLicence)},
		{"trading_custody_mixed", "Trading and custody mixed", "Trading and custody run through the same accounts or people without firm policy separation between them.", custos.SeverityHigh, "beginner_mistake", nil},
		{"fees_over_security", "Chosen on fees alone", "The comparison rests on price, and the security controls have not been assessed with the same care.", custos.SeverityMedium, "beginner_mistake", nil},
		{"operational_lift_underestimated", "Operational lift underestimated", "The approvals, whitelist upkeep and reporting this custodian requires have not been sized against our team’s capacity.", custos.SeverityLow, "beginner_mistake", nil},
		{"no_staking", "Staking not available from custody", "The mandate needs staking, and the custodian cannot stake these assets directly from custody.", custos.SeverityMedium, "practice", rule(custos.RuleStaking)},
		{"no_soc_report", "No current SOC 1 or SOC 2 report", "The custodian cannot provide a recent SOC 1 or SOC 2 report covering its custody operations.", custos.SeverityHigh, "practice", nil},
		{"insurance_unclear", "Insurance unclear or undisclosed", "The insurer, limits or scope of cover are not disclosed, or it is unclear which assets the policy protects.", custos.SeverityMedium, "practice", nil},
		{"no_multi_person_approval", "No multi-person withdrawal approval", "A single person can authorise a withdrawal; there is no quorum of approvers.", custos.SeverityHigh, "practice", nil},
	}
	for i, f := range flags {
		tp.RedFlags = append(tp.RedFlags, custos.RedFlagDefinition{ID: int64(201 + i), Key: f.key, Title: f.title,
			Description: f.description, DefaultSeverity: f.sev, Origin: f.origin, MandateRule: f.rule})
	}
	return tp
}
