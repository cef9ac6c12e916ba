// Command ngramtrain trains the character n-gram baseline (package shared/ngram) on datagen's output:
// a multinomial logistic regression over hashed byte n-grams of the normalized text, fitted by seeded
// single-threaded SGD with L2 regularization, early stopping on the validation split, and temperature
// scaling on the validation split. It writes the model file and prints accuracy and macro-F1 per split
// and precision, recall and F1 per class for test and heldout.
//
//	go run ./model/cmd/ngramtrain -data model/work/data -out model/work/out/ngram.bin
//
// The same data, flags and seed give a bit-identical model file.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ttpscope/ttpscope/model/datagen"
	"github.com/ttpscope/ttpscope/model/evaluate"
	"github.com/ttpscope/ttpscope/shared/atomicfile"
	"github.com/ttpscope/ttpscope/shared/cascade"
	"github.com/ttpscope/ttpscope/shared/ngram"
	"github.com/ttpscope/ttpscope/shared/normalize"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "ngramtrain:", err)
		os.Exit(1)
	}
}

// options are the training flags.
type options struct {
	cascadePass      float64
	cascadeOut       string
	ngramWeight      float64
	data, out        string
	seed             uint64
	cfg              ngram.Config
	epochs, patience int
	lr, l2           float64
	stopOn           string
	float16, quiet   bool
	minTemp, maxTemp float64
	maxTrain, minDF  int
}

// splits datagen writes, in the order they are read and reported.
var splitNames = []string{"train", "val", "test", "heldout"}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("ngramtrain", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := ngram.DefaultConfig()
	fs.StringVar(&o.data, "data", "model/work/data", "datagen output directory (train.jsonl, val.jsonl, test.jsonl, heldout.jsonl)")
	fs.StringVar(&o.out, "out", "model/work/out/ngram.bin", "model file to write")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed (example order)")
	fs.IntVar(&o.cfg.MinN, "min-n", def.MinN, "shortest n-gram, in bytes")
	fs.IntVar(&o.cfg.MaxN, "max-n", def.MaxN, "longest n-gram, in bytes")
	fs.IntVar(&o.cfg.Bits, "bits", def.Bits, "log2 of the number of hash buckets")
	fs.IntVar(&o.epochs, "epochs", 20, "most passes over the training split")
	fs.IntVar(&o.patience, "patience", 3, "stop after this many epochs without a better validation score")
	fs.Float64Var(&o.lr, "lr", 0.5, "initial SGD learning rate; step t uses lr/(1+lr*l2*t)")
	fs.Float64Var(&o.l2, "l2", 1e-7, "L2 regularization strength (per example; the bias is not regularized)")
	fs.StringVar(&o.stopOn, "stop-on", "loss", "validation score for early stopping: loss (log loss) or f1 (macro-F1, ties broken by loss)")
	fs.BoolVar(&o.float16, "float16", true, "store the weights as float16 (they are rounded before validation, so the reported numbers are the file's)")
	fs.Float64Var(&o.minTemp, "min-temperature", 0.05, "lowest temperature considered by temperature scaling")
	fs.Float64Var(&o.maxTemp, "max-temperature", 20, "highest temperature considered by temperature scaling (equal min and max fix it)")
	fs.IntVar(&o.minDF, "min-df", 2, "train only the buckets found in at least this many training lines; the others keep weight 0 (a smaller file)")
	fs.IntVar(&o.maxTrain, "max-train", 0, "use only the first N training lines (0: all)")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress on standard error")
	fs.Float64Var(&o.cascadePass, "cascade-pass", 0.999, "share of validation attack lines the cascade's first stage must pass on to the transformer; sets its threshold (0: no cascade file)")
	fs.StringVar(&o.cascadeOut, "cascade", "", "cascade file to write (default: cascade.json next to -out)")
	fs.Float64Var(&o.ngramWeight, "ngram-weight", 0, "the n-gram model's share in the probabilities of the lines the cascade passes on (0: the transformer alone), written to the cascade file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	case o.minDF < 1:
		return fmt.Errorf("-min-df %d: must be at least 1", o.minDF)
	case o.epochs < 1 || o.patience < 1:
		return fmt.Errorf("-epochs %d, -patience %d: both must be at least 1", o.epochs, o.patience)
	case !(o.lr > 0) || o.l2 < 0 || math.IsInf(o.lr, 0) || math.IsInf(o.l2, 0):
		return fmt.Errorf("-lr %v, -l2 %v: want lr > 0 and l2 >= 0", o.lr, o.l2)
	case o.stopOn != "loss" && o.stopOn != "f1":
		return fmt.Errorf("-stop-on %q: want loss or f1", o.stopOn)
	case !(o.minTemp > 0) || o.maxTemp < o.minTemp || math.IsInf(o.maxTemp, 0):
		return fmt.Errorf("-min-temperature %v, -max-temperature %v: want 0 < min <= max", o.minTemp, o.maxTemp)
	}
	if err := o.cfg.Validate(); err != nil {
		return err
	}
	logf := func(format string, a ...any) {
		if !o.quiet {
			fmt.Fprintf(stderr, "ngramtrain: "+format+"\n", a...)
		}
	}

	classes := make([]string, 0, len(datagen.Labels()))
	for _, l := range datagen.Labels() {
		classes = append(classes, string(l))
	}
	if !slices.Equal(classes, evaluate.Classes()) {
		return fmt.Errorf("datagen labels %v differ from the evaluation classes %v", classes, evaluate.Classes())
	}

	start := time.Now()
	sets := make(map[string]*dataset, len(splitNames))
	for _, name := range splitNames {
		ds, err := readSplit(filepath.Join(o.data, name+".jsonl"), name)
		if err != nil {
			return err
		}
		sets[name] = ds
	}
	if o.maxTrain > 0 && sets["train"].len() > o.maxTrain {
		sets["train"].truncate(o.maxTrain)
	}
	if sets["train"].len() == 0 || sets["val"].len() == 0 {
		return errors.New("the train and val splits must not be empty")
	}
	logf("read %d train, %d val, %d test, %d heldout lines in %s", sets["train"].len(), sets["val"].len(),
		sets["test"].len(), sets["heldout"].len(), time.Since(start).Round(time.Millisecond))

	m, err := train(ctx, o, classes, sets["train"], sets["val"], logf)
	if err != nil {
		return err
	}

	var buf bytes.Buffer
	if err := m.Save(&buf); err != nil {
		return err
	}
	if dir := filepath.Dir(o.out); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := atomicfile.WriteFile(o.out, buf.Bytes()); err != nil {
		return err
	}
	nonzero := 0
	w := m.Weights()
	for b := 0; b < len(w); b += len(classes) {
		for _, x := range w[b : b+len(classes)] {
			if x != 0 {
				nonzero++
				break
			}
		}
	}
	fmt.Fprintf(stdout, "# ngram model\n\n%s: %d bytes; n-grams %d..%d, 2^%d buckets (%d used), float16 %v, temperature %.4f, seed %d, trained in %s\n\n",
		o.out, buf.Len(), o.cfg.MinN, o.cfg.MaxN, o.cfg.Bits, nonzero, o.float16, m.Temperature(), o.seed,
		time.Since(start).Round(time.Second))
	report(stdout, m, classes, sets)
	if o.cascadePass > 0 {
		if !(o.cascadePass < 1) {
			return fmt.Errorf("-cascade-pass %v: want 0 < p < 1", o.cascadePass)
		}
		if !(o.ngramWeight >= 0 && o.ngramWeight < 1) {
			return fmt.Errorf("-ngram-weight %v: want 0 <= w < 1", o.ngramWeight)
		}
		out := o.cascadeOut
		if out == "" {
			out = filepath.Join(filepath.Dir(o.out), "cascade.json")
		}
		cfg := cascadeThreshold(m, sets["val"], o.cascadePass)
		rel, err := filepath.Rel(filepath.Dir(out), o.out)
		if err != nil {
			return err
		}
		cfg.FirstStage = filepath.ToSlash(rel)
		cfg.NgramWeight = o.ngramWeight
		b, err := json.MarshalIndent(cfg, "", "  ")
		if err != nil {
			return err
		}
		if err := atomicfile.WriteFile(out, append(b, '\n')); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\ncascade %s: benign threshold %.6f passes %.4f of %d validation attack lines and decides %.4f of the benign ones\n",
			out, cfg.BenignThreshold, cfg.AttackPass, cfg.ValLines, cfg.BenignSkip)
	}
	return nil
}

// cascadeThreshold sets the first stage's benign threshold on the validation split: the smallest
// probability of benign above which at most (1-pass) of the attack lines lie, so that at least pass of
// them go on to the transformer. Ties stay below it, and a threshold of 1 decides nothing.
func cascadeThreshold(m *ngram.Model, val *dataset, pass float64) cascade.Config {
	benign := slices.Index(m.Classes(), "benign")
	var attack, ben []float32
	for i, t := range val.texts {
		p := m.PredictNormalized(t)[benign]
		if val.labels[i] == benign {
			ben = append(ben, p)
		} else {
			attack = append(attack, p)
		}
	}
	slices.Sort(attack)
	// Lines with p > threshold are decided by the first stage; allow at most floor((1-pass)*n) of them.
	allowed := int(math.Floor((1 - pass) * float64(len(attack))))
	th := float32(1)
	if len(attack) > 0 {
		th = attack[len(attack)-1-allowed] // the highest attack line that must still pass
	}
	cfg := cascade.Config{BenignThreshold: float64(th), ValLines: len(val.texts)}
	passed, skipped := 0, 0
	for _, p := range attack {
		if p <= th {
			passed++
		}
	}
	for _, p := range ben {
		if p > th {
			skipped++
		}
	}
	if len(attack) > 0 {
		cfg.AttackPass = float64(passed) / float64(len(attack))
	}
	if len(ben) > 0 {
		cfg.BenignSkip = float64(skipped) / float64(len(ben))
	}
	return cfg
}

// dataset is one split: normalized texts and class indexes.
type dataset struct {
	name   string
	texts  []string
	labels []int
}

func (d *dataset) len() int { return len(d.texts) }

func (d *dataset) truncate(n int) { d.texts, d.labels = d.texts[:n], d.labels[:n] }

// readSplit reads one datagen file and normalizes its texts exactly as the runtime does (normalize.Text).
func readSplit(path, name string) (*dataset, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	exs, err := evaluate.ReadExamples(fh, path)
	if err != nil {
		return nil, err
	}
	ds := &dataset{name: name, texts: make([]string, len(exs)), labels: make([]int, len(exs))}
	for i, ex := range exs {
		k := evaluate.ClassIndex(ex.Label)
		if k < 0 {
			return nil, fmt.Errorf("%s: line %d: label %q is not one of %v", path, i+1, ex.Label, evaluate.Classes())
		}
		ds.texts[i] = normalize.Text(ex.Text).Text
		ds.labels[i] = k
	}
	return ds, nil
}

// score is a model's log loss and metrics on one split.
type score struct {
	loss    float64
	metrics evaluate.Metrics
}

// evaluateSet predicts every line of ds with m (as served: float32, temperature and all).
func evaluateSet(m *ngram.Model, ds *dataset) score {
	var conf evaluate.Confusion
	var loss float64
	p := make([]float32, len(m.Classes()))
	for i, text := range ds.texts {
		p = m.PredictNormalizedTo(p, text)
		best := 0
		for k := range p {
			if p[k] > p[best] {
				best = k
			}
		}
		conf.Add(ds.labels[i], best)
		loss -= math.Log(max(float64(p[ds.labels[i]]), 1e-12))
	}
	return score{loss: loss / float64(max(1, ds.len())), metrics: conf.Metrics()}
}

// better reports whether a beats b under the early-stopping rule.
func better(stopOn string, a, b score) bool {
	if stopOn == "f1" && a.metrics.MacroF1 != b.metrics.MacroF1 {
		return a.metrics.MacroF1 > b.metrics.MacroF1
	}
	return a.loss < b.loss
}

// train runs SGD on the multinomial logistic loss plus l2/2·|W|² (the bias is not regularized), one
// example at a time in a seeded random order per epoch. The weights are kept as scale·v so the decay of
// every weight costs one multiplication per step (Bottou's trick); the learning rate of step t is
// lr/(1+lr·l2·t). After each epoch the weights are copied into the model (rounded to float16 when asked)
// and scored on val; the best epoch is kept, and training stops after -patience epochs without a better
// one. Buckets found in fewer than -min-df training lines are never updated: their weights stay 0, so
// they still count in the L2 norm of the features, as they will when served. Finally the temperature that minimizes the val log loss is fitted.
func train(ctx context.Context, o options, classes []string, tr, val *dataset, logf func(string, ...any)) (*ngram.Model, error) {
	m, err := ngram.New(o.cfg, classes)
	if err != nil {
		return nil, err
	}
	nc := len(classes)
	v := make([]float64, len(m.Weights()))
	bias := make([]float64, nc)
	scale := 1.0
	fz := ngram.NewFeaturizer(o.cfg)
	rng := rand.New(rand.NewPCG(o.seed, 0x6e6772616d)) // "ngram"
	order := make([]int, tr.len())
	for i := range order {
		order[i] = i
	}
	z := make([]float64, nc)
	g := make([]float64, nc)
	var frozen []bool // by bucket: below -min-df
	if o.minDF > 1 {
		df := make([]int32, o.cfg.Buckets())
		for _, text := range tr.texts {
			for _, f := range fz.Features(text) {
				df[f.Bucket]++
			}
		}
		frozen = make([]bool, len(df))
		nf := 0
		for b, n := range df {
			if int(n) < o.minDF {
				frozen[b] = true
				nf++
			}
		}
		logf("%d of %d buckets in fewer than %d training lines: kept at 0", nf, len(df), o.minDF)
	}

	var best score
	bestW := make([]float32, len(v))
	bestB := make([]float32, nc)
	bestEpoch, step := 0, 0
	for epoch := 1; epoch <= o.epochs; epoch++ {
		began := time.Now()
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var trainLoss float64
		for n, i := range order {
			if n%4096 == 0 && ctx.Err() != nil {
				return nil, ctx.Err()
			}
			feats := fz.Features(tr.texts[i])
			for k := range z {
				z[k] = 0
			}
			for _, f := range feats {
				row := v[int(f.Bucket)*nc : int(f.Bucket)*nc+nc]
				x := float64(f.Value)
				for k := range row {
					z[k] += x * row[k]
				}
			}
			mx := math.Inf(-1)
			for k := range z {
				z[k] = z[k]*scale + bias[k]
				mx = max(mx, z[k])
			}
			var sum float64
			for k := range z {
				g[k] = math.Exp(z[k] - mx)
				sum += g[k]
			}
			y := tr.labels[i]
			trainLoss -= math.Log(g[y] / sum)
			for k := range g {
				g[k] /= sum
			}
			g[y]--

			lr := o.lr / (1 + o.lr*o.l2*float64(step))
			step++
			scale *= 1 - lr*o.l2
			if scale < 1e-6 { // fold the scale into v before it loses precision
				for j := range v {
					v[j] *= scale
				}
				scale = 1
			}
			for k := range g {
				g[k] *= lr / scale
				bias[k] -= g[k] * scale
			}
			for _, f := range feats {
				if frozen != nil && frozen[f.Bucket] {
					continue
				}
				row := v[int(f.Bucket)*nc : int(f.Bucket)*nc+nc]
				x := float64(f.Value)
				for k := range row {
					row[k] -= g[k] * x
				}
			}
		}
		w := m.Weights()
		for j := range v {
			w[j] = float32(v[j] * scale)
		}
		for k := range bias {
			m.Bias()[k] = float32(bias[k])
		}
		m.SetFloat16(o.float16)
		sc := evaluateSet(m, val)
		mark := ""
		if epoch == 1 || better(o.stopOn, sc, best) {
			best, bestEpoch, mark = sc, epoch, " *"
			copy(bestW, w)
			copy(bestB, m.Bias())
		}
		logf("epoch %d: train loss %.5f, val loss %.5f, val macro-F1 %.5f, val accuracy %.5f (%s)%s", epoch,
			trainLoss/float64(tr.len()), sc.loss, sc.metrics.MacroF1, sc.metrics.Accuracy,
			time.Since(began).Round(time.Millisecond), mark)
		if epoch-bestEpoch >= o.patience {
			logf("no better val %s for %d epochs: stopping", o.stopOn, o.patience)
			break
		}
	}
	copy(m.Weights(), bestW)
	copy(m.Bias(), bestB)
	m.SetFloat16(o.float16) // the copies are float16 values already; this only sets the flag
	t := fitTemperature(m, val, o.minTemp, o.maxTemp)
	if err := m.SetTemperature(float32(t)); err != nil {
		return nil, err
	}
	logf("kept epoch %d; temperature %.4f", bestEpoch, m.Temperature())
	return m, nil
}

// fitTemperature returns the temperature in [lo, hi] that minimizes the log loss on ds, by golden-section
// search on its logarithm (the loss is convex in 1/T).
func fitTemperature(m *ngram.Model, ds *dataset, lo, hi float64) float64 {
	if lo == hi {
		return lo
	}
	nc := len(m.Classes())
	logits := make([]float32, ds.len()*nc)
	fz := ngram.NewFeaturizer(m.Config())
	for i, text := range ds.texts {
		m.Logits(logits[i*nc:(i+1)*nc:(i+1)*nc], fz.Features(text))
	}
	loss := func(logT float64) float64 {
		t := float32(math.Exp(logT))
		p := make([]float32, nc)
		var sum float64
		for i, y := range ds.labels {
			copy(p, logits[i*nc:(i+1)*nc])
			ngram.Softmax(p, t)
			sum -= math.Log(max(float64(p[y]), 1e-12))
		}
		return sum
	}
	a, b := math.Log(lo), math.Log(hi)
	phi := (math.Sqrt(5) - 1) / 2
	c, d := b-phi*(b-a), a+phi*(b-a)
	fc, fd := loss(c), loss(d)
	for range 60 {
		if fc <= fd {
			b, d, fd = d, c, fc
			c = b - phi*(b-a)
			fc = loss(c)
		} else {
			a, c, fc = c, d, fd
			d = a + phi*(b-a)
			fd = loss(d)
		}
	}
	return math.Exp((a + b) / 2)
}

// report prints accuracy, macro-F1 and log loss per split, then per-class precision, recall and F1 for
// test and heldout.
func report(w io.Writer, m *ngram.Model, classes []string, sets map[string]*dataset) {
	fmt.Fprintf(w, "| split | lines | accuracy | macro-F1 | log loss |\n|---|---:|---:|---:|---:|\n")
	scores := make(map[string]score, len(sets))
	for _, name := range splitNames {
		ds := sets[name]
		if ds.len() == 0 {
			fmt.Fprintf(w, "| %s | 0 | | | |\n", name)
			continue
		}
		sc := evaluateSet(m, ds)
		scores[name] = sc
		fmt.Fprintf(w, "| %s | %d | %.4f | %.4f | %.4f |\n", name, ds.len(), sc.metrics.Accuracy, sc.metrics.MacroF1, sc.loss)
	}
	for _, name := range []string{"test", "heldout"} {
		sc, ok := scores[name]
		if !ok {
			continue
		}
		fmt.Fprintf(w, "\n## %s per class (argmax)\n\n| class | precision | recall | F1 | support |\n|---|---:|---:|---:|---:|\n", name)
		for _, c := range sc.metrics.PerClass {
			fmt.Fprintf(w, "| %s | %.4f | %.4f | %.4f | %d |\n", c.Class, c.Precision, c.Recall, c.F1, c.Support)
		}
		fmt.Fprintf(w, "\nconfusion (rows true, columns predicted, %s):\n\n", strings.Join(classes, ", "))
		for k, row := range sc.metrics.Confusion {
			fmt.Fprintf(w, "    %-10s %v\n", classes[k], row)
		}
	}
}
