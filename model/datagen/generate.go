package datagen

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Splits written by Write.
const (
	SplitTrain   = "train"
	SplitVal     = "val"
	SplitTest    = "test"
	SplitHeldout = "heldout"
)

// Config controls Generate. Zero fields take the defaults noted.
type Config struct {
	Seed        uint64  // random seed
	N           int     // total records over all splits (default 150000)
	BenignFrac  float64 // share of benign records (default 0.55)
	HoldoutFrac float64 // share of families per class held out whole (default 0.15; negative means none)
	LaunchProb  float64 // chance a text is wrapped in a launcher (default 0.25)
	NoiseProb   float64 // chance a text gets surface noise (default 0.35)
}

func (c Config) withDefaults() Config {
	if c.N == 0 {
		c.N = 150000
	}
	if c.BenignFrac == 0 {
		c.BenignFrac = 0.55
	}
	if c.HoldoutFrac == 0 {
		c.HoldoutFrac = 0.15
	}
	if c.HoldoutFrac < 0 {
		c.HoldoutFrac = 0
	}
	if c.LaunchProb == 0 {
		c.LaunchProb = 0.25
	}
	if c.NoiseProb == 0 {
		c.NoiseProb = 0.35
	}
	return c
}

// Record is one labelled text.
type Record struct {
	Text   string `json:"text"`
	Label  Label  `json:"label"`
	Family string `json:"family"`
	Split  string `json:"split"`
}

// Stats summarizes a generation run.
type Stats struct {
	PerSplitClass  map[string]map[Label]int `json:"per_split_class"`
	PerFamily      map[string]int           `json:"per_family"`
	HeldoutFamily  []string                 `json:"heldout_families"`
	Saturated      []string                 `json:"saturated_families"`
	Duplicates     int                      `json:"duplicates_dropped"`
	LabelConflicts int                      `json:"label_conflicts"`
}

func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}

// dedupeKey is the identity used to drop duplicates: case, carets, empty
// quote pairs and runs of white space do not make two texts different.
func dedupeKey(x string) string {
	x = strings.ToLower(x)
	x = strings.ReplaceAll(x, "^", "")
	x = strings.ReplaceAll(x, `""`, "")
	return strings.Join(strings.Fields(x), " ")
}

// HeldoutFamilies returns the names of the families held out for cfg: per
// class, the ceil(frac*n) families ranked first by a seeded hash.
func HeldoutFamilies(fs []Family, seed uint64, frac float64) map[string]bool {
	out := make(map[string]bool)
	if frac <= 0 {
		return out
	}
	byClass := make(map[Label][]string)
	for _, f := range fs {
		byClass[f.Class] = append(byClass[f.Class], f.Name)
	}
	for _, names := range byClass {
		sort.Slice(names, func(i, j int) bool {
			hi, hj := hash64(fmt.Sprint(seed), names[i]), hash64(fmt.Sprint(seed), names[j])
			if hi != hj {
				return hi < hj
			}
			return names[i] < names[j]
		})
		k := int(math.Ceil(frac * float64(len(names))))
		if k >= len(names) {
			k = len(names) - 1
		}
		for _, n := range names[:k] {
			out[n] = true
		}
	}
	return out
}

// Sample draws one text of family f with rng, launchers and noise included.
func Sample(f *Family, rng *rand.Rand, cfg Config) (string, error) {
	cfg = cfg.withDefaults()
	return sampleWith(f, rng, newSlots(), cfg)
}

func sampleWith(f *Family, rng *rand.Rand, slots map[string]slotFunc, cfg Config) (string, error) {
	s := newSample(rng, slots)
	x := f.core(s)
	if !f.Clean {
		if s.chance(cfg.NoiseProb) {
			x = noise(s, f.Shell, x)
		}
		if y := launch(s, f.Shell, x, cfg.LaunchProb); y != x {
			x = y
			if !s.encoded && s.chance(cfg.NoiseProb/3) {
				x = noise(s, f.Shell, x)
			}
		}
		if f.Class == Benign && !f.KeepValue {
			x = benignNoise(s, x)
		}
	}
	if s.err != nil {
		return "", fmt.Errorf("family %s: %w", f.Name, s.err)
	}
	x = strings.TrimRight(x, " ")
	if strings.TrimSpace(x) == "" {
		return "", fmt.Errorf("family %s: empty text", f.Name)
	}
	return x, nil
}

// Generate produces cfg.N records (fewer if families run out of distinct
// variants) from the registry.
func Generate(ctx context.Context, cfg Config) ([]Record, Stats, error) {
	return GenerateFrom(ctx, Registry(), cfg)
}

// GenerateFrom is Generate over an explicit family list.
func GenerateFrom(ctx context.Context, fs []Family, cfg Config) ([]Record, Stats, error) {
	cfg = cfg.withDefaults()
	st := Stats{PerSplitClass: map[string]map[Label]int{}, PerFamily: map[string]int{}}
	if err := Validate(fs); err != nil {
		return nil, st, err
	}
	held := HeldoutFamilies(fs, cfg.Seed, cfg.HoldoutFrac)
	for _, f := range fs {
		if held[f.Name] {
			st.HeldoutFamily = append(st.HeldoutFamily, f.Name)
		}
	}
	slots := newSlots()
	main := rand.New(rand.NewPCG(cfg.Seed, 0x7470_7363_6f70_65))
	benign := int(math.Round(float64(cfg.N) * cfg.BenignFrac))
	attack := (cfg.N - benign) / 3
	targets := map[Label]int{Benign: benign, T1003: attack, T1562: attack, T1134: cfg.N - benign - 2*attack}

	seen := make(map[string]Label)
	var recs []Record
	for _, class := range Labels() {
		var members []*Family
		for i := range fs {
			if fs[i].Class == class {
				members = append(members, &fs[i])
			}
		}
		if len(members) == 0 {
			return nil, st, fmt.Errorf("no families for class %s", class)
		}
		rngs := make([]*rand.Rand, len(members))
		misses := make([]int, len(members))
		cum := make([]float64, len(members)) // cumulative weights
		total := 0.0
		for i, f := range members {
			rngs[i] = rand.New(rand.NewPCG(cfg.Seed, hash64(f.Name)))
			total += f.weight()
			cum[i] = total
		}
		active := len(members)
		for got := 0; got < targets[class] && active > 0; {
			if got%1024 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, st, err
				}
			}
			i := sort.SearchFloat64s(cum, main.Float64()*total)
			if misses[i] > 200 {
				continue
			}
			f := members[i]
			text, err := sampleWith(f, rngs[i], slots, cfg)
			if err != nil {
				return nil, st, err
			}
			key := dedupeKey(text)
			if prev, dup := seen[key]; dup {
				st.Duplicates++
				if prev != class {
					st.LabelConflicts++
				}
				misses[i]++
				if misses[i] > 200 {
					active--
					st.Saturated = append(st.Saturated, f.Name)
				}
				continue
			}
			misses[i] = 0
			seen[key] = class
			split := SplitHeldout
			if !held[f.Name] {
				switch r := main.Float64(); {
				case r < 0.8:
					split = SplitTrain
				case r < 0.9:
					split = SplitVal
				default:
					split = SplitTest
				}
			}
			recs = append(recs, Record{Text: text, Label: class, Family: f.Name, Split: split})
			st.PerFamily[f.Name]++
			if st.PerSplitClass[split] == nil {
				st.PerSplitClass[split] = map[Label]int{}
			}
			st.PerSplitClass[split][class]++
			got++
		}
	}
	main.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	sort.Strings(st.Saturated)
	return recs, st, nil
}

// Write writes records to dir as train.jsonl, val.jsonl, test.jsonl and
// heldout.jsonl, plus stats.json.
func Write(dir string, recs []Record, st Stats) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	splits := []string{SplitTrain, SplitVal, SplitTest, SplitHeldout}
	files := make(map[string]*os.File, len(splits))
	writers := make(map[string]*bufio.Writer, len(splits))
	for _, sp := range splits {
		p := filepath.Join(dir, sp+".jsonl")
		f, err := os.Create(p)
		if err != nil {
			return fmt.Errorf("create %s: %w", p, err)
		}
		defer f.Close()
		files[sp] = f
		writers[sp] = bufio.NewWriterSize(f, 1<<16)
	}
	encoders := make(map[string]*json.Encoder, len(splits))
	for sp, w := range writers {
		e := json.NewEncoder(w)
		e.SetEscapeHTML(false)
		encoders[sp] = e
	}
	for _, r := range recs {
		e, ok := encoders[r.Split]
		if !ok {
			return fmt.Errorf("record with unknown split %q", r.Split)
		}
		if err := e.Encode(r); err != nil {
			return fmt.Errorf("write %s record: %w", r.Split, err)
		}
	}
	for _, sp := range splits {
		if err := writers[sp].Flush(); err != nil {
			return fmt.Errorf("write %s.jsonl: %w", sp, err)
		}
		if err := files[sp].Close(); err != nil {
			return fmt.Errorf("close %s.jsonl: %w", sp, err)
		}
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode stats: %w", err)
	}
	p := filepath.Join(dir, "stats.json")
	if err := os.WriteFile(p, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
