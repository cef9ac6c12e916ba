package ngram

import (
	"testing"

	"github.com/ttpscope/ttpscope/shared/normalize"
)

// The benchmarks use models with every weight set (a trained model's weights are sparser, so it is no
// slower), with the default 2^18 buckets and with 2^20, on command lines of about 100 bytes; lines/s is
// for one goroutine except in BenchmarkPredictParallel.

func benchModel(b *testing.B) *Model {
	b.Helper()
	return randomModel(b, DefaultConfig(), true)
}

func benchModel20(b *testing.B) *Model {
	b.Helper()
	cfg := DefaultConfig()
	cfg.Bits = 20
	return randomModel(b, cfg, true)
}

func meanLen() float64 {
	n := 0
	for _, l := range sampleLines {
		n += len(l)
	}
	return float64(n) / float64(len(sampleLines))
}

func report(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	b.ReportMetric(meanLen(), "bytes/line")
}

// BenchmarkPredict: normalization, features and the model, as a caller with raw text pays.
func BenchmarkPredict(b *testing.B) {
	b.Run("bits=18", func(b *testing.B) { benchPredict(b, benchModel(b)) })
	b.Run("bits=20", func(b *testing.B) { benchPredict(b, benchModel20(b)) })
}

func benchPredict(b *testing.B, m *Model) {
	dst := make([]float32, 4)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.PredictTo(dst, sampleLines[i%len(sampleLines)])
		i++
	}
	report(b)
}

// BenchmarkPredictNormalized: features and the model only.
func BenchmarkPredictNormalized(b *testing.B) {
	b.Run("bits=18", func(b *testing.B) { benchPredictNormalized(b, benchModel(b)) })
	b.Run("bits=20", func(b *testing.B) { benchPredictNormalized(b, benchModel20(b)) })
}

func benchPredictNormalized(b *testing.B, m *Model) {
	norm := make([]string, len(sampleLines))
	for i, l := range sampleLines {
		norm[i] = normalize.Text(l).Text
	}
	dst := make([]float32, 4)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		m.PredictNormalizedTo(dst, norm[i%len(norm)])
		i++
	}
	report(b)
}

// BenchmarkPredictParallel: many goroutines sharing one model.
func BenchmarkPredictParallel(b *testing.B) {
	m := benchModel(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		dst := make([]float32, 4)
		i := 0
		for pb.Next() {
			m.PredictTo(dst, sampleLines[i%len(sampleLines)])
			i++
		}
	})
	report(b)
}
