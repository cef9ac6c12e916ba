package esbulk

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// IDMode says how documents without an ID get one.
type IDMode string

const (
	// IDHash gives a document without an ID the id HashID(index, body), so
	// a resend of the same document never makes a second copy. The default.
	IDHash IDMode = "hash"
	// IDNone leaves documents without an ID to Elasticsearch's auto ids:
	// a resend after a lost answer can make a duplicate (at-least-once).
	IDNone IDMode = "none"
)

// Defaults for Config fields left zero.
const (
	DefaultAddress        = "http://localhost:9200"
	DefaultFlushBytes     = 5 << 20
	DefaultFlushDocs      = 1000
	DefaultFlushInterval  = 5 * time.Second
	DefaultMaxRetries     = 10
	DefaultBackoffInitial = 100 * time.Millisecond
	DefaultBackoffMax     = 5 * time.Second
	DefaultDeadline       = 30 * time.Second
	DefaultRequestTimeout = 30 * time.Second
	DefaultWorkers        = 2
)

// transportRetries is how many times go-elasticsearch's transport itself
// re-sends a request that failed with a connection error or 429/502/503/504
// before Write's own retry loop sees the failure.
const transportRetries = 2

// Config configures a Writer. The zero value of every field is a usable
// default; New validates the rest and names the field in its error.
type Config struct {
	// Addresses are the cluster URLs (default http://localhost:9200).
	// user:password@ in a URL is used for basic auth.
	Addresses []string
	// APIKey is the base64 "id:api_key" credential; it takes precedence
	// over Username/Password.
	APIKey             string
	Username, Password string
	// CAFile is a PEM file of CAs to trust instead of the system roots
	// (for a cluster with its own CA, like a default ES 8 install).
	CAFile string
	// InsecureSkipVerify turns TLS certificate verification off. Verification
	// is on by default; turn it off only for throw-away test clusters.
	InsecureSkipVerify bool
	// Compress gzips request bodies.
	Compress bool

	// Index is the target index, data stream or alias. It may hold
	// strftime-style time directives, formatted in UTC from the document's
	// time (see IndexPattern): "logs-%Y.%m.%d". A Doc.Index overrides it.
	Index string
	// DataStream writes with op_type create, the only one data streams
	// accept, whatever Doc.Action says.
	DataStream bool
	// Pipeline is the ingest pipeline for every request ("" for none).
	Pipeline string
	// IDMode is IDHash (default) or IDNone.
	IDMode IDMode

	// FlushBytes and FlushDocs bound one bulk request (defaults 5 MiB and
	// 1000 documents); Write splits larger batches. A document larger than
	// FlushBytes goes alone. FlushInterval is how long the Indexer keeps a
	// partial batch (default 5s).
	FlushBytes    int
	FlushDocs     int
	FlushInterval time.Duration

	// MaxRetries is how many rounds Write re-sends failed retryable items
	// after the first try (default 10); negative means no limit but the
	// deadline. Each round waits a jittered exponential backoff between
	// BackoffInitial (default 100ms) and BackoffMax (default 5s): the wait
	// is drawn from [d/2, d] unless DisableJitter.
	MaxRetries     int
	BackoffInitial time.Duration
	BackoffMax     time.Duration
	DisableJitter  bool
	// Deadline bounds one Write (or one Indexer batch), retries included
	// (default 30s); the caller's context may end it sooner.
	Deadline time.Duration
	// RequestTimeout bounds one HTTP bulk request (default 30s).
	RequestTimeout time.Duration

	// DeadLetterPath is the JSON-lines file where documents Elasticsearch
	// refuses for good (mapping errors and other non-retryable 4xx) are
	// appended. When empty, such documents are logged at error level and
	// counted as Rejected.
	DeadLetterPath string
	// DeadLetterDedup is how many recently dead-lettered (index, id) pairs
	// are remembered so that a resent batch does not write them twice
	// (default 16384; negative disables).
	DeadLetterDedup int

	// Workers and QueueBytes size an Indexer: concurrent bulk senders
	// (default 2) and the bytes of documents accepted but not yet finished
	// (default and minimum (Workers+1) × FlushBytes). Add blocks while the
	// queue is full.
	Workers    int
	QueueBytes int64

	// Transport replaces the HTTP transport (tests). CAFile and
	// InsecureSkipVerify need it to be nil or an *http.Transport.
	Transport http.RoundTripper
	// Logger receives warnings and errors (default: discarded).
	Logger *slog.Logger
	// Now replaces time.Now (index time fallback, dead-letter times).
	Now func() time.Time
}

// normalize fills defaults and validates; errors name the field.
func (c Config) normalize() (Config, error) {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("esbulk config: %s: %s", field, fmt.Sprintf(format, args...)))
	}
	c.Addresses = slices.Clone(c.Addresses)
	if len(c.Addresses) == 0 {
		c.Addresses = []string{DefaultAddress}
	}
	for i, a := range c.Addresses {
		u, err := url.Parse(strings.TrimSpace(a))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("Addresses", "%q (entry %d) is not an http(s) URL", redactURL(a), i)
			continue
		}
		c.Addresses[i] = strings.TrimSpace(a)
	}
	if c.CAFile != "" {
		if _, err := os.Stat(c.CAFile); err != nil {
			bad("CAFile", "%v", err)
		}
	}
	if c.CAFile != "" || c.InsecureSkipVerify {
		if _, ok := c.Transport.(*http.Transport); c.Transport != nil && !ok {
			bad("Transport", "CAFile and InsecureSkipVerify need an *http.Transport, got %T", c.Transport)
		}
	}
	if c.Index != "" {
		if _, err := CompileIndex(c.Index); err != nil {
			bad("Index", "%v", err)
		}
	}
	switch c.IDMode {
	case "":
		c.IDMode = IDHash
	case IDHash, IDNone:
	default:
		bad("IDMode", "%q: want %q or %q", c.IDMode, IDHash, IDNone)
	}
	positive := func(field string, v *int, def int) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			bad(field, "%d: must not be negative", *v)
		}
	}
	positiveDur := func(field string, v *time.Duration, def time.Duration) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			bad(field, "%v: must not be negative", *v)
		}
	}
	positive("FlushBytes", &c.FlushBytes, DefaultFlushBytes)
	positive("FlushDocs", &c.FlushDocs, DefaultFlushDocs)
	positive("Workers", &c.Workers, DefaultWorkers)
	positiveDur("FlushInterval", &c.FlushInterval, DefaultFlushInterval)
	positiveDur("BackoffInitial", &c.BackoffInitial, DefaultBackoffInitial)
	positiveDur("BackoffMax", &c.BackoffMax, DefaultBackoffMax)
	positiveDur("Deadline", &c.Deadline, DefaultDeadline)
	positiveDur("RequestTimeout", &c.RequestTimeout, DefaultRequestTimeout)
	if c.MaxRetries == 0 {
		c.MaxRetries = DefaultMaxRetries
	}
	if c.BackoffMax < c.BackoffInitial {
		bad("BackoffMax", "%v is below BackoffInitial %v", c.BackoffMax, c.BackoffInitial)
	}
	if c.DeadLetterDedup == 0 {
		c.DeadLetterDedup = 16384
	}
	minQueue := int64(c.Workers+1) * int64(c.FlushBytes)
	switch {
	case c.QueueBytes < 0:
		bad("QueueBytes", "%d: must not be negative", c.QueueBytes)
	case c.QueueBytes < minQueue:
		c.QueueBytes = minQueue
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, errors.Join(errs...)
}

// redactURL hides a password in a URL for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// LogValue lets slog print a Config with secrets masked.
func (c Config) LogValue() slog.Value {
	mask := func(s string) string {
		if s == "" {
			return ""
		}
		return "*****"
	}
	addrs := make([]string, len(c.Addresses))
	for i, a := range c.Addresses {
		addrs[i] = redactURL(a)
	}
	return slog.GroupValue(
		slog.Any("addresses", addrs),
		slog.String("api_key", mask(c.APIKey)),
		slog.String("username", c.Username),
		slog.String("password", mask(c.Password)),
		slog.String("ca_file", c.CAFile),
		slog.Bool("tls_verify", !c.InsecureSkipVerify),
		slog.String("index", c.Index),
		slog.Bool("data_stream", c.DataStream),
		slog.String("pipeline", c.Pipeline),
		slog.String("id_mode", string(c.IDMode)),
		slog.Int("flush_bytes", c.FlushBytes),
		slog.Int("flush_docs", c.FlushDocs),
		slog.Duration("flush_interval", c.FlushInterval),
		slog.Int("max_retries", c.MaxRetries),
		slog.Duration("deadline", c.Deadline),
		slog.String("dead_letter_path", c.DeadLetterPath),
	)
}
