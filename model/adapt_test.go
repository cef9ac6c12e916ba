package model_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ttpscope/ttpscope/model"
	"github.com/ttpscope/ttpscope/model/evaluate"
	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/normalize"
)

type labelled struct{ Text, Label string }

func readLabelled(t *testing.T, path string) []labelled {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []labelled
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r labelled
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// scores classifies rows and returns the argmax macro-F1 and how many benign rows got an attack class.
func scores(t *testing.T, c *classifier.Classifier, rows []labelled) (macroF1 float64, flagged int) {
	t.Helper()
	texts := make([]string, len(rows))
	for i, r := range rows {
		texts[i] = normalize.Text(r.Text).Text
	}
	preds, err := c.Classify(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	var conf evaluate.Confusion
	for i, p := range preds {
		if p.Err != nil {
			t.Fatalf("row %d: %v", i, p.Err)
		}
		conf.Add(evaluate.ClassIndex(rows[i].Label), evaluate.ClassIndex(p.Class))
		if rows[i].Label == evaluate.Benign && p.Class != evaluate.Benign {
			flagged++
		}
	}
	return conf.Metrics().MacroF1, flagged
}

// TestAdaptation checks a LoRA adaptation made by `make adapt-check` (which sets the environment):
// the site's in-house tool, whose commands the shipped model takes for tampering, no longer alerts on
// commands the adaptation never saw, and the generated test split keeps its macro-F1.
func TestAdaptation(t *testing.T) {
	dir, replay := os.Getenv("TTPSCOPE_ADAPTED"), os.Getenv("TTPSCOPE_ADAPT_REPLAY")
	if dir == "" || replay == "" {
		t.Skip("TestAdaptation: run `make adapt-check` (it adapts the default model, then sets TTPSCOPE_ADAPTED and TTPSCOPE_ADAPT_REPLAY)")
	}
	ctx := context.Background()
	base, err := classifier.New(ctx, classifier.Options{FS: model.Default()})
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	adapted, err := classifier.New(ctx, classifier.Options{ModelDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer adapted.Close()

	site := readLabelled(t, filepath.Join("testdata", "adapt", "test.jsonl"))
	_, before := scores(t, base, site)
	_, after := scores(t, adapted, site)
	t.Logf("site test commands flagged: %d/%d before, %d/%d after", before, len(site), after, len(site))
	// The site's commands must still be a false-positive problem for the shipped model, or the test
	// shows nothing: 0.5.0 flagged 10 of the 40, 0.6.0 (trained on real programs too) 7, 0.7.0 10, 0.8.0 10.
	if before < len(site)/8 {
		t.Fatalf("the shipped model flags only %d/%d site commands: the test data no longer shows a false-positive problem", before, len(site))
	}
	if after > len(site)/20 {
		t.Errorf("after adaptation %d/%d site commands still alert (want ≤ 5%%)", after, len(site))
	}

	gen := readLabelled(t, filepath.Join(replay, "test.jsonl"))
	f1Before, _ := scores(t, base, gen)
	f1After, _ := scores(t, adapted, gen)
	t.Logf("generated test split (%d rows) macro-F1: %.4f before, %.4f after", len(gen), f1Before, f1After)
	if f1After < f1Before-0.005 {
		t.Errorf("adaptation lost test accuracy: macro-F1 %.4f -> %.4f", f1Before, f1After)
	}
}
