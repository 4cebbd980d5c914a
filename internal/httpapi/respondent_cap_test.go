package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/custos-dd/custos/internal/apitest"
	"github.com/custos-dd/custos/internal/custos"
)

// respondentDocuments is every document the officer sees on the invitation.
func respondentDocuments(t *testing.T, c *apitest.Client, evaluationID, invitationID int64) []custos.ResponseDocument {
	t.Helper()
	var out []custos.ResponseDocument
	for _, rv := range invitations(t, c, evaluationID) {
		if rv.ID != invitationID {
			continue
		}
		for _, r := range rv.Responses {
			out = append(out, r.Documents...)
		}
	}
	return out
}

// expectCapRefused checks a refused upload: 409, naming the field file.
func expectCapRefused(t *testing.T, res *apitest.Response, reason string) {
	t.Helper()
	p := apitest.ExpectProblem(t, res, http.StatusConflict)
	if len(p.Errors) != 1 || p.Errors[0].Field != "file" || !strings.Contains(p.Errors[0].Reason, reason) {
		t.Errorf("refusal names %+v, want the field file with %q", p.Errors, reason)
	}
}

// TestRespondent_DocumentCap: one invitation holds at most the allowance's
// number of documents. At the cap the next upload is refused with a
// problem naming the file, and nothing saved is lost; eight uploads at
// once at one below the cap leave exactly the cap; the officer sees every
// document, still adds evidence of the team's own, and another invitation
// has its own allowance.
func TestRespondent_DocumentCap(t *testing.T) {
	t.Parallel()
	const limit = 6
	k := apitest.NewKit(t, apitest.RespondentUploads(custos.UploadAllowance{MaxDocuments: limit, MaxBytes: 1 << 20}))
	env := k.Env
	coinbase, anchorage := k.Custodian("coinbase-prime-custody"), k.Custodian("anchorage-digital-bank")
	id := k.Open(k.Officer, apitest.USMandate(), coinbase, anchorage).Evaluation.ID
	items := k.Template.Items()
	issued := invite(t, k.Officer, id, coinbase, nil)
	r := env.Anonymous()
	r.Invitation = issued.Token
	apitest.ExpectStatus(t, respond(t, r, items[0].ID, "met", "See the attached reports."), http.StatusOK)
	for i := range limit - 1 {
		apitest.ExpectStatus(t, respondUpload(r, items[i%3].ID, fmt.Sprintf("report-%d.pdf", i), apitest.TinyPDF), http.StatusCreated)
	}

	// Eight at once, each from a client of its own, with one slot left.
	const racers = 8
	statuses := make([]int, racers)
	var wg sync.WaitGroup
	for i := range racers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := env.Anonymous()
			c.Invitation = issued.Token
			statuses[i] = respondUpload(c, items[3].ID, fmt.Sprintf("racer-%d.pdf", i), apitest.TinyPDF).Status
		}()
	}
	wg.Wait()
	count := map[int]int{}
	for _, s := range statuses {
		count[s]++
	}
	if d := cmp.Diff(map[int]int{http.StatusCreated: 1, http.StatusConflict: racers - 1}, count); d != "" {
		t.Errorf("racing uploads by status (-want +got):\n%s", d)
	}
	var stored int
	if err := env.SQL.Get(&stored, `SELECT count(*) FROM respondent_documents WHERE invitation_id = $1`, issued.Invitation.ID); err != nil {
		t.Fatal(err)
	}
	if stored != limit {
		t.Errorf("%d documents stored, want exactly %d", stored, limit)
	}

	// At the cap: refused, naming the field, for any item.
	expectCapRefused(t, respondUpload(r, items[5].ID, "one-more.pdf", apitest.TinyPDF), fmt.Sprintf("at most %d documents", limit))

	// Nothing saved is lost: the respondent still sees its answer and
	// every document, and may still answer and submit.
	res := r.Do(http.MethodGet, "/api/v1/respondent", nil)
	apitest.ExpectStatus(t, res, http.StatusOK)
	var seen int
	for _, s := range apitest.Decode[custos.Questionnaire](t, res).Sections {
		for _, it := range s.Items {
			if it.Response != nil {
				seen += len(it.Response.Documents)
				if it.ID == items[0].ID && it.Response.Note != "See the attached reports." {
					t.Errorf("the saved answer changed: %+v", it.Response)
				}
			}
		}
	}
	if seen != limit {
		t.Errorf("the respondent sees %d documents, want %d", seen, limit)
	}
	apitest.ExpectStatus(t, respond(t, r, items[1].ID, "met", "Covered by the same reports."), http.StatusOK)
	apitest.ExpectStatus(t, r.Do(http.MethodPost, "/api/v1/respondent/submit", nil), http.StatusOK)

	// The officer's view is whole, each document downloads, and the team's
	// own evidence is not the respondent's to count.
	docs := respondentDocuments(t, k.Officer, id, issued.Invitation.ID)
	if len(docs) != limit {
		t.Fatalf("the officer sees %d documents, want %d", len(docs), limit)
	}
	for _, d := range docs {
		res := k.Officer.Do(http.MethodGet, apitest.EvalPath(id, fmt.Sprintf("/invitations/%d/documents/%d", issued.Invitation.ID, d.ID)), nil)
		apitest.ExpectStatus(t, res, http.StatusOK)
	}
	apitest.ExpectStatus(t, review(k.Officer, id, issued.Invitation.ID, items[0].ID, "accept", nil), http.StatusOK)
	apitest.ExpectStatus(t, apitest.Upload(k.Officer, id, coinbase, items[5].ID, "team-note.pdf", "application/pdf", apitest.TinyPDF), http.StatusCreated)

	// Another invitation counts its own documents.
	other := env.Anonymous()
	other.Invitation = invite(t, k.Officer, id, anchorage, nil).Token
	apitest.ExpectStatus(t, respondUpload(other, items[0].ID, "anchorage.pdf", apitest.TinyPDF), http.StatusCreated)
}

// TestRespondent_DocumentBytesCap: the documents of one invitation hold at
// most the allowance's bytes in all; a file that would pass it is refused
// with a problem naming the file, a smaller one still fits.
func TestRespondent_DocumentBytesCap(t *testing.T) {
	t.Parallel()
	k := apitest.NewKit(t, apitest.RespondentUploads(custos.UploadAllowance{MaxDocuments: 50, MaxBytes: 2500}))
	env := k.Env
	coinbase := k.Custodian("coinbase-prime-custody")
	id := k.Open(k.Officer, apitest.USMandate(), coinbase, k.Custodian("anchorage-digital-bank")).Evaluation.ID
	item := k.Template.Items()[0].ID
	r := env.Anonymous()
	r.Invitation = invite(t, k.Officer, id, coinbase, nil).Token
	text := func(n int) []byte { return []byte(strings.Repeat("policy text\n", n/12+1)[:n]) }

	apitest.ExpectStatus(t, respondUpload(r, item, "policy.txt", text(2000)), http.StatusCreated)
	expectCapRefused(t, respondUpload(r, item, "annex.txt", text(501)), "at most 2.4 KiB of documents in all")
	apitest.ExpectStatus(t, respondUpload(r, item, "annex.txt", text(500)), http.StatusCreated)
	expectCapRefused(t, respondUpload(r, item, "one-byte.txt", text(1)), "2.4 KiB are uploaded")
	var stored int64
	if err := env.SQL.Get(&stored, `SELECT sum(size) FROM respondent_documents`); err != nil {
		t.Fatal(err)
	}
	if stored != 2500 {
		t.Errorf("%d bytes stored, want 2500", stored)
	}
}
