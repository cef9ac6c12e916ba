package ngram

import (
	"errors"
	"fmt"
	"math"
)

// Limits of a Config.
const (
	MaxOrder = 8  // longest n-gram a Config may ask for
	MinBits  = 4  // fewest hash bits (16 buckets)
	MaxBits  = 24 // most hash bits (16M buckets)
)

// Config says how a normalized text becomes features. It is stored in the model file: a model is
// always served with the features it was trained on.
type Config struct {
	MinN int // shortest n-gram, in bytes (at least 1)
	MaxN int // longest n-gram, in bytes (at most MaxOrder)
	Bits int // log2 of the number of hash buckets (MinBits to MaxBits)
}

// DefaultConfig is byte 1- to 5-grams hashed into 2^18 buckets: on the generated data 2^18 scored as
// well as 2^19 and 2^20 (validation log loss), with a file of about 2 MB.
func DefaultConfig() Config { return Config{MinN: 1, MaxN: 5, Bits: 18} }

// Buckets returns the number of hash buckets, 1<<Bits.
func (c Config) Buckets() int { return 1 << c.Bits }

// Validate reports whether c is usable.
func (c Config) Validate() error {
	switch {
	case c.MinN < 1 || c.MaxN > MaxOrder || c.MinN > c.MaxN:
		return fmt.Errorf("ngram: n-gram range %d..%d: want 1 <= min <= max <= %d", c.MinN, c.MaxN, MaxOrder)
	case c.Bits < MinBits || c.Bits > MaxBits:
		return fmt.Errorf("ngram: %d hash bits: want %d to %d", c.Bits, MinBits, MaxBits)
	}
	return nil
}

// Feature is one hashed n-gram bucket of a text and its value.
type Feature struct {
	Bucket uint32
	Value  float32
}

// Featurizer turns normalized texts into features. It keeps its buffers between calls, so a text costs
// no allocation once they are large enough. A Featurizer is not safe for concurrent use; a Model keeps a
// pool of them.
//
// The features of a text t are the byte n-grams (MinN <= n <= MaxN) of " " + t + " ": the text is
// already white-space folded by package normalize, so every word is bounded by spaces and the padding
// marks the first and last word the same way. Each n-gram is hashed (FNV-1a, 32 bits, then the murmur3
// finalizer) into one of 2^Bits buckets; a bucket's count c becomes 1+ln(c), and the vector is scaled to
// unit L2 norm. Features come in the order of each bucket's first n-gram, which makes every sum over
// them deterministic.
type Featurizer struct {
	cfg   Config
	buf   []byte
	table []slot // open addressing on the bucket, valid where gen matches cur
	cur   uint32
	feats []Feature
}

type slot struct {
	gen    uint32
	bucket uint32
	pos    int32 // index in feats
}

// maxKeptTable is the largest table a pooled Featurizer keeps; one grown for a huge text is dropped.
const maxKeptTable = 1 << 16

var errConfig = errors.New("ngram: invalid config")

// NewFeaturizer returns a Featurizer for cfg; it panics if cfg is invalid (see Config.Validate).
func NewFeaturizer(cfg Config) *Featurizer {
	if cfg.Validate() != nil {
		panic(errConfig)
	}
	return &Featurizer{cfg: cfg}
}

// FNV-1a constants and the murmur3 32-bit finalizer. They are part of the model file format: changing
// them changes every feature.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fmix32(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h
}

// Features returns the features of text, which must already be normalized (normalize.Text). The slice
// is the Featurizer's own and is valid until its next call. An empty text has no features.
func (f *Featurizer) Features(text string) []Feature {
	f.feats = f.feats[:0]
	if text == "" {
		return f.feats
	}
	buf := append(f.buf[:0], ' ')
	buf = append(buf, text...)
	buf = append(buf, ' ')
	f.buf = buf

	orders := f.cfg.MaxN - f.cfg.MinN + 1
	need := len(buf) * orders
	if maxDistinct := 1 << f.cfg.Bits; need > maxDistinct {
		need = maxDistinct
	}
	size := 64
	for size < 2*need {
		size <<= 1
	}
	if len(f.table) < size {
		f.table = make([]slot, size)
		f.cur = 0
	}
	f.cur++
	if f.cur == 0 { // wrapped: stale generations could match again
		clear(f.table)
		f.cur = 1
	}
	gen := f.cur
	table := f.table
	mask := uint32(len(table) - 1)
	shift := uint32(32 - f.cfg.Bits)
	minN, maxN := f.cfg.MinN, f.cfg.MaxN
	feats := f.feats

	for i := range buf {
		h := uint32(fnvOffset)
		end := min(i+maxN, len(buf))
		for j := i; j < end; j++ {
			h = (h ^ uint32(buf[j])) * fnvPrime
			if j-i+1 < minN {
				continue
			}
			b := fmix32(h) >> shift
			for s := b & mask; ; s = (s + 1) & mask {
				e := &table[s]
				if e.gen != gen {
					*e = slot{gen: gen, bucket: b, pos: int32(len(feats))}
					feats = append(feats, Feature{Bucket: b, Value: 1})
					break
				}
				if e.bucket == b {
					feats[e.pos].Value++
					break
				}
			}
		}
	}

	var sum float64
	for k := range feats {
		if c := feats[k].Value; c != 1 {
			feats[k].Value = float32(1 + math.Log(float64(c)))
		}
		v := float64(feats[k].Value)
		sum += v * v
	}
	inv := float32(1 / math.Sqrt(sum))
	for k := range feats {
		feats[k].Value *= inv
	}
	f.feats = feats
	return feats
}
