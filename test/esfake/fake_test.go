package esfake_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/ttpscope/ttpscope/test/esfake"
)

func newClient(t *testing.T, url string, mod func(*elasticsearch.Config)) *elasticsearch.Client {
	t.Helper()
	cfg := elasticsearch.Config{Addresses: []string{url}, DisableRetry: true}
	if mod != nil {
		mod(&cfg)
	}
	c, err := elasticsearch.NewClient(cfg)
	if err != nil {
		t.Fatalf("new client: %v", err)
	}
	return c
}

// dec returns a function reading a response: its status and JSON body.
// dec(t)(c.Info()) accepts a call's two results.
func dec(t *testing.T) func(*esapi.Response, error) (int, map[string]any) {
	return func(res *esapi.Response, err error) (int, map[string]any) {
		t.Helper()
		return decode(t, res, err)
	}
}

func decode(t *testing.T, res *esapi.Response, err error) (int, map[string]any) {
	t.Helper()
	if err != nil {
		t.Fatalf("request: %v", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	if res.Header.Get("X-Elastic-Product") != "Elasticsearch" {
		t.Errorf("X-Elastic-Product = %q", res.Header.Get("X-Elastic-Product"))
	}
	var m map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
	}
	return res.StatusCode, m
}

// get walks a decoded JSON value by keys and array indices.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			a, _ := v.([]any)
			if k >= len(a) {
				return nil
			}
			v = a[k]
		}
	}
	return v
}

func TestInfoAndHealth(t *testing.T) {
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	status, body := dec(t)(c.Info())
	if status != 200 {
		t.Fatalf("info status %d", status)
	}
	if v := get(body, "version", "number"); v != esfake.Version {
		t.Errorf("version.number = %v, want %s", v, esfake.Version)
	}
	if v := get(body, "tagline"); v != "You Know, for Search" {
		t.Errorf("tagline = %v", v)
	}
	status, body = dec(t)(c.Cluster.Health())
	if status != 200 || get(body, "status") != "green" {
		t.Errorf("health: %d %v", status, body)
	}
	// The product header is on errors too.
	status, body = perform(t, c, (mustReq(t, "GET", s.URL()+"/_nope/x/y", "")))
	if status != 400 || !strings.Contains(fmt.Sprint(body["error"]), "no handler found for uri [/_nope/x/y] and method [GET]") {
		t.Errorf("unknown route: %d %v", status, body)
	}
}

// perform sends a raw request through the client.
func perform(t *testing.T, c *elasticsearch.Client, req *http.Request) (int, map[string]any) {
	t.Helper()
	res, err := c.Perform(req)
	if err != nil {
		t.Fatalf("perform: %v", err)
	}
	return decode(t, &esapi.Response{StatusCode: res.StatusCode, Header: res.Header, Body: res.Body}, nil)
}

func mustReq(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func bulk(t *testing.T, c *elasticsearch.Client, body string, opts ...func(*esapi.BulkRequest)) (int, map[string]any) {
	t.Helper()
	return dec(t)(c.Bulk(strings.NewReader(body), opts...))
}

type itemView struct {
	action, index, id, result, errType string
	status, version                    int
}

func items(t *testing.T, body map[string]any) []itemView {
	t.Helper()
	var out []itemView
	for _, it := range body["items"].([]any) {
		m := it.(map[string]any)
		if len(m) != 1 {
			t.Fatalf("item with %d keys: %v", len(m), m)
		}
		for action, v := range m {
			iv := itemView{action: action}
			iv.index, _ = get(v, "_index").(string)
			iv.id, _ = get(v, "_id").(string)
			iv.result, _ = get(v, "result").(string)
			iv.errType, _ = get(v, "error", "type").(string)
			st, _ := get(v, "status").(float64)
			iv.status = int(st)
			ver, _ := get(v, "_version").(float64)
			iv.version = int(ver)
			out = append(out, iv)
		}
	}
	return out
}

func TestBulkItemShapes(t *testing.T) {
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	body := `{"index":{"_index":"logs","_id":"1"}}
{"msg":"one"}
{"create":{"_index":"logs","_id":"2"}}
{"msg":"two"}
{"create":{"_index":"logs","_id":"1"}}
{"msg":"dup"}
{"index":{"_index":"logs","_id":"1"}}
{"msg":"one again"}
{"update":{"_index":"logs","_id":"2"}}
{"doc":{"extra":true}}
{"update":{"_index":"logs","_id":"nope"}}
{"doc":{"x":1}}
{"delete":{"_index":"logs","_id":"2"}}
{"delete":{"_index":"logs","_id":"2"}}
{"index":{"_index":"logs","_id":"bad"}}
{"msg": oops}
{"index":{"_index":"Logs","_id":"3"}}
{"msg":"upper"}
{"index":{"op_type":"create","_index":"logs","_id":"1"}}
{"msg":"op_type create"}
`
	status, resp := bulk(t, c, body)
	if status != 200 {
		t.Fatalf("status %d: %v", status, resp)
	}
	if resp["errors"] != true {
		t.Errorf("errors = %v, want true", resp["errors"])
	}
	want := []itemView{
		{action: "index", index: "logs", id: "1", result: "created", status: 201, version: 1},
		{action: "create", index: "logs", id: "2", result: "created", status: 201, version: 1},
		{action: "create", index: "logs", id: "1", status: 409, errType: "version_conflict_engine_exception"},
		{action: "index", index: "logs", id: "1", result: "updated", status: 200, version: 2},
		{action: "update", index: "logs", id: "2", result: "updated", status: 200, version: 2},
		{action: "update", index: "logs", id: "nope", status: 404, errType: "document_missing_exception"},
		{action: "delete", index: "logs", id: "2", result: "deleted", status: 200, version: 3},
		{action: "delete", index: "logs", id: "2", result: "not_found", status: 404, version: 1},
		{action: "index", index: "logs", id: "bad", status: 400, errType: "document_parsing_exception"},
		{action: "index", index: "Logs", id: "3", status: 400, errType: "invalid_index_name_exception"},
		{action: "create", index: "logs", id: "1", status: 409, errType: "version_conflict_engine_exception"},
	}
	got := items(t, resp)
	if len(got) != len(want) {
		t.Fatalf("%d items, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("item %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	docs := s.Docs("logs")
	if len(docs) != 1 {
		t.Fatalf("docs = %v", docs)
	}
	if src := string(docs["1"].Source); src != `{"msg":"one again"}` {
		t.Errorf("doc 1 source = %s", src)
	}
	// A real conflict reason, as ES words it.
	reason := get(resp, "items", 2, "create", "error", "reason")
	if reason != "[1]: version conflict, document already exists (current version [1])" {
		t.Errorf("409 reason = %v", reason)
	}
}

func TestBulkAutoIDAndDefaultIndex(t *testing.T) {
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	status, resp := bulk(t, c, "{\"index\":{}}\n{\"a\":1}\n{\"create\":{}}\n{\"a\":2}\n", c.Bulk.WithIndex("dflt"))
	if status != 200 || resp["errors"] != false {
		t.Fatalf("%d %v", status, resp)
	}
	got := items(t, resp)
	for _, it := range got {
		if len(it.id) != 20 || it.index != "dflt" || it.status != 201 {
			t.Errorf("auto-id item %+v", it)
		}
	}
	if got[0].id == got[1].id {
		t.Errorf("auto ids repeat: %s", got[0].id)
	}
	if s.Count("dflt") != 2 {
		t.Errorf("count = %d", s.Count("dflt"))
	}
}

func TestBulkMalformed(t *testing.T) {
	tests := []struct {
		name, body, path string
		status           int
		errType, reason  string
	}{
		{"no trailing newline", `{"index":{"_index":"a"}}` + "\n" + `{"x":1}`, "/_bulk", 400, "illegal_argument_exception", "The bulk request must be terminated by a newline [\\n]"},
		{"action is a string", "\"index\"\n{}\n", "/_bulk", 400, "illegal_argument_exception", "Malformed action/metadata line [1], expected START_OBJECT but found [VALUE_STRING]"},
		{"unknown action", "{\"upsert\":{\"_index\":\"a\"}}\n{}\n", "/_bulk", 400, "illegal_argument_exception", "Malformed action/metadata line [1], expected field [create], [delete], [index] or [update] but found [upsert]"},
		{"unknown parameter", "{\"index\":{\"_index\":\"a\",\"_type\":\"doc\"}}\n{}\n", "/_bulk", 400, "illegal_argument_exception", "Action/metadata line [1] contains an unknown parameter [_type]"},
		{"array value", "{\"index\":{\"_index\":[\"a\"]}}\n{}\n", "/_bulk", 400, "illegal_argument_exception", "Malformed action/metadata line [1], expected a simple value for field [_index] but found [START_ARRAY]"},
		{"broken json on line 3", "{\"index\":{\"_index\":\"a\"}}\n{}\n{\"index\":{\"_index\" \"a\"}}\n{}\n", "/_bulk", 400, "x_content_parse_exception", "[3:"},
		{"empty", "\n", "/_bulk", 400, "action_request_validation_exception", "Validation Failed: 1: no requests added;"},
		{"index missing", "{\"index\":{}}\n{}\n", "/_bulk", 400, "action_request_validation_exception", "Validation Failed: 1: index is missing;"},
		{"update without id", "{\"update\":{\"_index\":\"a\"}}\n{\"doc\":{}}\n", "/_bulk", 400, "action_request_validation_exception", "id is missing"},
		{"bad update body", "{\"update\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"dock\":{}}\n", "/_bulk", 400, "x_content_parse_exception", "[UpdateRequest] unknown field [dock]"},
		{"unknown query param", "{\"index\":{\"_index\":\"a\"}}\n{}\n", "/_bulk?bogus=1", 400, "illegal_argument_exception", "contains unrecognized parameter: [bogus]"},
		{"GET is not allowed", "", "/_bulk", 405, "", "Incorrect HTTP method for uri [/_bulk] and method [GET], allowed: [POST, PUT]"},
		{"form content type", "{\"index\":{\"_index\":\"a\"}}\n{}\n", "/_bulk#form", 406, "", "Content-Type header [application/x-www-form-urlencoded] is not supported"},
	}
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			method := "POST"
			if tc.status == 405 && tc.body == "" {
				method = "GET"
			}
			path, form := strings.CutSuffix(tc.path, "#form")
			req := mustReq(t, method, s.URL()+path, tc.body)
			req.Header.Set("Content-Type", "application/x-ndjson")
			if form {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			status, body := perform(t, c, (req))
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, body)
			}
			if tc.errType == "" {
				if !strings.Contains(fmt.Sprint(body["error"]), tc.reason) {
					t.Errorf("error = %v, want %q", body["error"], tc.reason)
				}
				return
			}
			if got := get(body, "error", "type"); got != tc.errType {
				t.Errorf("type = %v, want %s", got, tc.errType)
			}
			if got := fmt.Sprint(get(body, "error", "reason")); !strings.Contains(got, tc.reason) {
				t.Errorf("reason = %q, want it to contain %q", got, tc.reason)
			}
			if got := get(body, "error", "root_cause", 0, "type"); got != tc.errType {
				t.Errorf("root_cause type = %v", got)
			}
			if got := get(body, "status"); got != float64(tc.status) {
				t.Errorf("status field = %v", got)
			}
		})
	}
	if n := s.Count("a"); n != 0 {
		t.Errorf("malformed requests stored %d docs", n)
	}
	// Blank lines are skipped; a trailing action without a source is ignored.
	status, body := bulk(t, c, "\n{\"index\":{\"_index\":\"a\",\"_id\":\"x\"}}\n{}\n\n{\"index\":{\"_index\":\"a\"}}\n")
	if status != 200 || len(items(t, body)) != 1 {
		t.Errorf("blank lines: %d %v", status, body)
	}
}

func TestFaults(t *testing.T) {
	s := esfake.Start(t, esfake.WithSeed(7))
	c := newClient(t, s.URL(), nil)
	doc := func(id string) string { return `{"create":{"_index":"f","_id":"` + id + "\"}}\n{\"n\":1}\n" }

	s.FailNextRequests(2, 429)
	for i := range 2 {
		status, body := bulk(t, c, doc("a"))
		if status != 429 || get(body, "error", "type") != "es_rejected_execution_exception" {
			t.Fatalf("request %d: %d %v", i, status, body)
		}
	}
	if status, _ := bulk(t, c, doc("a")); status != 200 {
		t.Fatalf("third request: %d", status)
	}

	s.FailIDs(1, "b")
	_, body := bulk(t, c, doc("b")+doc("c"))
	got := items(t, body)
	if got[0].status != 429 || got[1].status != 201 || body["errors"] != true {
		t.Errorf("FailIDs: %+v", got)
	}
	_, body = bulk(t, c, doc("b"))
	if items(t, body)[0].status != 201 {
		t.Errorf("FailIDs should fail once: %v", body)
	}

	s.MappingErrorOn("bad")
	_, body = bulk(t, c, "{\"index\":{\"_index\":\"f\",\"_id\":\"m\"}}\n{\"bad\":{\"x\":1}}\n")
	if it := items(t, body)[0]; it.status != 400 || it.errType != "document_parsing_exception" {
		t.Errorf("mapping error: %+v", it)
	}
	s.ClearFaults()

	// Item failures by rate are reproducible with the seed.
	run := func() []int {
		s2 := esfake.Start(t, esfake.WithSeed(42))
		s2.FailItems(0.5, 503)
		c2 := newClient(t, s2.URL(), nil)
		var b strings.Builder
		for i := range 40 {
			b.WriteString(doc(fmt.Sprint(i)))
		}
		_, body := bulk(t, c2, b.String())
		var st []int
		for _, it := range items(t, body) {
			st = append(st, it.status)
		}
		return st
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different faults:\n%v\n%v", a, b)
	}
	if n503 := strings.Count(fmt.Sprint(a), "503"); n503 < 8 || n503 > 32 {
		t.Errorf("%d of 40 items failed at rate 0.5", n503)
	}

	// A dropped connection after apply: the client sees an error, the doc is stored.
	s.DropNextRequests(1, true)
	_, err := c.Bulk(strings.NewReader(doc("dropped")))
	if err == nil {
		t.Error("dropped request: no error")
	}
	if _, ok := s.Doc("f", "dropped"); !ok {
		t.Error("drop after apply did not store the doc")
	}
	s.DropNextRequests(1, false)
	if _, err := c.Bulk(strings.NewReader(doc("dropped2"))); err == nil {
		t.Error("dropped request: no error")
	}
	if _, ok := s.Doc("f", "dropped2"); ok {
		t.Error("drop before apply stored the doc")
	}

	// A delay longer than the client's timeout.
	s.DelayNextRequests(1, 2*time.Second, true)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = c.Bulk(strings.NewReader(doc("slow")), c.Bulk.WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("delayed request: err = %v", err)
	}
	if time.Since(start) > time.Second {
		t.Errorf("client waited %v", time.Since(start))
	}
	if _, ok := s.Doc("f", "slow"); !ok {
		t.Error("delay after apply did not store the doc")
	}
	if st := s.Stats(); st.Dropped != 2 {
		t.Errorf("stats.Dropped = %d", st.Dropped)
	}
}

func seed(t *testing.T, c *elasticsearch.Client, index string, n int) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "{\"index\":{\"_index\":%q,\"_id\":\"d%03d\"}}\n{\"n\":%d,\"@timestamp\":\"2024-05-01T00:%02d:%02dZ\",\"tag\":%q}\n",
			index, i, i, (i/60)%60, i%60, []string{"odd", "even"}[(i+1)%2])
	}
	status, body := bulk(t, c, b.String())
	if status != 200 || body["errors"] != false {
		t.Fatalf("seed: %d %v", status, body)
	}
}

func TestSearchPITSlicesSearchAfter(t *testing.T) {
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	seed(t, c, "src", 100)

	status, body := dec(t)(c.OpenPointInTime([]string{"src"}, "1m"))
	if status != 200 {
		t.Fatalf("open pit: %d %v", status, body)
	}
	pitID := body["id"].(string)
	// Writes after the PIT are not visible through it.
	seed(t, c, "src", 120)

	const slices_ = 3
	seen := map[string]int{}
	for slice := range slices_ {
		var after []any
		pages := 0
		for {
			q := map[string]any{
				"size":  7,
				"pit":   map[string]any{"id": pitID, "keep_alive": "1m"},
				"sort":  []any{map[string]any{"@timestamp": "asc"}},
				"slice": map[string]any{"id": slice, "max": slices_},
				"query": map[string]any{"match_all": map[string]any{}},
			}
			if after != nil {
				q["search_after"] = after
			}
			b, _ := json.Marshal(q)
			status, resp := dec(t)(c.Search(c.Search.WithBody(strings.NewReader(string(b)))))
			if status != 200 {
				t.Fatalf("search: %d %v", status, resp)
			}
			if resp["pit_id"] != pitID {
				t.Errorf("pit_id = %v", resp["pit_id"])
			}
			hits, _ := get(resp, "hits", "hits").([]any)
			if len(hits) == 0 {
				break
			}
			pages++
			var prevTS float64 = -1
			for _, h := range hits {
				id := get(h, "_id").(string)
				seen[id]++
				sv := get(h, "sort").([]any)
				if len(sv) != 2 {
					t.Fatalf("sort values %v: want [@timestamp, _shard_doc]", sv)
				}
				ts := sv[0].(float64)
				if ts < prevTS {
					t.Errorf("not sorted: %v after %v", ts, prevTS)
				}
				prevTS = ts
				after = sv
			}
		}
		if pages == 0 {
			t.Errorf("slice %d empty", slice)
		}
	}
	if len(seen) != 100 {
		t.Errorf("saw %d distinct docs through the PIT, want 100", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s seen %d times across slices", id, n)
		}
	}

	// An index in the path is refused with a PIT.
	b := fmt.Sprintf(`{"pit":{"id":%q}}`, pitID)
	status, resp := dec(t)(c.Search(c.Search.WithIndex("src"), c.Search.WithBody(strings.NewReader(b))))
	if status != 400 || get(resp, "error", "type") != "action_request_validation_exception" {
		t.Errorf("index with pit: %d %v", status, resp)
	}
	// Close; then the PIT is gone.
	status, _ = dec(t)(c.ClosePointInTime(c.ClosePointInTime.WithBody(strings.NewReader(fmt.Sprintf(`{"id":%q}`, pitID)))))
	if status != 200 || s.OpenPITs() != 0 {
		t.Errorf("close pit: %d, open %d", status, s.OpenPITs())
	}
	status, resp = dec(t)(c.Search(c.Search.WithBody(strings.NewReader(b))))
	if status != 404 || get(resp, "error", "type") != "search_context_missing_exception" {
		t.Errorf("closed pit: %d %v", status, resp)
	}
}

func TestSearchQueriesAndCount(t *testing.T) {
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	seed(t, c, "q", 20)
	tests := []struct {
		query string
		want  int
	}{
		{`{"match_all":{}}`, 20},
		{`{"term":{"tag":"odd"}}`, 10},
		{`{"terms":{"n":[1,2,3,99]}}`, 3},
		{`{"range":{"n":{"gte":5,"lt":8}}}`, 3},
		{`{"range":{"@timestamp":{"gte":"2024-05-01T00:00:10Z"}}}`, 10},
		{`{"bool":{"filter":[{"term":{"tag":"even"}}],"must_not":[{"range":{"n":{"gte":10}}}]}}`, 5},
		{`{"bool":{"must_not":{"exists":{"field":"ttpscope"}}}}`, 20},
		{`{"ids":{"values":["d001","d002","zz"]}}`, 2},
		{`{"prefix":{"_id":"d01"}}`, 10},
	}
	for _, tc := range tests {
		status, resp := dec(t)(c.Count(c.Count.WithIndex("q"), c.Count.WithBody(strings.NewReader(`{"query":`+tc.query+`}`))))
		if status != 200 || get(resp, "count") != float64(tc.want) {
			t.Errorf("count %s = %d %v, want %d", tc.query, status, resp["count"], tc.want)
		}
	}
	status, resp := dec(t)(c.Search(c.Search.WithIndex("q"), c.Search.WithBody(strings.NewReader(`{"query":{"nope":{}}}`))))
	if status != 400 || get(resp, "error", "type") != "parsing_exception" {
		t.Errorf("unknown query: %d %v", status, resp)
	}
	status, resp = dec(t)(c.Search(c.Search.WithIndex("q"), c.Search.WithBody(strings.NewReader(`{"size":3,"sort":[{"n":"desc"}]}`))))
	if status != 200 {
		t.Fatal(status)
	}
	var ns []float64
	for _, h := range get(resp, "hits", "hits").([]any) {
		ns = append(ns, get(h, "_source", "n").(float64))
	}
	if !slices.Equal(ns, []float64{19, 18, 17}) || get(resp, "hits", "total", "value") != 20.0 {
		t.Errorf("sorted desc = %v total %v", ns, get(resp, "hits", "total"))
	}
	status, resp = dec(t)(c.Search(c.Search.WithIndex("missing"), c.Search.WithBody(strings.NewReader(`{}`))))
	if status != 404 || get(resp, "error", "type") != "index_not_found_exception" {
		t.Errorf("missing index: %d %v", status, resp)
	}
	status, resp = dec(t)(c.Search(c.Search.WithIndex("q"), c.Search.WithBody(strings.NewReader(`{"slice":{"id":0,"max":2}}`))))
	if status != 400 {
		t.Errorf("slice without pit: %d %v", status, resp)
	}
	if status, _ := dec(t)(c.Indices.Refresh(c.Indices.Refresh.WithIndex("q"))); status != 200 {
		t.Errorf("refresh: %d", status)
	}
}

func TestTemplatesMappingsAndDataStreams(t *testing.T) {
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	ct := `{"template":{"mappings":{"properties":{"ttpscope":{"properties":{"class":{"type":"keyword"},"score":{"type":"float"}}}}}}}`
	if status, body := dec(t)(c.Cluster.PutComponentTemplate("ttpscope-mappings", strings.NewReader(ct))); status != 200 || body["acknowledged"] != true {
		t.Fatalf("put component: %d %v", status, body)
	}
	it := `{"index_patterns":["enriched-*"],"composed_of":["ttpscope-mappings"],"priority":200,"template":{"mappings":{"properties":{"n":{"type":"long"}}}}}`
	if status, body := dec(t)(c.Indices.PutIndexTemplate("ttpscope", strings.NewReader(it))); status != 200 {
		t.Fatalf("put index template: %d %v", status, body)
	}
	status, body := dec(t)(c.Indices.GetIndexTemplate(c.Indices.GetIndexTemplate.WithName("ttpscope")))
	if status != 200 || get(body, "index_templates", 0, "name") != "ttpscope" || get(body, "index_templates", 0, "index_template", "priority") != 200.0 {
		t.Errorf("get index template: %d %v", status, body)
	}
	status, body = dec(t)(c.Cluster.GetComponentTemplate(c.Cluster.GetComponentTemplate.WithName("ttpscope-mappings")))
	if status != 200 || get(body, "component_templates", 0, "component_template", "template", "mappings", "properties", "ttpscope", "properties", "class", "type") != "keyword" {
		t.Errorf("get component template: %d %v", status, body)
	}
	status, body = dec(t)(c.Indices.GetIndexTemplate(c.Indices.GetIndexTemplate.WithName("nope")))
	if status != 404 || get(body, "error", "type") != "resource_not_found_exception" {
		t.Errorf("missing template: %d %v", status, body)
	}
	bad := `{"index_patterns":["x-*"],"composed_of":["missing"]}`
	if status, body := dec(t)(c.Indices.PutIndexTemplate("bad", strings.NewReader(bad))); status != 400 || get(body, "error", "type") != "invalid_index_template_exception" {
		t.Errorf("missing component: %d %v", status, body)
	}

	// The template's mappings apply, and a value that does not fit is a real mapping error.
	_, resp := bulk(t, c, `{"index":{"_index":"enriched-1","_id":"ok"}}
{"n":"42","ttpscope":{"class":"T1562","score":0.9}}
{"index":{"_index":"enriched-1","_id":"bad"}}
{"n":"forty-two"}
{"index":{"_index":"enriched-1","_id":"obj"}}
{"ttpscope":{"class":{"nested":true}}}
`)
	got := items(t, resp)
	if got[0].status != 201 || got[1].status != 400 || got[1].errType != "document_parsing_exception" || got[2].status != 400 {
		t.Errorf("mapping enforcement: %+v", got)
	}
	if m := s.Mappings("enriched-1"); get(m, "properties", "ttpscope", "properties", "score", "type") != "float" {
		t.Errorf("index mappings = %v", m)
	}

	// The built-in logs-*-* template makes data streams: create only, @timestamp required.
	_, resp = bulk(t, c, `{"create":{"_index":"logs-ttpscope-default"}}
{"@timestamp":"2024-05-01T00:00:00Z","m":1}
{"index":{"_index":"logs-ttpscope-default"}}
{"@timestamp":"2024-05-01T00:00:00Z","m":2}
{"create":{"_index":"logs-ttpscope-default"}}
{"m":3}
`)
	got = items(t, resp)
	if got[0].status != 201 || !strings.HasPrefix(got[0].index, ".ds-logs-ttpscope-default-") {
		t.Errorf("data stream create: %+v", got[0])
	}
	if got[1].status != 400 || got[2].status != 400 {
		t.Errorf("data stream index op / missing @timestamp: %+v", got[1:])
	}
	if n := s.Count("logs-ttpscope-default"); n != 1 {
		t.Errorf("data stream count = %d", n)
	}
	status, body = dec(t)(c.Indices.GetDataStream(c.Indices.GetDataStream.WithName("logs-ttpscope-default")))
	if status != 200 || get(body, "data_streams", 0, "template") != "logs" {
		t.Errorf("get data stream: %d %v", status, body)
	}
}

func TestDocAPIAndIndexAPI(t *testing.T) {
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	status, body := dec(t)(c.Indices.Create("strict", c.Indices.Create.WithBody(strings.NewReader(`{"mappings":{"dynamic":"strict","properties":{"a":{"type":"keyword"}}}}`))))
	if status != 200 || body["index"] != "strict" {
		t.Fatalf("create index: %d %v", status, body)
	}
	status, body = dec(t)(c.Indices.Create("strict"))
	if status != 400 || get(body, "error", "type") != "resource_already_exists_exception" {
		t.Errorf("create twice: %d %v", status, body)
	}
	status, body = dec(t)(c.Index("strict", strings.NewReader(`{"a":"x"}`), c.Index.WithDocumentID("1")))
	if status != 201 || body["result"] != "created" {
		t.Errorf("index doc: %d %v", status, body)
	}
	status, body = dec(t)(c.Index("strict", strings.NewReader(`{"b":"x"}`), c.Index.WithDocumentID("2")))
	if status != 400 || get(body, "error", "type") != "strict_dynamic_mapping_exception" {
		t.Errorf("strict mapping: %d %v", status, body)
	}
	status, body = dec(t)(c.Create("strict", "1", strings.NewReader(`{"a":"y"}`)))
	if status != 409 || get(body, "error", "type") != "version_conflict_engine_exception" {
		t.Errorf("create existing: %d %v", status, body)
	}
	status, body = dec(t)(c.Get("strict", "1"))
	if status != 200 || body["found"] != true || get(body, "_source", "a") != "x" {
		t.Errorf("get doc: %d %v", status, body)
	}
	status, body = dec(t)(c.Get("strict", "nope"))
	if status != 404 || body["found"] != false {
		t.Errorf("get missing doc: %d %v", status, body)
	}
	status, body = dec(t)(c.Get("nope", "1"))
	if status != 404 || get(body, "error", "type") != "index_not_found_exception" {
		t.Errorf("get in missing index: %d %v", status, body)
	}
	status, _ = dec(t)(c.Delete("strict", "1"))
	if status != 200 || s.Count("strict") != 0 {
		t.Errorf("delete: %d", status)
	}
}

func TestAuthAndRequestLog(t *testing.T) {
	const key = "aWQ6c2VjcmV0" // base64("id:secret")
	s := esfake.Start(t, esfake.WithAPIKey(key), esfake.WithBasicAuth("elastic", "changeme"))
	tests := []struct {
		name   string
		mod    func(*elasticsearch.Config)
		status int
		header string
	}{
		{"api key", func(c *elasticsearch.Config) { c.APIKey = key }, 200, "APIKey " + key},
		{"basic", func(c *elasticsearch.Config) { c.Username, c.Password = "elastic", "changeme" }, 200, "Basic ZWxhc3RpYzpjaGFuZ2VtZQ=="},
		{"wrong password", func(c *elasticsearch.Config) { c.Username, c.Password = "elastic", "x" }, 401, "Basic ZWxhc3RpYzp4"},
		{"none", nil, 401, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.ResetRequests()
			c := newClient(t, s.URL(), tc.mod)
			res, err := c.Bulk(strings.NewReader("{\"index\":{\"_index\":\"auth\"}}\n{}\n"))
			status, body := decode(t, res, err)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %v", status, tc.status, body)
			}
			if tc.status == 401 && get(body, "error", "type") != "security_exception" {
				t.Errorf("401 body %v", body)
			}
			reqs := s.Requests()
			if len(reqs) != 1 || reqs[0].Path != "/_bulk" || reqs[0].Method != "POST" || reqs[0].Status != tc.status {
				t.Fatalf("request log %+v", reqs)
			}
			if got := reqs[0].Header.Get("Authorization"); got != tc.header {
				t.Errorf("Authorization = %q, want %q", got, tc.header)
			}
		})
	}
}

func TestTLS(t *testing.T) {
	s := esfake.Start(t, esfake.WithTLS())
	c := newClient(t, s.URL(), func(cfg *elasticsearch.Config) { cfg.CACert = s.CACertPEM() })
	if status, _ := dec(t)(c.Info()); status != 200 {
		t.Errorf("info over TLS: %d", status)
	}
	c = newClient(t, s.URL(), nil)
	if _, err := c.Info(); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("no CA: err = %v, want a certificate error", err)
	}
	path, err := s.WriteCAFile(t.TempDir())
	if err != nil || !strings.HasSuffix(path, "ca.pem") {
		t.Errorf("WriteCAFile: %q %v", path, err)
	}
}

func TestFilterPath(t *testing.T) {
	s := esfake.Start(t)
	c := newClient(t, s.URL(), nil)
	body := "{\"create\":{\"_index\":\"fp\",\"_id\":\"1\"}}\n{}\n{\"create\":{\"_index\":\"fp\",\"_id\":\"1\"}}\n{}\n"
	status, resp := bulk(t, c, body, c.Bulk.WithFilterPath("errors", "items.*.error", "items.*.status"))
	if status != 200 {
		t.Fatal(status)
	}
	keys := make([]string, 0, len(resp))
	for k := range resp {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if !slices.Equal(keys, []string{"errors", "items"}) {
		t.Errorf("filtered keys = %v", keys)
	}
	if get(resp, "items", 0, "create", "_id") != nil || get(resp, "items", 0, "create", "status") != 201.0 ||
		get(resp, "items", 1, "create", "error", "type") != "version_conflict_engine_exception" {
		t.Errorf("filtered items = %v", resp["items"])
	}
}

func TestNewTargetUsesFakeWithoutESURL(t *testing.T) {
	t.Setenv(esfake.EnvURL, "")
	tg := esfake.NewTarget(t)
	if tg.Real() || tg.Fake == nil || tg.URL != tg.Fake.URL() {
		t.Errorf("target = %+v", tg)
	}
	u, f := esfake.URL(t)
	if f == nil || u != f.URL() {
		t.Errorf("URL = %q %v", u, f)
	}
}
