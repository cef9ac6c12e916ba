package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/shared/classifier"
)

// TestServeBatchWait: --batch-wait is a serve flag (with its environment variable), checked for range,
// and makes load classify through a Coalescer that owns the classifier.
func TestServeBatchWait(t *testing.T) {
	cmd := newServeCmd()
	if err := cmd.Flags().Parse([]string{"--batch-wait", "3ms"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := cmd.Flags().GetDuration("batch-wait"); got != 3*time.Millisecond {
		t.Fatalf("--batch-wait 3ms = %v", got)
	}
	if serveEnv()["batch-wait"] != "TTPSCOPE_BATCH_WAIT" {
		t.Fatal("no environment variable for --batch-wait")
	}
	for _, d := range []time.Duration{-time.Millisecond, 2 * time.Second} {
		f := serveFlags{esURL: "http://localhost:9200", maxBodyBytes: 1, metricsPath: "/metrics", logLevel: "info"}
		f.model.batchWait = d
		var ue *usageError
		if err := f.validate(); !errors.As(err, &ue) || !strings.Contains(err.Error(), "--batch-wait") {
			t.Errorf("--batch-wait %v: %v", d, err)
		}
	}

	m := modelFlags{fields: []string{"message"}, resultKey: "ttpscope", threshold: 0.5, batchSize: 8, threads: 1,
		workers: 2, cacheSize: 0, batchWait: time.Millisecond, cascade: "off"}
	clf, enr, err := m.load(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	q, ok := clf.(*classifier.Coalescer)
	if !ok {
		t.Fatalf("load with batchWait returned %T", clf)
	}
	if enr == nil || len(q.Classes()) == 0 {
		t.Fatal("no enricher or classes")
	}
	preds, err := q.Classify(context.Background(), []string{"whoami"})
	if err != nil || len(preds) != 1 || preds[0].Class == "" {
		t.Fatalf("Classify = %+v, %v", preds, err)
	}
	if err := clf.Close(); err != nil {
		t.Fatal(err)
	}
}
