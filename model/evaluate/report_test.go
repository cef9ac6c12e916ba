package evaluate

import (
	"reflect"
	"testing"
)

// pred returns a prediction of class with score, the rest of the probability on benign (or on T1003.002
// when class is benign).
func pred(class string, score float64) Prediction {
	p := Prediction{Class: class, Score: score}
	k := ClassIndex(class)
	p.Probs[k] = score
	if k == 0 {
		p.Probs[1] = 1 - score
	} else {
		p.Probs[0] = 1 - score
	}
	return p
}

func item(label, source, group, class string, score float64) Item {
	return Item{Example: Example{Text: label + " line", Label: label, Source: source, Group: group}, Pred: pred(class, score)}
}

func TestAlertClass(t *testing.T) {
	tests := []struct {
		p         Prediction
		threshold float64
		want      string
	}{
		{pred(T1562, 0.7), 0.7, T1562},
		{pred(T1562, 0.69), 0.7, Benign},
		{pred(Benign, 0.99), 0.5, Benign},
		{pred(T1134, 0.5), 0.5, T1134},
		{Prediction{}, 0, Benign}, // unclassified never alerts
	}
	for _, tt := range tests {
		if got := tt.p.AlertClass(tt.threshold); got != tt.want {
			t.Errorf("%+v at %v: %q, want %q", tt.p, tt.threshold, got, tt.want)
		}
	}
	if (Prediction{}).ArgmaxClass() != Benign || pred(T1134, 0.4).ArgmaxClass() != T1134 {
		t.Error("ArgmaxClass")
	}
}

func TestDetectTests(t *testing.T) {
	items := []Item{
		item(T1562, "", "g1", T1562, 0.9),      // detects g1
		item(T1562, "", "g1", Benign, 0.8),     //
		item(T1562, "", "g2", T1562, 0.6),      // below 0.7
		item(T1562, "", "g2", T1003_002, 0.95), // wrong class
		item(T1003_002, "", "g3", T1003_002, 0.8),
		item(T1134, "", "", T1134, 0.99),    // no group: a test of its own, detected
		item(T1134, "", "", Benign, 0.99),   // its own test, missed
		item(Benign, "", "g1", T1562, 0.99), // not an attack label: ignored
		item(OutOfScope, "", "g4", T1562, 0.99),
	}
	tests, recall := DetectTests(items, 0.7)
	wantTests := []TestResult{
		{Group: "g1", Class: T1562, Lines: 2, Hits: 1, Detected: true, BestScore: 0.9},
		{Group: "g2", Class: T1562, Lines: 2, Hits: 0, Detected: false, BestScore: 0.6},
		{Group: "g3", Class: T1003_002, Lines: 1, Hits: 1, Detected: true, BestScore: 0.8},
		{Group: "", Class: T1134, Lines: 1, Hits: 1, Detected: true, BestScore: 0.99},
		{Group: "", Class: T1134, Lines: 1, Hits: 0, Detected: false, BestScore: 0}, // benign at 0.99, the rest on T1003.002
	}
	if !reflect.DeepEqual(tests, wantTests) {
		t.Errorf("tests\n got %+v\nwant %+v", tests, wantTests)
	}
	wantRecall := []ClassRecall{
		{T1003_002, 1, 1, 1}, {T1562, 2, 1, 0.5}, {T1134, 2, 1, 0.5}, {AllClasses, 5, 3, 0.6},
	}
	if !reflect.DeepEqual(recall, wantRecall) {
		t.Errorf("recall\n got %+v\nwant %+v", recall, wantRecall)
	}
	// A lower threshold detects g2 through its T1562 line at 0.6.
	if _, r := DetectTests(items, 0.6); r[1] != (ClassRecall{T1562, 2, 2, 1}) {
		t.Errorf("at 0.6: %+v", r[1])
	}
}

// devItems is a small development set: 3 art tests, clean-ups, tldr pages, and the other sources.
func devItems() []Item {
	return []Item{
		item(T1003_002, SourceArt, "t1", T1003_002, 0.9),
		item(T1003_002, SourceArt, "t1", Benign, 0.9),
		item(Benign, SourceArtCleanup, "t1", T1003_002, 0.8), // cleanup FP
		item(T1562, SourceArt, "t2", T1562, 0.6),             // argmax right, below 0.7
		item(Benign, SourceArtCleanup, "t2", Benign, 0.9),
		item(T1134, SourceArt, "t3", T1134, 0.75),
		item(Benign, SourceTLDR, "ls", Benign, 0.99),
		item(Benign, SourceTLDR, "ls", T1562, 0.71), // tldr FP at 0.7, not at 0.8
		item(Benign, SourceTLDR, "tar", Benign, 0.6),
		item(Benign, SourceTLDR, "tar", T1134, 0.95), // tldr FP up to 0.95
		item(T1562, SourceTLDRDualuse, "ufw", T1562, 0.97),
		item(OutOfScope, SourceArtLogclear, "t4", T1562, 0.9),
		item(OutOfScope, SourceTLDROffensive, "nmap", Benign, 0.9),
		{Example: Example{Text: " ", Label: Benign, Source: SourceTLDR, Group: "empty"}}, // unclassified
	}
}

func TestEvaluateDevSet(t *testing.T) {
	r, err := Evaluate("dev.jsonl", devItems(), Options{Threshold: 0.7, MaxMisses: 1, Sweep: []float64{0.7, 0.8, 0.96}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Lines != 14 || r.Unclassified != 1 || r.Alert.N != 12 || r.Argmax.N != 12 {
		t.Errorf("lines %d unclassified %d alert N %d argmax N %d", r.Lines, r.Unclassified, r.Alert.N, r.Argmax.N)
	}
	wantAlert := Confusion{
		{4, 1, 1, 1}, // benign: cleanup→T1003, tldr→T1562, tldr→T1134; the unclassified line counts as benign
		{1, 1, 0, 0},
		{1, 0, 1, 0}, // art t2 below threshold; dual-use hit
		{0, 0, 0, 1},
	}
	if r.Alert.Confusion != wantAlert {
		t.Errorf("alert confusion %v, want %v", r.Alert.Confusion, wantAlert)
	}
	wantArgmax := wantAlert
	wantArgmax[2] = [NumClasses]int{0, 0, 2, 0}
	if r.Argmax.Confusion != wantArgmax {
		t.Errorf("argmax confusion %v, want %v", r.Argmax.Confusion, wantArgmax)
	}
	if o := r.OutOfScope; o == nil || o.N != 2 || o.Alerts != 1 || !near(o.AlertRate, 0.5) ||
		!reflect.DeepEqual(o.Alert, map[string]int{T1562: 1, Benign: 1}) || !reflect.DeepEqual(o.Argmax, map[string]int{T1562: 1, Benign: 1}) {
		t.Errorf("out of scope %+v", r.OutOfScope)
	}
	if r.Calibration.N != 11 { // 12 in scope, one unclassified
		t.Errorf("calibration over %d lines", r.Calibration.N)
	}
	if r.PR[2].Class != T1562 || r.PR[2].Positives != 2 || len(r.PR) != NumClasses {
		t.Errorf("PR %+v", r.PR[2])
	}

	s := r.Sources
	if s == nil {
		t.Fatal("no source report")
	}
	var names []string
	for _, src := range s.Sources {
		names = append(names, src.Source)
	}
	if want := []string{SourceArt, SourceArtCleanup, SourceArtLogclear, SourceTLDR, SourceTLDRDualuse, SourceTLDROffensive}; !reflect.DeepEqual(names, want) {
		t.Errorf("sources %v", names)
	}
	if got := s.Sources[0]; got.N != 4 || got.Alerts != 2 || !reflect.DeepEqual(got.Labels, map[string]int{T1003_002: 2, T1562: 1, T1134: 1}) {
		t.Errorf("art summary %+v", got)
	}
	wantLines := []ClassRecall{{T1003_002, 2, 1, 0.5}, {T1562, 1, 0, 0}, {T1134, 1, 1, 1}, {AllClasses, 4, 2, 0.5}}
	if !reflect.DeepEqual(s.ArtLines, wantLines) {
		t.Errorf("art lines %+v", s.ArtLines)
	}
	wantTests := []ClassRecall{{T1003_002, 1, 1, 1}, {T1562, 1, 0, 0}, {T1134, 1, 1, 1}, {AllClasses, 3, 2, 2.0 / 3}}
	if !reflect.DeepEqual(s.ArtTests, wantTests) {
		t.Errorf("art tests %+v", s.ArtTests)
	}
	if fp := s.TLDRFP; fp.N != 5 || fp.Alerts != 2 || !near(fp.AlertRate, 0.4) || fp.Alert[T1562] != 1 || fp.Alert[T1134] != 1 {
		t.Errorf("tldr FP %+v", fp)
	}
	if fp := s.CleanupFP; fp.N != 2 || fp.Alerts != 1 || fp.Alert[T1003_002] != 1 {
		t.Errorf("cleanup FP %+v", fp)
	}
	if s.MissCount != 2 || len(s.Misses) != 1 || !near(s.Misses[0].LabelProb, 0.1) ||
		s.Misses[0] != (Miss{Group: "t1", Label: T1003_002, Text: "T1003.002 line", Class: Benign, Score: 0.9, LabelProb: s.Misses[0].LabelProb}) {
		t.Errorf("misses %d %+v", s.MissCount, s.Misses)
	}

	sw := r.Sweep
	if sw == nil || len(sw.Points) != 3 || sw.Negatives != "benign tldr lines" {
		t.Fatalf("sweep %+v", sw)
	}
	for i, want := range []struct{ fp, cleanup, detected int }{{2, 1, 2}, {1, 1, 1}, {0, 0, 0}} {
		p := sw.Points[i]
		all := p.Recall[len(p.Recall)-1]
		if p.FalsePositives != want.fp || p.Negatives != 5 || p.CleanupFP != want.cleanup || p.Cleanup != 2 || all.Hits != want.detected || all.N != 3 {
			t.Errorf("sweep at %v: %+v", p.Threshold, p)
		}
	}
}

func TestEvaluateWithoutSources(t *testing.T) {
	items := []Item{
		{Example: Example{Label: T1562, Family: "sc-stop", Split: "test"}, Pred: pred(T1562, 0.9)},
		{Example: Example{Label: T1562, Family: "sc-stop", Split: "test"}, Pred: pred(Benign, 0.9)},
		{Example: Example{Label: T1562, Family: "auditpol", Split: "val"}, Pred: pred(T1562, 0.55)}, // argmax hit, alert miss
		{Example: Example{Label: T1134, Family: "runas", Split: "test"}, Pred: pred(T1134, 0.99)},
		{Example: Example{Label: Benign, Family: "ls", Split: "test"}, Pred: pred(Benign, 0.99)},
		{Example: Example{Label: Benign, Split: "val"}, Pred: pred(T1134, 0.6)},
	}
	r, err := Evaluate("test.jsonl", items, Options{Threshold: 0.6, Sweep: []float64{0.6, 0.95}})
	if err != nil {
		t.Fatal(err)
	}
	if r.Sources != nil || r.OutOfScope != nil {
		t.Errorf("sources %v out of scope %v", r.Sources, r.OutOfScope)
	}
	wantFamilies := []Family{
		{Family: "auditpol", Label: T1562, N: 1, Hits: 0, Recall: 0, ArgmaxRecall: 1},
		{Family: "sc-stop", Label: T1562, N: 2, Hits: 1, Recall: 0.5, ArgmaxRecall: 0.5},
		{Family: "runas", Label: T1134, N: 1, Hits: 1, Recall: 1, ArgmaxRecall: 1},
	}
	if !reflect.DeepEqual(r.Families, wantFamilies) {
		t.Errorf("families\n got %+v\nwant %+v", r.Families, wantFamilies)
	}
	if len(r.Splits) != 2 || r.Splits[0].Split != "test" || r.Splits[0].N != 4 || r.Splits[1].Split != "val" || r.Splits[1].N != 2 ||
		!near(r.Splits[0].Alert.Accuracy, 0.75) || !near(r.Splits[1].Alert.Accuracy, 0) || !near(r.Splits[1].Argmax.Accuracy, 0.5) {
		t.Errorf("splits %+v", r.Splits)
	}
	sw := r.Sweep
	if sw.Negatives != "benign lines" {
		t.Errorf("sweep negatives %q", sw.Negatives)
	}
	// Without groups every attack line is its own test: 4 tests.
	p := sw.Points[0]
	// Alert macro-F1 at 0.6: benign P 1/3 R 1/2 (F1 0.4), T1562 P 1 R 1/3 (0.5), T1134 P 1/2 R 1 (2/3).
	if p.FalsePositives != 1 || p.Negatives != 2 || p.Cleanup != 0 || p.Recall[3] != (ClassRecall{AllClasses, 4, 2, 0.5}) ||
		!near(p.MacroF1, (0.4+0.5+2.0/3)/3) {
		t.Errorf("sweep at 0.6 %+v", p)
	}
	p = sw.Points[1]
	// At 0.95: benign P 2/5 R 1 (F1 4/7), T1562 never predicted (0), T1134 P 1 R 1 (1).
	if p.FalsePositives != 0 || p.Recall[3] != (ClassRecall{AllClasses, 4, 1, 0.25}) || !near(p.MacroF1, (4.0/7+0+1)/3) {
		t.Errorf("sweep at 0.95 %+v", p)
	}
}

func TestEvaluateRejects(t *testing.T) {
	tests := []struct {
		name  string
		items []Item
		opts  Options
	}{
		{"threshold above 1", nil, Options{Threshold: 1.5}},
		{"negative bins", nil, Options{Threshold: 0.5, Bins: -1}},
		{"bad label", []Item{{Example: Example{Label: "T1059"}}}, Options{Threshold: 0.5}},
		{"bad predicted class", []Item{{Example: Example{Label: Benign}, Pred: Prediction{Class: "x"}}}, Options{Threshold: 0.5}},
	}
	for _, tt := range tests {
		if _, err := Evaluate("f", tt.items, tt.opts); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestDefaultSweep(t *testing.T) {
	s := DefaultSweep()
	if len(s) != 18 || s[0] != 0.5 || s[7] != 0.85 || s[8] != 0.9 || s[len(s)-1] != 0.99 {
		t.Errorf("%v", s)
	}
}
