package classifier

import (
	"context"
	"fmt"
	"testing"
)

// benchChunk is the number of records per Classify call in the benchmarks.
const benchChunk = 512

var benchBatches = []int{1, 8, 32, 64}

// BenchmarkClassify measures the full path (tokenize, window, sort, pad, run, softmax,
// aggregate) on distinct lines, benchChunk records per call, at several batch sizes.
func BenchmarkClassify(b *testing.B) {
	lines := syntheticLines(4*benchChunk, 42)
	for _, bs := range benchBatches {
		b.Run(fmt.Sprintf("batch=%d", bs), func(b *testing.B) {
			c := newClassifier(b, Options{ModelDir: tinyDir, BatchSize: bs})
			ctx := context.Background()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				off := (i % 4) * benchChunk
				if _, err := c.Classify(ctx, lines[off:off+benchChunk]); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*benchChunk)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkRaw runs exactly the batches BenchmarkClassify feeds ORT (same windows, same
// length-sorted grouping, same padding) through RunRaw, so the difference to BenchmarkClassify
// is the classifier's own overhead.
func BenchmarkRaw(b *testing.B) {
	lines := syntheticLines(4*benchChunk, 42)
	for _, bs := range benchBatches {
		b.Run(fmt.Sprintf("batch=%d", bs), func(b *testing.B) {
			c := newClassifier(b, Options{ModelDir: tinyDir, BatchSize: bs})
			ctx := context.Background()
			var chunks [4][][][]int64 // chunk -> batch -> rows
			for k := range chunks {
				var rows [][]int64
				for _, line := range lines[k*benchChunk : (k+1)*benchChunk] {
					ids, _, _, err := c.Windows(line)
					if err != nil {
						b.Fatal(err)
					}
					rows = append(rows, ids...)
				}
				lengths := make([]int, len(rows))
				for i, r := range rows {
					lengths[i] = len(r)
				}
				for _, members := range batchPlan(lengths, bs) {
					batch := make([][]int64, len(members))
					for j, w := range members {
						batch[j] = rows[w]
					}
					chunks[k] = append(chunks[k], batch)
				}
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				for _, batch := range chunks[i%4] {
					if _, err := c.RunRaw(ctx, batch); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*benchChunk)/b.Elapsed().Seconds(), "records/s")
		})
	}
}

// BenchmarkWindows measures tokenization + windowing alone (no ORT).
func BenchmarkWindows(b *testing.B) {
	lines := syntheticLines(4*benchChunk, 42)
	c := newClassifier(b, Options{ModelDir: tinyDir})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, _, err := c.Windows(lines[i%len(lines)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
