package esfake

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

// This file holds the read-back helpers of Target: small checks over the
// Elasticsearch HTTP API only, so that a test using them means the same
// against a real cluster (ES_URL) as against a fake. Every helper fails the
// test (tb.Fatalf) on a transport error or an answer it does not expect.

// NamePrefix starts every name TempName gives out.
const NamePrefix = "ttpscope-test-"

// UniqueName is NamePrefix plus 10 random hex digits: a lowercase name valid
// for indices, data streams and templates, which no other test run uses.
func UniqueName(tb testing.TB) string {
	tb.Helper()
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatalf("esfake: random name: %v", err)
	}
	return NamePrefix + hex.EncodeToString(b[:])
}

// TempName returns a UniqueName and, at the end of the test, deletes from the
// target every data stream, index, index template and component template
// whose name starts with it (see Cleanup). A test that names everything it
// creates name, name+"-dst", ... touches nothing else on a real cluster and
// leaves nothing behind.
func (t Target) TempName(tb testing.TB) string {
	tb.Helper()
	name := UniqueName(tb)
	t.Cleanup(tb, name)
	return name
}

// Cleanup deletes, at the end of the test, the data streams, indices, index
// templates and component templates whose names start with prefix, in that
// order (a template in use cannot be deleted). It lists them with GET and
// deletes each by its exact name, as Elasticsearch 8 refuses wildcard deletes
// by default (action.destructive_requires_name). prefix must not be empty.
func (t Target) Cleanup(tb testing.TB, prefix string) {
	tb.Helper()
	if prefix == "" || strings.ContainsAny(prefix, "*,/") {
		tb.Fatalf("esfake: Cleanup needs a plain name prefix, got %q", prefix)
	}
	tb.Cleanup(func() { t.deleteAll(tb, prefix) })
}

func (t Target) deleteAll(tb testing.TB, prefix string) {
	pattern := url.PathEscape(prefix) + "*"
	var streams struct {
		DataStreams []struct{ Name string } `json:"data_streams"`
	}
	t.getJSON(tb, "/_data_stream/"+pattern, &streams)
	for _, ds := range streams.DataStreams {
		t.deleteOK(tb, "/_data_stream/"+url.PathEscape(ds.Name))
	}
	var mappings map[string]any
	t.getJSON(tb, "/"+pattern+"/_mapping?expand_wildcards=all", &mappings)
	for name := range mappings {
		t.deleteOK(tb, "/"+url.PathEscape(name))
	}
	var its struct {
		IndexTemplates []struct{ Name string } `json:"index_templates"`
	}
	t.getJSON(tb, "/_index_template/"+pattern, &its)
	for _, it := range its.IndexTemplates {
		t.deleteOK(tb, "/_index_template/"+url.PathEscape(it.Name))
	}
	var cts struct {
		ComponentTemplates []struct{ Name string } `json:"component_templates"`
	}
	t.getJSON(tb, "/_component_template/"+pattern, &cts)
	for _, ct := range cts.ComponentTemplates {
		t.deleteOK(tb, "/_component_template/"+url.PathEscape(ct.Name))
	}
}

// getJSON decodes a 200 answer into v; a 404 leaves v alone. Cleanup errors
// are test errors, so that leftovers on a real cluster do not go unnoticed.
func (t Target) getJSON(tb testing.TB, path string, v any) {
	status, body, err := t.do(tb, http.MethodGet, path, nil)
	switch {
	case err != nil:
		tb.Errorf("esfake: cleanup: GET %s: %v", path, err)
	case status == http.StatusNotFound:
	case status != http.StatusOK:
		tb.Errorf("esfake: cleanup: GET %s: %d %s", path, status, body)
	default:
		if err := json.Unmarshal(body, v); err != nil {
			tb.Errorf("esfake: cleanup: GET %s: %v", path, err)
		}
	}
}

func (t Target) deleteOK(tb testing.TB, path string) {
	status, body, err := t.do(tb, http.MethodDelete, path, nil)
	if err != nil || (status != http.StatusOK && status != http.StatusNotFound) {
		tb.Errorf("esfake: cleanup: DELETE %s: %d %s %v", path, status, body, err)
	}
}

// Client is an *http.Client for the target: it trusts CAFile (or the fake's
// certificate). It sends no credentials; Authorize adds them to a request.
func (t Target) Client(tb testing.TB) *http.Client {
	tb.Helper()
	if t.Fake != nil && t.CAFile == "" {
		return t.Fake.HTTPClient()
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if t.CAFile != "" {
		pemBytes, err := os.ReadFile(t.CAFile)
		if err != nil {
			tb.Fatalf("esfake: CA file: %v", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			tb.Fatalf("esfake: no PEM certificate in %s", t.CAFile)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	// One client per call: no idle connections are left behind.
	tr.DisableKeepAlives = true
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}
}

// Authorize sets the target's credentials on req: "ApiKey <APIKey>" when an
// API key is set, else basic auth with Username and Password, if any.
func (t Target) Authorize(req *http.Request) {
	switch {
	case t.APIKey != "":
		req.Header.Set("Authorization", "ApiKey "+t.APIKey)
	case t.Username != "" || t.Password != "":
		req.SetBasicAuth(t.Username, t.Password)
	}
}

// do sends a request with the target's credentials. path is absolute and may
// carry a query. A body is sent as NDJSON to _bulk paths and as JSON
// elsewhere.
func (t Target) do(tb testing.TB, method, path string, body []byte) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, strings.TrimRight(t.URL, "/")+path, rd)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		ct := "application/json"
		if p, _, _ := strings.Cut(path, "?"); strings.HasSuffix(p, "/_bulk") {
			ct = "application/x-ndjson"
		}
		req.Header.Set("Content-Type", ct)
	}
	t.Authorize(req)
	res, err := t.Client(tb).Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// Do sends method path (with its query, if any) and body (nil for none) to
// the target with its credentials and returns the status and body of the
// answer. The test fails on a transport error only.
func (t Target) Do(tb testing.TB, method, path string, body []byte) (int, []byte) {
	tb.Helper()
	status, b, err := t.do(tb, method, path, body)
	if err != nil {
		tb.Fatalf("esfake: %s %s: %v", method, path, err)
	}
	return status, b
}

// DoOK is Do that fails the test unless the status is one of want (200 when
// none is given).
func (t Target) DoOK(tb testing.TB, method, path string, body []byte, want ...int) []byte {
	tb.Helper()
	if len(want) == 0 {
		want = []int{http.StatusOK}
	}
	status, b := t.Do(tb, method, path, body)
	for _, w := range want {
		if status == w {
			return b
		}
	}
	tb.Fatalf("esfake: %s %s: status %d, want %v: %s", method, path, status, want, b)
	return nil
}

// CreateIndex creates index with body (settings, mappings; "" for none).
func (t Target) CreateIndex(tb testing.TB, index, body string) {
	tb.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	t.DoOK(tb, http.MethodPut, "/"+url.PathEscape(index), b)
}

// DeleteIndex deletes one index by its exact name; a missing index is fine.
func (t Target) DeleteIndex(tb testing.TB, index string) {
	tb.Helper()
	t.DoOK(tb, http.MethodDelete, "/"+url.PathEscape(index), nil, http.StatusOK, http.StatusNotFound)
}

// Bulk sends an NDJSON _bulk body with refresh=true and fails the test if the
// request or any item fails.
func (t Target) Bulk(tb testing.TB, ndjson string) {
	tb.Helper()
	b := t.DoOK(tb, http.MethodPost, "/_bulk?refresh=true", []byte(ndjson))
	var r struct {
		Errors bool              `json:"errors"`
		Items  []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("esfake: _bulk answer: %v: %s", err, b)
	}
	if r.Errors {
		tb.Fatalf("esfake: _bulk: some items failed: %s", b)
	}
}

// Refresh makes everything written to index (a name, pattern or data stream)
// visible to search. A missing index is fine.
func (t Target) Refresh(tb testing.TB, index string) {
	tb.Helper()
	t.DoOK(tb, http.MethodPost, "/"+url.PathEscape(index)+"/_refresh?ignore_unavailable=true&allow_no_indices=true", nil)
}

// isIndexNotFound reports whether an answer is a 404 index_not_found_exception.
func isIndexNotFound(status int, body []byte) bool {
	if status != http.StatusNotFound {
		return false
	}
	var e struct {
		Error struct{ Type string } `json:"error"`
	}
	return json.Unmarshal(body, &e) == nil && e.Error.Type == "index_not_found_exception"
}

// Count refreshes index and returns its number of documents, 0 when it does
// not exist.
func (t Target) Count(tb testing.TB, index string) int {
	tb.Helper()
	t.Refresh(tb, index)
	status, b := t.Do(tb, http.MethodGet, "/"+url.PathEscape(index)+"/_count", nil)
	if isIndexNotFound(status, b) {
		return 0
	}
	if status != http.StatusOK {
		tb.Fatalf("esfake: count %s: %d %s", index, status, b)
	}
	var r struct {
		Count *int `json:"count"`
	}
	if err := json.Unmarshal(b, &r); err != nil || r.Count == nil {
		tb.Fatalf("esfake: count %s: %v: %s", index, err, b)
	}
	return *r.Count
}

// hit is a search hit or a GET _doc answer.
type hit struct {
	Index   string          `json:"_index"`
	ID      string          `json:"_id"`
	Version int64           `json:"_version"`
	SeqNo   int64           `json:"_seq_no"`
	Routing string          `json:"_routing"`
	Found   *bool           `json:"found"`
	Source  json.RawMessage `json:"_source"`
}

func (h hit) doc() Doc {
	return Doc{Index: h.Index, ID: h.ID, Source: h.Source, Version: h.Version, SeqNo: h.SeqNo, Routing: h.Routing}
}

// maxDocs is the most documents Docs reads: Elasticsearch's default
// index.max_result_window.
const maxDocs = 10000

// Docs refreshes index (a name, pattern or data stream) and returns all its
// documents keyed by _id, read with one _search, with _version, _seq_no and
// _routing filled in (Pipeline stays empty: the API does not tell it). A
// missing index has none. More than 10,000 documents fail the test.
func (t Target) Docs(tb testing.TB, index string) map[string]Doc {
	tb.Helper()
	t.Refresh(tb, index)
	q := []byte(fmt.Sprintf(`{"size":%d,"version":true,"seq_no_primary_term":true,"track_total_hits":true,"query":{"match_all":{}}}`, maxDocs))
	status, b := t.Do(tb, http.MethodPost, "/"+url.PathEscape(index)+"/_search", q)
	if isIndexNotFound(status, b) {
		return map[string]Doc{}
	}
	if status != http.StatusOK {
		tb.Fatalf("esfake: search %s: %d %s", index, status, b)
	}
	var r struct {
		Hits struct {
			Total struct{ Value int } `json:"total"`
			Hits  []hit               `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("esfake: search %s: %v", index, err)
	}
	if r.Hits.Total.Value != len(r.Hits.Hits) {
		tb.Fatalf("esfake: search %s: %d hits of %d: Docs reads at most %d", index, len(r.Hits.Hits), r.Hits.Total.Value, maxDocs)
	}
	out := make(map[string]Doc, len(r.Hits.Hits))
	for _, h := range r.Hits.Hits {
		out[h.ID] = h.doc()
	}
	return out
}

// Doc gets one document with GET <index>/_doc/<id> (real-time: no refresh
// needed). It reports false when the document or the index does not exist.
func (t Target) Doc(tb testing.TB, index, id string) (Doc, bool) {
	tb.Helper()
	status, b := t.Do(tb, http.MethodGet, "/"+url.PathEscape(index)+"/_doc/"+url.PathEscape(id), nil)
	if isIndexNotFound(status, b) {
		return Doc{}, false
	}
	var h hit
	if (status != http.StatusOK && status != http.StatusNotFound) || json.Unmarshal(b, &h) != nil || h.Found == nil {
		tb.Fatalf("esfake: get %s/%s: %d %s", index, id, status, b)
	}
	if !*h.Found {
		return Doc{}, false
	}
	return h.doc(), true
}

// Mappings returns the mappings of index, with GET <index>/_mapping; index
// must resolve to exactly one concrete index (a data stream with one
// backing index will do).
func (t Target) Mappings(tb testing.TB, index string) map[string]any {
	tb.Helper()
	b := t.DoOK(tb, http.MethodGet, "/"+url.PathEscape(index)+"/_mapping", nil)
	var r map[string]struct {
		Mappings map[string]any `json:"mappings"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("esfake: mapping of %s: %v: %s", index, err, b)
	}
	if len(r) != 1 {
		tb.Fatalf("esfake: mapping of %s: %d indices, want 1: %s", index, len(r), b)
	}
	for _, m := range r {
		return m.Mappings
	}
	return nil
}

// IndexTemplate returns the body of the composable index template name as
// GET _index_template/<name> answers it, and whether it exists.
func (t Target) IndexTemplate(tb testing.TB, name string) (map[string]any, bool) {
	tb.Helper()
	var r struct {
		List []struct {
			Name string         `json:"name"`
			Body map[string]any `json:"index_template"`
		} `json:"index_templates"`
	}
	if !t.getTemplate(tb, "/_index_template/", name, &r) {
		return nil, false
	}
	for _, it := range r.List {
		if it.Name == name {
			return it.Body, true
		}
	}
	return nil, false
}

// ComponentTemplate returns the body of the component template name as GET
// _component_template/<name> answers it, and whether it exists.
func (t Target) ComponentTemplate(tb testing.TB, name string) (map[string]any, bool) {
	tb.Helper()
	var r struct {
		List []struct {
			Name string         `json:"name"`
			Body map[string]any `json:"component_template"`
		} `json:"component_templates"`
	}
	if !t.getTemplate(tb, "/_component_template/", name, &r) {
		return nil, false
	}
	for _, ct := range r.List {
		if ct.Name == name {
			return ct.Body, true
		}
	}
	return nil, false
}

func (t Target) getTemplate(tb testing.TB, base, name string, v any) bool {
	tb.Helper()
	status, b := t.Do(tb, http.MethodGet, base+url.PathEscape(name), nil)
	if status == http.StatusNotFound {
		return false
	}
	if status != http.StatusOK {
		tb.Fatalf("esfake: GET %s%s: %d %s", base, name, status, b)
	}
	if err := json.Unmarshal(b, v); err != nil {
		tb.Fatalf("esfake: GET %s%s: %v: %s", base, name, err, b)
	}
	return true
}

// DataStreams returns the names of the data streams matching pattern (a
// name, a wildcard pattern or a comma-separated list), with GET
// _data_stream/<pattern>.
func (t Target) DataStreams(tb testing.TB, pattern string) []string {
	tb.Helper()
	status, b := t.Do(tb, http.MethodGet, "/_data_stream/"+url.PathEscape(pattern), nil)
	if isIndexNotFound(status, b) {
		return nil
	}
	if status != http.StatusOK {
		tb.Fatalf("esfake: GET _data_stream/%s: %d %s", pattern, status, b)
	}
	var r struct {
		DataStreams []struct{ Name string } `json:"data_streams"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("esfake: GET _data_stream/%s: %v", pattern, err)
	}
	var out []string
	for _, ds := range r.DataStreams {
		out = append(out, ds.Name)
	}
	return out
}
