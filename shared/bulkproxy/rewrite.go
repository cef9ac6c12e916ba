package bulkproxy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Enricher annotates records in place; *enrich.Enricher satisfies it.
type Enricher interface {
	Enrich(ctx context.Context, recs []map[string]any) error
}

// rewrite is a _bulk body after enrichment.
type rewrite struct {
	body       []byte                  // the body to forward upstream
	total      int                     // items the client will get back
	fwdPos     []int                   // the response position of each forwarded op, in order
	local      map[int]json.RawMessage // items answered by the proxy itself, by response position
	docs       []map[string]any        // the enriched index/create sources
	actions    map[Action]int          // ops per action
	enrichTime time.Duration           // time spent in the enricher
	enrichOK   bool                    // the enricher returned no error
}

// rewriteBulk enriches the index/create sources of ops and builds the body to forward. A source that is not
// a JSON object is not forwarded; its item becomes the error Elasticsearch gives for it (errType, 400).
// Actions with no source line at the end of the body are dropped, as Elasticsearch ignores them.
// Everything but the enriched sources is forwarded byte for byte (blank lines are dropped).
func rewriteBulk(ctx context.Context, body []byte, ops []Op, defIndex string, enr Enricher, resultKey, errType string) (*rewrite, error) {
	rw := &rewrite{local: map[int]json.RawMessage{}, actions: map[Action]int{}, enrichOK: true}
	type docRef struct {
		op     int
		rec    map[string]any
		hadOur bool // the source already had one of the keys the enricher writes
	}
	var refs []docRef
	srcOut := make(map[int][]byte) // op index -> source to forward
	touched := touchedKeys(resultKey)
	pos := 0
	posOf := make([]int, len(ops))
	for i, op := range ops {
		posOf[i] = -1
		if op.Action != ActionDelete && !op.HasSource {
			continue // Elasticsearch ignores an action whose source line is missing at the end of the body
		}
		posOf[i] = pos
		pos++
		rw.actions[op.Action]++
		if op.Action != ActionIndex && op.Action != ActionCreate {
			continue
		}
		if enr == nil && isObject(op.Source) {
			srcOut[i] = op.Source // valid, and nothing to add: no need to decode it
			continue
		}
		rec, err := decodeSource(op.Source)
		if err != nil {
			item, merr := parseErrorItem(op, defIndex, errType, err)
			if merr != nil {
				return nil, merr
			}
			rw.local[posOf[i]] = item
			continue
		}
		if enr == nil {
			srcOut[i] = op.Source
			continue
		}
		had := false
		for _, k := range touched {
			if _, ok := rec[k]; ok {
				had = true
			}
		}
		refs = append(refs, docRef{op: i, rec: rec, hadOur: had})
	}
	rw.total = pos
	if len(refs) > 0 {
		recs := make([]map[string]any, len(refs))
		for i, r := range refs {
			recs[i] = r.rec
		}
		start := time.Now()
		if err := enr.Enrich(ctx, recs); err != nil {
			// Every record is still annotated (status error); it is forwarded, not lost.
			rw.enrichOK = false
		}
		rw.enrichTime = time.Since(start)
		rw.docs = recs
		for _, r := range refs {
			b, err := encodeSource(ops[r.op].Source, r.rec, touched, r.hadOur)
			if err != nil {
				return nil, fmt.Errorf("encode enriched source of line %d: %w", ops[r.op].Line+1, err)
			}
			srcOut[r.op] = b
		}
	}
	var out bytes.Buffer
	out.Grow(len(body) + len(refs)*512)
	for i, op := range ops {
		if posOf[i] < 0 {
			continue
		}
		if _, failed := rw.local[posOf[i]]; failed {
			continue
		}
		rw.fwdPos = append(rw.fwdPos, posOf[i])
		out.Write(op.Meta)
		out.WriteByte('\n')
		if op.HasSource {
			if s, ok := srcOut[i]; ok {
				out.Write(s)
			} else {
				out.Write(op.Source)
			}
			out.WriteByte('\n')
		}
	}
	rw.body = out.Bytes()
	return rw, nil
}

// touchedKeys are the top-level keys the enricher writes: the first segment of the result key and threat.
func touchedKeys(resultKey string) []string {
	top, _, _ := strings.Cut(resultKey, ".")
	if top == "threat" {
		return []string{top}
	}
	return []string{top, "threat"}
}

// isObject reports whether b is one valid JSON object.
func isObject(b []byte) bool {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && json.Valid(b)
}

// decodeSource decodes a source line that must be exactly one JSON object.
func decodeSource(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected content after the document")
	}
	m, ok := v.(map[string]any)
	if !ok || m == nil {
		return nil, fmt.Errorf("expected an object, found %s", jsonKind(v))
	}
	return m, nil
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return fmt.Sprintf("%T", v)
}

// encodeSource writes the enriched record. When the source had none of the keys the enricher writes, the
// original bytes are kept and the new keys appended before the closing brace; otherwise the record is
// re-encoded (numbers keep their text, keys come out sorted).
func encodeSource(orig []byte, rec map[string]any, touched []string, hadOur bool) ([]byte, error) {
	marshal := func(v any) ([]byte, error) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		return bytes.TrimRight(buf.Bytes(), "\n"), nil
	}
	trimmed := bytes.TrimRight(orig, " \t\r")
	if hadOur || len(trimmed) == 0 || trimmed[len(trimmed)-1] != '}' {
		return marshal(rec)
	}
	var out bytes.Buffer
	head := bytes.TrimRight(trimmed[:len(trimmed)-1], " \t\r\n")
	out.Write(head)
	first := len(rec) == countNew(rec, touched) // the original object was empty
	for _, k := range touched {
		v, ok := rec[k]
		if !ok {
			continue
		}
		if !first {
			out.WriteByte(',')
		}
		first = false
		kb, _ := json.Marshal(k)
		vb, err := marshal(v)
		if err != nil {
			return nil, err
		}
		out.Write(kb)
		out.WriteByte(':')
		out.Write(vb)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

func countNew(rec map[string]any, touched []string) int {
	n := 0
	for _, k := range touched {
		if _, ok := rec[k]; ok {
			n++
		}
	}
	return n
}

// parseErrorItem is the item Elasticsearch answers for an index/create whose source does not parse.
func parseErrorItem(op Op, defIndex, errType string, cause error) (json.RawMessage, error) {
	index := op.Index
	if index == "" {
		index = defIndex
	}
	id := op.ID
	if id == "" {
		id = autoID() // Elasticsearch assigns the id before it parses the source
	}
	reason := cause.Error()
	body := map[string]any{op.Key: map[string]any{
		"_index": index,
		"_id":    id,
		"status": 400,
		"error": map[string]any{
			"type":      errType,
			"reason":    "[1:1] failed to parse: " + reason,
			"caused_by": map[string]any{"type": "x_content_parse_exception", "reason": reason},
		},
	}}
	return json.Marshal(body)
}

// autoID returns a 20-character URL-safe id, the length of Elasticsearch's auto-generated ids.
func autoID() string {
	var b [15]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// mergeItems splices the proxy's own items into the upstream's bulk response. The upstream must have
// answered one item per forwarded op.
func mergeItems(upstream []byte, rw *rewrite) ([]byte, error) {
	var resp map[string]json.RawMessage
	if len(upstream) > 0 {
		dec := json.NewDecoder(bytes.NewReader(upstream))
		dec.UseNumber()
		if err := dec.Decode(&resp); err != nil {
			return nil, fmt.Errorf("decode upstream bulk response: %w", err)
		}
	}
	var items []json.RawMessage
	if raw, ok := resp["items"]; ok {
		if err := json.Unmarshal(raw, &items); err != nil {
			return nil, fmt.Errorf("decode upstream bulk items: %w", err)
		}
	} else if resp == nil {
		resp = map[string]json.RawMessage{"took": json.RawMessage("0")}
	}
	if len(items) != len(rw.fwdPos) {
		return nil, fmt.Errorf("upstream answered %d items for %d forwarded actions", len(items), len(rw.fwdPos))
	}
	all := make([]json.RawMessage, rw.total)
	for i, p := range rw.fwdPos {
		all[p] = items[i]
	}
	for p, it := range rw.local {
		all[p] = it
	}
	b, err := json.Marshal(all)
	if err != nil {
		return nil, fmt.Errorf("encode bulk items: %w", err)
	}
	resp["items"] = b
	if len(rw.local) > 0 {
		resp["errors"] = json.RawMessage("true")
	}
	return json.Marshal(resp)
}
