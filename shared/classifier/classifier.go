package classifier

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/ttpscope/ttpscope/shared/ortenv"
	"github.com/ttpscope/ttpscope/shared/tokenizer"
)

// Defaults for Options fields left at zero.
const (
	DefaultBatchSize      = 8
	DefaultMaxWindows     = 16
	DefaultIntraOpThreads = 1
	DefaultInterOpThreads = 1
)

// Model file names inside a model directory (Hugging Face / Optimum ONNX export layout).
const (
	ModelFile           = "model.onnx"
	TokenizerFile       = "tokenizer.json"
	ConfigFile          = "config.json"
	TokenizerConfigFile = "tokenizer_config.json" // optional
)

// Options configure New. The zero value of every field but the model source is a sensible default.
type Options struct {
	// ModelDir is a directory holding model.onnx, tokenizer.json and config.json. It wins over FS.
	ModelDir string
	// FS is the alternative model source (e.g. the go:embed FS of package model, or fs.Sub of
	// it); the three files are read from its root. One of ModelDir and FS is required.
	FS fs.FS
	// ORTLibrary is the explicit ONNX Runtime library path; "" uses ortenv discovery.
	ORTLibrary string
	// IntraOpThreads is ORT's thread count inside one Run (default 1: parallelism comes from
	// concurrent Classify callers, one core each).
	IntraOpThreads int
	// InterOpThreads is ORT's inter-op pool size (default 1; only used by parallel execution).
	InterOpThreads int
	// MaxTokens is the window length in tokens, special tokens included (0 = the model's maximum).
	MaxTokens int
	// Stride is how many tokens each window starts after the previous one (0 = half a window).
	Stride int
	// MaxWindows caps the windows per text (0 = 16); see the package doc for what happens beyond.
	MaxWindows int
	// BatchSize is the number of windows per ORT run (default 32).
	BatchSize int
	// Logger receives load-time debug records; nil uses slog.Default().
	Logger *slog.Logger
}

// Info describes a loaded classifier.
type Info struct {
	Name, Version  string
	Source         string   // absolute model directory, or "fs" for an fs.FS
	Labels         []string // the model's own labels, by output index
	Classes        []string // ttpscope class names, by output index
	Temperature    float64
	ModelMaxTokens int      // the model's sequence limit (specials included)
	MaxTokens      int      // window length in use (specials included)
	WindowTokens   int      // text tokens per window (MaxTokens - special tokens)
	Stride         int      // tokens between window starts
	MaxWindows     int      // windows per text, at most
	BatchSize      int      // windows per ORT run
	InputNames     []string // ORT inputs fed, in feed order
	OutputName     string
	PadID          int64
	ORTLibrary     string
	ORTVersion     string
}

// Classifier runs a sequence-classification model over texts. It is safe for concurrent use.
type Classifier struct {
	info        Info
	tok         *tokenizer.Tokenizer
	specials    int
	benign      int
	numLabels   int
	temperature float64
	tokenTypes  bool // the model takes token_type_ids

	// wrapPre and wrapSuf are the special-token ids the post-processor puts around one window, when
	// wrapping is all it does (wrapOK): Windows then builds rows from ids alone.
	wrapPre, wrapSuf []int64
	wrapOK           bool

	mu      sync.RWMutex // held for reading by every run, for writing by Close
	closed  bool
	session *ort.DynamicAdvancedSession
	release func() error

	bufs sync.Pool // *buffers
}

// ErrClosed is returned by calls on a closed Classifier.
var ErrClosed = errors.New("classifier closed")

// source abstracts a model directory and an fs.FS.
type source struct {
	dir  string // absolute directory; "" for fsys
	fsys fs.FS
}

func (s source) name(file string) string {
	if s.fsys != nil {
		return "fs:" + file
	}
	return filepath.Join(s.dir, file)
}

func (s source) read(file string) ([]byte, error) {
	if s.fsys != nil {
		return fs.ReadFile(s.fsys, file)
	}
	return os.ReadFile(filepath.Join(s.dir, file))
}

func (s source) exists(file string) (bool, error) {
	var info fs.FileInfo
	var err error
	if s.fsys != nil {
		info, err = fs.Stat(s.fsys, file)
	} else {
		info, err = os.Stat(filepath.Join(s.dir, file))
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if info.IsDir() {
		return false, fmt.Errorf("%s is a directory", s.name(file))
	}
	return true, nil
}

// New loads a model, validates it and opens an ORT session. ctx bounds the load (checked between
// steps; ORT session creation itself cannot be interrupted).
func New(ctx context.Context, opts Options) (*Classifier, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	src := source{fsys: opts.FS}
	switch {
	case opts.ModelDir != "":
		abs, err := filepath.Abs(opts.ModelDir)
		if err != nil {
			return nil, fmt.Errorf("model directory %s: %w", opts.ModelDir, err)
		}
		st, err := os.Stat(abs)
		if err != nil {
			return nil, fmt.Errorf("model directory %s: %w", abs, err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("model directory %s: not a directory", abs)
		}
		src = source{dir: abs}
	case opts.FS == nil:
		return nil, errors.New("classifier: no model: set Options.ModelDir or Options.FS")
	}

	var missing []string
	for _, f := range []string{ModelFile, TokenizerFile, ConfigFile} {
		ok, err := src.exists(f)
		if err != nil {
			return nil, fmt.Errorf("model file %s: %w", src.name(f), err)
		}
		if !ok {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		dir := src.dir
		if dir == "" {
			dir = "fs"
		}
		return nil, &errMissingFiles{dir: dir, files: missing}
	}

	cfgData, err := src.read(ConfigFile)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src.name(ConfigFile), err)
	}
	cfg, err := parseConfig(cfgData, src.name(ConfigFile))
	if err != nil {
		return nil, err
	}
	modelMax := cfg.MaxTokens
	if ok, err := src.exists(TokenizerConfigFile); err == nil && ok {
		data, err := src.read(TokenizerConfigFile)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", src.name(TokenizerConfigFile), err)
		}
		n, err := parseTokenizerConfig(data, src.name(TokenizerConfigFile))
		if err != nil {
			return nil, err
		}
		if n > 0 && n < modelMax {
			modelMax = n
		}
	}

	tokData, err := src.read(TokenizerFile)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src.name(TokenizerFile), err)
	}
	tokSettings, err := parseTokenizerSettings(tokData, src.name(TokenizerFile))
	if err != nil {
		return nil, err
	}
	tok, err := tokenizer.FromJSON(tokData)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", src.name(TokenizerFile), err)
	}
	tok.SetTruncation(nil) // we cut windows ourselves and must see every token
	tok.SetPadding(nil)    // batches are padded here, to their longest member

	tokPad, tokPadOK := tok.TokenToID("<pad>")
	padID, ok := choosePadID(tokSettings.PadID, tokPad, tokPadOK, cfg.PadTokenID)
	if !ok {
		return nil, fmt.Errorf("no pad token id: %s has no padding.pad_id and no <pad> token, and %s has no pad_token_id",
			src.name(TokenizerFile), src.name(ConfigFile))
	}

	specials := tok.NumSpecialTokensToAdd()
	maxTokens := modelMax
	if opts.MaxTokens > 0 {
		if opts.MaxTokens > modelMax {
			return nil, fmt.Errorf("Options.MaxTokens %d exceeds the model's limit %d (%s)", opts.MaxTokens, modelMax,
				src.name(ConfigFile))
		}
		maxTokens = opts.MaxTokens
	}
	window := maxTokens - specials
	if window < 1 {
		return nil, fmt.Errorf("window of %d tokens leaves no room for text after %d special tokens", maxTokens, specials)
	}
	stride := opts.Stride
	if stride == 0 {
		stride = max(1, window/2)
	}
	if stride > window {
		return nil, fmt.Errorf("Options.Stride %d exceeds the %d text tokens per window (windows would skip tokens)",
			stride, window)
	}

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	release, err := ortenv.Acquire(opts.ORTLibrary)
	if err != nil {
		return nil, err
	}
	c := &Classifier{
		tok:         tok,
		specials:    specials,
		benign:      cfg.BenignIndex,
		numLabels:   len(cfg.Labels),
		temperature: cfg.Temperature,
		release:     release,
	}
	if pre, suf, ok := tok.SingleSpecials(); ok && len(pre)+len(suf) == specials {
		c.wrapPre, c.wrapSuf, c.wrapOK = widen(pre), widen(suf), true
	}
	if err := c.openSession(ctx, src, opts); err != nil {
		return nil, errors.Join(err, release())
	}
	lib, _, _ := ortenv.Loaded()
	name := cfg.Name
	if name == "" {
		name = filepath.Base(src.dir)
	}
	c.info = Info{
		Name: name, Version: cfg.Version, Source: src.dir,
		Labels: cfg.Labels, Classes: cfg.Classes, Temperature: cfg.Temperature,
		ModelMaxTokens: modelMax, MaxTokens: maxTokens, WindowTokens: window, Stride: stride,
		MaxWindows: opts.MaxWindows, BatchSize: opts.BatchSize,
		InputNames: c.inputNames(), OutputName: "logits", PadID: padID,
		ORTLibrary: lib, ORTVersion: ortenv.Version(),
	}
	if src.fsys != nil {
		c.info.Source = "fs"
	}
	c.bufs.New = func() any { return new(buffers) }
	log.Debug("classifier loaded", "model", c.info.Name, "version", c.info.Version, "source", c.info.Source,
		"classes", c.info.Classes, "max_tokens", maxTokens, "stride", stride, "batch", opts.BatchSize,
		"intra_op_threads", opts.IntraOpThreads, "ort", c.info.ORTVersion, "ort_library", lib)
	return c, nil
}

// choosePadID picks the padding id: tokenizer.json padding.pad_id, else the <pad> token, else
// config.json pad_token_id.
func choosePadID(paddingID *int, padToken int32, hasPadToken bool, configID *int) (int64, bool) {
	switch {
	case paddingID != nil:
		return int64(*paddingID), true
	case hasPadToken:
		return int64(padToken), true
	case configID != nil:
		return int64(*configID), true
	}
	return 0, false
}

func (o *Options) validate() error {
	for _, f := range []struct {
		name string
		v    *int
		def  int
	}{
		{"IntraOpThreads", &o.IntraOpThreads, DefaultIntraOpThreads},
		{"InterOpThreads", &o.InterOpThreads, DefaultInterOpThreads},
		{"BatchSize", &o.BatchSize, DefaultBatchSize},
		{"MaxWindows", &o.MaxWindows, DefaultMaxWindows},
		{"MaxTokens", &o.MaxTokens, 0},
		{"Stride", &o.Stride, 0},
	} {
		if *f.v < 0 {
			return fmt.Errorf("classifier options: %s is %d, must not be negative", f.name, *f.v)
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return nil
}

// openSession validates the graph's inputs and outputs and creates the ORT session.
func (c *Classifier) openSession(ctx context.Context, src source, opts Options) error {
	var modelData []byte
	modelName := src.name(ModelFile)
	if src.fsys != nil {
		var err error
		if modelData, err = src.read(ModelFile); err != nil {
			return fmt.Errorf("read %s: %w", modelName, err)
		}
	}

	so, err := ort.NewSessionOptions()
	if err != nil {
		return fmt.Errorf("ORT session options: %w", err)
	}
	defer so.Destroy()
	for _, step := range []struct {
		what string
		err  error
	}{
		{"intra-op threads", so.SetIntraOpNumThreads(opts.IntraOpThreads)},
		{"inter-op threads", so.SetInterOpNumThreads(opts.InterOpThreads)},
		{"intra-op spinning", so.AddSessionConfigEntry("session.intra_op.allow_spinning", "0")},
		{"inter-op spinning", so.AddSessionConfigEntry("session.inter_op.allow_spinning", "0")},
		{"graph optimization", so.SetGraphOptimizationLevel(ort.GraphOptimizationLevelEnableAll)},
		{"log level", so.SetLogSeverityLevel(ort.LoggingLevelFatal)}, // failures come back as errors
	} {
		if step.err != nil {
			return fmt.Errorf("ORT session options: %s: %w", step.what, step.err)
		}
	}

	var inputs, outputs []ort.InputOutputInfo
	if modelData != nil {
		inputs, outputs, err = ort.GetInputOutputInfoWithONNXData(modelData)
	} else {
		inputs, outputs, err = inspectFile(modelName, opts.IntraOpThreads)
	}
	if err != nil {
		return fmt.Errorf("load %s: %w", modelName, err)
	}
	if err := c.checkGraph(modelName, inputs, outputs); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if modelData != nil {
		c.session, err = ort.NewDynamicAdvancedSessionWithONNXData(modelData, c.inputNames(), []string{"logits"}, so)
	} else {
		c.session, err = ort.NewDynamicAdvancedSession(modelName, c.inputNames(), []string{"logits"}, so)
	}
	if err != nil {
		return fmt.Errorf("ORT session for %s: %w", modelName, err)
	}
	return nil
}

// inspectFile reads a model's inputs and outputs through a throw-away session with graph
// optimizations off, so that validation does not pay for optimizing the graph twice.
func inspectFile(path string, threads int) ([]ort.InputOutputInfo, []ort.InputOutputInfo, error) {
	so, err := ort.NewSessionOptions()
	if err != nil {
		return nil, nil, err
	}
	defer so.Destroy()
	if err := so.SetGraphOptimizationLevel(ort.GraphOptimizationLevelDisableAll); err != nil {
		return nil, nil, err
	}
	if err := so.SetIntraOpNumThreads(threads); err != nil {
		return nil, nil, err
	}
	if err := so.SetLogSeverityLevel(ort.LoggingLevelFatal); err != nil {
		return nil, nil, err
	}
	return ort.GetInputOutputInfoWithOptions(path, so)
}

func (c *Classifier) inputNames() []string {
	if c.tokenTypes {
		return []string{"input_ids", "attention_mask", "token_type_ids"}
	}
	return []string{"input_ids", "attention_mask"}
}

// checkGraph validates the model's inputs and outputs against what the classifier feeds and reads.
func (c *Classifier) checkGraph(file string, inputs, outputs []ort.InputOutputInfo) error {
	seen := map[string]bool{}
	for _, in := range inputs {
		switch in.Name {
		case "input_ids", "attention_mask", "token_type_ids":
		default:
			return fmt.Errorf("%s: unsupported input %q (the classifier feeds input_ids, attention_mask and "+
				"optionally token_type_ids)", file, in.Name)
		}
		if in.OrtValueType != ort.ONNXTypeTensor || in.DataType != ort.TensorElementDataTypeInt64 ||
			len(in.Dimensions) != 2 {
			return fmt.Errorf("%s: input %q is %s; want an int64 tensor [batch, sequence]", file, in.Name, in.String())
		}
		seen[in.Name] = true
	}
	var missing []string
	for _, n := range []string{"input_ids", "attention_mask"} {
		if !seen[n] {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		names := make([]string, len(inputs))
		for i, in := range inputs {
			names[i] = in.Name
		}
		return fmt.Errorf("%s: missing input %s (model inputs: %s)", file, strings.Join(missing, ", "),
			strings.Join(names, ", "))
	}
	c.tokenTypes = seen["token_type_ids"]

	for _, out := range outputs {
		if out.Name != "logits" {
			continue
		}
		if out.OrtValueType != ort.ONNXTypeTensor || out.DataType != ort.TensorElementDataTypeFloat ||
			len(out.Dimensions) != 2 {
			return fmt.Errorf("%s: output \"logits\" is %s; want a float32 tensor [batch, labels]", file, out.String())
		}
		if d := out.Dimensions[1]; d > 0 && int(d) != c.numLabels {
			return fmt.Errorf("%s: output \"logits\" has %d labels (shape %s) but %s has %d in id2label",
				file, d, out.Dimensions, ConfigFile, c.numLabels)
		}
		return nil
	}
	names := make([]string, len(outputs))
	for i, out := range outputs {
		names[i] = out.Name
	}
	return fmt.Errorf("%s: no output \"logits\" (model outputs: %s)", file, strings.Join(names, ", "))
}

// Info describes the loaded model and the settings in use. The slices are copies.
func (c *Classifier) Info() Info {
	info := c.info
	info.Labels = append([]string(nil), c.info.Labels...)
	info.Classes = append([]string(nil), c.info.Classes...)
	info.InputNames = append([]string(nil), c.info.InputNames...)
	return info
}

// Classes returns ttpscope class names in the model's output order: Prediction.Probs[i] is the
// probability of Classes()[i]. Callers should map classes by name, not position.
func (c *Classifier) Classes() []string {
	return append([]string(nil), c.info.Classes...)
}

// Close destroys the ORT session and releases the ORT environment reference. It waits for
// in-flight calls, is idempotent, and later calls return ErrClosed.
func (c *Classifier) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	var errs []error
	if err := c.session.Destroy(); err != nil {
		errs = append(errs, fmt.Errorf("destroy ORT session: %w", err))
	}
	c.session = nil
	errs = append(errs, c.release())
	return errors.Join(errs...)
}
