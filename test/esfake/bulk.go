package esfake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"time"
)

// bulkOp is one parsed action of a _bulk body.
type bulkOp struct {
	action        string // index, create, update or delete (index with op_type create is create)
	key           string // the key of the item in the response
	index         string
	id            string
	routing       string
	pipeline      string
	requireAlias  bool
	source        []byte         // index and create
	update        map[string]any // update
	ifSeqNo       *int64
	ifPrimaryTerm *int64
}

// knownMeta are the action metadata fields ES 8 accepts.
var knownMeta = []string{"_index", "_id", "routing", "op_type", "version", "version_type", "if_seq_no", "if_primary_term", "retry_on_conflict", "pipeline", "require_alias", "require_data_stream", "list_executed_pipelines"}

// parseBulk parses a _bulk body the way ES's BulkRequestParser does:
//
//   - the body must end with a newline, else 400 illegal_argument_exception
//     "The bulk request must be terminated by a newline [\n]";
//   - blank action lines are skipped;
//   - an action line that is not a JSON object with a single key among
//     create/delete/index/update holding an object of known simple-valued
//     parameters is a 400 illegal_argument_exception for the whole request
//     ("Malformed action/metadata line [N], ..."), invalid JSON there a 400
//     x_content_parse_exception;
//   - index/create/update take the next line as their source; an action on
//     the last line without a source line is ignored;
//   - index/create sources are not parsed here: a bad one fails only its
//     item. update bodies are parsed here, so a bad one fails the request;
//   - with no actions at all, or an action without an index (no _index and
//     no /<index>/_bulk) or an update/delete without _id, the request fails
//     with 400 action_request_validation_exception.
func parseBulk(body []byte, defIndex, defPipeline, defRouting string) ([]bulkOp, *apiError) {
	if len(body) > 0 && body[len(body)-1] != '\n' {
		return nil, illegalArgument("The bulk request must be terminated by a newline [\\n]")
	}
	var ops []bulkOp
	from, line := 0, 0
	for {
		next := bytes.IndexByte(body[from:], '\n')
		if next < 0 {
			break
		}
		next += from
		line++
		actionLine := body[from:next]
		from = next + 1
		if len(bytes.TrimSpace(actionLine)) == 0 {
			continue // blank line
		}
		action, meta, err := parseActionLine(actionLine, line)
		if err != nil {
			return nil, err
		}
		if action == "" {
			continue // blank line
		}
		op := bulkOp{action: action, key: action, index: defIndex, pipeline: defPipeline, routing: defRouting}
		if err := op.applyMeta(meta, line); err != nil {
			return nil, err
		}
		if action != "delete" {
			next = bytes.IndexByte(body[from:], '\n')
			if next < 0 {
				break
			}
			next += from
			line++
			src := bytes.TrimRight(body[from:next], " \t\r")
			from = next + 1
			if action == "update" {
				upd, err := parseUpdateBody(src, line)
				if err != nil {
					return nil, err
				}
				op.update = upd
			} else {
				op.source = bytes.Clone(src)
			}
		}
		ops = append(ops, op)
	}
	if len(ops) == 0 {
		return nil, validationFailed("no requests added")
	}
	var problems []string
	for _, op := range ops {
		if op.index == "" {
			problems = append(problems, "index is missing")
		}
		if op.id == "" && (op.action == "update" || op.action == "delete") {
			problems = append(problems, "id is missing")
		}
	}
	if len(problems) > 0 {
		return nil, validationFailed(problems...)
	}
	return ops, nil
}

func (op *bulkOp) applyMeta(meta map[string]any, line int) *apiError {
	for _, k := range slices.Sorted(maps.Keys(meta)) {
		v := meta[k]
		text := scalarText(v)
		switch k {
		case "_index":
			op.index = text
		case "_id":
			op.id = text
		case "routing":
			op.routing = text
		case "pipeline":
			op.pipeline = text
		case "require_alias":
			op.requireAlias = text == "true"
		case "op_type":
			switch {
			case op.action != "index":
				// ES ignores op_type on other actions.
			case text == "create":
				op.action, op.key = "create", "create"
			case text != "index":
				return illegalArgument("opType must be 'create' or 'index', found: [%s]", text)
			}
		case "if_seq_no", "if_primary_term":
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil {
				return newAPIError(400, "x_content_parse_exception", "[%d:1] [%s] failed to parse field: %v", line, k, err)
			}
			if k == "if_seq_no" {
				op.ifSeqNo = &n
			} else {
				op.ifPrimaryTerm = &n
			}
		}
	}
	return nil
}

func scalarText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// jacksonToken names a JSON token the way ES's parser errors do.
func jacksonToken(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return "START_OBJECT"
		case '}':
			return "END_OBJECT"
		case '[':
			return "START_ARRAY"
		case ']':
			return "END_ARRAY"
		}
	case string:
		return "VALUE_STRING"
	case json.Number:
		return "VALUE_NUMBER"
	case bool:
		return "VALUE_BOOLEAN"
	case nil:
		return "VALUE_NULL"
	}
	return "null"
}

// parseActionLine returns the action name and its metadata; a blank line
// gives "".
func parseActionLine(b []byte, line int) (string, map[string]any, *apiError) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	parseErr := func(err error) *apiError {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return newAPIError(400, "x_content_parse_exception", "[%d:%d] Unexpected end-of-input: expected close marker for Object", line, len(b)+1)
		}
		return newAPIError(400, "x_content_parse_exception", "[%d:%d] %v", line, dec.InputOffset()+1, err)
	}
	malformed := func(expected string, tok json.Token) *apiError {
		return illegalArgument("Malformed action/metadata line [%d], expected %s but found [%s]", line, expected, jacksonToken(tok))
	}
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, parseErr(err)
	}
	if tok != json.Delim('{') {
		return "", nil, malformed("START_OBJECT", tok)
	}
	if tok, err = dec.Token(); err != nil {
		return "", nil, parseErr(err)
	}
	action, ok := tok.(string)
	if !ok {
		return "", nil, malformed("FIELD_NAME", tok)
	}
	switch action {
	case "index", "create", "update", "delete":
	default:
		return "", nil, illegalArgument("Malformed action/metadata line [%d], expected field [create], [delete], [index] or [update] but found [%s]", line, action)
	}
	if tok, err = dec.Token(); err != nil {
		return "", nil, parseErr(err)
	}
	if tok != json.Delim('{') {
		return "", nil, malformed("START_OBJECT", tok)
	}
	meta := map[string]any{}
	for {
		if tok, err = dec.Token(); err != nil {
			return "", nil, parseErr(err)
		}
		if tok == json.Delim('}') {
			break
		}
		field, _ := tok.(string)
		if field == "dynamic_templates" || field == "_source" {
			var v any
			if err := dec.Decode(&v); err != nil {
				return "", nil, parseErr(err)
			}
			continue
		}
		if tok, err = dec.Token(); err != nil {
			return "", nil, parseErr(err)
		}
		if d, ok := tok.(json.Delim); ok {
			return "", nil, illegalArgument("Malformed action/metadata line [%d], expected a simple value for field [%s] but found [%s]", line, field, jacksonToken(d))
		}
		if !slices.Contains(knownMeta, field) {
			return "", nil, illegalArgument("Action/metadata line [%d] contains an unknown parameter [%s]", line, field)
		}
		meta[field] = tok
	}
	tok, err = dec.Token()
	if err != nil && !errors.Is(err, io.EOF) {
		return "", nil, parseErr(err)
	}
	if tok != json.Delim('}') {
		return "", nil, malformed("END_OBJECT", tok)
	}
	return action, meta, nil
}

func parseUpdateBody(b []byte, line int) (map[string]any, *apiError) {
	m, err := decodeObject(b)
	if err != nil {
		return nil, newAPIError(400, "x_content_parse_exception", "[%d:1] [UpdateRequest] failed to parse: %v", line, err)
	}
	for _, k := range slices.Sorted(maps.Keys(m)) {
		switch k {
		case "doc", "upsert", "doc_as_upsert", "detect_noop", "script", "scripted_upsert", "_source":
		default:
			return nil, newAPIError(400, "x_content_parse_exception", "[%d:2] [UpdateRequest] unknown field [%s]", line, k)
		}
	}
	return m, nil
}

// itemResult is one entry of a bulk response's items (and, unwrapped, the
// body of a single-document write).
type itemResult struct {
	key  string
	body itemBody
}

type shardsInfo struct {
	Total      int `json:"total"`
	Successful int `json:"successful"`
	Failed     int `json:"failed"`
}

type itemBody struct {
	Index       string      `json:"_index"`
	ID          string      `json:"_id"`
	Version     int64       `json:"_version,omitempty"`
	Result      string      `json:"result,omitempty"`
	Shards      *shardsInfo `json:"_shards,omitempty"`
	SeqNo       *int64      `json:"_seq_no,omitempty"`
	PrimaryTerm int64       `json:"_primary_term,omitempty"`
	Status      int         `json:"status"`
	Error       *errorObj   `json:"error,omitempty"`
}

func (r itemResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]itemBody{r.key: r.body})
}

func (r itemResult) failed() bool { return r.body.Error != nil }

func failedItem(op *bulkOp, index string, status int, e errorObj) itemResult {
	return itemResult{key: op.key, body: itemBody{Index: index, ID: op.id, Status: status, Error: &e}}
}

func (s *Server) handleBulk(req *request) reply {
	defIndex := ""
	if len(req.segs) == 2 {
		defIndex = req.segs[0]
	}
	start := time.Now()
	ops, perr := parseBulk(req.body, defIndex, req.query.Get("pipeline"), req.query.Get("routing"))
	if perr != nil {
		return errReply(perr)
	}
	items := make([]itemResult, len(ops))
	anyErr := false
	s.mu.Lock()
	for i := range ops {
		items[i] = s.applyOp(&ops[i])
		if items[i].failed() {
			anyErr = true
			s.stats.ItemErrors++
		}
	}
	s.stats.BulkRequests++
	s.stats.BulkItems += len(ops)
	s.mu.Unlock()
	return okReply(struct {
		Errors bool         `json:"errors"`
		Took   int64        `json:"took"`
		Items  []itemResult `json:"items"`
	}{anyErr, time.Since(start).Milliseconds(), items})
}

// applyOp performs one write and describes the outcome as ES would.
// The caller holds s.mu.
func (s *Server) applyOp(op *bulkOp) itemResult {
	if op.id == "" && (op.action == "index" || op.action == "create") {
		op.id = s.newAutoID()
	}
	if status := s.itemFault(op.id); status != 0 {
		typ, reason := statusErrorType(status)
		return failedItem(op, op.index, status, errorObj{Type: typ, Reason: reason})
	}
	if op.requireAlias {
		e := indexNotFound(op.index)
		e.obj.Reason = fmt.Sprintf("no such index [%s] and [require_alias] request flag is [true] and [%s] is not an alias", op.index, op.index)
		return failedItem(op, op.index, 404, e.obj)
	}
	switch op.action {
	case "index", "create":
		return s.applyIndex(op)
	case "update":
		return s.applyUpdate(op)
	default:
		return s.applyDelete(op)
	}
}

func (s *Server) shardErr(ix *index, op *bulkOp, typ, format string, args ...any) errorObj {
	e := errorObj{Type: typ, Reason: fmt.Sprintf(format, args...), Shard: "0"}
	if ix != nil {
		e.Index, e.IndexUUID = ix.name, ix.uuid
	}
	return e
}

func (s *Server) success(ix *index, op *bulkOp, d *storedDoc, result string, status int) itemResult {
	seq := d.seqNo
	return itemResult{key: op.key, body: itemBody{
		Index: ix.name, ID: d.id, Version: d.version, Result: result,
		Shards: &shardsInfo{Total: 2, Successful: 1}, SeqNo: &seq, PrimaryTerm: 1, Status: status,
	}}
}

func (s *Server) checkSeqNo(ix *index, op *bulkOp, existing *storedDoc) *itemResult {
	if op.ifSeqNo == nil && op.ifPrimaryTerm == nil {
		return nil
	}
	want, term := int64(-2), int64(0)
	if op.ifSeqNo != nil {
		want = *op.ifSeqNo
	}
	if op.ifPrimaryTerm != nil {
		term = *op.ifPrimaryTerm
	}
	if existing == nil {
		r := failedItem(op, ix.name, 409, s.shardErr(ix, op, "version_conflict_engine_exception",
			"[%s]: version conflict, required seqNo [%d], primary term [%d] but no document was found", op.id, want, term))
		return &r
	}
	if existing.seqNo != want || term != 1 {
		r := failedItem(op, ix.name, 409, s.shardErr(ix, op, "version_conflict_engine_exception",
			"[%s]: version conflict, required seqNo [%d], primary term [%d]. current document has seqNo [%d] and primary term [1]", op.id, want, term, existing.seqNo))
		return &r
	}
	return nil
}

func (s *Server) applyIndex(op *bulkOp) itemResult {
	src, err := decodeObject(op.source)
	if err != nil {
		return failedItem(op, op.index, 400, errorObj{
			Type: "document_parsing_exception", Reason: fmt.Sprintf("[1:1] failed to parse: %v", err),
			CausedBy: &errorObj{Type: "x_content_parse_exception", Reason: err.Error()},
		})
	}
	if op.pipeline != "" && op.pipeline != "_none" {
		if _, ok := s.pipelines[op.pipeline]; !ok {
			return failedItem(op, op.index, 400, errorObj{Type: "illegal_argument_exception", Reason: fmt.Sprintf("pipeline with id [%s] does not exist", op.pipeline)})
		}
	}
	ix, isDS, e := s.writeTarget(op.index, op.action, true)
	if e != nil {
		return failedItem(op, op.index, e.status, e.obj)
	}
	if isDS && (ix == nil || (op.action != "create" && op.ifSeqNo == nil)) {
		return failedItem(op, op.index, 400, errorObj{Type: "illegal_argument_exception",
			Reason: "only write ops with an op_type of create are allowed in data streams"})
	}
	if f := s.faults.MappingErrorField; f != "" && len(lookupField(src, f)) > 0 {
		typ := s.faults.MappingErrorType
		if typ == "" {
			typ = "document_parsing_exception"
		}
		return failedItem(op, ix.name, 400, errorObj{Type: typ,
			Reason: fmt.Sprintf("[1:2] failed to parse field [%s] of type [long] in document with id '%s'. Preview of field's value: '%s'",
				f, op.id, preview(lookupField(src, f)[0])),
			CausedBy: &errorObj{Type: "illegal_argument_exception", Reason: "esfake injected mapping error"}})
	}
	if me := checkMapping(ix.mappings, src, op.id); me != nil {
		return failedItem(op, ix.name, 400, *me)
	}
	if isDS {
		ts := lookupField(src, "@timestamp")
		if len(ts) == 0 {
			return failedItem(op, ix.name, 400, errorObj{Type: "document_parsing_exception",
				Reason: "[1:1] failed to parse: data stream timestamp field [@timestamp] is missing"})
		}
	}
	existing := ix.docs[op.id]
	if r := s.checkSeqNo(ix, op, existing); r != nil {
		return *r
	}
	if op.action == "create" && existing != nil {
		return failedItem(op, ix.name, 409, s.shardErr(ix, op, "version_conflict_engine_exception",
			"[%s]: version conflict, document already exists (current version [%d])", op.id, existing.version))
	}
	d := &storedDoc{id: op.id, source: op.source, version: 1, seqNo: ix.seqNo, pipeline: op.pipeline, routing: op.routing, order: s.docOrder}
	ix.seqNo++
	s.docOrder++
	result, status := "created", 201
	if existing != nil {
		d.version = existing.version + 1
		d.order = existing.order
		result, status = "updated", 200
	}
	ix.docs[op.id] = d
	return s.success(ix, op, d, result, status)
}

func (s *Server) applyUpdate(op *bulkOp) itemResult {
	if _, ok := op.update["script"]; ok {
		return failedItem(op, op.index, 400, errorObj{Type: "illegal_argument_exception", Reason: "esfake: scripted updates are not supported"})
	}
	upsert := op.update["doc_as_upsert"] == true
	_, hasUpsert := op.update["upsert"]
	ix, isDS, e := s.writeTarget(op.index, "update", upsert || hasUpsert)
	if e != nil {
		return failedItem(op, op.index, e.status, e.obj)
	}
	if isDS {
		return failedItem(op, op.index, 400, errorObj{Type: "illegal_argument_exception",
			Reason: "only write ops with an op_type of create are allowed in data streams"})
	}
	doc, _ := op.update["doc"].(map[string]any)
	existing := ix.docs[op.id]
	if existing == nil {
		var src map[string]any
		switch {
		case hasUpsert:
			src, _ = op.update["upsert"].(map[string]any)
		case upsert:
			src = doc
		default:
			return failedItem(op, ix.name, 404, s.shardErr(ix, op, "document_missing_exception", "[%s]: document missing", op.id))
		}
		if src == nil {
			src = map[string]any{}
		}
		if me := checkMapping(ix.mappings, src, op.id); me != nil {
			return failedItem(op, ix.name, 400, *me)
		}
		b, _ := json.Marshal(src)
		d := &storedDoc{id: op.id, source: b, version: 1, seqNo: ix.seqNo, routing: op.routing, order: s.docOrder}
		ix.seqNo++
		s.docOrder++
		ix.docs[op.id] = d
		return s.success(ix, op, d, "created", 201)
	}
	cur, err := decodeObject(existing.source)
	if err != nil {
		cur = map[string]any{}
	}
	merged := deepCopy(cur)
	deepMerge(merged, doc)
	if op.update["detect_noop"] != false && reflect.DeepEqual(merged, cur) {
		return s.success(ix, op, existing, "noop", 200)
	}
	if me := checkMapping(ix.mappings, merged, op.id); me != nil {
		return failedItem(op, ix.name, 400, *me)
	}
	b, _ := json.Marshal(merged)
	d := &storedDoc{id: op.id, source: b, version: existing.version + 1, seqNo: ix.seqNo, pipeline: existing.pipeline, routing: existing.routing, order: existing.order}
	ix.seqNo++
	ix.docs[op.id] = d
	return s.success(ix, op, d, "updated", 200)
}

func (s *Server) applyDelete(op *bulkOp) itemResult {
	ix, _, e := s.writeTarget(op.index, "delete", false)
	if e != nil {
		return failedItem(op, op.index, e.status, e.obj)
	}
	existing := ix.docs[op.id]
	if r := s.checkSeqNo(ix, op, existing); r != nil {
		return *r
	}
	if existing == nil {
		d := &storedDoc{id: op.id, version: 1, seqNo: ix.seqNo}
		ix.seqNo++
		return s.success(ix, op, d, "not_found", 404)
	}
	delete(ix.docs, op.id)
	d := &storedDoc{id: op.id, version: existing.version + 1, seqNo: ix.seqNo}
	ix.seqNo++
	return s.success(ix, op, d, "deleted", 200)
}

// handleDoc serves the single-document APIs: GET/HEAD/DELETE
// /<index>/_doc/<id>, PUT/POST /<index>/_doc/<id>, POST /<index>/_doc and
// PUT/POST /<index>/_create/<id>.
func (s *Server) handleDoc(req *request) reply {
	name, kind := req.segs[0], req.segs[1]
	id := ""
	if len(req.segs) == 3 {
		id = req.segs[2]
	}
	switch req.method {
	case "GET", "HEAD":
		if kind != "_doc" || id == "" {
			return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s], allowed: [POST]", req.path, req.method)})
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		idxs, e := s.resolve(name, false)
		if e != nil {
			return errReply(e)
		}
		for _, ix := range idxs {
			if d, ok := ix.docs[id]; ok {
				body := map[string]any{
					"_index": ix.name, "_id": id, "_version": d.version, "_seq_no": d.seqNo,
					"_primary_term": 1, "found": true, "_source": json.RawMessage(d.source),
				}
				if d.routing != "" {
					body["_routing"] = d.routing
				}
				return okReply(body)
			}
		}
		return reply{status: 404, body: map[string]any{"_index": name, "_id": id, "found": false}}
	case "DELETE":
		if kind != "_doc" || id == "" {
			return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [DELETE], allowed: [POST]", req.path)})
		}
	case "PUT":
		if id == "" {
			return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [PUT], allowed: [POST]", req.path)})
		}
	}
	op := bulkOp{action: "index", key: "index", index: name, id: id, pipeline: req.query.Get("pipeline"), routing: req.query.Get("routing")}
	switch {
	case req.method == "DELETE":
		op.action, op.key = "delete", "delete"
	case kind == "_create" || req.query.Get("op_type") == "create":
		op.action, op.key = "create", "create"
	case id == "" && req.query.Get("op_type") == "":
		// POST <index>/_doc with an auto id defaults to op_type create, as
		// in ES's RestIndexAction.AutoIdHandler (so it works on data streams).
		op.action, op.key = "create", "create"
	}
	for _, p := range []string{"if_seq_no", "if_primary_term"} {
		if v := req.query.Get(p); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				return errReply(illegalArgument("failed to parse [%s]: %v", p, err))
			}
			if p == "if_seq_no" {
				op.ifSeqNo = &n
			} else {
				op.ifPrimaryTerm = &n
			}
		}
	}
	if op.action != "delete" {
		op.source = bytes.TrimSpace(bytes.Clone(req.body))
		if len(op.source) == 0 {
			return errReply(newAPIError(400, "parse_exception", "request body is required"))
		}
	}
	s.mu.Lock()
	r := s.applyOp(&op)
	s.mu.Unlock()
	if r.body.Error != nil {
		return errReply(&apiError{status: r.body.Status, obj: *r.body.Error})
	}
	return reply{status: r.body.Status, body: r.body}
}
