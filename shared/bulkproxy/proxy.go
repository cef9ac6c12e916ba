// Package bulkproxy is an HTTP proxy in front of Elasticsearch that enriches the documents of _bulk requests
// on their way through: a shipper (Filebeat, Logstash, Fluent Bit's es output, Vector, curl) points at it
// unchanged, the index/create sources get ttpscope's classification, update/delete actions pass untouched,
// and the client gets the upstream's answer item for item.
//
// What the client sees, and why:
//
//   - POST|PUT /_bulk and /<index>/_bulk are parsed (see ParseBulk), the index/create sources enriched and
//     the rewritten body forwarded with the same method, path and query (pipeline, refresh, routing…). The
//     upstream's status, headers (X-Elastic-Product, content-type…) and body are relayed; the body is
//     relayed byte for byte unless the proxy answered some items itself.
//   - A source line that is not a JSON object is not forwarded: its item is Elasticsearch's own answer for
//     it (400 document_parsing_exception, or Options.ParseErrorType), spliced into the upstream's items at
//     its position, with "errors": true. With filter_path the proxy then asks the upstream for the whole
//     response and applies the include patterns itself.
//   - A body Elasticsearch would reject as a whole is rejected the same way without reaching the upstream:
//     400 illegal_argument_exception "Malformed action/metadata line [N], expected field [create],
//     [delete], [index] or [update] but found [x]" for an unknown action, x_content_parse_exception for an
//     action line that is not JSON, "The bulk request must be terminated by a newline [\n]".
//   - A body over Options.MaxBodyBytes (after gzip/deflate decoding too) is a 413 with an ES-style body.
//   - Anything else is reverse-proxied unchanged (GET /, _cluster/health, _license, _xpack, _nodes,
//     templates, ILM…), or with Options.Passthrough off only the read-only start-up calls are, and the rest
//     is refused with 403.
//   - An upstream that cannot be reached is a 502 with an ES-style body, so clients retry; 429 and 5xx
//     from the upstream are relayed as they are.
//
// The client's Authorization header is passed through unless the proxy has its own credentials; it is
// never logged.
package bulkproxy

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/shared/record"
	"github.com/ttpscope/ttpscope/shared/schema"
)

// DefaultMaxBodyBytes is Elasticsearch's default http.max_content_length.
const DefaultMaxBodyBytes = 100 << 20

// Options configure a Proxy.
type Options struct {
	// Upstream is the Elasticsearch URL (a path prefix is kept). User info in it becomes basic
	// credentials when none are configured.
	Upstream string
	// Enricher annotates index/create sources; nil forwards them unchanged (a pure pass-through, to
	// measure the proxy's own cost).
	Enricher Enricher
	// ResultKey is where the enricher writes its result ("" means schema.DefaultKey), read for metrics.
	ResultKey string
	// APIKey (base64 id:key) or Username/Password replace the client's Authorization header when set.
	APIKey, Username, Password string
	// CAFile is a PEM file of CAs to trust for an https upstream; InsecureSkipVerify turns verification off.
	CAFile             string
	InsecureSkipVerify bool
	// Transport overrides the upstream transport (tests); CAFile and InsecureSkipVerify are then unused.
	Transport http.RoundTripper
	// UpstreamTimeout bounds one upstream request (0: none beyond the client's).
	UpstreamTimeout time.Duration
	// MaxBodyBytes is the largest request body accepted, after decompression (0: DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Passthrough proxies every non-_bulk request; when false only GET/HEAD of /, /_cluster/health,
	// /_license, /_xpack and /_nodes are, and the rest is refused with 403.
	Passthrough bool
	// MetricsPath serves Prometheus metrics ("" means /metrics; "-" disables).
	MetricsPath string
	// ParseErrorType is the error type of a source that does not parse ("" means
	// document_parsing_exception, what Elasticsearch 8.8+ reports; older versions say
	// mapper_parsing_exception).
	ParseErrorType string
	// CompressUpstream gzips the forwarded _bulk bodies (Elasticsearch decodes Content-Encoding: gzip).
	CompressUpstream bool
	// MaxConcurrentEnrich bounds the bulk requests enriched at once (0: no bound).
	MaxConcurrentEnrich int
	// Logger receives warnings about failed requests; nil discards them.
	Logger *slog.Logger
}

// Proxy is the http.Handler of the enriching proxy. It is safe for concurrent use.
type Proxy struct {
	opts     Options
	upstream *url.URL
	auth     string // Authorization header to send instead of the client's, "" to pass the client's
	client   *http.Client
	reverse  *httputil.ReverseProxy
	metrics  *metrics
	log      *slog.Logger
	sem      chan struct{}
	gzPool   sync.Pool
}

// New builds a Proxy.
func New(opts Options) (*Proxy, error) {
	if opts.Upstream == "" {
		return nil, errors.New("bulkproxy: no upstream URL")
	}
	u, err := url.Parse(opts.Upstream)
	if err != nil {
		return nil, fmt.Errorf("upstream URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("upstream URL %q: want http(s)://host[:port]", u.Redacted())
	}
	if opts.ResultKey == "" {
		opts.ResultKey = schema.DefaultKey
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.MetricsPath == "" {
		opts.MetricsPath = "/metrics"
	}
	if opts.ParseErrorType == "" {
		opts.ParseErrorType = "document_parsing_exception"
	}
	p := &Proxy{opts: opts, log: opts.Logger}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	switch {
	case opts.APIKey != "":
		p.auth = "ApiKey " + opts.APIKey
	case opts.Username != "" || opts.Password != "":
		p.auth = basicAuth(opts.Username, opts.Password)
	case u.User != nil:
		pw, _ := u.User.Password()
		p.auth = basicAuth(u.User.Username(), pw)
	}
	u.User = nil
	p.upstream = u
	rt := opts.Transport
	if rt == nil {
		if rt, err = NewTransport(opts.CAFile, opts.InsecureSkipVerify); err != nil {
			return nil, err
		}
	}
	p.client = &http.Client{Transport: rt, Timeout: opts.UpstreamTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if p.metrics, err = newMetrics(); err != nil {
		return nil, err
	}
	if s, ok := opts.Enricher.(interface{ Stats() enrich.Stats }); ok {
		if err := p.metrics.cacheCounters(s.Stats); err != nil {
			return nil, err
		}
	}
	if opts.MaxConcurrentEnrich > 0 {
		p.sem = make(chan struct{}, opts.MaxConcurrentEnrich)
	}
	p.reverse = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(p.upstream)
			if p.auth != "" {
				pr.Out.Header.Set("Authorization", p.auth)
			}
		},
		Transport: rt,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			p.metrics.upstreamErrors.WithLabelValues("connect").Inc()
			p.log.Warn("upstream request failed", "method", r.Method, "path", r.URL.Path, "err", err)
			writeError(w, r, http.StatusBadGateway, "upstream_unavailable_exception", "elasticsearch upstream "+p.upstream.Redacted()+" did not answer: "+errText(err))
		},
		ModifyResponse: func(resp *http.Response) error {
			p.metrics.upstreamStatus(resp.StatusCode)
			return nil
		},
	}
	return p, nil
}

func basicAuth(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// NewTransport returns an upstream transport that trusts the CAs in caFile (PEM) besides the system's;
// verification stays on unless insecure is set.
func NewTransport(caFile string, insecure bool) (*http.Transport, error) {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 64
	t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // opt-in flag
	if caFile != "" {
		pemBytes, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pemBytes) {
			return nil, fmt.Errorf("CA file %s: no PEM certificate found", caFile)
		}
		t.TLSClientConfig.RootCAs = pool
	}
	return t, nil
}

// statusWriter records the status written, for the request metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusWriter) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// ServeHTTP implements http.Handler.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.opts.MetricsPath != "-" && r.URL.Path == p.opts.MetricsPath && r.Method == http.MethodGet {
		sw := &statusWriter{ResponseWriter: w}
		p.metrics.handler().ServeHTTP(sw, r)
		p.metrics.requests.WithLabelValues("metrics", strconv.Itoa(sw.status)).Inc()
		return
	}
	p.metrics.inFlight.Inc()
	defer p.metrics.inFlight.Dec()
	sw := &statusWriter{ResponseWriter: w}
	endpoint := "passthrough"
	switch {
	case isBulk(r):
		endpoint = "bulk"
		p.serveBulk(sw, r)
	case !p.opts.Passthrough && !startupCall(r):
		endpoint = "refused"
		writeError(sw, r, http.StatusForbidden, "ttpscope_proxy_refused_exception", fmt.Sprintf(
			"elastic-ingest serve forwards only _bulk and start-up calls (passthrough is off): refused [%s %s]", r.Method, r.URL.Path))
	default:
		if r.ContentLength > p.opts.MaxBodyBytes {
			p.tooLarge(sw, r)
			break
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(sw, r.Body, p.opts.MaxBodyBytes)
		}
		start := time.Now()
		p.reverse.ServeHTTP(sw, r)
		p.metrics.upstreamLatency.WithLabelValues("passthrough").Observe(time.Since(start).Seconds())
	}
	if sw.status == 0 {
		sw.status = http.StatusOK
	}
	p.metrics.requests.WithLabelValues(endpoint, strconv.Itoa(sw.status)).Inc()
}

func isBulk(r *http.Request) bool {
	if r.Method != http.MethodPost && r.Method != http.MethodPut {
		return false
	}
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/") // escaped: date math may hold %2F
	return (len(segs) == 1 || len(segs) == 2) && segs[len(segs)-1] == "_bulk" && (len(segs) == 1 || segs[0] != "")
}

// startupCall reports whether r is one of the read-only calls shippers make at start-up.
func startupCall(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	p := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case p == "", p == "/_license", p == "/_xpack":
		return true
	case p == "/_cluster/health" || strings.HasPrefix(p, "/_cluster/health/"):
		return true
	case p == "/_nodes" || strings.HasPrefix(p, "/_nodes/"):
		return true
	}
	return false
}

// bulkIndex is the index of /<index>/_bulk, "" for /_bulk.
func bulkIndex(r *http.Request) string {
	segs := strings.Split(strings.Trim(r.URL.EscapedPath(), "/"), "/")
	if len(segs) == 2 {
		if idx, err := url.PathUnescape(segs[0]); err == nil {
			return idx
		}
		return segs[0]
	}
	return ""
}

func (p *Proxy) tooLarge(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, http.StatusRequestEntityTooLarge, "content_too_long_exception",
		fmt.Sprintf("request body is larger than [%d] bytes, the proxy's max body size (--max-body-bytes, like http.max_content_length)", p.opts.MaxBodyBytes))
}

// readBody reads the request body, decoding gzip or deflate; errTooLarge when it is over the limit.
var errTooLarge = errors.New("request body too large")

func (p *Proxy) readBody(r *http.Request) ([]byte, error) {
	limit := p.opts.MaxBodyBytes
	if r.ContentLength > limit {
		return nil, errTooLarge
	}
	var in io.Reader = io.LimitReader(r.Body, limit+1)
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(in)
		if err != nil {
			return nil, fmt.Errorf("gzip request body: %w", err)
		}
		defer zr.Close()
		in = zr
	case "deflate":
		zr, err := zlib.NewReader(in)
		if err != nil {
			return nil, fmt.Errorf("deflate request body: %w", err)
		}
		defer zr.Close()
		in = zr
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q", enc)
	}
	body, err := io.ReadAll(io.LimitReader(in, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, errTooLarge
	}
	return body, nil
}

func (p *Proxy) serveBulk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	body, err := p.readBody(r)
	if err != nil {
		if errors.Is(err, errTooLarge) {
			p.tooLarge(w, r)
			return
		}
		writeError(w, r, http.StatusBadRequest, "illegal_argument_exception", err.Error())
		return
	}
	ops, perr := ParseBulk(body)
	if perr != nil {
		writeError(w, r, perr.Status, perr.Type, perr.Reason)
		return
	}
	var enr Enricher
	if p.opts.Enricher != nil {
		enr = p.opts.Enricher
		if p.sem != nil {
			select {
			case p.sem <- struct{}{}:
				defer func() { <-p.sem }()
			case <-ctx.Done():
				return
			}
		}
	}
	rw, err := rewriteBulk(ctx, body, ops, bulkIndex(r), enr, p.opts.ResultKey, p.opts.ParseErrorType)
	if err != nil {
		p.log.Warn("rewrite bulk body failed", "err", err)
		writeError(w, r, http.StatusInternalServerError, "exception", err.Error())
		return
	}
	p.countDocs(rw)

	query := r.URL.Query()
	filter := ""
	if len(rw.local) > 0 {
		// The proxy must see every item to splice its own in; filter_path is applied afterwards.
		filter = query.Get("filter_path")
		query.Del("filter_path")
	}
	if len(rw.fwdPos) == 0 && len(rw.local) > 0 {
		b, err := mergeItems(nil, rw)
		if err != nil {
			writeError(w, r, http.StatusInternalServerError, "exception", err.Error())
			return
		}
		p.metrics.itemErrors.Add(float64(len(rw.local)))
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("X-Elastic-Product", "Elasticsearch")
		p.writeBody(w, r, http.StatusOK, h, applyFilter(b, filter, query))
		return
	}

	target := *p.upstream
	target.Path = strings.TrimRight(p.upstream.Path, "/") + r.URL.Path
	target.RawPath = strings.TrimRight(p.upstream.EscapedPath(), "/") + r.URL.EscapedPath()
	target.RawQuery = query.Encode()
	if filter == "" {
		target.RawQuery = r.URL.RawQuery // as sent
	}
	fwd := rw.body
	if p.opts.CompressUpstream {
		fwd = p.gzip(rw.body)
	}
	out, err := http.NewRequestWithContext(ctx, r.Method, target.String(), bytes.NewReader(fwd))
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "exception", err.Error())
		return
	}
	copyHeaders(out.Header, r.Header)
	out.Header.Del("Content-Encoding")
	if p.opts.CompressUpstream {
		out.Header.Set("Content-Encoding", "gzip")
	}
	out.Header.Del("Accept-Encoding") // the transport asks for gzip and decodes it
	out.Header.Del("Content-Length")
	if out.Header.Get("Content-Type") == "" {
		out.Header.Set("Content-Type", "application/x-ndjson")
	}
	if p.auth != "" {
		out.Header.Set("Authorization", p.auth)
	}
	start := time.Now()
	resp, err := p.client.Do(out)
	if err != nil {
		p.metrics.upstreamErrors.WithLabelValues("connect").Inc()
		if ctx.Err() != nil {
			return // the client went away
		}
		p.log.Warn("upstream bulk request failed", "path", r.URL.Path, "err", errText(err))
		writeError(w, r, http.StatusBadGateway, "upstream_unavailable_exception",
			"elasticsearch upstream "+p.upstream.Redacted()+" did not answer: "+errText(err))
		return
	}
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	p.metrics.upstreamLatency.WithLabelValues("bulk").Observe(time.Since(start).Seconds())
	if err != nil {
		p.metrics.upstreamErrors.WithLabelValues("connect").Inc()
		writeError(w, r, http.StatusBadGateway, "upstream_unavailable_exception", "read upstream response: "+errText(err))
		return
	}
	p.metrics.upstreamStatus(resp.StatusCode)
	h := resp.Header.Clone()
	removeHopHeaders(h)
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	if resp.StatusCode == http.StatusOK {
		p.metrics.itemErrors.Add(float64(len(rw.local) + countItemErrors(respBody)))
		if len(rw.local) > 0 {
			merged, err := mergeItems(respBody, rw)
			if err != nil {
				p.log.Warn("splice bulk response failed", "err", err)
				writeError(w, r, http.StatusBadGateway, "upstream_unavailable_exception", err.Error())
				return
			}
			respBody = applyFilter(merged, filter, query)
		}
	}
	p.log.Debug("bulk", "path", r.URL.Path, "items", rw.total, "forwarded", len(rw.fwdPos), "malformed", len(rw.local),
		"enriched", len(rw.docs), "enrich_ms", rw.enrichTime.Milliseconds(), "status", resp.StatusCode,
		"took_ms", time.Since(start).Milliseconds())
	p.writeBody(w, r, resp.StatusCode, h, respBody)
}

func applyFilter(b []byte, filter string, query url.Values) []byte {
	if filter != "" {
		b = filterPath(b, filter)
	}
	if _, ok := query["pretty"]; ok {
		var buf bytes.Buffer
		if json.Indent(&buf, b, "", "  ") == nil {
			b = append(buf.Bytes(), '\n')
		}
	}
	return b
}

// countItemErrors counts the items with an "error" in a bulk response (0 when "errors" is false).
func countItemErrors(b []byte) int {
	if !bytes.Contains(b, []byte(`"errors":true`)) {
		return 0
	}
	var resp struct {
		Items []map[string]struct {
			Error json.RawMessage `json:"error"`
		} `json:"items"`
	}
	if json.Unmarshal(b, &resp) != nil {
		return 0
	}
	n := 0
	for _, it := range resp.Items {
		for _, v := range it {
			if len(v.Error) > 0 {
				n++
			}
		}
	}
	return n
}

func (p *Proxy) countDocs(rw *rewrite) {
	for a, n := range rw.actions {
		p.metrics.actions.WithLabelValues(string(a)).Add(float64(n))
	}
	p.metrics.malformed.Add(float64(len(rw.local)))
	if len(rw.docs) == 0 {
		return
	}
	p.metrics.enrichDuration.Observe(rw.enrichTime.Seconds())
	for _, d := range rw.docs {
		status, _ := record.Lookup(d, p.opts.ResultKey+".status")
		s, _ := status.(string)
		if s == "" {
			s = "unknown"
		}
		p.metrics.enriched.WithLabelValues(s).Inc()
		if s == schema.StatusOK {
			if class, ok := record.Lookup(d, p.opts.ResultKey+".class"); ok {
				if c, ok := class.(string); ok {
					p.metrics.classes.WithLabelValues(c).Inc()
				}
			}
		}
	}
}

// gzip compresses b.
func (p *Proxy) gzip(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b) / 4)
	zw, _ := p.gzPool.Get().(*gzip.Writer)
	if zw == nil {
		zw = gzip.NewWriter(&buf)
	} else {
		zw.Reset(&buf)
	}
	_, _ = zw.Write(b) // writes to a bytes.Buffer do not fail
	_ = zw.Close()
	p.gzPool.Put(zw)
	return buf.Bytes()
}

// writeBody writes a response, gzipped when the client accepts it.
func (p *Proxy) writeBody(w http.ResponseWriter, r *http.Request, status int, h http.Header, body []byte) {
	for k, v := range h {
		w.Header()[k] = v
	}
	if acceptsGzip(r) && len(body) > 0 && r.Method != http.MethodHead {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Add("Vary", "Accept-Encoding")
		w.WriteHeader(status)
		zw, _ := p.gzPool.Get().(*gzip.Writer)
		if zw == nil {
			zw = gzip.NewWriter(w)
		} else {
			zw.Reset(w)
		}
		_, _ = zw.Write(body)
		_ = zw.Close()
		p.gzPool.Put(zw)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}

var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Te", "Trailer", "Transfer-Encoding", "Upgrade"}

func removeHopHeaders(h http.Header) {
	for _, c := range h.Values("Connection") {
		for _, f := range strings.Split(c, ",") {
			h.Del(strings.TrimSpace(f))
		}
	}
	for _, k := range hopHeaders {
		h.Del(k)
	}
}

func copyHeaders(dst, src http.Header) {
	for k, v := range src {
		dst[k] = append([]string(nil), v...)
	}
	removeHopHeaders(dst)
	dst.Del("Host")
}

// errText is err's text without anything a URL might carry beyond the host.
func errText(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Op + ": " + ue.Err.Error()
	}
	return err.Error()
}

// writeError writes Elasticsearch's error shape: {"error":{"root_cause":[…],"type","reason"},"status"}.
func writeError(w http.ResponseWriter, r *http.Request, status int, typ, reason string) {
	cause := map[string]string{"type": typ, "reason": reason}
	b, _ := json.Marshal(map[string]any{
		"error":  map[string]any{"root_cause": []any{cause}, "type": typ, "reason": reason},
		"status": status,
	})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Elastic-Product", "Elasticsearch")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b)
	}
}

// Serve serves h on ln until ctx ends, then shuts down gracefully: it stops accepting, lets in-flight
// requests finish for up to grace, and closes what is left.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, grace time.Duration, log *slog.Logger) error {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	err := srv.Shutdown(sctx)
	<-errc
	if err != nil {
		_ = srv.Close()
		return fmt.Errorf("graceful shutdown (in-flight requests cut after %s): %w", grace, err)
	}
	return nil
}
