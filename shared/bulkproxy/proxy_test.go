package bulkproxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/test/esfake"
)

// keywordClassifier scores by keyword, so every expected class is known.
type keywordClassifier struct{}

func (keywordClassifier) Classes() []string { return []string{"benign", "T1003.002", "T1562", "T1134"} }

func (keywordClassifier) Classify(_ context.Context, texts []string) ([]classifier.Prediction, error) {
	out := make([]classifier.Prediction, len(texts))
	for i, t := range texts {
		p := []float32{0.97, 0.01, 0.01, 0.01}
		switch {
		case strings.Contains(t, `hklm\sam`):
			p = []float32{0.01, 0.97, 0.01, 0.01}
		case strings.Contains(t, "disablerealtimemonitoring"):
			p = []float32{0.01, 0.01, 0.97, 0.01}
		}
		out[i] = classifier.Prediction{Probs: p}
	}
	return out, nil
}

func newEnricher(t testing.TB) *enrich.Enricher {
	t.Helper()
	e, err := enrich.New(keywordClassifier{}, enrich.Options{Model: "keyword@1"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// start serves a proxy in front of upstream (with the keyword enricher unless opts has one).
func start(t testing.TB, upstream string, opts Options) (*Proxy, *httptest.Server) {
	t.Helper()
	opts.Upstream = upstream
	p, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return p, srv
}

// startOn serves a proxy in front of the target (a fake, or the cluster of ES_URL), with the target's
// credentials and CA file.
func startOn(t testing.TB, tg esfake.Target, opts Options) (*Proxy, *httptest.Server) {
	t.Helper()
	opts.APIKey, opts.Username, opts.Password, opts.CAFile = tg.APIKey, tg.Username, tg.Password, tg.CAFile
	return start(t, tg.URL, opts)
}

// noUpstreamRequests checks, on a fake, that nothing reached the upstream (a real cluster does not
// tell).
func noUpstreamRequests(t testing.TB, tg esfake.Target) {
	t.Helper()
	if tg.Fake != nil {
		if n := tg.Fake.Stats().Requests; n != 0 {
			t.Errorf("upstream got %d requests, want 0", n)
		}
	}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func do(t testing.TB, method, url, body string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

type bulkResp struct {
	Errors bool                        `json:"errors"`
	Items  []map[string]map[string]any `json:"items"`
}

func decodeBulk(t testing.TB, b []byte) bulkResp {
	t.Helper()
	var r bulkResp
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("decode bulk response %s: %v", b, err)
	}
	return r
}

// itemSummary is "key:status" or "key:status:errortype" per item.
func itemSummary(r bulkResp) []string {
	var out []string
	for _, it := range r.Items {
		for k, v := range it {
			s := fmt.Sprintf("%s:%v", k, v["status"])
			if e, ok := v["error"].(map[string]any); ok {
				s += ":" + fmt.Sprint(e["type"])
			}
			out = append(out, s)
		}
	}
	return out
}

func errorType(t testing.TB, b []byte) (string, string) {
	t.Helper()
	var e struct {
		Error struct {
			Type, Reason string
		}
		Status int
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("decode error body %s: %v", b, err)
	}
	return e.Error.Type, e.Error.Reason
}

func TestBulkMixedActions(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	logs, other := name+"-logs", name+"-other"
	// Seed docs 10 (for update) and 11 (for delete) directly, bypassing the proxy.
	tg.Bulk(t, `{"index":{"_index":"`+logs+`","_id":"10"}}`+"\n"+`{"message":"old"}`+"\n"+
		`{"index":{"_index":"`+logs+`","_id":"11"}}`+"\n"+`{"message":"doomed"}`+"\n")
	_, srv := startOn(t, tg, Options{Enricher: newEnricher(t), Passthrough: true})

	body := strings.Join([]string{
		`{"index":{"_id":"1"}}`,
		`{"process":{"command_line":"reg save hklm\\sam c:\\t\\s"},"n":1.50,"big":12345678901234567890}`,
		`{"create":{"_index":"` + other + `","_id":"2"}}`,
		`{"message":"Set-MpPreference -DisableRealtimeMonitoring $true"}`,
		``,
		`{"update":{"_id":"10"}}`,
		`{"doc":{"message":"new","tag":"<x>"}}`,
		`{"delete":{"_id":"11"}}`,
		`{"index":{}}`,
		`{"message":"ipconfig /all"}`,
		`{"index":{"_id":"9","op_type":"create"}}`,
		`{}`,
	}, "\n") + "\n"
	r := do(t, "POST", srv.URL+"/"+logs+"/_bulk?refresh=true&routing=r1", body, nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if got := r.header.Get("X-Elastic-Product"); got != "Elasticsearch" {
		t.Errorf("X-Elastic-Product %q", got)
	}
	got := itemSummary(decodeBulk(t, r.body))
	want := []string{"index:201", "create:201", "update:200", "delete:200", "index:201", "create:201"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("items %v, want %v", got, want)
	}

	// Read back with a search, which finds documents whatever their routing.
	stored := map[string]map[string]esfake.Doc{logs: tg.Docs(t, logs), other: tg.Docs(t, other)}
	for _, tc := range []struct {
		index, id string
		class     string // "" when the doc must carry no ttpscope field
		prefix    string // the stored source must start with it (original bytes kept)
	}{
		{logs, "1", "T1003.002", `{"process":{"command_line":"reg save hklm\\sam c:\\t\\s"},"n":1.50,"big":12345678901234567890,"ttpscope":{`},
		{other, "2", "T1562", `{"message":"Set-MpPreference -DisableRealtimeMonitoring $true","ttpscope":`},
		{logs, "10", "", `{"message":"new","tag":`},
		{logs, "9", "", `{"ttpscope":{`},
	} {
		d, ok := stored[tc.index][tc.id]
		if !ok {
			t.Errorf("%s/%s not stored", tc.index, tc.id)
			continue
		}
		if !bytes.HasPrefix(d.Source, []byte(tc.prefix)) {
			t.Errorf("%s/%s source %s, want prefix %s", tc.index, tc.id, d.Source, tc.prefix)
		}
		f, err := d.Fields()
		if err != nil {
			t.Fatal(err)
		}
		ts, has := f["ttpscope"].(map[string]any)
		switch {
		case tc.class == "" && tc.id == "10" && has:
			t.Errorf("updated doc got enriched: %s", d.Source)
		case tc.class != "" && (!has || ts["class"] != tc.class || ts["status"] != "ok"):
			t.Errorf("%s/%s ttpscope %v, want class %s", tc.index, tc.id, f["ttpscope"], tc.class)
		}
		if tc.id == "9" && (ts == nil || ts["status"] != "skipped") {
			t.Errorf("empty doc: ttpscope %v, want status skipped", ts)
		}
		if d.Routing != "r1" && tc.id != "10" {
			t.Errorf("%s/%s routing %q: query parameters not passed upstream", tc.index, tc.id, d.Routing)
		}
	}
	if _, ok := stored[logs]["11"]; ok {
		t.Error("doc 11 not deleted")
	}
	if n := len(stored[logs]); n != 4 { // 1, 10, auto id, 9
		t.Errorf("logs has %d docs, want 4", n)
	}
}

func TestMalformedSourceSpliced(t *testing.T) {
	body := strings.Join([]string{
		`{"index":{"_index":"logs","_id":"a"}}`,
		`{"message":"fine"}`,
		`{"index":{"_index":"logs","_id":"b"}}`,
		`this is not json`,
		`{"create":{"_index":"logs","_id":"c"}}`,
		`{"message":"also fine"}`,
		`{"update":{"_index":"logs","_id":"a"}}`,
		`{"doc":{"x":1}}`,
		`{"index":{"_index":"logs"}}`,
		`[1,2]`,
		`{"create":{"_index":"logs","_id":"d"}}`,
		`{"message":"trailing"} x`,
	}, "\n") + "\n"
	for _, tc := range []struct {
		name, query string
		want        []string
		filtered    bool // items hold only status and error
	}{
		{"plain", "", []string{"index:201", "index:400:document_parsing_exception", "create:201", "update:200",
			"index:400:document_parsing_exception", "create:400:document_parsing_exception"}, false},
		{"filebeat filter_path", "?filter_path=errors,items.*.error,items.*.status", []string{"index:201",
			"index:400:document_parsing_exception", "create:201", "update:200", "index:400:document_parsing_exception",
			"create:400:document_parsing_exception"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := esfake.NewTarget(t)
			logs := tg.TempName(t)
			_, srv := startOn(t, tg, Options{Enricher: newEnricher(t)})
			r := do(t, "POST", srv.URL+"/_bulk"+tc.query, strings.ReplaceAll(body, `"logs"`, `"`+logs+`"`), nil)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			br := decodeBulk(t, r.body)
			if !br.Errors {
				t.Error("errors: false, want true")
			}
			got := itemSummary(br)
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("items %v\nwant  %v", got, tc.want)
			}
			if tg.Fake != nil {
				if st := tg.Fake.Stats(); st.BulkItems != 3 {
					t.Errorf("upstream got %d items, want the 3 good ones", st.BulkItems)
				}
			}
			if n := tg.Count(t, logs); n != 2 { // a (and its update) and c
				t.Errorf("%s holds %d documents, want a and c", logs, n)
			}
			if d, ok := tg.Doc(t, logs, "a"); !ok || d.Version != 2 {
				t.Errorf("doc a: %+v %v, want version 2 (updated)", d, ok)
			}
			bad := br.Items[1]["index"]
			if tc.filtered {
				if _, ok := bad["_id"]; ok || len(bad) != 2 {
					t.Errorf("filter_path not applied: %v", bad)
				}
				if _, ok := br.Items[0]["index"]["_seq_no"]; ok {
					t.Errorf("filter_path not applied to upstream items: %v", br.Items[0])
				}
			} else {
				if bad["_id"] != "b" || bad["_index"] != logs {
					t.Errorf("bad item %v: want _index logs, _id b", bad)
				}
				if id, _ := br.Items[4]["index"]["_id"].(string); len(id) != 20 {
					t.Errorf("auto id %q, want 20 characters", id)
				}
			}
			if _, ok := tg.Doc(t, logs, "b"); ok {
				t.Error("malformed doc b reached the upstream")
			}
		})
	}
}

func TestAllSourcesMalformed(t *testing.T) {
	fake := esfake.Start(t)
	_, srv := start(t, fake.URL(), Options{Enricher: newEnricher(t), ParseErrorType: "mapper_parsing_exception"})
	r := do(t, "POST", srv.URL+"/logs/_bulk", `{"index":{"_id":"x"}}`+"\nnope\n", nil)
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if got := itemSummary(decodeBulk(t, r.body)); len(got) != 1 || got[0] != "index:400:mapper_parsing_exception" {
		t.Errorf("items %v", got)
	}
	if n := fake.Stats().Requests; n != 0 {
		t.Errorf("upstream got %d requests, want 0", n)
	}
}

func TestWholeRequestErrorsMatchES(t *testing.T) {
	for _, tc := range []struct {
		name, body, typ, reason string
	}{
		{"unknown action", `{"index":{"_index":"a"}}` + "\n{}\n" + `{"upsert":{"_index":"a"}}` + "\n{}\n", "illegal_argument_exception",
			"Malformed action/metadata line [3], expected field [create], [delete], [index] or [update] but found [upsert]"},
		{"no final newline", `{"index":{"_index":"a"}}` + "\n{}", "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]"},
		{"action not an object", `["index"]` + "\n{}\n", "illegal_argument_exception", "Malformed action/metadata line [1], expected START_OBJECT but found [START_ARRAY]"},
		{"action not json", `{"index":` + "\n{}\n", "x_content_parse_exception", "[1:10] Unexpected end-of-input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := esfake.NewTarget(t)
			body := strings.ReplaceAll(tc.body, `"a"`, `"`+tg.TempName(t)+`"`)
			_, srv := startOn(t, tg, Options{Enricher: newEnricher(t)})
			r := do(t, "POST", srv.URL+"/_bulk", body, nil)
			typ, reason := errorType(t, r.body)
			if r.status != 400 || typ != tc.typ || !strings.HasPrefix(reason, tc.reason) {
				t.Errorf("got %d %s %q, want 400 %s %q", r.status, typ, reason, tc.typ, tc.reason)
			}
			noUpstreamRequests(t, tg)
			// The upstream (the fake parses like Elasticsearch) must say the same.
			dstatus, dbody := tg.Do(t, "POST", "/_bulk", []byte(body))
			dtyp, dreason := errorType(t, dbody)
			if dstatus != r.status || dtyp != typ || !strings.HasPrefix(dreason, tc.reason) {
				t.Errorf("upstream says %d %s %q, proxy %d %s %q", dstatus, dtyp, dreason, r.status, typ, reason)
			}
		})
	}
}

func gz(t testing.TB, s string) string {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTooLarge(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	doc := `{"index":{"_index":"` + name + `"}}` + "\n" + `{"message":"` + strings.Repeat("x", 300) + `"}` + "\n"
	big := strings.Repeat(doc, 10) // ~3.4 kB
	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
	}{
		{"bulk over limit", "POST", "/_bulk", big, nil, 413},
		{"gzip bulk expanding over limit", "POST", "/_bulk", gz(t, big), map[string]string{"Content-Encoding": "gzip"}, 413},
		{"bulk under limit", "POST", "/_bulk", doc, nil, 200},
		{"gzip bulk under limit", "POST", "/_bulk", gz(t, doc), map[string]string{"Content-Encoding": "gzip"}, 200},
		{"passthrough over limit", "PUT", "/_index_template/" + name, `{"index_patterns":["` + name + `-*"],"_meta":{"pad":"` + strings.Repeat("y", 2000) + `"}}`, nil, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tg.Fake != nil {
				tg.Fake.ResetRequests()
			}
			_, srv := startOn(t, tg, Options{Enricher: newEnricher(t), MaxBodyBytes: 1024, Passthrough: true})
			before := tg.Count(t, name)
			r := do(t, tc.method, srv.URL+tc.path, tc.body, tc.header)
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if tc.status == 413 {
				if typ, _ := errorType(t, r.body); typ != "content_too_long_exception" {
					t.Errorf("error type %q", typ)
				}
				if tg.Fake != nil {
					// Only the count above reached the fake.
					for _, rq := range tg.Fake.Requests() {
						if !strings.HasSuffix(rq.Path, "/_refresh") && !strings.HasSuffix(rq.Path, "/_count") {
							t.Errorf("upstream got %s %s", rq.Method, rq.Path)
						}
					}
				}
				if n := tg.Count(t, name); n != before {
					t.Errorf("%s went from %d to %d documents", name, before, n)
				}
				if _, ok := tg.IndexTemplate(t, name); ok {
					t.Error("refused template stored")
				}
			}
		})
	}
}

func TestGzipResponse(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	_, srv := startOn(t, tg, Options{Enricher: newEnricher(t)})
	body := `{"index":{"_index":"` + name + `","_id":"1"}}` + "\n" + `{"message":"reg save hklm\\sam c:\\t\\s"}` + "\n"
	r := do(t, "POST", srv.URL+"/_bulk", gz(t, body), map[string]string{"Content-Encoding": "gzip", "Accept-Encoding": "gzip"})
	if r.status != 200 || r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, Content-Encoding %q", r.status, r.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if got := itemSummary(decodeBulk(t, plain)); len(got) != 1 || got[0] != "index:201" {
		t.Errorf("items %v", got)
	}
	d, _ := tg.Doc(t, name, "1")
	if !bytes.Contains(d.Source, []byte(`"class":"T1003.002"`)) {
		t.Errorf("stored %s", d.Source)
	}
}

func TestAuthorization(t *testing.T) {
	const key = "aWQ6c2VjcmV0" // id:secret
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("elastic:changeme"))
	for _, tc := range []struct {
		name       string
		fakeOpts   []esfake.Option
		opts       Options
		clientAuth string
		status     int
		upstream   string // Authorization the upstream must have seen
	}{
		{"client api key passed through", []esfake.Option{esfake.WithAPIKey(key)}, Options{}, "ApiKey " + key, 200, "ApiKey " + key},
		{"configured api key", []esfake.Option{esfake.WithAPIKey(key)}, Options{APIKey: key}, "", 200, "ApiKey " + key},
		{"configured key replaces client's", []esfake.Option{esfake.WithAPIKey(key)}, Options{APIKey: key}, "ApiKey bogus", 200, "ApiKey " + key},
		{"configured basic", []esfake.Option{esfake.WithBasicAuth("elastic", "changeme")}, Options{Username: "elastic", Password: "changeme"}, "", 200, basic},
		{"client basic passed through", []esfake.Option{esfake.WithBasicAuth("elastic", "changeme")}, Options{}, basic, 200, basic},
		{"no credentials: 401 relayed", []esfake.Option{esfake.WithAPIKey(key)}, Options{}, "", 401, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := esfake.Start(t, tc.fakeOpts...)
			_, srv := start(t, fake.URL(), tc.opts)
			h := map[string]string{}
			if tc.clientAuth != "" {
				h["Authorization"] = tc.clientAuth
			}
			for _, call := range []struct{ method, path, body string }{
				{"POST", "/_bulk", `{"index":{"_index":"a"}}` + "\n{}\n"},
				{"GET", "/", ""},
			} {
				r := do(t, call.method, srv.URL+call.path, call.body, h)
				if r.status != tc.status {
					t.Errorf("%s %s: status %d, want %d: %s", call.method, call.path, r.status, tc.status, r.body)
				}
				if tc.status == 401 && len(r.header.Values("WWW-Authenticate")) == 0 {
					t.Errorf("%s %s: WWW-Authenticate not relayed", call.method, call.path)
				}
			}
			reqs := fake.Requests()
			if len(reqs) != 2 {
				t.Fatalf("upstream got %d requests", len(reqs))
			}
			for _, rq := range reqs {
				if got := rq.Header.Get("Authorization"); got != tc.upstream {
					t.Errorf("%s %s: upstream saw Authorization %q, want %q", rq.Method, rq.Path, got, tc.upstream)
				}
			}
		})
	}
}

func TestUpstreamUserInfoBecomesBasicAuth(t *testing.T) {
	fake := esfake.Start(t, esfake.WithBasicAuth("u", "p"))
	_, srv := start(t, strings.Replace(fake.URL(), "http://", "http://u:p@", 1), Options{})
	if r := do(t, "GET", srv.URL+"/", "", nil); r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
}

func TestUpstreamFailures(t *testing.T) {
	body := `{"index":{"_index":"a","_id":"1"}}` + "\n{}\n"
	for _, tc := range []struct {
		name   string
		status int
		typ    string
	}{
		{"429 relayed", 429, "es_rejected_execution_exception"},
		{"503 relayed", 503, "unavailable_shards_exception"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := esfake.Start(t)
			p, srv := start(t, fake.URL(), Options{Enricher: newEnricher(t)})
			fake.FailNextRequests(1, tc.status)
			r := do(t, "POST", srv.URL+"/_bulk", body, nil)
			if typ, _ := errorType(t, r.body); r.status != tc.status || typ != tc.typ {
				t.Errorf("got %d %s, want %d %s", r.status, typ, tc.status, tc.typ)
			}
			if r.header.Get("X-Elastic-Product") != "Elasticsearch" {
				t.Error("X-Elastic-Product not relayed")
			}
			m := scrape(t, p)
			kind := "5xx"
			if tc.status == 429 {
				kind = "429"
			}
			if want := fmt.Sprintf(`ttpscope_proxy_upstream_errors_total{kind="%s"} 1`, kind); !strings.Contains(m, want) {
				t.Errorf("metrics lack %s", want)
			}
		})
	}
	t.Run("down: 502", func(t *testing.T) {
		fake := esfake.New()
		url := fake.URL()
		fake.Close()
		_, srv := start(t, url, Options{Enricher: newEnricher(t), Passthrough: true})
		for _, call := range []struct{ method, path, body string }{{"POST", "/_bulk", body}, {"GET", "/", ""}} {
			r := do(t, call.method, srv.URL+call.path, call.body, nil)
			if typ, _ := errorType(t, r.body); r.status != 502 || typ != "upstream_unavailable_exception" {
				t.Errorf("%s %s: got %d %s, want 502 upstream_unavailable_exception", call.method, call.path, r.status, typ)
			}
		}
	})
	t.Run("dropped connection: 502", func(t *testing.T) {
		fake := esfake.Start(t)
		_, srv := start(t, fake.URL(), Options{})
		fake.DropNextRequests(1, false)
		if r := do(t, "POST", srv.URL+"/_bulk", body, nil); r.status != 502 {
			t.Errorf("status %d: %s", r.status, r.body)
		}
	})
}

func TestPassthrough(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	template := `{"index_patterns":["` + name + `-x*"],"priority":4242,"template":{"mappings":{"properties":{"ttpscope":{"properties":{"class":{"type":"keyword"}}}}}}}`
	for _, tc := range []struct {
		name              string
		passthrough       bool
		method, path, bdy string
		status            int
	}{
		{"root", true, "GET", "/", "", 200},
		{"root head", true, "HEAD", "/", "", 200},
		{"health", true, "GET", "/_cluster/health", "", 200},
		{"license", true, "GET", "/_license", "", 200},
		{"template put", true, "PUT", "/_index_template/" + name, template, 200},
		{"unknown path relayed", true, "GET", "/_nope/x", "", 400},
		{"root, passthrough off", false, "GET", "/", "", 200},
		{"health, passthrough off", false, "GET", "/_cluster/health", "", 200},
		{"template put refused", false, "PUT", "/_index_template/" + name + "-refused", template, 403},
		{"search refused", false, "POST", "/" + name + "/_search", `{}`, 403},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tg.Fake != nil {
				tg.Fake.ResetRequests()
			}
			_, srv := startOn(t, tg, Options{Passthrough: tc.passthrough})
			r := do(t, tc.method, srv.URL+tc.path, tc.bdy, map[string]string{"Content-Type": "application/json"})
			if r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
			if r.header.Get("X-Elastic-Product") != "Elasticsearch" {
				t.Errorf("X-Elastic-Product %q", r.header.Get("X-Elastic-Product"))
			}
			switch {
			case tc.path == "/" && tc.method == "GET" && !bytes.Contains(r.body, []byte("You Know, for Search")):
				t.Errorf("root body %s", r.body)
			case tc.status == 403:
				if typ, reason := errorType(t, r.body); typ != "ttpscope_proxy_refused_exception" || !strings.Contains(reason, tc.path) {
					t.Errorf("refusal %s %q", typ, reason)
				}
				if tg.Fake != nil && len(tg.Fake.Requests()) != 0 {
					t.Errorf("refused request reached upstream: %+v", tg.Fake.Requests())
				}
				if _, ok := tg.IndexTemplate(t, name+"-refused"); ok {
					t.Error("refused template stored upstream")
				}
			case tc.path == "/_index_template/"+name:
				if _, ok := tg.IndexTemplate(t, name); !ok {
					t.Error("template not stored upstream")
				}
			}
		})
	}
}

func scrape(t testing.TB, p *Proxy) string {
	t.Helper()
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("metrics status %d", rec.Code)
	}
	return rec.Body.String()
}

func TestMetrics(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	_, srv := startOn(t, tg, Options{Enricher: newEnricher(t), Passthrough: true})
	body := strings.ReplaceAll(strings.Join([]string{
		`{"index":{"_index":"a"}}`, `{"message":"reg save hklm\\sam c:\\t\\s"}`,
		`{"index":{"_index":"a"}}`, `{"message":"reg save hklm\\sam c:\\t\\s x"}`,
		`{"create":{"_index":"a"}}`, `{"message":"Set-MpPreference -DisableRealtimeMonitoring 1"}`,
		`{"index":{"_index":"a"}}`, `{"nothing":"here"}`,
		`{"index":{"_index":"a"}}`, `broken`,
		`{"delete":{"_index":"a","_id":"zz"}}`,
	}, "\n")+"\n", `"a"`, `"`+name+`"`)
	if r := do(t, "POST", srv.URL+"/_bulk", body, nil); r.status != 200 {
		t.Fatalf("bulk %d %s", r.status, r.body)
	}
	do(t, "GET", srv.URL+"/", "", nil)
	r := do(t, "GET", srv.URL+"/metrics", "", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("metrics %d %q", r.status, r.header.Get("Content-Type"))
	}
	for _, want := range []string{
		`ttpscope_proxy_requests_total{code="200",endpoint="bulk"} 1`,
		`ttpscope_proxy_requests_total{code="200",endpoint="passthrough"} 1`,
		`ttpscope_proxy_bulk_actions_total{action="index"} 4`,
		`ttpscope_proxy_bulk_actions_total{action="create"} 1`,
		`ttpscope_proxy_bulk_actions_total{action="delete"} 1`,
		`ttpscope_proxy_documents_class_total{class="T1003.002"} 2`,
		`ttpscope_proxy_documents_class_total{class="T1562"} 1`,
		`ttpscope_proxy_documents_enriched_total{status="ok"} 3`,
		`ttpscope_proxy_documents_enriched_total{status="skipped"} 1`,
		`ttpscope_proxy_documents_malformed_total 1`,
		`ttpscope_proxy_bulk_item_errors_total 1`,
		`ttpscope_proxy_enrich_duration_seconds_count 1`,
		`ttpscope_proxy_upstream_duration_seconds_count{endpoint="bulk"} 1`,
		`ttpscope_proxy_in_flight_requests 0`, // scrapes are not counted
		`ttpscope_proxy_cache_hits_total 0`,
		`ttpscope_proxy_cache_misses_total 3`, // three distinct texts
	} {
		if !strings.Contains(string(r.body), want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}
	if n := tg.Count(t, name); n != 4 {
		t.Errorf("%s holds %d documents, want the 4 well-formed ones", name, n)
	}
}

func TestGracefulShutdown(t *testing.T) {
	fake := esfake.Start(t)
	p, err := New(Options{Upstream: fake.URL(), Enricher: newEnricher(t)})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, p, 5*time.Second, nil) }()

	fake.DelayNextRequests(1, 400*time.Millisecond, false)
	got := make(chan response, 1)
	go func() {
		got <- do(t, "POST", "http://"+ln.Addr().String()+"/_bulk", `{"index":{"_index":"a","_id":"1"}}`+"\n{}\n", nil)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for fake.Stats().Requests == 0 && time.Now().Before(deadline) { // the request is in flight upstream
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
	r := <-got
	if r.status != 200 || strings.Join(itemSummary(decodeBulk(t, r.body)), " ") != "index:201" {
		t.Errorf("in-flight request: %d %s", r.status, r.body)
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Error("still accepting after shutdown")
	}
}

func TestGracefulShutdownTimeout(t *testing.T) {
	fake := esfake.Start(t)
	p, err := New(Options{Upstream: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, ln, p, 100*time.Millisecond, nil) }()
	fake.DelayNextRequests(1, 3*time.Second, false)
	go func() {
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+"/_bulk", strings.NewReader(`{"delete":{"_index":"a","_id":"1"}}`+"\n"))
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	for fake.Stats().Requests == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	cancel()
	if err := <-served; err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("Serve returned %v after %v, want a shutdown error after ~100ms", err, time.Since(start))
	}
}

func TestUpstreamTLS(t *testing.T) {
	fake := esfake.Start(t, esfake.WithTLS())
	ca, err := fake.WriteCAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		opts   Options
		status int
	}{
		{"ca file", Options{CAFile: ca}, 200},
		{"verification on by default", Options{}, 502},
		{"insecure skip verify", Options{InsecureSkipVerify: true}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, srv := start(t, fake.URL(), tc.opts)
			if r := do(t, "POST", srv.URL+"/_bulk", `{"index":{"_index":"a"}}`+"\n{}\n", nil); r.status != tc.status {
				t.Errorf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}
	if _, err := New(Options{Upstream: fake.URL(), CAFile: "/no/such/ca.pem"}); err == nil {
		t.Error("missing CA file accepted")
	}
}

type failingClassifier struct{ keywordClassifier }

func (failingClassifier) Classify(context.Context, []string) ([]classifier.Prediction, error) {
	return nil, fmt.Errorf("model exploded")
}

// A failing model loses no document: each is forwarded with ttpscope.status "error".
func TestEnrichFailureStillForwards(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	enr, err := enrich.New(failingClassifier{}, enrich.Options{Model: "broken@1"})
	if err != nil {
		t.Fatal(err)
	}
	p, srv := startOn(t, tg, Options{Enricher: enr})
	r := do(t, "POST", srv.URL+"/_bulk", `{"index":{"_index":"`+name+`","_id":"1"}}`+"\n"+`{"message":"whoami /priv"}`+"\n", nil)
	if got := itemSummary(decodeBulk(t, r.body)); r.status != 200 || len(got) != 1 || got[0] != "index:201" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	d, ok := tg.Doc(t, name, "1")
	if !ok {
		t.Fatal("document not forwarded")
	}
	f, err := d.Fields()
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := f["ttpscope"].(map[string]any)
	if ts["status"] != "error" || !strings.Contains(fmt.Sprint(ts["reason"]), "model exploded") {
		t.Errorf("ttpscope %v, want status error with the reason", ts)
	}
	if m := scrape(t, p); !strings.Contains(m, `ttpscope_proxy_documents_enriched_total{status="error"} 1`) {
		t.Error("enrichment error not counted")
	}
}

func TestCompressUpstream(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	client := tg.Client(t)
	var seen struct {
		sync.Mutex
		encoding string
		body     string
	}
	// A gunzipping front for the target, which checks that bodies come compressed.
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Lock()
		defer seen.Unlock()
		seen.encoding = r.Header.Get("Content-Encoding")
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		plain, _ := io.ReadAll(zr)
		seen.body = string(plain)
		req, _ := http.NewRequest(r.Method, tg.URL+r.URL.RequestURI(), bytes.NewReader(plain))
		req.Header.Set("Content-Type", r.Header.Get("Content-Type"))
		tg.Authorize(req)
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("X-Elastic-Product", resp.Header.Get("X-Elastic-Product"))
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	}))
	t.Cleanup(front.Close)
	_, srv := start(t, front.URL, Options{CompressUpstream: true})
	body := `{"index":{"_index":"` + name + `","_id":"1"}}` + "\n" + `{"message":"x"}` + "\n"
	r := do(t, "POST", srv.URL+"/_bulk", body, nil)
	seen.Lock()
	defer seen.Unlock()
	if r.status != 200 || seen.encoding != "gzip" || seen.body != body {
		t.Errorf("status %d, upstream saw Content-Encoding %q and body %q", r.status, seen.encoding, seen.body)
	}
	if _, ok := tg.Doc(t, name, "1"); !ok {
		t.Error("not indexed")
	}
}

func TestEscapedIndexPath(t *testing.T) {
	fake := esfake.Start(t)
	_, srv := start(t, fake.URL(), Options{Enricher: newEnricher(t)})
	// "logs%2Fx" would be two path segments once unescaped; it must stay one index name, and a malformed
	// source must report it as its index.
	r := do(t, "POST", srv.URL+"/logs%2Fx/_bulk", `{"index":{"_id":"1"}}`+"\nbad\n"+`{"index":{"_id":"2"}}`+"\n{}\n", nil)
	br := decodeBulk(t, r.body)
	if r.status != 200 || len(br.Items) != 2 || br.Items[0]["index"]["_index"] != "logs/x" {
		t.Fatalf("%d %s", r.status, r.body)
	}
	reqs := fake.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/logs/x/_bulk" {
		t.Errorf("upstream requests %+v", reqs)
	}
}
