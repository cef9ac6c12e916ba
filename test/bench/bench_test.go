// Package bench measures the default model end to end: raw ONNX Runtime on the exact batches the
// classifier builds, the full enrichment path on unique lines, and on a stream where most lines repeat.
// Run it with `make bench`; every benchmark reports records/s.
package bench

import (
	"bufio"
	"context"
	"fmt"
	"math/rand"
	"os"
	"sync/atomic"
	"testing"

	"github.com/ttpscope/ttpscope/model"
	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/shared/normalize"
)

// chunk is the number of records one worker handles at a time, as `elastic-ingest classify --chunk`.
const chunk = 512

var batchSizes = []int{1, 8, 32, 64}

func loadLines(b *testing.B) []string {
	b.Helper()
	f, err := os.Open("testdata/unique.txt")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	if len(lines) < 4*chunk {
		b.Fatalf("testdata/unique.txt has %d lines; want at least %d", len(lines), 4*chunk)
	}
	return lines
}

func newClassifier(b *testing.B, batch int) *classifier.Classifier {
	b.Helper()
	c, err := classifier.New(context.Background(), classifier.Options{FS: model.Default(), BatchSize: batch, IntraOpThreads: 1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Close() })
	return c
}

// parallel runs fn over chunk indices on GOMAXPROCS goroutines (the CLI's default workers, one
// intra-op thread each) and reports records/s.
func parallel(b *testing.B, chunks int, fn func(i int) error) {
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := fn(int(next.Add(1)-1) % chunks); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*chunk)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkRaw runs ONNX Runtime alone on the batches Classify builds for the unique lines.
func BenchmarkRaw(b *testing.B) {
	lines := loadLines(b)
	for _, bs := range batchSizes {
		b.Run(fmt.Sprintf("batch=%d", bs), func(b *testing.B) {
			c := newClassifier(b, bs)
			nchunks := len(lines) / chunk
			plans := make([][][][]int64, nchunks)
			for k := range plans {
				texts := make([]string, chunk)
				for i, l := range lines[k*chunk : (k+1)*chunk] {
					texts[i] = normalize.Text(l).Text
				}
				plans[k] = c.Batches(texts)
			}
			ctx := context.Background()
			parallel(b, nchunks, func(k int) error {
				for _, batch := range plans[k] {
					if _, err := c.RunRaw(ctx, batch); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
}

func records(lines []string) []map[string]any {
	recs := make([]map[string]any, len(lines))
	for i, l := range lines {
		recs[i] = map[string]any{"process": map[string]any{"command_line": l}}
	}
	return recs
}

// BenchmarkClassifyUnique is the whole enrichment path (extract, normalize, tokenize, window, run,
// schema) on lines that never repeat, so the cache never helps.
func BenchmarkClassifyUnique(b *testing.B) {
	lines := loadLines(b)
	for _, bs := range batchSizes {
		b.Run(fmt.Sprintf("batch=%d", bs), func(b *testing.B) {
			c := newClassifier(b, bs)
			e, err := enrich.New(c, enrich.Options{CacheEntries: -1, Model: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			nchunks := len(lines) / chunk
			ctx := context.Background()
			parallel(b, nchunks, func(k int) error {
				return e.Enrich(ctx, records(lines[k*chunk:(k+1)*chunk]))
			})
		})
	}
}

// BenchmarkClassifyRepeats is a realistic process-log stream: 95% of records repeat one of a few
// hundred common command lines (Zipf-distributed, as agents, scheduled tasks and shells do), 5% are
// new (a unique line with a fresh number appended, so it is never in the cache).
func BenchmarkClassifyRepeats(b *testing.B) {
	lines := loadLines(b)
	rng := rand.New(rand.NewSource(7))
	common := lines[:300]
	zipf := rand.NewZipf(rng, 1.2, 1, uint64(len(common)-1))
	stream := make([]string, 64*chunk)
	for i := range stream {
		if rng.Float64() < 0.05 {
			stream[i] = "" // a new line, made fresh each time the chunk is replayed
			continue
		}
		stream[i] = common[zipf.Uint64()]
	}
	c := newClassifier(b, 32)
	e, err := enrich.New(c, enrich.Options{Model: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var fresh atomic.Int64
	parallel(b, len(stream)/chunk, func(k int) error {
		part := append([]string(nil), stream[k*chunk:(k+1)*chunk]...)
		for i, l := range part {
			if l == "" {
				n := fresh.Add(1)
				part[i] = fmt.Sprintf("%s %d", lines[300+int(n)%(len(lines)-300)], n)
			}
		}
		return e.Enrich(ctx, records(part))
	})
	st := e.Stats().Cache
	b.ReportMetric(float64(st.Hits)/float64(st.Hits+st.Misses), "hit-ratio")
}
