// Package e2e runs the built elastic-ingest binary the way a user does and checks what it prints.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

var binPath string

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "ttpscope-e2e")
		if err != nil {
			panic(err)
		}
		defer os.RemoveAll(dir)
		binPath = filepath.Join(dir, "elastic-ingest")
		build := exec.Command("go", "build", "-o", binPath, "./elastic-ingest")
		build.Dir = repoRoot()
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			panic("build elastic-ingest: " + err.Error())
		}
		return m.Run()
	}())
}

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

type result struct {
	stdout, stderr string
	code           int
}

func runCLI(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binPath, args...)
	cmd.Dir = repoRoot()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %v: %v", args, err)
	}
	return result{out.String(), errb.String(), code}
}

func decodeLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var recs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 8<<20)
	for sc.Scan() {
		var m map[string]any
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("output line is not a JSON object: %v: %.200s", err, sc.Text())
		}
		recs = append(recs, m)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}

func path(m map[string]any, keys ...string) any {
	var cur any = m
	for _, k := range keys {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = obj[k]
	}
	return cur
}

func num(t *testing.T, v any) float64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("%v (%T) is not a number", v, v)
	}
	f, err := n.Float64()
	if err != nil {
		t.Fatal(err)
	}
	return f
}

var classes = map[string]bool{"benign": true, "T1003.002": true, "T1562": true, "T1134": true}

// checkSchema asserts the ttpscope result of a classified record.
func checkSchema(t *testing.T, rec map[string]any) {
	t.Helper()
	ts, ok := rec["ttpscope"].(map[string]any)
	if !ok {
		t.Fatalf("no ttpscope object in %v", rec)
	}
	if ts["status"] != "ok" {
		t.Fatalf("status %v (reason %v), want ok", ts["status"], ts["reason"])
	}
	class, _ := ts["class"].(string)
	if !classes[class] {
		t.Fatalf("class %q is not one of ours", class)
	}
	probs, ok := ts["probabilities"].(map[string]any)
	if !ok || len(probs) != 4 {
		t.Fatalf("probabilities %v: want 4 classes", ts["probabilities"])
	}
	sum := 0.0
	for c, p := range probs {
		if !classes[c] {
			t.Fatalf("probability for unknown class %q", c)
		}
		sum += num(t, p)
	}
	if math.Abs(sum-1) > 1e-4 {
		t.Fatalf("probabilities sum to %v", sum)
	}
	score := num(t, ts["score"])
	if math.Abs(score-num(t, probs[class])) > 1e-6 {
		t.Fatalf("score %v != P(%s) %v", score, class, probs[class])
	}
	if mal := num(t, ts["malicious_score"]); math.Abs(mal-(1-num(t, probs["benign"]))) > 1e-5 {
		t.Fatalf("malicious_score %v != 1-P(benign) %v", mal, probs["benign"])
	}
	if m, _ := ts["model"].(string); !strings.Contains(m, "@") {
		t.Fatalf("model %q is not name@version", m)
	}
	if f, _ := ts["source_field"].(string); f == "" {
		t.Fatal("no source_field")
	}
}

func TestClassifyExampleLogs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot(), "examples", "logs", "*"))
	if err != nil || len(files) < 3 {
		t.Fatalf("example logs: %v %v", files, err)
	}
	want := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(b), "\n") {
			if strings.TrimSpace(l) != "" {
				want++
			}
		}
	}
	r := runCLI(t, "", append([]string{"classify"}, files...)...)
	if r.code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	recs := decodeLines(t, r.stdout)
	if len(recs) != want {
		t.Fatalf("%d records out, %d lines in", len(recs), want)
	}
	byText := map[string]map[string]any{}
	for _, rec := range recs {
		checkSchema(t, rec)
		if cl, ok := path(rec, "process", "command_line").(string); ok {
			byText[cl] = rec
		}
	}
	for _, tc := range []struct{ text, class string }{
		{`reg save hklm\sam c:\t\s`, "T1003.002"},
		{`powershell.exe -NoProfile -Command "Set-MpPreference -DisableRealtimeMonitoring $true"`, "T1562"},
		{`ipconfig /all`, "benign"},
	} {
		rec, ok := byText[tc.text]
		if !ok {
			t.Fatalf("example %q not in output", tc.text)
		}
		if got := path(rec, "ttpscope", "class"); got != tc.class {
			t.Errorf("%q: class %v, want %s", tc.text, got, tc.class)
		}
	}
	alert := byText[`reg save hklm\sam c:\t\s`]
	for keys, want := range map[[3]string]string{
		{"threat", "framework", ""}:     "MITRE ATT&CK",
		{"threat", "technique", "id"}:   "T1003",
		{"threat", "technique", "name"}: "OS Credential Dumping",
	} {
		k := keys[:]
		if keys[2] == "" {
			k = keys[:2]
		}
		if got := path(alert, k...); got != want {
			t.Errorf("%v = %v, want %q", k, got, want)
		}
	}
	if got := path(alert, "threat", "technique", "subtechnique", "id"); got != "T1003.002" {
		t.Errorf("subtechnique id %v", got)
	}
	if path(byText["ipconfig /all"], "threat") != nil {
		t.Error("benign record got threat fields")
	}
	if !strings.Contains(r.stderr, "records") || !strings.Contains(r.stderr, "T1003.002") {
		t.Errorf("summary missing from stderr:\n%s", r.stderr)
	}
}

func TestClassifyPlainTextStdin(t *testing.T) {
	r := runCLI(t, "reg save hklm\\sam c:\\t\\s\nipconfig /all\n", "classify", "-q")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	recs := decodeLines(t, r.stdout)
	if len(recs) != 2 {
		t.Fatalf("%d records, want 2", len(recs))
	}
	if recs[0]["message"] != `reg save hklm\sam c:\t\s` || path(recs[0], "ttpscope", "class") != "T1003.002" {
		t.Errorf("first record %v", recs[0])
	}
	if path(recs[1], "ttpscope", "class") != "benign" {
		t.Errorf("second record %v", recs[1])
	}
	if r.stderr != "" {
		t.Errorf("-q still wrote to stderr: %s", r.stderr)
	}
}

// TestClassifyBadInput feeds every kind of broken line: nothing crashes, nothing is lost, and the exit
// status says some lines were bad.
func TestClassifyBadInput(t *testing.T) {
	big := strings.Repeat("A", 1<<20)
	lines := []string{
		`{"message":"ipconfig /all"}`,
		"{\"message\":\"bad \xff\xfe utf8 reg save hklm\\\\sam x\"}",
		`{"message":12345}`,
		`{"message":""}`,
		`{"process":{"command_line":"` + big + `"}}`,
		`[1,2,3]`,
		`"just a string"`,
		`{"message":"truncated`,
		`{"CommandLine":"whoami /priv"}`,
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "bad.ndjson")
	if err := os.WriteFile(in, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "", "classify", in)
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (finished with bad lines); stderr:\n%s", r.code, r.stderr)
	}
	recs := decodeLines(t, r.stdout)
	if len(recs) != len(lines) {
		t.Fatalf("%d records out, %d lines in", len(recs), len(lines))
	}
	if !strings.Contains(r.stderr, "bad.ndjson:8:") {
		t.Errorf("stderr does not name the truncated line 8:\n%s", r.stderr)
	}
	statuses := make([]any, len(recs))
	for i, rec := range recs {
		statuses[i] = path(rec, "ttpscope", "status")
	}
	want := []any{"ok", "ok", "skipped", "skipped", "ok", "skipped", "skipped", "error", "ok"}
	for i := range want {
		if statuses[i] != want[i] {
			t.Errorf("line %d: status %v (reason %v), want %v", i+1, statuses[i], path(recs[i], "ttpscope", "reason"), want[i])
		}
	}
	if path(recs[7], "message") != `{"message":"truncated` {
		t.Errorf("truncated line not passed through raw: %v", recs[7])
	}
	if n, ok := recs[2]["message"].(json.Number); !ok || n.String() != "12345" {
		t.Errorf("number field changed: %v", recs[2]["message"])
	}
}

func TestClassifyUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"classify", "--alert-threshold", "2"}, 2, "--alert-threshold"},
		{[]string{"classify", "--format", "xml"}, 2, "--format"},
		{[]string{"classify", "/no/such/file"}, 2, "no such file"},
		{[]string{"classify", "--model-dir", "/no/such/dir"}, 1, "/no/such/dir"},
		{[]string{"classify", "--bogus"}, 2, "unknown flag"},
	} {
		r := runCLI(t, "", tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d mentioning %q", tc.args, r.code, r.stderr, tc.code, tc.msg)
		}
	}
}

func TestClassifyHelpIsComplete(t *testing.T) {
	r := runCLI(t, "", "classify", "--help")
	for _, flag := range []string{"--model-dir", "--ort-library", "--fields", "--alert-threshold", "--batch-size", "--threads", "--format", "--result-key", "--cache-size", "--max-tokens"} {
		if !strings.Contains(r.stdout, flag) {
			t.Errorf("--help lacks %s", flag)
		}
	}
}

// TestClassifyCascade: the default model ships a cascade (an n-gram first stage, shared/cascade), used
// unless --cascade off; both settings call the plain cases the same way, and the result names the model
// that answered.
func TestClassifyCascade(t *testing.T) {
	in := "reg save hklm\\sam c:\\t\\s\nSet-MpPreference -DisableRealtimeMonitoring $true\nipconfig /all\ngit status\n"
	want := []string{"T1003.002", "T1562", "benign", "benign"}
	for _, tc := range []struct {
		args   []string
		suffix bool
	}{{nil, true}, {[]string{"--cascade", "off"}, false}} {
		r := runCLI(t, in, append([]string{"classify", "-q"}, tc.args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, r.code, r.stderr)
		}
		recs := decodeLines(t, r.stdout)
		if len(recs) != len(want) {
			t.Fatalf("%v: %d records, want %d", tc.args, len(recs), len(want))
		}
		for i, rec := range recs {
			if got := path(rec, "ttpscope", "class"); got != want[i] {
				t.Errorf("%v: line %d class %v, want %s", tc.args, i, got, want[i])
			}
			model, _ := path(rec, "ttpscope", "model").(string)
			if strings.HasSuffix(model, "+cascade") != tc.suffix {
				t.Errorf("%v: line %d model %q, want +cascade suffix %v", tc.args, i, model, tc.suffix)
			}
		}
	}
	r := runCLI(t, "x\n", "classify", "--cascade", "/nonexistent/cascade.json")
	if r.code == 0 || !strings.Contains(r.stderr, "cascade") {
		t.Errorf("missing cascade file: exit %d, stderr %q", r.code, r.stderr)
	}
}
