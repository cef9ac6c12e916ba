package esfake

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Version is the Elasticsearch version the fake reports by default.
const Version = "8.15.3"

// Option configures a Server.
type Option func(*options)

type options struct {
	seed           uint64
	tls            bool
	apiKey         string
	user, password string
	version        string
	maxContent     int64
	logLimit       int
	clock          func() time.Time
	addr           string
}

// WithSeed makes auto ids, PIT ids and random item faults reproducible.
// The default seed is 1.
func WithSeed(seed uint64) Option { return func(o *options) { o.seed = seed } }

// WithTLS serves HTTPS with httptest's self-signed certificate; see
// Server.CACertPEM and Server.WriteCAFile.
func WithTLS() Option { return func(o *options) { o.tls = true } }

// WithAPIKey requires "Authorization: ApiKey <key>" on every request (or the
// basic credentials of WithBasicAuth, when both are set). key is the
// base64-encoded id:api_key pair, as clients send it.
func WithAPIKey(key string) Option { return func(o *options) { o.apiKey = key } }

// WithBasicAuth requires HTTP basic authentication with these credentials (or
// the API key of WithAPIKey, when both are set).
func WithBasicAuth(user, password string) Option {
	return func(o *options) { o.user, o.password = user, password }
}

// WithVersion sets the version number reported by GET /.
func WithVersion(v string) Option { return func(o *options) { o.version = v } }

// WithMaxContentLength answers 413 to request bodies larger than n bytes, as
// ES does above http.max_content_length (default 100mb).
func WithMaxContentLength(n int64) Option { return func(o *options) { o.maxContent = n } }

// WithRequestLogLimit keeps at most n entries in the request log (default
// 10000; the oldest are dropped first).
func WithRequestLogLimit(n int) Option { return func(o *options) { o.logLimit = n } }

// WithAddr listens on addr (host:port; port 0 picks a free one) instead of
// a free loopback port. New panics when it cannot listen, as httptest does.
func WithAddr(addr string) Option { return func(o *options) { o.addr = addr } }

// WithClock replaces time.Now (PIT expiry, data stream backing index dates).
func WithClock(now func() time.Time) Option { return func(o *options) { o.clock = now } }

// Request is one entry of the request log.
type Request struct {
	Time     time.Time
	Method   string
	Path     string
	Query    url.Values
	Header   http.Header
	BodySize int
	// Status is the status answered, 0 when the connection was dropped.
	Status int
}

// Stats counts what the fake has seen.
type Stats struct {
	Requests     int // every HTTP request
	BulkRequests int // _bulk requests that reached the bulk handler
	BulkItems    int // items in those requests
	ItemErrors   int // items answered with an error
	Dropped      int // connections closed by an injected drop
}

// Server is an in-memory, loopback Elasticsearch. It is safe for concurrent
// use; every method may be called while requests are being served.
type Server struct {
	srv  *httptest.Server
	opts options

	closeOnce sync.Once
	closing   chan struct{}

	mu                 sync.Mutex
	rng                *rand.Rand
	indices            map[string]*index
	streams            map[string]*dataStream
	indexTemplates     map[string]*indexTemplate
	componentTemplates map[string]*componentTemplate
	pits               map[string]*pit
	pipelines          map[string]map[string]any
	faults             Faults
	reqLog             []Request
	logBase            int // sequence number of reqLog[0]
	stats              Stats
	docOrder           int64
}

// New starts a fake on a loopback port. Close it when done (or use Start,
// which registers the Close with t.Cleanup).
func New(opts ...Option) *Server {
	o := options{seed: 1, version: Version, logLimit: 10000, clock: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	s := &Server{
		opts:               o,
		closing:            make(chan struct{}),
		rng:                rand.New(rand.NewPCG(o.seed, o.seed^0x9e3779b97f4a7c15)),
		indices:            map[string]*index{},
		streams:            map[string]*dataStream{},
		indexTemplates:     map[string]*indexTemplate{},
		componentTemplates: map[string]*componentTemplate{},
		pits:               map[string]*pit{},
		pipelines:          map[string]map[string]any{},
	}
	s.srv = httptest.NewUnstartedServer(s)
	if o.addr != "" {
		ln, err := net.Listen("tcp", o.addr)
		if err != nil {
			panic(fmt.Sprintf("esfake: listen on %s: %v", o.addr, err))
		}
		_ = s.srv.Listener.Close()
		s.srv.Listener = ln
	}
	// Failed TLS handshakes (a client without the CA) are expected in tests.
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if o.tls {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	return s
}

// URL is the base URL, e.g. http://127.0.0.1:41234.
func (s *Server) URL() string { return s.srv.URL }

// Target describes the fake as a test target: its URL, the credentials it
// requires (WithAPIKey, WithBasicAuth) and itself as Fake, so the HTTP
// helpers of Target (client.go) work on a fake from Start too. CAFile is
// empty: the helpers trust the certificate of a WithTLS fake anyway; use
// WriteCAFile for a file.
func (s *Server) Target() Target {
	return Target{URL: s.URL(), APIKey: s.opts.apiKey, Username: s.opts.user, Password: s.opts.password, Fake: s}
}

// HTTPClient is an *http.Client that trusts the fake's certificate.
func (s *Server) HTTPClient() *http.Client { return s.srv.Client() }

// CACertPEM is the PEM encoding of the fake's TLS certificate (self-signed,
// so it is its own CA), or nil without WithTLS.
func (s *Server) CACertPEM() []byte {
	if s.srv.Certificate() == nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// Certificate is the fake's TLS certificate, or nil without WithTLS.
func (s *Server) Certificate() *x509.Certificate { return s.srv.Certificate() }

// WriteCAFile writes CACertPEM to dir/ca.pem and returns the path.
func (s *Server) WriteCAFile(dir string) (string, error) {
	pemBytes := s.CACertPEM()
	if pemBytes == nil {
		return "", fmt.Errorf("esfake: server has no TLS certificate (use WithTLS)")
	}
	path := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		return "", fmt.Errorf("write CA file: %w", err)
	}
	return path, nil
}

// Close stops the server; requests sleeping in an injected delay end at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.closing)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Requests returns a copy of the request log, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.reqLog))
	for i, r := range s.reqLog {
		r.Header = r.Header.Clone()
		out[i] = r
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logBase += len(s.reqLog)
	s.reqLog = nil
}

// Stats returns a snapshot of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// request is what handlers see.
type request struct {
	method string
	path   string
	segs   []string
	query  url.Values
	header http.Header
	body   []byte
}

// reply is what handlers return: a status and a JSON-encodable body (nil for
// none). A *apiError body is written in Elasticsearch's error shape.
type reply struct {
	status int
	body   any
}

func errReply(e *apiError) reply { return reply{status: e.status, body: e} }

func okReply(body any) reply { return reply{status: 200, body: body} }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Elastic-Product", "Elasticsearch")

	var body []byte
	tooLarge := false
	if r.Body != nil {
		limit := s.opts.maxContent
		var err error
		if limit > 0 {
			body, err = io.ReadAll(io.LimitReader(r.Body, limit+1))
			tooLarge = int64(len(body)) > limit
		} else {
			body, err = io.ReadAll(r.Body)
		}
		if err != nil {
			s.logRequest(r, len(body), 0)
			return
		}
	}
	plan := s.takeFaults(r)
	logIdx := s.logRequest(r, len(body), 0)

	if plan.drop && !plan.afterApply {
		s.drop(w, logIdx)
		return
	}
	if plan.delay > 0 && !plan.afterApply {
		if !s.sleep(r, plan.delay) {
			return
		}
	}

	var rep reply
	switch {
	case !s.authorized(r):
		e := newAPIError(401, "security_exception", "missing authentication credentials for REST request [%s]", r.URL.RequestURI())
		if r.Header.Get("Authorization") != "" {
			e.obj.Reason = fmt.Sprintf("unable to authenticate with provided credentials for REST request [%s]", r.URL.RequestURI())
		}
		w.Header().Add("WWW-Authenticate", `Basic realm="security" charset="UTF-8"`)
		w.Header().Add("WWW-Authenticate", "ApiKey")
		rep = errReply(e)
	case tooLarge:
		rep = reply{status: http.StatusRequestEntityTooLarge}
	case plan.status != 0:
		typ, reason := statusErrorType(plan.status)
		rep = errReply(newAPIError(plan.status, typ, "%s", reason))
	default:
		rep = s.route(r, body)
	}

	if plan.drop {
		s.drop(w, logIdx)
		return
	}
	if plan.delay > 0 {
		if !s.sleep(r, plan.delay) {
			return
		}
	}
	s.write(w, r, rep, logIdx)
}

func (s *Server) write(w http.ResponseWriter, r *http.Request, rep reply, logIdx int) {
	s.setLoggedStatus(logIdx, rep.status)
	if rep.body == nil || r.Method == http.MethodHead {
		if rep.body != nil {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(rep.status)
		return
	}
	v := rep.body
	if e, ok := v.(*apiError); ok {
		v = e.body()
	}
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, "esfake: encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if fp := r.URL.Query().Get("filter_path"); fp != "" {
		b = filterPath(b, fp)
	}
	if _, ok := r.URL.Query()["pretty"]; ok {
		var buf bytes.Buffer
		if json.Indent(&buf, b, "", "  ") == nil {
			b = buf.Bytes()
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(b)
}

// drop closes the connection without an answer.
func (s *Server) drop(w http.ResponseWriter, logIdx int) {
	s.mu.Lock()
	s.stats.Dropped++
	s.mu.Unlock()
	hj, ok := w.(http.Hijacker)
	if !ok {
		// HTTP/2 cannot be hijacked; a 502 is the closest a handler can do.
		s.setLoggedStatus(logIdx, http.StatusBadGateway)
		w.WriteHeader(http.StatusBadGateway)
		return
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// sleep waits d, or until the client goes away or the server closes; it
// reports whether the full delay passed.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	case <-s.closing:
		return false
	}
}

func (s *Server) authorized(r *http.Request) bool {
	o := s.opts
	if o.apiKey == "" && o.user == "" && o.password == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	scheme, cred, _ := strings.Cut(h, " ")
	// ES matches the scheme case-insensitively; go-elasticsearch sends "APIKey".
	if o.apiKey != "" && strings.EqualFold(scheme, "ApiKey") && cred == o.apiKey {
		return true
	}
	if o.user != "" || o.password != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(o.user+":"+o.password))
		if h == want {
			return true
		}
	}
	return false
}

func (s *Server) logRequest(r *http.Request, size, status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stats.Requests++
	if s.opts.logLimit <= 0 {
		return -1
	}
	if len(s.reqLog) >= 2*s.opts.logLimit {
		drop := len(s.reqLog) - s.opts.logLimit + 1
		s.reqLog = slices.Clone(s.reqLog[drop:])
		s.logBase += drop
	}
	s.reqLog = append(s.reqLog, Request{
		Time: s.opts.clock(), Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(),
		Header: r.Header.Clone(), BodySize: size, Status: status,
	})
	return s.logBase + len(s.reqLog) - 1
}

// setLoggedStatus fills in the status of log entry number seq, if the log
// still holds it.
func (s *Server) setLoggedStatus(seq, status int) {
	if seq < 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := seq - s.logBase; i >= 0 && i < len(s.reqLog) {
		s.reqLog[i].Status = status
	}
}

// route dispatches on method and path, as Elasticsearch's REST layer does.
func (s *Server) route(r *http.Request, body []byte) reply {
	segs, err := splitPath(r.URL.EscapedPath())
	if err != nil {
		return errReply(illegalArgument("invalid path %q: %v", r.URL.Path, err))
	}
	req := &request{method: r.Method, path: r.URL.Path, segs: segs, query: r.URL.Query(), header: r.Header, body: body}

	type route struct {
		methods []string
		handler func(*request) reply
		params  []string // accepted query parameters besides the global ones
	}
	var rt *route
	n := len(segs)
	first := ""
	if n > 0 {
		first = segs[0]
	}
	last := ""
	if n > 0 {
		last = segs[n-1]
	}
	bulkParams := []string{"pipeline", "refresh", "routing", "timeout", "wait_for_active_shards", "require_alias", "require_data_stream", "_source", "_source_includes", "_source_excludes", "list_executed_pipelines", "include_source_on_error"}
	searchParams := []string{"size", "from", "q", "sort", "track_total_hits", "allow_no_indices", "ignore_unavailable", "expand_wildcards", "rest_total_hits_as_int", "typed_keys", "search_type", "request_cache", "allow_partial_search_results", "batched_reduce_size", "ccs_minimize_roundtrips", "preference", "routing", "scroll", "seq_no_primary_term", "version", "_source", "_source_includes", "_source_excludes"}
	switch {
	case n == 0:
		rt = &route{[]string{"GET", "HEAD"}, s.handleInfo, nil}
	case n == 1 && first == "_bulk", n == 2 && last == "_bulk":
		rt = &route{[]string{"POST", "PUT"}, s.handleBulk, bulkParams}
	case first == "_cluster" && n >= 2 && segs[1] == "health" && n <= 3:
		rt = &route{[]string{"GET"}, s.handleHealth, []string{"level", "local", "master_timeout", "timeout", "wait_for_active_shards", "wait_for_status", "wait_for_nodes", "wait_for_events", "wait_for_no_relocating_shards", "wait_for_no_initializing_shards"}}
	case n == 1 && first == "_license":
		rt = &route{[]string{"GET"}, s.handleLicense, []string{"accept_enterprise", "local"}}
	case n == 1 && first == "_search", n == 2 && last == "_search":
		rt = &route{[]string{"GET", "POST"}, s.handleSearch, searchParams}
	case n == 2 && last == "_pit":
		rt = &route{[]string{"POST"}, s.handleOpenPIT, []string{"keep_alive", "routing", "preference", "expand_wildcards", "ignore_unavailable", "allow_partial_search_results", "index_filter"}}
	case n == 1 && first == "_pit":
		rt = &route{[]string{"DELETE"}, s.handleClosePIT, nil}
	case n == 1 && first == "_count", n == 2 && last == "_count":
		rt = &route{[]string{"GET", "POST"}, s.handleCount, []string{"q", "allow_no_indices", "ignore_unavailable", "expand_wildcards", "routing", "preference", "terminate_after", "min_score"}}
	case n == 1 && first == "_refresh", n == 2 && last == "_refresh":
		rt = &route{[]string{"GET", "POST"}, s.handleRefresh, []string{"allow_no_indices", "ignore_unavailable", "expand_wildcards"}}
	case (n == 1 || n == 2) && first == "_index_template":
		rt = &route{[]string{"GET", "HEAD", "PUT", "POST", "DELETE"}, s.handleIndexTemplate, []string{"create", "cause", "master_timeout", "local", "flat_settings", "include_defaults", "timeout"}}
	case (n == 1 || n == 2) && first == "_component_template":
		rt = &route{[]string{"GET", "HEAD", "PUT", "POST", "DELETE"}, s.handleComponentTemplate, []string{"create", "master_timeout", "local", "flat_settings", "include_defaults", "timeout"}}
	case (n == 1 || n == 2) && first == "_data_stream":
		rt = &route{[]string{"GET", "PUT", "DELETE"}, s.handleDataStream, []string{"expand_wildcards", "include_defaults", "master_timeout", "timeout"}}
	case n == 3 && (segs[1] == "_doc" || segs[1] == "_create"), n == 2 && segs[1] == "_doc":
		rt = &route{[]string{"GET", "HEAD", "PUT", "POST", "DELETE"}, s.handleDoc, []string{"pipeline", "refresh", "routing", "op_type", "timeout", "version", "version_type", "if_seq_no", "if_primary_term", "wait_for_active_shards", "require_alias", "realtime", "preference", "stored_fields", "_source", "_source_includes", "_source_excludes"}}
	case first == "_ingest" && n >= 2 && n <= 3 && segs[1] == "pipeline":
		rt = &route{[]string{"GET", "PUT", "DELETE"}, s.handlePipeline, []string{"master_timeout", "timeout", "if_version", "summary"}}
	case n == 2 && last == "_mapping":
		rt = &route{[]string{"GET"}, s.handleGetMapping, []string{"allow_no_indices", "expand_wildcards", "ignore_unavailable", "local", "master_timeout"}}
	case n == 1 && !strings.HasPrefix(first, "_"):
		rt = &route{[]string{"GET", "HEAD", "PUT", "DELETE"}, s.handleIndex, []string{"wait_for_active_shards", "master_timeout", "timeout", "allow_no_indices", "expand_wildcards", "ignore_unavailable", "include_defaults", "flat_settings", "local", "features"}}
	}
	if rt == nil {
		return errReply(&apiError{status: 400, plain: fmt.Sprintf("no handler found for uri [%s] and method [%s]", r.URL.RequestURI(), r.Method)})
	}
	if !slices.Contains(rt.methods, r.Method) {
		return errReply(&apiError{status: 405, plain: fmt.Sprintf("Incorrect HTTP method for uri [%s] and method [%s], allowed: [%s]", r.URL.RequestURI(), r.Method, strings.Join(rt.methods, ", "))})
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if ct := r.Header.Get("Content-Type"); !supportedContentType(ct) {
			return errReply(&apiError{status: 406, plain: fmt.Sprintf("Content-Type header [%s] is not supported", ct)})
		}
	}
	global := []string{"pretty", "human", "error_trace", "filter_path", "format"}
	var unknown []string
	for k := range req.query {
		if !slices.Contains(global, k) && !slices.Contains(rt.params, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return errReply(illegalArgument("request [%s] contains unrecognized parameter%s: [%s]", r.URL.Path, plural(len(unknown)), strings.Join(unknown, "], [")))
	}
	return rt.handler(req)
}

// supportedContentType accepts the media types ES 8 parses (JSON and NDJSON,
// with or without the compatible-with versioned forms and parameters).
func supportedContentType(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	switch strings.ToLower(strings.TrimSpace(mt)) {
	case "application/json", "application/x-ndjson",
		"application/vnd.elasticsearch+json", "application/vnd.elasticsearch+x-ndjson":
		return true
	}
	return false
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func splitPath(escaped string) ([]string, error) {
	escaped = strings.Trim(escaped, "/")
	if escaped == "" {
		return nil, nil
	}
	parts := strings.Split(escaped, "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, err
		}
		parts[i] = u
	}
	return parts, nil
}

func (s *Server) handleInfo(*request) reply {
	return okReply(map[string]any{
		"name":         "esfake-node-0",
		"cluster_name": "esfake",
		"cluster_uuid": "esfakeClusterUUID0000A",
		"version": map[string]any{
			"number":                              s.opts.version,
			"build_flavor":                        "default",
			"build_type":                          "docker",
			"build_hash":                          "0000000000000000000000000000000000000000",
			"build_date":                          "2024-10-01T00:00:00.000000000Z",
			"build_snapshot":                      false,
			"lucene_version":                      "9.11.1",
			"minimum_wire_compatibility_version":  "7.17.0",
			"minimum_index_compatibility_version": "7.0.0",
		},
		"tagline": "You Know, for Search",
	})
}

func (s *Server) handleHealth(*request) reply {
	s.mu.Lock()
	n := len(s.indices)
	s.mu.Unlock()
	return okReply(map[string]any{
		"cluster_name":                     "esfake",
		"status":                           "green",
		"timed_out":                        false,
		"number_of_nodes":                  1,
		"number_of_data_nodes":             1,
		"active_primary_shards":            n,
		"active_shards":                    n,
		"relocating_shards":                0,
		"initializing_shards":              0,
		"unassigned_shards":                0,
		"delayed_unassigned_shards":        0,
		"number_of_pending_tasks":          0,
		"number_of_in_flight_fetch":        0,
		"task_max_waiting_in_queue_millis": 0,
		"active_shards_percent_as_number":  100.0,
	})
}

func (s *Server) handleLicense(*request) reply {
	return okReply(map[string]any{"license": map[string]any{
		"status": "active", "uid": "esfake-license", "type": "basic", "issue_date": "2024-01-01T00:00:00.000Z",
		"issue_date_in_millis": 1704067200000, "max_nodes": 1000, "issued_to": "esfake", "issuer": "elasticsearch",
		"start_date_in_millis": -1,
	}})
}

// newUUID returns a 22-character url-safe id, like ES index UUIDs.
// The caller holds s.mu.
func (s *Server) newUUID() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(s.rng.Uint32())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// newAutoID returns a 20-character id, the length of ES auto-generated ids.
// The caller holds s.mu.
func (s *Server) newAutoID() string {
	var b [15]byte
	for i := range b {
		b[i] = byte(s.rng.Uint32())
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
