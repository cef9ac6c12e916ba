package esbulk

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/test/esfake"
)

// TestPropertyExactlyOnceOrDeadLettered checks the delivery guarantee the
// Fluent Bit plugin relies on: for random mixes of injected faults, resending
// the whole chunk until Write reports nothing retryable (as Fluent Bit does
// on FLB_RETRY) leaves every document indexed exactly once (by id, never
// overwritten) or dead-lettered exactly once, and none in both or neither.
//
// Reproduce a failure with ESBULK_PROP_SEED=<seed printed in the failure>.
func TestPropertyExactlyOnceOrDeadLettered(t *testing.T) {
	iterations, budget := 120, 25*time.Second
	if testing.Short() {
		iterations, budget = 25, 8*time.Second
	}
	base := uint64(20240501)
	if s := os.Getenv("ESBULK_PROP_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("ESBULK_PROP_SEED: %v", err)
		}
		base, iterations = v, 1
	}
	f := esfake.Start(t, esfake.WithSeed(base), esfake.WithRequestLogLimit(100))
	start := time.Now()
	ran, calls, faultsSeen := 0, 0, 0
	for i := range iterations {
		if time.Since(start) > budget {
			break
		}
		seed := base + uint64(i)
		c, fs := propertyIteration(t, f, seed)
		calls += c
		faultsSeen += fs
		ran++
		if t.Failed() {
			t.Fatalf("failed at seed %d (ESBULK_PROP_SEED=%d)", seed, seed)
		}
	}
	if ran < min(iterations, 10) {
		t.Errorf("only %d iterations ran in %v", ran, budget)
	}
	t.Logf("%d iterations, %d Write calls, %d with retryable leftovers, in %v", ran, calls, faultsSeen, time.Since(start).Round(time.Millisecond))
}

func propertyIteration(t *testing.T, f *esfake.Server, seed uint64) (calls, incomplete int) {
	rng := rand.New(rand.NewPCG(seed, seed*31+7))
	index := fmt.Sprintf("prop-%d", seed)

	// The chunk: unique docs, some poison (a mapping error), some repeated.
	n := 1 + rng.IntN(40)
	var in []Doc
	for i := range n {
		switch {
		case i > 0 && rng.Float64() < 0.08:
			in = append(in, in[rng.IntN(len(in))]) // same record twice: same id
		case rng.Float64() < 0.12:
			in = append(in, Doc{Body: fmt.Appendf(nil, `{"poison":"p%d-%d","i":%d}`, seed, i, i)})
		default:
			in = append(in, Doc{Body: fmt.Appendf(nil, `{"msg":"m%d-%d","i":%d}`, seed, i, i)})
		}
	}
	wantIndexed, wantDead := map[string]string{}, map[string]bool{}
	for _, d := range in {
		id := HashID([]byte(index), d.Body)
		if string(d.Body[:9]) == `{"poison"` {
			wantDead[id] = true
		} else {
			wantIndexed[id] = string(d.Body)
		}
	}

	cfg := testConfig(f.URL())
	cfg.Index = index
	cfg.DeadLetterPath = dlqPath(t)
	cfg.RequestTimeout = 40 * time.Millisecond
	cfg.BackoffMax = 5 * time.Millisecond
	cfg.Deadline = time.Duration(20+rng.IntN(130)) * time.Millisecond
	cfg.MaxRetries = []int{1, 3, -1}[rng.IntN(3)]
	cfg.FlushDocs = 1 + rng.IntN(20)
	w := newWriter(t, cfg)

	for attempt := 0; ; attempt++ {
		faults := esfake.Faults{MappingErrorField: "poison"}
		if attempt < 15 {
			statuses := []int{429, 500, 502, 503, 504}
			faults.FailRequests = rng.IntN(4)
			faults.RequestStatus = statuses[rng.IntN(len(statuses))]
			faults.ItemFailureRate = rng.Float64() * 0.5
			faults.ItemStatus = []int{429, 500, 503}[rng.IntN(3)]
			faults.DropRequests = rng.IntN(2)
			faults.AfterApply = rng.IntN(2) == 0
			if rng.Float64() < 0.2 {
				faults.DelayRequests, faults.Delay = 1, 60*time.Millisecond
			}
		}
		f.SetFaults(faults)
		out, err := w.Write(context.Background(), in)
		calls++
		if sum := out.Indexed + out.Duplicates + out.DeadLettered + out.Rejected + out.Retryable; sum != len(in) {
			t.Errorf("seed %d call %d: outcome %+v sums to %d, not %d", seed, calls, out, sum, len(in))
		}
		if (err == nil) != (out.Retryable == 0) {
			t.Errorf("seed %d: err %v with outcome %+v", seed, err, out)
		}
		if out.Rejected != 0 {
			t.Errorf("seed %d: %d rejected with a dead-letter file", seed, out.Rejected)
		}
		if out.Retryable == 0 {
			break
		}
		incomplete++
		if attempt > 40 {
			t.Fatalf("seed %d: still %d retryable after %d calls without faults", seed, out.Retryable, calls)
		}
	}
	f.ClearFaults()

	got := f.Docs(index)
	for id, body := range wantIndexed {
		d, ok := got[id]
		switch {
		case !ok:
			t.Errorf("seed %d: document %s lost", seed, body)
		case string(d.Source) != body:
			t.Errorf("seed %d: %s stored as %s", seed, body, d.Source)
		case d.Version != 1:
			t.Errorf("seed %d: %s written %d times", seed, body, d.Version)
		}
	}
	for id, d := range got {
		if _, ok := wantIndexed[id]; !ok {
			t.Errorf("seed %d: unexpected document %s %s", seed, id, d.Source)
		}
	}
	seen := map[string]int{}
	for _, dl := range readDeadLetters(t, cfg.DeadLetterPath) {
		seen[dl.ID]++
		if !wantDead[dl.ID] {
			t.Errorf("seed %d: dead letter for a good document: %+v", seed, dl)
		}
	}
	for id := range wantDead {
		if seen[id] != 1 {
			t.Errorf("seed %d: poison document %s dead-lettered %d times", seed, id, seen[id])
		}
	}
	return calls, incomplete
}

// TestPropertyAtLeastOnceWithoutIDs: with IDNone nothing is lost either,
// though a lost answer may index a document twice.
func TestPropertyAtLeastOnceWithoutIDs(t *testing.T) {
	f := esfake.Start(t, esfake.WithSeed(99), esfake.WithRequestLogLimit(100))
	for i := range 15 {
		rng := rand.New(rand.NewPCG(uint64(i), 5))
		index := fmt.Sprintf("prop-noid-%d", i)
		cfg := testConfig(f.URL())
		cfg.Index, cfg.IDMode = index, IDNone
		cfg.RequestTimeout, cfg.Deadline, cfg.MaxRetries = 40*time.Millisecond, 100*time.Millisecond, -1
		w := newWriter(t, cfg)
		in := docs(1+rng.IntN(30), index)
		pending := in
		for call := 0; len(pending) > 0; call++ {
			if call < 10 {
				f.SetFaults(esfake.Faults{ItemFailureRate: 0.3, DropRequests: rng.IntN(2), AfterApply: rng.IntN(2) == 0, FailRequests: rng.IntN(3), RequestStatus: 503})
			} else {
				f.ClearFaults()
			}
			// Without ids, resend the whole chunk only if something is left.
			out, _ := w.Write(context.Background(), pending)
			if out.Retryable == 0 {
				pending = nil
			}
			if call > 30 {
				t.Fatalf("iteration %d: not done after 30 calls", i)
			}
		}
		f.ClearFaults()
		count := map[string]int{}
		for _, d := range f.Docs(index) {
			count[string(d.Source)]++
		}
		for _, d := range in {
			if count[string(d.Body)] == 0 {
				t.Errorf("iteration %d: %s lost", i, d.Body)
			}
		}
	}
}
