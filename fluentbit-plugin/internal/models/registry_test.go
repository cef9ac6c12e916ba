package models

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/ttpscope/ttpscope/shared/classifier"
)

type fakeModel struct {
	key    Key
	closed int
}

func (f *fakeModel) Classify(context.Context, []string) ([]classifier.Prediction, error) {
	return nil, nil
}
func (f *fakeModel) Classes() []string     { return classifier.KnownClasses() }
func (f *fakeModel) Info() classifier.Info { return classifier.Info{Source: f.key.ModelDir} }
func (f *fakeModel) Close() error          { f.closed++; return nil }

func TestRegistryShares(t *testing.T) {
	var loads []Key
	r := NewRegistry(func(_ context.Context, k Key) (Model, error) {
		loads = append(loads, k)
		if k.ModelDir == "/bad" {
			return nil, errors.New("no model.onnx")
		}
		return &fakeModel{key: k}, nil
	})
	ctx := context.Background()
	a := Key{Threads: 1, BatchSize: 32}
	b := Key{ModelDir: "/models/x", Threads: 1, BatchSize: 32}

	m1, rel1, shared1, err := r.Acquire(ctx, a)
	if err != nil || shared1 {
		t.Fatalf("first acquire: shared=%v err=%v", shared1, err)
	}
	m2, rel2, shared2, err := r.Acquire(ctx, a)
	if err != nil || !shared2 || m2 != m1 {
		t.Fatalf("second acquire: shared=%v same=%v err=%v", shared2, m2 == m1, err)
	}
	m3, rel3, _, err := r.Acquire(ctx, b)
	if err != nil || m3 == m1 {
		t.Fatalf("other key: same=%v err=%v", m3 == m1, err)
	}
	if _, _, _, err := r.Acquire(ctx, Key{ModelDir: "/bad"}); err == nil {
		t.Fatal("failed load returned no error")
	}
	if len(loads) != 3 || r.Loaded() != 2 {
		t.Fatalf("loads %v, loaded %d", loads, r.Loaded())
	}

	if err := rel1(); err != nil {
		t.Fatal(err)
	}
	if err := rel1(); err != nil { // idempotent: must not drop the second reference
		t.Fatal(err)
	}
	if m1.(*fakeModel).closed != 0 || r.Loaded() != 2 {
		t.Fatalf("closed after first release: %d", m1.(*fakeModel).closed)
	}
	if err := rel2(); err != nil {
		t.Fatal(err)
	}
	if m1.(*fakeModel).closed != 1 || r.Loaded() != 1 {
		t.Fatalf("closed %d loaded %d after last release", m1.(*fakeModel).closed, r.Loaded())
	}
	rel3()
	// After the last release the next Acquire loads again (a hot-reload generation after the old one exited).
	_, rel4, shared4, err := r.Acquire(ctx, a)
	if err != nil || shared4 || len(loads) != 4 {
		t.Fatalf("reload: shared=%v loads=%d err=%v", shared4, len(loads), err)
	}
	rel4()
}

func TestRegistryConcurrent(t *testing.T) {
	var mu sync.Mutex
	loads := 0
	r := NewRegistry(func(_ context.Context, k Key) (Model, error) {
		mu.Lock()
		loads++
		mu.Unlock()
		return &fakeModel{key: k}, nil
	})
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, rel, _, err := r.Acquire(context.Background(), Key{Threads: 1})
			if err != nil {
				t.Error(err)
				return
			}
			rel()
		}()
	}
	wg.Wait()
	if r.Loaded() != 0 || loads < 1 {
		t.Fatalf("loaded %d loads %d", r.Loaded(), loads)
	}
}
