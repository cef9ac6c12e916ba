// Package benchdata holds what the benchmark packages (test/bench, test/harness) share: the corpus
// reader, the timed parallel pass over chunks, the interleaving of two measurements and the median
// their interleaved measurements report.
package benchdata

import (
	"bufio"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Lines reads a corpus file, one record per line.
func Lines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return lines, nil
}

// Median returns the median of v (the mean of the middle two for an even count; 0 for none).
func Median(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// Pass runs fn over the chunk indices 0..chunks-1 on workers goroutines, each taking the next index
// until none is left, and returns how long the whole pass took and the first error (a worker stops at
// its first error).
func Pass(workers, chunks int, fn func(k int) error) (time.Duration, error) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := int(next.Add(1) - 1); k < chunks; k = int(next.Add(1) - 1) {
				if err := fn(k); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	d := time.Since(start)
	close(errs)
	return d, <-errs
}

// Interleave runs the measurements a and b rounds times each, alternating their order (a b, b a, a b,
// ...) so that the machine's drift falls on both alike, and returns their results by round.
func Interleave(rounds int, a, b func() (float64, error)) (as, bs []float64, err error) {
	for n := range rounds {
		first, second := a, b
		if n%2 == 1 {
			first, second = b, a
		}
		x, err := first()
		if err != nil {
			return as, bs, err
		}
		y, err := second()
		if err != nil {
			return as, bs, err
		}
		if n%2 == 1 {
			x, y = y, x
		}
		as, bs = append(as, x), append(bs, y)
	}
	return as, bs, nil
}
