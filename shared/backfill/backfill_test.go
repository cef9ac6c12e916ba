package backfill

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/elastic/go-elasticsearch/v8"

	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/shared/esbulk"
	"github.com/ttpscope/ttpscope/shared/schema"
	"github.com/ttpscope/ttpscope/test/esfake"
)

// keywordModel classifies by keyword: enough to check that every document got its own result.
type keywordModel struct {
	mu    sync.Mutex
	texts int
}

func (k *keywordModel) Classes() []string { return schema.Classes() }

func (k *keywordModel) Classify(_ context.Context, texts []string) ([]classifier.Prediction, error) {
	k.mu.Lock()
	k.texts += len(texts)
	k.mu.Unlock()
	classes := schema.Classes()
	out := make([]classifier.Prediction, len(texts))
	for i, t := range texts {
		want := schema.ClassBenign
		switch {
		case strings.Contains(t, "sam"):
			want = "T1003.002"
		case strings.Contains(t, "sysmon"):
			want = "T1562"
		case strings.Contains(t, "token"):
			want = "T1134"
		}
		probs := make([]float32, len(classes))
		for j, c := range classes {
			probs[j] = 0.02
			if c == want {
				probs[j] = 0.94
			}
		}
		out[i] = classifier.Prediction{Probs: probs, Class: want, Score: 0.94}
	}
	return out, nil
}

var commands = []string{`reg save hklm\sam c:\t\s`, `sc stop sysmon`, `runas /token elevate`, `dir c:\users`}

// wantClass is the class keywordModel gives document i.
func wantClass(i int) string {
	return []string{"T1003.002", "T1562", "T1134", schema.ClassBenign}[i%4]
}

type fixture struct {
	tg       esfake.Target
	es       *elasticsearch.Client
	w        *esbulk.Writer
	n        int
	name     string // prefix of everything the test creates
	src, dst string
}

// seed indexes n documents d0000.. into index src of the target (a fresh fake, or the cluster of
// ES_URL), under names of the test's own.
func seed(t *testing.T, n int) *fixture {
	t.Helper()
	return seedOn(t, esfake.NewTarget(t), n)
}

// seedFake is seed on a fake, for tests that inject faults or read the fake's state.
func seedFake(t *testing.T, n int) *fixture {
	t.Helper()
	return seedOn(t, esfake.Start(t).Target(), n)
}

func seedOn(t *testing.T, tg esfake.Target, n int) *fixture {
	t.Helper()
	name := tg.TempName(t)
	f := &fixture{tg: tg, n: n, name: name, src: name + "-src", dst: name + "-dst"}
	w, err := esbulk.New(esbulk.Config{Addresses: []string{tg.URL}, APIKey: tg.APIKey, Username: tg.Username, Password: tg.Password,
		CAFile: tg.CAFile, BackoffInitial: time.Millisecond, BackoffMax: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	docs := make([]esbulk.Doc, n)
	for i := range docs {
		docs[i] = esbulk.Doc{Index: f.src, ID: fmt.Sprintf("d%04d", i), Source: map[string]any{
			"@timestamp": time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC).Format(time.RFC3339),
			"process":    map[string]any{"command_line": fmt.Sprintf("%s #%d", commands[i%4], i)},
			"n":          i,
		}}
	}
	out, err := w.Write(context.Background(), docs)
	if err != nil || out.Indexed != n {
		t.Fatalf("seed: %+v %v", out, err)
	}
	tg.Refresh(t, f.src) // a point in time sees what was refreshed
	cfg := elasticsearch.Config{Addresses: []string{tg.URL}, APIKey: tg.APIKey, Username: tg.Username, Password: tg.Password}
	if tg.CAFile != "" {
		if cfg.CACert, err = os.ReadFile(tg.CAFile); err != nil {
			t.Fatal(err)
		}
	}
	es, err := elasticsearch.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.es, f.w = es, w
	return f
}

func (f *fixture) config(t *testing.T, model string) (Config, *keywordModel) {
	t.Helper()
	km := &keywordModel{}
	enr, err := enrich.New(km, enrich.Options{Model: model, CacheEntries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return Config{Client: f.es, Writer: f.w, Enricher: enr, Source: f.src, PageSize: 40}, km
}

// checkIndex asserts, over the HTTP API, that index holds every seeded document once, enriched by
// model, with the given version.
func (f *fixture) checkIndex(t *testing.T, index, model string, version int64) {
	t.Helper()
	docs := f.tg.Docs(t, index)
	if len(docs) != f.n {
		t.Fatalf("%s has %d documents, want %d", index, len(docs), f.n)
	}
	for i := 0; i < f.n; i++ {
		id := fmt.Sprintf("d%04d", i)
		d, ok := docs[id]
		if !ok {
			t.Fatalf("%s: %s missing", index, id)
		}
		if d.Version != version {
			t.Errorf("%s/%s version %d, want %d", index, id, d.Version, version)
		}
		var src struct {
			N        int           `json:"n"`
			TTPScope schema.Result `json:"ttpscope"`
		}
		if err := json.Unmarshal(d.Source, &src); err != nil {
			t.Fatal(err)
		}
		if src.N != i || src.TTPScope.Status != schema.StatusOK || src.TTPScope.Class != wantClass(i) || src.TTPScope.Model != model {
			t.Fatalf("%s/%s: n %d, result %+v; want n %d class %s model %s", index, id, src.N, src.TTPScope, i, wantClass(i), model)
		}
	}
}

// openPITs checks, on a fake, that no point in time was left open (a real cluster does not tell
// which are ours).
func (f *fixture) openPITs(t *testing.T) {
	t.Helper()
	if f.tg.Fake != nil {
		if n := f.tg.Fake.OpenPITs(); n != 0 {
			t.Errorf("%d PITs left open", n)
		}
	}
}

func TestBackfillIntoDest(t *testing.T) {
	for _, slices := range []int{1, 3} {
		t.Run(fmt.Sprint(slices, " slices"), func(t *testing.T) {
			f := seed(t, 301)
			cfg, km := f.config(t, "m@1")
			cfg.Dest, cfg.Slices = f.dst, slices
			rep, err := Run(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			f.checkIndex(t, f.dst, "m@1", 1)
			sum := rep.Sum()
			if rep.Total != 301 || sum.Read != 301 || sum.Enriched != 301 || sum.Written != 301 || sum.Skipped != 0 || sum.Duplicates != 0 || len(rep.Slices) != slices {
				t.Errorf("report %+v sum %+v", rep, sum)
			}
			if rep.PerClass["T1003.002"] != 76 || rep.PerClass[schema.ClassBenign] != 75 {
				t.Errorf("per class %v", rep.PerClass)
			}
			if km.texts != 301 {
				t.Errorf("classified %d texts, want 301", km.texts)
			}
			for _, sl := range rep.Slices {
				if !sl.Done || (slices > 1 && (sl.Read == 0 || sl.Read == 301)) {
					t.Errorf("slice %+v", sl)
				}
			}
			f.openPITs(t)
			// The source is untouched.
			if d, ok := f.tg.Doc(t, f.src, "d0000"); !ok || d.Version != 1 || strings.Contains(string(d.Source), "ttpscope") {
				t.Errorf("source changed: %+v", d)
			}
		})
	}
}

func TestSlicesAsSeparateProcesses(t *testing.T) {
	f := seed(t, 250)
	var read int64
	for id := range 3 {
		cfg, _ := f.config(t, "m@1")
		cfg.Dest, cfg.Slices, cfg.SliceIDs = f.dst, 3, []int{id}
		cfg.Checkpoint = filepath.Join(t.TempDir(), "ck.json")
		rep, err := Run(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Slices) != 1 || rep.Slices[0].ID != id || !rep.Slices[0].Done {
			t.Fatalf("slice %d: %+v", id, rep.Slices)
		}
		if rep.Sum().Duplicates != 0 {
			t.Errorf("slice %d overlapped: %+v", id, rep.Sum())
		}
		read += rep.Sum().Read
	}
	if read != 250 {
		t.Errorf("slices read %d documents together, want 250", read)
	}
	f.checkIndex(t, f.dst, "m@1", 1)
}

func TestInPlaceAndSkip(t *testing.T) {
	f := seed(t, 120)
	cfg, _ := f.config(t, "m@1")
	cfg.Slices = 2
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.checkIndex(t, f.src, "m@1", 2) // refreshes: the next run sees what this one wrote
	if s := rep.Sum(); s.Written != 120 || s.Enriched != 120 {
		t.Errorf("first run %+v", s)
	}
	// Again: everything is already enriched by m@1: nothing classified or written.
	cfg, km := f.config(t, "m@1")
	rep, err = Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Sum(); s.Read != 120 || s.Skipped != 120 || s.Written != 0 || s.Enriched != 0 || km.texts != 0 {
		t.Errorf("rerun %+v, classified %d", s, km.texts)
	}
	f.checkIndex(t, f.src, "m@1", 2)
	// A new model version is not skipped.
	cfg, _ = f.config(t, "m@2")
	if rep, err = Run(context.Background(), cfg); err != nil || rep.Sum().Written != 120 {
		t.Fatalf("new model: %+v %v", rep.Sum(), err)
	}
	f.checkIndex(t, f.src, "m@2", 3)
	// --force writes again.
	cfg, km = f.config(t, "m@2")
	cfg.Force = true
	if rep, err = Run(context.Background(), cfg); err != nil || rep.Sum().Written != 120 || km.texts != 120 {
		t.Fatalf("force: %+v %v", rep.Sum(), err)
	}
	f.checkIndex(t, f.src, "m@2", 4)
}

func TestDestCopiesAlreadyEnriched(t *testing.T) {
	f := seed(t, 80)
	cfg, _ := f.config(t, "m@1")
	if _, err := Run(context.Background(), cfg); err != nil { // in place first
		t.Fatal(err)
	}
	f.tg.Refresh(t, f.src)
	cfg, km := f.config(t, "m@1")
	cfg.Dest = f.dst
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if s := rep.Sum(); s.Skipped != 80 || s.Written != 80 || km.texts != 0 {
		t.Errorf("%+v classified %d", s, km.texts)
	}
	f.checkIndex(t, f.dst, "m@1", 1)
}

func TestInterruptAndResume(t *testing.T) {
	f := seed(t, 400)
	ck := filepath.Join(t.TempDir(), "ck.json")
	ctx, cancel := context.WithCancel(context.Background())
	cfg, _ := f.config(t, "m@1")
	cfg.Dest, cfg.Slices, cfg.Checkpoint = f.dst, 3, ck
	var pages int
	var mu sync.Mutex
	cfg.Progress = func(Report) {
		mu.Lock()
		defer mu.Unlock()
		if pages++; pages == 3 {
			cancel()
		}
	}
	rep1, err := Run(ctx, cfg)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	first := rep1.Sum()
	if n := f.tg.Count(t, f.dst); first.Written == 0 || first.Written >= 400 || first.Written != int64(n) {
		t.Fatalf("interrupted run wrote %d, dst has %d", first.Written, n)
	}
	var saved checkpoint
	b, err := os.ReadFile(ck)
	if err != nil || json.Unmarshal(b, &saved) != nil || saved.Source != f.src || len(saved.Slices) == 0 {
		t.Fatalf("checkpoint %s: %v", b, err)
	}
	cfg.Progress = nil
	rep2, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	second := rep2.Sum()
	if first.Written+second.Written != 400 || second.Duplicates != 0 || first.Read+second.Read != 400 {
		t.Errorf("first %+v second %+v: want 400 written once", first, second)
	}
	f.checkIndex(t, f.dst, "m@1", 1)
	// A third run with the finished checkpoint reads nothing.
	rep3, err := Run(context.Background(), cfg)
	if err != nil || rep3.Sum().Read != 0 {
		t.Errorf("finished checkpoint: %+v %v", rep3.Sum(), err)
	}
	// Another source with that checkpoint is refused.
	cfg.Source = f.name + "-other"
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Errorf("mismatched checkpoint: %v", err)
	}
}

func TestFaultsRetried(t *testing.T) {
	f := seedFake(t, 200)
	f.tg.Fake.SetFaults(esfake.Faults{PathContains: "_bulk", FailRequests: 2, RequestStatus: 503, ItemFailureRate: 0.3, ItemStatus: 429})
	cfg, _ := f.config(t, "m@1")
	cfg.Dest, cfg.Slices = f.dst, 2
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.tg.Fake.ClearFaults()
	f.checkIndex(t, f.dst, "m@1", 1)
	if s := rep.Sum(); s.Written+s.Duplicates != 200 || s.DeadLettered != 0 {
		t.Errorf("%+v", s)
	}
	if st := f.w.Stats(); st.Retries == 0 {
		t.Errorf("no retries: %+v", st)
	}
}

func TestSearchFaultFailsSlice(t *testing.T) {
	f := seedFake(t, 50)
	cfg, _ := f.config(t, "m@1")
	cfg.Dest = f.dst
	f.tg.Fake.SetFaults(esfake.Faults{PathContains: "_search", FailRequests: 100, RequestStatus: 400})
	_, err := Run(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "search slice 0") {
		t.Fatalf("err %v", err)
	}
	f.openPITs(t)
}

func TestDataStreamInPlaceRefused(t *testing.T) {
	f := seed(t, 1)
	// A data stream template of the test's own (not the cluster's built-in logs-*-*).
	f.tg.DoOK(t, "PUT", "/_index_template/"+f.name, []byte(`{"index_patterns":["`+f.name+`-ds-*"],"data_stream":{},"priority":4242}`))
	stream, dest := f.name+"-ds-app", f.name+"-ds-enriched"
	w := f.w
	out, err := w.Write(context.Background(), []esbulk.Doc{{Index: stream, Source: map[string]any{
		"@timestamp": "2026-01-01T00:00:00Z", "process": map[string]any{"command_line": "sc stop sysmon"}}}})
	if err != nil || out.Indexed != 1 {
		t.Fatalf("%+v %v", out, err)
	}
	cfg, _ := f.config(t, "m@1")
	f.tg.Refresh(t, stream)
	cfg.Source = stream
	if _, err := Run(context.Background(), cfg); err == nil || !strings.Contains(err.Error(), "data stream") {
		t.Fatalf("in place on a data stream: %v", err)
	}
	cfg.Dest = dest
	rep, err := Run(context.Background(), cfg)
	if err != nil || rep.Sum().Written != 1 {
		t.Fatalf("into a new stream: %+v %v", rep.Sum(), err)
	}
	// --force into the stream: create again, the document stays (409), nothing is dead-lettered.
	cfg.Force = true
	rep, err = Run(context.Background(), cfg)
	if s := rep.Sum(); err != nil || s.Duplicates != 1 || s.DeadLettered != 0 || s.Written != 0 {
		t.Fatalf("force into a stream: %+v %v", s, err)
	}
	if got := f.tg.Count(t, dest); got != 1 {
		t.Errorf("stream has %d documents, want 1", got)
	}
	if ds := f.tg.DataStreams(t, f.name+"-ds-*"); len(ds) != 2 {
		t.Errorf("data streams %v, want %s and %s", ds, stream, dest)
	}
}

func TestConfigErrors(t *testing.T) {
	f := seed(t, 1)
	base, _ := f.config(t, "m@1")
	for _, tc := range []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"no source", func(c *Config) { c.Source = "" }, "no source"},
		{"slice id out of range", func(c *Config) { c.Slices, c.SliceIDs = 2, []int{2} }, "slice id 2"},
		{"slice id twice", func(c *Config) { c.Slices, c.SliceIDs = 3, []int{1, 1} }, "given twice"},
		{"bad query", func(c *Config) { c.Query = json.RawMessage(`[1]`) }, "query"},
		{"page size", func(c *Config) { c.PageSize = 20000 }, "page size"},
		{"missing index", func(c *Config) { c.Source = f.name + "-nope" }, "404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.mod(&c)
			if _, err := Run(context.Background(), c); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}

func TestQueryFilters(t *testing.T) {
	f := seed(t, 100)
	cfg, _ := f.config(t, "m@1")
	cfg.Dest, cfg.Query = f.dst, json.RawMessage(`{"range":{"n":{"lt":30}}}`)
	rep, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total != 30 || rep.Sum().Written != 30 || f.tg.Count(t, f.dst) != 30 {
		t.Errorf("total %d written %d", rep.Total, rep.Sum().Written)
	}
}

func BenchmarkBackfill(b *testing.B) {
	fake := esfake.Start(b)
	w, err := esbulk.New(esbulk.Config{Addresses: []string{fake.URL()}})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	const n = 2000
	docs := make([]esbulk.Doc, n)
	for i := range docs {
		docs[i] = esbulk.Doc{Index: "src", ID: fmt.Sprintf("d%05d", i), Source: map[string]any{
			"process": map[string]any{"command_line": fmt.Sprintf("%s #%d", commands[i%4], i)}}}
	}
	if _, err := w.Write(context.Background(), docs); err != nil {
		b.Fatal(err)
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{fake.URL()}})
	if err != nil {
		b.Fatal(err)
	}
	enr, err := enrich.New(&keywordModel{}, enrich.Options{Model: "m@1", CacheEntries: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cfg := Config{Client: es, Writer: w, Enricher: enr, Source: "src", Dest: fmt.Sprintf("dst-%d", i), Slices: 2, PageSize: 500}
		rep, err := Run(context.Background(), cfg)
		if err != nil || rep.Sum().Written != n {
			b.Fatalf("%+v %v", rep.Sum(), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func FuzzLoadCheckpoint(f *testing.F) {
	f.Add([]byte(`{"version":1,"source":"src","dest":"dst","query":{"match_all":{}},"slices_max":2,"slices":{"0":{"search_after":[1,"x"],"done":false}}}`))
	f.Add([]byte(`{"version":1,"source":"src","slices":{"a":{}}}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "ck.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg := Config{Source: "src", Dest: "dst", Slices: 2, Checkpoint: path, Query: json.RawMessage(`{"match_all":{}}`)}
		ck, err := loadCheckpoint(cfg)
		if err != nil {
			return
		}
		// An accepted checkpoint matches the run and survives a save and a reload.
		if ck.Source != "src" || ck.Dest != "dst" || ck.Max != 2 || ck.Slices == nil {
			t.Fatalf("accepted %+v", ck)
		}
		if err := ck.save(path); err != nil {
			t.Fatal(err)
		}
		if _, err := loadCheckpoint(cfg); err != nil {
			t.Fatalf("reload after save: %v", err)
		}
	})
}
