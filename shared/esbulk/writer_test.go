package esbulk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/test/esfake"
)

func TestWriteAllOK(t *testing.T) {
	tg := esfake.NewTarget(t)
	cfg := targetConfig(tg)
	cfg.Index = uniqueIndex(t, "esbulk")
	dropIndices(t, tg, cfg.Index)
	w := newWriter(t, cfg)
	in := docs(40, "ok")
	in = append(in, Doc{Source: map[string]any{"msg": "from a map", "n": 40}})
	out, err := w.Write(context.Background(), in)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	want := Outcome{Indexed: 41, Requests: 1, Rounds: 1}
	if out != want {
		t.Errorf("outcome %+v, want %+v", out, want)
	}
	if n := countDocs(t, tg, cfg.Index); n != 41 {
		t.Errorf("count = %d, want 41", n)
	}
	if s := w.Stats(); s.Docs != 41 || s.Indexed != 41 || s.BulkRequests != 1 || s.Requests != 1 {
		t.Errorf("stats %+v", s)
	}
	if f := tg.Fake; f != nil {
		id := HashID([]byte(cfg.Index), in[0].Body)
		d, ok := f.Doc(cfg.Index, id)
		if !ok || string(d.Source) != string(in[0].Body) {
			t.Errorf("doc %s: %v %s", id, ok, d.Source)
		}
		// The action is create, the default for documents with ids.
		if d.Version != 1 {
			t.Errorf("version %d", d.Version)
		}
	}
	// Sending the same documents again creates nothing: all duplicates.
	out, err = w.Write(context.Background(), in)
	if err != nil || out.Duplicates != 41 || out.Indexed != 0 {
		t.Errorf("resend: %+v %v", out, err)
	}
	if n := countDocs(t, tg, cfg.Index); n != 41 {
		t.Errorf("count after resend = %d, want 41", n)
	}
}

// TestWriteScripted drives Write through a fake RoundTripper with canned
// bulk answers.
func TestWriteScripted(t *testing.T) {
	tests := []struct {
		name     string
		mod      func(*Config)
		reply    func(n int, a []sentAction) (int, string)
		want     Outcome
		requests int // HTTP requests, transport retries included
		errIs    error
		errText  string
	}{
		{
			name:  "all ok",
			reply: func(_ int, a []sentAction) (int, string) { return 200, bulkReply(a, []int{201}) },
			want:  Outcome{Indexed: 6, Requests: 1, Rounds: 1}, requests: 1,
		},
		{
			name: "mixed 201/400/429 then ok",
			reply: func(n int, a []sentAction) (int, string) {
				if n == 0 {
					return 200, bulkReply(a, []int{201, 400, 429})
				}
				return 200, bulkReply(a, []int{201})
			},
			want: Outcome{Indexed: 4, DeadLettered: 2, Requests: 2, Rounds: 2}, requests: 2,
		},
		{
			name: "503 whole request, then ok (transport retry)",
			reply: func(n int, a []sentAction) (int, string) {
				if n == 0 {
					return 503, `{"error":{"type":"unavailable_shards_exception","reason":"primary shard is not active"},"status":503}`
				}
				return 200, bulkReply(a, []int{201})
			},
			want: Outcome{Indexed: 6, Requests: 1, Rounds: 1}, requests: 2,
		},
		{
			name: "500 whole request is retried by Write",
			mod:  func(c *Config) { c.MaxRetries = 2 },
			reply: func(int, []sentAction) (int, string) {
				return 500, `{"error":{"type":"exception","reason":"boom"},"status":500}`
			},
			want: Outcome{Retryable: 6, Requests: 3, Rounds: 3}, requests: 3,
			errIs: ErrIncomplete, errText: "HTTP 500: exception: boom",
		},
		{
			name:  "429 storm exhausted",
			mod:   func(c *Config) { c.MaxRetries = 1 },
			reply: func(_ int, a []sentAction) (int, string) { return 200, bulkReply(a, []int{429}) },
			want:  Outcome{Retryable: 6, Requests: 2, Rounds: 2}, requests: 2,
			errIs: ErrIncomplete, errText: "es_rejected_execution_exception",
		},
		{
			name:  "409 on create is done",
			reply: func(_ int, a []sentAction) (int, string) { return 200, bulkReply(a, []int{409, 201}) },
			want:  Outcome{Indexed: 3, Duplicates: 3, Requests: 1, Rounds: 1}, requests: 1,
		},
		{
			name:  "unparseable answer is retryable",
			mod:   func(c *Config) { c.MaxRetries = 1 },
			reply: func(int, []sentAction) (int, string) { return 200, `{"took":1,"items":[` },
			want:  Outcome{Retryable: 6, Requests: 2, Rounds: 2}, requests: 2,
			errIs: ErrIncomplete, errText: "bulk response: decode",
		},
		{
			name:  "fewer items than documents is retryable",
			mod:   func(c *Config) { c.MaxRetries = 1 },
			reply: func(_ int, a []sentAction) (int, string) { return 200, bulkReply(a[:1], []int{201}) },
			want:  Outcome{Retryable: 6, Requests: 2, Rounds: 2}, requests: 2,
			errIs: ErrIncomplete, errText: "1 items for 6 documents",
		},
		{
			name: "401 is retryable, never dead-lettered",
			mod:  func(c *Config) { c.MaxRetries = 1 },
			reply: func(int, []sentAction) (int, string) {
				return 401, `{"error":{"type":"security_exception","reason":"unable to authenticate"},"status":401}`
			},
			want: Outcome{Retryable: 6, Requests: 2, Rounds: 2}, requests: 2,
			errIs: ErrIncomplete, errText: "HTTP 401: security_exception",
		},
		{
			name: "413 splits the request",
			reply: func(_ int, a []sentAction) (int, string) {
				if len(a) > 2 {
					return 413, ""
				}
				return 200, bulkReply(a, []int{201})
			},
			// 6 → 413, 3+3 → 413 each, 1+2 and 1+2 → ok: 7 requests.
			want: Outcome{Indexed: 6, Requests: 7, Rounds: 1}, requests: 7,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := &scriptedTransport{reply: tc.reply}
			cfg := testConfig("http://es.invalid:9200")
			cfg.Transport = rt
			cfg.DeadLetterPath = dlqPath(t)
			if tc.mod != nil {
				tc.mod(&cfg)
			}
			w := newWriter(t, cfg)
			out, err := w.Write(context.Background(), docs(6, tc.name))
			if out != tc.want {
				t.Errorf("outcome %+v, want %+v", out, tc.want)
			}
			if got := rt.requests(); got != tc.requests {
				t.Errorf("%d HTTP requests, want %d", got, tc.requests)
			}
			if tc.errIs == nil {
				if err != nil {
					t.Errorf("err = %v", err)
				}
			} else if !errors.Is(err, tc.errIs) || !strings.Contains(fmt.Sprint(err), tc.errText) {
				t.Errorf("err = %v, want %v containing %q", err, tc.errIs, tc.errText)
			}
			if tc.want.DeadLettered > 0 {
				dl := readDeadLetters(t, cfg.DeadLetterPath)
				if len(dl) != tc.want.DeadLettered || dl[0].Status != 400 || !strings.Contains(string(dl[0].Error), "document_parsing_exception") {
					t.Errorf("dead letters %+v", dl)
				}
			}
		})
	}
}

func TestWriteRetriesOnlyFailedItems(t *testing.T) {
	rt := &scriptedTransport{reply: func(n int, a []sentAction) (int, string) {
		if n == 0 {
			return 200, bulkReply(a, []int{201, 429, 503, 201})
		}
		return 200, bulkReply(a, []int{201})
	}}
	cfg := testConfig("http://es.invalid:9200")
	cfg.Transport = rt
	w := newWriter(t, cfg)
	in := docs(4, "retry")
	if out, err := w.Write(context.Background(), in); err != nil || out.Indexed != 4 {
		t.Fatalf("%+v %v", out, err)
	}
	if len(rt.bodies) != 2 {
		t.Fatalf("%d requests", len(rt.bodies))
	}
	second := rt.bodies[1]
	if strings.Count(second, "\n") != 4 || !strings.Contains(second, `"retry 1"`) || !strings.Contains(second, `"retry 2"`) || strings.Contains(second, `"retry 0"`) {
		t.Errorf("second request should carry docs 1 and 2 only:\n%s", second)
	}
	// The exact first body: action lines with index and hashed id, compact sources.
	id0 := HashID([]byte("esbulk-test"), in[0].Body)
	wantLine := `{"create":{"_index":"esbulk-test","_id":"` + id0 + `"}}` + "\n" + string(in[0].Body) + "\n"
	if !strings.HasPrefix(rt.bodies[0], wantLine) {
		t.Errorf("first body starts %q, want %q", rt.bodies[0][:len(wantLine)], wantLine)
	}
}

func TestWriteAgainstFakeFaults(t *testing.T) {
	f := esfake.Start(t, esfake.WithSeed(3))
	tests := []struct {
		name    string
		setup   func()
		mod     func(*Config)
		want    Outcome
		wantErr bool
	}{
		{
			name:  "503 for three requests then ok",
			setup: func() { f.FailNextRequests(3, 503) },
			want:  Outcome{Indexed: 10, Requests: 2, Rounds: 2},
		},
		{
			name: "per-item 429 for chosen ids, then ok",
			setup: func() {
				f.FailIDs(2, HashID([]byte("esbulk-test"), docs(10, "per-item 429 for chosen ids, then ok")[3].Body))
			},
			want: Outcome{Indexed: 10, Requests: 3, Rounds: 3},
		},
		{
			name:  "timeout after apply: the resend is a duplicate",
			setup: func() { f.DelayNextRequests(1, time.Second, true) },
			mod:   func(c *Config) { c.RequestTimeout = 100 * time.Millisecond },
			want:  Outcome{Duplicates: 10, Requests: 2, Rounds: 2},
		},
		{
			name:  "connection dropped after apply",
			setup: func() { f.DropNextRequests(3, true) },
			want:  Outcome{Duplicates: 10, Requests: 2, Rounds: 2},
		},
		{
			name:  "connection dropped before apply",
			setup: func() { f.DropNextRequests(3, false) },
			want:  Outcome{Indexed: 10, Requests: 2, Rounds: 2},
		},
		// Last: the writer gives up at its deadline with a request possibly still on its way to the
		// fake, and that request would take the fault programmed for the next case.
		{
			name:    "429 storm until the deadline",
			setup:   func() { f.FailNextRequests(1_000_000, 429) },
			mod:     func(c *Config) { c.Deadline = 150 * time.Millisecond; c.MaxRetries = -1 },
			want:    Outcome{Retryable: 10},
			wantErr: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.ClearFaults()
			tc.setup()
			defer f.ClearFaults()
			cfg := testConfig(f.URL())
			if tc.mod != nil {
				tc.mod(&cfg)
			}
			w := newWriter(t, cfg)
			start := time.Now()
			out, err := w.Write(context.Background(), docs(10, tc.name))
			if tc.want.Retryable > 0 {
				// Rounds and requests depend on timing; the verdict does not.
				out.Requests, out.Rounds = 0, 0
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("Write took %v past a 150ms deadline", d)
				}
			}
			if out != tc.want {
				t.Errorf("outcome %+v, want %+v", out, tc.want)
			}
			if (err != nil) != tc.wantErr {
				t.Errorf("err = %v", err)
			}
		})
	}
	for _, d := range f.Docs("esbulk-test") {
		if d.Version != 1 {
			t.Errorf("doc %s has version %d: written twice", d.ID, d.Version)
		}
	}
}

func TestWriteConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := testConfig("http://" + addr)
	cfg.MaxRetries = 2
	w := newWriter(t, cfg)
	out, err := w.Write(context.Background(), docs(3, "refused"))
	if out.Retryable != 3 || out.Indexed != 0 || !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("outcome %+v err %v", out, err)
	}
	// 3 rounds × (1 + 2 transport retries)
	if s := w.Stats(); s.Requests != 9 || s.Failed != 3 || s.Retries != 6 {
		t.Errorf("stats %+v", s)
	}
}

func TestWriteMappingErrorToDeadLetter(t *testing.T) {
	tg := esfake.NewTarget(t)
	cfg := targetConfig(tg)
	cfg.Index = uniqueIndex(t, "esbulk")
	cfg.DeadLetterPath = dlqPath(t)
	createIndex(t, tg, cfg.Index, `{"properties":{"n":{"type":"long"}}}`)
	w := newWriter(t, cfg)
	in := []Doc{
		{Body: []byte(`{"n":1,"msg":"fine"}`)},
		{Body: []byte(`{"n":"not a number","msg":"bad"}`)},
		{Body: []byte("{\n  \"n\": 3,\n  \"msg\": \"pretty-printed\"\n}")},
	}
	out, err := w.Write(context.Background(), in)
	if err != nil || out != (Outcome{Indexed: 2, DeadLettered: 1, Requests: 1, Rounds: 1}) {
		t.Fatalf("outcome %+v err %v", out, err)
	}
	dl := readDeadLetters(t, cfg.DeadLetterPath)
	if len(dl) != 1 {
		t.Fatalf("%d dead letters", len(dl))
	}
	d := dl[0]
	var e struct{ Type, Reason string }
	_ = json.Unmarshal(d.Error, &e)
	if d.Status != 400 || d.Index != cfg.Index || d.ID != HashID([]byte(cfg.Index), in[1].Body) || d.Action != "create" ||
		string(d.Document) != string(in[1].Body) || !strings.Contains(e.Type, "parsing_exception") || d.Time.IsZero() || d.Tries != 1 {
		t.Errorf("dead letter %+v (error %s)", d, d.Error)
	}
	// The same refused document again: counted, not written twice.
	out, _ = w.Write(context.Background(), in[1:2])
	if out.DeadLettered != 1 {
		t.Errorf("resend outcome %+v", out)
	}
	if n := len(readDeadLetters(t, cfg.DeadLetterPath)); n != 1 {
		t.Errorf("%d dead letters after resend, want 1", n)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestDeadLetterWriteFailureIsRetryable(t *testing.T) {
	f := esfake.Start(t)
	f.MappingErrorOn("bad")
	cfg := testConfig(f.URL())
	cfg.DeadLetterPath = dlqPath(t)
	cfg.MaxRetries = 1
	w := newWriter(t, cfg)
	w.dlq.w = failWriter{}
	in := []Doc{{Body: []byte(`{"ok":1}`)}, {Body: []byte(`{"bad":1}`)}}
	out, err := w.Write(context.Background(), in)
	if out.Indexed != 1 || out.Retryable != 1 || out.DeadLettered != 0 || !strings.Contains(fmt.Sprint(err), "disk on fire") {
		t.Errorf("outcome %+v err %v", out, err)
	}

	// The same with a real full disk, where the platform has one.
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Log("no /dev/full: skipping the ENOSPC case")
		return
	}
	cfg.DeadLetterPath = "/dev/full"
	w2 := newWriter(t, cfg)
	out, err = w2.Write(context.Background(), in[1:])
	if out.Retryable != 1 || !strings.Contains(fmt.Sprint(err), "no space left") {
		t.Errorf("/dev/full: outcome %+v err %v", out, err)
	}
}

func TestRejectedWithoutDeadLetterFile(t *testing.T) {
	f := esfake.Start(t)
	f.MappingErrorOn("bad")
	var logs logBuffer
	cfg := testConfig(f.URL())
	cfg.Logger = logs.logger()
	w := newWriter(t, cfg)
	out, err := w.Write(context.Background(), []Doc{{Body: []byte(`{"bad":"secret-marker"}`)}})
	if err != nil || out.Rejected != 1 || out.Retryable != 0 {
		t.Errorf("outcome %+v err %v", out, err)
	}
	if l := logs.String(); !strings.Contains(l, "secret-marker") || !strings.Contains(l, `"level":"ERROR"`) {
		t.Errorf("rejected document not logged: %s", l)
	}
}

func TestInvalidDocumentsAreDeadLetteredUnsent(t *testing.T) {
	rt := &scriptedTransport{reply: func(_ int, a []sentAction) (int, string) { return 200, bulkReply(a, []int{201}) }}
	cfg := testConfig("http://es.invalid:9200")
	cfg.Transport = rt
	cfg.DeadLetterPath = dlqPath(t)
	w := newWriter(t, cfg)
	in := []Doc{
		{Body: []byte(`[1,2]`)},
		{Body: []byte(`{"broken":`)},
		{Body: []byte(`{"a":1}`), Action: "update"},
		{},
		{Source: map[string]any{"f": func() {}}},
		{Body: []byte(`{"fine":true}`)},
	}
	out, err := w.Write(context.Background(), in)
	if err != nil || out != (Outcome{Indexed: 1, DeadLettered: 5, Requests: 1, Rounds: 1}) {
		t.Fatalf("outcome %+v err %v", out, err)
	}
	if strings.Count(rt.bodies[0], "\n") != 2 {
		t.Errorf("invalid docs were sent: %s", rt.bodies[0])
	}
	dl := readDeadLetters(t, cfg.DeadLetterPath)
	if len(dl) != 5 {
		t.Fatalf("%d dead letters", len(dl))
	}
	if dl[1].DocumentText != `{"broken":` || dl[1].Status != 0 || !strings.Contains(string(dl[1].Error), "esbulk_invalid_document") {
		t.Errorf("invalid JSON dead letter %+v", dl[1])
	}
	if string(dl[0].Document) != `[1,2]` {
		t.Errorf("array dead letter %+v", dl[0])
	}

	cfg.Index = ""
	w2 := newWriter(t, cfg)
	out, _ = w2.Write(context.Background(), []Doc{{Body: []byte(`{}`)}, {Index: "given", Body: []byte(`{}`)}})
	if out.DeadLettered != 1 || out.Indexed != 1 {
		t.Errorf("no index: %+v", out)
	}
}

func TestIndexTimePattern(t *testing.T) {
	tg := esfake.NewTarget(t)
	cfg := targetConfig(tg)
	prefix := uniqueIndex(t, "esbulk")
	dropIndices(t, tg, prefix+"-*")
	cfg.Index = prefix + "-%Y.%m.%d"
	cfg.Now = func() time.Time { return time.Date(2030, 1, 2, 3, 0, 0, 0, time.UTC) }
	w := newWriter(t, cfg)
	in := []Doc{
		{Body: []byte(`{"@timestamp":"2024-05-01T23:30:00-02:00"}`)}, // 2024-05-02 UTC
		{Source: map[string]any{"@timestamp": "2024-06-01T00:00:00Z"}},
		{Body: []byte(`{"@timestamp":1704067200000}`)}, // 2024-01-01
		{Body: []byte(`{"x":1}`), Time: time.Date(2023, 7, 4, 12, 0, 0, 0, time.FixedZone("x", 14*3600))},
		{Body: []byte(`{"no":"time"}`)},
		{Body: []byte(`{"i":1}`), Index: prefix + "-override"},
	}
	if out, err := w.Write(context.Background(), in); err != nil || out.Indexed != 6 {
		t.Fatalf("%+v %v", out, err)
	}
	for _, suffix := range []string{"-2024.05.02", "-2024.06.01", "-2024.01.01", "-2023.07.03", "-2030.01.02", "-override"} {
		if n := countDocs(t, tg, prefix+suffix); n != 1 {
			t.Errorf("%s%s has %d docs", prefix, suffix, n)
		}
	}
}

func TestDataStreamAndPipeline(t *testing.T) {
	f := esfake.Start(t)
	c := esClient(t, esfake.Target{URL: f.URL()})
	res, err := c.Ingest.PutPipeline("tag-it", strings.NewReader(`{"processors":[{"set":{"field":"tagged","value":true}}]}`))
	if err != nil || res.IsError() {
		t.Fatalf("put pipeline: %v %v", res, err)
	}
	cfg := testConfig(f.URL())
	cfg.Index = "logs-ttpscope-default"
	cfg.DataStream = true
	cfg.Pipeline = "tag-it"
	cfg.IDMode = IDNone
	w := newWriter(t, cfg)
	in := []Doc{
		{Body: []byte(`{"@timestamp":"2024-05-01T00:00:00Z","m":1}`), Action: "index"},
		{Body: []byte(`{"@timestamp":"2024-05-01T00:00:01Z","m":2}`)},
	}
	if out, err := w.Write(context.Background(), in); err != nil || out.Indexed != 2 {
		t.Fatalf("%+v %v", out, err)
	}
	got := f.Docs("logs-ttpscope-default")
	if len(got) != 2 {
		t.Fatalf("docs %v", got)
	}
	for _, d := range got {
		if !strings.HasPrefix(d.Index, ".ds-logs-ttpscope-default-") || d.Pipeline != "tag-it" || len(d.ID) != 20 {
			t.Errorf("doc %+v", d)
		}
	}
	// An unknown pipeline is a per-item 400: dead-lettered, not retried.
	cfg.Pipeline = "nope"
	cfg.DeadLetterPath = dlqPath(t)
	w2 := newWriter(t, cfg)
	out, err := w2.Write(context.Background(), in[:1])
	if err != nil || out.DeadLettered != 1 {
		t.Errorf("unknown pipeline: %+v %v", out, err)
	}
}

func TestTooLargeForTheCluster(t *testing.T) {
	f := esfake.Start(t, esfake.WithMaxContentLength(600))
	cfg := testConfig(f.URL())
	cfg.DeadLetterPath = dlqPath(t)
	w := newWriter(t, cfg)
	in := docs(8, "split")
	in = append(in, Doc{Body: fmt.Appendf(nil, `{"big":%q}`, strings.Repeat("x", 700))})
	out, err := w.Write(context.Background(), in)
	if err != nil || out.Indexed != 8 || out.DeadLettered != 1 {
		t.Errorf("outcome %+v err %v", out, err)
	}
	if dl := readDeadLetters(t, cfg.DeadLetterPath); len(dl) != 1 || dl[0].Status != 413 {
		t.Errorf("dead letters %+v", dl)
	}
}

func TestTLS(t *testing.T) {
	f := esfake.Start(t, esfake.WithTLS())
	ca, err := f.WriteCAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		mod    func(*Config)
		ok     bool
		errSub string
	}{
		{"CA file", func(c *Config) { c.CAFile = ca }, true, ""},
		{"no CA: verification fails", nil, false, "certificate"},
		{"verification off", func(c *Config) { c.InsecureSkipVerify = true }, true, ""},
		{"CA file with a caller transport", func(c *Config) { c.CAFile = ca; c.Transport = &http.Transport{} }, true, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(f.URL())
			cfg.MaxRetries = 1
			if tc.mod != nil {
				tc.mod(&cfg)
			}
			w := newWriter(t, cfg)
			out, err := w.Write(context.Background(), docs(2, tc.name))
			if tc.ok && (err != nil || out.Indexed+out.Duplicates != 2) {
				t.Errorf("outcome %+v err %v", out, err)
			}
			if !tc.ok && (out.Retryable != 2 || !strings.Contains(fmt.Sprint(err), tc.errSub)) {
				t.Errorf("outcome %+v err %v, want %q", out, err, tc.errSub)
			}
		})
	}
}

func TestAuthHeaders(t *testing.T) {
	const key = "aWQ6YXBpa2V5"
	f := esfake.Start(t, esfake.WithAPIKey(key), esfake.WithBasicAuth("ingest", "s3cret"))
	tests := []struct {
		name   string
		mod    func(*Config)
		header string
		ok     bool
	}{
		{"api key", func(c *Config) { c.APIKey = key }, "APIKey " + key, true},
		{"api key wins over basic", func(c *Config) { c.APIKey = key; c.Username, c.Password = "ingest", "wrong" }, "APIKey " + key, true},
		{"basic", func(c *Config) { c.Username, c.Password = "ingest", "s3cret" }, "Basic aW5nZXN0OnMzY3JldA==", true},
		{"basic in the URL", func(c *Config) { c.Addresses = []string{strings.Replace(f.URL(), "://", "://ingest:s3cret@", 1)} }, "Basic aW5nZXN0OnMzY3JldA==", true},
		{"wrong password", func(c *Config) { c.Username, c.Password = "ingest", "nope" }, "Basic aW5nZXN0Om5vcGU=", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f.ResetRequests()
			cfg := testConfig(f.URL())
			cfg.MaxRetries = 1
			tc.mod(&cfg)
			w := newWriter(t, cfg)
			out, err := w.Write(context.Background(), docs(1, tc.name))
			if tc.ok != (err == nil) || tc.ok != (out.Indexed == 1) {
				t.Errorf("outcome %+v err %v", out, err)
			}
			if !tc.ok && !strings.Contains(err.Error(), "HTTP 401") {
				t.Errorf("err = %v", err)
			}
			reqs := f.Requests()
			if len(reqs) == 0 {
				t.Fatal("no requests")
			}
			for _, r := range reqs {
				if got := r.Header.Get("Authorization"); got != tc.header {
					t.Errorf("Authorization = %q, want %q", got, tc.header)
				}
			}
		})
	}
}

// TestWriteConcurrent: several flushes at once on one Writer, as Fluent
// Bit's Workers N do, with faults; run with -race.
func TestWriteConcurrent(t *testing.T) {
	f := esfake.Start(t, esfake.WithSeed(5))
	f.SetFaults(esfake.Faults{ItemFailureRate: 0.2, ItemStatus: 503, MappingErrorField: "poison"})
	cfg := testConfig(f.URL())
	cfg.DeadLetterPath = dlqPath(t)
	cfg.MaxRetries = -1
	w := newWriter(t, cfg)
	const workers, perWorker = 6, 40
	errs := make(chan error, workers)
	for g := range workers {
		go func() {
			in := docs(perWorker, fmt.Sprintf("worker %d", g))
			in[0] = Doc{Body: fmt.Appendf(nil, `{"poison":%d}`, g)}
			out, err := w.Write(context.Background(), in)
			if err == nil && (out.Indexed != perWorker-1 || out.DeadLettered != 1) {
				err = fmt.Errorf("worker %d: %+v", g, out)
			}
			errs <- err
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := f.Count(cfg.Index); n != workers*(perWorker-1) {
		t.Errorf("fake has %d docs", n)
	}
	if dl := readDeadLetters(t, cfg.DeadLetterPath); len(dl) != workers {
		t.Errorf("%d dead letters, want %d", len(dl), workers)
	}
	if s := w.Stats(); s.Docs != workers*perWorker || s.Indexed != workers*(perWorker-1) || s.DeadLettered != workers {
		t.Errorf("stats %+v", s)
	}
}

func TestWriteAfterClose(t *testing.T) {
	w, err := New(testConfig("http://127.0.0.1:1"))
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	out, err := w.Write(context.Background(), docs(2, "x"))
	if !errors.Is(err, ErrClosed) || out.Retryable != 2 {
		t.Errorf("%+v %v", out, err)
	}
}

func TestWriteHonoursContext(t *testing.T) {
	f := esfake.Start(t)
	f.FailNextRequests(1_000_000, 503)
	cfg := testConfig(f.URL())
	cfg.MaxRetries = -1
	cfg.Deadline = time.Minute
	w := newWriter(t, cfg)
	start := time.Now()
	out, err := w.Write(ctxTimeout(t, 100*time.Millisecond), docs(3, "ctx"))
	if out.Retryable != 3 || !errors.Is(err, ErrIncomplete) {
		t.Errorf("%+v %v", out, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Write ran %v past a 100ms context", d)
	}
}

func TestPing(t *testing.T) {
	f := esfake.Start(t)
	w := newWriter(t, testConfig(f.URL()))
	v, err := w.Ping(context.Background())
	if err != nil || v != esfake.Version {
		t.Errorf("Ping = %q %v", v, err)
	}
	fa := esfake.Start(t, esfake.WithAPIKey("k"))
	w = newWriter(t, testConfig(fa.URL()))
	if _, err := w.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Ping without credentials: %v", err)
	}
}
