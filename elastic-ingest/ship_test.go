package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"

	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/esbulk"
	"github.com/ttpscope/ttpscope/shared/schema"
	"github.com/ttpscope/ttpscope/test/esfake"
)

// keywordClassifier stands in for the model: "sam" → T1003.002, "sysmon" → T1562, else benign.
type keywordClassifier struct{}

func (keywordClassifier) Classes() []string { return schema.Classes() }

func (keywordClassifier) Classify(_ context.Context, texts []string) ([]classifier.Prediction, error) {
	classes := schema.Classes()
	out := make([]classifier.Prediction, len(texts))
	for i, t := range texts {
		want := "benign"
		switch {
		case strings.Contains(t, "sam"):
			want = "T1003.002"
		case strings.Contains(t, "sysmon"):
			want = "T1562"
		}
		probs := make([]float32, len(classes))
		for j, c := range classes {
			probs[j] = 0.02
			if c == want {
				probs[j] = 1 - 0.02*float32(len(classes)-1)
			}
		}
		out[i] = classifier.Prediction{Probs: probs, Class: want, Score: probs[0], Windows: 1}
	}
	return out, nil
}

// shipFlagsFor parses args like the command line does.
func shipFlagsFor(t testing.TB, args ...string) shipFlags {
	t.Helper()
	var f shipFlags
	fs := pflag.NewFlagSet("ship", pflag.ContinueOnError)
	f.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return f
}

func fastRetries(c *esbulk.Config) {
	c.BackoffInitial, c.BackoffMax, c.MaxRetries, c.Deadline = time.Millisecond, 5*time.Millisecond, -1, 20*time.Second
	c.FlushInterval = 20 * time.Millisecond
}

func writeLines(t testing.TB, dir, name string, lines []string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func numbered(n int) []string {
	lines := make([]string, n)
	for i := range lines {
		switch i % 3 {
		case 0:
			lines[i] = fmt.Sprintf(`{"process":{"command_line":"reg save hklm\\sam c:\\t\\s%d"}}`, i)
		case 1:
			lines[i] = fmt.Sprintf(`{"message":"sc stop sysmon %d"}`, i)
		default:
			lines[i] = fmt.Sprintf(`{"message":"ls -la /home/%d","@timestamp":"2026-01-02T03:04:05Z"}`, i)
		}
	}
	return lines
}

type shipRun struct {
	err    error
	stderr string
}

func ship(t testing.TB, ctx context.Context, deps shipDeps, file string, args ...string) shipRun {
	t.Helper()
	if deps.classifier == nil {
		deps.classifier = keywordClassifier{}
	}
	if deps.tune == nil {
		deps.tune = fastRetries
	}
	var errb bytes.Buffer
	err := runShip(ctx, shipFlagsFor(t, append([]string{"--workers", "2", "--chunk", "64", "--flush-docs", "100"}, args...)...),
		deps, []string{file}, strings.NewReader(""), &errb)
	return shipRun{err, errb.String()}
}

// esArgs are the connection flags for a test target: its URL, credentials and CA file.
func esArgs(tg esfake.Target) []string {
	args := []string{"--es-url", tg.URL}
	for flag, v := range map[string]string{"--es-api-key": tg.APIKey, "--es-user": tg.Username, "--es-password": tg.Password, "--es-ca-file": tg.CAFile} {
		if v != "" {
			args = append(args, flag, v)
		}
	}
	return args
}

// clearCLIEnv empties the environment variables the commands read their connection flags from: some
// share their names with the ES_* variables of a real test cluster (ES_API_KEY, ES_PASSWORD,
// ES_CA_FILE), which must reach a command only through the flags a test gives it. Call it after
// esfake.NewTarget, which reads them.
func clearCLIEnv(t testing.TB) {
	for _, name := range esConnEnv() {
		t.Setenv(name, "")
	}
}

// shipTarget is the target of a ship test (a fake, or the cluster of ES_URL), an index name of the
// test's own, deleted at its end, and the ship flags to write there.
func shipTarget(t *testing.T) (esfake.Target, string, []string) {
	t.Helper()
	tg := esfake.NewTarget(t)
	clearCLIEnv(t)
	index := tg.TempName(t)
	return tg, index, append(esArgs(tg), "--index", index)
}

// assertOnce checks, over the HTTP API, that the index holds exactly want documents, each written once
// (version 1).
func assertOnce(t *testing.T, tg esfake.Target, index string, want int) map[string]esfake.Doc {
	t.Helper()
	docs := tg.Docs(t, index)
	if len(docs) != want {
		t.Errorf("%s holds %d documents, want %d", index, len(docs), want)
	}
	for id, d := range docs {
		if d.Version != 1 {
			t.Errorf("document %s has version %d: written more than once", id, d.Version)
		}
	}
	return docs
}

func readCheckpoint(t *testing.T, path string) *checkpoint {
	t.Helper()
	ck, err := loadCheckpoint(path)
	if err != nil {
		t.Fatal(err)
	}
	return ck
}

func TestShipRealModel(t *testing.T) {
	tg, index, args := shipTarget(t)
	dir := t.TempDir()
	file := writeLines(t, dir, "cmds.txt", []string{`reg save hklm\sam c:\t\s`, "", `ls -la /home`})
	var errb bytes.Buffer
	cmd := newShipCmd()
	cmd.SetArgs(append(args, "--workers", "1", file))
	cmd.SetErr(&errb)
	if err := cmd.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("ship: %v\n%s", err, errb.String())
	}
	abs, _ := filepath.Abs(file)
	docs := assertOnce(t, tg, index, 2)
	d, ok := docs[esbulk.HashID([]byte(idScheme), []byte(abs), []byte("1"), []byte(`reg save hklm\sam c:\t\s`))]
	if !ok {
		t.Fatalf("line 1 not under its deterministic id; have %v", docs)
	}
	src, err := d.Fields()
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := src["ttpscope"].(map[string]any)
	if ts["class"] != "T1003.002" || ts["status"] != "ok" || src["message"] != `reg save hklm\sam c:\t\s` {
		t.Errorf("stored document %v, want ttpscope.class T1003.002", src)
	}
	if _, ok := src["threat"]; !ok {
		t.Errorf("no ECS threat fields in %v", src)
	}
	if ck := readCheckpoint(t, file+checkpointSuffix); len(ck.Files) != 1 || ck.Files[0].Line != 3 || ck.Files[0].Format != "text" {
		t.Errorf("checkpoint %+v, want line 3 of %s", ck.Files[0], abs)
	}
	for _, want := range []string{"indexed       2", "class T1003.002 1", "class benign"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, errb.String())
		}
	}
}

func TestShipFaultsEndWithEveryDocOnce(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults func(*esfake.Server)
	}{
		{"429 storm", func(s *esfake.Server) { s.FailItems(0.4, 429) }},
		{"503 requests", func(s *esfake.Server) { s.FailNextRequests(6, 503) }},
		{"dropped after apply", func(s *esfake.Server) { s.DropNextRequests(2, true) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := esfake.Start(t, esfake.WithSeed(7))
			file := writeLines(t, t.TempDir(), "in.ndjson", numbered(600))
			tc.faults(fake)
			r := ship(t, context.Background(), shipDeps{}, file, "--es-url", fake.URL(), "--index", "f")
			if r.err != nil {
				t.Fatalf("ship: %v\n%s", r.err, r.stderr)
			}
			fake.ClearFaults()
			assertOnce(t, fake.Target(), "f", 600)
			if ck := readCheckpoint(t, file+checkpointSuffix); ck.Files[0].Line != 600 {
				t.Errorf("checkpoint at line %d, want 600", ck.Files[0].Line)
			}
		})
	}
}

func TestShipMappingErrorDeadLetters(t *testing.T) {
	tg, index, args := shipTarget(t)
	// A real mapping error: "bad" is a keyword, the two bad lines give it an object.
	tg.CreateIndex(t, index, `{"mappings":{"properties":{"bad":{"type":"keyword"}}}}`)
	dir := t.TempDir()
	lines := numbered(30)
	lines[4] = `{"message":"x","bad":{"field":1}}`
	lines[17] = `{"message":"y","bad":{"field":2}}`
	file := writeLines(t, dir, "in.ndjson", lines)
	dl := filepath.Join(dir, "dead.ndjson")
	r := ship(t, context.Background(), shipDeps{}, file, append(args, "--dead-letter", dl)...)
	var pe *partialError
	if !errors.As(r.err, &pe) {
		t.Fatalf("err %v, want a partialError (exit 3)\n%s", r.err, r.stderr)
	}
	assertOnce(t, tg, index, 28)
	b, err := os.ReadFile(dl)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var d esbulk.DeadLetter
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		if d.Status != 400 || d.Index != index {
			t.Errorf("dead letter %+v", d)
		}
		got = append(got, string(d.Document))
	}
	if len(got) != 2 || !strings.Contains(strings.Join(got, " "), `"field":2`) {
		t.Errorf("dead letters %q, want the 2 bad lines", got)
	}
	// Dead letters are final: the checkpoint passes them.
	if ck := readCheckpoint(t, file+checkpointSuffix); ck.Files[0].Line != 30 {
		t.Errorf("checkpoint at line %d, want 30", ck.Files[0].Line)
	}
	if !strings.Contains(r.stderr, "dead-lettered 2") {
		t.Errorf("report:\n%s", r.stderr)
	}
}

func TestShipCrashAndResume(t *testing.T) {
	fake := esfake.Start(t)
	dir := t.TempDir()
	const n = 1000
	file := writeLines(t, dir, "in.ndjson", numbered(n))
	ckPath := file + checkpointSuffix
	args := []string{"--es-url", fake.URL(), "--index", "c"}

	// Run 1: interrupted after 300 documents were queued, while items keep failing with 429.
	fake.FailItems(0.3, 429)
	ctx, cancel := context.WithCancel(context.Background())
	r1 := ship(t, ctx, shipDeps{afterAdd: func(k int) {
		if k == 300 {
			cancel()
		}
	}}, file, args...)
	if !errors.Is(r1.err, context.Canceled) {
		t.Fatalf("run 1: %v, want context.Canceled (exit 130)", r1.err)
	}
	fake.ClearFaults()
	c1 := readCheckpoint(t, ckPath).Files[0].Line
	if c1 < 1 || c1 >= n {
		t.Fatalf("checkpoint after interrupt at line %d, want within (0,%d)", c1, n)
	}
	if got := fake.Count("c"); got < c1 {
		t.Fatalf("checkpoint says %d lines are final but the index holds %d", c1, got)
	}
	saved, err := os.ReadFile(ckPath)
	if err != nil {
		t.Fatal(err)
	}

	// Run 2: resumes and finishes.
	r2 := ship(t, context.Background(), shipDeps{}, file, args...)
	if r2.err != nil {
		t.Fatalf("run 2: %v\n%s", r2.err, r2.stderr)
	}
	assertOnce(t, fake.Target(), "c", n)
	if !strings.Contains(r2.stderr, fmt.Sprintf("resumed after %d committed lines", c1)) {
		t.Errorf("run 2 report:\n%s", r2.stderr)
	}

	// Run 3: a crash of run 2 before it wrote any checkpoint: everything after c1 is sent again.
	if err := os.WriteFile(ckPath, saved, 0o644); err != nil {
		t.Fatal(err)
	}
	r3 := ship(t, context.Background(), shipDeps{}, file, args...)
	if r3.err != nil {
		t.Fatalf("run 3: %v\n%s", r3.err, r3.stderr)
	}
	assertOnce(t, fake.Target(), "c", n)
	if want := fmt.Sprintf("duplicates    %d", n-c1); !strings.Contains(r3.stderr, want) || !strings.Contains(r3.stderr, "indexed       0") {
		t.Errorf("run 3 report lacks %q / indexed 0:\n%s", want, r3.stderr)
	}
	if ck := readCheckpoint(t, ckPath); ck.Files[0].Line != n {
		t.Errorf("final checkpoint at %d, want %d", ck.Files[0].Line, n)
	}
}

func TestShipFailedDocsAreNotCommitted(t *testing.T) {
	fake := esfake.Start(t)
	file := writeLines(t, t.TempDir(), "in.ndjson", numbered(50))
	fake.FailItems(1, 503) // every item, for good
	r := ship(t, context.Background(), shipDeps{tune: func(c *esbulk.Config) {
		fastRetries(c)
		c.MaxRetries = 2
	}}, file, "--es-url", fake.URL(), "--index", "x")
	var pe *partialError
	if !errors.As(r.err, &pe) || !strings.Contains(r.stderr, "failed        50") {
		t.Fatalf("err %v, want partialError with 50 failed\n%s", r.err, r.stderr)
	}
	if ck := readCheckpoint(t, file+checkpointSuffix); ck.Files[0].Line != 0 {
		t.Errorf("checkpoint at %d, want 0: nothing is final", ck.Files[0].Line)
	}
	fake.ClearFaults()
	if r := ship(t, context.Background(), shipDeps{}, file, "--es-url", fake.URL(), "--index", "x"); r.err != nil {
		t.Fatalf("rerun: %v\n%s", r.err, r.stderr)
	}
	assertOnce(t, fake.Target(), "x", 50)
}

func TestShipChangedFileIsRefused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(lines []string) []string
		want   string
	}{
		{"head rewritten", func(l []string) []string { l[0] = `{"message":"` + strings.Repeat("o", 100) + `"}`; return l }, "first"},
		{"truncated", func(l []string) []string { return l[:5] }, "shrank"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg, index, args := shipTarget(t)
			dir := t.TempDir()
			lines := numbered(20)
			file := writeLines(t, dir, "in.ndjson", lines)
			if r := ship(t, context.Background(), shipDeps{}, file, args...); r.err != nil {
				t.Fatal(r.err)
			}
			writeLines(t, dir, "in.ndjson", tc.change(append([]string(nil), lines...)))
			r := ship(t, context.Background(), shipDeps{}, file, args...)
			var ue *usageError
			if r.err == nil || errors.As(r.err, &ue) || !strings.Contains(r.err.Error(), "changed since the checkpoint") ||
				!strings.Contains(r.err.Error(), tc.want) || !strings.Contains(r.err.Error(), "--restart") {
				t.Fatalf("err %v, want a refusal naming %q and --restart", r.err, tc.want)
			}
			if r := ship(t, context.Background(), shipDeps{}, file, append(args, "--restart")...); r.err != nil {
				t.Fatalf("--restart: %v", r.err)
			}
			// The rewritten head is a new document; the others were not written twice.
			want := 20
			if tc.want == "first" {
				want = 21
			}
			assertOnce(t, tg, index, want)
		})
	}
}

func TestShipAppendedFileResumes(t *testing.T) {
	tg, index, args := shipTarget(t)
	dir := t.TempDir()
	lines := numbered(40)
	file := writeLines(t, dir, "in.ndjson", lines[:25])
	if r := ship(t, context.Background(), shipDeps{}, file, args...); r.err != nil {
		t.Fatal(r.err)
	}
	writeLines(t, dir, "in.ndjson", lines)
	r := ship(t, context.Background(), shipDeps{}, file, args...)
	if r.err != nil {
		t.Fatal(r.err)
	}
	assertOnce(t, tg, index, 40)
	if !strings.Contains(r.stderr, "indexed       15") || !strings.Contains(r.stderr, "duplicates    0") {
		t.Errorf("second run should send only the 15 new lines:\n%s", r.stderr)
	}
}

func TestShipStdinHasNoCheckpoint(t *testing.T) {
	tg, index, args := shipTarget(t)
	dir := t.TempDir()
	t.Chdir(dir)
	var errb bytes.Buffer
	err := runShip(context.Background(), shipFlagsFor(t, args...),
		shipDeps{classifier: keywordClassifier{}, tune: fastRetries}, nil, strings.NewReader("whoami\nreg save hklm\\sam s\n"), &errb)
	if err != nil {
		t.Fatal(err)
	}
	assertOnce(t, tg, index, 2)
	if !strings.Contains(errb.String(), "standard input, which is never resumable") {
		t.Errorf("report:\n%s", errb.String())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("files written for stdin: %v", ents)
	}
}

func TestShipProgressLogLines(t *testing.T) {
	fake := esfake.Start(t)
	file := writeLines(t, t.TempDir(), "in.ndjson", numbered(200))
	// Slow requests make the run last a few UI ticks.
	fake.DelayNextRequests(3, 300*time.Millisecond, false)
	r := ship(t, context.Background(), shipDeps{logInterval: time.Nanosecond}, file, "--es-url", fake.URL(), "--index", "p", "--flush-docs", "50")
	if r.err != nil {
		t.Fatal(r.err)
	}
	if !strings.Contains(r.stderr, "ship: ") || !strings.Contains(r.stderr, "docs/s") || !strings.Contains(r.stderr, "ETA") {
		t.Errorf("no progress log lines in:\n%s", r.stderr)
	}
}

func TestShipUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--es-url", "ftp://x"}, "--es-url"},
		{[]string{"--es-api-key", "k", "--es-user", "u"}, "not both"},
		{[]string{"--checkpoint", "c", "--no-checkpoint"}, "exclude"},
		{[]string{"--flush-docs", "0"}, "--flush-docs"},
		{[]string{"--format", "xml"}, "--format"},
	} {
		err := runShip(context.Background(), shipFlagsFor(t, tc.args...), shipDeps{classifier: keywordClassifier{}}, []string{"/no/such"}, nil, &bytes.Buffer{})
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want a usage error about %q", tc.args, err, tc.want)
		}
	}
}

func TestCommitTrackerContiguous(t *testing.T) {
	for _, tc := range []struct {
		name     string
		start    int
		dispatch []int
		done     []int
		want     []int // committed after each done
	}{
		{"in order", 0, []int{1, 2, 3}, []int{1, 2, 3}, []int{1, 2, 3}},
		{"out of order held back", 0, []int{1, 2, 3, 4}, []int{3, 2, 4, 1}, []int{0, 0, 0, 4}},
		{"gaps (blank lines) ok", 10, []int{12, 15, 16}, []int{15, 12, 16}, []int{10, 15, 16}},
		{"unfinished line blocks", 0, []int{1, 2, 3}, []int{1, 3}, []int{1, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := newCommitTracker(tc.start)
			for _, l := range tc.dispatch {
				tr.dispatch(l)
			}
			prev := tc.start
			for i, l := range tc.done {
				tr.done(l)
				got := tr.committed()
				if got != tc.want[i] || got < prev {
					t.Errorf("after done(%d): committed %d, want %d (previous %d)", l, got, tc.want[i], prev)
				}
				prev = got
			}
		})
	}
	t.Run("abandon and compaction", func(t *testing.T) {
		tr := newCommitTracker(0)
		for l := 1; l <= 5000; l++ {
			tr.dispatch(l)
		}
		tr.dispatch(5001)
		tr.abandon(5001)
		for l := 5000; l >= 1; l-- {
			if l > 1 {
				tr.done(l)
				if tr.committed() != 0 {
					t.Fatalf("committed %d before line 1 finished", tr.committed())
				}
			}
		}
		tr.done(1)
		if tr.committed() != 5000 {
			t.Fatalf("committed %d, want 5000", tr.committed())
		}
	})
}

func TestCheckpointSaveIsAtomicAndRoundTrips(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ck")
	ck := &checkpoint{Version: 1, Files: []*checkpointEntry{{Path: "/x", Line: 42, Size: 7, HeadLen: 7, HeadSHA256: "ab"}}}
	if err := ck.save(p); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("temporary files left: %v", ents)
	}
	got := readCheckpoint(t, p)
	if len(got.Files) != 1 || got.Files[0].Line != 42 || got.Files[0].Path != "/x" {
		t.Errorf("round trip %+v", got.Files)
	}
	os.WriteFile(p, []byte("{"), 0o644)
	if _, err := loadCheckpoint(p); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Errorf("corrupt checkpoint: %v", err)
	}
}

// BenchmarkShip measures documents/s through ship to the fake, with the default model and with a
// stand-in classifier, so the classifier's share of the cost shows.
func BenchmarkShip(b *testing.B) {
	const n = 2000
	file := writeLines(b, b.TempDir(), "in.ndjson", numbered(n))
	for _, bc := range []struct {
		name string
		clf  bool
	}{{"no-model", false}, {"model", true}} {
		b.Run(bc.name, func(b *testing.B) {
			fake := esfake.Start(b, esfake.WithRequestLogLimit(10))
			deps := shipDeps{tune: func(c *esbulk.Config) {}}
			if !bc.clf {
				deps.classifier = keywordClassifier{}
			}
			f := shipFlagsFor(b, "--es-url", fake.URL(), "--no-checkpoint", "--quiet", "--cache-size", "0")
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				// A new index each time so every document is indexed, not a 409.
				f.index = "bench-" + strconv.Itoa(i)
				if err := runShip(context.Background(), f, deps, []string{file}, nil, &bytes.Buffer{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "docs/s")
		})
	}
}

func TestShipForcedProgressBar(t *testing.T) {
	fake := esfake.Start(t)
	file := writeLines(t, t.TempDir(), "in.ndjson", numbered(300))
	fake.DelayNextRequests(2, 300*time.Millisecond, false)
	r := ship(t, context.Background(), shipDeps{}, file, "--es-url", fake.URL(), "--index", "b", "--progress", "--flush-docs", "100")
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Logf("%q", r.stderr)
	if !strings.Contains(r.stderr, "ship") || !strings.Contains(r.stderr, "%") || strings.Contains(r.stderr, "docs/s, ") {
		t.Errorf("want a progress bar, not log lines:\n%q", r.stderr)
	}
}

func TestShipUnreadableLineExit3(t *testing.T) {
	tg, index, args := shipTarget(t)
	lines := numbered(10)
	lines[3] = `{"broken json`
	file := writeLines(t, t.TempDir(), "in.ndjson", lines)
	r := ship(t, context.Background(), shipDeps{}, file, args...)
	var pe *partialError
	if !errors.As(r.err, &pe) || !strings.Contains(r.stderr, "in.ndjson:4:") {
		t.Fatalf("err %v, want partialError naming line 4\n%s", r.err, r.stderr)
	}
	docs := assertOnce(t, tg, index, 10) // kept, with status error
	n := 0
	for _, d := range docs {
		if strings.Contains(string(d.Source), `"status":"error"`) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d documents with status error, want 1", n)
	}
}

func TestShipWritesCheckpointPeriodically(t *testing.T) {
	tg, index, args := shipTarget(t)
	file := writeLines(t, t.TempDir(), "in.ndjson", numbered(600))
	ckPath := file + checkpointSuffix
	var mid int
	r := ship(t, context.Background(), shipDeps{afterAdd: func(k int) {
		if k == 400 { // the first 300 were flushed long ago; wait for a periodic write
			for end := time.Now().Add(5 * time.Second); time.Now().Before(end) && mid == 0; time.Sleep(20 * time.Millisecond) {
				if ck, err := loadCheckpoint(ckPath); err == nil && len(ck.Files) == 1 {
					mid = ck.Files[0].Line
				}
			}
		}
	}}, file, append(args, "--checkpoint-interval", "30ms")...)
	if r.err != nil {
		t.Fatal(r.err)
	}
	if mid < 1 || mid > 400 {
		t.Errorf("checkpoint seen mid-run at line %d, want within [1,400]", mid)
	}
	if ck := readCheckpoint(t, ckPath); ck.Files[0].Line != 600 {
		t.Errorf("final checkpoint at %d", ck.Files[0].Line)
	}
	assertOnce(t, tg, index, 600)
}

// FuzzLoadCheckpoint: any file content either loads or is refused with an error; what loads saves and
// loads back the same.
func FuzzLoadCheckpoint(f *testing.F) {
	f.Add([]byte(`{"version":1,"files":[{"path":"/a","line":3,"size":10,"head_len":10,"head_sha256":"00"}]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"files":[null,{"path":"/b","line":-1}]}`))
	f.Add([]byte(`{"version":1,"files":[{"path":"/c","started":"2026-01-02T03:04:05+01:00"}]}`))
	f.Add([]byte(`{`))
	f.Add([]byte(``))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		p := filepath.Join(dir, "ck")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		ck, err := loadCheckpoint(p)
		if err != nil {
			return
		}
		if ck.Version != 1 {
			t.Fatalf("loaded version %d", ck.Version)
		}
		if err := ck.save(p); err != nil {
			t.Fatal(err)
		}
		again, err := loadCheckpoint(p)
		if err != nil {
			t.Fatalf("reload: %v", err)
		}
		if len(again.Files) != len(ck.Files) {
			t.Fatalf("round trip: %d files, want %d", len(again.Files), len(ck.Files))
		}
		for i := range ck.Files {
			a, b := *ck.Files[i], *again.Files[i]
			if !a.Started.Equal(b.Started) {
				t.Fatalf("round trip: started %v != %v", b.Started, a.Started)
			}
			a.Started, b.Started = time.Time{}, time.Time{}
			if a != b {
				t.Fatalf("round trip: %+v != %+v", b, a)
			}
		}
	})
}

func TestShipRerunOfUnterminatedLastLine(t *testing.T) {
	tg, index, args := shipTarget(t)
	p := filepath.Join(t.TempDir(), "in.txt")
	if err := os.WriteFile(p, []byte("whoami\nreg save hklm\\sam s"), 0o644); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		r := ship(t, context.Background(), shipDeps{}, p, args...)
		if r.err != nil {
			t.Fatalf("run %d: %v\n%s", run, r.err, r.stderr)
		}
		if want := map[int]string{1: "indexed       2", 2: "documents     0"}[run]; !strings.Contains(r.stderr, want) {
			t.Errorf("run %d report lacks %q:\n%s", run, want, r.stderr)
		}
	}
	assertOnce(t, tg, index, 2)
}

func TestLoadCheckpointRefusesBadEntries(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ck")
	for _, body := range []string{
		`{"version":1,"files":[{"path":"/b","line":-1}]}`,
		`{"version":1,"files":[{"path":"/b","head_len":5000}]}`,
		`{"version":3,"files":[]}`,
	} {
		os.WriteFile(p, []byte(body), 0o644)
		if _, err := loadCheckpoint(p); err == nil {
			t.Errorf("%s: loaded, want an error", body)
		}
	}
	os.WriteFile(p, []byte(`{"version":1,"files":[null,{"path":"/ok","line":2}]}`), 0o644)
	if ck, err := loadCheckpoint(p); err != nil || len(ck.Files) != 1 || ck.Files[0].Line != 2 {
		t.Errorf("null entry: %v %+v", err, ck)
	}
}
