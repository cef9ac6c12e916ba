package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ttpscope/ttpscope/shared/ngram"
)

// writeSynthetic writes a small, easy four-class dataset in datagen's layout.
func writeSynthetic(t *testing.T, dir string) {
	t.Helper()
	templates := map[string][]string{
		"benign":    {"git log --oneline %s", "ls -la /home/%s", "kubectl get pods -n %s", "Get-ChildItem C:\\Users\\%s"},
		"T1003.002": {"reg save HKLM\\SAM C:\\temp\\%s.hiv", "reg.exe save hklm\\system %s.save", "copy \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy1\\windows\\system32\\config\\SAM %s"},
		"T1562":     {"Set-MpPreference -DisableRealtimeMonitoring $true # %s", "sc stop WinDefend && echo %s", "netsh advfirewall set allprofiles state off %s"},
		"T1134":     {"Invoke-TokenManipulation -ImpersonateUser -Username %s", "runas /netonly /user:%s cmd.exe", "incognito.exe execute -c %s cmd"},
	}
	labels := []string{"benign", "T1003.002", "T1562", "T1134"}
	rng := rand.New(rand.NewPCG(42, 43))
	word := func() string {
		b := make([]byte, 3+rng.IntN(6))
		for i := range b {
			b[i] = byte('a' + rng.IntN(26))
		}
		return string(b)
	}
	for _, split := range []struct {
		name string
		n    int
	}{{"train", 240}, {"val", 60}, {"test", 60}, {"heldout", 40}} {
		var buf bytes.Buffer
		for i := range split.n {
			label := labels[i%len(labels)]
			tpl := templates[label][rng.IntN(len(templates[label]))]
			line, _ := json.Marshal(map[string]string{"text": fmt.Sprintf(tpl, word()), "label": label, "family": "f", "split": split.name})
			buf.Write(line)
			buf.WriteByte('\n')
		}
		if err := os.WriteFile(filepath.Join(dir, split.name+".jsonl"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func trainTo(t *testing.T, data, out string, extra ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := append([]string{"-data", data, "-out", out, "-bits", "12", "-epochs", "6"}, extra...)
	if err := run(context.Background(), args, &stdout, &stderr); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	return stdout.String()
}

func TestTrainDeterministic(t *testing.T) {
	data := t.TempDir()
	writeSynthetic(t, data)
	dir := t.TempDir()
	a, b, c := filepath.Join(dir, "a.bin"), filepath.Join(dir, "sub", "b.bin"), filepath.Join(dir, "c.bin")
	report := trainTo(t, data, a)
	trainTo(t, data, b)
	trainTo(t, data, c, "-seed", "2")
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	bc, _ := os.ReadFile(c)
	if len(ba) == 0 || !bytes.Equal(ba, bb) {
		t.Fatalf("two runs with the same seed wrote different files (%d and %d bytes)", len(ba), len(bb))
	}
	if bytes.Equal(ba, bc) {
		t.Error("seeds 1 and 2 wrote the same file")
	}
	for _, want := range []string{"| test | 60 | 1.0000 | 1.0000 |", "## heldout per class", "| T1134 | 1.0000 | 1.0000 | 1.0000 | 10 |"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}

	m, err := ngram.Load(bytes.NewReader(ba))
	if err != nil {
		t.Fatal(err)
	}
	if cfg := m.Config(); cfg != (ngram.Config{MinN: 1, MaxN: 5, Bits: 12}) || !m.Float16() {
		t.Fatalf("config %+v, float16 %v", cfg, m.Float16())
	}
	tests := []struct{ text, want string }{
		{`cmd /c R^E^G SAVE HKLM\SAM C:\x\y.hiv`, "T1003.002"},
		{"git log --oneline main", "benign"},
		{"Set-MpPreference -DisableRealtimeMonitoring $true", "T1562"},
		{"Invoke-TokenManipulation -ImpersonateUser -Username bob", "T1134"},
	}
	for _, tc := range tests {
		p := m.Predict(tc.text)
		best := 0
		for k := range p {
			if p[k] > p[best] {
				best = k
			}
		}
		if got := m.Classes()[best]; got != tc.want {
			t.Errorf("%q: %s (%v), want %s", tc.text, got, p, tc.want)
		}
	}
}

func TestTrainErrors(t *testing.T) {
	data := t.TempDir()
	writeSynthetic(t, data)
	bad := t.TempDir()
	writeSynthetic(t, bad)
	if err := os.WriteFile(filepath.Join(bad, "val.jsonl"), []byte(`{"text":"x","label":"out-of-scope"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "m.bin")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing dir", []string{"-data", filepath.Join(data, "nope"), "-out", out}, "no such file"},
		{"out-of-scope label", []string{"-data", bad, "-out", out}, "not one of"},
		{"bad bits", []string{"-data", data, "-out", out, "-bits", "40"}, "hash bits"},
		{"bad stop-on", []string{"-data", data, "-out", out, "-stop-on", "acc"}, "-stop-on"},
		{"bad lr", []string{"-data", data, "-out", out, "-lr", "0"}, "-lr"},
		{"extra argument", []string{"-data", data, "-out", out, "x"}, "unexpected arguments"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tc.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run wrote the model file")
	}
}

func TestCascadeThreshold(t *testing.T) {
	classes := []string{"benign", "T1003.002", "T1562", "T1134"}
	cfg := ngram.Config{MinN: 5, MaxN: 5, Bits: 12}
	m, err := ngram.New(cfg, classes)
	if err != nil {
		t.Fatal(err)
	}
	m.Bias()[0] = 6
	w := m.Weights()
	for _, f := range ngram.NewFeaturizer(cfg).Features("mimikatz") {
		w[int(f.Bucket)*len(classes)+1] += 30
	}
	for _, f := range ngram.NewFeaturizer(cfg).Features("ls -la") {
		w[int(f.Bucket)*len(classes)] += 30
	}
	// 1,000 attack lines: 998 with mimikatz, one that looks like nothing (p(benign) from the bias
	// alone) and one that looks very benign; 10 benign lines that look very benign.
	val := &dataset{name: "val"}
	for i := range 998 {
		val.texts, val.labels = append(val.texts, fmt.Sprintf("mimikatz run %d", i)), append(val.labels, 1)
	}
	val.texts, val.labels = append(val.texts, "quiet attack", "ls -la attack"), append(val.labels, 1, 1)
	for i := range 10 {
		val.texts, val.labels = append(val.texts, fmt.Sprintf("ls -la %d", i)), append(val.labels, 0)
	}
	// 99.9% may decide one attack line: the threshold sits just above the quiet one, which goes to
	// the transformer with every mimikatz line, while the benign-looking attack and benign lines are
	// decided by the first stage.
	c := cascadeThreshold(m, val, 0.999)
	if c.AttackPass != 0.999 || c.BenignSkip != 1 || c.ValLines != 1010 {
		t.Errorf("pass 0.999: %+v", c)
	}
	// 99.99% may decide none: both quiet lines pass, and so do the benign lines that score alike.
	c = cascadeThreshold(m, val, 0.9999)
	if c.AttackPass != 1 || !(c.BenignThreshold > 0.99) {
		t.Errorf("pass 0.9999: %+v", c)
	}
}
