package esbulk

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elastic/elastic-transport-go/v8/elastictransport"
	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Doc is one document to index.
type Doc struct {
	// Index overrides Config.Index; it is used as is (no time directives).
	Index string
	// ID is the _id. When empty and Config.IDMode is IDHash, the writer
	// uses HashID(index, body).
	ID string
	// Action is "create" or "index"; "" means create when the document has
	// an id (given or hashed) or Config.DataStream is set, index otherwise.
	// create never overwrites: a 409 (already there) counts as a Duplicate.
	// index overwrites a document with the same id.
	Action string
	// Body is the JSON object to index. When nil, Source is encoded.
	Body []byte
	// Source is used when Body is nil.
	Source map[string]any
	// Time picks the index for a time pattern. When zero, the document's
	// top-level @timestamp (RFC 3339 string or epoch milliseconds) is used,
	// else the current time.
	Time time.Time
	// Meta is carried to the Indexer's Result untouched; never sent.
	Meta any
}

// Outcome counts what became of the documents of one Write. Every document
// is in exactly one count.
type Outcome struct {
	// Indexed were written (201 created or 200 updated).
	Indexed int
	// Duplicates were already there: a create answered 409.
	Duplicates int
	// DeadLettered were refused for good and written to the dead-letter
	// file (or had been, earlier, by this writer).
	DeadLettered int
	// Rejected were refused for good with no dead-letter file configured;
	// each was logged at error level with its document.
	Rejected int
	// Retryable were still failing with a retryable error (429, 5xx,
	// connection errors, timeouts, a dead-letter write failure) when the
	// deadline, the context or MaxRetries ended the call. Send them again.
	Retryable int
	// Requests is the number of bulk requests sent; Rounds the number of
	// send rounds (1 + retry rounds).
	Requests, Rounds int
}

// Done reports whether nothing is left to retry: every document is indexed,
// a duplicate, dead-lettered or rejected.
func (o Outcome) Done() bool { return o.Retryable == 0 }

// ErrIncomplete is wrapped by Write's error when documents are left
// retryable.
var ErrIncomplete = errors.New("documents left to retry")

// ErrClosed is returned by Write and Add after Close.
var ErrClosed = errors.New("esbulk: writer closed")

// Stats is a snapshot of a Writer's counters since New.
type Stats struct {
	Docs         uint64 // documents given to Write or an Indexer
	Indexed      uint64
	Duplicates   uint64
	DeadLettered uint64
	Rejected     uint64
	Failed       uint64 // left retryable at the end of a Write or batch
	Retries      uint64 // item re-sends
	Requests     uint64 // HTTP requests, transport retries included
	BulkRequests uint64 // bulk requests built (one per chunk per round)
	BytesSent    uint64 // bulk body bytes, before compression
}

type counters struct {
	docs, indexed, duplicates, deadLettered, rejected, failed, retries, requests, bulkRequests, bytesSent atomic.Uint64
}

// Writer sends documents to Elasticsearch with the _bulk API. It is safe for
// concurrent use.
type Writer struct {
	cfg    Config
	index  IndexPattern
	client *elasticsearch.Client
	dlq    *deadLetter
	stats  counters
	closed atomic.Bool
	bufs   sync.Pool
}

// New builds a Writer. It does not contact the cluster (see Ping): a cluster
// that is down at start-up only makes the first writes retryable.
func New(cfg Config) (*Writer, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	w := &Writer{cfg: cfg}
	if cfg.Index != "" {
		w.index, _ = CompileIndex(cfg.Index) // validated by normalize
	}
	esCfg := elasticsearch.Config{
		Addresses:     cfg.Addresses,
		APIKey:        cfg.APIKey,
		Username:      cfg.Username,
		Password:      cfg.Password,
		RetryOnStatus: []int{429, 502, 503, 504},
		MaxRetries:    transportRetries,
		RetryBackoff:  w.backoff,
		// No retry once the request's context is over.
		RetryOnError:        func(req *http.Request, _ error) bool { return req.Context().Err() == nil },
		CompressRequestBody: cfg.Compress,
		Transport:           cfg.Transport,
		Interceptors: []elastictransport.InterceptorFunc{func(next elastictransport.RoundTripFunc) elastictransport.RoundTripFunc {
			return func(r *http.Request) (*http.Response, error) {
				w.stats.requests.Add(1)
				return next(r)
			}
		}},
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("esbulk config: CAFile: %w", err)
		}
		esCfg.CACert = pem
	}
	if esCfg.Transport == nil || cfg.InsecureSkipVerify {
		t, _ := esCfg.Transport.(*http.Transport)
		if t == nil {
			t = http.DefaultTransport.(*http.Transport).Clone()
		} else {
			t = t.Clone()
		}
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		t.TLSClientConfig.InsecureSkipVerify = cfg.InsecureSkipVerify //nolint:gosec // opt-in, documented
		t.MaxIdleConnsPerHost = max(t.MaxIdleConnsPerHost, cfg.Workers+2)
		esCfg.Transport = t
	}
	w.client, err = elasticsearch.NewClient(esCfg)
	if err != nil {
		return nil, fmt.Errorf("esbulk: elasticsearch client: %w", err)
	}
	if cfg.DeadLetterPath != "" {
		w.dlq, err = openDeadLetter(cfg.DeadLetterPath, cfg.DeadLetterDedup)
		if err != nil {
			return nil, fmt.Errorf("esbulk config: DeadLetterPath: %w", err)
		}
	}
	w.bufs.New = func() any { return new(bytes.Buffer) }
	return w, nil
}

// Close closes the dead-letter file and idle connections. It does not wait
// for Writes in progress; later Writes fail with ErrClosed. Close is
// idempotent.
func (w *Writer) Close() error {
	if !w.closed.CompareAndSwap(false, true) {
		return nil
	}
	var errs []error
	if w.dlq != nil {
		errs = append(errs, w.dlq.close())
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := w.client.Close(ctx); err != nil && !errors.Is(err, elasticsearch.ErrAlreadyClosed) {
		errs = append(errs, fmt.Errorf("close client: %w", err))
	}
	return errors.Join(errs...)
}

// Stats returns a snapshot of the counters.
func (w *Writer) Stats() Stats {
	s := &w.stats
	return Stats{
		Docs: s.docs.Load(), Indexed: s.indexed.Load(), Duplicates: s.duplicates.Load(),
		DeadLettered: s.deadLettered.Load(), Rejected: s.rejected.Load(), Failed: s.failed.Load(),
		Retries: s.retries.Load(), Requests: s.requests.Load(), BulkRequests: s.bulkRequests.Load(),
		BytesSent: s.bytesSent.Load(),
	}
}

// Ping asks the cluster for its version (GET /). Use it to report a
// misconfiguration at start-up; Write does not need it.
func (w *Writer) Ping(ctx context.Context) (string, error) {
	res, err := w.client.Info(w.client.Info.WithContext(ctx))
	if err != nil {
		return "", fmt.Errorf("esbulk: ping %v: %w", redactAll(w.cfg.Addresses), err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return "", fmt.Errorf("esbulk: ping %v: HTTP %d: %s", redactAll(w.cfg.Addresses), res.StatusCode, errorSummary(readSome(res.Body)))
	}
	var info struct {
		Version struct {
			Number string `json:"number"`
		} `json:"version"`
	}
	if err := json.NewDecoder(res.Body).Decode(&info); err != nil {
		return "", fmt.Errorf("esbulk: ping: decode info: %w", err)
	}
	return info.Version.Number, nil
}

func redactAll(addrs []string) []string {
	out := make([]string, len(addrs))
	for i, a := range addrs {
		out[i] = redactURL(a)
	}
	return out
}

// HashID derives a deterministic document id from parts: the first 128 bits
// of SHA-256 over the length-prefixed parts, base64url without padding (22
// characters). Length prefixes make ("ab","c") and ("a","bc") differ.
func HashID(parts ...[]byte) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	var sum [sha256.Size]byte
	return base64.RawURLEncoding.EncodeToString(h.Sum(sum[:0])[:16])
}

// backoff is the wait before retry attempt n (1-based): BackoffInitial
// doubled n-1 times, capped at BackoffMax, with jitter in [d/2, d].
func (w *Writer) backoff(n int) time.Duration {
	d := w.cfg.BackoffInitial
	for i := 1; i < n && d < w.cfg.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, w.cfg.BackoffMax)
	if !w.cfg.DisableJitter && d > 1 {
		d = d/2 + rand.N(d/2+1)
	}
	return d
}

// Write indexes docs and returns when every document has an outcome or the
// deadline (Config.Deadline, or ctx's if sooner) or MaxRetries has ended the
// retries. It never drops a document silently: see Outcome. The error is
// nil exactly when Outcome.Retryable is 0; it wraps ErrIncomplete and the
// last failure otherwise (or ErrClosed).
func (w *Writer) Write(ctx context.Context, docs []Doc) (Outcome, error) {
	if w.closed.Load() {
		return Outcome{Retryable: len(docs)}, ErrClosed
	}
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Deadline)
	defer cancel()
	items := make([]*item, len(docs))
	for i := range docs {
		items[i] = w.prepare(&docs[i])
	}
	w.stats.docs.Add(uint64(len(docs)))
	out, last := w.process(ctx, items)
	if out.Retryable > 0 {
		if last == nil {
			last = errors.New("no answer")
		}
		return out, fmt.Errorf("esbulk: %d of %d documents still failing after %d round(s): %w: %w", out.Retryable, len(docs), out.Rounds, ErrIncomplete, last)
	}
	return out, nil
}

// state is where an item stands.
type state uint8

const (
	statePending state = iota
	stateIndexed
	stateDuplicate
	stateDeadLettered
	stateRejected
	stateRetryable // failed, may succeed later
	stateFatal     // refused for good, not yet dead-lettered
)

// item is a prepared document.
type item struct {
	doc    *Doc
	action string
	index  string
	id     string
	body   []byte // compact JSON object; nil when invalid
	meta   []byte // action line with its newline
	size   int
	state  state
	status int             // HTTP status of the last answer for the item; 0 for transport failures
	errObj json.RawMessage // ES error object, or a synthesized one
	err    error
	tries  int
}

func (it *item) fail(st state, status int, err error, obj json.RawMessage) {
	it.state, it.status, it.err, it.errObj = st, status, err, obj
}

// prepare resolves action, index, id and body; an invalid document becomes
// a fatal item (dead-lettered without being sent).
func (w *Writer) prepare(d *Doc) *item {
	it := &item{doc: d, id: d.ID}
	invalid := func(format string, args ...any) *item {
		err := fmt.Errorf("invalid document: "+format, args...)
		it.fail(stateFatal, 0, err, syntheticError("esbulk_invalid_document", err.Error()))
		return it
	}
	switch d.Action {
	case "", "index", "create":
	default:
		return invalid("action %q: want index or create", d.Action)
	}
	switch {
	case d.Body != nil:
		b := bytes.TrimSpace(d.Body)
		if len(b) == 0 || b[0] != '{' || !json.Valid(b) {
			return invalid("body is not a JSON object")
		}
		if bytes.ContainsAny(b, "\r\n") {
			var c bytes.Buffer
			if err := json.Compact(&c, b); err != nil {
				return invalid("compact body: %v", err)
			}
			b = c.Bytes()
		}
		it.body = b
	case d.Source != nil:
		b, err := json.Marshal(d.Source)
		if err != nil {
			return invalid("encode source: %v", err)
		}
		it.body = b
	default:
		return invalid("no Body or Source")
	}
	it.index = d.Index
	if it.index == "" {
		if len(w.index.parts) == 0 {
			return invalid("no index: set Config.Index or Doc.Index")
		}
		t := d.Time
		if t.IsZero() && w.index.Timed() {
			t = docTimestamp(d.Source, it.body)
		}
		if t.IsZero() {
			t = w.cfg.Now()
		}
		it.index = w.index.Format(t)
	}
	if it.id == "" && w.cfg.IDMode == IDHash {
		it.id = HashID([]byte(it.index), it.body)
	}
	it.action = d.Action
	switch {
	case w.cfg.DataStream:
		it.action = "create"
	case it.action == "" && it.id != "":
		it.action = "create"
	case it.action == "":
		it.action = "index"
	}
	it.meta = actionLine(it.action, it.index, it.id)
	it.size = len(it.meta) + len(it.body) + 1
	return it
}

func actionLine(action, index, id string) []byte {
	b := make([]byte, 0, 32+len(index)+len(id))
	b = append(b, `{"`...)
	b = append(b, action...)
	b = append(b, `":{"_index":`...)
	b = appendJSONString(b, index)
	if id != "" {
		b = append(b, `,"_id":`...)
		b = appendJSONString(b, id)
	}
	return append(b, "}}\n"...)
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // strings always encode
	return append(b, q...)
}

// docTimestamp reads a top-level @timestamp: an RFC 3339 string or epoch
// milliseconds. It returns the zero time when there is none. body must be
// valid JSON (prepare checks it first).
func docTimestamp(src map[string]any, body []byte) time.Time {
	var v any
	if src != nil {
		v = src["@timestamp"]
	} else {
		raw := topLevelField(body, "@timestamp")
		if raw == nil {
			return time.Time{}
		}
		switch {
		case raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0:
			v = string(raw[1 : len(raw)-1])
		default:
			if json.Unmarshal(raw, &v) != nil {
				return time.Time{}
			}
		}
	}
	return timeValue(v)
}

func timeValue(v any) time.Time {
	switch t := v.(type) {
	case string:
		for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05", "2006-01-02"} {
			if ts, err := time.Parse(l, t); err == nil {
				return ts
			}
		}
	case json.Number:
		if ms, err := t.Int64(); err == nil {
			return time.UnixMilli(ms)
		}
	case float64:
		return time.UnixMilli(int64(t))
	case int64:
		return time.UnixMilli(t)
	case int:
		return time.UnixMilli(int64(t))
	case time.Time:
		return t
	}
	return time.Time{}
}

// process sends items until each has a final state or retries end, and
// returns the counts and the last failure seen.
func (w *Writer) process(ctx context.Context, items []*item) (Outcome, error) {
	var out Outcome
	var last error
	pending := make([]*item, 0, len(items))
	var fatal []*item
	for _, it := range items {
		if it.state == stateFatal {
			fatal = append(fatal, it)
		} else {
			pending = append(pending, it)
		}
	}
	w.settleFatal(fatal)

	for round := 1; len(pending) > 0; round++ {
		out.Rounds = round
		if round > 1 {
			w.stats.retries.Add(uint64(len(pending)))
		}
		for _, chunk := range w.chunks(pending) {
			out.Requests += w.send(ctx, chunk)
		}
		var retry []*item
		fatal = fatal[:0]
		for _, it := range pending {
			switch it.state {
			case stateRetryable:
				retry = append(retry, it)
				last = it.err
			case stateFatal:
				fatal = append(fatal, it)
			}
		}
		w.settleFatal(fatal)
		for _, it := range fatal {
			if it.state == stateRetryable {
				retry = append(retry, it)
				last = it.err
			}
		}
		pending = retry
		if len(pending) == 0 || ctx.Err() != nil || (w.cfg.MaxRetries >= 0 && round > w.cfg.MaxRetries) {
			break
		}
		wait := w.backoff(round)
		w.cfg.Logger.Debug("esbulk: retrying", "documents", len(pending), "round", round, "wait", wait, "last_error", last)
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
		if ctx.Err() != nil {
			break
		}
	}
	if ctx.Err() != nil && last == nil {
		last = ctx.Err()
	}
	for _, it := range items {
		switch it.state {
		case stateIndexed:
			out.Indexed++
		case stateDuplicate:
			out.Duplicates++
		case stateDeadLettered:
			out.DeadLettered++
		case stateRejected:
			out.Rejected++
		default:
			if it.state == statePending {
				it.fail(stateRetryable, 0, ctx.Err(), nil)
			}
			out.Retryable++
		}
	}
	w.stats.indexed.Add(uint64(out.Indexed))
	w.stats.duplicates.Add(uint64(out.Duplicates))
	w.stats.deadLettered.Add(uint64(out.DeadLettered))
	w.stats.rejected.Add(uint64(out.Rejected))
	w.stats.failed.Add(uint64(out.Retryable))
	if out.Retryable > 0 {
		w.cfg.Logger.Warn("esbulk: documents left retryable", "retryable", out.Retryable, "indexed", out.Indexed, "rounds", out.Rounds, "error", last)
	}
	return out, last
}

// chunks splits items into bulk requests of at most FlushDocs documents and
// FlushBytes bytes (a larger document goes alone).
func (w *Writer) chunks(items []*item) [][]*item {
	var out [][]*item
	start, size := 0, 0
	for i, it := range items {
		if i > start && (i-start >= w.cfg.FlushDocs || size+it.size > w.cfg.FlushBytes) {
			out = append(out, items[start:i])
			start, size = i, 0
		}
		size += it.size
	}
	if start < len(items) {
		out = append(out, items[start:])
	}
	return out
}

// send sends one bulk request and records each item's state. It returns the
// number of bulk requests made (more than one when a 413 splits the chunk).
func (w *Writer) send(ctx context.Context, chunk []*item) int {
	buf := w.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer w.bufs.Put(buf)
	for _, it := range chunk {
		it.tries++
		buf.Write(it.meta)
		buf.Write(it.body)
		buf.WriteByte('\n')
	}
	w.stats.bulkRequests.Add(1)
	w.stats.bytesSent.Add(uint64(buf.Len()))

	rctx, cancel := context.WithTimeout(ctx, w.cfg.RequestTimeout)
	defer cancel()
	req := esapi.BulkRequest{Body: bytes.NewReader(buf.Bytes()), Pipeline: w.cfg.Pipeline}
	res, err := req.Do(rctx, w.client)
	if err != nil {
		err = fmt.Errorf("bulk request: %w", err)
		for _, it := range chunk {
			it.fail(stateRetryable, 0, err, nil)
		}
		return 1
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		err = fmt.Errorf("bulk response: read: %w", err)
		for _, it := range chunk {
			it.fail(stateRetryable, 0, err, nil)
		}
		return 1
	}
	switch st := res.StatusCode; {
	case st >= 200 && st < 300:
	case st == http.StatusRequestEntityTooLarge && len(chunk) > 1:
		half := len(chunk) / 2
		return 1 + w.send(ctx, chunk[:half]) + w.send(ctx, chunk[half:])
	case st == http.StatusRequestEntityTooLarge:
		err := fmt.Errorf("bulk request: HTTP 413: the document alone (%d bytes) is larger than the cluster accepts", chunk[0].size)
		chunk[0].fail(stateFatal, st, err, syntheticError("request_entity_too_large", err.Error()))
		return 1
	default:
		// A whole-request failure says nothing about the documents: retry
		// them all (429, 5xx, and also 401/403 and other 4xx, which are
		// cluster or configuration problems that an operator can fix).
		err := fmt.Errorf("bulk request: HTTP %d: %s", st, errorSummary(body))
		if st == 401 || st == 403 {
			w.cfg.Logger.Error("esbulk: cluster refused the credentials", "status", st, "error", err)
		}
		for _, it := range chunk {
			it.fail(stateRetryable, st, err, nil)
		}
		return 1
	}
	resp, err := parseBulkResponse(body)
	if err == nil && len(resp.Items) != len(chunk) {
		err = fmt.Errorf("%d items for %d documents", len(resp.Items), len(chunk))
	}
	if err != nil {
		err = fmt.Errorf("bulk response: %w", err)
		for _, it := range chunk {
			it.fail(stateRetryable, res.StatusCode, err, nil)
		}
		return 1
	}
	for i, r := range resp.Items {
		classify(chunk[i], r)
	}
	return 1
}

// classify sets an item's state from its bulk response entry.
func classify(it *item, r ItemResult) {
	if it.id == "" && r.ID != "" {
		it.id = r.ID // auto id: report it
	}
	switch {
	case r.Status >= 200 && r.Status < 300:
		it.state, it.status = stateIndexed, r.Status
	case r.Status == http.StatusConflict && it.action == "create":
		it.state, it.status = stateDuplicate, r.Status
	case Retryable(r.Status):
		it.fail(stateRetryable, r.Status, fmt.Errorf("item %s/%s: HTTP %d: %s", r.Index, r.ID, r.Status, errorSummary(r.Error)), r.Error)
	default:
		it.fail(stateFatal, r.Status, fmt.Errorf("item %s/%s: HTTP %d: %s", r.Index, r.ID, r.Status, errorSummary(r.Error)), r.Error)
	}
}

// Retryable reports whether a per-item status may succeed if sent again:
// 429 (rejected, back off), 408, and 5xx. Other 4xx (mapping errors, bad
// index names, version conflicts on index) will fail the same way again.
func Retryable(status int) bool {
	return status == http.StatusTooManyRequests || status == http.StatusRequestTimeout || status >= 500
}

// settleFatal dead-letters refused items; when no dead-letter file is
// configured they are logged and rejected, and when writing it fails they
// become retryable (nothing is dropped).
func (w *Writer) settleFatal(items []*item) {
	if len(items) == 0 {
		return
	}
	if w.dlq == nil {
		for _, it := range items {
			it.state = stateRejected
			w.cfg.Logger.Error("esbulk: document refused and no dead-letter file configured",
				"index", it.index, "id", it.id, "status", it.status, "error", it.err, "document", truncate(docBytes(it), 2048))
		}
		return
	}
	if err := w.dlq.write(items, w.cfg.Now()); err != nil {
		err = fmt.Errorf("dead letter: %w", err)
		w.cfg.Logger.Error("esbulk: cannot write dead letters; the documents stay retryable", "path", w.cfg.DeadLetterPath, "documents", len(items), "error", err)
		for _, it := range items {
			it.fail(stateRetryable, it.status, errors.Join(it.err, err), it.errObj)
		}
		return
	}
	for _, it := range items {
		it.state = stateDeadLettered
	}
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "...(truncated)"
}

// docBytes is the original document for logs and dead letters.
func docBytes(it *item) []byte {
	if it.body != nil {
		return it.body
	}
	if it.doc.Body != nil {
		return it.doc.Body
	}
	b, err := json.Marshal(it.doc.Source)
	if err != nil {
		return fmt.Appendf(nil, "%v", it.doc.Source)
	}
	return b
}

func syntheticError(typ, reason string) json.RawMessage {
	b, _ := json.Marshal(struct {
		Type   string `json:"type"`
		Reason string `json:"reason"`
	}{typ, reason})
	return b
}

func readSome(r io.Reader) []byte {
	b, _ := io.ReadAll(io.LimitReader(r, 4096))
	return b
}
