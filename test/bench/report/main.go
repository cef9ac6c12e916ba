// Command report runs ttpscope's benchmark suite and prints one table.
//
// Every benchmark runs in its own process (a test binary built once per package), so that the peak
// RSS of each row is its own. Rows: raw ONNX Runtime at batch sizes 1, 8, 32 and 64, `classify`
// on unique lines at the same batch sizes, `classify` on a repetitive stream, the Fluent Bit plugin
// through the C harness, `serve` and `ship` through the Elasticsearch fake — for the embedded
// default model and, when -base names a directory, for a seed-sized model (12 layers, hidden 768,
// random weights: `make model-base`). After the table it checks the performance targets.
//
// Run it from the repository root: go run ./test/bench/report (make bench does).
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

type config struct {
	benchtime     string
	base          string
	int8          string
	baseChunk     int
	baseBenchtime string
	count         int
	harness       bool
	es            bool
	out           string
	goCmd         string
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.benchtime, "benchtime", "3s", "go test -benchtime for the default model's rows")
	fs.StringVar(&c.base, "base", "", "directory of the seed-sized model (make model-base); empty: those rows are skipped")
	fs.StringVar(&c.int8, "int8", "", "directory of the default model's int8 variant (make model-int8); empty: skipped")
	fs.IntVar(&c.baseChunk, "base-chunk", 16, "records per call for the seed-sized model (it runs ~100x slower)")
	fs.StringVar(&c.baseBenchtime, "base-benchtime", "4x", "go test -benchtime for the seed-sized model's rows")
	fs.IntVar(&c.count, "count", 3, "runs of each default-model benchmark; the table shows the median (this machine's noise is ±15% run to run)")
	fs.BoolVar(&c.harness, "harness", true, "run the Fluent Bit plugin through the C harness (needs a C compiler)")
	fs.BoolVar(&c.es, "es", true, "run serve and ship through the Elasticsearch fake")
	fs.StringVar(&c.out, "o", "", "also write the table (Markdown) to this file")
	fs.StringVar(&c.goCmd, "go", "go", "go command")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: go run ./test/bench/report [flags]\n\nRuns every benchmark in its own process and prints one table.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	tmp, err := os.MkdirTemp("", "ttpscope-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	var rows []row
	add := func(r []row, err error) error {
		rows = append(rows, r...)
		return err
	}
	bench, err := build(ctx, c.goCmd, tmp, "./test/bench")
	if err != nil {
		return err
	}
	log.Info("running", "suite", "default model")
	if err := add(runBench(ctx, log, bench, "default", c.benchtime, c.count, nil,
		"^BenchmarkRaw$", "^BenchmarkClassifyUnique$", "^BenchmarkClassifyUniqueCascade$", "^BenchmarkClassifyRepeats$")); err != nil {
		return err
	}
	// The overhead ratios: raw and classify interleaved in one process (6 rounds each), one run.
	if err := add(runBench(ctx, log, bench, "default", "1x", 1, nil, "^BenchmarkOverhead$")); err != nil {
		return err
	}
	if c.int8 != "" {
		if _, err := os.Stat(filepath.Join(c.int8, "model.onnx")); err != nil {
			fmt.Fprintf(stderr, "report: no int8 model in %s (make model-int8): its rows are skipped\n", c.int8)
		} else {
			abs, err := filepath.Abs(c.int8)
			if err != nil {
				return err
			}
			log.Info("running", "suite", "int8 variant", "dir", abs)
			if err := add(runBench(ctx, log, bench, "default int8", c.benchtime, c.count, []string{"TTPSCOPE_BENCH_MODEL=" + abs},
				"^BenchmarkRaw$/^batch=(1|8)$", "^BenchmarkClassifyUnique$/^batch=8$")); err != nil {
				return err
			}
		}
	}
	if c.base != "" {
		if _, err := os.Stat(filepath.Join(c.base, "model.onnx")); err != nil {
			fmt.Fprintf(stderr, "report: no seed-sized model in %s (make model-base): its rows are skipped\n", c.base)
		} else {
			abs, err := filepath.Abs(c.base)
			if err != nil {
				return err
			}
			env := []string{"TTPSCOPE_BENCH_MODEL=" + abs, "TTPSCOPE_BENCH_CHUNK=" + strconv.Itoa(c.baseChunk)}
			log.Info("running", "suite", "seed-sized model", "dir", abs)
			if err := add(runBench(ctx, log, bench, "seed-sized", c.baseBenchtime, 1, env,
				"^BenchmarkRaw$", "^BenchmarkClassifyUnique$/^batch=8$", "^BenchmarkClassifyRepeats$")); err != nil {
				return err
			}
		}
	}
	if c.harness {
		h, err := build(ctx, c.goCmd, tmp, "./test/harness")
		if err != nil {
			return err
		}
		log.Info("running", "suite", "plugin harness")
		if err := add(runBench(ctx, log, h, "default", "1x", c.count, nil, "^BenchmarkPluginNull$", "^BenchmarkPluginES$")); err != nil {
			return err
		}
		if err := add(runBench(ctx, log, h, "default", "1x", 1, nil, "^BenchmarkPluginOverhead$")); err != nil {
			return err
		}
	}
	if c.es {
		e, err := build(ctx, c.goCmd, tmp, "./elastic-ingest")
		if err != nil {
			return err
		}
		log.Info("running", "suite", "serve and ship")
		if err := add(runBench(ctx, log, e, "default", c.benchtime, 1, nil, "^BenchmarkServe$", "^BenchmarkShip$")); err != nil {
			return err
		}
	}

	var table bytes.Buffer
	writeTable(&table, rows)
	writeTargets(&table, rows)
	fmt.Fprintf(&table, "\nMachine: %s, %d CPUs (GOMAXPROCS %d), %s/%s, %s. Benchtime %s, median of %d runs (seed-sized: %s, one run, %d records per call).\n",
		cpuModel(), runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS, runtime.GOARCH, time.Now().UTC().Format("2006-01-02"),
		c.benchtime, c.count, c.baseBenchtime, c.baseChunk)
	if _, err := stdout.Write(table.Bytes()); err != nil {
		return err
	}
	if c.out != "" {
		if err := os.WriteFile(c.out, table.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", c.out, err)
		}
	}
	return nil
}

// build compiles the test binary of pkg into dir and returns its path and the package directory.
func build(ctx context.Context, goCmd, dir, pkg string) (testBinary, error) {
	out := filepath.Join(dir, strings.ReplaceAll(strings.Trim(pkg, "./"), "/", "_")+".test")
	cmd := exec.CommandContext(ctx, goCmd, "test", "-c", "-o", out, pkg)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return testBinary{}, fmt.Errorf("build %s: %w", pkg, err)
	}
	abs, err := filepath.Abs(pkg)
	if err != nil {
		return testBinary{}, err
	}
	return testBinary{path: out, dir: abs, pkg: pkg}, nil
}

type testBinary struct{ path, dir, pkg string }

// row is one benchmark result.
type row struct {
	model  string
	name   string             // benchmark name without the -N suffix
	m      map[string]float64 // metrics by unit
	rssMiB float64            // the process's peak RSS (a benchmark's own peak-RSS-MiB wins)
	runs   int                // runs the median was taken over
}

// runBench runs each pattern in its own process count times and keeps, per benchmark, the run with the
// median rate.
func runBench(ctx context.Context, log *slog.Logger, tb testBinary, model, benchtime string, count int, env []string, patterns ...string) ([]row, error) {
	var rows []row
	for _, p := range patterns {
		var runs [][]row
		for range max(count, 1) {
			got, err := runOnce(ctx, log, tb, model, benchtime, env, p)
			if err != nil {
				return rows, err
			}
			runs = append(runs, got)
		}
		rows = append(rows, median(runs)...)
	}
	return rows, nil
}

// median picks, for each benchmark of the first run, the run whose rate is the median.
func median(runs [][]row) []row {
	var out []row
	for _, r := range runs[0] {
		var same []row
		for _, run := range runs {
			for _, x := range run {
				if x.name == r.name {
					same = append(same, x)
				}
			}
		}
		slices.SortFunc(same, func(a, b row) int { return cmp.Compare(rate(a), rate(b)) })
		m := same[len(same)/2]
		m.runs = len(same)
		out = append(out, m)
	}
	return out
}

// runOnce runs the benchmarks matching p in a new process.
func runOnce(ctx context.Context, log *slog.Logger, tb testBinary, model, benchtime string, env []string, p string) ([]row, error) {
	cmd := exec.CommandContext(ctx, tb.path, "-test.run=^$", "-test.bench="+p, "-test.benchtime="+benchtime, "-test.count=1")
	cmd.Dir = tb.dir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%s -test.bench=%s: %w\n%s", tb.pkg, p, err, out.String())
	}
	rss := 0.0
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		rss = float64(ru.Maxrss) / 1024 // kilobytes on Linux
	}
	got := parse(out.String())
	if len(got) == 0 && strings.Contains(out.String(), "--- SKIP") {
		log.Warn("skipped", "bench", p, "model", model, "output", strings.TrimSpace(out.String()))
		return nil, nil
	}
	if len(got) == 0 {
		return nil, fmt.Errorf("%s -test.bench=%s: no benchmark results\n%s", tb.pkg, p, out.String())
	}
	for i := range got {
		got[i].model, got[i].rssMiB = model, rss
		if v, ok := got[i].m["peak-RSS-MiB"]; ok {
			got[i].rssMiB = v
		}
		log.Info("done", "bench", got[i].name, "model", model, "records/s", int(rate(got[i])), "took", time.Since(start).Round(time.Second))
	}
	return got, nil
}

// parse reads `go test -bench` output lines: name-N iterations value unit value unit ...
func parse(out string) []row {
	var rows []row
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			if _, err := strconv.Atoi(name[i+1:]); err == nil {
				name = name[:i]
			}
		}
		r := row{name: strings.TrimPrefix(name, "Benchmark"), m: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				continue
			}
			r.m[f[i+1]] = v
		}
		rows = append(rows, r)
	}
	return rows
}

func rate(r row) float64 {
	if v, ok := r.m["records/s"]; ok {
		return v
	}
	return r.m["docs/s"]
}

// describe turns a benchmark name into the table's path and batch columns.
func describe(name string) (path, batch string) {
	base, sub, _ := strings.Cut(name, "/")
	batch = "8"
	if b, ok := strings.CutPrefix(sub, "batch="); ok {
		batch = b
	}
	switch base {
	case "Raw":
		path = "raw ONNX Runtime"
	case "ClassifyUnique":
		path = "classify, unique lines"
	case "ClassifyUniqueCascade":
		path = "classify + cascade, unique lines"
	case "ClassifyRepeats":
		path = "classify, repetitive stream"
	case "Overhead":
		path = "classify, unique lines, interleaved with raw"
	case "PluginOverhead":
		path = "plugin → null, unique, interleaved with classify"
	case "PluginNull":
		path = "plugin → null, " + sub
	case "PluginES":
		path = "plugin → ES fake, " + sub
	case "Serve":
		path = "serve → ES fake, " + sub
	case "Ship":
		path = "ship → ES fake, " + sub
	default:
		path = name
	}
	return path, batch
}

func cell(r row, unit, format string) string {
	v, ok := r.m[unit]
	if !ok {
		return "–"
	}
	return fmt.Sprintf(format, v)
}

func writeTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| path | model | batch | records/s | p50 ms | p99 ms | peak RSS MiB |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		path, batch := describe(r.name)
		p99 := cell(r, "p99-ms", "%.1f")
		if p99 == "–" {
			p99 = cell(r, "max-flush-ms", "≤%.0f")
		}
		rss := fmt.Sprintf("%.0f", r.rssMiB)
		if strings.HasSuffix(strings.SplitN(r.name, "/", 2)[0], "Overhead") {
			rss = "–" // two paths in one process (or a process and its child): no row of its own
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s |\n", path, r.model, batch,
			commas(rate(r)), cell(r, "p50-ms", "%.1f"), p99, rss)
	}
	fmt.Fprintln(w, "\nLatency is per call: one ORT batch (raw), one chunk of records (classify), one flush (plugin: the slowest flush is shown), one _bulk request (serve).")
}

// target is one of the performance issue's targets.
type target struct {
	what      string
	got, want float64
	ok        bool
	unit      string
	note      string // the absolute numbers behind a ratio
}

func find(rows []row, model, name string) (row, bool) {
	for _, r := range rows {
		if r.model == model && r.name == name {
			return r, true
		}
	}
	return row{}, false
}

func writeTargets(w io.Writer, rows []row) {
	var ts []target
	if d, ok := find(rows, "default", "ClassifyUnique/batch=8"); ok {
		if s, ok := find(rows, "seed-sized", "ClassifyUnique/batch=8"); ok && rate(s) > 0 {
			x := rate(d) / rate(s)
			ts = append(ts, target{"default ÷ seed-sized, classify unique (batch 8)", x, 100, x >= 100, "×",
				fmt.Sprintf("%s vs %s records/s", commas(rate(d)), commas(rate(s)))})
		}
	}
	for _, bs := range []string{"1", "8", "32", "64"} {
		// The interleaved measurement when there is one (BenchmarkOverhead: both paths in one process,
		// alternating rounds), else the separate rows.
		if o, ok := find(rows, "default", "Overhead/batch="+bs); ok {
			x := o.m["classify-%-of-raw"]
			ts = append(ts, target{"classify unique ÷ raw ORT, batch " + bs + " (interleaved)", x, 85, x >= 85, "%",
				fmt.Sprintf("%s vs %s records/s", commas(o.m["records/s"]), commas(o.m["raw-records/s"]))})
			continue
		}
		c, ok1 := find(rows, "default", "ClassifyUnique/batch="+bs)
		r, ok2 := find(rows, "default", "Raw/batch="+bs)
		if ok1 && ok2 && rate(r) > 0 {
			x := rate(c) / rate(r) * 100
			ts = append(ts, target{"classify unique ÷ raw ORT, batch " + bs, x, 85, x >= 85, "%",
				fmt.Sprintf("%s vs %s records/s", commas(rate(c)), commas(rate(r)))})
		}
	}
	if q, ok := find(rows, "default int8", "ClassifyUnique/batch=8"); ok {
		if f, ok := find(rows, "default", "ClassifyUnique/batch=8"); ok && rate(f) > 0 {
			x := rate(q) / rate(f)
			ts = append(ts, target{"int8 ÷ fp32, classify unique (batch 8)", x, 1, x > 1, "×",
				fmt.Sprintf("%s vs %s records/s", commas(rate(q)), commas(rate(f)))})
		}
	}
	if r, ok := find(rows, "default", "ClassifyRepeats"); ok {
		ts = append(ts, target{"repetitive stream", rate(r), 50000, rate(r) >= 50000, "records/s", ""})
	}
	if p, ok := find(rows, "default", "PluginNull/unique"); ok {
		if o, ok := find(rows, "default", "PluginOverhead"); ok {
			x := o.m["overhead-%"]
			ts = append(ts, target{"plugin overhead over classify (unique, batch 8, interleaved)", x, 10, x <= 10, "%",
				fmt.Sprintf("%s vs %s records/s", commas(o.m["records/s"]), commas(o.m["classify-records/s"]))})
		} else if c, ok := find(rows, "default", "ClassifyUnique/batch=8"); ok && rate(c) > 0 {
			x := (1 - rate(p)/rate(c)) * 100
			ts = append(ts, target{"plugin overhead over classify (unique, batch 8)", x, 10, x <= 10, "%",
				fmt.Sprintf("%s vs %s records/s", commas(rate(p)), commas(rate(c)))})
		}
		ts = append(ts, target{"plugin peak RSS (null sink, default model)", p.rssMiB, 300 * 1e6 / (1 << 20), p.rssMiB <= 300*1e6/(1<<20), "MiB", ""})
	}
	if len(ts) == 0 {
		return
	}
	fmt.Fprintln(w, "\n| target | measured | wanted | met | from |")
	fmt.Fprintln(w, "|---|---:|---:|---|---|")
	for _, t := range ts {
		cmp := "≥"
		if strings.Contains(t.what, "overhead") || strings.Contains(t.what, "RSS") {
			cmp = "≤"
		}
		met := "yes"
		if !t.ok {
			met = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s %s | %s %s %s | %s | %s |\n", t.what, commas(t.got), t.unit, cmp, commas(t.want), t.unit, met, t.note)
	}
}

// commas formats v with thousands separators (one decimal below 100).
func commas(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	s := strconv.FormatInt(int64(v+0.5), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
