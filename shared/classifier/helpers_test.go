package classifier

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	tinyDir   = "testdata/tiny"
	tinyTTDir = "testdata/tiny_tt"
	graphsDir = "testdata/graphs"
)

// newClassifier loads a model and closes it at the end of the test. Missing ONNX Runtime is a
// failure, not a skip: `make ort` provides it and ortenv discovery finds it from any package.
func newClassifier(t testing.TB, opts Options) *Classifier {
	t.Helper()
	c, err := New(context.Background(), opts)
	if err != nil {
		t.Fatalf("New(%+v): %v", opts, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return c
}

type golden struct {
	IDs []struct {
		IDs    []int64   `json:"ids"`
		Logits []float32 `json:"logits"`
	} `json:"ids"`
	Texts []struct {
		Text   string    `json:"text"`
		IDs    []int64   `json:"ids"`
		Logits []float32 `json:"logits"`
	} `json:"texts"`
}

func loadGolden(t testing.TB, dir string) golden {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.IDs) == 0 || len(g.Texts) == 0 {
		t.Fatal("golden.json has no cases")
	}
	return g
}

// copyModel copies a model directory into a temp dir, applying edits: a nil value deletes the
// file, a non-nil one replaces its content.
func copyModel(t testing.TB, src string, edits map[string][]byte) string {
	t.Helper()
	dst := t.TempDir()
	for _, f := range []string{ModelFile, TokenizerFile, ConfigFile} {
		data, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for f, data := range edits {
		path := filepath.Join(dst, f)
		if data == nil {
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// editConfig returns tiny's config.json with edit applied to its decoded form.
func editConfig(t testing.TB, dir string, edit func(m map[string]any)) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func softmaxRef(logits []float32, temperature float64) []float64 {
	m := math.Inf(-1)
	for _, v := range logits {
		m = math.Max(m, float64(v)/temperature)
	}
	out := make([]float64, len(logits))
	var sum float64
	for i, v := range logits {
		out[i] = math.Exp(float64(v)/temperature - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func assertClose[A, B float32 | float64](t testing.TB, what string, got []A, want []B, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > tol || math.IsNaN(d) {
			t.Fatalf("%s[%d] = %v, want %v (|diff| %.3g > %.3g)", what, i, got[i], want[i], d, tol)
		}
	}
}

// syntheticLines returns n distinct, seeded command/log lines of varied length, including some
// that exceed the tiny model's 64-token window.
func syntheticLines(n int, seed int64) []string {
	rng := rand.New(rand.NewSource(seed))
	templates := []string{
		"reg save HKLM\\%s C:\\Windows\\Temp\\%s.save",
		"rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump %d C:\\temp\\%s.dmp full",
		"Set-MpPreference -DisableRealtimeMonitoring $true -ExclusionPath C:\\Users\\%s\\%s",
		"sc stop %s && sc config %s start= disabled",
		"netsh advfirewall set %s state off",
		"git -C /home/%s/src/%s pull --rebase",
		"systemctl restart %s.service",
		"ssh -p %d deploy@%s.corp.example",
		"python3 -m pip install --user %s==%d.%d",
		"powershell -nop -w hidden -c \"Invoke-TokenManipulation -ImpersonateUser -Username %s\" # %s",
		"ls -la /var/log/%s | grep %s",
	}
	words := []string{"SAM", "SYSTEM", "SECURITY", "lsass", "WinDefend", "Sysmon", "alice", "bob", "nginx",
		"requests", "build-01", "allprofiles", "domain", "audit", "backup", "etc", "cron"}
	out := make([]string, 0, n)
	seen := map[string]bool{}
	for len(out) < n {
		tpl := templates[rng.Intn(len(templates))]
		var args []any
		for _, verb := range strings.Split(tpl, "%")[1:] {
			if verb[0] == 'd' {
				args = append(args, rng.Intn(100000))
			} else {
				args = append(args, words[rng.Intn(len(words))]+fmt.Sprint(rng.Intn(1000)))
			}
		}
		line := fmt.Sprintf(tpl, args...)
		if rng.Intn(8) == 0 { // a long script line: several commands chained
			for k := rng.Intn(12) + 4; k > 0; k-- {
				line += " ; " + fmt.Sprintf("echo %d %s", rng.Intn(1000), words[rng.Intn(len(words))])
			}
		}
		if !seen[line] {
			seen[line] = true
			out = append(out, line)
		}
	}
	return out
}
