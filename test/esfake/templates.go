package esfake

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

type indexTemplate struct {
	name       string
	body       map[string]any // as PUT, returned by GET
	patterns   []string
	composedOf []string
	priority   int64
	dataStream bool
	template   map[string]any // the "template" section
}

type componentTemplate struct {
	name     string
	body     map[string]any
	template map[string]any
}

// builtinLogsTemplate mirrors the template ES 8 installs for logs-*-*: any
// write to a name like logs-app-default creates a data stream.
func builtinLogsTemplate() *indexTemplate {
	body := map[string]any{
		"index_patterns": []any{"logs-*-*"},
		"priority":       json.Number("100"),
		"data_stream":    map[string]any{"hidden": false, "allow_custom_routing": false},
		"composed_of":    []any{},
		"_meta":          map[string]any{"description": "default logs template installed by x-pack (esfake)", "managed": true},
	}
	return &indexTemplate{name: "logs", body: body, patterns: []string{"logs-*-*"}, priority: 100, dataStream: true}
}

// IndexTemplate returns the body of an index template as stored.
func (s *Server) IndexTemplate(name string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.indexTemplates[name]
	if t == nil {
		return nil, false
	}
	return deepCopy(t.body), true
}

// ComponentTemplate returns the body of a component template as stored.
func (s *Server) ComponentTemplate(name string) (map[string]any, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.componentTemplates[name]
	if t == nil {
		return nil, false
	}
	return deepCopy(t.body), true
}

// matchTemplate returns the highest-priority index template matching name.
// When that template creates data streams and includeDataStream is false it
// returns nil: the name gets no template. The caller holds s.mu.
func (s *Server) matchTemplate(name string, includeDataStream bool) *indexTemplate {
	var best *indexTemplate
	for _, t := range s.allTemplates() {
		if !slices.ContainsFunc(t.patterns, func(p string) bool { return globMatch(p, name) }) {
			continue
		}
		if best == nil || t.priority > best.priority {
			best = t
		}
	}
	if best != nil && best.dataStream && !includeDataStream {
		return nil
	}
	return best
}

// allTemplates lists user templates plus the built-in logs template unless
// a user template replaced it. The caller holds s.mu.
func (s *Server) allTemplates() []*indexTemplate {
	out := make([]*indexTemplate, 0, len(s.indexTemplates)+1)
	if _, ok := s.indexTemplates["logs"]; !ok {
		out = append(out, builtinLogsTemplate())
	}
	for _, name := range slices.Sorted(maps.Keys(s.indexTemplates)) {
		out = append(out, s.indexTemplates[name])
	}
	return out
}

func (s *Server) handleIndexTemplate(req *request) reply {
	name := ""
	if len(req.segs) == 2 {
		name = req.segs[1]
	}
	switch req.method {
	case "GET", "HEAD":
		s.mu.Lock()
		defer s.mu.Unlock()
		var list []any
		for _, t := range s.allTemplates() {
			if name == "" || matchesAny(name, t.name) {
				list = append(list, map[string]any{"name": t.name, "index_template": t.body})
			}
		}
		if len(list) == 0 && name != "" && !strings.Contains(name, "*") {
			return errReply(newAPIError(404, "resource_not_found_exception", "index template matching [%s] not found", name))
		}
		if list == nil {
			list = []any{}
		}
		return okReply(map[string]any{"index_templates": list})
	case "DELETE":
		if name == "" {
			return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [DELETE], allowed: [GET, HEAD]", req.path)})
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.indexTemplates[name]; !ok {
			return errReply(newAPIError(404, "index_template_missing_exception", "index_template [%s] missing", name))
		}
		delete(s.indexTemplates, name)
		return okReply(map[string]any{"acknowledged": true})
	}
	// PUT, POST
	if name == "" {
		return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s], allowed: [GET, HEAD]", req.path, req.method)})
	}
	body, e := parseBody(req.body, "index_template")
	if e != nil {
		return errReply(e)
	}
	allowed := []string{"index_patterns", "template", "composed_of", "priority", "version", "_meta", "data_stream", "allow_auto_create", "ignore_missing_component_templates", "deprecated"}
	if e := unknownField(body, "index_template", allowed); e != nil {
		return errReply(e)
	}
	t := &indexTemplate{name: name, body: body}
	switch p := body["index_patterns"].(type) {
	case string:
		t.patterns = []string{p}
	case []any:
		for _, el := range p {
			if s, ok := el.(string); ok {
				t.patterns = append(t.patterns, s)
			}
		}
	}
	if len(t.patterns) == 0 {
		return errReply(validationFailed("index patterns are missing"))
	}
	if tmpl, ok := body["template"]; ok {
		m, ok := tmpl.(map[string]any)
		if !ok {
			return errReply(newAPIError(400, "x_content_parse_exception", "[1:2] [index_template] template doesn't support values of type: %s", tokenName(tmpl)))
		}
		if e := unknownField(m, "template", []string{"settings", "mappings", "aliases", "lifecycle", "data_stream_options"}); e != nil {
			return errReply(e)
		}
		t.template = m
	}
	if c, ok := body["composed_of"].([]any); ok {
		for _, el := range c {
			if s, ok := el.(string); ok {
				t.composedOf = append(t.composedOf, s)
			}
		}
	}
	if p, ok := body["priority"].(json.Number); ok {
		n, err := p.Int64()
		if err != nil || n < 0 {
			return errReply(validationFailed("index template priority must be >= 0"))
		}
		t.priority = n
	}
	_, t.dataStream = body["data_stream"]

	s.mu.Lock()
	defer s.mu.Unlock()
	if req.query.Get("create") == "true" {
		if _, ok := s.indexTemplates[name]; ok {
			return errReply(illegalArgument("index template [%s] already exists", name))
		}
	}
	var missing []string
	for _, c := range t.composedOf {
		if _, ok := s.componentTemplates[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return errReply(newAPIError(400, "invalid_index_template_exception",
			"index_template [%s] invalid, cause [index template [%s] specifies component templates %v that do not exist]", name, name, missing))
	}
	for _, other := range s.allTemplates() {
		if other.name == name || other.priority != t.priority {
			continue
		}
		if patternsOverlap(t.patterns, other.patterns) {
			return errReply(illegalArgument("index template [%s] has index patterns %v matching patterns from existing templates [%s] with patterns (%s => %v) that have the same priority [%d], multiple index templates may not match during index creation, please use a different priority",
				name, t.patterns, other.name, other.name, other.patterns, t.priority))
		}
	}
	s.indexTemplates[name] = t
	return okReply(map[string]any{"acknowledged": true})
}

func matchesAny(expr, name string) bool {
	for _, p := range strings.Split(expr, ",") {
		if globMatch(p, name) {
			return true
		}
	}
	return false
}

// patternsOverlap approximates ES's check: two patterns overlap when either
// matches the other read literally.
func patternsOverlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if globMatch(x, y) || globMatch(y, x) {
				return true
			}
		}
	}
	return false
}

func (s *Server) handleComponentTemplate(req *request) reply {
	name := ""
	if len(req.segs) == 2 {
		name = req.segs[1]
	}
	switch req.method {
	case "GET", "HEAD":
		s.mu.Lock()
		defer s.mu.Unlock()
		var list []any
		for _, n := range slices.Sorted(maps.Keys(s.componentTemplates)) {
			if name == "" || matchesAny(name, n) {
				list = append(list, map[string]any{"name": n, "component_template": s.componentTemplates[n].body})
			}
		}
		if len(list) == 0 && name != "" && !strings.Contains(name, "*") {
			return errReply(newAPIError(404, "resource_not_found_exception", "component template matching [%s] not found", name))
		}
		if list == nil {
			list = []any{}
		}
		return okReply(map[string]any{"component_templates": list})
	case "DELETE":
		if name == "" {
			return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [DELETE], allowed: [GET, HEAD]", req.path)})
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.componentTemplates[name]; !ok {
			return errReply(newAPIError(404, "resource_not_found_exception", "%s", name))
		}
		var users []string
		for _, t := range s.allTemplates() {
			if slices.Contains(t.composedOf, name) {
				users = append(users, t.name)
			}
		}
		if len(users) > 0 {
			return errReply(illegalArgument("component templates [%s] cannot be removed as they are still in use by index templates [%s]", name, strings.Join(users, ", ")))
		}
		delete(s.componentTemplates, name)
		return okReply(map[string]any{"acknowledged": true})
	}
	if name == "" {
		return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s], allowed: [GET, HEAD]", req.path, req.method)})
	}
	body, e := parseBody(req.body, "component_template")
	if e != nil {
		return errReply(e)
	}
	if e := unknownField(body, "component_template", []string{"template", "version", "_meta", "deprecated"}); e != nil {
		return errReply(e)
	}
	tmpl, ok := body["template"].(map[string]any)
	if !ok {
		return errReply(newAPIError(400, "x_content_parse_exception", "[1:2] Required [template]"))
	}
	if e := unknownField(tmpl, "template", []string{"settings", "mappings", "aliases", "lifecycle", "data_stream_options"}); e != nil {
		return errReply(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if req.query.Get("create") == "true" {
		if _, ok := s.componentTemplates[name]; ok {
			return errReply(illegalArgument("component template [%s] already exists", name))
		}
	}
	s.componentTemplates[name] = &componentTemplate{name: name, body: body, template: tmpl}
	return okReply(map[string]any{"acknowledged": true})
}

// parseBody decodes a required JSON object body.
func parseBody(b []byte, what string) (map[string]any, *apiError) {
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, newAPIError(400, "parse_exception", "request body is required")
	}
	m, err := decodeObject(b)
	if err != nil {
		return nil, newAPIError(400, "x_content_parse_exception", "[1:1] [%s] failed to parse: %v", what, err)
	}
	return m, nil
}

func unknownField(m map[string]any, what string, allowed []string) *apiError {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(allowed, k) {
			return newAPIError(400, "x_content_parse_exception", "[1:2] [%s] unknown field [%s]", what, k)
		}
	}
	return nil
}

// handleIndex serves PUT/GET/HEAD/DELETE /<index>.
func (s *Server) handleIndex(req *request) reply {
	name := req.segs[0]
	switch req.method {
	case "PUT":
		var body map[string]any
		if len(strings.TrimSpace(string(req.body))) > 0 {
			var e *apiError
			if body, e = parseBody(req.body, "create_index"); e != nil {
				return errReply(e)
			}
			if e := unknownField(body, "create_index", []string{"settings", "mappings", "aliases"}); e != nil {
				return errReply(e)
			}
		}
		if e := validIndexName(name); e != nil {
			return errReply(e)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if ix := s.indices[name]; ix != nil {
			e := newAPIError(400, "resource_already_exists_exception", "index [%s/%s] already exists", name, ix.uuid)
			e.obj.Index, e.obj.IndexUUID = name, ix.uuid
			return errReply(e)
		}
		if _, ok := s.streams[name]; ok {
			return errReply(newAPIError(400, "resource_already_exists_exception", "data stream [%s] already exists", name))
		}
		if t := s.matchTemplate(name, true); t != nil && t.dataStream {
			return errReply(illegalArgument("cannot create index with name [%s], because it matches with template [%s] that creates data streams only, use create data stream api instead", name, t.name))
		}
		s.createIndex(name, body, "")
		return okReply(map[string]any{"acknowledged": true, "shards_acknowledged": true, "index": name})
	case "DELETE":
		s.mu.Lock()
		defer s.mu.Unlock()
		idxs, e := s.resolve(name, false)
		if e != nil {
			return errReply(e)
		}
		for _, ix := range idxs {
			if ix.dataStream != "" {
				return errReply(illegalArgument("index [%s] is the write index for data stream [%s] and cannot be deleted", ix.name, ix.dataStream))
			}
		}
		for _, ix := range idxs {
			delete(s.indices, ix.name)
		}
		return okReply(map[string]any{"acknowledged": true})
	}
	// GET, HEAD
	s.mu.Lock()
	defer s.mu.Unlock()
	idxs, e := s.resolve(name, strings.Contains(name, "*"))
	if e != nil {
		return errReply(e)
	}
	out := map[string]any{}
	for _, ix := range idxs {
		entry := map[string]any{
			"aliases":  map[string]any{},
			"mappings": deepCopy(ix.mappings),
			"settings": map[string]any{"index": map[string]any{
				"uuid": ix.uuid, "number_of_shards": "1", "number_of_replicas": "1", "provided_name": ix.name,
				"creation_date": fmt.Sprint(ix.created.UnixMilli()),
			}},
		}
		if ix.dataStream != "" {
			entry["data_stream"] = ix.dataStream
		}
		out[ix.name] = entry
	}
	return okReply(out)
}

func (s *Server) handleGetMapping(req *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	idxs, e := s.resolve(req.segs[0], strings.Contains(req.segs[0], "*"))
	if e != nil {
		return errReply(e)
	}
	out := map[string]any{}
	for _, ix := range idxs {
		out[ix.name] = map[string]any{"mappings": deepCopy(ix.mappings)}
	}
	return okReply(out)
}

func (s *Server) handleDataStream(req *request) reply {
	name := ""
	if len(req.segs) == 2 {
		name = req.segs[1]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.method {
	case "PUT":
		if name == "" {
			return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [PUT], allowed: [GET]", req.path)})
		}
		if _, ok := s.streams[name]; ok {
			return errReply(newAPIError(400, "resource_already_exists_exception", "data_stream [%s] already exists", name))
		}
		if e := validIndexName(name); e != nil {
			return errReply(e)
		}
		t := s.matchTemplate(name, true)
		if t == nil || !t.dataStream {
			return errReply(illegalArgument("no matching index template found for data stream [%s]", name))
		}
		s.createDataStream(name, t)
		return okReply(map[string]any{"acknowledged": true})
	case "DELETE":
		ds := s.streams[name]
		if ds == nil {
			return errReply(indexNotFound(name))
		}
		for _, b := range ds.backing {
			delete(s.indices, b)
		}
		delete(s.streams, name)
		return okReply(map[string]any{"acknowledged": true})
	}
	var list []any
	for _, n := range slices.Sorted(maps.Keys(s.streams)) {
		if name != "" && !matchesAny(name, n) {
			continue
		}
		ds := s.streams[n]
		var backing []any
		for _, b := range ds.backing {
			uuid := ""
			if ix := s.indices[b]; ix != nil {
				uuid = ix.uuid
			}
			backing = append(backing, map[string]any{"index_name": b, "index_uuid": uuid})
		}
		list = append(list, map[string]any{
			"name": n, "timestamp_field": map[string]any{"name": "@timestamp"}, "indices": backing,
			"generation": len(ds.backing), "status": "GREEN", "template": ds.template, "hidden": false,
			"system": false, "allow_custom_routing": false, "replicated": false,
		})
	}
	if len(list) == 0 && name != "" && !strings.Contains(name, "*") {
		return errReply(indexNotFound(name))
	}
	if list == nil {
		list = []any{}
	}
	return okReply(map[string]any{"data_streams": list})
}

func (s *Server) handlePipeline(req *request) reply {
	name := ""
	if len(req.segs) == 3 {
		name = req.segs[2]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.method {
	case "PUT":
		if name == "" {
			return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [PUT], allowed: [GET]", req.path)})
		}
		body, e := parseBody(req.body, "pipeline")
		if e != nil {
			return errReply(e)
		}
		if _, ok := body["processors"].([]any); !ok {
			return errReply(newAPIError(400, "parse_exception", "[processors] required property is missing"))
		}
		s.pipelines[name] = body
		return okReply(map[string]any{"acknowledged": true})
	case "DELETE":
		if _, ok := s.pipelines[name]; !ok {
			return errReply(newAPIError(404, "resource_not_found_exception", "pipeline [%s] is missing", name))
		}
		delete(s.pipelines, name)
		return okReply(map[string]any{"acknowledged": true})
	}
	out := map[string]any{}
	for n, p := range s.pipelines {
		if name == "" || matchesAny(name, n) {
			out[n] = p
		}
	}
	if len(out) == 0 && name != "" {
		return reply{status: 404, body: map[string]any{}}
	}
	return okReply(out)
}
