package classifier

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/model"
)

// newCoalescer starts a Coalescer, closes it at the end of the test and then checks that its
// goroutines are gone.
func newCoalescer(t testing.TB, c *Classifier, opts CoalesceOptions) *Coalescer {
	t.Helper()
	base := runtime.NumGoroutine()
	q := NewCoalescer(c, opts)
	t.Cleanup(func() {
		if err := q.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		checkGoroutines(t, base)
	})
	return q
}

// checkGoroutines waits up to 5s for the goroutine count to drop back to base.
func checkGoroutines(t testing.TB, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines, %d before:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// callTexts returns the texts of the calls in TestCoalescerMatchesClassify: 1 to 5 texts each,
// drawn from lines (which include multi-window texts) plus an occasional empty text.
func callTexts(lines []string, calls int, seed int64) [][]string {
	rng := rand.New(rand.NewSource(seed))
	out := make([][]string, calls)
	for i := range out {
		for k := rng.Intn(5) + 1; k > 0; k-- {
			if rng.Intn(20) == 0 {
				out[i] = append(out[i], "")
				continue
			}
			out[i] = append(out[i], lines[rng.Intn(len(lines))])
		}
	}
	return out
}

// singleWindowLines returns n synthetic lines of one window each.
func singleWindowLines(t testing.TB, c *Classifier, n int) []string {
	t.Helper()
	var out []string
	for _, l := range syntheticLines(4*n, 29) {
		if ids, _, _, _ := c.Windows(l); len(ids) == 1 && len(out) < n {
			out = append(out, l)
		}
	}
	if len(out) < n {
		t.Fatalf("only %d single-window lines", len(out))
	}
	return out
}

// TestCoalescerMatchesClassify: many concurrent small calls through a Coalescer get exactly
// Classifier.Classify's predictions for the same texts. Exact equality relies on ORT giving a
// window the same logits whatever batch it is padded into, which holds for these models on
// the CPU provider (TestBatchingMatchesSingle allows 1e-5 should that ever change).
func TestCoalescerMatchesClassify(t *testing.T) {
	ctx := context.Background()
	lines := syntheticLines(300, 23)
	for _, dir := range []string{tinyDir, tinyTTDir} {
		c := newClassifier(t, Options{ModelDir: dir})
		calls := callTexts(lines, 200, 7)
		want := make([][]Prediction, len(calls))
		multi := 0
		for i, texts := range calls {
			p, err := c.Classify(ctx, texts)
			if err != nil {
				t.Fatal(err)
			}
			want[i] = p
			for _, pred := range p {
				if pred.Windows > 1 {
					multi++
				}
			}
		}
		if multi == 0 {
			t.Fatal("no multi-window text in the sample")
		}
		for _, opts := range []CoalesceOptions{
			{MaxWait: 0, Runners: 1},
			{MaxWait: 0},
			{MaxWait: 2 * time.Millisecond, Runners: 3},
			{MaxWait: 20 * time.Millisecond, Runners: 2},
		} {
			t.Run(fmt.Sprintf("%s/wait=%v/runners=%d", dir, opts.MaxWait, opts.Runners), func(t *testing.T) {
				q := newCoalescer(t, c, opts)
				const goroutines = 16
				var next atomic.Int64
				var wg sync.WaitGroup
				errs := make(chan error, goroutines)
				for range goroutines {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := int(next.Add(1) - 1)
							if i >= len(calls) {
								return
							}
							got, err := q.Classify(ctx, calls[i])
							if err != nil {
								errs <- fmt.Errorf("call %d: %w", i, err)
								return
							}
							if !reflect.DeepEqual(got, want[i]) {
								errs <- fmt.Errorf("call %d: coalesced %+v, Classify %+v", i, got, want[i])
								return
							}
						}
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestCoalescerBatchesAcrossCalls: with an unbounded wait, calls smaller than a batch only run
// once together they fill one, and a lone call of a full batch runs at once.
func TestCoalescerBatchesAcrossCalls(t *testing.T) {
	ctx := context.Background()
	c := newClassifier(t, Options{ModelDir: tinyDir, BatchSize: 8})
	q := newCoalescer(t, c, CoalesceOptions{MaxWait: time.Hour, Runners: 1})
	short := singleWindowLines(t, c, 16)
	start := time.Now()
	if _, err := q.Classify(ctx, short[:8]); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("a full batch took %v", d)
	}

	var done atomic.Int64
	var wg sync.WaitGroup
	for k := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			texts := short[8+2*k : 10+2*k]
			got, err := q.Classify(ctx, texts)
			if err != nil {
				t.Error(err)
				return
			}
			want, _ := c.Classify(ctx, texts)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("coalesced %+v, Classify %+v", got, want)
			}
			done.Add(1)
		}()
	}
	wg.Wait()
	if done.Load() != 4 {
		t.Fatal("calls failed")
	}
}

// TestCoalescerMaxWait: a lone short call waits MaxWait for company, and none with MaxWait 0.
func TestCoalescerMaxWait(t *testing.T) {
	ctx := context.Background()
	c := newClassifier(t, Options{ModelDir: tinyDir, BatchSize: 8})
	texts := []string{"whoami /priv", "sc stop WinDefend"}
	want, err := c.Classify(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	for _, wait := range []time.Duration{0, 150 * time.Millisecond} {
		q := newCoalescer(t, c, CoalesceOptions{MaxWait: wait})
		start := time.Now()
		got, err := q.Classify(ctx, texts)
		took := time.Since(start)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("wait %v: %+v, %v; want %+v", wait, got, err, want)
		}
		if took < wait || (wait == 0 && took > time.Second) || took > wait+5*time.Second {
			t.Fatalf("MaxWait %v: a lone call took %v", wait, took)
		}
	}
}

// TestCoalescerCancel: a cancelled caller returns ctx.Err() at once, its queued windows are
// dropped, and concurrent callers are unaffected.
func TestCoalescerCancel(t *testing.T) {
	c := newClassifier(t, Options{ModelDir: tinyDir, BatchSize: 8})
	q := newCoalescer(t, c, CoalesceOptions{MaxWait: time.Hour, Runners: 1})

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := q.Classify(ctx, []string{"whoami"}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Classify(cancelled) = %v", err)
	}

	// A call waiting for its batch to fill: cancelled, it returns and leaves nothing queued.
	ctx, cancel = context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := q.Classify(ctx, []string{"whoami", "id -u"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Classify past its deadline = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("cancelled call took %v", d)
	}
	q.mu.Lock()
	left := len(q.pending)
	q.mu.Unlock()
	if left != 0 {
		t.Fatalf("%d windows of a cancelled call still queued", left)
	}
}

// TestCoalescerCancelOthers: many callers, a third of them cancelled at random moments; every
// other call gets its exact predictions.
func TestCoalescerCancelOthers(t *testing.T) {
	c := newClassifier(t, Options{ModelDir: tinyDir, BatchSize: 4})
	lines := syntheticLines(200, 31)
	calls := callTexts(lines, 240, 9)
	want := make([][]Prediction, len(calls))
	for i, texts := range calls {
		var err error
		if want[i], err = c.Classify(context.Background(), texts); err != nil {
			t.Fatal(err)
		}
	}
	for _, wait := range []time.Duration{0, time.Millisecond} {
		t.Run(fmt.Sprintf("wait=%v", wait), func(t *testing.T) {
			q := newCoalescer(t, c, CoalesceOptions{MaxWait: wait, Runners: 2})
			var wg sync.WaitGroup
			var cancelled, ok atomic.Int64
			for i, texts := range calls {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ctx := context.Background()
					if i%3 == 0 {
						var cancel context.CancelFunc
						ctx, cancel = context.WithTimeout(ctx, time.Duration(i%7)*200*time.Microsecond)
						defer cancel()
					}
					got, err := q.Classify(ctx, texts)
					switch {
					case err != nil && i%3 == 0 && errors.Is(err, context.DeadlineExceeded):
						cancelled.Add(1)
					case err != nil:
						t.Errorf("call %d: %v", i, err)
					case !reflect.DeepEqual(got, want[i]):
						t.Errorf("call %d: coalesced %+v, Classify %+v", i, got, want[i])
					default:
						ok.Add(1)
					}
				}()
			}
			wg.Wait()
			if ok.Load() < int64(len(calls))*2/3 {
				t.Fatalf("%d calls succeeded, %d cancelled", ok.Load(), cancelled.Load())
			}
			t.Logf("%d ok, %d cancelled", ok.Load(), cancelled.Load())
		})
	}
}

// TestCoalescerClose: Close fails queued calls with ErrClosed, stops every goroutine, is
// idempotent, and later calls get ErrClosed; the Classifier stays open.
func TestCoalescerClose(t *testing.T) {
	ctx := context.Background()
	c := newClassifier(t, Options{ModelDir: tinyDir, BatchSize: 8})
	base := runtime.NumGoroutine()
	q := NewCoalescer(c, CoalesceOptions{MaxWait: time.Hour, Runners: 3})
	if _, err := q.Classify(ctx, singleWindowLines(t, c, 16)); err != nil { // full batches run
		t.Fatal(err)
	}
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			_, err := q.Classify(ctx, []string{"whoami"})
			errs <- err
		}()
	}
	for { // wait for the three windows to be queued
		q.mu.Lock()
		n := len(q.pending)
		q.mu.Unlock()
		if n == 3 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := <-errs; !errors.Is(err, ErrClosed) {
			t.Fatalf("queued call at Close = %v", err)
		}
	}
	if err := q.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := q.Classify(ctx, []string{"whoami"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Classify after Close = %v", err)
	}
	checkGoroutines(t, base)
	if _, err := c.Classify(ctx, []string{"whoami"}); err != nil {
		t.Fatalf("Classifier after Coalescer.Close: %v", err)
	}
}

// TestCoalescerCloseWhileClassifying: Close racing busy callers; each call succeeds with the
// right result or fails with ErrClosed, and no goroutine is left.
func TestCoalescerCloseWhileClassifying(t *testing.T) {
	c := newClassifier(t, Options{ModelDir: tinyDir, BatchSize: 2})
	texts := syntheticLines(60, 19)
	want, err := c.Classify(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	base := runtime.NumGoroutine()
	q := NewCoalescer(c, CoalesceOptions{MaxWait: time.Millisecond, Runners: 2})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; ; r++ {
				i := (g*7 + r) % (len(texts) - 3)
				got, err := q.Classify(context.Background(), texts[i:i+3])
				if errors.Is(err, ErrClosed) {
					return
				}
				if err != nil || !reflect.DeepEqual(got, want[i:i+3]) {
					t.Errorf("Classify racing Close = %+v, %v", got, err)
					return
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	checkGoroutines(t, base)
}

func TestPickRun(t *testing.T) {
	tests := []struct {
		lengths    []int
		size, hold int
		s, e       int
	}{
		{[]int{10, 12}, 8, 0, 0, 2},                                       // all of a short queue
		{[]int{20, 20, 20, 20, 128}, 8, 0, 0, 4},                          // a long window is not worth padding to
		{[]int{20, 20, 20, 20, 128}, 8, 4, 4, 5},                          // ... nor padding for it
		{[]int{20, 20, 30, 30, 30, 30, 60, 60, 60, 60}, 4, -1, 6, 10},     // the most efficient full run: no padding, longest windows
		{[]int{20, 20, 30, 30, 30, 30, 60, 60, 60, 60}, 4, 0, 0, 4},       // the run holding the overdue one
		{[]int{20, 20, 30, 30, 30, 30, 60, 60, 60, 60}, 4, 7, 6, 10},      // ... whichever it is
		{[]int{16, 16, 16, 17, 17, 17, 17, 17, 17, 18}, 8, -1, 1, 9},      // near-equal lengths: a full batch
		{[]int{16, 16, 16, 17, 17, 17, 17, 17, 17, 18}, 8, 9, 2, 10},      // the overdue one's full batch
		{[]int{30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30}, 8, 10, 3, 11}, // holding the last
	}
	for _, tc := range tests {
		if s, e := pickRun(tc.lengths, tc.size, tc.hold); s != tc.s || e != tc.e {
			t.Errorf("pickRun(%v, %d, %d) = [%d, %d), want [%d, %d)", tc.lengths, tc.size, tc.hold, s, e, tc.s, tc.e)
		}
	}
}

// TestCoalescerOwned: with Owned, Close closes the Classifier too.
func TestCoalescerOwned(t *testing.T) {
	c, err := New(context.Background(), Options{ModelDir: tinyDir})
	if err != nil {
		t.Fatal(err)
	}
	q := NewCoalescer(c, CoalesceOptions{Owned: true})
	if got, want := q.Info().Name, c.Info().Name; got != want {
		t.Fatalf("Info().Name = %q, want %q", got, want)
	}
	if err := q.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Classify(context.Background(), []string{"whoami"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Classifier after an owning Coalescer closed: %v", err)
	}
}

// TestCoalescerClassifierClosed: closing the Classifier under a Coalescer fails its calls with
// ErrClosed instead of hanging.
func TestCoalescerClassifierClosed(t *testing.T) {
	c, err := New(context.Background(), Options{ModelDir: tinyDir})
	if err != nil {
		t.Fatal(err)
	}
	q := newCoalescer(t, c, CoalesceOptions{})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := q.Classify(context.Background(), []string{"whoami"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Classify on a closed Classifier = %v", err)
	}
	if got, want := q.Classes(), c.Classes(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Classes() = %v, want %v", got, want)
	}
}

// cpuTime is the CPU time (user + system) the process has used so far.
func cpuTime(b testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCoalesce measures many small concurrent calls (benchCallers goroutines, benchPerCall
// records per call, as Fluent Bit workers flushing a few records each) on the default model:
// the plain Classifier against a Coalescer at several MaxWait values.
func BenchmarkCoalesce(b *testing.B) {
	const benchCallers, benchPerCall = 16, 2
	lines := syntheticLines(4096, 42)
	c := newClassifier(b, Options{FS: model.Default()})
	type classify = func(context.Context, []string) ([]Prediction, error)
	run := func(b *testing.B, fn classify) {
		var next atomic.Int64
		var wg sync.WaitGroup
		ctx := context.Background()
		cpu0 := cpuTime(b)
		b.ResetTimer()
		for range benchCallers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= b.N {
						return
					}
					off := (i * benchPerCall) % (len(lines) - benchPerCall)
					if _, err := fn(ctx, lines[off:off+benchPerCall]); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(b.N*benchPerCall)/b.Elapsed().Seconds(), "records/s")
		// The process's CPU time, immune to other load on the machine.
		b.ReportMetric(float64(b.N*benchPerCall)/(cpuTime(b)-cpu0).Seconds(), "records/cpu-s")
	}
	b.Run("plain", func(b *testing.B) { run(b, c.Classify) })
	for _, wait := range []time.Duration{0, 2 * time.Millisecond, 5 * time.Millisecond} {
		b.Run(fmt.Sprintf("wait=%v", wait), func(b *testing.B) {
			q := NewCoalescer(c, CoalesceOptions{MaxWait: wait})
			defer q.Close()
			run(b, q.Classify)
		})
	}
}
