package enrich

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/ttpscope/ttpscope/shared/classifier"
)

// fakeClassifier scores by keyword, so every expected value below is known exactly.
type fakeClassifier struct {
	calls atomic.Int64
	texts atomic.Int64
	fail  error
}

func (f *fakeClassifier) Classes() []string { return []string{"benign", "T1003.002", "T1562", "T1134"} }

func (f *fakeClassifier) Classify(_ context.Context, texts []string) ([]classifier.Prediction, error) {
	f.calls.Add(1)
	f.texts.Add(int64(len(texts)))
	if f.fail != nil {
		return nil, f.fail
	}
	out := make([]classifier.Prediction, len(texts))
	for i, t := range texts {
		p := []float32{0.97, 0.01, 0.01, 0.01}
		switch {
		case strings.Contains(t, "hklm\\sam"):
			p = []float32{0.05, 0.9, 0.03, 0.02}
		case strings.Contains(t, "disablerealtimemonitoring"):
			p = []float32{0.4, 0.05, 0.45, 0.1}
		case strings.Contains(t, "boom"):
			out[i].Err = errors.New("cannot classify boom")
			continue
		}
		out[i].Probs = p
	}
	return out, nil
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEnrich(t *testing.T) {
	fc := &fakeClassifier{}
	e, err := New(fc, Options{Model: "fake@1", AlertThreshold: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	recs := []map[string]any{
		{"process": map[string]any{"command_line": `REG SAVE HKLM\SAM c:\t\s`}},
		{"message": "Set-MpPreference -DisableRealtimeMonitoring $true"},
		{"CommandLine": "ipconfig /all"},
		{"other": 1},
		{"message": "   "},
		{"message": "boom"},
		{"process.command_line": `reg   save hklm\sam c:\t\s`}, // same normalized text as record 0
	}
	if err := e.Enrich(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"process":{"command_line":"REG SAVE HKLM\\SAM c:\\t\\s"},"threat":{"framework":"MITRE ATT\u0026CK","tactic":{"id":"TA0006","name":"Credential Access"},"technique":{"id":"T1003","name":"OS Credential Dumping","subtechnique":{"id":"T1003.002","name":"Security Account Manager"}}},"ttpscope":{"class":"T1003.002","malicious_score":0.95,"model":"fake@1","probabilities":{"T1003.002":0.9,"T1134":0.02,"T1562":0.03,"benign":0.05},"score":0.9,"source_field":"process.command_line","status":"ok"}}`,
		// T1562 wins at 0.45, below the 0.5 alert threshold: a class, but no threat fields
		`{"message":"Set-MpPreference -DisableRealtimeMonitoring $true","ttpscope":{"class":"T1562","malicious_score":0.6,"model":"fake@1","probabilities":{"T1003.002":0.05,"T1134":0.1,"T1562":0.45,"benign":0.4},"score":0.45,"source_field":"message","status":"ok"}}`,
		`{"CommandLine":"ipconfig /all","ttpscope":{"class":"benign","malicious_score":0.03,"model":"fake@1","probabilities":{"T1003.002":0.01,"T1134":0.01,"T1562":0.01,"benign":0.97},"score":0.97,"source_field":"CommandLine","status":"ok"}}`,
	}
	for i, w := range want {
		if got := mustJSON(t, recs[i]); got != w {
			t.Errorf("record %d:\n got %s\nwant %s", i, got, w)
		}
	}
	for i, st := range []string{"skipped", "skipped", "error", "ok"} {
		ts := recs[3+i]["ttpscope"].(map[string]any)
		if ts["status"] != st {
			t.Errorf("record %d: status %v, want %s (%v)", 3+i, ts["status"], st, ts)
		}
	}
	if r := recs[5]["ttpscope"].(map[string]any)["reason"]; r != "cannot classify boom" {
		t.Errorf("error reason %v", r)
	}
	// Records 0 and 6 normalize to the same text: classified once.
	if n := fc.texts.Load(); n != 4 {
		t.Errorf("classifier saw %d texts, want 4 (duplicates in a batch classified once)", n)
	}
	st := e.Stats()
	if st.Records != 7 || st.OK != 4 || st.Skipped != 2 || st.Errors != 1 || st.Alerts != 2 ||
		st.PerClass["T1003.002"] != 2 || st.PerClass["T1562"] != 1 || st.PerClass["benign"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestCacheNeverChangesResult classifies the same records twice, the second time from the cache.
func TestCacheNeverChangesResult(t *testing.T) {
	fc := &fakeClassifier{}
	e, err := New(fc, Options{Model: "fake@1"})
	if err != nil {
		t.Fatal(err)
	}
	mk := func() []map[string]any {
		return []map[string]any{{"message": `reg save hklm\sam x`}, {"message": "whoami"}, {"message": "Set-MpPreference -DisableRealtimeMonitoring 1"}}
	}
	first, second := mk(), mk()
	if err := e.Enrich(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	if err := e.Enrich(context.Background(), second); err != nil {
		t.Fatal(err)
	}
	if mustJSON(t, first) != mustJSON(t, second) {
		t.Fatalf("cached results differ:\n%s\n%s", mustJSON(t, first), mustJSON(t, second))
	}
	if fc.calls.Load() != 1 {
		t.Errorf("classifier called %d times, want 1 (second batch all cache hits)", fc.calls.Load())
	}
	if cs := e.Stats().Cache; cs.Hits != 3 || cs.Misses != 3 {
		t.Errorf("cache stats %+v", cs)
	}
}

func TestClassifierFailureAnnotatesEveryRecord(t *testing.T) {
	fc := &fakeClassifier{fail: errors.New("ort exploded")}
	e, _ := New(fc, Options{CacheEntries: -1})
	recs := []map[string]any{{"message": "a"}, {"message": "b"}, {"nothing": true}}
	err := e.Enrich(context.Background(), recs)
	if err == nil || !strings.Contains(err.Error(), "ort exploded") {
		t.Fatalf("err = %v", err)
	}
	for i, want := range []string{"error", "error", "skipped"} {
		if got := recs[i]["ttpscope"].(map[string]any)["status"]; got != want {
			t.Errorf("record %d status %v, want %s", i, got, want)
		}
	}
}

func TestOptionsValidation(t *testing.T) {
	if _, err := New(&fakeClassifier{}, Options{AlertThreshold: 1.5}); err == nil {
		t.Error("threshold 1.5 accepted")
	}
	e, err := New(&fakeClassifier{}, Options{ResultKey: "labels.ml"})
	if err != nil {
		t.Fatal(err)
	}
	rec := map[string]any{"message": "whoami"}
	if err := e.Enrich(context.Background(), []map[string]any{rec}); err != nil {
		t.Fatal(err)
	}
	if _, ok := rec["labels"].(map[string]any)["ml"]; !ok {
		t.Errorf("result not under labels.ml: %v", rec)
	}
}

func BenchmarkEnrichCached(b *testing.B) {
	e, _ := New(&fakeClassifier{}, Options{})
	for b.Loop() {
		recs := []map[string]any{{"message": `reg save hklm\sam x`}, {"process": map[string]any{"command_line": "whoami /all"}}}
		if err := e.Enrich(context.Background(), recs); err != nil {
			b.Fatal(err)
		}
	}
}
