package harness

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestLiveFluentBit runs real Fluent Bit (FLUENT_BIT_BIN) with the plugin and the forward loop-back
// examples: command lines are tailed from a file under raw.*, classified, re-emitted to Fluent Bit's own
// forward input and printed by its stdout output as enriched.*. Every command must come out exactly
// once, classified. Skipped, visibly, when FLUENT_BIT_BIN is not set.
func TestLiveFluentBit(t *testing.T) {
	bin := os.Getenv("FLUENT_BIT_BIN")
	if bin == "" {
		t.Skip("FLUENT_BIT_BIN not set: live Fluent Bit test skipped (set it to a fluent-bit binary to run it)")
	}
	for _, conf := range []string{"loopback.conf", "loopback.yaml"} {
		t.Run(conf, func(t *testing.T) { liveRun(t, bin, filepath.Join(repoRoot, "examples/fluent-bit", conf)) })
	}
}

// lockedBuffer is a bytes.Buffer safe to read while a process writes it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func liveRun(t *testing.T, bin, conf string) {
	dir := t.TempDir()
	log := filepath.Join(dir, "commands.log")
	if err := os.WriteFile(log, []byte(strings.Join(commandList, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr lockedBuffer
	cmd := exec.Command(bin, "-e", pluginPath, "-c", conf)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TTPSCOPE_LOG="+log)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && enrichedLines(t, stdout.String()) < len(commandList) {
		time.Sleep(200 * time.Millisecond)
	}
	time.Sleep(2 * time.Second) // a duplicate, if any, would arrive now
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("fluent-bit exited: %v", err)
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Errorf("fluent-bit did not stop within 30s of SIGTERM")
	}
	recs := parseNDJSON(t, stdout.String())
	seen := map[string]int{}
	for _, rec := range recs {
		res, ok := rec["ttpscope"].(map[string]any)
		if !ok || res["status"] != "ok" {
			t.Errorf("record not classified: %v", rec)
			continue
		}
		seen[rec["log"].(string)]++
		if want, known := knownCommands[rec["log"].(string)]; known && res["class"] != want {
			t.Errorf("%q classified %v, want %s", rec["log"], res["class"], want)
		}
	}
	for _, c := range commandList {
		if seen[c] != 1 {
			t.Errorf("command %q came out %d times, want once", c, seen[c])
		}
	}
	if t.Failed() {
		t.Logf("fluent-bit stdout:\n%s\nstderr:\n%s", tail(stdout.String(), 4000), tail(stderr.String(), 6000))
	}
	if !strings.Contains(stderr.String()+stdout.String(), `plugin=ttpscope`) {
		t.Errorf("no ttpscope log line: was the plugin loaded?")
	}
}

func enrichedLines(t *testing.T, s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, "{") && strings.Contains(l, `"ttpscope"`) {
			n++
		}
	}
	return n
}
