// Package cascade puts a fast first stage in front of the transformer: the character n-gram model
// (shared/ngram) reads every text, and only the texts it cannot call benign with very high confidence go
// on to the transformer. Everything else about a prediction stays the same; a text the first stage
// settles gets the n-gram model's probabilities.
//
// The threshold comes with the n-gram model, in a small JSON file (see Config) that
// model/cmd/ngramtrain writes: it is the probability of benign above which the first stage decides, set
// on validation data so that at least a given share of attack lines (99.9% by default) still reaches the
// transformer. Optionally (Config.NgramWeight) the texts that go on are scored by both stages, their
// probabilities mixed: the n-gram model generalizes differently from the transformer, and the mixture
// is better than either on held-out procedure families (see model/default/MODEL_CARD.md). A Classifier
// has the same Classify and Classes methods as classifier.Classifier and classifier.Coalescer, so it
// slots into shared/enrich unchanged.
package cascade

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sync/atomic"

	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/ngram"
)

// Config is the cascade file, JSON.
type Config struct {
	// FirstStage is the n-gram model file, relative to the cascade file.
	FirstStage string `json:"first_stage"`
	// BenignThreshold: a text whose first-stage probability of benign is above this is decided there
	// (1 decides nothing).
	BenignThreshold float64 `json:"benign_threshold"`
	// NgramWeight is the first stage's share in the probabilities of the texts it passes on: they get
	// NgramWeight × n-gram + (1 − NgramWeight) × transformer. 0 (the default) leaves them to the
	// transformer alone.
	NgramWeight float64 `json:"ngram_weight,omitempty"`
	// Measured on the validation split when the threshold was set (informative).
	AttackPass float64 `json:"val_attack_pass,omitempty"` // share of attack lines passed to the transformer
	BenignSkip float64 `json:"val_benign_skip,omitempty"` // share of benign lines decided by the first stage
	ValLines   int     `json:"val_lines,omitempty"`
}

// Second is the transformer stage: classifier.Classifier or classifier.Coalescer.
type Second interface {
	Classify(ctx context.Context, texts []string) ([]classifier.Prediction, error)
	Classes() []string
}

// Classifier is the two-stage classifier. It is safe for concurrent use.
type Classifier struct {
	first     *ngram.Model
	second    Second
	threshold float32
	weight    float32 // Config.NgramWeight
	benign    int
	decided   atomic.Uint64
	passed    atomic.Uint64
}

// File is the name of the cascade file inside a model directory: a model that ships one runs as a
// cascade unless the user turns it off.
const File = "cascade.json"

// Resolve picks the cascade of a model whose directory is modelFS: choice "off" means none; "" means the
// directory's own cascade.json, if it has one; anything else is the path of a cascade file. It returns a
// nil model when there is no cascade, and a description of where it came from.
func Resolve(modelFS fs.FS, choice string) (*ngram.Model, Config, string, error) {
	switch choice {
	case "off":
		return nil, Config{}, "", nil
	case "":
		if _, err := fs.Stat(modelFS, File); errors.Is(err, fs.ErrNotExist) {
			return nil, Config{}, "", nil
		}
		m, cfg, err := Load(modelFS, File)
		return m, cfg, "model directory", err
	}
	m, cfg, err := Load(os.DirFS(filepath.Dir(choice)), filepath.Base(choice))
	return m, cfg, choice, err
}

// Wrap puts the cascade Resolve picks for modelFS and choice in front of second. It returns a nil
// Classifier (and no error) when there is no cascade, and where the cascade came from.
func Wrap(modelFS fs.FS, choice string, second Second) (*Classifier, string, error) {
	first, cfg, source, err := Resolve(modelFS, choice)
	if err != nil || first == nil {
		return nil, source, err
	}
	c, err := New(first, cfg, second)
	return c, source, err
}

// Stats counts the texts each stage decided.
type Stats struct{ FirstStage, SecondStage uint64 }

// Load reads a cascade file (and the model it names) from fsys.
func Load(fsys fs.FS, file string) (*ngram.Model, Config, error) {
	var cfg Config
	b, err := fs.ReadFile(fsys, file)
	if err != nil {
		return nil, cfg, fmt.Errorf("cascade: %w", err)
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return nil, cfg, fmt.Errorf("cascade %s: %w", file, err)
	}
	if cfg.FirstStage == "" {
		return nil, cfg, fmt.Errorf("cascade %s: no first_stage model", file)
	}
	if err := cfg.check(); err != nil {
		return nil, cfg, fmt.Errorf("cascade %s: %w", file, err)
	}
	name := path.Join(path.Dir(file), cfg.FirstStage)
	f, err := fsys.Open(name)
	if err != nil {
		return nil, cfg, fmt.Errorf("cascade %s: first stage: %w", file, err)
	}
	defer f.Close()
	m, err := ngram.Load(f)
	if err != nil {
		return nil, cfg, fmt.Errorf("cascade %s: first stage %s: %w", file, name, err)
	}
	return m, cfg, nil
}

// New returns the cascade of first and second with cfg's threshold and weight (its FirstStage is not
// read). Both must have the same classes, in the same order, one of them "benign".
func New(first *ngram.Model, cfg Config, second Second) (*Classifier, error) {
	if !slices.Equal(first.Classes(), second.Classes()) {
		return nil, fmt.Errorf("cascade: first stage classes %v differ from the model's %v", first.Classes(), second.Classes())
	}
	benign := slices.Index(first.Classes(), "benign")
	if benign < 0 {
		return nil, errors.New(`cascade: no "benign" class`)
	}
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("cascade: %w", err)
	}
	return &Classifier{first: first, second: second, threshold: float32(cfg.BenignThreshold),
		weight: float32(cfg.NgramWeight), benign: benign}, nil
}

// check validates the threshold and the weight (Load and New share it).
func (c Config) check() error {
	if !(c.BenignThreshold > 0 && c.BenignThreshold <= 1) {
		return fmt.Errorf("benign_threshold %v: want 0 < t <= 1", c.BenignThreshold)
	}
	if !(c.NgramWeight >= 0 && c.NgramWeight < 1) {
		return fmt.Errorf("ngram_weight %v: want 0 <= w < 1", c.NgramWeight)
	}
	return nil
}

// Classes returns the class names in output order.
func (c *Classifier) Classes() []string { return c.second.Classes() }

// Classify returns one Prediction per normalized text, in order. Texts the first stage settles get its
// probabilities (Windows and Tokens are 0: the transformer never saw them); the rest are the
// transformer's predictions, their probabilities mixed with the first stage's when NgramWeight is set.
func (c *Classifier) Classify(ctx context.Context, texts []string) ([]classifier.Prediction, error) {
	preds := make([]classifier.Prediction, len(texts))
	var rest []string
	var at []int
	var firstProbs [][]float32 // of the texts passed on, when they are mixed
	classes := c.first.Classes()
	for i, t := range texts {
		p := c.first.PredictNormalized(t)
		if p[c.benign] > c.threshold {
			preds[i] = classifier.Prediction{Probs: p, Class: classes[c.benign], Score: p[c.benign]}
			continue
		}
		rest = append(rest, t)
		at = append(at, i)
		if c.weight > 0 {
			firstProbs = append(firstProbs, p)
		}
	}
	c.decided.Add(uint64(len(texts) - len(rest)))
	c.passed.Add(uint64(len(rest)))
	if len(rest) == 0 {
		return preds, nil
	}
	second, err := c.second.Classify(ctx, rest)
	if err != nil {
		return nil, err
	}
	if len(second) != len(rest) {
		return nil, fmt.Errorf("cascade: second stage returned %d predictions for %d texts", len(second), len(rest))
	}
	for k, i := range at {
		preds[i] = second[k]
		if c.weight > 0 && second[k].Err == nil {
			c.mix(&preds[i], firstProbs[k])
		}
	}
	return preds, nil
}

// mix replaces p's probabilities with weight × first + (1 − weight) × p's, and its class and score
// with the mixture's most probable class.
func (c *Classifier) mix(p *classifier.Prediction, first []float32) {
	probs := make([]float32, len(p.Probs))
	arg := 0
	for k := range probs {
		probs[k] = c.weight*first[k] + (1-c.weight)*p.Probs[k]
		if probs[k] > probs[arg] {
			arg = k
		}
	}
	p.Probs, p.Class, p.Score = probs, c.second.Classes()[arg], probs[arg]
}

// Close closes the second stage when it has a Close method.
func (c *Classifier) Close() error {
	if cl, ok := c.second.(io.Closer); ok {
		return cl.Close()
	}
	return nil
}

// Stats returns how many texts each stage decided.
func (c *Classifier) Stats() Stats {
	return Stats{FirstStage: c.decided.Load(), SecondStage: c.passed.Load()}
}
