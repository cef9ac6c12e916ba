package ngram

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/ttpscope/ttpscope/shared/normalize"
)

// Limits on a model's classes.
const (
	MaxClasses      = 64
	MaxClassNameLen = 255
	MaxWeights      = 1 << 26 // buckets times classes
)

// Model is a multinomial logistic regression over hashed character n-grams (see Featurizer). Its
// prediction methods are safe for concurrent use; the methods that change it (Weights and Bias
// written through, SetTemperature, SetFloat16) are not, and must not run alongside them.
type Model struct {
	cfg     Config
	classes []string
	bias    []float32 // one per class
	weights []float32 // Buckets() rows of len(classes), bucket-major
	temp    float32   // logits are divided by it before the softmax
	half    bool      // weights are float16 values, and Save writes them so
	pool    sync.Pool // *Featurizer
}

// New returns a model with zero weights and bias and temperature 1: it predicts the uniform
// distribution until trained.
func New(cfg Config, classes []string) (*Model, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := validClasses(classes); err != nil {
		return nil, err
	}
	if cfg.Buckets()*len(classes) > MaxWeights {
		return nil, fmt.Errorf("ngram: %d buckets of %d classes: more than %d weights", cfg.Buckets(), len(classes), MaxWeights)
	}
	return newModel(cfg, classes), nil
}

func newModel(cfg Config, classes []string) *Model {
	return &Model{
		cfg:     cfg,
		classes: append([]string(nil), classes...),
		bias:    make([]float32, len(classes)),
		weights: make([]float32, cfg.Buckets()*len(classes)),
		temp:    1,
	}
}

func validClasses(classes []string) error {
	if len(classes) < 2 || len(classes) > MaxClasses {
		return fmt.Errorf("ngram: %d classes: want 2 to %d", len(classes), MaxClasses)
	}
	seen := make(map[string]bool, len(classes))
	for _, c := range classes {
		switch {
		case c == "" || len(c) > MaxClassNameLen:
			return fmt.Errorf("ngram: class name %q: want 1 to %d bytes", c, MaxClassNameLen)
		case seen[c]:
			return fmt.Errorf("ngram: class %q given twice", c)
		}
		seen[c] = true
	}
	return nil
}

// Config returns the feature configuration.
func (m *Model) Config() Config { return m.cfg }

// Classes returns the class names, in the order of the probabilities.
func (m *Model) Classes() []string { return append([]string(nil), m.classes...) }

// Weights returns the weight matrix itself, Buckets() rows of len(Classes()) values, bucket-major: the
// weight of bucket b for class k is at b*len(Classes())+k. Writing to it changes the model.
func (m *Model) Weights() []float32 { return m.weights }

// Bias returns the bias vector itself, one value per class. Writing to it changes the model.
func (m *Model) Bias() []float32 { return m.bias }

// Temperature returns the value the logits are divided by before the softmax.
func (m *Model) Temperature() float32 { return m.temp }

// SetTemperature sets the value the logits are divided by before the softmax (temperature scaling).
func (m *Model) SetTemperature(t float32) error {
	if !(t > 0) || math.IsInf(float64(t), 0) {
		return fmt.Errorf("ngram: temperature %v: want a finite value above 0", t)
	}
	m.temp = t
	return nil
}

// Float16 reports whether the weights are stored as float16.
func (m *Model) Float16() bool { return m.half }

// SetFloat16 chooses how Save stores the weights. With on, every weight is rounded to the nearest
// float16 now, so the model predicts exactly what it will after Save and Load; call it again after
// changing the weights. The bias and temperature always stay float32.
func (m *Model) SetFloat16(on bool) {
	m.half = on
	if on {
		for i, w := range m.weights {
			m.weights[i] = roundHalf(w)
		}
	}
}

func (m *Model) featurizer() *Featurizer {
	if f, ok := m.pool.Get().(*Featurizer); ok {
		return f
	}
	return NewFeaturizer(m.cfg)
}

func (m *Model) release(f *Featurizer) {
	if len(f.table) <= maxKeptTable {
		m.pool.Put(f)
	}
}

// Predict normalizes text (normalize.Text, as the transformer classifier's callers do) and returns the
// class probabilities, in Classes() order. A text that is empty after normalization gets softmax(bias).
func (m *Model) Predict(text string) []float32 {
	return m.PredictTo(nil, text)
}

// PredictTo is Predict writing into dst (grown if too short) and returning it: with a dst of
// len(Classes()) it allocates nothing beyond what normalization does.
func (m *Model) PredictTo(dst []float32, text string) []float32 {
	return m.PredictNormalizedTo(dst, normalize.Text(text).Text)
}

// PredictNormalized is Predict for a text already normalized by normalize.Text.
func (m *Model) PredictNormalized(text string) []float32 {
	return m.PredictNormalizedTo(nil, text)
}

// PredictNormalizedTo is PredictNormalized writing into dst, which it returns; it allocates nothing when
// dst has len(Classes()) or more.
func (m *Model) PredictNormalizedTo(dst []float32, text string) []float32 {
	f := m.featurizer()
	dst = m.Logits(dst, f.Features(text))
	m.release(f)
	Softmax(dst, m.temp)
	return dst
}

// Logits writes the raw scores (bias plus weighted features, before temperature and softmax) of feats
// into dst, grown if needed, and returns it.
func (m *Model) Logits(dst []float32, feats []Feature) []float32 {
	n := len(m.classes)
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	w := m.weights
	if n == 4 {
		b0, b1, b2, b3 := m.bias[0], m.bias[1], m.bias[2], m.bias[3]
		var s0, s1, s2, s3 float32
		for _, ft := range feats {
			r := w[ft.Bucket*4 : ft.Bucket*4+4 : ft.Bucket*4+4]
			v := ft.Value
			s0 += v * r[0]
			s1 += v * r[1]
			s2 += v * r[2]
			s3 += v * r[3]
		}
		dst[0], dst[1], dst[2], dst[3] = b0+s0, b1+s1, b2+s2, b3+s3
		return dst
	}
	for k := range dst {
		dst[k] = 0
	}
	for _, ft := range feats {
		r := w[int(ft.Bucket)*n : int(ft.Bucket)*n+n]
		for k, x := range r {
			dst[k] += ft.Value * x
		}
	}
	for k := range dst {
		dst[k] += m.bias[k]
	}
	return dst
}

// Softmax turns logits z (at most MaxClasses) into probabilities in place, after dividing them by
// temperature t.
func Softmax(z []float32, t float32) {
	if len(z) == 0 {
		return
	}
	var e [MaxClasses]float64
	inv := 1 / float64(t)
	mx := math.Inf(-1)
	for _, v := range z {
		mx = max(mx, float64(v)*inv)
	}
	var sum float64
	for k, v := range z {
		e[k] = math.Exp(float64(v)*inv - mx)
		sum += e[k]
	}
	for k := range z {
		z[k] = float32(e[k] / sum)
	}
}

var errFormat = errors.New("ngram: not an n-gram model file")
