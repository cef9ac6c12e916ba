package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/shared/backfill"
	"github.com/ttpscope/ttpscope/shared/esbulk"
	"github.com/ttpscope/ttpscope/test/esfake"
)

// backfillCommands are seeded round-robin; the first is the example of T1003.002.
var backfillCommands = []string{
	`reg save hklm\sam c:\t\s`,
	`Set-MpPreference -DisableRealtimeMonitoring $true`,
	`ls -la /home/alice`,
	`git status`,
}

// backfillSeed is a backfill test's target (a fake, or the cluster of ES_URL) with a seeded source index.
type backfillSeed struct {
	tg       esfake.Target
	src, dst string   // indices of the test's own, deleted at its end
	args     []string // the connection flags plus --source src
}

// seedSource indexes n documents b0000.. into a source index of the target with one _bulk request.
func seedSource(t *testing.T, n int) backfillSeed {
	t.Helper()
	tg := esfake.NewTarget(t)
	clearCLIEnv(t)
	name := tg.TempName(t)
	s := backfillSeed{tg: tg, src: name + "-src", dst: name + "-dst"}
	s.args = append(esArgs(tg), "--source", s.src)
	var body strings.Builder
	for i := range n {
		src, err := json.Marshal(map[string]any{
			"@timestamp": time.Date(2026, 1, 1, 0, 0, 0, i*1e6, time.UTC).Format(time.RFC3339Nano),
			"process":    map[string]any{"command_line": backfillCommands[i%len(backfillCommands)]},
			"seq":        i,
		})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&body, "{\"create\":{\"_index\":%q,\"_id\":\"b%04d\"}}\n%s\n", s.src, i, src)
	}
	tg.Bulk(t, body.String())
	if got := tg.Count(t, s.src); got != n {
		t.Fatalf("seeded %d documents, want %d", got, n)
	}
	return s
}

// runBackfillCmd runs `elastic-ingest backfill args...` and returns its stderr and error.
func runBackfillCmd(ctx context.Context, t testing.TB, args ...string) (string, error) {
	t.Helper()
	var errb bytes.Buffer
	cmd := newBackfillCmd()
	cmd.SetArgs(append([]string{"--workers", "1", "--progress-interval", "0"}, args...))
	cmd.SetOut(&bytes.Buffer{})
	cmd.SetErr(&errb)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	err := cmd.ExecuteContext(ctx)
	return errb.String(), err
}

// ttpscopeOf returns the ttpscope object of a stored document.
func ttpscopeOf(t *testing.T, d esfake.Doc) map[string]any {
	t.Helper()
	f, err := d.Fields()
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := f["ttpscope"].(map[string]any)
	return ts
}

func TestBackfillRealModelIntoDest(t *testing.T) {
	const n = 120
	s := seedSource(t, n)
	stderr, err := runBackfillCmd(context.Background(), t, append(s.args, "--dest", s.dst, "--slices", "2", "--page-size", "25")...)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	docs := s.tg.Docs(t, s.dst)
	model := fmt.Sprint(ttpscopeOf(t, docs["b0000"])["model"])
	if !strings.Contains(model, "@") || !strings.Contains(stderr, "("+model+")") {
		t.Errorf("model %q not name@version or not in the report", model)
	}
	if len(docs) != n {
		t.Fatalf("dst has %d documents, want %d\n%s", len(docs), n, stderr)
	}
	for id, d := range docs {
		ts := ttpscopeOf(t, d)
		if d.Version != 1 || ts["status"] != "ok" || fmt.Sprint(ts["model"]) != model {
			t.Fatalf("%s: version %d ttpscope %v", id, d.Version, ts)
		}
	}
	sam := ttpscopeOf(t, docs["b0000"])
	if sam["class"] != "T1003.002" {
		t.Errorf(`reg save hklm\sam: class %v, want T1003.002`, sam["class"])
	}
	if ben := ttpscopeOf(t, docs["b0002"]); ben["class"] != "benign" {
		t.Errorf("ls -la: class %v, want benign", ben["class"])
	}
	for _, want := range []string{"read          120", "enriched      120", "written       120", "T1003.002     30", "slice 0", "slice 1"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("report lacks %q:\n%s", want, stderr)
		}
	}
}

func TestBackfillCmdSlicesInPlaceAndResume(t *testing.T) {
	const n = 90
	s := seedSource(t, n)
	dir := t.TempDir()
	// Three processes, one slice each, into dst.
	for id := range 3 {
		ck := filepath.Join(dir, fmt.Sprintf("ck%d.json", id))
		if stderr, err := runBackfillCmd(context.Background(), t, append(s.args, "--dest", s.dst,
			"--slices", "3", "--slice-ids", fmt.Sprint(id), "--checkpoint", ck, "--page-size", "10")...); err != nil {
			t.Fatalf("slice %d: %v\n%s", id, err, stderr)
		}
		b, err := os.ReadFile(ck)
		if err != nil || !strings.Contains(string(b), `"done": true`) {
			t.Errorf("checkpoint %d: %s %v", id, b, err)
		}
	}
	dst := s.tg.Docs(t, s.dst)
	if got := len(dst); got != n {
		t.Fatalf("3 slices wrote %d documents, want %d", got, n)
	}
	for id, d := range dst {
		if d.Version != 1 {
			t.Errorf("%s written %d times", id, d.Version)
		}
	}
	// Interrupted in place, then resumed: every document rewritten exactly once.
	ck := filepath.Join(dir, "inplace.json")
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // interrupted before the first page: nothing written, checkpoint-less exit
	_, err := runBackfillCmd(ctx, t, append(s.args, "--in-place", "--checkpoint", ck)...)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted: %v", err)
	}
	if stderr, err := runBackfillCmd(context.Background(), t, append(s.args, "--in-place",
		"--checkpoint", ck, "--page-size", "20")...); err != nil {
		t.Fatalf("in place: %v\n%s", err, stderr)
	}
	src := s.tg.Docs(t, s.src) // refreshes: the rerun below sees the rewritten documents
	if len(src) != n {
		t.Errorf("source holds %d documents, want %d", len(src), n)
	}
	for id, d := range src {
		if d.Version != 2 || ttpscopeOf(t, d)["status"] != "ok" {
			t.Errorf("%s: version %d, ttpscope %v", id, d.Version, ttpscopeOf(t, d))
		}
	}
	// Without the checkpoint, a rerun reads everything and skips it all.
	stderr, err := runBackfillCmd(context.Background(), t, append(s.args, "--in-place")...)
	if err != nil || !strings.Contains(stderr, "skipped       90") || !strings.Contains(stderr, "written       0") {
		t.Errorf("rerun: %v\n%s", err, stderr)
	}
	for id, d := range s.tg.Docs(t, s.src) {
		if d.Version != 2 {
			t.Errorf("%s rewritten by the rerun: version %d", id, d.Version)
		}
	}
}

func TestBackfillCmdDeadLetterAndErrors(t *testing.T) {
	s := seedSource(t, 20)
	dl := filepath.Join(t.TempDir(), "dead.jsonl")
	// A real mapping error: the destination maps process as a keyword, every document has an object there.
	s.tg.CreateIndex(t, s.dst, `{"mappings":{"properties":{"process":{"type":"keyword"}}}}`)
	stderr, err := runBackfillCmd(context.Background(), t, append(s.args, "--dest", s.dst, "--dead-letter", dl)...)
	var pe *partialError
	if !errors.As(err, &pe) || !strings.Contains(stderr, "dead-lettered 20") {
		t.Fatalf("err %v\n%s", err, stderr)
	}
	b, _ := os.ReadFile(dl)
	if lines := strings.Count(string(b), "\n"); lines != 20 {
		t.Errorf("dead-letter file has %d lines, want 20", lines)
	}
	var first map[string]any
	if err := json.Unmarshal(b[:bytes.IndexByte(b, '\n')], &first); err != nil || first["index"] != s.dst {
		t.Errorf("dead letter %v %v", first, err)
	}
	if n := s.tg.Count(t, s.dst); n != 0 {
		t.Errorf("%s holds %d documents, want 0", s.dst, n)
	}

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--dest", "x"}, "--source is required"},
		{[]string{"--source", "src"}, "--dest INDEX or --in-place"},
		{[]string{"--source", "src", "--dest", "x", "--in-place"}, "exclude each other"},
		{[]string{"--source", "src", "--dest", "src"}, "use --in-place"},
		{[]string{"--source", "src", "--in-place", "--slices", "2", "--slice-ids", "2"}, "--slice-ids 2"},
		{[]string{"--source", "src", "--in-place", "--query", "match_all"}, "--query"},
		{[]string{"--source", "src", "--in-place", "--page-size", "0"}, "--page-size"},
		{[]string{"--source", "src", "--in-place", "--es-url", "localhost:9200"}, "--es-url"},
		{[]string{"--source", "src", "--in-place", "--es-password", "x"}, "--es-user"},
	} {
		_, err := runBackfillCmd(context.Background(), t, tc.args...)
		var ue *usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: err %v, want usage error with %q", tc.args, err, tc.want)
		}
	}
}

func TestBackfillEnvNames(t *testing.T) {
	env := esConnEnv()
	if env["es-url"] != "ELASTICSEARCH_URL" || env["es-api-key"] != "ES_API_KEY" || env["kibana-url"] != "" {
		t.Errorf("env %v", env)
	}
}

// BenchmarkBackfillCmd measures documents/s of `backfill` with the embedded model into the fake, over 400
// distinct command lines (--cache-size 0: every document is classified).
func BenchmarkBackfillCmd(b *testing.B) {
	const n = 400
	fake := esfake.Start(b)
	w, err := esbulk.New(esbulk.Config{Addresses: []string{fake.URL()}})
	if err != nil {
		b.Fatal(err)
	}
	docs := make([]esbulk.Doc, n)
	for i := range docs {
		docs[i] = esbulk.Doc{Index: "src", ID: fmt.Sprintf("b%04d", i), Source: map[string]any{
			"process": map[string]any{"command_line": fmt.Sprintf("%s -n %d", backfillCommands[i%len(backfillCommands)], i)}}}
	}
	if out, err := w.Write(context.Background(), docs); err != nil || out.Indexed != n {
		b.Fatalf("seed: %+v %v", out, err)
	}
	w.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stderr, err := runBackfillCmd(context.Background(), b, "--es-url", fake.URL(), "--source", "src",
			"--dest", fmt.Sprintf("dst-%d", i), "--slices", "2", "--cache-size", "0", "--workers", "2")
		if err != nil || fake.Count(fmt.Sprintf("dst-%d", i)) != n {
			b.Fatalf("%v\n%s", err, stderr)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func TestBackfillProgressLine(t *testing.T) {
	var out bytes.Buffer
	p := &backfillProgress{out: &out, start: time.Now().Add(-2 * time.Second)}
	p.print() // nothing reported yet: no line
	if out.Len() != 0 {
		t.Fatalf("printed before any page: %q", out.String())
	}
	p.update(backfill.Report{Total: 1000, Slices: []backfill.SliceReport{
		{ID: 0, Read: 300, Enriched: 250, Skipped: 50, Written: 250, Done: true},
		{ID: 2, Read: 100, Enriched: 100, Written: 100},
	}})
	p.print()
	line := out.String()
	for _, want := range []string{"400 read of 1000", "350 enriched", "50 skipped", "350 written", "| slice 0: 300 done, slice 2: 100\n", "docs/s"} {
		if !strings.Contains(line, want) {
			t.Errorf("progress %q lacks %q", line, want)
		}
	}
	if rate := strings.Fields(line[strings.Index(line, "written, ")+len("written, "):])[0]; rate != "200" && rate != "199" {
		t.Errorf("rate %s docs/s, want about 200", rate)
	}
}
