package esfake

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pit is a point in time: a frozen view of some indices.
type pit struct {
	id      string
	docs    []pitDoc
	expires time.Time
}

// pitDoc is one document as a search sees it. shardDoc is the _shard_doc
// tiebreaker value: unique within the view and stable over its life.
type pitDoc struct {
	index    string
	doc      storedDoc
	shardDoc int64
}

// snapshot copies the documents of idxs in a stable order (index creation,
// then insertion). The caller holds s.mu.
func snapshot(idxs []*index) []pitDoc {
	var out []pitDoc
	for n, ix := range idxs {
		start := len(out)
		for _, d := range ix.docs {
			out = append(out, pitDoc{index: ix.name, doc: *d})
		}
		part := out[start:]
		slices.SortFunc(part, func(a, b pitDoc) int { return cmp.Compare(a.doc.order, b.doc.order) })
		for i := range part {
			part[i].shardDoc = int64(n)<<32 | int64(i)
		}
	}
	return out
}

// parseKeepAlive parses ES time values: 500ms, 30s, 5m, 1h, 1d.
func parseKeepAlive(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		d      time.Duration
	}{{"nanos", time.Nanosecond}, {"micros", time.Microsecond}, {"ms", time.Millisecond}, {"s", time.Second}, {"m", time.Minute}, {"h", time.Hour}, {"d", 24 * time.Hour}}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			n, err := strconv.ParseInt(num, 10, 64)
			if err != nil || n < 0 {
				break
			}
			return time.Duration(n) * u.d, nil
		}
	}
	return 0, fmt.Errorf("failed to parse setting [keep_alive] with value [%s] as a time value: unit is missing or unrecognized", s)
}

func (s *Server) handleOpenPIT(req *request) reply {
	ka := req.query.Get("keep_alive")
	if ka == "" {
		return errReply(validationFailed("[keep_alive] is not set"))
	}
	d, err := parseKeepAlive(ka)
	if err != nil {
		return errReply(newAPIError(400, "parse_exception", "%v", err))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idxs, e := s.resolve(req.segs[0], req.query.Get("ignore_unavailable") == "true")
	if e != nil {
		return errReply(e)
	}
	p := &pit{id: s.newPITID(), docs: snapshot(idxs), expires: s.opts.clock().Add(d)}
	s.pits[p.id] = p
	return okReply(map[string]any{
		"id":      p.id,
		"_shards": map[string]any{"total": len(idxs), "successful": len(idxs), "skipped": 0, "failed": 0},
	})
}

// newPITID returns an opaque id shaped like ES's (long base64). The caller
// holds s.mu.
func (s *Server) newPITID() string {
	var b strings.Builder
	b.WriteString("esfake")
	for range 4 {
		b.WriteString(s.newUUID())
	}
	return b.String()
}

func (s *Server) handleClosePIT(req *request) reply {
	body, e := parseBody(req.body, "close_point_in_time")
	if e != nil {
		return errReply(e)
	}
	id, _ := body["id"].(string)
	if id == "" {
		return errReply(validationFailed("no pit ids specified"))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pits[id]; !ok {
		return reply{status: 404, body: map[string]any{"succeeded": true, "num_freed": 0}}
	}
	delete(s.pits, id)
	return okReply(map[string]any{"succeeded": true, "num_freed": 1})
}

// OpenPITs is the number of points in time not yet closed or expired.
func (s *Server) OpenPITs() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	now := s.opts.clock()
	for _, p := range s.pits {
		if now.Before(p.expires) {
			n++
		}
	}
	return n
}

// sortKey is one sort clause.
type sortKey struct {
	field string // a field path, "_shard_doc", "_doc" or "_score"
	desc  bool
}

func parseSort(v any) ([]sortKey, *apiError) {
	var list []any
	switch t := v.(type) {
	case nil:
		return nil, nil
	case []any:
		list = t
	default:
		list = []any{t}
	}
	var keys []sortKey
	for _, el := range list {
		switch t := el.(type) {
		case string:
			k := sortKey{field: t}
			if f, dir, ok := strings.Cut(t, ":"); ok {
				k = sortKey{field: f, desc: dir == "desc"}
			}
			if k.field == "_score" && !strings.Contains(t, ":") {
				k.desc = true
			}
			keys = append(keys, k)
		case map[string]any:
			for f, spec := range t {
				k := sortKey{field: f, desc: f == "_score"}
				switch sp := spec.(type) {
				case string:
					k.desc = sp == "desc"
				case map[string]any:
					if o, ok := sp["order"].(string); ok {
						k.desc = o == "desc"
					}
				}
				keys = append(keys, k)
			}
		default:
			return nil, newAPIError(400, "parsing_exception", "[sort] malformed sort format, expected a string, object or array")
		}
	}
	return keys, nil
}

// sortValue is the value a hit contributes for a sort key: nil when missing.
// Dates (RFC 3339 strings) become epoch milliseconds, as ES reports them.
func sortValue(d *pitDoc, src map[string]any, k sortKey) any {
	switch k.field {
	case "_shard_doc":
		return d.shardDoc
	case "_doc":
		return d.shardDoc
	case "_score":
		return 1.0
	case "_id":
		return d.doc.id
	case "_index":
		return d.index
	case "_seq_no":
		return d.doc.seqNo
	}
	vals := lookupField(src, k.field)
	var best any
	for _, v := range vals {
		v = normalizeSortValue(v)
		if v == nil {
			continue
		}
		if best == nil || (compareValues(v, best) < 0) != k.desc {
			best = v
		}
	}
	return best
}

func normalizeSortValue(v any) any {
	switch t := v.(type) {
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	case string:
		if len(t) >= 10 && t[4] == '-' {
			if ms, ok := parseDate(t); ok {
				return ms
			}
		}
		return t
	case bool:
		if t {
			return int64(1)
		}
		return int64(0)
	case float64, int64, nil:
		return t
	}
	return nil
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case int64:
		return float64(t), true
	case float64:
		return t, true
	case int:
		return float64(t), true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

// compareValues orders two non-nil sort values: numbers before strings.
func compareValues(a, b any) int {
	af, aNum := toFloat(a)
	bf, bNum := toFloat(b)
	switch {
	case aNum && bNum:
		return cmp.Compare(af, bf)
	case aNum:
		return -1
	case bNum:
		return 1
	}
	return cmp.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// compareTuples orders sort tuples; missing values (nil) sort last in either
// direction, as ES's default "missing": "_last" does.
func compareTuples(a, b []any, keys []sortKey) int {
	for i, k := range keys {
		x, y := a[i], b[i]
		var c int
		switch {
		case x == nil && y == nil:
			c = 0
		case x == nil:
			c = 1
		case y == nil:
			c = -1
		default:
			c = compareValues(x, y)
			if k.desc {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

type searchBody struct {
	query          map[string]any
	size, from     int
	sort           []sortKey
	searchAfter    []any
	hasSearchAfter bool
	sliceID        int
	sliceMax       int
	pitID          string
	pitKeepAlive   string
	trackTotal     any
	sourceOff      bool
	seqNoPrimary   bool
	version        bool
}

func parseSearchBody(req *request) (*searchBody, *apiError) {
	sb := &searchBody{size: 10, from: -1, trackTotal: nil}
	var body map[string]any
	if len(strings.TrimSpace(string(req.body))) > 0 {
		var e *apiError
		if body, e = parseBody(req.body, "search"); e != nil {
			return nil, e
		}
	}
	intField := func(name string, v any) (int, *apiError) {
		n, ok := v.(json.Number)
		if !ok {
			return 0, newAPIError(400, "x_content_parse_exception", "[1:2] [%s] failed to parse field: expected a number", name)
		}
		i, err := n.Int64()
		if err != nil {
			return 0, newAPIError(400, "x_content_parse_exception", "[1:2] [%s] failed to parse field: %v", name, err)
		}
		return int(i), nil
	}
	for _, k := range slices.Sorted(maps.Keys(body)) {
		v := body[k]
		var e *apiError
		switch k {
		case "query":
			m, ok := v.(map[string]any)
			if !ok {
				return nil, newAPIError(400, "parsing_exception", "[query] malformed query, expected [START_OBJECT] but found [%s]", tokenName(v))
			}
			sb.query = m
		case "size":
			sb.size, e = intField(k, v)
		case "from":
			sb.from, e = intField(k, v)
		case "sort":
			sb.sort, e = parseSort(v)
		case "search_after":
			arr, ok := v.([]any)
			if !ok {
				return nil, newAPIError(400, "parsing_exception", "[search_after] must be an array")
			}
			sb.searchAfter, sb.hasSearchAfter = arr, true
		case "slice":
			m, _ := v.(map[string]any)
			if m == nil {
				return nil, newAPIError(400, "parsing_exception", "[slice] must be an object")
			}
			if sb.sliceID, e = intField("id", m["id"]); e == nil {
				sb.sliceMax, e = intField("max", m["max"])
			}
			if e == nil && sb.sliceMax <= 1 {
				e = illegalArgument("max must be greater than 1")
			}
			if e == nil && sb.sliceID < 0 {
				e = illegalArgument("id must be greater than or equal to 0")
			}
			if e == nil && sb.sliceID >= sb.sliceMax {
				e = illegalArgument("max must be greater than id")
			}
		case "pit":
			m, _ := v.(map[string]any)
			id, _ := m["id"].(string)
			if id == "" {
				return nil, newAPIError(400, "parsing_exception", "[pit] requires [id]")
			}
			sb.pitID = id
			sb.pitKeepAlive, _ = m["keep_alive"].(string)
		case "track_total_hits":
			sb.trackTotal = v
		case "_source":
			sb.sourceOff = v == false
		case "seq_no_primary_term":
			sb.seqNoPrimary = v == true
		case "version":
			sb.version = v == true
		case "timeout", "stored_fields", "docvalue_fields", "fields", "explain", "min_score", "terminate_after", "runtime_mappings", "indices_boost", "stats", "profile":
			// accepted, no effect
		default:
			return nil, newAPIError(400, "parsing_exception", "Unknown key for a %s in [%s].", tokenName(v), k)
		}
		if e != nil {
			return nil, e
		}
	}
	if v := req.query.Get("size"); v != "" {
		sb.size, _ = strconv.Atoi(v)
	}
	if v := req.query.Get("from"); v != "" {
		sb.from, _ = strconv.Atoi(v)
	}
	if v := req.query.Get("track_total_hits"); v != "" {
		sb.trackTotal = v == "true"
		if n, err := strconv.Atoi(v); err == nil {
			sb.trackTotal = json.Number(strconv.Itoa(n))
		}
	}
	if v := req.query.Get("sort"); v != "" && sb.sort == nil {
		for _, f := range strings.Split(v, ",") {
			k, _ := parseSort(f)
			sb.sort = append(sb.sort, k...)
		}
	}
	return sb, nil
}

// handleSearch serves _search: match_all/term/terms/exists/ids/range/
// prefix/match/bool queries, sort, from/size, search_after, slices and
// points in time. Documents are visible as soon as they are written (the
// fake is always refreshed).
func (s *Server) handleSearch(req *request) reply {
	start := time.Now()
	sb, e := parseSearchBody(req)
	if e != nil {
		return errReply(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var docs []pitDoc
	nIdx := 0
	if sb.pitID != "" {
		if len(req.segs) == 2 {
			return errReply(validationFailed("[indices] cannot be used with point in time. Do not specify any index with point in time."))
		}
		p := s.pits[sb.pitID]
		now := s.opts.clock()
		if p == nil || !now.Before(p.expires) {
			delete(s.pits, sb.pitID)
			return errReply(newAPIError(404, "search_context_missing_exception", "No search context found for id [%s]", sb.pitID))
		}
		if sb.pitKeepAlive != "" {
			d, err := parseKeepAlive(sb.pitKeepAlive)
			if err != nil {
				return errReply(newAPIError(400, "parse_exception", "%v", err))
			}
			p.expires = now.Add(d)
		}
		docs = p.docs
		nIdx = 1
	} else {
		if sb.sliceMax > 0 {
			return errReply(validationFailed("[slice] can only be used with [scroll] or [point-in-time] requests"))
		}
		idxs, e := s.resolvePath(req)
		if e != nil {
			return errReply(e)
		}
		docs = snapshot(idxs)
		nIdx = len(idxs)
	}

	if sb.hasSearchAfter {
		if len(sb.sort) == 0 {
			return errReply(illegalArgument("Sort must contain at least one field."))
		}
		if sb.from > 0 {
			return errReply(illegalArgument("`from` parameter must be set to 0 when `search_after` is used."))
		}
	}
	keys := slices.Clone(sb.sort)
	if sb.pitID != "" && len(keys) > 0 && !slices.ContainsFunc(keys, func(k sortKey) bool { return k.field == "_shard_doc" }) {
		keys = append(keys, sortKey{field: "_shard_doc"})
	}
	if sb.hasSearchAfter && len(sb.searchAfter) != len(keys) {
		return errReply(illegalArgument("search_after has %d value(s) but sort has %d.", len(sb.searchAfter), len(keys)))
	}
	from := max(sb.from, 0)
	if from+sb.size > 10000 {
		return errReply(illegalArgument("Result window is too large, from + size must be less than or equal to: [10000] but was [%d]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.", from+sb.size))
	}

	type hit struct {
		d    *pitDoc
		src  map[string]any
		sort []any
	}
	var hits []hit
	for i := range docs {
		d := &docs[i]
		if sb.sliceMax > 0 && sliceOf(d.doc.id, sb.sliceMax) != sb.sliceID {
			continue
		}
		src, err := decodeObject(d.doc.source)
		if err != nil {
			src = map[string]any{}
		}
		ok, qe := matchQuery(sb.query, d, src)
		if qe != nil {
			return errReply(qe)
		}
		if !ok {
			continue
		}
		h := hit{d: d, src: src}
		if len(keys) > 0 {
			h.sort = make([]any, len(keys))
			for j, k := range keys {
				h.sort[j] = sortValue(d, src, k)
			}
		}
		hits = append(hits, h)
	}
	if len(keys) > 0 {
		slices.SortStableFunc(hits, func(a, b hit) int { return compareTuples(a.sort, b.sort, keys) })
	}
	total := len(hits)
	if sb.hasSearchAfter {
		after := make([]any, len(sb.searchAfter))
		for i, v := range sb.searchAfter {
			after[i] = normalizeSortValue(v)
		}
		i := 0
		for i < len(hits) && compareTuples(hits[i].sort, after, keys) <= 0 {
			i++
		}
		hits = hits[i:]
	}
	if from < len(hits) {
		hits = hits[from:]
	} else {
		hits = nil
	}
	if len(hits) > sb.size {
		hits = hits[:sb.size]
	}

	outHits := make([]map[string]any, 0, len(hits))
	for _, h := range hits {
		m := map[string]any{"_index": h.d.index, "_id": h.d.doc.id}
		if h.d.doc.routing != "" {
			m["_routing"] = h.d.doc.routing
		}
		if len(keys) > 0 {
			m["_score"] = nil
			m["sort"] = h.sort
		} else {
			m["_score"] = 1.0
		}
		if !sb.sourceOff {
			m["_source"] = json.RawMessage(h.d.doc.source)
		}
		if sb.seqNoPrimary {
			m["_seq_no"], m["_primary_term"] = h.d.doc.seqNo, 1
		}
		if sb.version {
			m["_version"] = h.d.doc.version
		}
		outHits = append(outHits, m)
	}
	hitsObj := map[string]any{"hits": outHits}
	if len(keys) > 0 || len(outHits) == 0 {
		hitsObj["max_score"] = nil
	} else {
		hitsObj["max_score"] = 1.0
	}
	switch tt := sb.trackTotal.(type) {
	case bool:
		if tt {
			hitsObj["total"] = map[string]any{"value": total, "relation": "eq"}
		}
	default:
		limit := 10000
		if n, ok := tt.(json.Number); ok {
			i, _ := n.Int64()
			limit = int(i)
		}
		if total > limit {
			hitsObj["total"] = map[string]any{"value": limit, "relation": "gte"}
		} else {
			hitsObj["total"] = map[string]any{"value": total, "relation": "eq"}
		}
	}
	out := map[string]any{
		"took":      time.Since(start).Milliseconds(),
		"timed_out": false,
		"_shards":   map[string]any{"total": nIdx, "successful": nIdx, "skipped": 0, "failed": 0},
		"hits":      hitsObj,
	}
	if sb.pitID != "" {
		out["pit_id"] = sb.pitID
	}
	return okReply(out)
}

// sliceOf assigns a document to one of max slices by a hash of its id, so
// the slices partition the view.
func sliceOf(id string, n int) int {
	h := fnv.New32a()
	_, _ = h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

func (s *Server) handleCount(req *request) reply {
	sb, e := parseSearchBody(req)
	if e != nil {
		return errReply(e)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	idxs, e := s.resolvePath(req)
	if e != nil {
		return errReply(e)
	}
	n := 0
	docs := snapshot(idxs)
	for i := range docs {
		src, err := decodeObject(docs[i].doc.source)
		if err != nil {
			src = map[string]any{}
		}
		ok, qe := matchQuery(sb.query, &docs[i], src)
		if qe != nil {
			return errReply(qe)
		}
		if ok {
			n++
		}
	}
	return okReply(map[string]any{"count": n, "_shards": map[string]any{"total": len(idxs), "successful": len(idxs), "skipped": 0, "failed": 0}})
}

func (s *Server) handleRefresh(req *request) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	idxs, e := s.resolvePath(req)
	if e != nil {
		return errReply(e)
	}
	return okReply(map[string]any{"_shards": map[string]any{"total": 2 * len(idxs), "successful": len(idxs), "failed": 0}})
}

// matchQuery evaluates the supported query DSL subset.
func matchQuery(q map[string]any, d *pitDoc, src map[string]any) (bool, *apiError) {
	if len(q) == 0 {
		return true, nil
	}
	if len(q) != 1 {
		return false, newAPIError(400, "parsing_exception", "[%s] malformed query, expected [END_OBJECT] but found [FIELD_NAME]", slices.Sorted(maps.Keys(q))[0])
	}
	for name, body := range q {
		spec, _ := body.(map[string]any)
		switch name {
		case "match_all":
			return true, nil
		case "match_none":
			return false, nil
		case "bool":
			return matchBool(spec, d, src)
		case "exists":
			f, _ := spec["field"].(string)
			return len(fieldValues(f, d, src)) > 0, nil
		case "ids":
			vals, _ := spec["values"].([]any)
			return slices.ContainsFunc(vals, func(v any) bool { return v == d.doc.id }), nil
		case "term", "terms", "prefix", "match", "range":
			for f, arg := range spec {
				if f == "boost" {
					continue
				}
				vals := fieldValues(f, d, src)
				return matchField(name, arg, vals)
			}
			return false, newAPIError(400, "parsing_exception", "[%s] query doesn't support multiple fields", name)
		default:
			return false, newAPIError(400, "parsing_exception", "unknown query [%s]", name)
		}
	}
	return false, nil
}

func fieldValues(f string, d *pitDoc, src map[string]any) []any {
	switch f {
	case "_id":
		return []any{d.doc.id}
	case "_index":
		return []any{d.index}
	}
	return lookupField(src, f)
}

func matchBool(spec map[string]any, d *pitDoc, src map[string]any) (bool, *apiError) {
	clauses := func(k string) []map[string]any {
		var out []map[string]any
		switch t := spec[k].(type) {
		case map[string]any:
			out = append(out, t)
		case []any:
			for _, el := range t {
				if m, ok := el.(map[string]any); ok {
					out = append(out, m)
				}
			}
		}
		return out
	}
	for _, k := range []string{"must", "filter"} {
		for _, c := range clauses(k) {
			ok, e := matchQuery(c, d, src)
			if e != nil || !ok {
				return false, e
			}
		}
	}
	for _, c := range clauses("must_not") {
		ok, e := matchQuery(c, d, src)
		if e != nil || ok {
			return false, e
		}
	}
	should := clauses("should")
	if len(should) == 0 {
		return true, nil
	}
	need := 0
	if len(clauses("must")) == 0 && len(clauses("filter")) == 0 {
		need = 1
	}
	if m, ok := spec["minimum_should_match"].(json.Number); ok {
		i, _ := m.Int64()
		need = int(i)
	}
	hit := 0
	for _, c := range should {
		ok, e := matchQuery(c, d, src)
		if e != nil {
			return false, e
		}
		if ok {
			hit++
		}
	}
	return hit >= need, nil
}

func equalValues(a, b any) bool {
	af, aNum := toFloat(a)
	bf, bNum := toFloat(b)
	if aNum && bNum {
		return af == bf
	}
	if s, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			return s == bs
		}
		if bNum {
			f, err := strconv.ParseFloat(s, 64)
			return err == nil && f == bf
		}
		if bb, ok := b.(bool); ok {
			return s == strconv.FormatBool(bb)
		}
	}
	return a == b
}

func matchField(kind string, arg any, vals []any) (bool, *apiError) {
	switch kind {
	case "term":
		if m, ok := arg.(map[string]any); ok {
			arg = m["value"]
		}
		return slices.ContainsFunc(vals, func(v any) bool { return equalValues(v, arg) }), nil
	case "terms":
		list, _ := arg.([]any)
		return slices.ContainsFunc(vals, func(v any) bool {
			return slices.ContainsFunc(list, func(t any) bool { return equalValues(v, t) })
		}), nil
	case "prefix":
		if m, ok := arg.(map[string]any); ok {
			arg = m["value"]
		}
		p, _ := arg.(string)
		return slices.ContainsFunc(vals, func(v any) bool { s, ok := v.(string); return ok && strings.HasPrefix(s, p) }), nil
	case "match":
		if m, ok := arg.(map[string]any); ok {
			arg = m["query"]
		}
		words := strings.Fields(strings.ToLower(fmt.Sprint(arg)))
		for _, v := range vals {
			have := strings.Fields(strings.ToLower(fmt.Sprint(v)))
			for _, w := range words {
				if slices.Contains(have, w) {
					return true, nil
				}
			}
		}
		return false, nil
	}
	// range
	spec, _ := arg.(map[string]any)
	bound := func(k string) (any, bool) {
		v, ok := spec[k]
		if !ok || v == nil {
			return nil, false
		}
		return normalizeSortValue(v), true
	}
	for _, v := range vals {
		v = normalizeSortValue(v)
		if v == nil {
			continue
		}
		ok := true
		for _, op := range []string{"gt", "gte", "lt", "lte"} {
			b, has := bound(op)
			if !has {
				continue
			}
			c := compareValues(v, b)
			switch op {
			case "gt":
				ok = ok && c > 0
			case "gte":
				ok = ok && c >= 0
			case "lt":
				ok = ok && c < 0
			case "lte":
				ok = ok && c <= 0
			}
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// filterPath applies ES's filter_path response filtering: comma-separated
// dotted paths where * matches one level and ** any number of levels;
// arrays are transparent. Exclusions (-path) are not supported and ignored.
func filterPath(b []byte, expr string) []byte {
	var v any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if dec.Decode(&v) != nil {
		return b
	}
	var pats [][]string
	for _, p := range strings.Split(expr, ",") {
		p = strings.TrimSpace(p)
		if p == "" || strings.HasPrefix(p, "-") {
			continue
		}
		pats = append(pats, strings.Split(p, "."))
	}
	if len(pats) == 0 {
		return b
	}
	out, ok := filterValue(v, pats)
	if !ok {
		return []byte("{}")
	}
	nb, err := json.Marshal(out)
	if err != nil {
		return b
	}
	return nb
}

func filterValue(v any, pats [][]string) (any, bool) {
	for _, p := range pats {
		if len(p) == 0 {
			return v, true
		}
	}
	switch t := v.(type) {
	case []any:
		var out []any
		for _, el := range t {
			if f, ok := filterValue(el, pats); ok {
				out = append(out, f)
			}
		}
		return out, len(out) > 0
	case map[string]any:
		out := map[string]any{}
		for k, val := range t {
			var sub [][]string
			seen := map[string]bool{}
			add := func(p []string) {
				// Dedupe: repeated ** would otherwise double the list per level.
				if key := strings.Join(p, "\x00"); !seen[key] {
					seen[key] = true
					sub = append(sub, p)
				}
			}
			for _, p := range pats {
				switch {
				case p[0] == "**":
					add(p)
					add(p[1:])
				case p[0] == "*" || p[0] == k || (strings.Contains(p[0], "*") && globMatch(p[0], k)):
					add(p[1:])
				}
			}
			if len(sub) == 0 {
				continue
			}
			if f, ok := filterValue(val, sub); ok {
				out[k] = f
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}
