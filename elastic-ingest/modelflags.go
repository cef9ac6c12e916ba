package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ttpscope/ttpscope/model"
	"github.com/ttpscope/ttpscope/shared/cascade"
	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/shared/record"
	"github.com/ttpscope/ttpscope/shared/schema"
)

// modelFlags are the flags of every command that classifies: which model, how to run it, and where the
// text and the result live in a record.
type modelFlags struct {
	modelDir   string
	ortLibrary string
	fields     []string
	resultKey  string
	threshold  float64
	batchSize  int
	threads    int
	workers    int
	maxTokens  int
	cacheSize  int
	batchWait  time.Duration // serve --batch-wait; > 0 loads a classifier.Coalescer
	cascade    string        // cascade file (shared/cascade): an n-gram first stage
}

// loadedModel is what load returns for its caller to close: a *classifier.Classifier, or a
// *classifier.Coalescer that owns one.
type loadedModel interface {
	Classes() []string
	Close() error
}

// envFallbacks maps flag names to the environment variables read when the flag is not given.
var envFallbacks = map[string]string{
	"model-dir":       "TTPSCOPE_MODEL_DIR",
	"ort-library":     "ORT_LIBRARY",
	"fields":          "TTPSCOPE_FIELDS",
	"result-key":      "TTPSCOPE_RESULT_KEY",
	"alert-threshold": "TTPSCOPE_ALERT_THRESHOLD",
	"batch-size":      "TTPSCOPE_BATCH_SIZE",
	"threads":         "TTPSCOPE_THREADS",
	"workers":         "TTPSCOPE_WORKERS",
	"max-tokens":      "TTPSCOPE_MAX_TOKENS",
	"cache-size":      "TTPSCOPE_CACHE_SIZE",
	"cascade":         "TTPSCOPE_CASCADE",
}

func (m *modelFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&m.modelDir, "model-dir", "", "model directory (model.onnx, tokenizer.json, config.json); empty uses the embedded default model [$TTPSCOPE_MODEL_DIR]")
	fs.StringVar(&m.ortLibrary, "ort-library", "", "path to libonnxruntime.so; empty finds the one `make` fetched [$ORT_LIBRARY]")
	fs.StringSliceVar(&m.fields, "fields", record.DefaultFields(), "record keys or dotted paths to take the text from, first present wins [$TTPSCOPE_FIELDS]")
	fs.StringVar(&m.resultKey, "result-key", schema.DefaultKey, "key (dotted path allowed) the result is written under [$TTPSCOPE_RESULT_KEY]")
	fs.Float64Var(&m.threshold, "alert-threshold", enrich.DefaultAlertThreshold, "score at or above which an attack class also gets ECS threat.* fields [$TTPSCOPE_ALERT_THRESHOLD]")
	fs.IntVar(&m.batchSize, "batch-size", classifier.DefaultBatchSize, "texts per model run [$TTPSCOPE_BATCH_SIZE]")
	fs.IntVar(&m.threads, "threads", 1, "ONNX Runtime intra-op threads per model run [$TTPSCOPE_THREADS]")
	fs.IntVar(&m.workers, "workers", runtime.NumCPU(), "model runs in parallel [$TTPSCOPE_WORKERS]")
	fs.IntVar(&m.maxTokens, "max-tokens", 0, "tokens per window; longer texts are classified over overlapping windows (0: the model's maximum) [$TTPSCOPE_MAX_TOKENS]")
	fs.IntVar(&m.cacheSize, "cache-size", enrich.DefaultCacheEntries, "normalized texts whose results are remembered (0 disables) [$TTPSCOPE_CACHE_SIZE]")
	fs.StringVar(&m.cascade, "cascade", "", "character n-gram first stage that decides the lines it finds benign with very high confidence, the model the rest: empty uses the model directory's cascade.json if it has one, off disables, else a cascade file's path [$TTPSCOPE_CASCADE]")
}

// applyEnv fills every flag the user did not set from its environment variable, if that is set.
func applyEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		env, ok := envFallbacks[f.Name]
		if !ok || f.Changed || err != nil {
			return
		}
		v, set := os.LookupEnv(env)
		if !set || v == "" {
			return
		}
		if f.Value.Type() == "stringSlice" {
			v = strings.Join(strings.Fields(strings.ReplaceAll(v, ",", " ")), ",")
		}
		if serr := cmd.Flags().Set(f.Name, v); serr != nil {
			err = &usageError{fmt.Errorf("environment %s=%q: %w", env, v, serr)}
		}
	})
	return err
}

func (m *modelFlags) validate() error {
	switch {
	case m.threshold < 0 || m.threshold > 1:
		return &usageError{fmt.Errorf("--alert-threshold %v: must be between 0 and 1", m.threshold)}
	case m.batchSize < 1:
		return &usageError{fmt.Errorf("--batch-size %d: must be at least 1", m.batchSize)}
	case m.threads < 1:
		return &usageError{fmt.Errorf("--threads %d: must be at least 1", m.threads)}
	case m.workers < 1:
		return &usageError{fmt.Errorf("--workers %d: must be at least 1", m.workers)}
	case m.maxTokens < 0:
		return &usageError{fmt.Errorf("--max-tokens %d: must not be negative", m.maxTokens)}
	case m.cacheSize < 0:
		return &usageError{fmt.Errorf("--cache-size %d: must not be negative", m.cacheSize)}
	case len(m.fields) == 0:
		return &usageError{fmt.Errorf("--fields: give at least one field")}
	}
	return nil
}

// load opens the model and builds the enricher. The caller closes the classifier. With batchWait > 0
// the enricher classifies through a classifier.Coalescer (workers runners), which is returned instead.
func (m *modelFlags) load(ctx context.Context, log *slog.Logger) (loadedModel, *enrich.Enricher, error) {
	if err := m.validate(); err != nil {
		return nil, nil, err
	}
	opts := classifier.Options{
		ModelDir:       m.modelDir,
		ORTLibrary:     m.ortLibrary,
		IntraOpThreads: m.threads,
		MaxTokens:      m.maxTokens,
		BatchSize:      m.batchSize,
	}
	if m.modelDir == "" {
		opts.FS = model.Default()
	}
	clf, err := classifier.New(ctx, opts)
	if err != nil {
		return nil, nil, err
	}
	info := clf.Info()
	var model interface {
		enrich.Classifier
		loadedModel
	} = clf
	if m.batchWait > 0 {
		model = classifier.NewCoalescer(clf, classifier.CoalesceOptions{MaxWait: m.batchWait, Runners: m.workers, Owned: true})
	}
	name := info.Name + "@" + info.Version
	modelFS := opts.FS
	if modelFS == nil {
		modelFS = os.DirFS(m.modelDir)
	}
	c, source, err := cascade.Wrap(modelFS, m.cascade, model)
	if err != nil {
		model.Close()
		return nil, nil, fmt.Errorf("cascade (--cascade %q): %w", m.cascade, err)
	}
	if c != nil {
		model, name = c, name+"+cascade"
	}
	cache := m.cacheSize
	if cache == 0 {
		cache = -1 // enrich: negative disables
	}
	enr, err := enrich.New(model, enrich.Options{
		Fields:         m.fields,
		ResultKey:      m.resultKey,
		AlertThreshold: m.threshold,
		CacheEntries:   cache,
		Model:          name,
	})
	if err != nil {
		model.Close()
		return nil, nil, err
	}
	log.Debug("model loaded", "model", name, "cascade", source, "dir", m.modelDir, "max_tokens", info.MaxTokens,
		"threads", m.threads, "workers", m.workers, "batch_size", m.batchSize, "batch_wait", m.batchWait)
	return model, enr, nil
}
