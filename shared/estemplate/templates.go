package estemplate

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ttpscope/ttpscope/shared/schema"
)

// Names and defaults of the templates.
const (
	ComponentTemplateName = "ttpscope-mappings"
	IndexTemplateName     = "ttpscope"
	// DefaultIndexPattern is the pattern of the optional index template:
	// ttpscope's own indices, so no user template is overridden.
	DefaultIndexPattern = "ttpscope-*"
	// DefaultPriority is above Elasticsearch's built-in templates (100).
	DefaultPriority = 200
	// TemplateVersion is stored as the templates' "version"; it changes
	// whenever the mappings do.
	TemplateVersion = 1
	// managedBy is the _meta.managed_by value of every template.
	managedBy = "ttpscope elastic-ingest setup"
)

//go:embed mappings.json
var mappingsJSON []byte

// TemplateOptions configure the templates. The zero value is usable.
type TemplateOptions struct {
	// ResultKey is the key (dotted path allowed) the result object is
	// written under; default schema.DefaultKey.
	ResultKey string
	// ComponentName is the component template's name; default
	// ComponentTemplateName.
	ComponentName string
	// IndexPatterns of the index template; default [DefaultIndexPattern].
	IndexPatterns []string
	// Priority of the index template; 0 means DefaultPriority.
	Priority int
	// DataStream makes the index template create data streams (which
	// need @timestamp, mapped as date by the index template).
	DataStream bool
}

func (o TemplateOptions) normalize() (TemplateOptions, error) {
	if o.ResultKey == "" {
		o.ResultKey = schema.DefaultKey
	}
	if err := validKey(o.ResultKey); err != nil {
		return o, err
	}
	if o.ComponentName == "" {
		o.ComponentName = ComponentTemplateName
	}
	if len(o.IndexPatterns) == 0 {
		o.IndexPatterns = []string{DefaultIndexPattern}
	}
	for _, p := range o.IndexPatterns {
		if strings.TrimSpace(p) == "" || strings.ContainsAny(p, " ,\"\\/|<>?") {
			return o, fmt.Errorf("index pattern %q: must be non-empty, without spaces, commas or \" \\ / | < > ?", p)
		}
	}
	switch {
	case o.Priority == 0:
		o.Priority = DefaultPriority
	case o.Priority < 0:
		return o, fmt.Errorf("priority %d: must not be negative", o.Priority)
	}
	return o, nil
}

// validKey checks a result key: dot-separated non-empty segments, not
// inside threat (whose fields the mapping declares separately).
func validKey(key string) error {
	for _, seg := range strings.Split(key, ".") {
		if seg == "" {
			return fmt.Errorf("result key %q: empty path segment", key)
		}
	}
	if key == "threat" || strings.HasPrefix(key, "threat.") {
		return fmt.Errorf("result key %q: must not be inside threat.*, which holds the ECS fields", key)
	}
	return nil
}

// Mappings returns the "mappings" object for records whose result is under
// resultKey (default schema.DefaultKey): the result fields and ECS threat.*.
func Mappings(resultKey string) (map[string]any, error) {
	if resultKey == "" {
		resultKey = schema.DefaultKey
	}
	if err := validKey(resultKey); err != nil {
		return nil, err
	}
	var base map[string]any
	if err := json.Unmarshal(mappingsJSON, &base); err != nil {
		return nil, fmt.Errorf("embedded mappings.json: %w", err)
	}
	result := base[schema.DefaultKey]
	props := map[string]any{"threat": base["threat"]}
	segs := strings.Split(resultKey, ".")
	cur := props
	for _, seg := range segs[:len(segs)-1] {
		next := map[string]any{}
		cur[seg] = map[string]any{"properties": next}
		cur = next
	}
	cur[segs[len(segs)-1]] = result
	return map[string]any{"properties": props}, nil
}

func meta(o TemplateOptions, what string) map[string]any {
	return map[string]any{
		"description": what,
		"managed_by":  managedBy,
		"result_key":  o.ResultKey,
	}
}

// ComponentTemplate returns the body of PUT _component_template/<name>.
func ComponentTemplate(o TemplateOptions) (map[string]any, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	m, err := Mappings(o.ResultKey)
	if err != nil {
		return nil, err
	}
	return map[string]any{
		"template": map[string]any{"mappings": m},
		"version":  TemplateVersion,
		"_meta": meta(o, "Mappings of ttpscope's classification ("+o.ResultKey+".*) and the ECS threat.* fields. "+
			"Add it to the composed_of of your own index templates."),
	}, nil
}

// IndexTemplate returns the body of PUT _index_template/<name>: the
// component template applied to o.IndexPatterns.
func IndexTemplate(o TemplateOptions) (map[string]any, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	patterns := make([]any, len(o.IndexPatterns))
	for i, p := range o.IndexPatterns {
		patterns[i] = p
	}
	t := map[string]any{
		"index_patterns": patterns,
		"composed_of":    []any{o.ComponentName},
		"priority":       o.Priority,
		"version":        TemplateVersion,
		"_meta":          meta(o, "Indices holding ttpscope-enriched records."),
	}
	if o.DataStream {
		t["data_stream"] = map[string]any{}
		t["template"] = map[string]any{"mappings": map[string]any{
			"properties": map[string]any{"@timestamp": map[string]any{"type": "date"}},
		}}
	}
	return t, nil
}

// MarshalIndent encodes v as indented JSON with a final newline, keys in
// sorted order: the form of the files under examples/elasticsearch.
func MarshalIndent(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode template: %w", err)
	}
	return b.Bytes(), nil
}
