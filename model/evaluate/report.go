package evaluate

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Sources of the real-world development set (see /work/shared/eval/README.md).
const (
	SourceArt           = "art"            // a command of a public adversary-emulation test
	SourceArtCleanup    = "art-cleanup"    // that test's clean-up command, labelled benign
	SourceArtLogclear   = "art-logclear"   // event-log clearing, out of scope
	SourceTLDR          = "tldr"           // a community command-reference example, benign
	SourceTLDRDualuse   = "tldr-dualuse"   // a reference example that performs one of the techniques
	SourceTLDROffensive = "tldr-offensive" // an offensive-tool example outside the classes
)

// DefaultBins is the number of calibration bins used when Options.Bins is 0.
const DefaultBins = 15

// AllClasses names the row of a ClassRecall table that sums the attack classes.
const AllClasses = "all"

// Options control Evaluate.
type Options struct {
	Threshold float64   // alert threshold: an attack prediction alerts when its score is at least this
	Bins      int       // calibration bins; 0 means DefaultBins
	MaxMisses int       // missed art lines kept in the report; negative keeps all
	Sweep     []float64 // thresholds for the threshold sweep; empty for none (see DefaultSweep)
}

// DefaultSweep returns the thresholds 0.50, 0.55, …, 0.90, then 0.91, 0.92, …, 0.99.
func DefaultSweep() []float64 {
	var t []float64
	for k := 50; k < 90; k += 5 {
		t = append(t, float64(k)/100)
	}
	for k := 90; k <= 99; k++ {
		t = append(t, float64(k)/100)
	}
	return t
}

// Report holds every metric of one evaluation file.
type Report struct {
	Name      string  `json:"name"`
	Lines     int     `json:"lines"`
	Threshold float64 `json:"alert_threshold"`
	// Unclassified counts lines the runtime gave no class (nothing left after normalization); they count
	// as benign predictions and are left out of calibration and the PR curves.
	Unclassified int `json:"unclassified"`
	// Argmax scores the most probable class; Alert the alert rule (attack class with score ≥ threshold,
	// benign otherwise). Both over the lines labelled with one of Classes(); out-of-scope lines are in
	// OutOfScope.
	Argmax      Metrics       `json:"argmax"`
	Alert       Metrics       `json:"alert"`
	OutOfScope  *Breakdown    `json:"out_of_scope,omitempty"`
	Calibration Calibration   `json:"calibration"` // confidence = the max probability, correct = argmax right
	PR          []PRCurve     `json:"pr_curves"`   // one per class, over that class's probability
	Families    []Family      `json:"families,omitempty"`
	Splits      []Split       `json:"splits,omitempty"` // when the file holds two splits or more
	Sources     *SourceReport `json:"sources,omitempty"`
	Sweep       *Sweep        `json:"threshold_sweep,omitempty"`
}

// Breakdown says what a set of lines was called.
type Breakdown struct {
	N         int            `json:"n"`
	Alerts    int            `json:"alerts"` // lines called an attack under the alert rule
	AlertRate float64        `json:"alert_rate"`
	Alert     map[string]int `json:"alert"`  // lines per class under the alert rule (benign: no alert)
	Argmax    map[string]int `json:"argmax"` // lines per most probable class
}

// ClassRecall is the recall of one attack class (or of AllClasses).
type ClassRecall struct {
	Class  string  `json:"class"`
	N      int     `json:"n"`
	Hits   int     `json:"hits"`
	Recall float64 `json:"recall"`
}

// TestResult is one test (the lines of one group with one attack label): detected when any of its lines
// gets the right class with a score at or above the threshold.
type TestResult struct {
	Group     string  `json:"group"`
	Class     string  `json:"class"`
	Lines     int     `json:"lines"`
	Hits      int     `json:"hits"`
	Detected  bool    `json:"detected"`
	BestScore float64 `json:"best_score"` // highest probability of the right class over its lines
}

// Family is the alert-based recall of the attack lines of one generator family.
type Family struct {
	Family       string  `json:"family"`
	Label        string  `json:"label"`
	N            int     `json:"n"`
	Hits         int     `json:"hits"`
	Recall       float64 `json:"recall"`
	ArgmaxRecall float64 `json:"argmax_recall"`
}

// Split summarizes the lines of one split.
type Split struct {
	Split  string  `json:"split"`
	N      int     `json:"n"`
	Argmax Metrics `json:"argmax"`
	Alert  Metrics `json:"alert"`
}

// SourceSummary is what the lines of one source were called.
type SourceSummary struct {
	Source string         `json:"source"`
	Labels map[string]int `json:"labels"`
	Breakdown
}

// Miss is an attack line of a test that did not alert with its class.
type Miss struct {
	Group     string  `json:"group"`
	Label     string  `json:"label"`
	Text      string  `json:"text"`
	Class     string  `json:"class"` // the class served ("" when unclassified)
	Score     float64 `json:"score"`
	LabelProb float64 `json:"label_probability"`
}

// SourceReport holds the per-source metrics of the development set.
type SourceReport struct {
	Sources   []SourceSummary `json:"sources"`
	ArtLines  []ClassRecall   `json:"art_line_recall"` // alert-based, per attack class then AllClasses
	ArtTests  []ClassRecall   `json:"art_test_recall"` // per test, per attack class then AllClasses
	Tests     []TestResult    `json:"art_tests"`
	TLDRFP    Breakdown       `json:"tldr_false_positives"`        // benign tldr lines
	CleanupFP Breakdown       `json:"art_cleanup_false_positives"` // benign art-cleanup lines
	MissCount int             `json:"missed_art_lines"`
	Misses    []Miss          `json:"misses"` // the first Options.MaxMisses of them, in file order
}

// Sweep is the threshold sweep: false-positive rate, per-test recall and alert-rule macro-F1 at each
// threshold. The macro-F1 shows what a higher threshold costs on a labelled set such as the held-out
// families, where false-positive rate and test recall alone hide the attack lines it stops alerting on.
type Sweep struct {
	Negatives string       `json:"negatives"` // the lines the false-positive rate is over
	Positives string       `json:"positives"` // the tests the recall is over
	Points    []SweepPoint `json:"points"`
}

// SweepPoint is one threshold of a Sweep.
type SweepPoint struct {
	Threshold      float64       `json:"threshold"`
	FalsePositives int           `json:"false_positives"`
	Negatives      int           `json:"negatives"`
	FPRate         float64       `json:"fp_rate"`
	CleanupFP      int           `json:"cleanup_false_positives"` // art-cleanup lines; 0 without sources
	Cleanup        int           `json:"cleanup"`
	CleanupFPRate  float64       `json:"cleanup_fp_rate"`
	Recall         []ClassRecall `json:"test_recall"` // per attack class then AllClasses
	MacroF1        float64       `json:"macro_f1"`    // alert-rule macro-F1 over the in-scope lines
}

// Evaluate computes the report of one file. It fails on an item with an invalid label or prediction.
func Evaluate(name string, items []Item, opts Options) (*Report, error) {
	if math.IsNaN(opts.Threshold) || opts.Threshold < 0 || opts.Threshold > 1 {
		return nil, fmt.Errorf("alert threshold %v: must be between 0 and 1", opts.Threshold)
	}
	if opts.Bins == 0 {
		opts.Bins = DefaultBins
	}
	if opts.Bins < 0 {
		return nil, fmt.Errorf("calibration bins %d: must be positive", opts.Bins)
	}
	for i, it := range items {
		if !ValidLabel(it.Label) {
			return nil, fmt.Errorf("%s: item %d: label %q is not a class or %s", name, i, it.Label, OutOfScope)
		}
		if it.Pred.Class != "" && ClassIndex(it.Pred.Class) < 0 {
			return nil, fmt.Errorf("%s: item %d: predicted class %q is not a class", name, i, it.Pred.Class)
		}
	}
	th := opts.Threshold
	r := &Report{Name: name, Lines: len(items), Threshold: th}
	var inScope, oos []Item
	for _, it := range items {
		if !it.Pred.Classified() {
			r.Unclassified++
		}
		if it.Label == OutOfScope {
			oos = append(oos, it)
		} else {
			inScope = append(inScope, it)
		}
	}
	r.Argmax, r.Alert = confusions(inScope, th)
	if len(oos) > 0 {
		b := breakdown(oos, th)
		r.OutOfScope = &b
	}
	r.Calibration, r.PR = probabilityMetrics(inScope, opts.Bins)
	r.Families = families(inScope, th)
	r.Splits = splits(inScope, th)
	hasSource := slices.ContainsFunc(items, func(it Item) bool { return it.Source != "" })
	if hasSource {
		r.Sources = sources(items, opts)
	}
	if len(opts.Sweep) > 0 {
		r.Sweep = sweep(items, inScope, hasSource, opts.Sweep)
	}
	return r, nil
}

// confusions fills the argmax and alert-rule confusion matrices of in-scope items.
func confusions(items []Item, th float64) (argmax, alert Metrics) {
	var ca, cb Confusion
	for _, it := range items {
		t := ClassIndex(it.Label)
		ca.Add(t, ClassIndex(it.Pred.ArgmaxClass()))
		cb.Add(t, ClassIndex(it.Pred.AlertClass(th)))
	}
	return ca.Metrics(), cb.Metrics()
}

func breakdown(items []Item, th float64) Breakdown {
	b := Breakdown{N: len(items), Alert: map[string]int{}, Argmax: map[string]int{}}
	for _, it := range items {
		a := it.Pred.AlertClass(th)
		b.Alert[a]++
		b.Argmax[it.Pred.ArgmaxClass()]++
		if a != Benign {
			b.Alerts++
		}
	}
	b.AlertRate = ratio(b.Alerts, b.N)
	return b
}

func probabilityMetrics(items []Item, bins int) (Calibration, []PRCurve) {
	var conf []float64
	var correct []bool
	scores := make([][]float64, NumClasses)
	positive := make([][]bool, NumClasses)
	for _, it := range items {
		if !it.Pred.Classified() {
			continue
		}
		conf = append(conf, it.Pred.Score)
		correct = append(correct, it.Pred.Class == it.Label)
		for k, c := range Classes() {
			scores[k] = append(scores[k], it.Pred.Probs[k])
			positive[k] = append(positive[k], it.Label == c)
		}
	}
	curves := make([]PRCurve, NumClasses)
	for k, c := range Classes() {
		pts, ap := PR(scores[k], positive[k])
		n := 0
		for _, p := range positive[k] {
			if p {
				n++
			}
		}
		curves[k] = PRCurve{Class: c, Positives: n, AveragePrecision: ap, Points: pts}
	}
	return Calibrate(conf, correct, bins), curves
}

func families(items []Item, th float64) []Family {
	type key struct{ family, label string }
	idx := map[key]int{}
	var out []Family
	argmaxHits := map[key]int{}
	for _, it := range items {
		if it.Family == "" || !IsAttack(it.Label) {
			continue
		}
		k := key{it.Family, it.Label}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Family{Family: it.Family, Label: it.Label})
		}
		out[i].N++
		if it.Pred.AlertClass(th) == it.Label {
			out[i].Hits++
		}
		if it.Pred.Class == it.Label {
			argmaxHits[k]++
		}
	}
	for i := range out {
		f := &out[i]
		f.Recall = ratio(f.Hits, f.N)
		f.ArgmaxRecall = ratio(argmaxHits[key{f.Family, f.Label}], f.N)
	}
	slices.SortStableFunc(out, func(a, b Family) int {
		return cmp.Or(cmp.Compare(a.Recall, b.Recall), -cmp.Compare(a.N, b.N), cmp.Compare(a.Family, b.Family), cmp.Compare(a.Label, b.Label))
	})
	return out
}

func splits(items []Item, th float64) []Split {
	by := map[string][]Item{}
	var names []string
	for _, it := range items {
		if it.Split == "" {
			continue
		}
		if _, ok := by[it.Split]; !ok {
			names = append(names, it.Split)
		}
		by[it.Split] = append(by[it.Split], it)
	}
	if len(names) < 2 { // one split is the whole file again
		return nil
	}
	slices.Sort(names)
	out := make([]Split, 0, len(names))
	for _, n := range names {
		a, b := confusions(by[n], th)
		out = append(out, Split{Split: n, N: len(by[n]), Argmax: a, Alert: b})
	}
	return out
}

// DetectTests groups the attack-labelled items into tests (one per group and label; an item without a
// group is a test of its own) and reports each test and the per-test recall per attack class, then
// AllClasses. Items of other labels are ignored.
func DetectTests(items []Item, threshold float64) ([]TestResult, []ClassRecall) {
	type key struct {
		group, label string
		line         int // for items without a group
	}
	idx := map[key]int{}
	var tests []TestResult
	for i, it := range items {
		if !IsAttack(it.Label) {
			continue
		}
		k := key{group: it.Group, label: it.Label, line: -1}
		if it.Group == "" {
			k.line = i
		}
		j, ok := idx[k]
		if !ok {
			j = len(tests)
			idx[k] = j
			tests = append(tests, TestResult{Group: it.Group, Class: it.Label})
		}
		t := &tests[j]
		t.Lines++
		if it.Pred.AlertClass(threshold) == it.Label {
			t.Hits++
			t.Detected = true
		}
		if it.Pred.Classified() {
			t.BestScore = max(t.BestScore, it.Pred.Probs[ClassIndex(it.Label)])
		}
	}
	return tests, recallByClass(tests, func(t TestResult) (string, bool) { return t.Class, t.Detected })
}

// recallByClass tallies hits per attack class and over all of them.
func recallByClass[T any](xs []T, get func(T) (class string, hit bool)) []ClassRecall {
	out := make([]ClassRecall, 0, NumClasses)
	for _, c := range Classes()[1:] {
		out = append(out, ClassRecall{Class: c})
	}
	out = append(out, ClassRecall{Class: AllClasses})
	all := &out[len(out)-1]
	for _, x := range xs {
		c, hit := get(x)
		k := ClassIndex(c)
		if k < 1 {
			continue
		}
		out[k-1].N++
		all.N++
		if hit {
			out[k-1].Hits++
			all.Hits++
		}
	}
	for i := range out {
		out[i].Recall = ratio(out[i].Hits, out[i].N)
	}
	return out
}

func sourceOrder(s string) int {
	order := []string{SourceArt, SourceArtCleanup, SourceArtLogclear, SourceTLDR, SourceTLDRDualuse, SourceTLDROffensive}
	if i := slices.Index(order, s); i >= 0 {
		return i
	}
	return len(order)
}

func filter(items []Item, keep func(Item) bool) []Item {
	var out []Item
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}

func sources(items []Item, opts Options) *SourceReport {
	th := opts.Threshold
	sr := &SourceReport{}
	by := map[string][]Item{}
	var names []string
	for _, it := range items {
		if _, ok := by[it.Source]; !ok {
			names = append(names, it.Source)
		}
		by[it.Source] = append(by[it.Source], it)
	}
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(cmp.Compare(sourceOrder(a), sourceOrder(b)), cmp.Compare(a, b)) })
	for _, n := range names {
		s := SourceSummary{Source: n, Labels: map[string]int{}, Breakdown: breakdown(by[n], th)}
		for _, it := range by[n] {
			s.Labels[it.Label]++
		}
		sr.Sources = append(sr.Sources, s)
	}
	art := filter(by[SourceArt], func(it Item) bool { return IsAttack(it.Label) })
	sr.ArtLines = recallByClass(art, func(it Item) (string, bool) { return it.Label, it.Pred.AlertClass(th) == it.Label })
	sr.Tests, sr.ArtTests = DetectTests(art, th)
	slices.SortStableFunc(sr.Tests, func(a, b TestResult) int {
		return cmp.Or(cmp.Compare(ClassIndex(a.Class), ClassIndex(b.Class)), cmp.Compare(a.Group, b.Group))
	})
	benign := func(it Item) bool { return it.Label == Benign }
	sr.TLDRFP = breakdown(filter(by[SourceTLDR], benign), th)
	sr.CleanupFP = breakdown(filter(by[SourceArtCleanup], benign), th)
	sr.Misses = []Miss{}
	for _, it := range art {
		if it.Pred.AlertClass(th) == it.Label {
			continue
		}
		sr.MissCount++
		if opts.MaxMisses >= 0 && len(sr.Misses) >= opts.MaxMisses {
			continue
		}
		sr.Misses = append(sr.Misses, Miss{Group: it.Group, Label: it.Label, Text: it.Text, Class: it.Pred.Class,
			Score: it.Pred.Score, LabelProb: it.Pred.Probs[ClassIndex(it.Label)]})
	}
	return sr
}

func sweep(items, inScope []Item, hasSource bool, thresholds []float64) *Sweep {
	sw := &Sweep{Negatives: "benign lines", Positives: "tests (attack lines by group)"}
	neg := filter(items, func(it Item) bool { return it.Label == Benign })
	pos := items
	var cleanup []Item
	if hasSource {
		sw.Negatives, sw.Positives = "benign tldr lines", "art tests"
		neg = filter(neg, func(it Item) bool { return it.Source == SourceTLDR })
		cleanup = filter(items, func(it Item) bool { return it.Source == SourceArtCleanup && it.Label == Benign })
		pos = filter(items, func(it Item) bool { return it.Source == SourceArt })
	}
	for _, th := range thresholds {
		p := SweepPoint{Threshold: th}
		nb, cb := breakdown(neg, th), breakdown(cleanup, th)
		p.FalsePositives, p.Negatives, p.FPRate = nb.Alerts, nb.N, nb.AlertRate
		p.CleanupFP, p.Cleanup, p.CleanupFPRate = cb.Alerts, cb.N, cb.AlertRate
		_, p.Recall = DetectTests(pos, th)
		_, alert := confusions(inScope, th)
		p.MacroF1 = alert.MacroF1
		sw.Points = append(sw.Points, p)
	}
	return sw
}
