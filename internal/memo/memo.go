// Package memo lays out the due-diligence memo of an approved evaluation as
// a PDF, with gofpdf. It is the adapter behind custos.MemoRenderer: the
// domain decides what a memo says (custos.MemoContent), this package only
// decides how it looks. Output is deterministic: the same content renders to
// the same bytes, because the memo is signed and its SHA-256 registered.
package memo

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jung-kurt/gofpdf"

	"github.com/custos-dd/custos/internal/custos"
)

// The DejaVu fonts (Bitstream Vera licence, see fonts/LICENSE) cover the
// Latin, Greek and Cyrillic names a catalogue holds: "Zürich – Société
// Générale" prints as written.
var (
	//go:embed fonts/DejaVuSans.ttf
	fontSans []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontSansBold []byte
	//go:embed fonts/DejaVuSansMono.ttf
	fontMono []byte
)

const (
	familySans = "dejavu"
	familyMono = "dejavumono"
)

// Renderer renders memos. It is safe for concurrent use: each Render builds
// its own document.
//
// gofpdf cannot share a parsed font between documents (the parsed font lives
// in unexported per-document state, and subsetting mutates it), so every
// document parses its fonts again, and that cost grows with the font: with
// the whole DejaVu fonts it is most of a render. NewRenderer therefore cuts
// each font once to a repertoire that covers Latin-script text (the Latin
// letters of every European language) plus common punctuation and symbols;
// a document whose text needs anything else (Greek, Cyrillic, Vietnamese,
// CJK, …) is rendered again with the whole fonts. Which fonts a
// memo uses depends only on its content, so the output stays deterministic.
type Renderer struct {
	full, cut fontSet
}

type fontSet struct {
	sans, bold, mono []byte
}

var _ custos.MemoRenderer = (*Renderer)(nil)

// repertoire lists the code points of the cut fonts.
var repertoire = [][2]rune{
	{0x0020, 0x007E}, // Basic Latin
	{0x00A0, 0x024F}, // Latin-1 Supplement, Latin Extended-A and -B
	{0x02C6, 0x02C7}, // ˆ ˇ
	{0x02D8, 0x02DD}, // ˘ ˙ ˚ ˛ ˜ ˝
	{0x03A3, 0x03A3}, // Σ, in the scoring formula
	{0x2010, 0x2027}, // dashes, quotation marks, bullets, ellipsis
	{0x2030, 0x203A}, // ‰ ′ ″ ‹ ›
	{0x20AC, 0x20AC}, // €
	{0x2116, 0x2116}, // №
	{0x2122, 0x2122}, // ™
	{0x2190, 0x2193}, // ← ↑ → ↓
	{0x2212, 0x2212}, // −
	{0x2248, 0x2248}, // ≈
	{0x2260, 0x2265}, // ≠ ≡ ≤ ≥
	{0x2713, 0x2713}, // ✓
	{0x2717, 0x2717}, // ✗
	{0xFFFD, 0xFFFD}, // replacement character
}

// monoRepertoire lists the code points of the cut monospace font, which
// prints digests only.
var monoRepertoire = [][2]rune{
	{0x0020, 0x007E}, // Basic Latin
	{0x2014, 0x2014}, // —, for a missing digest
	{0xFFFD, 0xFFFD},
}

func inRepertoire(rep [][2]rune, r rune) bool {
	for _, rg := range rep {
		if r < rg[0] {
			return false
		}
		if r <= rg[1] {
			return true
		}
	}
	return false
}

// NewRenderer prepares the fonts and checks that gofpdf can use them.
func NewRenderer() (*Renderer, error) {
	r := &Renderer{full: fontSet{sans: fontSans, bold: fontSansBold, mono: fontMono}}
	cut := func(font []byte, rep [][2]rune) []byte {
		var set strings.Builder
		for _, rg := range rep {
			for c := rg[0]; c <= rg[1]; c++ {
				set.WriteRune(c)
			}
		}
		return gofpdf.UTF8CutFont(bytes.Clone(font), set.String()) // it writes into its input too
	}
	r.cut = fontSet{sans: cut(fontSans, repertoire), bold: cut(fontSansBold, repertoire), mono: cut(fontMono, monoRepertoire)}
	for _, fs := range []fontSet{r.full, r.cut} {
		pdf := gofpdf.New("P", "mm", "A4", "")
		fs.add(pdf)
		pdf.SetFont(familySans, "", 10)
		pdf.SetFont(familySans, "B", 10)
		pdf.SetFont(familyMono, "", 10)
		if err := pdf.Error(); err != nil {
			return nil, fmt.Errorf("memo: loading the embedded fonts: %w", err)
		}
	}
	return r, nil
}

// add gives a document its fonts. Each document gets its own copy of the
// bytes: gofpdf writes into the font data it is given (when it subsets the
// font at output it pads tables in place), so documents rendered
// concurrently must not share it.
func (fs fontSet) add(pdf *gofpdf.Fpdf) {
	pdf.AddUTF8FontFromBytes(familySans, "", bytes.Clone(fs.sans))
	pdf.AddUTF8FontFromBytes(familySans, "B", bytes.Clone(fs.bold))
	pdf.AddUTF8FontFromBytes(familyMono, "", bytes.Clone(fs.mono))
}

// Page geometry, in millimetres (A4 portrait).
const (
	pageW     = 210.0
	pageH     = 297.0
	marginL   = 22.0
	marginR   = 22.0
	contentW  = pageW - marginL - marginR
	marginTop = 27.0 // below the running header
	bottom    = 272.0
	headerY   = 12.0
	footerY   = 279.0
)

// pageAlias stands for the page count until the document is closed. It is
// built from control characters, which clean removes from every text the
// memo prints, so no content can collide with it.
const pageAlias = "\x01nb\x01"

// Render lays out the memo and returns the (unsigned) PDF.
func (r *Renderer) Render(m *custos.MemoContent) ([]byte, error) {
	if m == nil || m.Workspace == nil || m.Workspace.Template == nil {
		return nil, errors.New("memo: the content has no workspace or template")
	}
	if m.IssuedAt.IsZero() {
		// gofpdf would stamp the current time: the output would differ on
		// every render.
		return nil, errors.New("memo: the issue time is required")
	}
	out, outside, err := r.render(m, r.cut)
	if err == nil && outside {
		out, _, err = r.render(m, r.full)
	}
	return out, err
}

// render lays the memo out with a font set and reports whether any text
// needed a character outside the repertoire.
func (r *Renderer) render(m *custos.MemoContent, fonts fontSet) ([]byte, bool, error) {
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	// Page contents stay uncompressed (the embedded fonts are compressed
	// regardless). gofpdf allocates a fresh zlib compressor of about 1 MB
	// for every stream it compresses; for a 25-page memo that is 25 MB of
	// garbage and a third of the render time, to save about 290 KB of file.
	pdf.SetCompression(false)
	issued := m.IssuedAt.UTC()
	pdf.SetCreationDate(issued)
	pdf.SetModificationDate(issued)
	ev := m.Workspace.Evaluation
	pdf.SetTitle(oneLine(fmt.Sprintf("Custodian due-diligence memo #%d: %s", m.MemoID, ev.Title)), true)
	pdf.SetAuthor("Custos", true)
	pdf.SetCreator("Custos memo renderer", true)
	pdf.SetProducer("Custos (gofpdf 1.16.2)", true)
	pdf.SetSubject(oneLine(fmt.Sprintf("Due diligence of %s by %s: method, ranking, candidates, shortlist, approvals and evidence",
		plural(len(m.Workspace.Assessments), "custodian", "custodians"), m.TeamName)), true)
	pdf.SetKeywords("custody due-diligence memo", true)
	pdf.SetDisplayMode("fullwidth", "continuous")
	pdf.AliasNbPages(pageAlias)
	fonts.add(pdf)
	manifest, err := NewManifest(m).Encode()
	if err != nil {
		return nil, false, fmt.Errorf("memo: manifest of memo %d: %w", m.MemoID, err)
	}
	pdf.SetAttachments([]gofpdf.Attachment{{Content: manifest, Filename: ManifestFile,
		Description: "Custos memo manifest: evaluation, snapshot, approvals and audit head, covered by the signature"}})
	pdf.SetMargins(marginL, marginTop, marginR)
	pdf.SetAutoPageBreak(true, pageH-bottom)
	pdf.SetCellMargin(0)

	d := newDoc(pdf, m)
	d.render()
	if err := pdf.Error(); err != nil {
		return nil, false, fmt.Errorf("memo: laying out memo %d: %w", m.MemoID, err)
	}
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, false, fmt.Errorf("memo: writing memo %d: %w", m.MemoID, err)
	}
	return buf.Bytes(), d.outside, nil
}

type rgb struct{ r, g, b int }

// The palette: dark ink on white, one navy accent, greys for structure.
var (
	ink      = rgb{33, 37, 41}
	muted    = rgb{96, 104, 115}
	navy     = rgb{23, 52, 94}
	accent   = rgb{43, 91, 160}
	barOther = rgb{167, 182, 204}
	headFill = rgb{229, 235, 243}
	zebra    = rgb{247, 248, 250}
	ruleCol  = rgb{208, 213, 221}
	panel    = rgb{243, 246, 250}
	red      = rgb{170, 29, 42}
	orange   = rgb{196, 84, 0}
	amber    = rgb{150, 108, 0}
	green    = rgb{33, 115, 70}
)

// style is a font, size and colour.
type style struct {
	mono  bool
	bold  bool
	size  float64 // points
	color rgb
}

// lh is the line height of a style, in mm.
func (s style) lh() float64 { return s.size * 0.3528 * 1.32 }

var (
	stBody     = style{size: 9.5, color: ink}
	stSmall    = style{size: 8, color: muted}
	stCell     = style{size: 8.5, color: ink}
	stCellB    = style{size: 8.5, bold: true, color: ink}
	stCellNote = style{size: 7.5, color: muted}
	stHead     = style{size: 7.5, bold: true, color: navy}
	stH1       = style{size: 16, bold: true, color: navy}
	stH2       = style{size: 13, bold: true, color: navy}
	stH3       = style{size: 10.5, bold: true, color: ink}
	stMono     = style{mono: true, size: 7.5, color: ink}
	stMonoCell = style{mono: true, size: 6.6, color: ink}
)

type fontKey struct {
	mono, bold bool
	size       float64
}

// doc is one memo being laid out.
type doc struct {
	pdf *gofpdf.Fpdf
	m   *custos.MemoContent
	ws  *custos.Workspace

	cur     fontKey // the font last selected, to skip redundant selections
	hasFont bool
	color   rgb // the text colour last set
	hasCol  bool
	outside bool // some text needs a character the cut fonts lack

	items      map[int64]itemRef
	criteria   map[string]custos.Criterion
	shortlist  map[int64]custos.ShortlistEntry
	byID       map[int64]*custos.Assessment
	ranked     []*custos.Assessment
	header     string
	contents   []tocEntry
	contentsAt float64 // y of the contents list on page 1
}

type itemRef struct {
	no      string // "3.2"
	section string
	prompt  string
	item    custos.ChecklistItem
}

type tocEntry struct {
	title string
	page  int
}

func newDoc(pdf *gofpdf.Fpdf, m *custos.MemoContent) *doc {
	ws := m.Workspace
	d := &doc{
		pdf:       pdf,
		m:         m,
		ws:        ws,
		items:     map[int64]itemRef{},
		criteria:  map[string]custos.Criterion{},
		shortlist: map[int64]custos.ShortlistEntry{},
		byID:      map[int64]*custos.Assessment{},
	}
	for si, s := range ws.Template.Sections {
		for ii, it := range s.Items {
			d.items[it.ID] = itemRef{
				no:      strconv.Itoa(si+1) + "." + strconv.Itoa(ii+1),
				section: oneLine(s.Title),
				prompt:  clean(it.Prompt),
				item:    it,
			}
		}
	}
	for _, c := range ws.Template.Criteria {
		d.criteria[c.Key] = c
	}
	for _, e := range ws.Shortlist {
		d.shortlist[e.CustodianID] = e
	}
	for i := range ws.Assessments {
		a := &ws.Assessments[i]
		d.byID[a.Custodian.ID] = a
	}
	// Candidates in ranking order; any the ranking misses, after.
	seen := map[int64]bool{}
	for _, e := range ws.Ranking {
		if a, ok := d.byID[e.CustodianID]; ok && !seen[e.CustodianID] {
			d.ranked = append(d.ranked, a)
			seen[e.CustodianID] = true
		}
	}
	for i := range ws.Assessments {
		if a := &ws.Assessments[i]; !seen[a.Custodian.ID] {
			d.ranked = append(d.ranked, a)
		}
	}
	d.header = fmt.Sprintf("Custos · %s · Memo #%d", oneLine(ws.Evaluation.Title), m.MemoID)
	return d
}

// check notes text that the cut fonts cannot print.
func (d *doc) check(st style, s string) {
	if d.outside {
		return
	}
	rep := repertoire
	if st.mono {
		rep = monoRepertoire
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			for _, r := range s[i:] {
				if r >= 0x80 && !inRepertoire(rep, r) {
					d.outside = true
					return
				}
			}
			return
		}
	}
}

// use selects a style's font and colour.
func (d *doc) use(s style) {
	k := fontKey{s.mono, s.bold, s.size}
	if !d.hasFont || k != d.cur {
		fam, st := familySans, ""
		if s.mono {
			fam = familyMono
		} else if s.bold {
			st = "B"
		}
		d.pdf.SetFont(fam, st, s.size)
		d.cur, d.hasFont = k, true
	}
	if !d.hasCol || s.color != d.color {
		d.pdf.SetTextColor(s.color.r, s.color.g, s.color.b)
		d.color, d.hasCol = s.color, true
	}
}

func (d *doc) fill(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }
func (d *doc) draw(c rgb) { d.pdf.SetDrawColor(c.r, c.g, c.b) }

func (d *doc) y() float64 { return d.pdf.GetY() }

// width measures text in a style.
func (d *doc) width(s style, text string) float64 {
	d.use(s)
	return d.pdf.GetStringWidth(text)
}

// split wraps text to a width in a style; an empty text is no line.
func (d *doc) split(s style, text string, w float64) []string {
	if text == "" {
		return nil
	}
	d.use(s)
	return d.pdf.SplitText(text, w)
}

// fit shortens text with an ellipsis so that it fits a width.
func (d *doc) fit(s style, text string, w float64) string {
	if d.width(s, text) <= w {
		return text
	}
	rs := []rune(text)
	lo, hi := 0, len(rs)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.pdf.GetStringWidth(string(rs[:mid])+"…") <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return string(rs[:lo]) + "…"
}

// text prints one line at (x, y) within width w.
func (d *doc) text(x, y, w float64, s style, align, txt string) {
	d.check(s, txt)
	d.use(s)
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, s.lh(), txt, "", 0, align, false, 0, "")
}

// para prints wrapped text at the current position across the content width
// (or from x to the right margin), breaking pages as it goes.
func (d *doc) para(s style, txt string, x float64) {
	txt = clean(txt)
	if txt == "" {
		return
	}
	d.check(s, txt)
	d.use(s)
	d.pdf.SetX(x)
	d.pdf.MultiCell(pageW-marginR-x, s.lh(), txt, "", "L", false)
}

// need starts a new page unless h millimetres remain on this one.
func (d *doc) need(h float64) {
	if d.y()+h > bottom {
		d.pdf.AddPage()
	}
}

func (d *doc) gap(h float64) { d.pdf.SetY(d.y() + h) }

func (d *doc) rule(y float64, c rgb, w float64) {
	d.draw(c)
	d.pdf.SetLineWidth(w)
	d.pdf.Line(marginL, y, pageW-marginR, y)
}

// h1 starts a numbered top-level section and lists it in the contents: on
// a new page when newPage is set or when less than keep mm remain.
func (d *doc) h1(title string, newPage bool, keep float64) {
	if newPage || d.y()+keep > bottom {
		d.pdf.AddPage()
	} else {
		d.gap(9)
	}
	d.contents = append(d.contents, tocEntry{title: title, page: d.pdf.PageNo()})
	d.use(stH1)
	d.pdf.Bookmark(title, 0, -1)
	d.text(marginL, d.y(), contentW, stH1, "L", title)
	d.gap(stH1.lh() + 1.2)
	d.rule(d.y(), navy, 0.5)
	d.gap(5)
}

// h2 is a subsection heading kept with at least keep mm of what follows.
func (d *doc) h2(title string, keep float64, bookmark bool) {
	d.need(stH2.lh() + 4 + keep)
	if d.y() > marginTop+1 {
		d.gap(3)
	}
	if bookmark {
		d.use(stH2)
		d.pdf.Bookmark(title, 1, -1)
	}
	for _, l := range d.split(stH2, oneLine(title), contentW) {
		d.text(marginL, d.y(), contentW, stH2, "L", l)
		d.gap(stH2.lh())
	}
	d.gap(2)
}

// h3 is a minor heading kept with at least keep mm of what follows.
func (d *doc) h3(title string, keep float64) {
	d.need(stH3.lh() + 3 + keep)
	d.gap(2.5)
	d.text(marginL, d.y(), contentW, stH3, "L", title)
	d.gap(stH3.lh() + 1.2)
}

// headerFooter draws the running header (every page but the title page)
// and the footer with the page number.
func (d *doc) headerFooter() {
	d.pdf.SetHeaderFuncMode(func() {
		if d.pdf.PageNo() == 1 {
			return
		}
		saved, had, col, hasCol := d.cur, d.hasFont, d.color, d.hasCol
		d.text(marginL, headerY, contentW, stSmall, "L", d.fit(stSmall, d.header, contentW))
		d.rule(headerY+stSmall.lh()+1.2, ruleCol, 0.2)
		d.cur, d.hasFont, d.color, d.hasCol = saved, had, col, hasCol
	}, true)
	d.pdf.SetFooterFunc(func() {
		saved, had, col, hasCol := d.cur, d.hasFont, d.color, d.hasCol
		d.rule(footerY, ruleCol, 0.2)
		left := fmt.Sprintf("Custodian due-diligence memo #%d · issued %s", d.m.MemoID, day(d.m.IssuedAt))
		d.text(marginL, footerY+1.5, contentW*0.7, stSmall, "L", left)
		// The page count is only known at the end and replaces an alias of
		// another width, so the text starts where "Page N of NN" would end
		// at the margin (a memo has ten pages or more).
		n := strconv.Itoa(d.pdf.PageNo())
		m := n
		if len(m) < 2 {
			m = "00"
		}
		x := pageW - marginR - d.width(stSmall, "Page "+n+" of "+m)
		d.text(x, footerY+1.5, pageW-marginR-x, stSmall, "L", "Page "+n+" of "+pageAlias)
		d.cur, d.hasFont, d.color, d.hasCol = saved, had, col, hasCol
	})
}

func (d *doc) render() {
	d.headerFooter()
	d.titlePage()
	d.method()
	d.ranking()
	d.candidates()
	d.shortlistSection()
	d.approvals()
	d.evidenceIndex()
	d.auditHead()
	d.writeContents()
}
