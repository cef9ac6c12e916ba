package sink

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/config"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/deadletter"
	"github.com/ttpscope/ttpscope/shared/esbulk"
	"github.com/ttpscope/ttpscope/test/esfake"
)

func esTestConfig(t *testing.T, url, dl string, extra map[string]string) *config.Config {
	t.Helper()
	keys := map[string]string{"sink": "es", "es_url": url, "es_index": "ttp-%Y.%m", "dead_letter_path": dl,
		"flush_timeout": "1s", "es_api_key": "c2VjcmV0OmtleQ=="}
	for k, v := range extra {
		keys[k] = v
	}
	cfg, err := config.Parse(func(k string) (string, bool) { v, ok := keys[k]; return v, ok },
		func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func esEvents(n int, bad func(i int) bool) []Event {
	evs := make([]Event, n)
	for i := range evs {
		rec := map[string]any{"id": fmt.Sprintf("r%d", i), "message": "whoami"}
		if bad != nil && bad(i) {
			rec["bad_field"] = "x"
		}
		raw, _ := json.Marshal(rec)
		evs[i] = Event{Time: time.Date(2026, 3, 1, 0, 0, i, 0, time.UTC), Record: rec,
			Key: [][]byte{[]byte("t"), fmt.Appendf(nil, "ts%d", i), raw}}
	}
	return evs
}

// readDeadLetters returns the lines of the dead-letter file, as generic objects.
func readDeadLetters(t *testing.T, path string) []map[string]any {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []map[string]any
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("dead letter %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

func TestESWrite(t *testing.T) {
	tests := []struct {
		name    string
		faults  func(*esfake.Server)
		bad     func(i int) bool
		extra   map[string]string
		ctx     time.Duration
		resends int // the same events written again afterwards (Fluent Bit re-sending the chunk)
		want    Outcome
		wantErr bool
		docs    int // documents in the index at the end
	}{
		{name: "healthy", want: Outcome{Delivered: 10}, docs: 10},
		{name: "resend is duplicates", resends: 1, want: Outcome{Duplicates: 10}, docs: 10},
		{name: "429 then ok", faults: func(s *esfake.Server) { s.FailNextRequests(4, 429) }, want: Outcome{Delivered: 10}, docs: 10},
		{name: "mapping error dead-lettered", faults: func(s *esfake.Server) { s.MappingErrorOn("bad_field") },
			bad: func(i int) bool { return i%3 == 0 }, want: Outcome{Delivered: 6, DeadLettered: 4}, docs: 6},
		{name: "down past the deadline", faults: func(s *esfake.Server) { s.FailNextRequests(1000, 503) },
			ctx: 400 * time.Millisecond, want: Outcome{Retryable: 10}, wantErr: true},
		{name: "es_id none", extra: map[string]string{"es_id": "none"}, want: Outcome{Delivered: 10}, docs: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := esfake.Start(t, esfake.WithAPIKey("c2VjcmV0OmtleQ=="))
			if tt.faults != nil {
				tt.faults(es)
			}
			dl := filepath.Join(t.TempDir(), "dead.ndjson")
			cfg := esTestConfig(t, es.URL(), dl, tt.extra)
			s, err := NewES(cfg, deadletter.New(dl), slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			timeout := tt.ctx
			if timeout == 0 {
				timeout = 5 * time.Second
			}
			var out Outcome
			for range 1 + tt.resends {
				ctx, cancel := context.WithTimeout(context.Background(), timeout)
				start := time.Now()
				out, err = s.Write(ctx, "t", esEvents(10, tt.bad))
				cancel()
				if el := time.Since(start); el > timeout+300*time.Millisecond {
					t.Errorf("Write took %v with a %v context", el, timeout)
				}
			}
			if out != tt.want || (err != nil) != tt.wantErr || (err != nil) != (out.Retryable > 0) {
				t.Fatalf("Write = %+v, %v; want %+v, error %v", out, err, tt.want, tt.wantErr)
			}
			if got := len(es.Docs("ttp-*")); got != tt.docs {
				t.Errorf("%d documents indexed, want %d", got, tt.docs)
			}
			if tt.docs > 0 && tt.extra["es_id"] == "" {
				for _, d := range es.Docs("ttp-*") {
					if d.Index != "ttp-2026.03" {
						t.Errorf("document in index %q, want ttp-2026.03", d.Index)
					}
					f, _ := d.Fields()
					raw, _ := json.Marshal(map[string]any{"id": f["id"], "message": "whoami"})
					var i int
					fmt.Sscanf(fmt.Sprint(f["id"]), "r%d", &i)
					if want := DocID([][]byte{[]byte("t"), fmt.Appendf(nil, "ts%d", i), raw}); d.ID != want {
						t.Errorf("document %v has _id %s, want %s", f["id"], d.ID, want)
					}
					if f["@timestamp"] == nil {
						t.Errorf("document %s has no @timestamp", d.ID)
					}
				}
			}
			dead := readDeadLetters(t, dl)
			if len(dead) != tt.want.DeadLettered {
				t.Fatalf("%d dead letters, want %d", len(dead), tt.want.DeadLettered)
			}
			for _, d := range dead {
				doc, _ := d["document"].(map[string]any)
				if d["status"] != float64(400) || doc["bad_field"] != "x" || d["id"] == "" {
					t.Errorf("dead letter %v", d)
				}
			}
		})
	}
}

func TestESUnencodableRecordGoesToPluginDeadLetter(t *testing.T) {
	es := esfake.Start(t)
	dl := filepath.Join(t.TempDir(), "dead.ndjson")
	keys := map[string]string{"sink": "es", "es_url": es.URL(), "dead_letter_path": dl}
	cfg, err := config.Parse(func(k string) (string, bool) { v, ok := keys[k]; return v, ok },
		func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	dw := deadletter.New(dl)
	defer dw.Close()
	s, err := NewES(cfg, dw, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs := esEvents(3, nil)
	evs[1].Record["score"] = math.NaN()
	out, err := s.Write(context.Background(), "t", evs)
	if err != nil || out != (Outcome{Delivered: 2, DeadLettered: 1}) {
		t.Fatalf("Write = %+v, %v", out, err)
	}
	dead := readDeadLetters(t, dl)
	if len(dead) != 1 || dead[0]["source"] != "ttpscope-fluentbit" || dead[0]["tag"] != "t" {
		t.Fatalf("dead letters %v", dead)
	}
}

func TestESConfigMapping(t *testing.T) {
	cfg := esTestConfig(t, "http://a:9200,http://b:9200", "/tmp/x", map[string]string{"es_tls_verify": "off", "es_pipeline": "p1"})
	ec := esConfig(cfg, nil)
	if len(ec.Addresses) != 2 || ec.APIKey != "c2VjcmV0OmtleQ==" || !ec.InsecureSkipVerify || ec.Pipeline != "p1" ||
		ec.Index != "ttp-%Y.%m" || ec.IDMode != esbulk.IDHash || ec.MaxRetries != -1 || ec.Deadline != time.Second ||
		ec.DeadLetterPath != "/tmp/x" {
		t.Errorf("esConfig = %+v", ec)
	}
}
