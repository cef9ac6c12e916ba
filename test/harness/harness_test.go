// Package harness tests the Fluent Bit plugin as Fluent Bit loads it: TestMain builds out_ttpscope.so
// (as `make plugin` does) and the C harness (harness.c), and each test writes msgpack chunk files and a
// plan, runs the harness, and checks what reached the sink.
package harness

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	vm "github.com/vmihailenco/msgpack/v5"

	"github.com/ttpscope/ttpscope/model"
	"github.com/ttpscope/ttpscope/shared/cascade"
	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/enrich"
)

// Built once per test run by TestMain.
var (
	pluginPath  string
	harnessPath string
	repoRoot    string
)

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "ttpscope-harness-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if repoRoot, err = filepath.Abs("../.."); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	pluginPath = filepath.Join(dir, "out_ttpscope.so")
	harnessPath = filepath.Join(dir, "harness")
	ortLib := filepath.Join(repoRoot, "third_party/onnxruntime/libonnxruntime.so.1")
	if _, err := os.Stat(ortLib); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: ONNX Runtime library missing (%v): run `make ort`\n", err)
		return 1
	}
	// The same command `make plugin` runs.
	build := exec.Command("go", "build", "-buildmode=c-shared", "-trimpath",
		"-ldflags", "-X github.com/ttpscope/ttpscope/shared/ortenv.defaultLibrary="+ortLib+" -X main.version=harness",
		"-o", pluginPath, "./fluentbit-plugin")
	build.Dir = repoRoot
	if outp, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: build plugin: %v\n%s", err, outp)
		return 1
	}
	cc := exec.Command("cc", "-O2", "-Wall", "-Werror", "-o", harnessPath, "harness.c", "-ldl", "-lpthread")
	if outp, err := cc.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: compile harness.c: %v\n%s", err, outp)
		return 1
	}
	return m.Run()
}

// ---- chunks ----------------------------------------------------------------------------------------

// tsForm is how an event's timestamp is written.
type tsForm int

const (
	tsEventTime tsForm = iota // fixext8
	tsExt8                    // ext8 with length 8
	tsInt
	tsFloat
)

// event is one event to write into a chunk.
type event struct {
	v2     bool
	ts     tsForm
	sec    uint32
	nsec   uint32
	meta   map[string]any
	body   map[string]any
	marker uint32 // 0xFFFFFFFF / 0xFFFFFFFE: a group marker instead of an event
	raw    []byte // written as is (a broken record)
}

func encode(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := vm.NewEncoder(&buf)
	e.SetSortMapKeys(true)
	if err := e.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func timestamp(t testing.TB, f tsForm, sec, nsec uint32) []byte {
	switch f {
	case tsExt8:
		b := []byte{0xc7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint32(b[3:], sec)
		binary.BigEndian.PutUint32(b[7:], nsec)
		return b
	case tsInt:
		return encode(t, int64(sec))
	case tsFloat:
		b := []byte{0xcb, 0, 0, 0, 0, 0, 0, 0, 0}
		binary.BigEndian.PutUint64(b[1:], math.Float64bits(float64(sec)+float64(nsec)/1e9))
		return b
	}
	b := []byte{0xd7, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[2:], sec)
	binary.BigEndian.PutUint32(b[6:], nsec)
	return b
}

func chunkBytes(t testing.TB, events []event) []byte {
	var out []byte
	for _, e := range events {
		switch {
		case e.raw != nil:
			out = append(out, e.raw...)
		case e.marker != 0:
			out = append(out, 0x92, 0x92)
			out = append(out, timestamp(t, tsEventTime, e.marker, 0)...)
			out = append(out, encode(t, map[string]any{"group": "marker"})...)
			out = append(out, 0x80)
		case e.v2:
			meta := e.meta
			if meta == nil {
				meta = map[string]any{}
			}
			out = append(out, 0x92, 0x92)
			out = append(out, timestamp(t, e.ts, e.sec, e.nsec)...)
			out = append(out, encode(t, meta)...)
			out = append(out, encode(t, e.body)...)
		default:
			out = append(out, 0x92)
			out = append(out, timestamp(t, e.ts, e.sec, e.nsec)...)
			out = append(out, encode(t, e.body)...)
		}
	}
	return out
}

func writeChunk(t testing.TB, dir, name string, events []event) string {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, chunkBytes(t, events), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ---- plans and runs --------------------------------------------------------------------------------

type plan struct{ lines []string }

// instance declares an instance and initializes it. Keys are set in sorted order, so runs repeat.
func (p *plan) instance(name string, props map[string]string) {
	p.lines = append(p.lines, "instance\t"+name)
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.lines = append(p.lines, "set\t"+k+"\t"+props[k])
	}
	p.lines = append(p.lines, "init")
}

func (p *plan) flush(name, tag string, threads, retryLimit, backoffMS int, files ...string) {
	p.lines = append(p.lines, fmt.Sprintf("flush\t%s\t%s\t%d\t%d\t%d\t%s", name, tag, threads, retryLimit, backoffMS,
		strings.Join(files, "\t")))
}

func (p *plan) exit() { p.lines = append(p.lines, "exit") }

// run is what one harness run produced.
type run struct {
	results []string
	stdout  string
	stderr  string
}

func runHarness(t testing.TB, dir string, p *plan, env ...string) run {
	t.Helper()
	return runHarnessArgs(t, dir, p, nil, env...)
}

// runHarnessArgs runs the harness with Fluent Bit command-line arguments after its own, which the
// harness ignores and the plugin reads from /proc/self/cmdline (-c FILE, -o ttpscope -p k=v, ...).
func runHarnessArgs(t testing.TB, dir string, p *plan, fbArgs []string, env ...string) run {
	t.Helper()
	planPath := filepath.Join(dir, "plan.tsv")
	resPath := filepath.Join(dir, "results.txt")
	if err := os.WriteFile(planPath, []byte(strings.Join(p.lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(harnessPath, append([]string{pluginPath, planPath, resPath}, fbArgs...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res, _ := os.ReadFile(resPath)
	r := run{results: strings.Split(strings.TrimSpace(string(res)), "\n"), stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		t.Fatalf("harness: %v\nresults:\n%s\nstderr:\n%s", err, res, tail(r.stderr, 4000))
	}
	return r
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// line returns the first result line starting with prefix.
func (r run) line(t testing.TB, prefix string) string {
	t.Helper()
	for _, l := range r.results {
		if strings.HasPrefix(l, prefix) {
			return l
		}
	}
	t.Fatalf("no result line %q in:\n%s\nstderr:\n%s", prefix, strings.Join(r.results, "\n"), tail(r.stderr, 4000))
	return ""
}

var fieldRE = regexp.MustCompile(`(\w+)=([^ ]+)`)

// field returns the value of key=value in a result line.
func field(t testing.TB, line, key string) string {
	t.Helper()
	for _, m := range fieldRE.FindAllStringSubmatch(line, -1) {
		if m[1] == key {
			return m[2]
		}
	}
	t.Fatalf("no %s= in %q", key, line)
	return ""
}

func fieldFloat(t testing.TB, line, key string) float64 {
	f, err := strconv.ParseFloat(field(t, line, key), 64)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// checkLifecycle asserts the parts of a run every test shares: registration, successful inits,
// flush groups with only OK results, exits and unload.
func checkLifecycle(t *testing.T, r run, instances ...string) {
	t.Helper()
	reg := r.line(t, "register ")
	if !strings.Contains(reg, "rc=0 type=2 proxy=11 flags=0 event_type=0 config_map=0 name=ttpscope") {
		t.Errorf("registration: %s", reg)
	}
	for _, name := range instances {
		in := r.line(t, "init "+name+" ")
		if field(t, in, "rc") != "1" || field(t, in, "context") != "1" {
			t.Errorf("init: %s\n%s", in, tail(r.stderr, 3000))
		}
		if ex := r.line(t, "exit "+name+" "); field(t, ex, "rc") != "1" {
			t.Errorf("exit: %s", ex)
		}
		if pe := r.line(t, "pre_exit "+name+" "); field(t, pe, "rc") != "1" {
			t.Errorf("pre-exit: %s", pe)
		}
	}
	if u := r.line(t, "unregister"); !strings.Contains(u, "name_freed=1") {
		t.Errorf("%s", u)
	}
	if d := r.line(t, "dlclose"); field(t, d, "rc") != "0" {
		t.Errorf("%s", d)
	}
	if strings.Contains(r.stderr, "panic recovered") {
		t.Errorf("a panic was recovered:\n%s", tail(r.stderr, 4000))
	}
}

// ---- records -----------------------------------------------------------------------------------------

// commands whose class the trained default model gets right.
var knownCommands = map[string]string{
	`reg save hklm\sam c:\t\s`:                          "T1003.002",
	`Set-MpPreference -DisableRealtimeMonitoring $true`: "T1562",
	`ipconfig /all`:                                     "benign",
}

var commandList = []string{
	`reg save hklm\sam c:\t\s`, `Set-MpPreference -DisableRealtimeMonitoring $true`, `ipconfig /all`,
	`whoami /priv`, `netsh advfirewall set allprofiles state off`, `ls -la /var/log`,
}

// makeEvents returns n events with unique ids id-<prefix>-<i>, cycling through the formats and commands.
func makeEvents(prefix string, n int, forms bool) []event {
	out := make([]event, n)
	for i := range out {
		e := event{sec: uint32(1767225600 + i), nsec: uint32(i * 1000), body: map[string]any{
			"id": fmt.Sprintf("%s-%d", prefix, i), "message": commandList[i%len(commandList)], "host": "ws-01",
		}}
		if forms {
			e.ts = tsForm(i % 4)
			e.v2 = i%2 == 1
			if e.v2 {
				e.meta = map[string]any{"source": "test", "seq": int64(i)}
			}
		} else {
			e.v2 = true
		}
		out[i] = e
	}
	return out
}

// reference enriches copies of the records in-process with the same model, the way the plugin must:
// behind the model's own cascade when it ships one (the plugin's default).
func reference(t *testing.T, bodies []map[string]any, modelDir string) map[string]map[string]any {
	t.Helper()
	opts := classifier.Options{ModelDir: modelDir}
	modelFS := os.DirFS(modelDir)
	if modelDir == "" {
		opts.FS, modelFS = model.Default(), model.Default()
	}
	clf, err := classifier.New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clf.Close()
	info := clf.Info()
	name := info.Name + "@" + info.Version
	var c enrich.Classifier = clf
	cc, _, err := cascade.Wrap(modelFS, "", clf)
	if err != nil {
		t.Fatal(err)
	}
	if cc != nil {
		c, name = cc, name+"+cascade"
	}
	enr, err := enrich.New(c, enrich.Options{Model: name})
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]map[string]any, len(bodies))
	for i, b := range bodies {
		recs[i] = map[string]any{"message": b["message"]}
	}
	if err := enr.Enrich(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for i, b := range bodies {
		// through JSON, as the sinks deliver it
		var m map[string]any
		j, _ := json.Marshal(recs[i]["ttpscope"])
		json.Unmarshal(j, &m)
		out[b["id"].(string)] = m
	}
	return out
}

// checkDelivered asserts that every id in want arrived exactly once, with the reference result and,
// for known commands, the right class.
func checkDelivered(t *testing.T, got []map[string]any, want []map[string]any, ref map[string]map[string]any) {
	t.Helper()
	seen := map[string]int{}
	for _, rec := range got {
		id, _ := rec["id"].(string)
		seen[id]++
	}
	for _, w := range want {
		id := w["id"].(string)
		if seen[id] != 1 {
			t.Errorf("record %s arrived %d times, want exactly once", id, seen[id])
		}
	}
	if len(got) != len(want) {
		t.Errorf("sink got %d records, want %d", len(got), len(want))
	}
	checked := 0
	for _, rec := range got {
		res, ok := rec["ttpscope"].(map[string]any)
		if !ok {
			t.Fatalf("record without ttpscope result: %v", rec)
		}
		if res["status"] != "ok" {
			t.Errorf("record %v status %v (%v)", rec["id"], res["status"], res["reason"])
			continue
		}
		if ref != nil {
			if a, b := mustJSON(res), mustJSON(ref[rec["id"].(string)]); a != b {
				t.Errorf("record %v: plugin result %s differs from in-process enrichment %s", rec["id"], a, b)
			}
		}
		if want, known := knownCommands[rec["message"].(string)]; known {
			checked++
			if res["class"] != want {
				t.Errorf("%q classified %v, want %s", rec["message"], res["class"], want)
			}
		}
	}
	if checked == 0 && len(got) > 0 {
		t.Errorf("no known command among %d records: the class check ran on nothing", len(got))
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// parseNDJSON returns the JSON object lines of s (other lines are ignored).
func parseNDJSON(t *testing.T, s string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(line, &m); err != nil {
			t.Fatalf("bad NDJSON line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

func bodies(events ...[]event) []map[string]any {
	var out []map[string]any
	for _, evs := range events {
		for _, e := range evs {
			if e.body != nil && e.marker == 0 && e.raw == nil {
				out = append(out, e.body)
			}
		}
	}
	return out
}

// ---- tests -------------------------------------------------------------------------------------------

// TestLifecycleAndConfig: two instances with different configurations, one bad configuration that must
// fail Init naming its key, and an orderly unload.
func TestLifecycleAndConfig(t *testing.T) {
	dir := t.TempDir()
	evs := makeEvents("a", 6, false)
	file := writeChunk(t, dir, "a.msgpack", evs)
	var p plan
	p.instance("null", map[string]string{"sink": "null"})
	p.instance("stdout", map[string]string{"Sink": "STDOUT", "result_key": "labels.ml", "threads": "1"})
	p.instance("other", map[string]string{"sink": "null", "batch_size": "16"}) // not the default (8): another model key, loaded apart
	p.instance("bad", map[string]string{"sink": "es", "es_url": "http://127.0.0.1:1", "es_tls_verify": "maybe"})
	p.instance("typo", map[string]string{"sink": "null", "model-dir": "/x"})
	p.flush("null", "t", 1, 0, 0, file)
	p.flush("stdout", "t", 1, 0, 0, file)
	p.exit()
	r := runHarness(t, dir, &p)
	checkLifecycle(t, r, "null", "stdout", "other")
	for name, msg := range map[string]string{
		"bad":  `key "es_tls_verify": value "maybe": not a boolean`,
		"typo": `unknown key "model-dir" (did you mean "model_dir"?)`,
	} {
		if in := r.line(t, "init "+name+" "); field(t, in, "rc") != "0" || field(t, in, "context") != "0" {
			t.Errorf("init of a bad configuration: %s", in)
		}
		if !strings.Contains(strings.ReplaceAll(r.stderr, `\"`, `"`), msg) {
			t.Errorf("stderr does not name the bad key (%s):\n%s", msg, tail(r.stderr, 3000))
		}
	}
	if n, _ := strconv.Atoi(field(t, r.line(t, "init null "), "property_calls")); n < 20 {
		t.Errorf("Init read only %d properties", n)
	}
	// Same model settings share one load; another batch size is another load.
	if loads, shares := strings.Count(r.stderr, "shared=false"), strings.Count(r.stderr, "shared=true"); loads != 2 || shares != 1 {
		t.Errorf("model loads %d, shares %d; want 2 and 1:\n%s", loads, shares, tail(r.stderr, 3000))
	}
	recs := parseNDJSON(t, r.stdout)
	if len(recs) != 6 {
		t.Fatalf("stdout has %d records, want 6:\n%s", len(recs), r.stdout)
	}
	for _, rec := range recs {
		if _, ok := rec["labels"].(map[string]any)["ml"].(map[string]any)["class"]; !ok {
			t.Errorf("result not under labels.ml: %v", rec)
		}
	}
	// The effective configuration is logged once per instance.
	if !strings.Contains(r.stderr, "config.result_key=labels.ml") {
		t.Errorf("effective config not logged:\n%s", tail(r.stderr, 3000))
	}
}

// TestStdoutFormatsConcurrent: every event format, group markers and a broken record, flushed from four
// threads; every record arrives exactly once with the in-process enrichment, the bad bytes are
// dead-lettered.
func TestStdoutFormatsConcurrent(t *testing.T) {
	dir := t.TempDir()
	var files []string
	var all [][]event
	for c := range 8 {
		evs := makeEvents(fmt.Sprintf("c%d", c), 25, true)
		chunk := append([]event{{marker: 0xFFFFFFFF}}, evs[:10]...)
		chunk = append(chunk, event{raw: []byte{0xc1, 0x92, 0xc1}}) // broken bytes between events
		chunk = append(chunk, evs[10:]...)
		chunk = append(chunk, event{marker: 0xFFFFFFFE})
		files = append(files, writeChunk(t, dir, fmt.Sprintf("c%d.msgpack", c), chunk))
		all = append(all, evs)
	}
	dl := filepath.Join(dir, "dead.ndjson")
	var p plan
	p.instance("out", map[string]string{"sink": "stdout", "dead_letter_path": dl})
	p.flush("out", "win.sysmon", 4, 0, 0, files...)
	p.exit()
	r := runHarness(t, dir, &p)
	checkLifecycle(t, r, "out")
	g := r.line(t, "group out ")
	if field(t, g, "ok") != "8" {
		t.Errorf("group: %s", g)
	}
	want := bodies(all...)
	got := parseNDJSON(t, r.stdout)
	checkDelivered(t, got, want, reference(t, want, ""))
	for _, rec := range got {
		if rec["tag"] != "win.sysmon" || rec["date"] == nil {
			t.Errorf("stdout line without tag/date: %v", rec)
			break
		}
	}
	// Event times survive every timestamp form.
	byID := map[string]map[string]any{}
	for _, rec := range got {
		byID[rec["id"].(string)] = rec
	}
	for _, evs := range all {
		for _, e := range evs {
			wantDate := time.Unix(int64(e.sec), int64(e.nsec)).UTC()
			if e.ts == tsInt {
				wantDate = time.Unix(int64(e.sec), 0).UTC()
			}
			gotDate, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(byID[e.body["id"].(string)]["date"]))
			if d := gotDate.Sub(wantDate); d > time.Microsecond || d < -time.Microsecond {
				t.Errorf("%s (form %d): date %v, want %v", e.body["id"], e.ts, gotDate, wantDate)
			}
		}
	}
	dead, err := os.ReadFile(dl)
	if err != nil {
		t.Fatalf("dead-letter file: %v", err)
	}
	if n := strings.Count(string(dead), "\n"); n != 8 || !strings.Contains(string(dead), "0xc1") {
		t.Errorf("dead letters (%d lines):\n%s", n, dead)
	}
}
