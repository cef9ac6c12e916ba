// Package config turns the properties of one Fluent Bit output instance into a validated Config.
//
// Fluent Bit hands a Go plugin one way to read its configuration: get_property(key), which returns the
// value of a key (matched case-insensitively) or nothing when the key is unset. The plugin cannot list
// the keys an instance was given, and Fluent Bit does not validate keys for Go plugins, so a key that
// is simply unknown cannot be seen. What Parse does instead:
//
//   - every known key's value is checked strictly (enums, booleans on/off/true/false/yes/no, numbers
//     with ranges, URLs, paths that must exist) and a bad value fails with a message naming the key;
//   - the likely misspellings of every known key (dashes or dots for underscores, no separator) and the
//     keys of Fluent Bit's own es/forward outputs and of other ttpscope front ends are probed, and any
//     that is set fails with "unknown key X (did you mean Y?)";
//   - keys that belong to a sink other than the one chosen fail too (es_url with sink stdout).
//
// The plugin also reads the configuration file Fluent Bit was started with (package flbconf), which
// finds every unknown key; KeyNames and Hint give it this package's keys and misspellings.
//
// Parse is pure: the properties and the environment come in as functions, so it is tested with maps.
package config

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ttpscope/ttpscope/shared/esbulk"
	"github.com/ttpscope/ttpscope/shared/record"
	"github.com/ttpscope/ttpscope/shared/schema"
)

// Sink names.
const (
	SinkES      = "es"
	SinkForward = "forward"
	SinkStdout  = "stdout"
	SinkNull    = "null"
)

// ID modes for es_id.
const (
	IDHash = "hash"
	IDNone = "none"
)

// Defaults.
const (
	DefaultSink           = SinkStdout
	DefaultAlertThreshold = 0.5
	DefaultBatchSize      = 8
	DefaultCacheSize      = 100_000
	DefaultThreads        = 1
	DefaultESIndex        = "logs-ttpscope-default"
	DefaultForwardTag     = "ttpscope.enriched"
	DefaultFlushTimeout   = 4 * time.Second
	DefaultBatchWait      = 0 // off
)

// Config is the validated configuration of one plugin instance.
type Config struct {
	ModelDir       string // absolute; "" means the embedded default model
	Cascade        string // "" (the model directory's cascade.json, if any), "off", or an absolute cascade file
	ORTLibrary     string // "" means ortenv discovery
	Fields         []string
	ResultKey      string
	AlertThreshold float64
	MaxTokens      int // 0: the model's maximum
	BatchSize      int
	CacheSize      int // 0 disables the result cache
	Threads        int
	// BatchWait > 0 batches the windows of concurrent flushes (Workers > 1) together, waiting at most
	// this long for a batch to fill (classifier.Coalescer); 0 classifies each flush on its own.
	BatchWait time.Duration

	Sink string

	ESURLs  []string
	ESIndex string
	// ESIndexPattern is ESIndex compiled.
	ESIndexPattern esbulk.IndexPattern
	ESAPIKey       string
	ESUser         string
	ESPassword     string
	ESCAFile       string
	ESTLSVerify    bool
	ESPipeline     string
	ESID           string
	FlushTimeout   time.Duration

	DeadLetterPath string

	ForwardAddress string
	ForwardTag     string

	// secretSource says where each secret came from ("key es_api_key", "env ES_API_KEY"), for logging.
	secretSource map[string]string
}

// Getter returns the value of a property and whether it is set (Fluent Bit's get_property).
type Getter func(key string) (value string, ok bool)

// Env returns the value of an environment variable and whether it is set (os.LookupEnv).
type Env func(name string) (value string, ok bool)

// Key describes one configuration key, for documentation and probing.
type Key struct {
	Name    string
	Default string
	Sink    string // the only sink it applies to; "" for all
	Env     []string
	Help    string
}

// Keys lists every key the plugin reads, in documentation order.
func Keys() []Key {
	return []Key{
		{Name: "model_dir", Default: "(embedded default model)", Help: "model directory holding model.onnx, tokenizer.json and config.json"},
		{Name: "ort_library", Default: "(built-in path, $ORT_LIBRARY, discovery)", Help: "path to libonnxruntime.so.1; one per process"},
		{Name: "fields", Default: strings.Join(record.DefaultFields(), ","), Help: "comma-separated record keys or dotted paths holding the text, first present wins"},
		{Name: "result_key", Default: schema.DefaultKey, Help: "key (dotted path allowed) the result is written under"},
		{Name: "alert_threshold", Default: "0.5", Help: "score (0 < t <= 1) at which an attack class also gets ECS threat.* fields"},
		{Name: "max_tokens", Default: "0 (model maximum)", Help: "tokens per window, 0 or 8..65536"},
		{Name: "batch_size", Default: "8", Help: "windows per ONNX Runtime run, 1..4096"},
		{Name: "cache_size", Default: "100000", Help: "normalized texts whose results are remembered per instance, 0 disables, at most 10000000"},
		{Name: "threads", Default: "1", Help: "ONNX Runtime intra-op threads per run, 1..256"},
		{Name: "cascade", Default: "(the model's cascade.json)", Help: "character n-gram first stage deciding the lines it finds benign with very high confidence: off, or a cascade file; the default model ships one"},
		{Name: "batch_wait", Default: "0 (off)", Help: "with Workers > 1, share ONNX Runtime batches between concurrent flushes, a text waiting at most this long for its batch to fill; 0 (off) or up to 1s"},
		{Name: "sink", Default: DefaultSink, Help: "es | forward | stdout | null"},
		{Name: "es_url", Sink: SinkES, Help: "one or more Elasticsearch URLs, comma or space separated (required for sink es)"},
		{Name: "es_index", Default: DefaultESIndex, Sink: SinkES, Help: "index or data stream; strftime %Y %y %m %d %H %j %G %V %% use the event time (UTC)"},
		{Name: "es_api_key", Sink: SinkES, Env: []string{"TTPSCOPE_ES_API_KEY", "ES_API_KEY"}, Help: "API key (base64 id:key)"},
		{Name: "es_user", Sink: SinkES, Env: []string{"TTPSCOPE_ES_USER", "ES_USER"}, Help: "basic-auth user"},
		{Name: "es_password", Sink: SinkES, Env: []string{"TTPSCOPE_ES_PASSWORD", "ES_PASSWORD"}, Help: "basic-auth password"},
		{Name: "es_ca_file", Sink: SinkES, Help: "PEM file of CA certificates to trust"},
		{Name: "es_tls_verify", Default: "on", Sink: SinkES, Help: "verify the server certificate (on/off)"},
		{Name: "es_pipeline", Sink: SinkES, Help: "ingest pipeline to run on every document"},
		{Name: "es_id", Default: IDHash, Sink: SinkES, Help: "hash: _id from tag + timestamp + record, so resends never duplicate; none: Elasticsearch picks ids"},
		{Name: "dead_letter_path", Help: "file that receives records Elasticsearch rejects for good (mapping errors) and undecodable chunk bytes, one JSON object per line; required for sink es"},
		{Name: "forward_address", Sink: SinkForward, Help: "host:port of a Fluent Bit/Fluentd forward input (required for sink forward)"},
		{Name: "forward_tag", Default: DefaultForwardTag, Sink: SinkForward, Help: "tag of the re-emitted records; no Match of this output may match it"},
		{Name: "flush_timeout", Default: "4s", Help: "most time one flush may take, classification and delivery included; keep it below Fluent Bit's Grace (5s)"},
	}
}

// misspellings are keys other outputs or front ends use for what a ttpscope key does.
var misspellings = map[string]string{
	"model": "model_dir", "model_path": "model_dir", "onnx_library": "ort_library", "ort_lib": "ort_library",
	"field": "fields", "text_field": "fields", "result_field": "result_key", "threshold": "alert_threshold",
	"cache_entries": "cache_size", "cache": "cache_size", "batch": "batch_size", "intra_op_threads": "threads",
	"output": "sink", "mode": "sink",
	"url": "es_url", "urls": "es_url", "es_urls": "es_url", "es_host": "es_url", "es_hosts": "es_url", "cloud_id": "es_url",
	"index": "es_index", "logstash_format": "es_index", "logstash_prefix": "es_index", "logstash_dateformat": "es_index",
	"api_key": "es_api_key", "cloud_auth": "es_user", "http_user": "es_user", "es_username": "es_user",
	"http_passwd": "es_password", "http_password": "es_password", "es_passwd": "es_password",
	"es_ca": "es_ca_file", "es_ca_path": "es_ca_file", "tls.ca_file": "es_ca_file", "es_tls": "es_tls_verify",
	"pipeline": "es_pipeline", "id_key": "es_id", "generate_id": "es_id", "es_id_mode": "es_id",
	"dead_letter_file": "dead_letter_path", "deadletter_path": "dead_letter_path", "dlq_path": "dead_letter_path",
	"forward_host": "forward_address", "forward_port": "forward_address", "forward_addr": "forward_address",
	"tag": "forward_tag", "flush_deadline": "flush_timeout", "timeout": "flush_timeout",
}

// probes returns the keys that are not ttpscope keys but look like one, each with the key meant.
func probes() map[string]string {
	out := make(map[string]string, len(misspellings)+4*len(Keys()))
	for k, v := range misspellings {
		out[k] = v
	}
	for _, k := range Keys() {
		for _, alt := range []string{
			strings.ReplaceAll(k.Name, "_", "-"), strings.ReplaceAll(k.Name, "_", "."), strings.ReplaceAll(k.Name, "_", ""),
			strings.TrimPrefix(k.Name, "es_"), strings.TrimPrefix(k.Name, "forward_"),
		} {
			if alt != k.Name {
				if _, taken := out[alt]; !taken {
					out[alt] = k.Name
				}
			}
		}
	}
	for _, k := range Keys() { // a probe must never shadow a real key
		delete(out, k.Name)
	}
	return out
}

// Hint returns the key meant by key when key is one of the likely mistakes Parse probes for (another
// separator, a missing prefix, a key of Fluent Bit's own es/forward outputs), else "".
func Hint(key string) string {
	return probes()[strings.ToLower(strings.TrimSpace(key))]
}

// KeyNames returns the names of every key the plugin reads.
func KeyNames() []string {
	var out []string
	for _, k := range Keys() {
		out = append(out, k.Name)
	}
	return out
}

// Parse reads and validates an instance's configuration. The error names the key at fault.
func Parse(get Getter, env Env) (*Config, error) {
	p := parser{get: get, env: env}
	c := &Config{secretSource: map[string]string{}}

	probe := probes()
	for _, k := range slices.Sorted(maps.Keys(probe)) {
		if _, set := get(k); set {
			return nil, fmt.Errorf("unknown key %q (did you mean %q?)", k, probe[k])
		}
	}

	c.ModelDir = p.path("model_dir", true)
	if v, ok := p.value("cascade"); ok && strings.EqualFold(v, "off") {
		c.Cascade = "off"
	} else {
		c.Cascade = p.path("cascade", false)
	}
	c.ORTLibrary = p.library("ort_library")
	c.Fields = p.list("fields", record.DefaultFields())
	c.ResultKey = p.resultKey("result_key")
	c.AlertThreshold = p.float("alert_threshold", DefaultAlertThreshold, 0, 1, false)
	c.MaxTokens = p.int("max_tokens", 0, 0, 65536)
	if c.MaxTokens > 0 && c.MaxTokens < 8 {
		p.fail("max_tokens", strconv.Itoa(c.MaxTokens), "must be 0 (the model's maximum) or at least 8")
	}
	c.BatchSize = p.int("batch_size", DefaultBatchSize, 1, 4096)
	c.CacheSize = p.int("cache_size", DefaultCacheSize, 0, 10_000_000)
	c.Threads = p.int("threads", DefaultThreads, 1, 256)
	c.BatchWait = p.duration("batch_wait", DefaultBatchWait, 0, time.Second)
	c.Sink = p.enum("sink", DefaultSink, SinkES, SinkForward, SinkStdout, SinkNull)
	c.FlushTimeout = p.duration("flush_timeout", DefaultFlushTimeout, 100*time.Millisecond, 10*time.Minute)
	c.DeadLetterPath = p.deadLetter("dead_letter_path")

	c.ESURLs = p.urls("es_url")
	c.ESIndex = p.index("es_index", c)
	c.ESAPIKey = p.secret("es_api_key", c)
	c.ESUser = p.secret("es_user", c)
	c.ESPassword = p.secret("es_password", c)
	c.ESCAFile = p.caFile("es_ca_file")
	c.ESTLSVerify = p.bool("es_tls_verify", true)
	c.ESPipeline = p.name("es_pipeline")
	c.ESID = p.enum("es_id", IDHash, IDHash, IDNone)
	c.ForwardAddress = p.address("forward_address")
	c.ForwardTag = p.tag("forward_tag", DefaultForwardTag)
	if p.err != nil {
		return nil, p.err
	}

	// Keys of another sink are a mistake in the configuration, not something to ignore.
	for _, k := range Keys() {
		if k.Sink == "" || k.Sink == c.Sink {
			continue
		}
		if _, set := get(k.Name); set {
			return nil, fmt.Errorf("key %q applies to sink %s, but sink is %s", k.Name, k.Sink, c.Sink)
		}
	}
	switch c.Sink {
	case SinkES:
		switch {
		case len(c.ESURLs) == 0:
			return nil, errors.New(`key "es_url": required for sink es`)
		case c.DeadLetterPath == "":
			return nil, errors.New(`key "dead_letter_path": required for sink es (records Elasticsearch rejects for good are written there, never dropped)`)
		case c.ESAPIKey != "" && (c.ESUser != "" || c.ESPassword != ""):
			return nil, fmt.Errorf(`keys "es_api_key" (%s) and "es_user"/"es_password": set one way to authenticate, not both`, c.secretSource["es_api_key"])
		case (c.ESUser == "") != (c.ESPassword == ""):
			return nil, errors.New(`keys "es_user" and "es_password": set both or neither`)
		}
	case SinkForward:
		if c.ForwardAddress == "" {
			return nil, errors.New(`key "forward_address": required for sink forward (host:port)`)
		}
	}
	return c, nil
}

// parser reads keys and remembers the first error.
type parser struct {
	get Getter
	env Env
	err error
}

func (p *parser) fail(key, value, why string) {
	if p.err == nil {
		p.err = fmt.Errorf("key %q: value %q: %s", key, value, why)
	}
}

// value returns the trimmed value of key; set is false when the key is unset. A key set to blanks
// counts as set, so that "key with no value" is reported rather than silently defaulted.
func (p *parser) value(key string) (string, bool) {
	v, ok := p.get(key)
	if !ok {
		return "", false
	}
	v = strings.TrimSpace(v)
	if v == "" {
		p.fail(key, v, "empty; remove the key to get the default")
	}
	return v, v != ""
}

func (p *parser) int(key string, def, lo, hi int) int {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(strings.ReplaceAll(v, "_", ""))
	if err != nil {
		p.fail(key, v, "not an integer")
		return def
	}
	if n < lo || n > hi {
		p.fail(key, v, fmt.Sprintf("must be between %d and %d", lo, hi))
	}
	return n
}

// float reads a number in [lo, hi]; lo itself is allowed only when inclusiveLo is true.
func (p *parser) float(key string, def, lo, hi float64, inclusiveLo bool) float64 {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		p.fail(key, v, "not a number")
		return def
	}
	if f > hi || f < lo || (!inclusiveLo && f == lo) || f != f {
		op := ">"
		if inclusiveLo {
			op = ">="
		}
		p.fail(key, v, fmt.Sprintf("must be %s %g and <= %g", op, lo, hi))
	}
	return f
}

func (p *parser) bool(key string, def bool) bool {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "on", "true", "yes", "1":
		return true
	case "off", "false", "no", "0":
		return false
	}
	p.fail(key, v, "not a boolean (on/off, true/false, yes/no)")
	return def
}

func (p *parser) enum(key, def string, allowed ...string) string {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	for _, a := range allowed {
		if strings.EqualFold(v, a) {
			return a
		}
	}
	p.fail(key, v, "must be one of "+strings.Join(allowed, ", "))
	return def
}

func (p *parser) duration(key string, def, lo, hi time.Duration) time.Duration {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		secs, ferr := strconv.ParseFloat(v, 64) // plain seconds, as Fluent Bit writes times
		if ferr != nil || secs != secs {
			p.fail(key, v, "not a duration (4s, 1500ms, or seconds)")
			return def
		}
		d = time.Duration(secs * float64(time.Second))
	}
	if d < lo || d > hi {
		p.fail(key, v, fmt.Sprintf("must be between %v and %v", lo, hi))
	}
	return d
}

// path reads a path that must exist (a directory when dir is true) and returns it absolute.
func (p *parser) path(key string, dir bool) string {
	v, ok := p.value(key)
	if !ok {
		return ""
	}
	abs, err := filepath.Abs(v)
	if err != nil {
		p.fail(key, v, err.Error())
		return ""
	}
	st, err := os.Stat(abs)
	switch {
	case err != nil:
		p.fail(key, v, err.Error())
	case dir && !st.IsDir():
		p.fail(key, v, "not a directory")
	case !dir && st.IsDir():
		p.fail(key, v, "is a directory")
	}
	return abs
}

// library reads ort_library: a path that must exist, or a bare name for the system loader.
func (p *parser) library(key string) string {
	v, ok := p.get(key)
	if !ok {
		return ""
	}
	if strings.TrimSpace(v) != "" && !strings.ContainsRune(v, '/') {
		return strings.TrimSpace(v)
	}
	return p.path(key, false)
}

func (p *parser) list(key string, def []string) []string {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	out := splitList(v)
	if len(out) == 0 {
		p.fail(key, v, "no field names")
	}
	for _, f := range out {
		if strings.HasPrefix(f, ".") || strings.HasSuffix(f, ".") || strings.Contains(f, "..") {
			p.fail(key, v, fmt.Sprintf("field %q is not a key or dotted path", f))
		}
	}
	return out
}

func splitList(v string) []string {
	return strings.Fields(strings.ReplaceAll(v, ",", " "))
}

func (p *parser) resultKey(key string) string {
	v, ok := p.value(key)
	if !ok {
		return schema.DefaultKey
	}
	if strings.ContainsAny(v, " \t") || strings.HasPrefix(v, ".") || strings.HasSuffix(v, ".") || strings.Contains(v, "..") {
		p.fail(key, v, "must be a key or dotted path without blanks")
	}
	return v
}

func (p *parser) urls(key string) []string {
	v, ok := p.value(key)
	if !ok {
		return nil
	}
	var out []string
	for _, raw := range splitList(v) {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			p.fail(key, raw, err.Error())
		case u.Scheme != "http" && u.Scheme != "https":
			p.fail(key, raw, "scheme must be http or https")
		case u.Host == "" || u.Hostname() == "":
			p.fail(key, raw, "no host")
		case u.RawQuery != "" || u.Fragment != "":
			p.fail(key, raw, "no query or fragment allowed")
		case u.User != nil:
			p.fail(key, raw, "put credentials in es_user/es_password or es_api_key, not in the URL")
		}
		out = append(out, strings.TrimRight(raw, "/"))
	}
	return out
}

// index validates an index or data stream name with optional strftime directives (shared/esbulk's
// syntax, so every ttpscope front end names indices alike).
func (p *parser) index(key string, c *Config) string {
	v, ok := p.value(key)
	if !ok {
		v = DefaultESIndex
	}
	pat, err := esbulk.CompileIndex(v)
	if err != nil {
		p.fail(key, v, err.Error())
		return v
	}
	c.ESIndexPattern = pat
	return v
}

// secret reads a credential from its key, else from its environment variables.
func (p *parser) secret(key string, c *Config) string {
	if v, ok := p.value(key); ok {
		c.secretSource[key] = "key " + key
		return v
	}
	for _, k := range Keys() {
		if k.Name != key {
			continue
		}
		for _, name := range k.Env {
			if v, ok := p.env(name); ok && strings.TrimSpace(v) != "" {
				c.secretSource[key] = "env " + name
				return strings.TrimSpace(v)
			}
		}
	}
	return ""
}

func (p *parser) caFile(key string) string {
	path := p.path(key, false)
	if path == "" || p.err != nil {
		return path
	}
	pem, err := os.ReadFile(path)
	if err != nil {
		p.fail(key, path, err.Error())
		return path
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		p.fail(key, path, "no PEM certificate in the file")
	}
	return path
}

func (p *parser) name(key string) string {
	v, ok := p.value(key)
	if !ok {
		return ""
	}
	if strings.ContainsAny(v, " \t/\\,") {
		p.fail(key, v, "not a valid pipeline name")
	}
	return v
}

// deadLetter reads a file path whose directory must exist; the file is created on first use.
func (p *parser) deadLetter(key string) string {
	v, ok := p.value(key)
	if !ok {
		return ""
	}
	abs, err := filepath.Abs(v)
	if err != nil {
		p.fail(key, v, err.Error())
		return ""
	}
	if st, err := os.Stat(abs); err == nil && st.IsDir() {
		p.fail(key, v, "is a directory; name a file")
	}
	if st, err := os.Stat(filepath.Dir(abs)); err != nil || !st.IsDir() {
		p.fail(key, v, "its directory does not exist")
	}
	return abs
}

func (p *parser) address(key string) string {
	v, ok := p.value(key)
	if !ok {
		return ""
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		p.fail(key, v, "not host:port")
		return v
	}
	n, err := strconv.Atoi(port)
	if host == "" || err != nil || n < 1 || n > 65535 {
		p.fail(key, v, "needs a host and a port between 1 and 65535")
	}
	return v
}

func (p *parser) tag(key, def string) string {
	v, ok := p.value(key)
	if !ok {
		return def
	}
	if strings.ContainsAny(v, " \t*") {
		p.fail(key, v, "a tag has no blanks or wildcards")
	}
	return v
}

// LogValue renders the effective configuration for one log line, secrets masked.
func (c *Config) LogValue() slog.Value {
	masked := func(key, v string) string {
		if v == "" {
			return "(unset)"
		}
		return "****** (" + c.secretSource[key] + ")"
	}
	model := c.ModelDir
	if model == "" {
		model = "(embedded)"
	}
	attrs := []slog.Attr{
		slog.String("sink", c.Sink),
		slog.String("model_dir", model),
		slog.String("ort_library", orDefault(c.ORTLibrary, "(discovery)")),
		slog.String("fields", strings.Join(c.Fields, ",")),
		slog.String("result_key", c.ResultKey),
		slog.Float64("alert_threshold", c.AlertThreshold),
		slog.Int("max_tokens", c.MaxTokens),
		slog.Int("batch_size", c.BatchSize),
		slog.Int("cache_size", c.CacheSize),
		slog.Int("threads", c.Threads),
		slog.String("cascade", orDefault(c.Cascade, "(model's)")),
		slog.Duration("batch_wait", c.BatchWait),
		slog.Duration("flush_timeout", c.FlushTimeout),
		slog.String("dead_letter_path", orDefault(c.DeadLetterPath, "(unset)")),
	}
	switch c.Sink {
	case SinkES:
		attrs = append(attrs,
			slog.String("es_url", strings.Join(c.ESURLs, ",")),
			slog.String("es_index", c.ESIndex),
			slog.String("es_api_key", masked("es_api_key", c.ESAPIKey)),
			slog.String("es_user", orDefault(c.ESUser, "(unset)")),
			slog.String("es_password", masked("es_password", c.ESPassword)),
			slog.String("es_ca_file", orDefault(c.ESCAFile, "(system roots)")),
			slog.Bool("es_tls_verify", c.ESTLSVerify),
			slog.String("es_pipeline", orDefault(c.ESPipeline, "(none)")),
			slog.String("es_id", c.ESID))
	case SinkForward:
		attrs = append(attrs, slog.String("forward_address", c.ForwardAddress), slog.String("forward_tag", c.ForwardTag))
	}
	return slog.GroupValue(attrs...)
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
