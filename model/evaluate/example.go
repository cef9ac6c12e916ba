// Package evaluate scores a classifier's predictions against labelled lines: per-class precision, recall
// and F1, macro-F1, accuracy and the confusion matrix (for the argmax class and for the alert rule),
// calibration (expected calibration error and a reliability diagram), precision–recall curves, per-family
// recall, per-source rates for the real-world development set (recall per attack test, false-positive
// rates on benign references and on clean-up commands) and a threshold sweep. It renders a report as
// markdown and as a self-contained HTML page with inline SVG charts.
//
// It holds no model code: the caller classifies every line (elastic-ingest eval does it through the
// production enricher) and hands over Items, each an Example with the Prediction that was served.
package evaluate

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Class labels, in model output order, and the out-of-scope label.
const (
	Benign     = "benign"
	T1003_002  = "T1003.002"
	T1562      = "T1562"
	T1134      = "T1134"
	OutOfScope = "out-of-scope" // malicious, but none of the model's techniques
)

// NumClasses is len(Classes()).
const NumClasses = 4

// Classes returns the model's classes in output order: benign, T1003.002, T1562, T1134.
func Classes() []string { return []string{Benign, T1003_002, T1562, T1134} }

// ClassIndex returns the index of class in Classes(), or -1.
func ClassIndex(class string) int {
	switch class {
	case Benign:
		return 0
	case T1003_002:
		return 1
	case T1562:
		return 2
	case T1134:
		return 3
	}
	return -1
}

// IsAttack reports whether class is one of the three technique classes.
func IsAttack(class string) bool { return ClassIndex(class) > 0 }

// ValidLabel reports whether label may appear in an evaluation file: a class or out-of-scope.
func ValidLabel(label string) bool { return label == OutOfScope || ClassIndex(label) >= 0 }

// Example is one labelled line of an evaluation file.
type Example struct {
	Text   string `json:"text"`
	Label  string `json:"label"`
	Source string `json:"source,omitempty"` // dev set: art, art-cleanup, art-logclear, tldr, tldr-dualuse, tldr-offensive
	Group  string `json:"group,omitempty"`  // lines of one group (an emulation test, a reference page) belong together
	Family string `json:"family,omitempty"` // generated sets: the template family the line came from
	Split  string `json:"split,omitempty"`
}

// MaxLineBytes is the longest line ReadExamples accepts.
const MaxLineBytes = 16 << 20

// ReadExamples reads JSONL examples from r, one object a line; blank lines are skipped, other fields
// (technique, platform…) ignored. Every line must have a string "text" and a valid "label"; name is used
// in errors ("dev.jsonl:12: …").
func ReadExamples(r io.Reader, name string) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineBytes)
	var out []Example
	line := 0
	for sc.Scan() {
		line++
		b := sc.Bytes()
		if strings.TrimSpace(string(b)) == "" {
			continue
		}
		ex, err := ParseExample(b)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%s:%d: line longer than %d bytes", name, line+1, MaxLineBytes)
		}
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}

// ParseExample decodes one JSON line.
func ParseExample(b []byte) (Example, error) {
	var raw struct {
		Text   *string `json:"text"`
		Label  *string `json:"label"`
		Source string  `json:"source"`
		Group  string  `json:"group"`
		Family string  `json:"family"`
		Split  string  `json:"split"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return Example{}, fmt.Errorf("invalid JSON: %w", err)
	}
	switch {
	case raw.Text == nil:
		return Example{}, errors.New(`no "text"`)
	case raw.Label == nil:
		return Example{}, errors.New(`no "label"`)
	case !ValidLabel(*raw.Label):
		return Example{}, fmt.Errorf("label %q: want one of %s or %s", *raw.Label, strings.Join(Classes(), ", "), OutOfScope)
	}
	return Example{Text: *raw.Text, Label: *raw.Label, Source: raw.Source, Group: raw.Group, Family: raw.Family, Split: raw.Split}, nil
}

// Prediction is what the runtime served for one example.
type Prediction struct {
	// Class is the most probable class and Score its probability; Class is "" when the runtime gave no
	// class (a text that is empty after normalization, or yields no tokens). Such a line raises no alert
	// and counts as a benign prediction, but it has no probabilities, so calibration and PR curves skip it.
	Class string  `json:"class,omitempty"`
	Score float64 `json:"score"`
	// Probs holds one probability per class, in Classes() order.
	Probs [NumClasses]float64 `json:"probabilities"`
}

// Classified reports whether the runtime gave the line a class.
func (p Prediction) Classified() bool { return p.Class != "" }

// ArgmaxClass returns the class, benign for an unclassified line.
func (p Prediction) ArgmaxClass() string {
	if p.Class == "" {
		return Benign
	}
	return p.Class
}

// AlertClass returns the class under the alert rule: an attack class only when its score is at least
// threshold, benign otherwise.
func (p Prediction) AlertClass(threshold float64) string {
	if IsAttack(p.Class) && p.Score >= threshold {
		return p.Class
	}
	return Benign
}

// Item is an example with the prediction served for it.
type Item struct {
	Example
	Pred Prediction
}
