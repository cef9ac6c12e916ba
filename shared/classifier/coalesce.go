package classifier

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"
)

// CoalesceOptions configure NewCoalescer.
type CoalesceOptions struct {
	// MaxWait is how long a window may wait for others to fill its batch. 0 means no waiting:
	// a free runner takes whatever is pending at once, so only calls that are pending at the
	// same instant (typically while every runner is busy) share batches.
	MaxWait time.Duration
	// Runners is the number of concurrent ORT runs (default GOMAXPROCS).
	Runners int
	// Owned makes Close close the Classifier too, once the runners have stopped.
	Owned bool
}

// Coalescer batches the windows of concurrent Classify calls together, so that many small
// calls (a few records each) run full ORT batches instead of one tiny batch each. It has the
// same Classify and Classes as Classifier, and gives the same predictions for the same texts.
//
// Each call tokenizes its texts on its own goroutine and puts their windows on a shared
// queue. Runner goroutines take batches of the Classifier's BatchSize from it: a full batch as
// soon as there is one, otherwise, once the oldest pending window has waited MaxWait, everything
// pending (at most a batch). A batch is the length-sorted run of pending windows (as Classify's
// own batches) that holds the oldest one, so every window is served within MaxWait plus the
// time to get a free runner. A call returns once all its windows are scored.
//
// Unless CoalesceOptions.Owned is set, a Coalescer does not own its Classifier: Close stops the
// Coalescer only, and closing the Classifier first makes pending calls fail with ErrClosed.
type Coalescer struct {
	c       *Classifier
	owned   bool
	maxWait time.Duration
	size    int // windows per batch

	mu      sync.Mutex
	wake    *sync.Cond // signalled when windows arrive, the oldest falls due, or Close
	pending []queued   // windows not yet taken, sorted by length, then arrival
	seq     uint64     // arrival number of the next window queued
	closed  bool
	timer   *time.Timer // wakes a runner when the oldest pending window falls due
	timerAt time.Time   // when timer fires; zero when it is not armed
	runners sync.WaitGroup
}

// queued is one window on the queue: row w of call j.
type queued struct {
	j   *call
	w   int
	n   int       // tokens
	seq uint64    // arrival order
	at  time.Time // when it was queued
}

// call is one Coalescer.Classify call in flight. Its fields but job are guarded by
// Coalescer.mu; the runners write job.probs of their windows only.
type call struct {
	job  *job
	left int           // windows not yet scored
	done chan struct{} // closed once left reaches 0 or err is set
	err  error
}

// end settles j with err (nil: every window is scored) unless it is settled already.
func (j *call) end(err error) {
	select {
	case <-j.done:
	default:
		j.err = err
		close(j.done)
	}
}

// NewCoalescer starts opts.Runners runner goroutines batching Classify calls onto c. Close
// stops them.
func NewCoalescer(c *Classifier, opts CoalesceOptions) *Coalescer {
	runners := opts.Runners
	if runners <= 0 {
		runners = runtime.GOMAXPROCS(0)
	}
	q := &Coalescer{c: c, owned: opts.Owned, maxWait: max(0, opts.MaxWait), size: c.info.BatchSize}
	q.wake = sync.NewCond(&q.mu)
	q.runners.Add(runners)
	for range runners {
		go q.runner()
	}
	return q
}

// Classes returns the Classifier's classes (see Classifier.Classes).
func (q *Coalescer) Classes() []string { return q.c.Classes() }

// Info describes the Classifier's model and settings (see Classifier.Info).
func (q *Coalescer) Info() Info { return q.c.Info() }

// Classify returns one Prediction per text, in order, as Classifier.Classify does. When ctx
// is cancelled it returns ctx.Err() at once; its windows still queued are dropped and those
// already in a running batch are scored and discarded, other calls are unaffected. After
// Close, and for calls still queued when Close runs, it returns ErrClosed.
func (q *Coalescer) Classify(ctx context.Context, texts []string) ([]Prediction, error) {
	if q.isClosed() {
		return nil, ErrClosed
	}
	job, err := q.c.prepare(ctx, texts)
	if err != nil {
		return nil, err
	}
	if len(job.wins) == 0 {
		return job.preds, nil
	}
	j := &call{job: job, left: len(job.wins), done: make(chan struct{})}
	add := make([]queued, len(job.wins))
	for w, win := range job.wins {
		add[w] = queued{j: j, w: w, n: len(win.ids)}
	}
	slices.SortStableFunc(add, func(a, b queued) int { return a.n - b.n })
	now := time.Now()
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return nil, ErrClosed
	}
	for i := range add {
		add[i].seq, add[i].at = q.seq+uint64(add[i].w), now
	}
	q.seq += uint64(len(add))
	q.pending = merge(q.pending, add)
	if len(job.wins) >= q.size {
		q.wake.Broadcast() // possibly several full batches
	} else {
		q.wake.Signal()
	}
	q.mu.Unlock()

	select {
	case <-j.done:
	case <-ctx.Done():
		q.mu.Lock()
		j.end(ctx.Err())
		q.pending = slices.DeleteFunc(q.pending, func(e queued) bool { return e.j == j })
		q.mu.Unlock()
	}
	// j.done is closed, under q.mu, after the runners' last write to job.probs.
	if j.err != nil {
		return nil, j.err
	}
	return job.finish(), nil
}

func (q *Coalescer) isClosed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}

// Close fails the calls with windows still queued with ErrClosed, waits for the batches
// being run (calls they complete succeed) and stops the runners. It is idempotent, and later
// calls return ErrClosed. It closes the Classifier only when CoalesceOptions.Owned is set.
func (q *Coalescer) Close() error {
	q.mu.Lock()
	first := !q.closed
	if first {
		q.closed = true
		for _, e := range q.pending {
			e.j.end(ErrClosed)
		}
		q.pending = nil
		if q.timer != nil {
			q.timer.Stop()
		}
		q.wake.Broadcast()
	}
	q.mu.Unlock()
	q.runners.Wait()
	if first && q.owned {
		return q.c.Close()
	}
	return nil
}

// runner runs batches until Close.
func (q *Coalescer) runner() {
	defer q.runners.Done()
	var batch []queued
	rows := make([][]int64, 0, q.size)
	dsts := make([][]float32, 0, q.size)
	for {
		q.mu.Lock()
		batch = q.take(batch[:0])
		q.mu.Unlock()
		if len(batch) == 0 {
			return
		}
		rows, dsts = rows[:0], dsts[:0]
		for _, e := range batch {
			rows = append(rows, e.j.job.wins[e.w].ids)
			dsts = append(dsts, e.j.job.probsOf(e.w))
		}
		err := q.c.scoreBatch(rows, dsts)
		q.mu.Lock()
		for _, e := range batch {
			if err != nil {
				e.j.end(err)
				continue
			}
			if e.j.left--; e.j.left == 0 {
				e.j.end(nil)
			}
		}
		if err != nil { // the failed calls' other windows need not run
			q.pending = slices.DeleteFunc(q.pending, func(e queued) bool { return e.j.err != nil })
		}
		q.mu.Unlock()
		clear(batch) // drop the calls for the garbage collector
	}
}

// take waits, with q.mu held, until a batch is due and moves it from the queue into batch;
// it returns an empty batch once the Coalescer is closed.
func (q *Coalescer) take(batch []queued) []queued {
	hold := -1 // the oldest window, once it has waited MaxWait
	for !q.closed {
		if n := len(q.pending); n > 0 {
			oldest := 0
			for i, e := range q.pending {
				if e.seq < q.pending[oldest].seq {
					oldest = i
				}
			}
			due := q.pending[oldest].at.Add(q.maxWait)
			wait := time.Until(due)
			if wait <= 0 {
				hold = oldest
				break
			}
			if n >= q.size {
				break
			}
			if q.timerAt.IsZero() || q.timerAt.After(due) {
				q.arm(due, wait)
			}
		}
		q.wake.Wait()
	}
	if q.closed {
		return batch
	}
	lengths := make([]int, len(q.pending))
	for i, e := range q.pending {
		lengths[i] = e.n
	}
	s, e := pickRun(lengths, q.size, hold)
	batch = append(batch, q.pending[s:e]...)
	q.pending = slices.Delete(q.pending, s, e)
	if len(q.pending) > 0 {
		q.wake.Signal() // the rest may be due too, for another runner
	}
	return batch
}

// runCost is the fixed cost of one ORT run in padded tokens: a batch of k windows padded to L
// tokens costs about runCost + k*L. Measured on CPU with the default model, a run's fixed cost
// (60-100µs) is the work of 10-15 tokens; pickRun uses it to weigh padding against more runs.
const runCost = 16

// pickRun chooses the batch [s, e) to run from windows sorted by length: among the runs of
// consecutive windows that hold index hold (at most size of them), or with hold < 0 among the
// runs of exactly size windows, the one with the most tokens per unit of cost (runCost +
// windows * longest). The padding of a batch of windows of mixed lengths can cost more than
// the runs it saves, so an overdue window runs with the neighbours worth taking only.
func pickRun(lengths []int, size, hold int) (s, e int) {
	n := len(lengths)
	sum := func(s, e int) (t int) {
		for _, l := range lengths[s:e] {
			t += l
		}
		return t
	}
	best := -1.0
	try := func(ts, te int) {
		if r := float64(sum(ts, te)) / float64(runCost+(te-ts)*lengths[te-1]); r > best {
			best, s, e = r, ts, te
		}
	}
	if hold < 0 {
		for ts := 0; ts+size <= n; ts++ {
			try(ts, ts+size)
		}
		return s, e
	}
	for te := hold + 1; te <= min(n, hold+size); te++ {
		for ts := max(0, te-size); ts <= hold; ts++ {
			try(ts, te)
		}
	}
	return s, e
}

// merge merges two slices sorted by (length, arrival) into a new one.
func merge(a, b []queued) []queued {
	out := make([]queued, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].n < a[0].n { // on equal lengths, a's windows arrived first
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// arm sets the timer to wake a runner at due (wait from now).
func (q *Coalescer) arm(due time.Time, wait time.Duration) {
	q.timerAt = due
	if q.timer == nil {
		q.timer = time.AfterFunc(wait, q.fire)
		return
	}
	q.timer.Reset(wait)
}

func (q *Coalescer) fire() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.timerAt = time.Time{}
	q.wake.Signal()
}

// scoreBatch runs one batch outside Classify (for the Coalescer): it writes softmax(logits /
// temperature) of rows[k] into dsts[k]. Runs are not cancellable, since a batch may serve
// several callers.
func (c *Classifier) scoreBatch(rows [][]int64, dsts [][]float32) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return ErrClosed
	}
	r, err := c.newRunner(context.Background())
	if err != nil {
		return err
	}
	defer r.close()
	if err := r.score(rows, dsts); err != nil {
		return fmt.Errorf("batch of %d windows: %w", len(rows), err)
	}
	return nil
}
