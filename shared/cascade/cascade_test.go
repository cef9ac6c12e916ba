package cascade

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/ngram"
)

var classes = []string{"benign", "T1003.002", "T1562", "T1134"}

// firstStage is a tiny n-gram model: benign unless the text has the 5-grams of "mimikatz", which push it
// hard to T1003.002.
func firstStage(t *testing.T) *ngram.Model {
	t.Helper()
	cfg := ngram.Config{MinN: 5, MaxN: 5, Bits: 12}
	m, err := ngram.New(cfg, classes)
	if err != nil {
		t.Fatal(err)
	}
	m.Bias()[0] = 8
	w := m.Weights()
	for _, f := range ngram.NewFeaturizer(cfg).Features("mimikatz") {
		w[int(f.Bucket)*len(classes)+1] += 40
	}
	return m
}

// second is a stand-in transformer that records what it was asked.
type second struct {
	got    []string
	err    error
	closed bool
}

func (s *second) Classes() []string { return classes }
func (s *second) Close() error      { s.closed = true; return nil }
func (s *second) Classify(_ context.Context, texts []string) ([]classifier.Prediction, error) {
	if s.err != nil {
		return nil, s.err
	}
	s.got = append(s.got, texts...)
	out := make([]classifier.Prediction, len(texts))
	for i := range texts {
		out[i] = classifier.Prediction{Probs: []float32{0.1, 0.7, 0.1, 0.1}, Class: "T1003.002", Score: 0.7, Windows: 1, Tokens: 3}
	}
	return out, nil
}

func TestClassify(t *testing.T) {
	snd := &second{}
	c, err := New(firstStage(t), Config{BenignThreshold: 0.99}, snd)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"ipconfig /all", "mimikatz sekurlsa::logonpasswords", "git status", "run mimikatz now"}
	preds, err := c.Classify(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{texts[1], texts[3]}; !slices.Equal(snd.got, want) {
		t.Errorf("second stage saw %q, want %q", snd.got, want)
	}
	for i, want := range []struct {
		class   string
		windows int
	}{{"benign", 0}, {"T1003.002", 1}, {"benign", 0}, {"T1003.002", 1}} {
		p := preds[i]
		if p.Class != want.class || p.Windows != want.windows || len(p.Probs) != 4 {
			t.Errorf("text %d: %+v, want class %s windows %d", i, p, want.class, want.windows)
		}
		if want.class == "benign" && (p.Score < 0.99 || p.Score != p.Probs[0]) {
			t.Errorf("text %d: first-stage score %v, probs %v", i, p.Score, p.Probs)
		}
	}
	if st := c.Stats(); st != (Stats{FirstStage: 2, SecondStage: 2}) {
		t.Errorf("stats %+v", st)
	}
	if err := c.Close(); err != nil || !snd.closed {
		t.Errorf("Close: %v, second closed %v", err, snd.closed)
	}
}

// TestMix: with an n-gram weight, the texts passed on get the weighted mean of both stages'
// probabilities and the mixture's class; the texts the first stage settles are unchanged.
func TestMix(t *testing.T) {
	m := firstStage(t)
	snd := &second{}
	c, err := New(m, Config{BenignThreshold: 0.99, NgramWeight: 0.25}, snd)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"ipconfig /all", "run mimikatz now"}
	preds, err := c.Classify(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	if preds[0].Class != "benign" || preds[0].Windows != 0 {
		t.Errorf("first-stage text: %+v", preds[0])
	}
	first := m.PredictNormalized(texts[1])
	transformer := []float32{0.1, 0.7, 0.1, 0.1} // what the stand-in second stage returns
	p := preds[1]
	for k := range p.Probs {
		want := 0.25*first[k] + 0.75*transformer[k]
		if diff := p.Probs[k] - want; diff > 1e-6 || diff < -1e-6 {
			t.Errorf("prob %d = %v, want %v (n-gram %v, transformer %v)", k, p.Probs[k], want, first[k], transformer[k])
		}
	}
	if p.Class != "T1003.002" || p.Score != p.Probs[1] || p.Windows != 1 || p.Tokens != 3 {
		t.Errorf("mixed prediction %+v", p)
	}

	// A heavy first stage can flip the class: here the n-gram model says T1003.002 with near certainty
	// and the stand-in transformer is made to say T1562.
	snd2 := &fixedSecond{probs: []float32{0.1, 0.2, 0.6, 0.1}}
	c2, err := New(m, Config{BenignThreshold: 0.99, NgramWeight: 0.6}, snd2)
	if err != nil {
		t.Fatal(err)
	}
	preds, err = c2.Classify(context.Background(), []string{"mimikatz"})
	if err != nil {
		t.Fatal(err)
	}
	if preds[0].Class != "T1003.002" {
		t.Errorf("mixture of a sure n-gram T1003.002 (weight 0.6) and a transformer T1562 0.6: %+v", preds[0])
	}
}

// fixedSecond returns the same probabilities for every text.
type fixedSecond struct{ probs []float32 }

func (s *fixedSecond) Classes() []string { return classes }
func (s *fixedSecond) Classify(_ context.Context, texts []string) ([]classifier.Prediction, error) {
	out := make([]classifier.Prediction, len(texts))
	for i := range texts {
		out[i] = classifier.Prediction{Probs: slices.Clone(s.probs), Class: "T1562", Score: 0.6, Windows: 1}
	}
	return out, nil
}

func TestAllDecidedSkipsSecondStage(t *testing.T) {
	snd := &second{err: errors.New("must not be called")}
	c, err := New(firstStage(t), Config{BenignThreshold: 0.5}, snd)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Classify(context.Background(), []string{"ls -la", "whoami"}); err != nil {
		t.Fatal(err)
	}
	snd.err = errors.New("boom")
	if _, err := c.Classify(context.Background(), []string{"mimikatz"}); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("second-stage error not returned: %v", err)
	}
}

func TestNewRejects(t *testing.T) {
	m := firstStage(t)
	if _, err := New(m, Config{}, &second{}); err == nil {
		t.Error("threshold 0 accepted")
	}
	if _, err := New(m, Config{BenignThreshold: 1.5}, &second{}); err == nil {
		t.Error("threshold 1.5 accepted")
	}
	for _, w := range []float64{-0.1, 1} {
		if _, err := New(m, Config{BenignThreshold: 0.9, NgramWeight: w}, &second{}); err == nil {
			t.Errorf("n-gram weight %v accepted", w)
		}
	}
	other, _ := ngram.New(ngram.DefaultConfig(), []string{"benign", "x"})
	if _, err := New(other, Config{BenignThreshold: 0.9}, &second{}); err == nil {
		t.Error("different classes accepted")
	}
}

func TestResolve(t *testing.T) {
	var b bytes.Buffer
	if err := firstStage(t).Save(&b); err != nil {
		t.Fatal(err)
	}
	good := `{"first_stage": "ngram.bin", "benign_threshold": 0.97}`
	withCascade := fstest.MapFS{"ngram.bin": {Data: b.Bytes()}, File: {Data: []byte(good)}}
	tests := []struct {
		name    string
		fsys    fstest.MapFS
		choice  string
		want    bool
		th      float64
		wantErr string
	}{
		{"model ships one", withCascade, "", true, 0.97, ""},
		{"turned off", withCascade, "off", false, 0, ""},
		{"model has none", fstest.MapFS{"model.onnx": {}}, "", false, 0, ""},
		{"missing first stage", fstest.MapFS{File: {Data: []byte(good)}}, "", false, 0, "first stage"},
		{"bad threshold", fstest.MapFS{"ngram.bin": {Data: b.Bytes()}, File: {Data: []byte(`{"first_stage":"ngram.bin","benign_threshold":0}`)}}, "", false, 0, "benign_threshold"},
		{"bad json", fstest.MapFS{File: {Data: []byte(`{`)}}, "", false, 0, "cascade.json"},
		{"bad weight", fstest.MapFS{"ngram.bin": {Data: b.Bytes()}, File: {Data: []byte(`{"first_stage":"ngram.bin","benign_threshold":0.9,"ngram_weight":1}`)}}, "", false, 0, "ngram_weight"},
		{"no file at path", nil, "/nonexistent/cascade.json", false, 0, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, cfg, _, err := Resolve(tt.fsys, tt.choice)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (m != nil) != tt.want || cfg.BenignThreshold != tt.th {
				t.Errorf("model %v, threshold %v; want model %v, threshold %v", m != nil, cfg.BenignThreshold, tt.want, tt.th)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	var b bytes.Buffer
	if err := firstStage(t).Save(&b); err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"ngram.bin": {Data: b.Bytes()}, File: {Data: []byte(`{"first_stage": "ngram.bin", "benign_threshold": 0.99}`)}}
	snd := &second{}
	c, source, err := Wrap(fsys, "", snd)
	if err != nil || c == nil || source != "model directory" {
		t.Fatalf("Wrap = %v, %q, %v", c, source, err)
	}
	if _, err := c.Classify(context.Background(), []string{"ls", "mimikatz"}); err != nil || !slices.Equal(snd.got, []string{"mimikatz"}) {
		t.Errorf("second stage saw %q (%v)", snd.got, err)
	}
	if c, _, err := Wrap(fsys, "off", snd); c != nil || err != nil {
		t.Errorf("off: %v, %v", c, err)
	}
	if _, _, err := Wrap(fstest.MapFS{File: {Data: []byte(`{`)}}, "", snd); err == nil {
		t.Error("a broken cascade file was accepted")
	}
}
