package harness

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ttpscope/ttpscope/model"
	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/test/bench/benchdata"
	"github.com/ttpscope/ttpscope/test/esfake"
)

// Benchmark shape: 16 chunks of 512 records (Fluent Bit's chunks are up to ~2 MB), flushed by two
// threads (Workers 2), with the default model. Records/s is counted over the flushes alone (the harness
// times its flush group), so model loading is left out; peak RSS is the harness process's getrusage
// maximum after exit, model and ORT included.
const (
	benchChunks   = 16
	benchPerChunk = 512
	benchWorkers  = 2
)

func benchLines(b *testing.B, unique bool) []string {
	if !unique {
		// A repetitive stream: the same few commands over and over (the cache's best case, and a
		// realistic one for process-creation logs).
		var out []string
		for i := range benchChunks * benchPerChunk {
			out = append(out, commandList[i%len(commandList)])
		}
		return out
	}
	out, err := benchdata.Lines(filepath.Join(repoRoot, "test/bench/testdata/unique.txt"))
	if err != nil {
		b.Fatal(err)
	}
	for len(out) < benchChunks*benchPerChunk { // 4096 lines: the second half repeats the first
		out = append(out, out[len(out)-4096])
	}
	return out
}

func benchChunkFiles(b *testing.B, dir string, lines []string) []string {
	var files []string
	for c := range benchChunks {
		evs := make([]event, benchPerChunk)
		for i := range evs {
			n := c*benchPerChunk + i
			evs[i] = event{v2: true, sec: uint32(1767225600 + n), body: map[string]any{
				"id": fmt.Sprintf("b-%d", n), "process": map[string]any{"command_line": lines[n]}, "host": map[string]any{"name": "ws-01"},
			}}
		}
		files = append(files, writeChunk(b, dir, fmt.Sprintf("b%d.msgpack", c), evs))
	}
	return files
}

// benchProps completes a benchmark instance's keys: on the unique stream the cache and the cascade are
// off, so that every record goes through the transformer, as in test/bench's BenchmarkClassifyUnique
// (the second half of the stream repeats the first); the repetitive stream runs with the defaults.
// TTPSCOPE_BENCH_MODEL names a model directory to use instead of the embedded model.
func benchProps(unique bool, props map[string]string) map[string]string {
	if unique {
		props["cache_size"] = "0"
		props["cascade"] = "off"
	}
	if dir := os.Getenv("TTPSCOPE_BENCH_MODEL"); dir != "" {
		props["model_dir"] = dir
	}
	return props
}

// benchRun runs the harness once and reports records/s, the slowest single flush and peak RSS.
func benchRun(b *testing.B, props map[string]string, files []string) {
	dir := b.TempDir()
	var p plan
	p.instance("bench", props)
	p.flush("bench", "bench", benchWorkers, 5, 50, files...)
	p.exit()
	var rps, rss, maxCall float64
	for range b.N {
		r := runHarness(b, dir, &p)
		g := r.line(b, "group bench ")
		if field(b, g, "ok") != fmt.Sprint(len(files)) {
			b.Fatalf("not every chunk delivered: %s\n%s", g, tail(r.stderr, 3000))
		}
		rps += float64(len(files)*benchPerChunk) / (fieldFloat(b, g, "ms") / 1000)
		maxCall = max(maxCall, fieldFloat(b, g, "max_call_ms"))
		rss = max(rss, fieldFloat(b, r.line(b, "rss_kb="), "rss_kb"))
	}
	b.ReportMetric(rps/float64(b.N), "records/s")
	b.ReportMetric(maxCall, "max-flush-ms")
	b.ReportMetric(rss/1024, "peak-RSS-MiB")
	b.ReportMetric(0, "ns/op") // one op is a whole harness run; the metrics above are what to read
}

// BenchmarkPluginNull classifies through the plugin and drops the result: the classification path
// alone, as Fluent Bit drives it. Run: go test -run '^$' -bench . -benchtime 1x ./test/harness
func BenchmarkPluginNull(b *testing.B) {
	for _, unique := range []bool{true, false} {
		name := map[bool]string{true: "unique", false: "repetitive"}[unique]
		b.Run(name, func(b *testing.B) {
			files := benchChunkFiles(b, b.TempDir(), benchLines(b, unique))
			benchRun(b, benchProps(unique, map[string]string{"sink": "null"}), files)
		})
	}
}

// BenchmarkPluginES classifies and indexes into the Elasticsearch fake (in the test process, loopback).
func BenchmarkPluginES(b *testing.B) {
	for _, unique := range []bool{true, false} {
		name := map[bool]string{true: "unique", false: "repetitive"}[unique]
		b.Run(name, func(b *testing.B) {
			es := esfake.New()
			defer es.Close()
			dir := b.TempDir()
			files := benchChunkFiles(b, dir, benchLines(b, unique))
			benchRun(b, benchProps(unique, map[string]string{"sink": "es", "es_url": es.URL(), "es_index": esIndex,
				"dead_letter_path": filepath.Join(dir, "dead.ndjson")}), files)
			if n := es.Count("ttpscope-test-*"); n != benchChunks*benchPerChunk {
				b.Fatalf("fake holds %d documents, want %d", n, benchChunks*benchPerChunk)
			}
		})
	}
}

// pluginOverheadRounds is how many harness runs BenchmarkPluginOverhead interleaves with in-process
// classify passes.
const pluginOverheadRounds = 6

// BenchmarkPluginOverhead measures what the plugin costs over the classify path on the same records:
// rounds alternate (ABBA) between a harness run (null sink, cache and cascade off, as
// BenchmarkPluginNull/unique) and the same chunks enriched in this process by the shared enricher on
// the same model, batch size and number of threads, so that the machine's drift falls on both alike.
// It reports both rates (medians over rounds) and overhead-%, the median of the rounds' 1 - plugin ÷
// classify, which is what the performance target reads.
func BenchmarkPluginOverhead(b *testing.B) {
	lines := benchLines(b, true)
	dir := b.TempDir()
	files := benchChunkFiles(b, dir, lines)
	var p plan
	p.instance("bench", benchProps(true, map[string]string{"sink": "null"}))
	p.flush("bench", "bench", benchWorkers, 5, 50, files...)
	p.exit()
	plugin := func() (float64, error) {
		r := runHarness(b, dir, &p)
		g := r.line(b, "group bench ")
		if field(b, g, "ok") != fmt.Sprint(len(files)) {
			b.Fatalf("not every chunk delivered: %s\n%s", g, tail(r.stderr, 3000))
		}
		return float64(len(files)*benchPerChunk) / (fieldFloat(b, g, "ms") / 1000), nil
	}

	opts := classifier.Options{FS: model.Default()}
	if d := os.Getenv("TTPSCOPE_BENCH_MODEL"); d != "" {
		opts = classifier.Options{ModelDir: d}
	}
	clf, err := classifier.New(context.Background(), opts)
	if err != nil {
		b.Fatal(err)
	}
	defer clf.Close()
	enr, err := enrich.New(clf, enrich.Options{CacheEntries: -1, Model: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	classify := func() (float64, error) {
		d, err := benchdata.Pass(benchWorkers, benchChunks, func(c int) error {
			recs := make([]map[string]any, benchPerChunk)
			for i := range recs {
				n := c*benchPerChunk + i
				recs[i] = map[string]any{"id": fmt.Sprintf("b-%d", n), "process": map[string]any{"command_line": lines[n]},
					"host": map[string]any{"name": "ws-01"}}
			}
			return enr.Enrich(context.Background(), recs)
		})
		return float64(benchChunks*benchPerChunk) / d.Seconds(), err
	}

	pluginRates, classifyRates, err := benchdata.Interleave(b.N*pluginOverheadRounds, plugin, classify)
	if err != nil {
		b.Fatal(err)
	}
	overheads := make([]float64, len(pluginRates))
	for i := range overheads {
		overheads[i] = (1 - pluginRates[i]/classifyRates[i]) * 100
	}
	b.Logf("overheads %.1f", overheads)
	b.ReportMetric(benchdata.Median(pluginRates), "records/s")
	b.ReportMetric(benchdata.Median(classifyRates), "classify-records/s")
	b.ReportMetric(benchdata.Median(overheads), "overhead-%")
	b.ReportMetric(0, "ns/op") // one op is a set of rounds; the metrics above are what to read
}
