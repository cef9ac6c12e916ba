// Package instance is one configured ttpscope output: it decodes a Fluent Bit chunk, classifies its
// records, delivers them through the configured sink and turns the outcome into Fluent Bit's return
// code. It knows nothing of cgo; package main only moves pointers.
package instance

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/config"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/deadletter"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/models"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/msgpack"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/sink"
	"github.com/ttpscope/ttpscope/shared/enrich"
)

// Code is a Fluent Bit flush return code.
type Code int

// Fluent Bit's return codes (FLB_ERROR, FLB_OK, FLB_RETRY).
const (
	Error Code = 0
	OK    Code = 1
	Retry Code = 2
)

func (c Code) String() string {
	switch c {
	case OK:
		return "OK"
	case Retry:
		return "RETRY"
	}
	return "ERROR"
}

// classifyShare is the part of flush_timeout classification may use; the rest is kept for delivery, so
// that a slow model still leaves time to deliver the records (annotated with status error).
const classifyShare = 0.6

// SinkFactory builds the sink for a configuration; tests and package main pass their own.
type SinkFactory func(cfg *config.Config, dl *deadletter.Writer, log *slog.Logger) (sink.Sink, error)

// Deps are what an Instance is built from besides its configuration.
type Deps struct {
	Models *models.Registry
	Sink   SinkFactory
	Logger *slog.Logger
}

// Instance is one output instance. Flush is safe for concurrent use (Fluent Bit's Workers N).
type Instance struct {
	cfg      *config.Config
	log      *slog.Logger
	enricher *enrich.Enricher
	model    models.Model
	release  func() error
	sink     sink.Sink
	dead     *deadletter.Writer

	mu     sync.RWMutex // flushes hold it for reading; Close for writing
	closed bool

	stats counters
}

type counters struct {
	chunks, events, groupMarkers, badSpans, badBytes        atomic.Uint64
	delivered, duplicates, deadLettered, retryable, retries atomic.Uint64
	classifyErrors, panics                                  atomic.Uint64
}

// Stats is a snapshot of an Instance's counters.
type Stats struct {
	Chunks, Events, GroupMarkers, BadSpans, BadBytes        uint64
	Delivered, Duplicates, DeadLettered, Retryable, Retries uint64
	ClassifyErrors, Panics                                  uint64
	Enrich                                                  enrich.Stats
}

// New builds an instance: acquires the (shared) model, builds the enricher and the sink.
func New(ctx context.Context, cfg *config.Config, deps Deps) (*Instance, error) {
	log := deps.Logger
	if log == nil {
		log = slog.Default()
	}
	key := models.Key{ModelDir: cfg.ModelDir, ORTLibrary: cfg.ORTLibrary, Threads: cfg.Threads,
		MaxTokens: cfg.MaxTokens, BatchSize: cfg.BatchSize, BatchWait: cfg.BatchWait, Cascade: cfg.Cascade}
	model, release, shared, err := deps.Models.Acquire(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("load model (%s): %w", key, err)
	}
	info := model.Info()
	name := info.Name + "@" + info.Version
	log.Info("model ready", "model", name, "source", info.Source, "shared", shared, "max_tokens", info.MaxTokens,
		"ort_library", info.ORTLibrary, "ort_version", info.ORTVersion)
	cache := cfg.CacheSize
	if cache == 0 {
		cache = -1 // enrich: negative disables
	}
	enr, err := enrich.New(model, enrich.Options{Fields: cfg.Fields, ResultKey: cfg.ResultKey,
		AlertThreshold: cfg.AlertThreshold, CacheEntries: cache, Model: name})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("enricher: %w", err), release())
	}
	// The plugin's own dead letters (undecodable bytes, panicked chunks, unencodable records) go through
	// dead. With sink es, esbulk appends the documents Elasticsearch refuses to the same path through its
	// own handle: both append with O_APPEND, one write(2) and fsync per batch, never truncate, so their
	// lines do not interleave (README, "Dead letters").
	dead := deadletter.New(cfg.DeadLetterPath)
	s, err := deps.Sink(cfg, dead, log)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sink %s: %w", cfg.Sink, err), release())
	}
	return &Instance{cfg: cfg, log: log, enricher: enr, model: model, release: release, sink: s, dead: dead}, nil
}

// Flush handles one chunk. It returns within the configured flush_timeout (plus the time a sink takes
// to notice its context ended).
func (in *Instance) Flush(tag string, chunk []byte) (code Code) {
	in.mu.RLock()
	defer in.mu.RUnlock()
	if in.closed {
		in.log.Error("flush after exit: chunk refused, Fluent Bit will retry it", "tag", tag, "bytes", len(chunk))
		return Retry
	}
	defer func() {
		if r := recover(); r != nil {
			code = in.panicked(tag, chunk, r)
		}
	}()
	in.stats.chunks.Add(1)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), in.cfg.FlushTimeout)
	defer cancel()

	res := msgpack.Decode(chunk)
	in.stats.groupMarkers.Add(uint64(res.GroupMarkers))
	in.reportProblems(tag, res)
	if len(res.Events) == 0 {
		return OK
	}
	in.stats.events.Add(uint64(len(res.Events)))

	events := make([]sink.Event, len(res.Events))
	records := make([]map[string]any, len(res.Events))
	tagBytes := []byte(tag)
	for i, ev := range res.Events {
		records[i] = ev.Body
		events[i] = sink.Event{Time: ev.Time, Metadata: ev.Metadata, Record: ev.Body, Key: [][]byte{tagBytes, ev.Header, ev.RawBody}}
	}

	cctx, ccancel := context.WithTimeout(ctx, time.Duration(float64(in.cfg.FlushTimeout)*classifyShare))
	err := in.enricher.Enrich(cctx, records)
	ccancel()
	if err != nil {
		in.stats.classifyErrors.Add(1)
		in.log.Error("classification failed; the records are delivered with status error", "tag", tag,
			"records", len(records), "err", err)
	}

	out, err := in.sink.Write(ctx, tag, events)
	in.stats.delivered.Add(uint64(out.Delivered))
	in.stats.duplicates.Add(uint64(out.Duplicates))
	in.stats.deadLettered.Add(uint64(out.DeadLettered))
	if err != nil || out.Retryable > 0 {
		in.stats.retries.Add(1)
		in.stats.retryable.Add(uint64(max(out.Retryable, 1)))
		in.log.Warn("delivery incomplete: Fluent Bit will retry the chunk", "tag", tag, "records", len(events),
			"delivered", out.Delivered, "duplicates", out.Duplicates, "dead_lettered", out.DeadLettered,
			"retryable", out.Retryable, "err", err, "elapsed", time.Since(start).Round(time.Millisecond))
		return Retry
	}
	in.log.Debug("flush", "tag", tag, "records", len(events), "delivered", out.Delivered, "duplicates", out.Duplicates,
		"dead_lettered", out.DeadLettered, "elapsed", time.Since(start).Round(time.Millisecond))
	return OK
}

// reportProblems logs what did not decode and writes it to the dead-letter file.
func (in *Instance) reportProblems(tag string, res msgpack.Result) {
	if len(res.Problems) == 0 {
		return
	}
	in.stats.badSpans.Add(uint64(len(res.Problems)))
	in.stats.badBytes.Add(uint64(res.BadBytes()))
	entries := make([]deadletter.Entry, len(res.Problems))
	for i, p := range res.Problems {
		entries[i] = deadletter.Raw(tag, p.Err.Error(), p.Offset, p.Raw)
	}
	err := in.dead.Write(entries...)
	if err != nil {
		for i, p := range res.Problems { // no file: the log is the record of it
			b64 := entries[i].Msgpack
			if len(b64) > 4096 {
				b64 = b64[:4096] + "...(truncated)"
			}
			in.log.Error("undecodable chunk bytes (no dead_letter_path: logged here)", "tag", tag, "offset", p.Offset,
				"bytes", len(p.Raw), "err", p.Err, "msgpack_base64", b64)
		}
		return
	}
	in.log.Error("undecodable chunk bytes written to the dead-letter file", "tag", tag, "spans", len(res.Problems),
		"bytes", res.BadBytes(), "events_decoded", len(res.Events), "path", in.dead.Path(), "first_err", res.Problems[0].Err)
}

// panicked turns a panic inside Flush into a logged, dead-lettered ERROR.
func (in *Instance) panicked(tag string, chunk []byte, r any) Code {
	in.stats.panics.Add(1)
	reason := fmt.Sprintf("panic in flush: %v", r)
	in.log.Error("panic in flush; chunk dropped (written to the dead-letter file when set)", "tag", tag,
		"bytes", len(chunk), "panic", r, "stack", string(debug.Stack()))
	if err := in.dead.Write(deadletter.Raw(tag, reason, 0, chunk)); err != nil {
		in.log.Error("chunk not dead-lettered", "err", err)
	}
	return Error
}

// Stats returns a snapshot of the counters.
func (in *Instance) Stats() Stats {
	s := &in.stats
	return Stats{
		Chunks: s.chunks.Load(), Events: s.events.Load(), GroupMarkers: s.groupMarkers.Load(),
		BadSpans: s.badSpans.Load(), BadBytes: s.badBytes.Load(), Delivered: s.delivered.Load(),
		Duplicates: s.duplicates.Load(), DeadLettered: s.deadLettered.Load(), Retryable: s.retryable.Load(),
		Retries: s.retries.Load(), ClassifyErrors: s.classifyErrors.Load(), Panics: s.panics.Load(),
		Enrich: in.enricher.Stats(),
	}
}

// Close waits for flushes in flight, logs a summary, and closes the sink, the dead-letter file and the
// model reference. It is idempotent.
func (in *Instance) Close() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed {
		return nil
	}
	in.closed = true
	st := in.Stats()
	in.log.Info("exit", "chunks", st.Chunks, "records", st.Events, "delivered", st.Delivered, "duplicates", st.Duplicates,
		"dead_lettered", st.DeadLettered, "retried_chunks", st.Retries, "group_markers", st.GroupMarkers,
		"undecodable_spans", st.BadSpans, "classified_ok", st.Enrich.OK, "skipped", st.Enrich.Skipped,
		"errors", st.Enrich.Errors, "alerts", st.Enrich.Alerts, "per_class", st.Enrich.PerClass,
		"cache_hits", st.Enrich.Cache.Hits, "cache_misses", st.Enrich.Cache.Misses)
	return errors.Join(in.sink.Close(), in.dead.Close(), in.release())
}

// Config returns the instance's configuration.
func (in *Instance) Config() *config.Config { return in.cfg }

// Int returns the code as the plain integer Fluent Bit reads.
func (c Code) Int() int { return int(c) }
