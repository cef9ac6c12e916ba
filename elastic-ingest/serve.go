package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ttpscope/ttpscope/shared/bulkproxy"
)

type serveFlags struct {
	model           modelFlags
	listen          string
	esURL           string
	apiKey          string
	user, password  string
	caFile          string
	insecure        bool
	compress        bool
	maxBodyBytes    int64
	passthrough     bool
	noClassify      bool
	metricsPath     string
	shutdownTimeout time.Duration
	upstreamTimeout time.Duration
	parseErrorType  string
	logLevel        string
}

// serveEnv maps serve's own flags to the environment variables read when the flag is not given.
func serveEnv() map[string]string {
	return withEnv(map[string]string{"listen": "TTPSCOPE_LISTEN", "batch-wait": "TTPSCOPE_BATCH_WAIT"})
}

func newServeCmd() *cobra.Command {
	var f serveFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run an Elasticsearch _bulk proxy that classifies index/create documents on their way in",
		Long: `serve listens for Elasticsearch's _bulk API (POST|PUT /_bulk and /<index>/_bulk), classifies the source of
every index and create action, writes the result under --result-key (plus ECS threat.* for alerts), and
forwards the request to --es-url. Point Filebeat, Logstash, Fluent Bit's es output, Vector or curl at it
instead of Elasticsearch, unchanged.

What a client sees is what Elasticsearch tells it: the upstream's status, headers and per-item results, in
order. update and delete actions pass untouched; a document that is not JSON is not forwarded and gets the
400 document_parsing_exception item Elasticsearch would give it (spliced in at its position, errors: true);
a body Elasticsearch rejects as a whole (unknown action, malformed action line, no final newline) gets
Elasticsearch's 400 illegal_argument_exception / x_content_parse_exception without reaching the upstream;
a body over --max-body-bytes (after gzip decoding) gets 413. gzip and deflate request bodies are accepted,
and responses are gzipped for clients that ask.

Everything else (GET /, _cluster/health, _license, _xpack, _nodes, templates, ILM…) is proxied unchanged,
or, with --passthrough=false, only the read-only start-up calls are and the rest is refused with 403. If
the upstream cannot be reached the client gets 502 (and retries); upstream 429 and 5xx are relayed.

The client's Authorization header is passed to the upstream unless --es-api-key or --es-user/--es-password
are given (prefer the environment variables for secrets); it is never logged. Prometheus metrics are at
--metrics-path. SIGINT/SIGTERM stop accepting connections and let in-flight requests finish for up to
--shutdown-timeout.`,
		Example: `  ELASTICSEARCH_URL=https://es:9200 ES_CA_FILE=ca.pem elastic-ingest serve --listen 0.0.0.0:9201
  curl -s -H 'Content-Type: application/x-ndjson' localhost:9201/logs/_bulk --data-binary $'{"index":{}}\n{"process":{"command_line":"reg save hklm\\\\sam s"}}\n'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			if err := applyEnvMap(cmd, serveEnv()); err != nil {
				return err
			}
			return runServe(cmd.Context(), f, cmd.ErrOrStderr(), nil)
		},
	}
	f.model.register(cmd.Flags())
	fs := cmd.Flags()
	fs.StringVar(&f.listen, "listen", "127.0.0.1:9201", "address to listen on [$TTPSCOPE_LISTEN]")
	fs.StringVar(&f.esURL, "es-url", "http://localhost:9200", "upstream Elasticsearch URL [$ELASTICSEARCH_URL]")
	fs.StringVar(&f.apiKey, "es-api-key", "", "API key (base64 id:key) sent upstream instead of the client's Authorization [$ES_API_KEY]")
	fs.StringVar(&f.user, "es-user", "", "basic-auth user sent upstream instead of the client's Authorization [$ES_USER]")
	fs.StringVar(&f.password, "es-password", "", "basic-auth password [$ES_PASSWORD]")
	fs.StringVar(&f.caFile, "es-ca-file", "", "PEM CA file to verify an https upstream with [$ES_CA_FILE]")
	fs.BoolVar(&f.insecure, "es-insecure-skip-verify", false, "do not verify the upstream's TLS certificate (testing only)")
	fs.BoolVar(&f.compress, "es-compress", false, "gzip the _bulk bodies sent upstream (saves bandwidth to a remote cluster)")
	fs.Int64Var(&f.maxBodyBytes, "max-body-bytes", bulkproxy.DefaultMaxBodyBytes, "largest request body accepted, after decompression (like http.max_content_length); larger gets 413")
	fs.BoolVar(&f.passthrough, "passthrough", true, "proxy every non-_bulk request; false proxies only GET/HEAD of /, _cluster/health, _license, _xpack, _nodes and refuses the rest with 403")
	fs.DurationVar(&f.model.batchWait, "batch-wait", 0, "share model runs between concurrent _bulk requests, a document waiting at most this long for its batch to fill; helps many small requests (0: off) [$TTPSCOPE_BATCH_WAIT]")
	fs.BoolVar(&f.noClassify, "no-classify", false, "forward documents without classifying them (no model is loaded): to measure the proxy alone")
	fs.StringVar(&f.metricsPath, "metrics-path", "/metrics", `path of the Prometheus metrics ("-" disables)`)
	fs.DurationVar(&f.shutdownTimeout, "shutdown-timeout", 30*time.Second, "how long in-flight requests may take to finish at shutdown")
	fs.DurationVar(&f.upstreamTimeout, "upstream-timeout", 2*time.Minute, "limit for one upstream request (0: none)")
	fs.StringVar(&f.parseErrorType, "parse-error-type", "document_parsing_exception", "error type answered for a document that is not JSON (mapper_parsing_exception before Elasticsearch 8.8)")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	return cmd
}

// applyEnvMap fills every flag of cmd named in env that the user did not set from its environment variable.
func applyEnvMap(cmd *cobra.Command, env map[string]string) error {
	var err error
	cmd.Flags().VisitAll(func(fl *pflag.Flag) {
		name, ok := env[fl.Name]
		if !ok || fl.Changed || err != nil {
			return
		}
		v, set := os.LookupEnv(name)
		if !set || v == "" {
			return
		}
		if serr := cmd.Flags().Set(fl.Name, v); serr != nil {
			err = &usageError{fmt.Errorf("environment %s: %w", name, serr)}
		}
	})
	return err
}

func (f *serveFlags) validate() error {
	var level slog.Level
	switch {
	case f.maxBodyBytes < 1:
		return &usageError{fmt.Errorf("--max-body-bytes %d: must be positive", f.maxBodyBytes)}
	case f.model.batchWait < 0 || f.model.batchWait > time.Second:
		return &usageError{fmt.Errorf("--batch-wait %v: must be between 0 (off) and 1s", f.model.batchWait)}
	case f.shutdownTimeout < 0 || f.upstreamTimeout < 0:
		return &usageError{fmt.Errorf("--shutdown-timeout and --upstream-timeout must not be negative")}
	case f.apiKey != "" && (f.user != "" || f.password != ""):
		return &usageError{fmt.Errorf("--es-api-key and --es-user/--es-password: give one or the other")}
	case f.metricsPath != "-" && !strings.HasPrefix(f.metricsPath, "/"):
		return &usageError{fmt.Errorf("--metrics-path %q: must start with /", f.metricsPath)}
	case level.UnmarshalText([]byte(f.logLevel)) != nil:
		return &usageError{fmt.Errorf("--log-level %q: want debug, info, warn or error", f.logLevel)}
	}
	u, err := url.Parse(f.esURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &usageError{fmt.Errorf("--es-url: want http(s)://host[:port], got %q", redactURL(f.esURL))}
	}
	return nil
}

// redactURL hides the password of a URL for messages.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return "(unparseable URL)"
}

// runServe serves until ctx ends. ready, when not nil, is told the address listened on.
func runServe(ctx context.Context, f serveFlags, stderr io.Writer, ready func(net.Addr)) error {
	if err := f.validate(); err != nil {
		return err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(f.logLevel))
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	opts := bulkproxy.Options{
		Upstream: f.esURL, ResultKey: f.model.resultKey,
		APIKey: f.apiKey, Username: f.user, Password: f.password,
		CAFile: f.caFile, InsecureSkipVerify: f.insecure, CompressUpstream: f.compress,
		UpstreamTimeout: f.upstreamTimeout, MaxBodyBytes: f.maxBodyBytes, Passthrough: f.passthrough,
		MetricsPath: f.metricsPath, ParseErrorType: f.parseErrorType, Logger: log,
	}
	model := "none (--no-classify)"
	if !f.noClassify {
		clf, enr, err := f.model.load(ctx, log)
		if err != nil {
			return err
		}
		defer clf.Close()
		opts.Enricher = enr
		opts.MaxConcurrentEnrich = f.model.workers
		if f.model.batchWait > 0 { // waiting requests hold no core: let more of them share batches
			opts.MaxConcurrentEnrich = 4 * f.model.workers
		}
		model = enr.Options().Model
	}
	proxy, err := bulkproxy.New(opts)
	if err != nil {
		return &usageError{err}
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", f.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", f.listen, err)
	}
	auth := "client's Authorization"
	switch {
	case f.apiKey != "":
		auth = "configured API key"
	case f.user != "" || f.password != "":
		auth = "configured basic auth"
	}
	log.Info("serving Elasticsearch _bulk proxy", "listen", ln.Addr().String(), "upstream", redactURL(f.esURL),
		"model", model, "auth", auth, "passthrough", f.passthrough, "max_body_bytes", f.maxBodyBytes, "metrics", f.metricsPath)
	if ready != nil {
		ready(ln.Addr())
	}
	err = bulkproxy.Serve(ctx, ln, proxy, f.shutdownTimeout, log)
	log.Info("stopped")
	return err
}
