// Package models shares loaded models between plugin instances. Fluent Bit may run several instances of
// the plugin in one process (and, on hot reload, a new generation next to the old one): each distinct
// model is loaded once and closed when its last user releases it.
package models

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/ttpscope/ttpscope/shared/classifier"
)

// Model is a loaded classifier; *classifier.Classifier and *classifier.Coalescer satisfy it.
type Model interface {
	Classify(ctx context.Context, texts []string) ([]classifier.Prediction, error)
	Classes() []string
	Info() classifier.Info
	Close() error
}

// Key identifies a model load: instances whose keys are equal share one Model.
type Key struct {
	ModelDir   string // absolute directory, or "" for the embedded default model
	ORTLibrary string
	Threads    int
	MaxTokens  int
	BatchSize  int
	BatchWait  time.Duration // > 0: a classifier.Coalescer with this MaxWait
	Cascade    string        // "", "off" or a cascade file (shared/cascade.Resolve)
}

func (k Key) String() string {
	dir := k.ModelDir
	if dir == "" {
		dir = "embedded"
	}
	s := fmt.Sprintf("%s threads=%d max_tokens=%d batch_size=%d", dir, k.Threads, k.MaxTokens, k.BatchSize)
	if k.BatchWait > 0 {
		s += fmt.Sprintf(" batch_wait=%v", k.BatchWait)
	}
	if k.Cascade != "" {
		s += " cascade=" + k.Cascade
	}
	return s
}

// Loader loads the model a key names.
type Loader func(ctx context.Context, k Key) (Model, error)

// Registry hands out shared models. It is safe for concurrent use.
type Registry struct {
	load    Loader
	mu      sync.Mutex
	entries map[Key]*entry
}

type entry struct {
	model Model
	refs  int
}

// NewRegistry returns a Registry that loads models with load.
func NewRegistry(load Loader) *Registry {
	return &Registry{load: load, entries: make(map[Key]*entry)}
}

// Acquire returns the model for k, loading it if no one holds it, and a release function that drops
// this reference (idempotent; the last release closes the model). shared reports whether the model was
// already loaded. Loads are serialized: Fluent Bit initializes instances one after another anyway.
func (r *Registry) Acquire(ctx context.Context, k Key) (m Model, release func() error, shared bool, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.entries[k]
	if !ok {
		model, err := r.load(ctx, k)
		if err != nil {
			return nil, nil, false, err
		}
		e = &entry{model: model}
		r.entries[k] = e
	}
	e.refs++
	var once sync.Once
	var closeErr error
	release = func() error {
		once.Do(func() { closeErr = r.release(k, e) })
		return closeErr
	}
	return e.model, release, ok, nil
}

func (r *Registry) release(k Key, e *entry) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.refs--
	if e.refs > 0 {
		return nil
	}
	delete(r.entries, k)
	if err := e.model.Close(); err != nil {
		return fmt.Errorf("close model %s: %w", k, err)
	}
	return nil
}

// Loaded returns the number of models currently loaded.
func (r *Registry) Loaded() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.entries)
}
