package evaluate

import (
	"math"
	"sort"
)

// Confusion counts lines by true class (row) and predicted class (column), both in Classes() order.
type Confusion [NumClasses][NumClasses]int

// Add counts one line; it ignores indexes out of range.
func (c *Confusion) Add(trueClass, predicted int) {
	if trueClass < 0 || trueClass >= NumClasses || predicted < 0 || predicted >= NumClasses {
		return
	}
	c[trueClass][predicted]++
}

// ClassMetrics are one class's one-vs-rest scores.
type ClassMetrics struct {
	Class     string  `json:"class"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`   // lines whose true class it is
	Predicted int     `json:"predicted"` // lines predicted as it
}

// Metrics summarize a confusion matrix.
type Metrics struct {
	N         int            `json:"n"`
	Accuracy  float64        `json:"accuracy"`
	MacroF1   float64        `json:"macro_f1"`
	PerClass  []ClassMetrics `json:"per_class"`
	Confusion Confusion      `json:"confusion"` // rows true, columns predicted, Classes() order
}

// Metrics computes precision, recall and F1 per class, accuracy and macro-F1. A ratio with a zero
// denominator is 0 (precision of a class never predicted, recall of a class never present). Macro-F1 is
// the mean F1 over the classes that occur, as the true or the predicted class of some line, so that a class
// absent from a file does not count as a failure.
func (c Confusion) Metrics() Metrics {
	m := Metrics{Confusion: c, PerClass: make([]ClassMetrics, NumClasses)}
	correct := 0
	var rows, cols [NumClasses]int
	for t := range NumClasses {
		for p := range NumClasses {
			rows[t] += c[t][p]
			cols[p] += c[t][p]
			m.N += c[t][p]
		}
		correct += c[t][t]
	}
	m.Accuracy = ratio(correct, m.N)
	present := 0
	sumF1 := 0.0
	for k, name := range Classes() {
		cm := ClassMetrics{Class: name, Support: rows[k], Predicted: cols[k]}
		cm.Precision = ratio(c[k][k], cols[k])
		cm.Recall = ratio(c[k][k], rows[k])
		if cm.Precision+cm.Recall > 0 {
			cm.F1 = 2 * cm.Precision * cm.Recall / (cm.Precision + cm.Recall)
		}
		m.PerClass[k] = cm
		if rows[k]+cols[k] > 0 {
			present++
			sumF1 += cm.F1
		}
	}
	if present > 0 {
		m.MacroF1 = sumF1 / float64(present)
	}
	return m
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Bin is one bin of a reliability diagram.
type Bin struct {
	Lo         float64 `json:"lo"`
	Hi         float64 `json:"hi"`
	Count      int     `json:"count"`
	Confidence float64 `json:"confidence"` // mean confidence of its lines (0 when empty)
	Accuracy   float64 `json:"accuracy"`   // fraction of its lines predicted right (0 when empty)
}

// Calibration is the expected calibration error over equal-width confidence bins and the bins behind it.
type Calibration struct {
	N    int     `json:"n"`
	ECE  float64 `json:"ece"`
	Bins []Bin   `json:"bins"`
}

// Calibrate bins lines by confidence into nbins equal-width bins [i/nbins, (i+1)/nbins) (a confidence of
// 1 goes into the last bin, values outside [0, 1] are clamped, NaN is taken as 0) and returns ECE = Σ |B|/N · |acc(B) −
// conf(B)|. conf and correct are parallel; nbins below 1 is taken as 1.
func Calibrate(conf []float64, correct []bool, nbins int) Calibration {
	if nbins < 1 {
		nbins = 1
	}
	cal := Calibration{N: len(conf), Bins: make([]Bin, nbins)}
	sums := make([]float64, nbins)
	hits := make([]int, nbins)
	for i, c := range conf {
		if math.IsNaN(c) {
			c = 0
		}
		c = max(0, min(1, c))
		b := min(nbins-1, int(c*float64(nbins)))
		cal.Bins[b].Count++
		sums[b] += c
		if i < len(correct) && correct[i] {
			hits[b]++
		}
	}
	for b := range cal.Bins {
		bin := &cal.Bins[b]
		bin.Lo = float64(b) / float64(nbins)
		bin.Hi = float64(b+1) / float64(nbins)
		if bin.Count == 0 {
			continue
		}
		bin.Confidence = sums[b] / float64(bin.Count)
		bin.Accuracy = float64(hits[b]) / float64(bin.Count)
		cal.ECE += float64(bin.Count) / float64(cal.N) * math.Abs(bin.Accuracy-bin.Confidence)
	}
	return cal
}

// PRPoint is the precision and recall when every line scoring at least Threshold is called positive.
type PRPoint struct {
	Threshold float64 `json:"threshold"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
}

// PRCurve is one class's precision–recall curve, sweeping a threshold over its probability.
type PRCurve struct {
	Class     string `json:"class"`
	Positives int    `json:"positives"`
	// AveragePrecision is Σ (R_k − R_{k−1}) · P_k over the points in order of falling threshold.
	AveragePrecision float64   `json:"average_precision"`
	Points           []PRPoint `json:"points"` // falling threshold, rising recall
}

// PR computes a precision–recall curve: one point per distinct score, from the highest down, each
// calling positive every line that scores at least it. With no positive line it returns no points and an
// average precision of 0.
func PR(scores []float64, positive []bool) (points []PRPoint, averagePrecision float64) {
	idx := make([]int, len(scores))
	total := 0
	for i := range idx {
		idx[i] = i
		if i < len(positive) && positive[i] {
			total++
		}
	}
	if total == 0 {
		return nil, 0
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	tp, fp := 0, 0
	prevRecall := 0.0
	for i := 0; i < len(idx); {
		s := scores[idx[i]]
		for first := true; i < len(idx) && (first || scores[idx[i]] == s); i++ { // NaN never equals: one point each
			first = false
			if j := idx[i]; j < len(positive) && positive[j] {
				tp++
			} else {
				fp++
			}
		}
		p := PRPoint{Threshold: s, Precision: ratio(tp, tp+fp), Recall: ratio(tp, total)}
		averagePrecision += (p.Recall - prevRecall) * p.Precision
		prevRecall = p.Recall
		points = append(points, p)
	}
	return points, averagePrecision
}
