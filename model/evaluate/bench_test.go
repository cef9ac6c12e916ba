package evaluate

import (
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// benchItems returns n dev-like items with pseudo-random predictions (seeded).
func benchItems(n int) []Item {
	rng := rand.New(rand.NewPCG(1, 2))
	sources := []string{SourceArt, SourceArtCleanup, SourceTLDR, SourceTLDR, SourceTLDR, SourceTLDROffensive}
	items := make([]Item, n)
	for i := range items {
		src := sources[rng.IntN(len(sources))]
		label := Benign
		switch src {
		case SourceArt:
			label = Classes()[1+rng.IntN(3)]
		case SourceTLDROffensive:
			label = OutOfScope
		}
		var p Prediction
		sum := 0.0
		for k := range p.Probs {
			p.Probs[k] = rng.Float64()
			sum += p.Probs[k]
		}
		best := 0
		for k := range p.Probs {
			p.Probs[k] /= sum
			if p.Probs[k] > p.Probs[best] {
				best = k
			}
		}
		p.Class, p.Score = Classes()[best], p.Probs[best]
		items[i] = Item{Example: Example{Text: "cmd", Label: label, Source: src, Group: fmt.Sprint(i / 3), Family: fmt.Sprint(i % 50)}, Pred: p}
	}
	return items
}

func BenchmarkEvaluate(b *testing.B) {
	items := benchItems(10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Evaluate("bench", items, Options{Threshold: 0.5, Sweep: DefaultSweep()}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteHTML(b *testing.B) {
	r, err := Evaluate("bench", benchItems(10000), Options{Threshold: 0.5, MaxMisses: 50, Sweep: DefaultSweep()})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHTML(io.Discard, []*Report{r}, HTMLOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
