package harness

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttpscope/ttpscope/test/esfake"
)

// esIndex is the index pattern the ES tests write to (monthly indices from the event time).
const esIndex = "ttpscope-test-%Y.%m"

// TestElasticsearchFaults indexes through the plugin into the Elasticsearch fake while it misbehaves.
// In every case each record must end up indexed exactly once (or dead-lettered, for mapping errors),
// with the in-process enrichment: retries inside the flush, RETRY to Fluent Bit and re-sent chunks
// must never duplicate, thanks to the deterministic ids.
func TestElasticsearchFaults(t *testing.T) {
	tests := []struct {
		name   string
		faults func(s *esfake.Server)
		bad    bool // records with bad_field are sent and must be dead-lettered
	}{
		{"healthy", func(*esfake.Server) {}, false},
		// Down for a while: longer than one flush's deadline, so chunks come back RETRY and are re-sent.
		// Longer than one flush's deadline: Fluent Bit must get FLB_RETRY and resend.
		{"down for a while", func(s *esfake.Server) { s.FailNextRequests(40, 503) }, false},
		{"429 storm", func(s *esfake.Server) {
			s.FailNextRequests(6, 429)
			s.FailItems(0.3, 429)
		}, false},
		{"partial 503 items", func(s *esfake.Server) { s.FailItems(0.5, 503) }, false},
		// Requests applied but the answer lost: the retry meets 409s, which count as done.
		{"dropped after apply", func(s *esfake.Server) { s.DropNextRequests(4, true) }, false},
		{"mapping error", func(s *esfake.Server) { s.MappingErrorOn("bad_field") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := esfake.New(esfake.WithAPIKey("c2VjcmV0OmtleQ=="))
			defer es.Close()
			tt.faults(es)
			dir := t.TempDir()
			var files []string
			var good, bad []map[string]any
			for c := range 6 {
				evs := makeEvents(fmt.Sprintf("e%d", c), 15, true)
				if tt.bad {
					for i := range evs {
						if i%5 == 0 {
							evs[i].body["bad_field"] = "not a number"
						}
					}
				}
				for _, e := range evs {
					if _, isBad := e.body["bad_field"]; isBad {
						bad = append(bad, e.body)
					} else {
						good = append(good, e.body)
					}
				}
				files = append(files, writeChunk(t, dir, fmt.Sprintf("e%d.msgpack", c), evs))
			}
			dl := filepath.Join(dir, "dead.ndjson")
			var p plan
			p.instance("es", map[string]string{"sink": "es", "es_url": es.URL(), "es_index": esIndex,
				"dead_letter_path": dl, "flush_timeout": "1s"})
			p.flush("es", "linux.audit", 3, 20, 100, files...)
			p.exit()
			r := runHarness(t, dir, &p, "ES_API_KEY=c2VjcmV0OmtleQ==")
			checkLifecycle(t, r, "es")
			g := r.line(t, "group es ")
			if field(t, g, "ok") != "6" {
				t.Fatalf("not every chunk delivered: %s\n%s", g, tail(r.stderr, 4000))
			}
			if mc := fieldFloat(t, g, "max_call_ms"); mc > 1500 {
				t.Errorf("a flush took %.0f ms, past its 1s deadline", mc)
			}
			var got []map[string]any
			for _, d := range es.Docs("ttpscope-test-*") {
				f, err := d.Fields()
				if err != nil {
					t.Fatal(err)
				}
				if f["@timestamp"] == nil {
					t.Errorf("document %s has no @timestamp", d.ID)
				}
				got = append(got, f)
			}
			checkDelivered(t, got, good, reference(t, append(append([]map[string]any{}, good...), bad...), ""))
			checkDeadLetters(t, dl, bad)
			if tt.name == "down for a while" && retriedChunks(t, r) == 0 {
				t.Error("an outage longer than a flush deadline produced no FLB_RETRY")
			}
			st := es.Stats()
			t.Logf("fake: %d requests, %d bulk requests, %d items, %d item errors, %d dropped; harness retries: %d",
				st.Requests, st.BulkRequests, st.BulkItems, st.ItemErrors, st.Dropped, retriedChunks(t, r))
		})
	}
}

func retriedChunks(t *testing.T, r run) int {
	n := 0
	for _, l := range r.results {
		if strings.HasPrefix(l, "flush ") && field(t, l, "tries") != "1" {
			n++
		}
	}
	return n
}

// checkDeadLetters asserts that the dead-letter file holds exactly the records in want, each once, with
// the mapping error. Documents Elasticsearch refuses are written by esbulk, in its DeadLetter layout
// (status, error object, document as sent); lines of the plugin's own layout (undecodable bytes) would
// carry "source" and are not expected here.
func checkDeadLetters(t *testing.T, path string, want []map[string]any) {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) && len(want) == 0 {
		return
	}
	if err != nil {
		t.Fatalf("dead-letter file: %v", err)
	}
	defer f.Close()
	seen := map[string]int{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e struct {
			Status int `json:"status"`
			Error  struct {
				Type   string `json:"type"`
				Reason string `json:"reason"`
			} `json:"error"`
			ID       string         `json:"id"`
			Document map[string]any `json:"document"`
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("dead letter %q: %v", sc.Text(), err)
		}
		if e.Status != 400 || !strings.Contains(e.Error.Type, "parsing_exception") {
			t.Errorf("dead letter status %d error %s: %s", e.Status, e.Error.Type, e.Error.Reason)
		}
		if e.ID == "" {
			t.Errorf("dead letter without the document id: %s", sc.Text())
		}
		if e.Document["ttpscope"] == nil {
			t.Errorf("dead letter record lost its enrichment: %v", e.Document)
		}
		seen[fmt.Sprint(e.Document["id"])]++
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read dead-letter file: %v", err)
	}
	for _, w := range want {
		if id := w["id"].(string); seen[id] != 1 {
			t.Errorf("record %s dead-lettered %d times, want once", id, seen[id])
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%d records dead-lettered, want %d", len(seen), len(want))
	}
}
