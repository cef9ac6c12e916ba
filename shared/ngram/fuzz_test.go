package ngram

import (
	"bytes"
	"math"
	"testing"
)

// FuzzLoad feeds Load arbitrary bytes: it must fail cleanly or return a model that predicts
// probabilities and saves back to a file that loads to the same bytes.
func FuzzLoad(f *testing.F) {
	for _, half := range []bool{false, true} {
		m, err := New(Config{MinN: 1, MaxN: 3, Bits: 4}, []string{"benign", "bad", "worse"})
		if err != nil {
			f.Fatal(err)
		}
		for i := range m.Weights() {
			m.Weights()[i] = float32(i%7) - 3
		}
		m.Bias()[1] = 0.25
		m.SetFloat16(half)
		var b bytes.Buffer
		if err := m.Save(&b); err != nil {
			f.Fatal(err)
		}
		f.Add(b.Bytes())
		f.Add(b.Bytes()[:len(b.Bytes())/2])
	}
	f.Add(buildFile(nil, make([]byte, 64)))
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, text := range []string{"", "reg save hklm\\sam s.hiv", "\xff\x00x"} {
			p := m.Predict(text)
			var sum float64
			for _, v := range p {
				if math.IsNaN(float64(v)) || v < 0 || v > 1 {
					t.Fatalf("probabilities %v", p)
				}
				sum += float64(v)
			}
			if math.Abs(sum-1) > 1e-4 {
				t.Fatalf("probabilities %v sum to %v", p, sum)
			}
		}
		var a, b bytes.Buffer
		if err := m.Save(&a); err != nil {
			t.Fatal(err)
		}
		m2, err := Load(bytes.NewReader(a.Bytes()))
		if err != nil {
			t.Fatalf("reloading a saved model: %v", err)
		}
		if err := m2.Save(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatal("save, load, save wrote different bytes")
		}
	})
}
