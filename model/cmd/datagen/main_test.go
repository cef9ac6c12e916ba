package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunWritesSplits(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-seed", "2", "-n", "600", "-out", dir}, &stdout, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	total := 0
	for _, f := range []string{"train.jsonl", "val.jsonl", "test.jsonl", "heldout.jsonl"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		total += bytes.Count(b, []byte("\n"))
	}
	if total != 600 {
		t.Errorf("wrote %d lines, want 600", total)
	}
	if _, err := os.Stat(filepath.Join(dir, "stats.json")); err != nil {
		t.Error(err)
	}
	if !strings.Contains(stderr.String(), "msg=done") {
		t.Errorf("no summary on stderr: %q", stderr.String())
	}
}

func TestList(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-list"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) < 200 {
		t.Fatalf("-list printed %d families", len(lines))
	}
	if f := strings.Split(lines[0], "\t"); len(f) != 4 {
		t.Errorf("line %q does not have 4 tab-separated fields", lines[0])
	}
}

func TestBadFlag(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"-nosuchflag"}, &stdout, &stderr); err == nil {
		t.Error("unknown flag accepted")
	}
}
