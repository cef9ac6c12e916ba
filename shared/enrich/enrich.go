// Package enrich is the path every record takes, whichever front end carries it: pick the text out of the
// record, normalize it, look it up in the cache, classify the misses in one batch, and write the result (and
// the ECS threat fields for alerts) back into the record.
//
// Every record given to Enrich comes back annotated: ok with a class, skipped with the reason (no text field,
// empty text), or error with the reason. None is dropped.
package enrich

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/ttpscope/ttpscope/shared/cache"
	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/normalize"
	"github.com/ttpscope/ttpscope/shared/record"
	"github.com/ttpscope/ttpscope/shared/schema"
)

// Defaults for Options fields left zero.
const (
	DefaultAlertThreshold = 0.5
	DefaultCacheEntries   = 100_000
)

// Classifier is what the enricher needs from a model; *classifier.Classifier satisfies it.
type Classifier interface {
	Classify(ctx context.Context, texts []string) ([]classifier.Prediction, error)
	Classes() []string
}

// Options configure an Enricher. Zero values take the defaults.
type Options struct {
	Fields         []string // keys or dotted paths tried in order; nil means record.DefaultFields
	ResultKey      string   // where the result goes; "" means schema.DefaultKey
	AlertThreshold float64  // score at which an attack class also gets ECS threat.* fields
	CacheEntries   int      // normalized texts remembered; negative disables the cache
	Model          string   // name@version written into every result
}

// Enricher annotates records. It is safe for concurrent use.
type Enricher struct {
	clf     Classifier
	classes []string
	benign  int
	opts    Options
	cache   *cache.Cache[[]float32]
	counts  counters
}

type counters struct {
	records, ok, skipped, errors, alerts atomic.Uint64
	perClass                             map[string]*atomic.Uint64
}

// Stats is a snapshot of what an Enricher has done.
type Stats struct {
	Records, OK, Skipped, Errors, Alerts uint64
	PerClass                             map[string]uint64
	Cache                                cache.Stats
}

// New returns an Enricher over clf.
func New(clf Classifier, opts Options) (*Enricher, error) {
	if opts.ResultKey == "" {
		opts.ResultKey = schema.DefaultKey
	}
	if len(opts.Fields) == 0 {
		opts.Fields = record.DefaultFields()
	}
	if opts.AlertThreshold == 0 {
		opts.AlertThreshold = DefaultAlertThreshold
	}
	if opts.AlertThreshold < 0 || opts.AlertThreshold > 1 {
		return nil, fmt.Errorf("alert threshold %v: must be between 0 and 1", opts.AlertThreshold)
	}
	if opts.CacheEntries == 0 {
		opts.CacheEntries = DefaultCacheEntries
	}
	c, err := cache.New[[]float32](opts.CacheEntries, 0)
	if err != nil {
		return nil, fmt.Errorf("result cache: %w", err)
	}
	e := &Enricher{clf: clf, classes: clf.Classes(), benign: -1, opts: opts, cache: c}
	e.counts.perClass = make(map[string]*atomic.Uint64)
	for i, name := range e.classes {
		if name == schema.ClassBenign {
			e.benign = i
		}
		e.counts.perClass[name] = new(atomic.Uint64)
	}
	if e.benign < 0 {
		return nil, fmt.Errorf("model classes %v have no %q class", e.classes, schema.ClassBenign)
	}
	return e, nil
}

// Options returns the effective options.
func (e *Enricher) Options() Options { return e.opts }

// Enrich annotates every record in recs in place. The returned error is for the whole call (the context
// ended, or the model failed); even then every record has been annotated, with status error.
func (e *Enricher) Enrich(ctx context.Context, recs []map[string]any) error {
	type pending struct {
		rec   int
		field string
		text  string
	}
	var (
		todo   []pending
		texts  []string
		byText = make(map[string]int) // normalized text -> index in texts, so a batch classifies each once
	)
	for i, rec := range recs {
		e.counts.records.Add(1)
		raw, field, err := record.Extract(rec, e.opts.Fields)
		if err != nil {
			e.finish(rec, schema.Result{Status: schema.StatusSkipped, Reason: err.Error(), Model: e.opts.Model})
			continue
		}
		norm := normalize.Text(raw).Text
		if norm == "" {
			e.finish(rec, schema.Result{Status: schema.StatusSkipped, Reason: "empty text after normalization", SourceField: field, Model: e.opts.Model})
			continue
		}
		if probs, ok := e.cache.Get(norm); ok {
			e.finish(rec, e.result(probs, field))
			continue
		}
		if _, seen := byText[norm]; !seen {
			byText[norm] = len(texts)
			texts = append(texts, norm)
		}
		todo = append(todo, pending{rec: i, field: field, text: norm})
	}
	if len(texts) == 0 {
		return nil
	}
	preds, err := e.clf.Classify(ctx, texts)
	if err == nil && len(preds) != len(texts) {
		err = fmt.Errorf("classifier returned %d predictions for %d texts", len(preds), len(texts))
	}
	if err != nil {
		for _, p := range todo {
			e.finish(recs[p.rec], schema.Result{Status: schema.StatusError, Reason: "classify: " + err.Error(), SourceField: p.field, Model: e.opts.Model})
		}
		return fmt.Errorf("classify %d texts: %w", len(texts), err)
	}
	for i, p := range preds {
		if p.Err == nil {
			e.cache.Add(texts[i], p.Probs)
		}
	}
	for _, p := range todo {
		pred := preds[byText[p.text]]
		if pred.Err != nil {
			e.finish(recs[p.rec], schema.Result{Status: schema.StatusError, Reason: pred.Err.Error(), SourceField: p.field, Model: e.opts.Model})
			continue
		}
		e.finish(recs[p.rec], e.result(pred.Probs, p.field))
	}
	return nil
}

// result turns a probability vector (in the model's class order) into the record's result.
func (e *Enricher) result(probs []float32, field string) schema.Result {
	best := 0
	for i, p := range probs {
		if p > probs[best] {
			best = i
		}
	}
	r := schema.Result{
		Class:          e.classes[best],
		Score:          round(float64(probs[best])),
		MaliciousScore: round(1 - float64(probs[e.benign])),
		Probabilities:  make(map[string]float64, len(probs)),
		Model:          e.opts.Model,
		SourceField:    field,
		Status:         schema.StatusOK,
	}
	for i, p := range probs {
		r.Probabilities[e.classes[i]] = round(float64(p))
	}
	return r
}

// round keeps six decimals: float32 noise beyond that is meaningless and bloats every indexed document.
func round(f float64) float64 {
	const scale = 1e6
	v := f*scale + 0.5
	if v < 0 {
		v = 0
	}
	return float64(int64(v)) / scale
}

func (e *Enricher) finish(rec map[string]any, r schema.Result) {
	schema.Apply(rec, e.opts.ResultKey, r, e.opts.AlertThreshold)
	switch r.Status {
	case schema.StatusOK:
		e.counts.ok.Add(1)
		if c, ok := e.counts.perClass[r.Class]; ok {
			c.Add(1)
		}
		if r.Class != schema.ClassBenign && r.Score >= e.opts.AlertThreshold {
			e.counts.alerts.Add(1)
		}
	case schema.StatusSkipped:
		e.counts.skipped.Add(1)
	default:
		e.counts.errors.Add(1)
	}
}

// Stats returns a snapshot of the counters.
func (e *Enricher) Stats() Stats {
	s := Stats{
		Records: e.counts.records.Load(), OK: e.counts.ok.Load(), Skipped: e.counts.skipped.Load(),
		Errors: e.counts.errors.Load(), Alerts: e.counts.alerts.Load(),
		PerClass: make(map[string]uint64, len(e.counts.perClass)), Cache: e.cache.Stats(),
	}
	for name, c := range e.counts.perClass {
		s.PerClass[name] = c.Load()
	}
	return s
}

// Mark annotates a record that is not to be classified with status (schema.StatusSkipped or
// schema.StatusError) and the reason, and counts it: for example a line that is not valid JSON, passed
// through as its raw text.
func (e *Enricher) Mark(rec map[string]any, status, reason string) {
	e.counts.records.Add(1)
	e.finish(rec, schema.Result{Status: status, Reason: reason, Model: e.opts.Model})
}
