package esfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// index is one concrete index.
type index struct {
	name       string
	uuid       string
	docs       map[string]*storedDoc
	seqNo      int64
	mappings   map[string]any
	settings   map[string]any
	dataStream string // owning data stream, "" for a plain index
	created    time.Time
}

type storedDoc struct {
	id       string
	source   json.RawMessage
	version  int64
	seqNo    int64
	pipeline string
	routing  string
	order    int64 // server-wide insertion order, a stable tiebreaker
}

type dataStream struct {
	name     string
	template string
	backing  []string
}

// Doc is a stored document, as the accessors return it.
type Doc struct {
	Index    string // concrete index (a .ds- backing index for data streams)
	ID       string
	Source   json.RawMessage
	Version  int64
	SeqNo    int64
	Pipeline string // the ingest pipeline named when it was written
	Routing  string
}

// Fields decodes Source.
func (d Doc) Fields() (map[string]any, error) {
	var m map[string]any
	if err := json.Unmarshal(d.Source, &m); err != nil {
		return nil, fmt.Errorf("decode _source of %s/%s: %w", d.Index, d.ID, err)
	}
	return m, nil
}

// Docs returns the documents of an index, data stream or wildcard pattern
// (comma-separated lists work too), keyed by _id. When several indices hold
// the same id, the one created last wins; ask for a concrete index to avoid
// that. An unknown name gives an empty map.
func (s *Server) Docs(name string) map[string]Doc {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]Doc{}
	idxs, _ := s.resolve(name, true)
	for _, ix := range idxs {
		for id, d := range ix.docs {
			out[id] = d.public(ix.name)
		}
	}
	return out
}

// Doc returns one document.
func (s *Server) Doc(name, id string) (Doc, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	idxs, _ := s.resolve(name, true)
	for _, ix := range idxs {
		if d, ok := ix.docs[id]; ok {
			return d.public(ix.name), true
		}
	}
	return Doc{}, false
}

// Count returns the number of documents in an index, data stream or pattern.
func (s *Server) Count(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	idxs, _ := s.resolve(name, true)
	n := 0
	for _, ix := range idxs {
		n += len(ix.docs)
	}
	return n
}

// Indices returns the names of all concrete indices, sorted.
func (s *Server) Indices() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.indices))
}

// DataStreams returns the data stream names, sorted.
func (s *Server) DataStreams() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Sorted(maps.Keys(s.streams))
}

// Mappings returns the mappings of a concrete index (from templates and the
// create-index body), or nil.
func (s *Server) Mappings(name string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ix := s.indices[name]; ix != nil {
		return deepCopy(ix.mappings)
	}
	return nil
}

func (d *storedDoc) public(index string) Doc {
	return Doc{Index: index, ID: d.id, Source: bytes.Clone(d.source), Version: d.version, SeqNo: d.seqNo, Pipeline: d.pipeline, Routing: d.routing}
}

// validIndexName applies ES's index name rules.
func validIndexName(name string) *apiError {
	bad := func(why string) *apiError {
		e := newAPIError(400, "invalid_index_name_exception", "Invalid index name [%s], %s", name, why)
		e.obj.Index = name
		e.obj.IndexUUID = "_na_"
		return e
	}
	switch {
	case name == "":
		return bad("must not be empty")
	case name == "." || name == "..":
		return bad("must not be '.' or '..'")
	case strings.ToLower(name) != name:
		return bad("must be lowercase")
	case strings.ContainsAny(name, `\/*?"<>| ,#:`):
		return bad(`must not contain the following characters [ , ", *, \, <, |, ,, >, /, ?, #, :]`)
	case strings.HasPrefix(name, "-") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "+"):
		return bad("must not start with '_', '-', or '+'")
	case len(name) > 255:
		return bad("index name is too long, (" + strconv.Itoa(len(name)) + " > 255)")
	}
	return nil
}

// globMatch matches name against a pattern where * matches any run of
// characters.
func globMatch(pattern, name string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == name
	}
	if !strings.HasPrefix(name, parts[0]) {
		return false
	}
	name = name[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(name, p)
		if i < 0 {
			return false
		}
		name = name[i+len(p):]
	}
	return strings.HasSuffix(name, parts[len(parts)-1])
}

// resolvePath resolves the indices of a /<expr>/_action request (every index for /_action), with
// ignore_unavailable=true making missing names lenient.
func (s *Server) resolvePath(req *request) ([]*index, *apiError) {
	expr := ""
	if len(req.segs) == 2 {
		expr = req.segs[0]
	}
	return s.resolve(expr, req.query.Get("ignore_unavailable") == "true")
}

// resolve turns an index expression (names, data streams, wildcards, comma
// lists, _all) into concrete indices in creation order. Missing concrete
// names are an index_not_found error unless lenient. The caller holds s.mu.
func (s *Server) resolve(expr string, lenient bool) ([]*index, *apiError) {
	seen := map[string]bool{}
	var out []*index
	add := func(ix *index) {
		if ix != nil && !seen[ix.name] {
			seen[ix.name] = true
			out = append(out, ix)
		}
	}
	addStream := func(ds *dataStream) {
		for _, b := range ds.backing {
			add(s.indices[b])
		}
	}
	if expr == "" || expr == "_all" {
		expr = "*"
	}
	for _, part := range strings.Split(expr, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if strings.Contains(part, "*") {
			hiddenToo := strings.HasPrefix(part, ".")
			for _, name := range slices.Sorted(maps.Keys(s.streams)) {
				if globMatch(part, name) {
					addStream(s.streams[name])
				}
			}
			for _, name := range slices.Sorted(maps.Keys(s.indices)) {
				ix := s.indices[name]
				if (hiddenToo || !strings.HasPrefix(name, ".")) && globMatch(part, name) {
					add(ix)
				}
			}
			continue
		}
		if ds := s.streams[part]; ds != nil {
			addStream(ds)
			continue
		}
		if ix := s.indices[part]; ix != nil {
			add(ix)
			continue
		}
		if !lenient {
			return nil, indexNotFound(part)
		}
	}
	slices.SortStableFunc(out, func(a, b *index) int { return a.created.Compare(b.created) })
	return out, nil
}

// createIndex makes a concrete index from the matching templates plus body
// (settings, mappings). The caller holds s.mu.
func (s *Server) createIndex(name string, body map[string]any, dataStream string) *index {
	mappings := map[string]any{}
	settings := map[string]any{}
	// A backing index takes the templates of its data stream's name.
	match := name
	if dataStream != "" {
		match = dataStream
	}
	if t := s.matchTemplate(match, dataStream != ""); t != nil {
		for _, c := range t.composedOf {
			if ct := s.componentTemplates[c]; ct != nil {
				mergeSection(mappings, settings, ct.template)
			}
		}
		mergeSection(mappings, settings, t.template)
	}
	mergeSection(mappings, settings, body)
	if dataStream != "" {
		// As ES does: backing indices map @timestamp as a date (unless the
		// templates map it) and enable _data_stream_timestamp.
		mappings["_data_stream_timestamp"] = map[string]any{"enabled": true}
		props, _ := mappings["properties"].(map[string]any)
		if props == nil {
			props = map[string]any{}
			mappings["properties"] = props
		}
		if _, ok := props["@timestamp"]; !ok {
			props["@timestamp"] = map[string]any{"type": "date"}
		}
	}
	ix := &index{
		name: name, uuid: s.newUUID(), docs: map[string]*storedDoc{},
		mappings: mappings, settings: settings, dataStream: dataStream, created: s.opts.clock(),
	}
	// created must order indices even when the clock does not move.
	for _, other := range s.indices {
		if !ix.created.After(other.created) {
			ix.created = other.created.Add(time.Nanosecond)
		}
	}
	s.indices[name] = ix
	return ix
}

func mergeSection(mappings, settings map[string]any, section map[string]any) {
	if section == nil {
		return
	}
	if m, ok := section["mappings"].(map[string]any); ok {
		deepMerge(mappings, m)
	}
	if st, ok := section["settings"].(map[string]any); ok {
		deepMerge(settings, st)
	}
}

// deepMerge copies src into dst, merging nested objects.
func deepMerge(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				deepMerge(dm, sm)
				continue
			}
			v = deepCopy(sm)
		}
		dst[k] = v
	}
}

func deepCopy(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, v := range m {
		switch t := v.(type) {
		case map[string]any:
			out[k] = deepCopy(t)
		case []any:
			out[k] = slices.Clone(t)
		default:
			out[k] = v
		}
	}
	return out
}

// writeTarget finds or auto-creates the index a write to name goes to. It
// returns the index and whether name is a data stream (or creates one).
// The caller holds s.mu.
func (s *Server) writeTarget(name string, action string, createIfMissing bool) (*index, bool, *apiError) {
	if ds := s.streams[name]; ds != nil {
		return s.indices[ds.backing[len(ds.backing)-1]], true, nil
	}
	if ix := s.indices[name]; ix != nil {
		return ix, false, nil
	}
	if e := validIndexName(name); e != nil {
		return nil, false, e
	}
	if !createIfMissing {
		return nil, false, indexNotFound(name)
	}
	if t := s.matchTemplate(name, true); t != nil && t.dataStream {
		if action != "create" {
			// ES refuses before creating anything.
			return nil, true, nil
		}
		return s.createDataStream(name, t), true, nil
	}
	return s.createIndex(name, nil, ""), false, nil
}

// createDataStream makes a data stream and its first backing index.
// The caller holds s.mu.
func (s *Server) createDataStream(name string, t *indexTemplate) *index {
	backing := fmt.Sprintf(".ds-%s-%s-%06d", name, s.opts.clock().UTC().Format("2006.01.02"), 1)
	s.streams[name] = &dataStream{name: name, template: t.name, backing: []string{backing}}
	return s.createIndex(backing, nil, name)
}

// fieldMapping returns the mapping of a dotted field path, or nil.
func fieldMapping(mappings map[string]any, path string) map[string]any {
	cur := mappings
	parts := strings.Split(path, ".")
	for i, p := range parts {
		props, _ := cur["properties"].(map[string]any)
		if props == nil {
			return nil
		}
		m, _ := props[p].(map[string]any)
		if m == nil {
			// A mapping may itself use a dotted name.
			rest := strings.Join(parts[i:], ".")
			if m, _ := props[rest].(map[string]any); m != nil {
				return m
			}
			return nil
		}
		if i == len(parts)-1 {
			return m
		}
		cur = m
	}
	return nil
}

// checkMapping validates a source against the explicit mappings of ix, as
// ES would reject it: values that cannot be coerced to a mapped type, a
// concrete value for an object field, new fields under "dynamic": "strict".
// It returns nil when the document is accepted.
func checkMapping(mappings map[string]any, src map[string]any, id string) *errorObj {
	return checkObject(mappings, mappings, "", src, id)
}

func checkObject(root, objMapping map[string]any, prefix string, src map[string]any, id string) *errorObj {
	strict := objMapping != nil && fmt.Sprint(objMapping["dynamic"]) == "strict"
	for _, k := range slices.Sorted(maps.Keys(src)) {
		v := src[k]
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		fm := fieldMapping(root, path)
		if fm == nil {
			if strict && !strings.Contains(k, ".") {
				return &errorObj{Type: "strict_dynamic_mapping_exception",
					Reason: fmt.Sprintf("[1:2] mapping set to strict, dynamic introduction of [%s] within [%s] is not allowed", k, objectName(prefix))}
			}
			if m, ok := v.(map[string]any); ok {
				if e := checkObject(root, nil, path, m, id); e != nil {
					return e
				}
			}
			continue
		}
		if e := checkValue(root, fm, path, v, id); e != nil {
			return e
		}
	}
	return nil
}

func objectName(prefix string) string {
	if prefix == "" {
		return "_doc"
	}
	return prefix
}

func checkValue(root, fm map[string]any, path string, v any, id string) *errorObj {
	typ, _ := fm["type"].(string)
	if typ == "" {
		if _, ok := fm["properties"]; ok {
			typ = "object"
		}
	}
	if arr, ok := v.([]any); ok {
		for _, el := range arr {
			if e := checkValue(root, fm, path, el, id); e != nil {
				return e
			}
		}
		return nil
	}
	if v == nil {
		return nil
	}
	fail := func(cause string) *errorObj {
		return &errorObj{
			Type: "document_parsing_exception",
			Reason: fmt.Sprintf("[1:2] failed to parse field [%s] of type [%s] in document with id '%s'. Preview of field's value: '%s'",
				path, typ, id, preview(v)),
			CausedBy: &errorObj{Type: "illegal_argument_exception", Reason: cause},
		}
	}
	switch typ {
	case "object", "nested":
		m, ok := v.(map[string]any)
		if !ok {
			return &errorObj{Type: "document_parsing_exception",
				Reason: fmt.Sprintf("[1:2] object mapping for [%s] tried to parse field [%s] as object, but found a concrete value", path, lastSegment(path))}
		}
		return checkObject(root, fm, path, m, id)
	case "long", "integer", "short", "byte", "unsigned_long", "double", "float", "half_float", "scaled_float":
		switch t := v.(type) {
		case json.Number:
			return nil
		case string:
			if _, err := strconv.ParseFloat(strings.TrimSpace(t), 64); err != nil {
				return fail(fmt.Sprintf("For input string: %q", t))
			}
			return nil
		case map[string]any:
			return fail("Current token (START_OBJECT) not numeric, can not use numeric value accessors")
		default:
			return fail(fmt.Sprintf("Current token (%s) not numeric, can not use numeric value accessors", tokenName(v)))
		}
	case "boolean":
		switch t := v.(type) {
		case bool:
			return nil
		case string:
			if t == "true" || t == "false" || t == "" {
				return nil
			}
			return fail(fmt.Sprintf("Failed to parse value [%s] as only [true] or [false] are allowed.", t))
		default:
			return fail(fmt.Sprintf("Failed to parse value [%s] as only [true] or [false] are allowed.", preview(v)))
		}
	case "date", "date_nanos":
		switch t := v.(type) {
		case json.Number:
			return nil
		case string:
			if _, ok := parseDate(t); ok {
				return nil
			}
			return fail(fmt.Sprintf("failed to parse date field [%s] with format [strict_date_optional_time||epoch_millis]", t))
		default:
			return fail("failed to parse date field with format [strict_date_optional_time||epoch_millis]")
		}
	case "ip":
		s, ok := v.(string)
		if _, err := netip.ParseAddr(s); !ok || err != nil {
			return fail(fmt.Sprintf("'%s' is not an IP string literal.", preview(v)))
		}
	case "keyword", "text", "match_only_text", "wildcard", "constant_keyword", "version":
		if _, ok := v.(map[string]any); ok {
			return fail("Can't get text on a START_OBJECT at 1:2")
		}
	}
	return nil
}

func lastSegment(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}

func preview(v any) string {
	var s string
	switch t := v.(type) {
	case string:
		s = t
	case map[string]any, []any:
		b, _ := json.Marshal(t)
		s = string(b)
	default:
		s = fmt.Sprint(t)
	}
	if len(s) > 20 {
		s = s[:20] + "..."
	}
	return s
}

func tokenName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "START_OBJECT"
	case []any:
		return "START_ARRAY"
	case string:
		return "VALUE_STRING"
	case json.Number, float64, int64, int:
		return "VALUE_NUMBER"
	case bool:
		return "VALUE_BOOLEAN"
	case nil:
		return "VALUE_NULL"
	}
	return "VALUE_EMBEDDED_OBJECT"
}

// dateLayouts are the strict_date_optional_time forms the fake accepts.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999Z0700",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01",
	"2006",
}

// parseDate parses ES's default date format, strict_date_optional_time ||
// epoch_millis, to epoch milliseconds.
func parseDate(s string) (int64, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UnixMilli(), true
		}
	}
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		return ms, true
	}
	return 0, false
}

// lookupField returns the values at a dotted path in a source, following
// nested objects, flattened dotted keys and arrays of objects.
func lookupField(src map[string]any, path string) []any {
	if v, ok := src[path]; ok {
		return flatten(v)
	}
	var out []any
	for i := 0; i < len(path); i++ {
		if path[i] != '.' {
			continue
		}
		head, rest := path[:i], path[i+1:]
		v, ok := src[head]
		if !ok {
			continue
		}
		switch t := v.(type) {
		case map[string]any:
			out = append(out, lookupField(t, rest)...)
		case []any:
			for _, el := range t {
				if m, ok := el.(map[string]any); ok {
					out = append(out, lookupField(m, rest)...)
				}
			}
		}
	}
	return out
}

func flatten(v any) []any {
	if arr, ok := v.([]any); ok {
		var out []any
		for _, el := range arr {
			out = append(out, flatten(el)...)
		}
		return out
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// decodeObject decodes a JSON object keeping numbers as json.Number.
func decodeObject(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("expected an object")
	}
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("unexpected content after the object")
	}
	return m, nil
}
