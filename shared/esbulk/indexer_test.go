package esbulk

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/test/esfake"
)

// collector gathers Results by Doc.Meta.
type collector struct {
	mu      sync.Mutex
	results map[int][]Result
}

func (c *collector) add(r Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.results == nil {
		c.results = map[int][]Result{}
	}
	k := r.Doc.Meta.(int)
	c.results[k] = append(c.results[k], r)
}

func TestIndexerEveryDocGetsOneResult(t *testing.T) {
	f := esfake.Start(t, esfake.WithSeed(11))
	f.SetFaults(esfake.Faults{ItemFailureRate: 0.2, ItemStatus: 429, FailRequests: 2, RequestStatus: 503, MappingErrorField: "poison"})
	cfg := testConfig(f.URL())
	cfg.DeadLetterPath = dlqPath(t)
	cfg.FlushDocs = 50
	cfg.Workers = 3
	w := newWriter(t, cfg)
	var col collector
	ix, err := w.NewIndexer(IndexerConfig{OnResult: col.add})
	if err != nil {
		t.Fatal(err)
	}
	const n = 600
	for i := range n {
		body := fmt.Appendf(nil, `{"i":%d}`, i)
		if i%97 == 0 {
			body = fmt.Appendf(nil, `{"i":%d,"poison":true}`, i)
		}
		if err := ix.Add(context.Background(), Doc{Body: body, Meta: i}); err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
	if err := ix.Close(context.Background()); err != nil {
		t.Fatalf("Close: %v", err)
	}
	poison := 0
	for i := range n {
		rs := col.results[i]
		if len(rs) != 1 {
			t.Fatalf("doc %d: %d results", i, len(rs))
		}
		r := rs[0]
		want := Indexed
		if i%97 == 0 {
			want = DeadLettered
			poison++
		}
		if r.Status != want || r.Index != "esbulk-test" || r.ID == "" {
			t.Errorf("doc %d: %+v", i, r)
		}
		if want == DeadLettered && (r.HTTPStatus != 400 || r.Err == nil || len(r.Error) == 0) {
			t.Errorf("doc %d dead letter result %+v", i, r)
		}
	}
	st := ix.Stats()
	if st.Added != n || st.Indexed != uint64(n-poison) || st.DeadLettered != uint64(poison) || st.Failed != 0 || st.QueuedBytes != 0 || st.Batches < n/50 {
		t.Errorf("stats %+v", st)
	}
	if got := f.Count("esbulk-test"); got != n-poison {
		t.Errorf("fake has %d docs, want %d", got, n-poison)
	}
	if err := ix.Add(context.Background(), Doc{Body: []byte(`{}`)}); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after Close: %v", err)
	}
	if err := ix.Close(context.Background()); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestIndexerFlushInterval(t *testing.T) {
	f := esfake.Start(t)
	cfg := testConfig(f.URL())
	cfg.FlushInterval = 30 * time.Millisecond
	w := newWriter(t, cfg)
	done := make(chan Result, 3)
	ix, err := w.NewIndexer(IndexerConfig{OnResult: func(r Result) { done <- r }})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close(context.Background())
	for i := range 3 {
		if err := ix.Add(context.Background(), Doc{Body: fmt.Appendf(nil, `{"i":%d}`, i), Meta: i}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.After(2 * time.Second)
	for range 3 {
		select {
		case r := <-done:
			if r.Status != Indexed {
				t.Errorf("%+v", r)
			}
		case <-deadline:
			t.Fatal("partial batch not flushed by the interval")
		}
	}
}

func TestIndexerBackpressure(t *testing.T) {
	f := esfake.Start(t)
	f.DelayNextRequests(1000, 300*time.Millisecond, false)
	cfg := testConfig(f.URL())
	cfg.FlushBytes = 200
	cfg.FlushDocs = 2
	cfg.Workers = 1
	cfg.QueueBytes = 400 // the minimum: (1+1) × 200
	w := newWriter(t, cfg)
	ix, err := w.NewIndexer(IndexerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		f.ClearFaults()
		_ = ix.Close(context.Background())
	}()
	ctx := ctxTimeout(t, 150*time.Millisecond)
	var addErr error
	added := 0
	for i := range 100 {
		if addErr = ix.Add(ctx, Doc{Body: fmt.Appendf(nil, `{"pad":"%040d"}`, i)}); addErr != nil {
			break
		}
		added++
	}
	if !errors.Is(addErr, context.DeadlineExceeded) {
		t.Fatalf("Add never blocked: added %d, err %v", added, addErr)
	}
	if q := ix.Stats().QueuedBytes; q > 400+100 || added > 12 {
		t.Errorf("queue grew to %d bytes, %d docs, past the 400-byte bound", q, added)
	}
}

func TestIndexerCloseTimeoutReportsFailed(t *testing.T) {
	f := esfake.Start(t)
	f.FailNextRequests(1_000_000, 503)
	cfg := testConfig(f.URL())
	cfg.Deadline = time.Minute
	cfg.MaxRetries = -1
	w := newWriter(t, cfg)
	var col collector
	ix, err := w.NewIndexer(IndexerConfig{OnResult: col.add})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if err := ix.Add(context.Background(), Doc{Body: fmt.Appendf(nil, `{"i":%d}`, i), Meta: i}); err != nil {
			t.Fatal(err)
		}
	}
	start := time.Now()
	err = ix.Close(ctxTimeout(t, 100*time.Millisecond))
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 2*time.Second {
		t.Errorf("Close: %v after %v", err, time.Since(start))
	}
	for i := range 5 {
		if rs := col.results[i]; len(rs) != 1 || rs[0].Status != Failed || rs[0].Err == nil {
			t.Errorf("doc %d: %+v", i, rs)
		}
	}
	if st := ix.Stats(); st.Failed != 5 {
		t.Errorf("stats %+v", st)
	}
}
