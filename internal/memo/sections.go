package memo

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/custos-dd/custos/internal/custos"
)

// The memo's top-level sections, in order; the title page lists them.
var sectionTitles = []string{
	"1  Method",
	"2  Ranking",
	"3  Candidates",
	"4  Shortlist",
	"5  Approvals",
	"6  Evidence index",
	"7  Audit trail",
}

// kv is a two-column list of facts (label, value) with hairlines.
func (d *doc) kv() *table {
	return d.newTable(false, column{w: 56, align: "L"}, column{w: contentW - 56, align: "L"})
}

func label(s string) cell { return c(p(stSmall, s)) }

func val(s string) cell { return c(p(stBody, s)) }

func (d *doc) titlePage() {
	pdf := d.pdf
	ws, m := d.ws, d.m
	ev := ws.Evaluation
	pdf.AddPage()
	pdf.Bookmark("Title page", 0, 0)
	d.fill(navy)
	pdf.Rect(marginL, 30, 16, 1.8, "F")
	d.text(marginL, 34, contentW, style{size: 8.5, bold: true, color: accent}, "L", "CUSTOS  ·  CUSTODIAN DUE DILIGENCE")
	pdf.SetY(44)
	big := style{size: 24, bold: true, color: navy}
	d.text(marginL, d.y(), contentW, big, "L", "Custodian due-diligence memo")
	d.gap(big.lh() + 3)
	sub := style{size: 15, color: ink}
	for _, l := range d.split(sub, oneLine(ev.Title), contentW) {
		d.text(marginL, d.y(), contentW, sub, "L", l)
		d.gap(sub.lh())
	}
	d.gap(1.5)
	team := style{size: 11, color: muted}
	for _, l := range d.split(team, oneLine(m.TeamName), contentW) {
		d.text(marginL, d.y(), contentW, team, "L", l)
		d.gap(team.lh())
	}
	d.gap(9)

	t := d.kv()
	d.rule(d.y(), ruleCol, 0.15)
	t.row(label("Memo"), val("#"+strconv.FormatInt(m.MemoID, 10)))
	issued := utc(m.IssuedAt)
	if m.IssuedBy != "" {
		issued += " by " + oneLine(m.IssuedBy)
	}
	t.row(label("Issued"), val(issued))
	t.row(label("Prepared by"), val(orDash(oneLine(m.PreparedBy))))
	status := statusLabel(ev.Status)
	if ev.ApprovedAt != nil {
		status += " on " + utc(*ev.ApprovedAt)
	}
	t.row(label("Evaluation status"), val(status))
	due := "None set"
	if ev.DueDate != nil && *ev.DueDate != "" {
		due = oneLine(*ev.DueDate)
	}
	t.row(label("Due date"), val(due))
	t.row(label("Template"), val(fmt.Sprintf("%s, version %d", oneLine(ws.Template.Name), ws.Template.Version)))
	t.row(label("Approved snapshot (SHA-256)"), c(p(stMono, hexOf(ev.SnapshotHash))))
	if f := ev.FollowsEvaluationID; f != nil {
		// A re-diligence names the memo of the decision it reviews again.
		if fm := m.Follows; fm != nil {
			t.row(label("Follows memo"), val(fmt.Sprintf("#%d of evaluation #%d, issued %s", fm.ID, fm.EvaluationID, utc(fm.IssuedAt))))
			t.row(label("Followed memo (SHA-256)"), c(p(stMono, hexOf(fm.SHA256))))
		} else {
			t.row(label("Follows"), val(fmt.Sprintf("Evaluation #%d, for which no memo was issued", *f)))
		}
	}

	d.h3("Mandate", 30)
	md := ev.Mandate
	t = d.kv()
	d.rule(d.y(), ruleCol, 0.15)
	t.row(label("Regions"), val(joinOr(md.Regions, "None named")))
	t.row(label("Qualified custodian required"), val(yesNo(md.QualifiedCustodianRequired)))
	t.row(label("Assets"), val(joinOr(md.Assets, "None named")))
	t.row(label("Staking needed"), val(yesNo(md.StakingRequired)))
	t.row(label("Expected assets under custody"), val(usd(md.ExpectedAUCUSD)))

	// The contents: titles now, page numbers once they are known.
	entryH := 6.0
	if d.y()+14+float64(len(sectionTitles))*entryH > bottom {
		return // a very long title leaves no room; the outline still lists them
	}
	d.h3("Contents", 0)
	d.contentsAt = d.y()
	for _, title := range sectionTitles {
		d.text(marginL, d.y(), contentW, stBody, "L", title)
		d.gap(entryH)
	}
}

// writeContents fills in the page numbers of the contents on the title page.
func (d *doc) writeContents() {
	if d.contentsAt == 0 {
		return
	}
	last := d.pdf.PageNo()
	d.pdf.SetPage(1)
	d.hasFont, d.hasCol = false, false // page 1's text state is not the current one
	y := d.contentsAt
	for _, title := range sectionTitles {
		page := ""
		for _, e := range d.contents {
			if e.title == title {
				page = strconv.Itoa(e.page)
			}
		}
		if page != "" {
			tw := d.width(stBody, title)
			pw := d.width(stBody, page)
			x0, x1 := marginL+tw+2, pageW-marginR-pw-2
			d.draw(ruleCol)
			d.pdf.SetLineWidth(0.3)
			d.pdf.SetDashPattern([]float64{0.3, 1.2}, 0)
			ly := y + stBody.lh()*0.72
			d.pdf.Line(x0, ly, x1, ly)
			d.pdf.SetDashPattern(nil, 0)
			d.text(pageW-marginR-pw, y, pw, stBody, "R", page)
		}
		y += 6.0
	}
	d.pdf.SetPage(last)
	d.hasFont, d.hasCol = false, false
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func (d *doc) method() {
	ws := d.ws
	tp := ws.Template
	d.h1(sectionTitles[0], true, 0)
	items := 0
	evidence := 0
	for _, s := range tp.Sections {
		items += len(s.Items)
		for _, it := range s.Items {
			if it.EvidenceRequired {
				evidence++
			}
		}
	}
	d.para(stBody, fmt.Sprintf("Every candidate is assessed against the same template, “%s” (version %d): "+
		"a weighted score on %s, a checklist of %s in %s, and a catalogue of red flags. "+
		"The mandate is also checked against the custodian catalogue: a custodian that does not fit it "+
		"(not a qualified custodian where one is required, no licence for a mandate region, no staking when "+
		"staking is needed) gets the matching red flag automatically.",
		oneLine(tp.Name), tp.Version, plural(len(tp.Criteria), "criterion", "criteria"),
		plural(items, "item", "items"), plural(len(tp.Sections), "section", "sections")), marginL)

	d.h3("Criteria and weights", 30)
	t := d.newTable(true, column{"Criterion", 28, "L"}, column{"Weight", 17, "R"}, column{"What is assessed", contentW - 45, "L"})
	t.start(10)
	for _, cr := range tp.Criteria {
		t.row(c(p(stCellB, cr.Name)), c(p(stCell, strconv.Itoa(cr.Weight))), c(p(stCell, cr.Description)))
	}
	total := tp.TotalWeight()
	t.rowFill(&panel, c(p(stCellB, "Total")), c(p(stCellB, strconv.Itoa(total))), c(p(stCell, "")))

	d.h3("Scoring", 34)
	d.para(stBody, "Each criterion is scored with a whole number on a scale from 0 (lowest) to 5 (highest), "+
		"with a written rationale; a criterion left unscored counts as 0. A candidate’s weighted total is:", marginL)
	d.gap(2.5)
	d.need(18)
	y := d.y()
	d.fill(panel)
	d.pdf.Rect(marginL, y, contentW, 15, "F")
	formula := style{size: 12, bold: true, color: navy}
	d.text(marginL, y+2.6, contentW, formula, "C", "weighted total  =  Σ  weight × score / 5")
	outOf := "out of 100, as the weights sum to 100: a score of 5 on every criterion gives 100.0"
	if total != 100 {
		outOf = fmt.Sprintf("out of %d, as the weights of this template sum to %d", total, total)
	}
	d.text(marginL, y+9, contentW, stSmall, "C", outOf)
	d.pdf.SetY(y + 15)
	d.gap(2)

	d.h3("Checklist and red flags", 30)
	d.para(stBody, fmt.Sprintf("Every checklist item is answered met, partly met, not met or not applicable, with a note "+
		"explaining any shortfall; %d of the %d items require evidence, listed with SHA-256 digests in section 6. "+
		"Red flags carry a severity (low to critical) and a status: open, mitigated, accepted with a written "+
		"justification, or closed. The shortlist can only be submitted once every item of each shortlisted custodian "+
		"is answered with its evidence attached and no shortlisted custodian has an open critical red flag.", evidence, items), marginL)
	var secs []string
	for i, s := range tp.Sections {
		secs = append(secs, fmt.Sprintf("%d %s (%d)", i+1, oneLine(s.Title), len(s.Items)))
	}
	d.gap(2)
	d.para(stBody, "Items are numbered by section and position: item 6.1 is the first item of section 6. "+
		"The sections, with their number of items, are: "+strings.Join(secs, ", ")+".", marginL)
}

func (d *doc) ranking() {
	ws := d.ws
	// The ranking and its chart stay together when they fit a page.
	d.h1(sectionTitles[1], false, minf(30+float64(len(ws.Ranking))*(6.6+7.6)+45, bottom-marginTop))
	d.para(stBody, fmt.Sprintf("The %s ranked by weighted total out of %d (equal totals in order of name). "+
		"The shortlist (section 4) is the team’s choice and its order of preference, which need not follow the ranking.",
		strings.TrimPrefix(plural(len(ws.Ranking), "candidate", "candidates"), "1 "), ws.Template.TotalWeight()), marginL)
	d.gap(3)
	t := d.newTable(true, column{"Rank", 16, "C"}, column{"Custodian", 92, "L"}, column{"Weighted total", 28, "R"}, column{"Shortlisted", 30, "L"})
	t.start(10)
	for _, e := range ws.Ranking {
		sl := c(p(stCell, "No"))
		if s, ok := d.shortlist[e.CustodianID]; ok {
			sl = c(p(style{size: 8.5, bold: true, color: accent}, "Yes, #"+strconv.Itoa(s.Rank)))
		}
		t.row(c(p(stCell, strconv.Itoa(e.Rank))), c(p(stCellB, e.Name)), c(p(stCell, score1(e.WeightedTotal))), sl)
	}
	d.h3("Weighted totals", d.chartHeight())
	d.chart()
	d.sensitivity()
}

// signedPoints writes a shift with a true minus sign and no trailing zeros.
func signedPoints(x float64) string {
	s := strings.TrimSuffix(strings.TrimRight(strconv.FormatFloat(math.Abs(x), 'f', 2, 64), "0"), ".")
	switch {
	case x > 0:
		return "+" + s
	case x < 0:
		return "−" + s
	}
	return "±" + s
}

// sensitivity records how far the ranking rests on the weights: the verdict,
// and per criterion the winner under each single shift and the exact shift
// at which a challenger draws level.
func (d *doc) sensitivity() {
	s := d.ws.Sensitivity
	if s == nil {
		return
	}
	crit := d.ws.Template.Criteria
	d.h3("Weight sensitivity", 40+float64(len(crit))*7)
	d.para(stBody, s.Verdict, marginL)
	d.gap(1.5)
	d.para(stSmall, "Each row moves one criterion’s weight by the points shown and rescales the others in proportion "+
		"to keep 100; a cell names the candidate then ranked first. The last column is the exact shift, either way, "+
		"at which another candidate draws level with the winner (totals are linear in the shift).", marginL)
	d.gap(2)
	names := map[int64]string{}
	for _, a := range d.ws.Assessments {
		names[a.Custodian.ID] = a.Custodian.Name
	}
	shiftW := 24.0
	t := d.newTable(true, column{"Criterion (weight)", 40, "L"}, column{"−10", shiftW, "L"}, column{"−5", shiftW, "L"},
		column{"+5", shiftW, "L"}, column{"+10", shiftW, "L"}, column{"Draws level at", contentW - 40 - 4*shiftW, "L"})
	t.start(10)
	for _, cr := range crit {
		row := []cell{c(p(stCellB, fmt.Sprintf("%s (%d)", cr.Name, cr.Weight)))}
		for _, sh := range s.Shifts {
			if sh.Criterion != cr.Key || len(sh.Ranking) == 0 {
				continue
			}
			if sh.WinnerChanged {
				row = append(row, c(p(style{size: 8.5, bold: true, color: accent}, sh.Ranking[0].Name)))
			} else {
				row = append(row, c(p(stCellNote, "unchanged")))
			}
		}
		var at []string
		for _, th := range s.Thresholds {
			if th.Criterion == cr.Key {
				at = append(at, signedPoints(th.Delta)+" → "+th.Challenger)
			}
		}
		if len(at) == 0 {
			at = []string{"no shift"}
		}
		row = append(row, c(p(stCell, strings.Join(at, "; "))))
		for len(row) < 6 {
			row = append(row, c(p(stCell, "")))
		}
		t.row(row...)
	}
}

// chart draws the weighted totals as horizontal bars on a 0–100 axis.
func (d *doc) chart() {
	ws := d.ws
	n := len(ws.Ranking)
	if n == 0 {
		return
	}
	const (
		labelW = 56.0
		barH   = 5.0
		step   = 7.6
		valueW = 12.0
	)
	max := float64(ws.Template.TotalWeight())
	if max <= 0 {
		max = 100
	}
	plotX := marginL + labelW + 3
	plotW := contentW - labelW - 3 - valueW
	d.need(d.chartHeight())
	top := d.y() + 2
	plotH := float64(n)*step + 1
	// Grid and axis.
	d.pdf.SetLineWidth(0.15)
	for i := 0; i <= 5; i++ {
		v := max * float64(i) / 5
		x := plotX + plotW*float64(i)/5
		if i == 0 {
			d.draw(muted)
			d.pdf.SetLineWidth(0.3)
		} else {
			d.draw(ruleCol)
			d.pdf.SetLineWidth(0.15)
			d.pdf.SetDashPattern([]float64{0.8, 0.8}, 0)
		}
		d.pdf.Line(x, top, x, top+plotH)
		d.pdf.SetDashPattern(nil, 0)
		d.text(x-10, top+plotH+1.2, 20, stSmall, "C", strconv.FormatFloat(v, 'f', -1, 64))
	}
	d.draw(muted)
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(plotX, top+plotH, plotX+plotW, top+plotH)
	// Bars, best first.
	valSt := style{size: 7.5, bold: true, color: ink}
	nameSt := style{size: 8, color: ink}
	for i, e := range ws.Ranking {
		y := top + 1 + float64(i)*step + (step-barH)/2 - 0.5
		name := d.fit(nameSt, oneLine(e.Name), labelW)
		d.text(marginL, y+(barH-nameSt.lh())/2, labelW, nameSt, "R", name)
		w := plotW * clamp(e.WeightedTotal/max, 0, 1)
		col := barOther
		if _, ok := d.shortlist[e.CustodianID]; ok {
			col = accent
		}
		if w > 0 {
			d.fill(col)
			d.pdf.Rect(plotX, y, w, barH, "F")
		}
		d.text(plotX+w+1.2, y+(barH-valSt.lh())/2, valueW, valSt, "L", score1(e.WeightedTotal))
	}
	// Legend.
	ly := top + plotH + 7.5
	x := plotX
	for _, it := range []struct {
		col rgb
		txt string
	}{{accent, "Shortlisted"}, {barOther, "Not shortlisted"}} {
		d.fill(it.col)
		d.pdf.Rect(x, ly+0.6, 3, 3, "F")
		d.text(x+4.5, ly, 40, stSmall, "L", it.txt)
		x += 4.5 + d.width(stSmall, it.txt) + 8
	}
	d.pdf.SetY(ly + stSmall.lh() + 2)
}

func (d *doc) chartHeight() float64 { return float64(len(d.ws.Ranking))*7.6 + 22 }

func minf(a, b float64) float64 {
	if a < b {
		return a
	}
	return b
}

func clamp(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func (d *doc) candidates() {
	d.h1(sectionTitles[2], true, 0)
	d.para(stBody, "One part per candidate, in ranking order: its scores with the rationale for each, how much of "+
		"its checklist is answered and which items it does not meet in full, and its red flags with how each was "+
		"resolved.", marginL)
	for i, a := range d.ranked {
		// A candidate starts on a new page unless most of its first page
		// (heading, key figures and scores) fits on this one.
		if d.y()+110 > bottom {
			d.pdf.AddPage()
		} else {
			d.gap(6)
			if i > 0 {
				d.rule(d.y(), navy, 0.4)
				d.gap(2)
			}
		}
		d.candidate(i+1, a)
	}
}

func (d *doc) candidate(no int, a *custos.Assessment) {
	ws := d.ws
	name := oneLine(a.Custodian.Name)
	d.h2(fmt.Sprintf("3.%d  %s", no, name), 60, true)

	sl, shortlisted := d.shortlist[a.Custodian.ID]
	line1 := fmt.Sprintf("Rank %d of %d · weighted total %s out of %d · ", a.Rank, len(ws.Assessments),
		score1(a.WeightedTotal), ws.Template.TotalWeight())
	if shortlisted {
		line1 += fmt.Sprintf("shortlisted as #%d", sl.Rank)
	} else {
		line1 += "not shortlisted"
	}
	d.para(style{size: 9, color: muted}, line1, marginL)
	cs := a.Custodian
	d.para(style{size: 9, color: muted}, fmt.Sprintf("Catalogue: qualified custodian: %s · regions: %s · staking from custody: %s",
		strings.ToLower(yesNo(cs.QualifiedCustodian)), joinOr(cs.Regions, "none listed"), strings.ToLower(yesNo(cs.Staking))), marginL)
	d.gap(3)

	// Key figures.
	open := 0
	for _, f := range a.RedFlags {
		if f.Status == custos.FlagOpen {
			open++
		}
	}
	slText := "No"
	if shortlisted {
		slText = "#" + strconv.Itoa(sl.Rank)
	}
	d.figures([][2]string{
		{score1(a.WeightedTotal), "weighted total"},
		{fmt.Sprintf("%d of %d", a.Rank, len(ws.Assessments)), "rank"},
		{percent(a.Completion.Percent), fmt.Sprintf("checklist, %d of %d", a.Completion.Answered, a.Completion.Total)},
		{strconv.Itoa(len(a.RedFlags)), fmt.Sprintf("red flags, %d open", open)},
		{slText, "shortlisted"},
	})

	d.scores(a)
	d.checklist(a)
	d.flags(a)
	if n := len(a.Evidence); n > 0 {
		d.gap(2)
		d.para(stSmall, fmt.Sprintf("%s attached as evidence, listed with their digests in the evidence index (section 6).",
			capital(plural(n, "file", "files"))), marginL)
	}
}

// figures draws a band of key figures.
func (d *doc) figures(fs [][2]string) {
	const h = 15.0
	d.need(h + 2)
	y := d.y()
	gapW := 2.5
	w := (contentW - gapW*float64(len(fs)-1)) / float64(len(fs))
	num := style{size: 13, bold: true, color: navy}
	lab := style{size: 7, color: muted}
	for i, f := range fs {
		x := marginL + float64(i)*(w+gapW)
		d.fill(panel)
		d.pdf.Rect(x, y, w, h, "F")
		d.text(x+2.5, y+2, w-5, num, "L", f[0])
		d.text(x+2.5, y+9, w-5, lab, "L", d.fit(lab, f[1], w-5))
	}
	d.pdf.SetY(y + h + 1)
}

func (d *doc) scores(a *custos.Assessment) {
	ws := d.ws
	d.h3("Scores", 22)
	by := map[string]custos.Score{}
	for _, s := range a.Scores {
		by[s.Criterion] = s
	}
	t := d.newTable(true, column{"Criterion", 30, "L"}, column{"Weight", 16, "R"}, column{"Score", 15, "R"},
		column{"Points", 17, "R"}, column{"Rationale", contentW - 78, "L"})
	t.start(10)
	for _, cr := range ws.Template.Criteria {
		s, ok := by[cr.Key]
		sc, pts, why := "—", "0.0", cell(c(p(stCellNote, "Not scored; counts as 0.")))
		if ok {
			sc = strconv.Itoa(s.Score) + " / 5"
			pts = score1(float64(cr.Weight*s.Score) / 5)
			why = c(p(stCell, orDash(s.Rationale)))
		}
		t.row(c(p(stCellB, cr.Name)), c(p(stCell, strconv.Itoa(cr.Weight))), c(p(stCell, sc)), c(p(stCell, pts)), why)
	}
	// Scores for criteria the template does not have (should not happen).
	var extra []string
	for k := range by {
		if _, ok := d.criteria[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		s := by[k]
		t.row(c(p(stCellB, k)), c(p(stCell, "—")), c(p(stCell, strconv.Itoa(s.Score)+" / 5")), c(p(stCell, "—")),
			c(p(stCell, orDash(s.Rationale)), p(stCellNote, "Not a criterion of this template; not counted.")))
	}
	t.rowFill(&panel, c(p(stCellB, "Weighted total")), c(p(stCellB, strconv.Itoa(ws.Template.TotalWeight()))), c(p(stCell, "")),
		c(p(stCellB, score1(a.WeightedTotal))), c(p(stCellNote, "Σ weight × score / 5")))
}

func (d *doc) checklist(a *custos.Assessment) {
	d.h3("Checklist", 20)
	defer d.fromCustodian(a)
	count := map[custos.AnswerStatus]int{}
	type short struct {
		ref itemRef
		ans custos.Answer
	}
	var shortfalls []short
	for _, ans := range a.Answers {
		count[ans.Status]++
		// Not applicable is listed too: approvers see what was left out and why.
		if ans.Status == custos.AnswerNotMet || ans.Status == custos.AnswerPartlyMet || ans.Status == custos.AnswerNotApplicable {
			shortfalls = append(shortfalls, short{d.items[ans.ItemID], ans})
		}
	}
	var parts []string
	for _, s := range []custos.AnswerStatus{custos.AnswerMet, custos.AnswerPartlyMet, custos.AnswerNotMet, custos.AnswerNotApplicable, custos.AnswerPending} {
		if count[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[s], strings.ToLower(answerLabel(s))))
		}
	}
	comp := a.Completion
	d.para(stBody, fmt.Sprintf("%d of %d items answered (%s): %s.", comp.Answered, comp.Total,
		percent(comp.Percent), joinOr(parts, "no items")), marginL)
	if len(shortfalls) == 0 {
		d.gap(1)
		d.para(stSmall, "Every answered item is met.", marginL)
		return
	}
	d.gap(2.5)
	t := d.newTable(true, column{"Item", 70, "L"}, column{"Status", 24, "L"}, column{"Note", contentW - 94, "L"})
	first := t.rowHeight(d.shortfallRow(shortfalls[0].ref, shortfalls[0].ans))
	t.start(first)
	for _, s := range shortfalls {
		t.row(d.shortfallRow(s.ref, s.ans)...)
	}
}

// fromCustodian lists the answers the team accepted from the custodian's
// own response (a respondent invitation), each with when the custodian gave
// it, so that a reader tells the custodian's word from the team's.
func (d *doc) fromCustodian(a *custos.Assessment) {
	var theirs []custos.Answer
	for _, ans := range a.Answers {
		if ans.FromInvitationID != nil && ans.RespondedAt != nil {
			theirs = append(theirs, ans)
		}
	}
	d.gap(2)
	if len(theirs) == 0 {
		d.para(stSmall, "Every answer is the team's own: none was taken from the custodian's response.", marginL)
		return
	}
	d.para(stBody, fmt.Sprintf("From the custodian's own response, accepted by the team: %s.",
		plural(len(theirs), "answer", "answers")), marginL)
	d.gap(1.5)
	t := d.newTable(true, column{"Item", 70, "L"}, column{"Status", 24, "L"}, column{"From the custodian's response", contentW - 94, "L"})
	row := func(ans custos.Answer) []cell {
		ref := d.items[ans.ItemID]
		head, prompt := ref.no+"  "+ref.section, ref.prompt
		if ref.no == "" {
			head, prompt = "Item "+strconv.FormatInt(ans.ItemID, 10), "Not in this template"
		}
		return []cell{c(p(stCellNote, head), p(stCell, prompt)), c(p(stCell, answerLabel(ans.Status))),
			c(p(stCell, "Submitted by the custodian "+utc(*ans.RespondedAt)+" (invitation "+strconv.FormatInt(*ans.FromInvitationID, 10)+")"),
				p(stCellNote, orDash(ans.Note)))}
	}
	t.start(t.rowHeight(row(theirs[0])))
	for _, ans := range theirs {
		t.row(row(ans)...)
	}
}

func (d *doc) shortfallRow(ref itemRef, ans custos.Answer) []cell {
	st := style{size: 8.5, bold: true, color: amber}
	switch ans.Status {
	case custos.AnswerNotMet:
		st.color = red
	case custos.AnswerNotApplicable:
		st.color = muted
	}
	head := ref.no + "  " + ref.section
	prompt := ref.prompt
	if ref.no == "" {
		head, prompt = "Item "+strconv.FormatInt(ans.ItemID, 10), "Not in this template"
	}
	return []cell{
		c(p(stCellNote, head), p(stCell, prompt)),
		c(p(st, answerLabel(ans.Status))),
		c(p(stCell, orDash(ans.Note))),
	}
}

var severityOrder = map[custos.Severity]int{custos.SeverityCritical: 0, custos.SeverityHigh: 1, custos.SeverityMedium: 2, custos.SeverityLow: 3}

func severityColor(s custos.Severity) rgb {
	switch s {
	case custos.SeverityCritical:
		return red
	case custos.SeverityHigh:
		return orange
	case custos.SeverityMedium:
		return amber
	}
	return muted
}

func flagStatusColor(s custos.RedFlagStatus) rgb {
	switch s {
	case custos.FlagOpen:
		return red
	case custos.FlagClosed:
		return green
	}
	return ink
}

func (d *doc) flags(a *custos.Assessment) {
	d.h3("Red flags", 20)
	if len(a.RedFlags) == 0 {
		d.para(stBody, "No red flags were raised.", marginL)
		return
	}
	fl := append([]custos.RedFlag(nil), a.RedFlags...)
	sort.SliceStable(fl, func(i, j int) bool {
		oi, ok1 := severityOrder[fl[i].Severity]
		oj, ok2 := severityOrder[fl[j].Severity]
		if !ok1 {
			oi = 4
		}
		if !ok2 {
			oj = 4
		}
		if oi != oj {
			return oi < oj
		}
		return fl[i].ID < fl[j].ID
	})
	t := d.newTable(true, column{"Red flag", 64, "L"}, column{"Severity", 19, "L"}, column{"Status", 20, "L"},
		column{"Resolution or justification", contentW - 103, "L"})
	first := t.rowHeight(d.flagRow(fl[0]))
	t.start(first)
	for _, f := range fl {
		t.row(d.flagRow(f)...)
	}
}

func (d *doc) flagRow(f custos.RedFlag) []cell {
	what := c(p(stCellB, orDash(f.Title)))
	if f.MandateRule != nil {
		reason := f.Reason
		if reason == "" {
			reason = f.Description
		}
		what = append(what, p(stCellNote, "Raised automatically by mandate fit: "+reason))
	} else if f.Description != "" {
		what = append(what, p(stCellNote, f.Description))
	}
	res := c(p(stCell, orDash(f.Resolution)))
	if f.Resolution == "" && f.Status == custos.FlagOpen {
		res = c(p(stCellNote, "Unresolved."))
	}
	return []cell{
		what,
		c(p(style{size: 8.5, bold: true, color: severityColor(f.Severity)}, severityLabel(f.Severity))),
		c(p(style{size: 8.5, color: flagStatusColor(f.Status)}, flagStatusLabel(f.Status))),
		res,
	}
}

func (d *doc) shortlistSection() {
	ws := d.ws
	d.h1(sectionTitles[3], true, 0)
	if len(ws.Shortlist) == 0 {
		d.para(stBody, "No custodian is shortlisted.", marginL)
		return
	}
	d.para(stBody, fmt.Sprintf("The team shortlists %d of the %s, in order of preference, for the reasons below.",
		len(ws.Shortlist), plural(len(ws.Assessments), "candidate", "candidates")), marginL)
	d.gap(3)
	entries := append([]custos.ShortlistEntry(nil), ws.Shortlist...)
	sort.SliceStable(entries, func(i, j int) bool { return entries[i].Rank < entries[j].Rank })
	t := d.newTable(true, column{"Choice", 16, "C"}, column{"Custodian", 48, "L"}, column{"Weighted total", 26, "R"},
		column{"Rationale", contentW - 90, "L"})
	t.start(12)
	for _, e := range entries {
		name, total, rank := "Custodian "+strconv.FormatInt(e.CustodianID, 10), "—", ""
		if a, ok := d.byID[e.CustodianID]; ok {
			name, total = a.Custodian.Name, score1(a.WeightedTotal)
			rank = fmt.Sprintf("rank %d by score", a.Rank)
		}
		why := c(p(stCell, orDash(e.Rationale)))
		if e.InversionRationale != "" {
			// Placed above a candidate with a higher total: the reason is on record.
			why = append(why, p(stCellNote, "Above a higher-ranked candidate because: "+e.InversionRationale))
		}
		t.row(c(p(style{size: 11, bold: true, color: navy}, "#"+strconv.Itoa(e.Rank))), c(p(stCellB, name)),
			c(p(stCell, total), p(stCellNote, rank)), why)
	}
}

func (d *doc) approvals() {
	ws, m := d.ws, d.m
	ev := ws.Evaluation
	d.h1(sectionTitles[4], false, 90)
	d.para(stBody, fmt.Sprintf("The shortlist needs %s from managers who did not submit it; %d received. "+
		"Each manager approved a snapshot of the evaluation (its candidates, answers, scores, red flags, evidence "+
		"digests and shortlist), identified by the snapshot’s SHA-256 digest. The evaluation’s approved snapshot is:",
		plural(ws.ApprovalsRequired, "approval", "approvals"), ws.ApprovalsReceived), marginL)
	d.gap(2)
	d.hash(hexOf(ev.SnapshotHash), marginL, contentW)
	d.gap(4)
	if len(m.Approvers) == 0 {
		d.para(stBody, "No approvals are recorded.", marginL)
		return
	}
	for _, ap := range m.Approvers {
		d.approver(ap, ev.SnapshotHash)
	}
}

// hash prints a digest in the monospace font, wrapped if it does not fit.
func (d *doc) hash(h string, x, w float64) {
	for _, l := range d.hardWrap(stMono, h, w) {
		d.text(x, d.y(), w, stMono, "L", l)
		d.gap(stMono.lh())
	}
}

func (d *doc) approver(ap custos.MemoApprover, approved custos.HashBytes) {
	const indent = 5.0
	x := marginL + indent
	w := contentW - indent
	name := style{size: 10.5, bold: true, color: ink}
	comment := clean(ap.Comment)
	cst := stBody
	if comment == "" {
		comment, cst = "No comment.", stSmall
	}
	lines := d.split(cst, comment, w)
	hashLines := d.hardWrap(stMono, hexOf(ap.SnapshotHash), w)
	h := name.lh() + 2 + float64(len(lines))*cst.lh() + 3 + stSmall.lh() + float64(len(hashLines))*stMono.lh() + 1 + stSmall.lh()
	if h <= bottom-marginTop {
		d.need(h + 4)
	}
	y0, page0 := d.y(), d.pdf.PageNo()
	d.text(x, d.y(), w, name, "L", oneLine(ap.Name))
	nw := d.width(name, oneLine(ap.Name))
	if role := oneLine(ap.Role); role != "" {
		d.text(x+nw+2, d.y()+0.6, w-nw-2, style{size: 9, color: muted}, "L", "· "+role)
	}
	when := utc(ap.At)
	d.text(pageW-marginR-40, d.y()+0.6, 40, style{size: 9, color: muted}, "R", when)
	d.gap(name.lh() + 2)
	d.use(cst)
	for _, l := range lines {
		d.need(cst.lh())
		d.text(x, d.y(), w, cst, "L", l)
		d.gap(cst.lh())
	}
	d.gap(3)
	d.need(stSmall.lh() + stMono.lh()*float64(len(hashLines)) + stSmall.lh())
	d.text(x, d.y(), w, stSmall, "L", "Snapshot approved (SHA-256)")
	d.gap(stSmall.lh())
	d.hash(hexOf(ap.SnapshotHash), x, w)
	d.gap(1)
	if len(approved) > 0 && bytes.Equal(ap.SnapshotHash, approved) {
		d.text(x, d.y(), w, style{size: 8, color: green}, "L", "✓ Matches the evaluation’s approved snapshot.")
	} else {
		d.text(x, d.y(), w, style{size: 8, bold: true, color: red}, "L", "✗ Differs from the evaluation’s approved snapshot.")
	}
	d.gap(stSmall.lh())
	if d.pdf.PageNo() == page0 {
		d.fill(accent)
		d.pdf.Rect(marginL, y0, 1.2, d.y()-y0, "F")
	}
	d.gap(6)
}

func (d *doc) evidenceIndex() {
	d.h1(sectionTitles[5], true, 0)
	total := 0
	for _, a := range d.ranked {
		total += len(a.Evidence)
	}
	d.para(stBody, fmt.Sprintf("The %s attached as evidence, by candidate and checklist item. The SHA-256 digest "+
		"identifies each file: recompute it on a copy to check that the copy is the file the team reviewed.",
		plural(total, "file", "files")), marginL)
	d.gap(3)
	if total == 0 {
		return
	}
	t := d.newTable(true, column{"Checklist item", 56, "L"}, column{"File", 42, "L"}, column{"Size", 19, "R"},
		column{"SHA-256", contentW - 117, "L"})
	rows := func(e custos.Evidence) []cell {
		ref, ok := d.items[e.ItemID]
		item := c(p(stCellNote, "Item "+strconv.FormatInt(e.ItemID, 10)))
		if ok {
			item = c(para{text: ref.no + "  " + ref.prompt, st: style{size: 7.5, color: ink}, max: 2})
		}
		file := c(para{text: orDash(e.Label), st: style{size: 8, color: ink}, breakAny: true})
		return []cell{item, file, c(p(style{size: 8, color: ink}, size(e.Size))), c(p(stMonoCell, hexOf(e.SHA256)))}
	}
	bandSt := style{size: 8.5, bold: true, color: navy}
	started := false
	for _, a := range d.ranked {
		if len(a.Evidence) == 0 {
			continue
		}
		ev := append([]custos.Evidence(nil), a.Evidence...)
		sort.SliceStable(ev, func(i, j int) bool {
			ri, rj := d.items[ev[i].ItemID], d.items[ev[j].ItemID]
			if ri.no != rj.no {
				return itemLess(ri.no, rj.no)
			}
			return ev[i].ID < ev[j].ID
		})
		bandH := bandSt.lh() + 2*padY
		first := t.rowHeight(rows(ev[0]))
		if !started {
			t.start(bandH + first)
			started = true
		} else if d.y()+bandH+first > bottom {
			d.pdf.AddPage()
			t.head()
		}
		t.band(bandSt, fmt.Sprintf("%s  ·  %s", oneLine(a.Custodian.Name), plural(len(ev), "file", "files")), headFill)
		for _, e := range ev {
			t.row(rows(e)...)
		}
	}
}

// itemLess orders item numbers such as "2.10" after "2.9".
func itemLess(a, b string) bool {
	pa, pb := strings.SplitN(a, ".", 2), strings.SplitN(b, ".", 2)
	for i := 0; i < 2; i++ {
		var x, y int
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return a < b
}

func (d *doc) auditHead() {
	m := d.m
	d.h1(sectionTitles[6], false, 120)
	d.para(stBody, fmt.Sprintf("Every change in Custos is recorded as an event of the audit trail, and each event’s hash "+
		"covers the previous event’s hash. When the evaluation was approved, the head of the trail was event #%d. "+
		"Its hash fixes the whole history up to the approval: verifying the chain in Custos and finding that event "+
		"#%d still carries this hash shows that nothing recorded before the approval was changed since.",
		m.AuditHeadSeq, m.AuditHeadSeq), marginL)
	d.gap(3)
	t := d.kv()
	d.rule(d.y(), ruleCol, 0.15)
	t.row(label("Head event (sequence number)"), val("#"+strconv.FormatInt(m.AuditHeadSeq, 10)))
	t.row(label("Head hash (SHA-256)"), c(p(stMono, hexOf(m.AuditHeadHash))))

	d.h3("Checking this memo", 20)
	d.para(stBody, "Custos records the SHA-256 digest of every memo it issues, and the issued file carries the "+
		"organisation’s digital signature. To check that a copy of this memo is unaltered and was issued by Custos, "+
		"upload it to Custos’s memo verification or run “custos memo verify FILE”.", marginL)
}
