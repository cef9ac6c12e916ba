package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Class labels, in model output order.
const (
	ClassBenign    = "benign"
	ClassT1003_002 = "T1003.002"
	ClassT1562     = "T1562"
	ClassT1134     = "T1134"
)

// NumClasses is len(Classes()).
const NumClasses = 4

// Classes returns the class labels in model output order: benign,
// T1003.002, T1562, T1134. Each call returns a new slice.
func Classes() []string {
	return []string{ClassBenign, ClassT1003_002, ClassT1562, ClassT1134}
}

// IsClass reports whether class is one of Classes().
func IsClass(class string) bool {
	switch class {
	case ClassBenign, ClassT1003_002, ClassT1562, ClassT1134:
		return true
	}
	return false
}

// IsAttack reports whether class is a known ATT&CK technique class (any
// class of Classes() other than benign).
func IsAttack(class string) bool {
	return class != ClassBenign && IsClass(class)
}

// Result statuses.
const (
	StatusOK      = "ok"
	StatusSkipped = "skipped"
	StatusError   = "error"
)

// DefaultKey is the record key Apply writes the result under by default.
const DefaultKey = "ttpscope"

// Result is the classification written into each record.
//
// JSON (and Map) output: class, score, malicious_score and probabilities
// appear only when Class is set (a skipped or failed record has none);
// model and source_field only when set; status always; reason only when
// Status is not "ok".
type Result struct {
	// Class is the predicted label, one of Classes().
	Class string `json:"class,omitempty"`
	// Score is the probability of Class.
	Score float64 `json:"score,omitempty"`
	// MaliciousScore is 1 - P(benign).
	MaliciousScore float64 `json:"malicious_score,omitempty"`
	// Probabilities maps every class label to its probability.
	Probabilities map[string]float64 `json:"probabilities,omitempty"`
	// Model is "name@version".
	Model string `json:"model,omitempty"`
	// SourceField is the record key the text came from.
	SourceField string `json:"source_field,omitempty"`
	// Status is StatusOK, StatusSkipped or StatusError.
	Status string `json:"status"`
	// Reason explains a skipped or error status.
	Reason string `json:"reason,omitempty"`
}

// wire is the JSON form of Result, with scores present whenever a class is.
type wire struct {
	Class          string     `json:"class,omitempty"`
	Score          *float64   `json:"score,omitempty"`
	MaliciousScore *float64   `json:"malicious_score,omitempty"`
	Probabilities  classProbs `json:"probabilities,omitempty"`
	Model          string     `json:"model,omitempty"`
	SourceField    string     `json:"source_field,omitempty"`
	Status         string     `json:"status"`
	Reason         string     `json:"reason,omitempty"`
}

// MarshalJSON writes the fields documented on Result, in declaration order,
// with probabilities in Classes() order.
// A score of exactly 0 is kept when a class is set.
func (r Result) MarshalJSON() ([]byte, error) {
	w := wire{Model: r.Model, SourceField: r.SourceField, Status: r.Status}
	if r.Class != "" {
		w.Class = r.Class
		w.Score = &r.Score
		w.MaliciousScore = &r.MaliciousScore
		w.Probabilities = classProbs(r.Probabilities)
	}
	if r.Status != StatusOK {
		w.Reason = r.Reason
	}
	b, err := json.Marshal(w)
	if err != nil {
		return nil, fmt.Errorf("marshal result: %w", err)
	}
	return b, nil
}

// classProbs encodes probabilities in Classes() order, then any other keys
// in sorted order.
type classProbs map[string]float64

func (p classProbs) MarshalJSON() ([]byte, error) {
	keys := make([]string, 0, len(p))
	for _, c := range Classes() {
		if _, ok := p[c]; ok {
			keys = append(keys, c)
		}
	}
	var other []string
	for k := range p {
		if !IsClass(k) {
			other = append(other, k)
		}
	}
	slices.Sort(other)
	keys = append(keys, other...)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := json.Marshal(p[k])
		if err != nil {
			return nil, fmt.Errorf("probability of %s: %w", k, err)
		}
		b.Write(kb)
		b.WriteByte(':')
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Map returns the result as a generic map with the same keys as
// MarshalJSON, ready to be stored in a record.
func (r Result) Map() map[string]any {
	m := map[string]any{"status": r.Status}
	if r.Class != "" {
		m["class"] = r.Class
		m["score"] = r.Score
		m["malicious_score"] = r.MaliciousScore
		if r.Probabilities != nil {
			p := make(map[string]any, len(r.Probabilities))
			for k, v := range r.Probabilities {
				p[k] = v
			}
			m["probabilities"] = p
		}
	}
	if r.Model != "" {
		m["model"] = r.Model
	}
	if r.SourceField != "" {
		m["source_field"] = r.SourceField
	}
	if r.Status != StatusOK && r.Reason != "" {
		m["reason"] = r.Reason
	}
	return m
}

// Validate checks that r can be written: a known status; for "ok" a known
// class and finite scores in [0, 1]; for the others a reason.
func (r Result) Validate() error {
	var errs []error
	switch r.Status {
	case StatusOK:
		if !IsClass(r.Class) {
			errs = append(errs, fmt.Errorf("unknown class %q", r.Class))
		}
		for _, s := range []struct {
			name string
			v    float64
		}{{"score", r.Score}, {"malicious_score", r.MaliciousScore}} {
			if !isProb(s.v) {
				errs = append(errs, fmt.Errorf("%s %v not in [0, 1]", s.name, s.v))
			}
		}
		for k, v := range r.Probabilities {
			if !IsClass(k) {
				errs = append(errs, fmt.Errorf("probability for unknown class %q", k))
			}
			if !isProb(v) {
				errs = append(errs, fmt.Errorf("probability of %s %v not in [0, 1]", k, v))
			}
		}
	case StatusSkipped, StatusError:
		if r.Reason == "" {
			errs = append(errs, fmt.Errorf("status %s without reason", r.Status))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown status %q", r.Status))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid result: %w", err)
	}
	return nil
}

func isProb(v float64) bool { return !math.IsNaN(v) && v >= 0 && v <= 1 }

// Tactic is an ATT&CK tactic.
type Tactic struct {
	ID   string
	Name string
}

// Technique is the ATT&CK mapping of an attack class.
type Technique struct {
	ID               string
	Name             string
	SubtechniqueID   string // empty when the class is a whole technique
	SubtechniqueName string
	Tactics          []Tactic
}

// FrameworkName is the value written to threat.framework.
const FrameworkName = "MITRE ATT&CK"

// TechniqueFor returns the ATT&CK mapping of an attack class; false for
// benign and unknown classes.
func TechniqueFor(class string) (Technique, bool) {
	switch class {
	case ClassT1003_002:
		return Technique{
			ID: "T1003", Name: "OS Credential Dumping",
			SubtechniqueID: "T1003.002", SubtechniqueName: "Security Account Manager",
			Tactics: []Tactic{{"TA0006", "Credential Access"}},
		}, true
	case ClassT1562:
		return Technique{
			ID: "T1562", Name: "Impair Defenses",
			Tactics: []Tactic{{"TA0005", "Defense Evasion"}},
		}, true
	case ClassT1134:
		return Technique{
			ID: "T1134", Name: "Access Token Manipulation",
			Tactics: []Tactic{{"TA0004", "Privilege Escalation"}, {"TA0005", "Defense Evasion"}},
		}, true
	}
	return Technique{}, false
}

// Apply writes r into rec under key (DefaultKey when empty), replacing any
// value already there. A dotted key is written as nested objects
// (labels.ttpscope becomes {"labels":{"ttpscope":...}}), inside existing
// objects; see the package documentation for flattened keys.
//
// When r.Status is ok, r.Class is an attack class and r.Score >=
// alertThreshold, Apply also merges the ECS threat fields of the class into
// rec: threat.framework, threat.technique.id/name,
// threat.technique.subtechnique.id/name (T1003.002 only) and
// threat.tactic.id/name (arrays for T1134, which has two tactics). Existing
// threat values are never overwritten: a leaf holding a different value
// becomes an array of the old value(s) followed by ours, without
// duplicates; a leaf already holding our value(s) is left unchanged. No
// other field is touched. Apply does nothing when rec is nil.
func Apply(rec map[string]any, key string, r Result, alertThreshold float64) {
	if rec == nil {
		return
	}
	if key == "" {
		key = DefaultKey
	}
	setPath(rec, strings.Split(key, "."), r.Map())
	if r.Status != StatusOK || r.Score < alertThreshold {
		return
	}
	t, ok := TechniqueFor(r.Class)
	if !ok {
		return
	}
	mergePath(rec, []string{"threat", "framework"}, []string{FrameworkName})
	mergePath(rec, []string{"threat", "technique", "id"}, []string{t.ID})
	mergePath(rec, []string{"threat", "technique", "name"}, []string{t.Name})
	if t.SubtechniqueID != "" {
		mergePath(rec, []string{"threat", "technique", "subtechnique", "id"}, []string{t.SubtechniqueID})
		mergePath(rec, []string{"threat", "technique", "subtechnique", "name"}, []string{t.SubtechniqueName})
	}
	ids := make([]string, len(t.Tactics))
	names := make([]string, len(t.Tactics))
	for i, tc := range t.Tactics {
		ids[i], names[i] = tc.ID, tc.Name
	}
	mergePath(rec, []string{"threat", "tactic", "id"}, ids)
	mergePath(rec, []string{"threat", "tactic", "name"}, names)
}

// setPath stores v at the path segs in m, replacing what is there.
func setPath(m map[string]any, segs []string, v any) {
	visit(m, segs, func(parent map[string]any, key string, _ any, _ bool) {
		parent[key] = v
	})
}

// mergePath merges the string values ours into the leaf at segs in m.
func mergePath(m map[string]any, segs []string, ours []string) {
	visit(m, segs, func(parent map[string]any, key string, old any, exists bool) {
		if merged, changed := mergeLeaf(old, exists, ours); changed {
			parent[key] = merged
		}
	})
}

// visit finds where the leaf at segs lives or should be created and calls
// fn with the map holding it, its key there and its current value.
//
// At each level the longest literal key matching a prefix of segs is used
// (so flattened "threat.technique.id" and nested {"threat":{...}} are both
// found). A missing leaf is created nested, unless that level already uses
// flattened keys for the first segment ("threat.x" exists but "threat"
// does not) or the first segment holds a non-object: then the rest of the
// path is written as one flattened key at that level.
func visit(m map[string]any, segs []string, fn func(parent map[string]any, key string, old any, exists bool)) {
	for j := len(segs); j >= 1; j-- {
		k := strings.Join(segs[:j], ".")
		v, ok := m[k]
		if !ok {
			continue
		}
		if j == len(segs) {
			fn(m, k, v, true)
			return
		}
		if sub, isMap := v.(map[string]any); isMap {
			visit(sub, segs[j:], fn)
			return
		}
	}
	if len(segs) == 1 {
		fn(m, segs[0], nil, false)
		return
	}
	if _, exists := m[segs[0]]; exists || hasKeyPrefix(m, segs[0]+".") {
		fn(m, strings.Join(segs, "."), nil, false)
		return
	}
	sub := map[string]any{}
	m[segs[0]] = sub
	visit(sub, segs[1:], fn)
}

func hasKeyPrefix(m map[string]any, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}

// mergeLeaf merges ours into old. A missing or null leaf becomes ours (a
// string, or an array when ours has several values). Otherwise the result
// is old's values followed by those of ours not already present; changed
// is false when nothing was added.
func mergeLeaf(old any, exists bool, ours []string) (merged any, changed bool) {
	if !exists || old == nil {
		if len(ours) == 1 {
			return ours[0], true
		}
		out := make([]any, len(ours))
		for i, s := range ours {
			out[i] = s
		}
		return out, true
	}
	var out []any
	switch x := old.(type) {
	case []any:
		out = append(out, x...)
	case []string:
		for _, s := range x {
			out = append(out, s)
		}
	default:
		out = []any{old}
	}
	n := len(out)
	for _, s := range ours {
		if !containsString(out, s) {
			out = append(out, s)
		}
	}
	if len(out) == n {
		return old, false
	}
	return out, true
}

func containsString(vals []any, s string) bool {
	for _, v := range vals {
		if vs, ok := v.(string); ok && vs == s {
			return true
		}
	}
	return false
}
