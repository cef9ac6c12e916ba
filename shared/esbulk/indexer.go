package esbulk

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"
)

// Status is the final state of one document in an Indexer.
type Status uint8

const (
	// Indexed: written.
	Indexed Status = iota + 1
	// Duplicate: a create found the id already there (409).
	Duplicate
	// DeadLettered: refused for good, written to the dead-letter file.
	DeadLettered
	// Rejected: refused for good, no dead-letter file configured (logged).
	Rejected
	// Failed: still retryable when the batch deadline, MaxRetries or Close
	// ended its retries. It is not in Elasticsearch (or not known to be):
	// send it again.
	Failed
)

func (s Status) String() string {
	switch s {
	case Indexed:
		return "indexed"
	case Duplicate:
		return "duplicate"
	case DeadLettered:
		return "dead_lettered"
	case Rejected:
		return "rejected"
	case Failed:
		return "failed"
	}
	return "unknown"
}

// Result is the outcome of one document added to an Indexer.
type Result struct {
	Doc        Doc    // as added; Doc.Meta identifies it to the caller
	Index, ID  string // resolved index and id (the auto id when ES chose one)
	Status     Status
	HTTPStatus int             // last HTTP status for the item, 0 if none
	Error      json.RawMessage // ES's error object for refused items
	Err        error           // the last failure, nil for Indexed and Duplicate
}

// IndexerConfig configures an Indexer; flush sizes, workers and the queue
// bound come from the Writer's Config.
type IndexerConfig struct {
	// OnResult, when set, is called once for every added document, from a
	// worker goroutine, after its batch finished. It must not call Add.
	OnResult func(Result)
}

// IndexerStats is a snapshot of an Indexer's counters.
type IndexerStats struct {
	Added, Indexed, Duplicates, DeadLettered, Rejected, Failed uint64
	Batches                                                    uint64
	// QueuedBytes is the size of documents accepted and not yet finished.
	QueuedBytes int64
}

// Indexer is the asynchronous path (close it before its Writer): Add queues documents, workers send them
// in batches (by FlushBytes, FlushDocs and FlushInterval) through the
// Writer's retrying Write logic, and report each document's Result. Memory
// is bounded by Config.QueueBytes: Add blocks (backpressure) until enough
// queued documents finish.
type Indexer struct {
	w        *Writer
	onResult func(Result)
	in       chan *item
	budget   *byteBudget

	mu     sync.RWMutex // Add holds it shared; Close exclusively
	closed bool
	wg     sync.WaitGroup
	ctx    context.Context
	abort  context.CancelFunc

	added, indexed, duplicates, deadLettered, rejected, failed, batches atomic.Uint64
}

// NewIndexer starts an Indexer's workers. Close it to flush and stop them.
func (w *Writer) NewIndexer(cfg IndexerConfig) (*Indexer, error) {
	if w.closed.Load() {
		return nil, ErrClosed
	}
	ctx, cancel := context.WithCancel(context.Background())
	ix := &Indexer{
		w:        w,
		onResult: cfg.OnResult,
		in:       make(chan *item, w.cfg.Workers*4),
		budget:   newByteBudget(w.cfg.QueueBytes),
		ctx:      ctx,
		abort:    cancel,
	}
	for range w.cfg.Workers {
		ix.wg.Add(1)
		go ix.worker()
	}
	return ix, nil
}

// Add queues a document. It blocks while the queue is full, and returns
// ctx's error if ctx ends first (the document is then not queued), or
// ErrClosed after Close. d.Body and d.Source must not change until the
// document's Result.
func (ix *Indexer) Add(ctx context.Context, d Doc) error {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return ErrClosed
	}
	dc := d
	it := ix.w.prepare(&dc)
	if err := ix.budget.acquire(ctx, int64(it.size)); err != nil {
		return err
	}
	select {
	case ix.in <- it:
		ix.added.Add(1)
		ix.w.stats.docs.Add(1)
		return nil
	case <-ctx.Done():
		ix.budget.release(int64(it.size))
		return ctx.Err()
	}
}

// Close stops accepting documents, flushes what is queued and waits for
// every Result. If ctx ends first, retries are abandoned (the remaining
// documents finish as Failed, each still reported) and ctx's error is
// returned once the workers are done. Close is idempotent.
func (ix *Indexer) Close(ctx context.Context) error {
	ix.mu.Lock()
	if ix.closed {
		ix.mu.Unlock()
		ix.wg.Wait()
		return nil
	}
	ix.closed = true
	close(ix.in)
	ix.mu.Unlock()

	done := make(chan struct{})
	go func() {
		ix.wg.Wait()
		close(done)
	}()
	select {
	case <-done:
		ix.abort()
		return nil
	case <-ctx.Done():
		ix.abort()
		<-done
		return ctx.Err()
	}
}

// Stats returns a snapshot of the counters.
func (ix *Indexer) Stats() IndexerStats {
	return IndexerStats{
		Added: ix.added.Load(), Indexed: ix.indexed.Load(), Duplicates: ix.duplicates.Load(),
		DeadLettered: ix.deadLettered.Load(), Rejected: ix.rejected.Load(), Failed: ix.failed.Load(),
		Batches: ix.batches.Load(), QueuedBytes: ix.budget.inUse(),
	}
}

func (ix *Indexer) worker() {
	defer ix.wg.Done()
	cfg := ix.w.cfg
	ticker := time.NewTicker(cfg.FlushInterval)
	defer ticker.Stop()
	var batch []*item
	size := 0
	flush := func() {
		if len(batch) > 0 {
			ix.flush(batch)
			batch, size = nil, 0
		}
	}
	for {
		select {
		case it, ok := <-ix.in:
			if !ok {
				flush()
				return
			}
			if len(batch) > 0 && size+it.size > cfg.FlushBytes {
				flush()
			}
			batch = append(batch, it)
			size += it.size
			if len(batch) >= cfg.FlushDocs || size >= cfg.FlushBytes {
				flush()
			}
		case <-ticker.C:
			flush()
		}
	}
}

func (ix *Indexer) flush(batch []*item) {
	ctx, cancel := context.WithTimeout(ix.ctx, ix.w.cfg.Deadline)
	defer cancel()
	ix.w.process(ctx, batch)
	ix.batches.Add(1)
	var bytes int64
	for _, it := range batch {
		bytes += int64(it.size)
		r := Result{Doc: *it.doc, Index: it.index, ID: it.id, HTTPStatus: it.status, Error: it.errObj}
		switch it.state {
		case stateIndexed:
			r.Status = Indexed
			ix.indexed.Add(1)
		case stateDuplicate:
			r.Status = Duplicate
			ix.duplicates.Add(1)
		case stateDeadLettered:
			r.Status, r.Err = DeadLettered, it.err
			ix.deadLettered.Add(1)
		case stateRejected:
			r.Status, r.Err = Rejected, it.err
			ix.rejected.Add(1)
		default:
			r.Status, r.Err = Failed, it.err
			ix.failed.Add(1)
		}
		if ix.onResult != nil {
			ix.onResult(r)
		}
	}
	ix.budget.release(bytes)
}

// byteBudget is a weighted semaphore over bytes. A request larger than the
// whole budget is admitted when nothing else is held, so it cannot block
// forever.
type byteBudget struct {
	mu   sync.Mutex
	used int64
	max  int64
	wake chan struct{}
}

func newByteBudget(max int64) *byteBudget {
	return &byteBudget{max: max, wake: make(chan struct{})}
}

func (b *byteBudget) acquire(ctx context.Context, n int64) error {
	for {
		b.mu.Lock()
		if b.used == 0 || b.used+n <= b.max {
			b.used += n
			b.mu.Unlock()
			return nil
		}
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (b *byteBudget) release(n int64) {
	b.mu.Lock()
	b.used -= n
	close(b.wake)
	b.wake = make(chan struct{})
	b.mu.Unlock()
}

func (b *byteBudget) inUse() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.used
}
