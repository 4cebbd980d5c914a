package memo

import "strings"

// A table is laid out row by row: every cell is wrapped first, the row's
// height is the tallest cell, and a row that does not fit the rest of the
// page moves whole to the next one, under a repeated column header. Only a
// row taller than a whole page is split, line by line.

const (
	padX = 1.8
	padY = 1.5
)

type column struct {
	title string
	w     float64
	align string // "L", "C" or "R"
}

// para is one paragraph of a cell in one style.
type para struct {
	text string
	st   style
	max  int // at most this many lines, the last one cut with an ellipsis (0: all)
	// breakAny also breaks lines after - _ . / (file names).
	breakAny bool
}

// cell is a table cell: paragraphs stacked top to bottom.
type cell []para

func p(st style, text string) para { return para{text: text, st: st} }

func c(ps ...para) cell { return cell(ps) }

// line is one laid-out line of a cell, or a spacer of height gap.
type line struct {
	text string
	st   style
	gap  float64
}

func (l line) h() float64 {
	if l.gap > 0 {
		return l.gap
	}
	return l.st.lh()
}

// baseline is where CellFormat puts the baseline of a line, below its top.
func baseline(st style) float64 { return st.lh()/2 + 0.3*st.size*0.3528 }

type table struct {
	d     *doc
	cols  []column
	zebra bool
	n     int // rows drawn, for the zebra stripes
}

func (d *doc) newTable(zebra bool, cols ...column) *table {
	return &table{d: d, cols: cols, zebra: zebra}
}

func (t *table) headerHeight() float64 { return stHead.lh() + 2*padY }

// head draws the column header.
func (t *table) head() {
	d := t.d
	y := d.y()
	h := t.headerHeight()
	d.fill(headFill)
	d.pdf.Rect(marginL, y, contentW, h, "F")
	x := marginL
	for _, col := range t.cols {
		d.text(x+padX, y+padY, col.w-2*padX, stHead, col.align, strings.ToUpper(col.title))
		x += col.w
	}
	d.pdf.SetY(y + h)
}

// start draws the header, on a new page unless the header and a first row
// of firstRow mm fit here.
func (t *table) start(firstRow float64) {
	t.d.need(t.headerHeight() + firstRow)
	t.head()
}

func (t *table) layout(cells []cell) ([][]line, float64) {
	lines := make([][]line, len(t.cols))
	rowH := 0.0
	for i, cl := range cells {
		if i >= len(t.cols) {
			break
		}
		w := t.cols[i].w - 2*padX
		h := 0.0
		for _, pa := range cl {
			txt := clean(pa.text)
			if txt == "" {
				continue
			}
			var ls []string
			if pa.st.mono && !strings.ContainsAny(txt, " \n") {
				ls = t.d.hardWrap(pa.st, txt, w)
			} else if pa.breakAny {
				ls = t.d.splitName(pa.st, txt, w)
			} else {
				ls = t.d.split(pa.st, txt, w)
			}
			if pa.max > 0 && len(ls) > pa.max {
				ls = ls[:pa.max]
				ls[pa.max-1] = t.d.fit(pa.st, strings.TrimRight(ls[pa.max-1], " ")+" …", w)
			}
			for _, l := range ls {
				lines[i] = append(lines[i], line{text: l, st: pa.st})
				h += pa.st.lh()
			}
		}
		if h > rowH {
			rowH = h
		}
	}
	// Align the first baselines of the cells: a cell that starts in a
	// smaller size moves down a little.
	top := 0.0
	for _, ls := range lines {
		if len(ls) > 0 {
			top = maxf(top, baseline(ls[0].st))
		}
	}
	for i, ls := range lines {
		if len(ls) == 0 {
			continue
		}
		if off := top - baseline(ls[0].st); off > 0.05 {
			lines[i] = append([]line{{gap: off}}, ls...)
			h := 0.0
			for _, l := range lines[i] {
				h += l.h()
			}
			rowH = maxf(rowH, h)
		}
	}
	return lines, rowH + 2*padY
}

// rowHeight measures a row without drawing it.
func (t *table) rowHeight(cells []cell) float64 {
	_, h := t.layout(cells)
	return h
}

// row draws one row.
func (t *table) row(cells ...cell) { t.rowFill(nil, cells...) }

// rowFill draws one row on a background (nil: the zebra stripe, if any).
func (t *table) rowFill(bg *rgb, cells ...cell) {
	d := t.d
	lines, rowH := t.layout(cells)
	if d.y()+rowH > bottom && rowH <= bottom-marginTop-t.headerHeight() {
		d.pdf.AddPage()
		t.head()
	}
	if bg == nil && t.zebra && t.n%2 == 1 {
		bg = &zebra
	}
	t.n++
	next := make([]int, len(lines))
	for {
		y := d.y()
		avail := bottom - y - 2*padY
		segH := 0.0
		ends := make([]int, len(lines))
		done, moved := true, false
		for i, ls := range lines {
			h, j := 0.0, next[i]
			for j < len(ls) && h+ls[j].h() <= avail+0.01 {
				h += ls[j].h()
				j++
			}
			ends[i] = j
			done = done && j == len(ls)
			moved = moved || j > next[i]
			segH = maxf(segH, h)
		}
		if !done && !moved {
			// Not even one line fits: continue the row on the next page.
			d.pdf.AddPage()
			t.head()
			continue
		}
		if !done {
			segH = avail
		}
		if bg != nil {
			d.fill(*bg)
			d.pdf.Rect(marginL, y, contentW, segH+2*padY, "F")
		}
		x := marginL
		for i, ls := range lines {
			ly := y + padY
			for _, l := range ls[next[i]:ends[i]] {
				if l.gap == 0 {
					d.text(x+padX, ly, t.cols[i].w-2*padX, l.st, t.cols[i].align, l.text)
				}
				ly += l.h()
			}
			next[i] = ends[i]
			x += t.cols[i].w
		}
		d.rule(y+segH+2*padY, ruleCol, 0.15)
		d.pdf.SetY(y + segH + 2*padY)
		if done {
			return
		}
		d.pdf.AddPage()
		t.head()
	}
}

// band draws a row spanning every column: a group title.
func (t *table) band(st style, txt string, bg rgb) {
	d := t.d
	h := st.lh() + 2*padY
	y := d.y()
	d.fill(bg)
	d.pdf.Rect(marginL, y, contentW, h, "F")
	d.text(marginL+padX, y+padY, contentW-2*padX, st, "L", d.fit(st, oneLine(txt), contentW-2*padX))
	d.pdf.SetY(y + h)
	t.n = 0
}

// hardWrap breaks a word-less string (a hex digest) into equal lines that
// fit a width: 64 hex digits become 1, 2 or 4 lines.
func (d *doc) hardWrap(st style, s string, w float64) []string {
	d.use(st)
	for n := 1; n <= len(s); n *= 2 {
		size := (len(s) + n - 1) / n
		if d.pdf.GetStringWidth(s[:size]) <= w || size <= 1 {
			return chunk(s, size)
		}
	}
	return []string{s}
}

func maxf(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

// splitName wraps a file name: after spaces and after - _ . / as well, and
// inside a part only when the part alone is wider than the line.
func (d *doc) splitName(st style, s string, w float64) []string {
	d.use(st)
	var lines []string
	var cur strings.Builder
	curW := 0.0
	flush := func() {
		if cur.Len() > 0 {
			lines = append(lines, strings.TrimRight(cur.String(), " "))
			cur.Reset()
			curW = 0
		}
	}
	for len(s) > 0 {
		i := strings.IndexAny(s, " -_./")
		tok := s
		if i >= 0 {
			tok = s[:i+1]
		}
		s = s[len(tok):]
		tw := d.pdf.GetStringWidth(strings.TrimRight(tok, " "))
		if curW+tw > w {
			flush()
		}
		if tw > w {
			parts := d.pdf.SplitText(tok, w)
			lines = append(lines, parts[:len(parts)-1]...)
			tok = parts[len(parts)-1]
		}
		cur.WriteString(tok)
		curW += d.pdf.GetStringWidth(tok)
	}
	flush()
	return lines
}
