package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/cgo"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/config"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/deadletter"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/flbconf"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/instance"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/models"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/sink"
	"github.com/ttpscope/ttpscope/model"
	"github.com/ttpscope/ttpscope/shared/cascade"
	"github.com/ttpscope/ttpscope/shared/classifier"
)

// version is set at link time: -X main.version=...
var version = "dev"

// modelLoadTimeout bounds loading a model in Init.
const modelLoadTimeout = 2 * time.Minute

// proc is the state Fluent Bit's ABI forces to be process-wide: instances reach the plugin only through
// C entry points, the ORT environment is global, and on hot reload the new generation's instances share
// models with the old one's until those exit. Building it is cheap; models load in Init, and the
// configuration file is read at the first Init (and again only when it changed).
var proc = &process{models: models.NewRegistry(loadModel)}

type process struct {
	models  *models.Registry
	keys    flbconf.Checker // reads /proc/self/cmdline and the configuration it names
	seq     atomic.Int64    // instance numbers, for log lines
	logOnce sync.Once
	log     *slog.Logger
}

// checkKeys finds unknown keys in every ttpscope output of the configuration Fluent Bit was started
// with, which get_property cannot reveal. Only an unknown key is an error: a configuration that cannot
// be found or read is logged (once per process generation) and Init goes on, config.Parse still probing
// the likely misspellings.
func (p *process) checkKeys(log *slog.Logger) error {
	r := p.keys.Check(flbconf.Spec{Plugin: pluginName, Keys: config.KeyNames(), Hint: config.Hint})
	switch {
	case r.Err != nil:
		return r.Err
	case r.Cached:
	case r.Skipped != "":
		log.Debug("unknown keys not checked", "why", r.Skipped)
	case r.Warning != nil:
		log.Warn("unknown keys could not be checked (only likely misspellings are probed)", "err", r.Warning)
	default:
		log.Info("configuration keys checked", "source", r.Source, "outputs", r.Instances)
	}
	return nil
}

// logger returns the plugin's logger: text to standard error (Fluent Bit's log stream), level from
// TTPSCOPE_LOG_LEVEL (debug, info, warn, error; default info).
func (p *process) logger() *slog.Logger {
	p.logOnce.Do(func() {
		level := slog.LevelInfo
		if v, ok := os.LookupEnv("TTPSCOPE_LOG_LEVEL"); ok {
			if err := level.UnmarshalText([]byte(strings.TrimSpace(v))); err != nil {
				level = slog.LevelInfo
			}
		}
		p.log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})).With("plugin", pluginName)
	})
	return p.log
}

func loadModel(ctx context.Context, k models.Key) (models.Model, error) {
	opts := classifier.Options{ModelDir: k.ModelDir, ORTLibrary: k.ORTLibrary, IntraOpThreads: k.Threads,
		MaxTokens: k.MaxTokens, BatchSize: k.BatchSize}
	if k.ModelDir == "" {
		opts.FS = model.Default()
	}
	c, err := classifier.New(ctx, opts)
	if err != nil {
		return nil, err
	}
	var m models.Model = c
	if k.BatchWait > 0 {
		// Concurrent flushes (Workers > 1) of every instance sharing this model share ORT batches.
		m = classifier.NewCoalescer(c, classifier.CoalesceOptions{MaxWait: k.BatchWait, Owned: true})
	}
	modelFS := opts.FS
	if modelFS == nil {
		modelFS = os.DirFS(k.ModelDir)
	}
	cc, _, err := cascade.Wrap(modelFS, k.Cascade, m)
	if err != nil {
		m.Close()
		return nil, err
	}
	if cc == nil {
		return m, nil
	}
	info := m.Info()
	info.Version += "+cascade"
	return cascaded{cc, info}, nil
}

// cascaded is a model behind an n-gram first stage (shared/cascade).
type cascaded struct {
	*cascade.Classifier
	info classifier.Info
}

func (c cascaded) Info() classifier.Info { return c.info }

func preRegister(hotReload bool) {
	proc.logger().Debug("pre-register", "hot_reload", hotReload, "version", version, "models_loaded", proc.models.Loaded())
}

func errCode(err error, ok, failed int, what string) int {
	if err != nil {
		proc.logger().Error(what+" failed", "err", err)
		return failed
	}
	return ok
}

// initInstance reads the configuration through Fluent Bit's API, builds the instance and stores it as
// the instance's context.
func initInstance(plugin unsafe.Pointer) int {
	n := proc.seq.Add(1)
	log := proc.logger().With("instance", fmt.Sprintf("%s.%d", pluginName, n-1))
	if err := proc.checkKeys(log); err != nil {
		log.Error("init failed: bad configuration", "err", err)
		return instance.Error.Int()
	}
	cfg, err := config.Parse(func(key string) (string, bool) { return property(plugin, key) }, os.LookupEnv)
	if err != nil {
		log.Error("init failed: bad configuration", "err", err)
		return instance.Error.Int()
	}
	log.Info("init", "version", version, "config", cfg)
	ctx, cancel := context.WithTimeout(context.Background(), modelLoadTimeout)
	defer cancel()
	in, err := instance.New(ctx, cfg, instance.Deps{Models: proc.models, Sink: newSink, Logger: log})
	if err != nil {
		log.Error("init failed", "err", err)
		return instance.Error.Int()
	}
	h := cgo.NewHandle(in)
	if err := setContext(plugin, h); err != nil {
		h.Delete()
		log.Error("init failed", "err", errors.Join(err, in.Close()))
		return instance.Error.Int()
	}
	return instance.OK.Int()
}

// newSink builds the configured sink.
func newSink(cfg *config.Config, dl *deadletter.Writer, log *slog.Logger) (sink.Sink, error) {
	switch cfg.Sink {
	case config.SinkNull:
		return sink.Null{}, nil
	case config.SinkStdout:
		return sink.NewStdout(os.Stdout), nil
	case config.SinkForward:
		return sink.NewForward(cfg.ForwardAddress, cfg.ForwardTag, 8), nil
	case config.SinkES:
		return sink.NewES(cfg, dl, log)
	}
	return nil, fmt.Errorf("unknown sink %q", cfg.Sink)
}

func instanceOf(ctx unsafe.Pointer) (*instance.Instance, error) {
	h, ok := handleOf(ctx)
	if !ok {
		return nil, errors.New("no plugin context (did FLBPluginInit succeed?)")
	}
	in, ok := h.Value().(*instance.Instance)
	if !ok {
		return nil, fmt.Errorf("plugin context holds %T", h.Value())
	}
	return in, nil
}

func flush(ctx unsafe.Pointer, data []byte, tag string) int {
	in, err := instanceOf(ctx)
	if err != nil {
		proc.logger().Error("flush refused", "err", err, "tag", tag, "bytes", len(data))
		return instance.Error.Int()
	}
	return in.Flush(tag, data).Int()
}

func flushWithoutContext(n int, tag string) int {
	proc.logger().Error("FLBPluginFlush called without a context: this Fluent Bit is too old for ttpscope "+
		"(it needs FLBPluginFlushCtx); chunk dropped", "tag", tag, "bytes", n)
	return instance.Error.Int()
}

func preExit() {
	proc.logger().Debug("pre-exit: flushes are synchronous, nothing is pending", "models_loaded", proc.models.Loaded())
}

func exitInstance(ctx unsafe.Pointer) int {
	in, err := instanceOf(ctx)
	if err != nil {
		proc.logger().Error("exit", "err", err)
		return instance.Error.Int()
	}
	h, _ := handleOf(ctx)
	err = in.Close()
	h.Delete()
	freeContext(ctx)
	if err != nil {
		proc.logger().Error("exit", "err", err)
		return instance.Error.Int()
	}
	return instance.OK.Int()
}

func logPanic(export string, r any) {
	proc.logger().Error("panic recovered", "export", export, "panic", r, "stack", string(debug.Stack()))
}
