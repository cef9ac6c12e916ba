package evaluate

import (
	"math"
	"testing"
)

const eps = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) < eps }

func TestConfusionMetrics(t *testing.T) {
	tests := []struct {
		name      string
		c         Confusion
		n         int
		accuracy  float64
		macroF1   float64
		precision [NumClasses]float64
		recall    [NumClasses]float64
		f1        [NumClasses]float64
		support   [NumClasses]int
		predicted [NumClasses]int
	}{
		{
			name: "T1134 predicted but never true counts in macro-F1 as 0",
			c: Confusion{
				{5, 1, 0, 0},
				{1, 3, 0, 0},
				{0, 0, 2, 2},
				{0, 0, 0, 0},
			},
			n: 14, accuracy: 10.0 / 14, macroF1: (5.0/6 + 0.75 + 2.0/3 + 0) / 4,
			precision: [NumClasses]float64{5.0 / 6, 0.75, 1, 0},
			recall:    [NumClasses]float64{5.0 / 6, 0.75, 0.5, 0},
			f1:        [NumClasses]float64{5.0 / 6, 0.75, 2.0 / 3, 0},
			support:   [NumClasses]int{6, 4, 4, 0},
			predicted: [NumClasses]int{6, 4, 2, 2},
		},
		{
			name: "classes absent from truth and predictions are left out of macro-F1",
			c:    Confusion{{2, 0, 0, 0}, {0, 1, 0, 0}},
			n:    3, accuracy: 1, macroF1: 1,
			precision: [NumClasses]float64{1, 1, 0, 0},
			recall:    [NumClasses]float64{1, 1, 0, 0},
			f1:        [NumClasses]float64{1, 1, 0, 0},
			support:   [NumClasses]int{2, 1, 0, 0},
			predicted: [NumClasses]int{2, 1, 0, 0},
		},
		{
			name: "everything wrong",
			c:    Confusion{{0, 3, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}, {1, 0, 0, 0}},
			n:    6, accuracy: 0, macroF1: 0,
			support:   [NumClasses]int{3, 1, 1, 1},
			predicted: [NumClasses]int{1, 3, 1, 1},
		},
		{name: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := tt.c.Metrics()
			if m.N != tt.n || !near(m.Accuracy, tt.accuracy) || !near(m.MacroF1, tt.macroF1) {
				t.Errorf("N %d accuracy %v macro-F1 %v, want %d %v %v", m.N, m.Accuracy, m.MacroF1, tt.n, tt.accuracy, tt.macroF1)
			}
			for k, c := range m.PerClass {
				if c.Class != Classes()[k] {
					t.Errorf("row %d is %q", k, c.Class)
				}
				if !near(c.Precision, tt.precision[k]) || !near(c.Recall, tt.recall[k]) || !near(c.F1, tt.f1[k]) ||
					c.Support != tt.support[k] || c.Predicted != tt.predicted[k] {
					t.Errorf("%s: P %v R %v F1 %v support %d predicted %d, want %v %v %v %d %d", c.Class, c.Precision, c.Recall, c.F1,
						c.Support, c.Predicted, tt.precision[k], tt.recall[k], tt.f1[k], tt.support[k], tt.predicted[k])
				}
			}
		})
	}
}

func TestConfusionAddIgnoresOutOfRange(t *testing.T) {
	var c Confusion
	c.Add(0, 0)
	c.Add(-1, 0)
	c.Add(0, NumClasses)
	c.Add(3, 2)
	if want := (Confusion{{1, 0, 0, 0}, {}, {}, {0, 0, 1, 0}}); c != want {
		t.Errorf("got %v, want %v", c, want)
	}
}

func TestCalibrate(t *testing.T) {
	tests := []struct {
		name    string
		conf    []float64
		correct []bool
		bins    int
		ece     float64
		counts  map[int]int // bin -> count (others empty)
	}{
		{
			name:    "three bins used",
			conf:    []float64{0.95, 0.95, 0.65, 0.65, 0.35},
			correct: []bool{true, false, true, true, false},
			bins:    15,
			// bin 14: acc .5 conf .95 → 2/5·.45; bin 9: acc 1 conf .65 → 2/5·.35; bin 5: acc 0 conf .35 → 1/5·.35
			ece:    0.4*0.45 + 0.4*0.35 + 0.2*0.35,
			counts: map[int]int{14: 2, 9: 2, 5: 1},
		},
		{
			name: "edges: 1 in the last bin, 0 in the first, 0.2 at the start of bin 3, outside values clamped",
			conf: []float64{1, 0, 0.2, 1.5, -0.5}, correct: []bool{true, false, false, true, false}, bins: 15,
			ece:    0.2 * 0.2, // only 0.2 (wrong) is off: the clamped 1s are right, the clamped 0s wrong
			counts: map[int]int{14: 2, 0: 2, 3: 1},
		},
		{
			name: "perfectly calibrated", conf: []float64{0.5, 0.5, 1}, correct: []bool{true, false, true}, bins: 10,
			ece: 0, counts: map[int]int{5: 2, 9: 1},
		},
		{name: "NaN is taken as 0", conf: []float64{math.NaN(), 0.9}, correct: []bool{false, true}, bins: 15, ece: 0.5 * 0.1, counts: map[int]int{0: 1, 13: 1}},
		{name: "no lines", bins: 15, ece: 0, counts: map[int]int{}},
		{name: "bins below 1 means one bin", conf: []float64{0.8, 0.6}, correct: []bool{true, true}, bins: 0, ece: 0.3, counts: map[int]int{0: 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Calibrate(tt.conf, tt.correct, tt.bins)
			if !near(c.ECE, tt.ece) {
				t.Errorf("ECE %v, want %v", c.ECE, tt.ece)
			}
			if c.N != len(tt.conf) || len(c.Bins) != max(1, tt.bins) {
				t.Errorf("N %d bins %d", c.N, len(c.Bins))
			}
			for i, b := range c.Bins {
				if b.Count != tt.counts[i] {
					t.Errorf("bin %d count %d, want %d", i, b.Count, tt.counts[i])
				}
				if !near(b.Lo, float64(i)/float64(len(c.Bins))) || !near(b.Hi, float64(i+1)/float64(len(c.Bins))) {
					t.Errorf("bin %d bounds [%v, %v)", i, b.Lo, b.Hi)
				}
			}
		})
	}
}

func TestCalibrateBinMeans(t *testing.T) {
	c := Calibrate([]float64{0.9, 0.96, 0.3}, []bool{true, false, true}, 15)
	b := c.Bins[13] // [0.8667, 0.9333) holds 0.9
	if b.Count != 1 || !near(b.Confidence, 0.9) || !near(b.Accuracy, 1) {
		t.Errorf("bin 13 %+v", b)
	}
	b = c.Bins[14]
	if b.Count != 1 || !near(b.Confidence, 0.96) || !near(b.Accuracy, 0) {
		t.Errorf("bin 14 %+v", b)
	}
	if want := (0.1 + 0.96 + 0.7) / 3; !near(c.ECE, want) {
		t.Errorf("ECE %v, want %v", c.ECE, want)
	}
}

func TestPR(t *testing.T) {
	tests := []struct {
		name     string
		scores   []float64
		positive []bool
		points   []PRPoint
		ap       float64
	}{
		{
			name:     "ties form one point",
			scores:   []float64{0.9, 0.8, 0.8, 0.3},
			positive: []bool{true, false, true, false},
			points:   []PRPoint{{0.9, 1, 0.5}, {0.8, 2.0 / 3, 1}, {0.3, 0.5, 1}},
			ap:       0.5*1 + 0.5*2.0/3,
		},
		{
			name:     "perfect ranking",
			scores:   []float64{0.1, 0.7, 0.9},
			positive: []bool{false, true, true},
			points:   []PRPoint{{0.9, 1, 0.5}, {0.7, 1, 1}, {0.1, 2.0 / 3, 1}},
			ap:       1,
		},
		{
			name:     "worst ranking",
			scores:   []float64{0.9, 0.2},
			positive: []bool{false, true},
			points:   []PRPoint{{0.9, 0, 0}, {0.2, 0.5, 1}},
			ap:       0.5,
		},
		{name: "no positives", scores: []float64{0.5}, positive: []bool{false}},
		{
			name: "NaN scores do not hang", scores: []float64{math.NaN(), math.NaN()}, positive: []bool{true, false},
			points: []PRPoint{{math.NaN(), 1, 1}, {math.NaN(), 0.5, 1}}, ap: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pts, ap := PR(tt.scores, tt.positive)
			if !near(ap, tt.ap) {
				t.Errorf("AP %v, want %v", ap, tt.ap)
			}
			if len(pts) != len(tt.points) {
				t.Fatalf("points %v, want %v", pts, tt.points)
			}
			for i, p := range pts {
				w := tt.points[i]
				sameT := near(p.Threshold, w.Threshold) || (math.IsNaN(p.Threshold) && math.IsNaN(w.Threshold))
				if !sameT || !near(p.Precision, w.Precision) || !near(p.Recall, w.Recall) {
					t.Errorf("point %d %+v, want %+v", i, p, w)
				}
			}
		})
	}
}

func TestBestF1(t *testing.T) {
	pts := []PRPoint{{0.9, 1, 0.5}, {0.8, 2.0 / 3, 1}, {0.3, 0.5, 1}}
	// F1: 2/3, 0.8, 2/3
	if got := BestF1(pts); got != pts[1] {
		t.Errorf("got %+v", got)
	}
	if got := BestF1(nil); got != (PRPoint{}) {
		t.Errorf("empty: %+v", got)
	}
}
