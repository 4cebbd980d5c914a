package memo_test

import (
	"testing"
	"time"

	"github.com/custos-dd/custos/internal/memo"
	"github.com/custos-dd/custos/internal/memo/memotest"
	"github.com/custos-dd/custos/internal/signing"
)

// BenchmarkRenderAndSign10Candidates measures issuing the memo of an
// evaluation of 10 candidates with the full checklist: layout, then the
// signature. The sign step is also reported on its own.
func BenchmarkRenderAndSign10Candidates(b *testing.B) {
	r, err := memo.NewRenderer()
	if err != nil {
		b.Fatal(err)
	}
	s, err := signing.NewDevelopment(time.Now())
	if err != nil {
		b.Fatal(err)
	}
	content := memotest.SampleContent(10)
	var signTime time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pdf, err := r.Render(content)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if _, err := s.Sign(pdf, content.IssuedAt); err != nil {
			b.Fatal(err)
		}
		signTime += time.Since(start)
	}
	b.ReportMetric(float64(signTime.Nanoseconds())/float64(b.N), "sign-ns/op")
}
