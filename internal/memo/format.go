package memo

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/custos-dd/custos/internal/custos"
)

// clean makes text safe for gofpdf's UTF-8 path: gofpdf indexes glyph widths
// by rune in a 65,536-entry table and encodes text as UTF-16 without
// surrogate pairs, so runes beyond the Basic Multilingual Plane become U+FFFD.
// Control characters (other than newlines) go, tabs become spaces, and CRLF
// becomes LF. Control characters never survive, which is also what keeps the
// page-count alias (built from one) from colliding with user text.
func clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	prevCR := false
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteByte('\n')
			prevCR = true
			continue
		case r == '\n':
			if !prevCR {
				b.WriteByte('\n')
			}
		case r == '\t':
			b.WriteByte(' ')
		case r == utf8.RuneError, r > 0xFFFF, r >= 0xD800 && r <= 0xDFFF, r >= 0xE000 && r <= 0xF8FF:
			b.WriteRune('\uFFFD')
		case unicode.IsControl(r), r == '\u00AD', r == '\u200B', r == '\uFEFF':
			// dropped: invisible, and gofpdf would measure them
		default:
			b.WriteRune(r)
		}
		prevCR = false
	}
	return b.String()
}

// oneLine folds newlines into spaces, for headers and short labels.
func oneLine(s string) string {
	s = clean(s)
	if strings.IndexByte(s, '\n') < 0 {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// utc formats an instant as the memo prints it everywhere.
func utc(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func day(t time.Time) string {
	return t.UTC().Format("2 January 2006")
}

// usd formats whole dollars with thousands separators: USD 250,000,000.
func usd(n int64) string {
	return "USD " + thousands(n)
}

func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i := 0; i < len(s); i++ {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// size formats a byte count in binary units: 512 B, 84.3 KiB, 2.1 MiB.
func size(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	v := float64(n)
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	i := -1
	for v >= 1000 && i < len(units)-1 {
		v /= unit
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[i]
}

// percent: "100 %", "93.1 %".
func percent(v float64) string {
	if v == float64(int64(v)) {
		return strconv.FormatInt(int64(v), 10) + " %"
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " %"
}

func score1(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

func yesNo(b bool) string {
	if b {
		return "Yes"
	}
	return "No"
}

func hexOf(h custos.HashBytes) string {
	if len(h) == 0 {
		return "—"
	}
	return hex.EncodeToString(h)
}

// chunk splits s into pieces of n bytes (hex is ASCII).
func chunk(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

func answerLabel(s custos.AnswerStatus) string {
	switch s {
	case custos.AnswerMet:
		return "Met"
	case custos.AnswerPartlyMet:
		return "Partly met"
	case custos.AnswerNotMet:
		return "Not met"
	case custos.AnswerNotApplicable:
		return "Not applicable"
	case custos.AnswerPending:
		return "Pending"
	}
	return capital(string(s))
}

func flagStatusLabel(s custos.RedFlagStatus) string {
	switch s {
	case custos.FlagOpen:
		return "Open"
	case custos.FlagMitigated:
		return "Mitigated"
	case custos.FlagAccepted:
		return "Accepted"
	case custos.FlagClosed:
		return "Closed"
	}
	return capital(string(s))
}

func severityLabel(s custos.Severity) string { return capital(string(s)) }

func statusLabel(s custos.EvaluationStatus) string { return capital(string(s)) }

func capital(s string) string {
	s = strings.ReplaceAll(oneLine(s), "_", " ")
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

func joinOr(xs []string, empty string) string {
	if len(xs) == 0 {
		return empty
	}
	return oneLine(strings.Join(xs, ", "))
}

// plural: "1 item", "3 items".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
