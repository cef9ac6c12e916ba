package esbulk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/ttpscope/ttpscope/test/esfake"
)

// testConfig is a Config with fast retries for tests.
func testConfig(url string) Config {
	return Config{
		Addresses:      []string{url},
		Index:          "esbulk-test",
		BackoffInitial: time.Millisecond,
		BackoffMax:     10 * time.Millisecond,
		Deadline:       5 * time.Second,
		RequestTimeout: 2 * time.Second,
	}
}

func newWriter(t testing.TB, cfg Config) *Writer {
	t.Helper()
	w, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w
}

// targetConfig points a Config at a test target (real cluster or fake).
func targetConfig(tg esfake.Target) Config {
	cfg := testConfig(tg.URL)
	cfg.APIKey, cfg.Username, cfg.Password, cfg.CAFile = tg.APIKey, tg.Username, tg.Password, tg.CAFile
	return cfg
}

// uniqueIndex names an index for one test run, so that runs against a real
// cluster do not see each other's documents.
func uniqueIndex(t testing.TB, prefix string) string {
	name := strings.ToLower(strings.NewReplacer("/", "-", "_", "-", " ", "-").Replace(t.Name()))
	return fmt.Sprintf("%s-%s-%d", prefix, name, time.Now().UnixNano()%1e9)
}

// dropIndices deletes indices matching pattern at the end of the test, so
// runs against a real cluster leave nothing behind.
func dropIndices(t testing.TB, tg esfake.Target, pattern string) {
	t.Cleanup(func() {
		c := esClient(t, tg)
		if res, err := c.Indices.Delete([]string{pattern}, c.Indices.Delete.WithExpandWildcards("open,closed")); err == nil {
			res.Body.Close()
		}
	})
}

// esClient is a plain client for checks that work on a real cluster too.
func esClient(t testing.TB, tg esfake.Target) *elasticsearch.Client {
	t.Helper()
	cfg := elasticsearch.Config{Addresses: []string{tg.URL}, APIKey: tg.APIKey, Username: tg.Username, Password: tg.Password}
	if tg.CAFile != "" {
		pem, err := os.ReadFile(tg.CAFile)
		if err != nil {
			t.Fatal(err)
		}
		cfg.CACert = pem
	}
	c, err := elasticsearch.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// countDocs refreshes and counts an index over HTTP.
func countDocs(t testing.TB, tg esfake.Target, index string) int {
	t.Helper()
	c := esClient(t, tg)
	if res, err := c.Indices.Refresh(c.Indices.Refresh.WithIndex(index)); err == nil {
		res.Body.Close()
	}
	res, err := c.Count(c.Count.WithIndex(index))
	if err != nil {
		t.Fatalf("count %s: %v", index, err)
	}
	defer res.Body.Close()
	var body struct {
		Count int `json:"count"`
	}
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("count %s: %v", index, err)
	}
	return body.Count
}

// createIndex creates an index with explicit mappings over HTTP.
func createIndex(t testing.TB, tg esfake.Target, index, mappings string) {
	t.Helper()
	c := esClient(t, tg)
	res, err := c.Indices.Create(index, c.Indices.Create.WithBody(strings.NewReader(`{"mappings":`+mappings+`}`)))
	if err != nil {
		t.Fatalf("create index %s: %v", index, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("create index %s: %s", index, b)
	}
	t.Cleanup(func() {
		if res, err := c.Indices.Delete([]string{index}); err == nil {
			res.Body.Close()
		}
	})
}

// docs makes n documents with distinct bodies.
func docs(n int, prefix string) []Doc {
	out := make([]Doc, n)
	for i := range out {
		out[i] = Doc{Body: fmt.Appendf(nil, `{"msg":"%s %d","n":%d}`, prefix, i, i)}
	}
	return out
}

// readDeadLetters parses a dead-letter file.
func readDeadLetters(t testing.TB, path string) []DeadLetter {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open dead letters: %v", err)
	}
	defer f.Close()
	var out []DeadLetter
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var d DeadLetter
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatalf("dead letter line %q: %v", sc.Text(), err)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func dlqPath(t testing.TB) string { return filepath.Join(t.TempDir(), "dead.ndjson") }

// logBuffer is a concurrency-safe slog sink for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// scriptedTransport is a fake RoundTripper: reply decides the answer to the
// n-th bulk request (0-based) from the actions it carries.
type scriptedTransport struct {
	mu     sync.Mutex
	n      int
	bodies []string
	reply  func(n int, actions []sentAction) (status int, body string)
}

type sentAction struct {
	Action, Index, ID string
	Source            string
}

func (s *scriptedTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	var body []byte
	if r.Body != nil {
		body, _ = io.ReadAll(r.Body)
		r.Body.Close()
	}
	s.mu.Lock()
	n := s.n
	s.n++
	s.bodies = append(s.bodies, string(body))
	s.mu.Unlock()
	var actions []sentAction
	lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
	for i := 0; i+1 < len(lines); i += 2 {
		var meta map[string]struct {
			Index string `json:"_index"`
			ID    string `json:"_id"`
		}
		if err := json.Unmarshal([]byte(lines[i]), &meta); err != nil {
			return nil, fmt.Errorf("scripted transport: bad action line %q: %w", lines[i], err)
		}
		for a, m := range meta {
			actions = append(actions, sentAction{Action: a, Index: m.Index, ID: m.ID, Source: lines[i+1]})
		}
	}
	status, respBody := s.reply(n, actions)
	h := http.Header{}
	h.Set("X-Elastic-Product", "Elasticsearch")
	h.Set("Content-Type", "application/json")
	return &http.Response{StatusCode: status, Header: h, Body: io.NopCloser(strings.NewReader(respBody)), Request: r}, nil
}

func (s *scriptedTransport) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

// bulkReply renders a bulk response with one status per action.
func bulkReply(actions []sentAction, statuses []int) string {
	var items []string
	errs := false
	for i, a := range actions {
		st := statuses[i%len(statuses)]
		var e string
		switch {
		case st == 409:
			e = `,"error":{"type":"version_conflict_engine_exception","reason":"[` + a.ID + `]: version conflict, document already exists (current version [1])"}`
		case st == 429:
			e = `,"error":{"type":"es_rejected_execution_exception","reason":"rejected execution"}`
		case st >= 400:
			e = `,"error":{"type":"document_parsing_exception","reason":"failed to parse field [x]","caused_by":{"type":"illegal_argument_exception","reason":"For input string"}}`
		}
		if e != "" {
			errs = true
		}
		items = append(items, fmt.Sprintf(`{%q:{"_index":%q,"_id":%q,"_version":1,"status":%d%s}}`, a.Action, a.Index, a.ID, st, e))
	}
	return fmt.Sprintf(`{"took":1,"errors":%t,"items":[%s]}`, errs, strings.Join(items, ","))
}

func ctxTimeout(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
