package bulkproxy

import (
	"bytes"
	"encoding/json"
	"path"
	"strings"
)

// filterPath applies Elasticsearch's filter_path include patterns (comma-separated dotted paths, "*" within a
// name, "**" for any depth; arrays are looked through) to a JSON document. Exclusions ("-path") are not
// supported: with one present the document is returned unchanged. The proxy only needs this when it splices
// its own items into a response and so had to ask the upstream for the whole of it.
func filterPath(doc []byte, expr string) []byte {
	var patterns [][]string
	for _, p := range strings.Split(expr, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if strings.HasPrefix(p, "-") {
			return doc
		}
		patterns = append(patterns, strings.Split(p, "."))
	}
	if len(patterns) == 0 {
		return doc
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return doc
	}
	out, ok := filterValue(v, patterns)
	if !ok {
		return []byte("{}")
	}
	b, err := json.Marshal(out)
	if err != nil {
		return doc
	}
	return b
}

// filterValue keeps the parts of v matched by any pattern; ok is false when nothing is kept.
func filterValue(v any, patterns [][]string) (any, bool) {
	for _, p := range patterns {
		if len(p) == 0 {
			return v, true // a pattern ended here: keep the whole value
		}
	}
	switch t := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, child := range t {
			var next [][]string
			for _, p := range patterns {
				next = append(next, advance(p, k)...)
			}
			if len(next) == 0 {
				continue
			}
			if fv, ok := filterValue(child, next); ok {
				out[k] = fv
			}
		}
		return out, len(out) > 0
	case []any:
		var out []any
		for _, el := range t {
			if fv, ok := filterValue(el, patterns); ok {
				out = append(out, fv)
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}

// advance returns what is left of pattern p after matching key k (none when it does not match).
func advance(p []string, k string) [][]string {
	seg := p[0]
	if seg == "**" {
		res := [][]string{p} // ** keeps matching deeper
		if len(p) > 1 {
			res = append(res, advance(p[1:], k)...)
		} else {
			res = append(res, nil)
		}
		return res
	}
	if ok, _ := path.Match(seg, k); ok || seg == k {
		return [][]string{p[1:]}
	}
	return nil
}
