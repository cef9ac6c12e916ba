package record

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
)

// DefaultFields returns the keys Extract tries when given none, in order:
// ECS process.command_line and process.args, Sysmon event 1 / Security
// 4688 CommandLine (flat and in the Winlogbeat layout), then generic
// command line and message fields. Each call returns a new slice.
func DefaultFields() []string {
	return []string{
		"process.command_line",
		"process.args",
		"CommandLine",
		"winlog.event_data.CommandLine",
		"command_line",
		"cmdline",
		"message",
		"log",
	}
}

// SkipKind says why a record holds no text to classify.
type SkipKind int

const (
	// SkipNoField: none of the keys is present.
	SkipNoField SkipKind = iota + 1
	// SkipNotText: a key is present but holds a number, boolean, null,
	// object or an array without scalar elements.
	SkipNotText
	// SkipEmpty: a key holds an empty or white-space-only string.
	SkipEmpty
)

// SkipError is returned by Extract when a record has no text to classify.
// The record should be passed through with status "skipped" and Reason.
type SkipError struct {
	Kind SkipKind
	// Field is the key whose value was unusable (empty for SkipNoField).
	Field string
	// Reason is a human-readable explanation, e.g.
	// "field message is a number, not text".
	Reason string
}

func (e *SkipError) Error() string { return e.Reason }

// Extract returns the text to classify and the key it came from: the value
// of the first key in fields (DefaultFields when fields is empty) that holds
// non-blank text.
//
// A key is a dotted path that matches nested objects
// ({"process":{"command_line":"x"}}), flattened dotted keys
// ({"process.command_line":"x"}) and any mix of both
// ({"winlog":{"event_data.CommandLine":"x"}}); when both exist the longest
// literal key wins at each level.
//
// A string value is used as it is. An array (as in ECS process.args) is
// joined with single spaces from its strings, numbers and booleans; null,
// object and array elements are dropped. Numbers, booleans, null and
// objects are not text: Extract moves on to the next key. When no key gives
// text the error is a *SkipError describing the first key that was present
// ("field message is a number, not text", "empty text"), or, when none was
// present, listing the keys tried ("no text field (tried a, b)").
func Extract(rec map[string]any, fields []string) (text, field string, err error) {
	if len(fields) == 0 {
		fields = DefaultFields()
	}
	var first *SkipError
	for _, f := range fields {
		v, ok := Lookup(rec, f)
		if !ok {
			continue
		}
		s, what := asText(v)
		var skip *SkipError
		switch {
		case what != "":
			skip = &SkipError{Kind: SkipNotText, Field: f, Reason: fmt.Sprintf("field %s is %s, not text", f, what)}
		case strings.TrimFunc(s, unicode.IsSpace) == "":
			skip = &SkipError{Kind: SkipEmpty, Field: f, Reason: "empty text"}
		default:
			return s, f, nil
		}
		if first == nil {
			first = skip
		}
	}
	if first != nil {
		return "", "", first
	}
	return "", "", &SkipError{Kind: SkipNoField, Reason: fmt.Sprintf("no text field (tried %s)", strings.Join(fields, ", "))}
}

// asText returns the text of v, or a description of v ("a number") when v
// is not text.
func asText(v any) (text, notText string) {
	switch x := v.(type) {
	case string:
		return x, ""
	case []any:
		parts := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := scalarText(e); ok {
				parts = append(parts, s)
			}
		}
		if len(parts) == 0 {
			return "", "an array without text elements"
		}
		return strings.Join(parts, " "), ""
	case []string:
		return strings.Join(x, " "), ""
	}
	return "", describe(v)
}

// scalarText renders an array element: strings as they are, numbers and
// booleans as their JSON text.
func scalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case json.Number:
		return x.String(), true
	case bool, float64, float32, int, int64, int32, uint, uint64, uint32:
		return fmt.Sprint(x), true
	}
	return "", false
}

// describe names the JSON kind of v with an article.
func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case json.Number, float64, float32, int, int64, int32, int16, int8, uint, uint64, uint32, uint16, uint8:
		return "a number"
	case bool:
		return "a boolean"
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("a %T", v)
}

// Lookup finds the value at a dotted path in rec, matching nested objects,
// flattened dotted keys and mixes of both. At each level the longest
// literal key that matches a prefix of the remaining path is tried first.
func Lookup(rec map[string]any, path string) (any, bool) {
	if rec == nil || path == "" {
		return nil, false
	}
	return lookup(rec, strings.Split(path, "."))
}

func lookup(m map[string]any, segs []string) (any, bool) {
	for j := len(segs); j >= 1; j-- {
		v, ok := m[strings.Join(segs[:j], ".")]
		if !ok {
			continue
		}
		if j == len(segs) {
			return v, true
		}
		if sub, isMap := v.(map[string]any); isMap {
			if got, found := lookup(sub, segs[j:]); found {
				return got, true
			}
		}
	}
	return nil, false
}
