package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/ttpscope/ttpscope/model/evaluate"
	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/shared/ngram"
	"github.com/ttpscope/ttpscope/shared/normalize"
	"github.com/ttpscope/ttpscope/shared/schema"
)

type evalFlags struct {
	model      modelFlags
	ngram      string
	jsonOut    string
	htmlOut    string
	predsOut   string
	showMisses int
	sweep      bool
	bins       int
	limit      int
	chunk      int
	progress   time.Duration
	quiet      bool
}

// evalField is the record key eval puts each line's text under, as a plain-text log line would be.
const evalField = "message"

func newEvalCmd() *cobra.Command {
	var f evalFlags
	cmd := &cobra.Command{
		Use:   "eval [flags] FILE.jsonl...",
		Short: "Score the model on labelled JSONL files, through the same path as classify",
		Long: `eval classifies every line of each labelled JSONL file exactly as the runtime serves it (the text is
wrapped as {"message": text} and goes through the enricher: normalization, windows, batching; the result
cache is off) and prints a markdown report per file to standard output.

Each line is a JSON object with "text" and "label" (benign, T1003.002, T1562, T1134 or out-of-scope) and
optionally "source", "group", "family" and "split". The report has, per file: precision, recall, F1 and
support per class, macro-F1, accuracy and the confusion matrix, both for the most probable class (argmax)
and under the alert rule (an attack class counts only when its score is at least --alert-threshold,
otherwise the line counts as benign); what out-of-scope lines were called (they are left out of the
four-class metrics); expected calibration error with a reliability table; a precision-recall summary per
class; with "family", the worst families by recall; with "split", metrics per split; with "source" (the
real-world dev set), recall per attack class on art lines and per art test (a test, the lines of one
"group", is detected when any of its lines alerts with the right class), false-positive rates on tldr and
on art-cleanup, what the other sources were called, and the missed art lines.

A line whose text is empty after normalization gets no class; it counts as a benign prediction (it could
not alert). Progress goes to standard error. Exit status 3 when some lines could not be classified.

With --ngram FILE the lines are scored by that character n-gram model (model/cmd/ngramtrain) instead of
the transformer: same normalization, same report; the ONNX Runtime flags are then unused.`,
		Example: `  elastic-ingest eval /work/shared/eval/dev.jsonl
  elastic-ingest eval --alert-threshold 0.8 --threshold-sweep --show-misses 50 \
      --json dev-metrics.json --html dev-report.html /work/shared/eval/dev.jsonl
  elastic-ingest eval --model-dir model/work/run1 --limit 200 data/test.jsonl
  elastic-ingest eval --ngram model/work/out/ngram.bin /work/shared/eval/dev.jsonl`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return &usageError{errors.New("eval: give at least one JSONL file")}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			return runEval(cmd.Context(), f, args, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f.model.register(cmd.Flags())
	// eval builds its own records and never caches: these three are fixed, whatever flag or environment says.
	for _, name := range []string{"fields", "result-key", "cache-size"} {
		_ = cmd.Flags().MarkHidden(name) // fails only for an unknown name, and register just defined these
	}
	fl := cmd.Flags()
	fl.StringVar(&f.ngram, "ngram", "", "score with this character n-gram model file instead of the transformer")
	fl.StringVar(&f.jsonOut, "json", "", "also write every metric as JSON to this file")
	fl.StringVar(&f.htmlOut, "html", "", "also write a self-contained HTML report (charts and tables) to this file")
	fl.StringVar(&f.predsOut, "predictions", "", "also write every line with the prediction served for it as JSONL to this file")
	fl.IntVar(&f.showMisses, "show-misses", 20, "missed art lines to list per file (-1: all)")
	fl.BoolVar(&f.sweep, "threshold-sweep", false, "add a table of false-positive rate, per-test recall and alert-rule macro-F1 for thresholds 0.50 to 0.99")
	fl.IntVar(&f.bins, "bins", evaluate.DefaultBins, "calibration bins")
	fl.IntVar(&f.limit, "limit", 0, "evaluate only the first N lines of each file (0: all)")
	fl.IntVar(&f.chunk, "chunk", 256, "lines handed to one worker at a time")
	fl.DurationVar(&f.progress, "progress", 5*time.Second, "interval between progress lines on standard error (0: none)")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on standard error")
	return cmd
}

// evalFile is one file's report with its classification time, as written by --json.
type evalFile struct {
	*evaluate.Report
	Path           string  `json:"path"`
	ClassifySecs   float64 `json:"classify_seconds"`
	LinesPerSecond float64 `json:"lines_per_second"`
	Errors         int     `json:"errors"` // lines the runtime failed on (counted as unclassified)
}

type evalOutput struct {
	Model          string     `json:"model"`
	AlertThreshold float64    `json:"alert_threshold"`
	Generated      string     `json:"generated"`
	Files          []evalFile `json:"files"`
}

func runEval(ctx context.Context, f evalFlags, args []string, stdout, stderr io.Writer) error {
	switch {
	case f.bins < 1:
		return &usageError{fmt.Errorf("--bins %d: must be at least 1", f.bins)}
	case f.limit < 0:
		return &usageError{fmt.Errorf("--limit %d: must not be negative", f.limit)}
	case f.chunk < 1:
		return &usageError{fmt.Errorf("--chunk %d: must be at least 1", f.chunk)}
	case f.showMisses < -1:
		return &usageError{fmt.Errorf("--show-misses %d: must be -1 (all) or more", f.showMisses)}
	}
	// Read every file before loading the model, so a bad line fails fast.
	examples := make([][]evaluate.Example, len(args))
	for i, path := range args {
		exs, err := readEvalFile(path)
		if err != nil {
			return err
		}
		if f.limit > 0 && len(exs) > f.limit {
			exs = exs[:f.limit]
		}
		examples[i] = exs
	}

	f.model.fields = []string{evalField}
	f.model.resultKey = schema.DefaultKey
	f.model.cacheSize = 0 // load turns 0 into "disabled"
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var (
		classify  func(exs []evaluate.Example, name string) ([]evaluate.Prediction, int, error)
		modelName string
		classes   []string
	)
	if f.ngram != "" {
		ng, err := loadNgram(f.ngram, &f.model)
		if err != nil {
			return err
		}
		classes, modelName = ng.Classes(), "ngram:"+filepath.Base(f.ngram)
		classify = func(exs []evaluate.Example, _ string) ([]evaluate.Prediction, int, error) {
			return classifyNgram(ctx, ng, exs)
		}
	} else {
		clf, enr, err := f.model.load(ctx, log)
		if err != nil {
			return err
		}
		defer clf.Close()
		classes, modelName = clf.Classes(), enr.Options().Model
		classify = func(exs []evaluate.Example, name string) ([]evaluate.Prediction, int, error) {
			return classifyExamples(ctx, enr, exs, f, name, stderr)
		}
	}
	if !slices.Equal(classes, evaluate.Classes()) {
		return fmt.Errorf("model classes %v: eval needs %v", classes, evaluate.Classes())
	}

	opts := evaluate.Options{Threshold: f.model.threshold, Bins: f.bins, MaxMisses: f.showMisses}
	if f.sweep {
		opts.Sweep = evaluate.DefaultSweep()
	}
	out := evalOutput{Model: modelName, AlertThreshold: f.model.threshold, Generated: time.Now().UTC().Format(time.RFC3339)}
	failed := 0
	var (
		predsFile *os.File
		predsW    *bufio.Writer
		err       error
	)
	if f.predsOut != "" {
		if predsFile, err = os.Create(f.predsOut); err != nil {
			return fmt.Errorf("create %s: %w", f.predsOut, err)
		}
		defer predsFile.Close() // on an early return; the checked Close is below
		predsW = bufio.NewWriterSize(predsFile, 1<<16)
	}
	for i, path := range args {
		name := filepath.Base(path)
		start := time.Now()
		preds, nerr, err := classify(examples[i], name)
		if err != nil {
			return fmt.Errorf("classify %s: %w", path, err)
		}
		secs := time.Since(start).Seconds()
		items := make([]evaluate.Item, len(preds))
		for j, p := range preds {
			items[j] = evaluate.Item{Example: examples[i][j], Pred: p}
		}
		if predsW != nil {
			if err := writePredictions(predsW, name, items); err != nil {
				return fmt.Errorf("write %s: %w", f.predsOut, err)
			}
		}
		rep, err := evaluate.Evaluate(name, items, opts)
		if err != nil {
			return err
		}
		rate := 0.0
		if secs > 0 {
			rate = float64(len(items)) / secs
		}
		if !f.quiet {
			fmt.Fprintf(stderr, "eval: %s: %d lines in %.1fs (%.0f lines/s)\n", name, len(items), secs, rate)
		}
		failed += nerr
		out.Files = append(out.Files, evalFile{Report: rep, Path: path, ClassifySecs: secs, LinesPerSecond: rate, Errors: nerr})
	}

	if predsW != nil {
		if err := predsW.Flush(); err != nil {
			return fmt.Errorf("write %s: %w", f.predsOut, err)
		}
		if err := predsFile.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.predsOut, err)
		}
	}
	if err := writeEvalMarkdown(stdout, out); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if f.jsonOut != "" {
		if err := writeFileWith(f.jsonOut, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		}); err != nil {
			return err
		}
	}
	if f.htmlOut != "" {
		reports := make([]*evaluate.Report, len(out.Files))
		for i, ef := range out.Files {
			reports[i] = ef.Report
		}
		notes := []string{fmt.Sprintf("Model %s · alert threshold %.2f · generated %s", out.Model, out.AlertThreshold, out.Generated)}
		for _, ef := range out.Files {
			notes = append(notes, fmt.Sprintf("%s: %d lines classified in %.1fs (%.0f lines/s)", ef.Path, ef.Lines, ef.ClassifySecs, ef.LinesPerSecond))
		}
		if err := writeFileWith(f.htmlOut, func(w io.Writer) error {
			return evaluate.WriteHTML(w, reports, evaluate.HTMLOptions{Title: "ttpscope evaluation", Notes: notes})
		}); err != nil {
			return err
		}
	}
	if failed > 0 {
		return &partialError{fmt.Sprintf("%d lines could not be classified (see above); they count as benign predictions", failed)}
	}
	return nil
}

func readEvalFile(path string) ([]evaluate.Example, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, &usageError{err}
	}
	defer fh.Close()
	exs, err := evaluate.ReadExamples(fh, path)
	if err != nil {
		return nil, fmt.Errorf("read eval file: %w", err)
	}
	return exs, nil
}

// classifyExamples runs every example through the enricher, in chunks spread over the workers, and
// returns the prediction served for each, in order, and the number of lines the runtime failed on.
func classifyExamples(ctx context.Context, enr *enrich.Enricher, exs []evaluate.Example, f evalFlags, name string,
	stderr io.Writer) ([]evaluate.Prediction, int, error) {
	preds := make([]evaluate.Prediction, len(exs))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var done atomic.Int64
	var mu sync.Mutex
	var firstErr error
	var failed []string // "line N: reason" of lines the runtime marked as errors
	starts := make(chan int)
	var wg sync.WaitGroup
	for range f.model.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range starts {
				end := min(start+f.chunk, len(exs))
				recs := make([]map[string]any, end-start)
				for i := range recs {
					recs[i] = map[string]any{evalField: exs[start+i].Text}
				}
				err := enr.Enrich(ctx, recs)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
				for i, rec := range recs {
					p, reason := predictionOf(rec)
					preds[start+i] = p
					if reason != "" {
						failed = append(failed, fmt.Sprintf("line %d: %s", start+i+1, reason))
					}
				}
				mu.Unlock()
				done.Add(int64(len(recs)))
			}
		}()
	}

	stopProgress := make(chan struct{})
	var progressWG sync.WaitGroup
	if !f.quiet && f.progress > 0 {
		progressWG.Add(1)
		go func() {
			defer progressWG.Done()
			began := time.Now()
			tick := time.NewTicker(f.progress)
			defer tick.Stop()
			for {
				select {
				case <-stopProgress:
					return
				case <-tick.C:
					n := done.Load()
					el := time.Since(began).Seconds()
					rate := float64(n) / el
					eta := "?"
					if rate > 0 {
						eta = (time.Duration(float64(int64(len(exs))-n)/rate) * time.Second).Round(time.Second).String()
					}
					fmt.Fprintf(stderr, "eval: %s: %d/%d lines (%.1f%%), %.0f lines/s, about %s left\n",
						name, n, len(exs), 100*float64(n)/float64(max(1, len(exs))), rate, eta)
				}
			}
		}()
	}

feed:
	for start := 0; start < len(exs); start += f.chunk {
		select {
		case starts <- start:
		case <-ctx.Done():
			break feed
		}
	}
	close(starts)
	wg.Wait()
	close(stopProgress)
	progressWG.Wait()

	switch {
	case firstErr != nil:
		return nil, 0, firstErr
	case ctx.Err() != nil:
		return nil, 0, ctx.Err()
	}
	if len(failed) > 0 {
		slices.SortFunc(failed, func(a, b string) int { return lineOf(a) - lineOf(b) })
		for i, msg := range failed {
			if i == 10 {
				fmt.Fprintf(stderr, "eval: %s: … and %d more lines could not be classified\n", name, len(failed)-i)
				break
			}
			fmt.Fprintf(stderr, "eval: %s: %s\n", name, msg)
		}
	}
	return preds, len(failed), nil
}

// loadNgram checks the flags eval shares with the transformer path and reads an n-gram model file.
func loadNgram(path string, m *modelFlags) (*ngram.Model, error) {
	if err := m.validate(); err != nil {
		return nil, err
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, &usageError{err}
	}
	defer fh.Close()
	ng, err := ngram.Load(fh)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return ng, nil
}

// classifyNgram scores every example with the n-gram model, as the enricher would serve it: normalized
// text, nothing left is an unclassified line, probabilities kept to six decimals.
func classifyNgram(ctx context.Context, m *ngram.Model, exs []evaluate.Example) ([]evaluate.Prediction, int, error) {
	preds := make([]evaluate.Prediction, len(exs))
	probs := make([]float32, len(evaluate.Classes()))
	for i, ex := range exs {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, 0, ctx.Err()
		}
		norm := normalize.Text(ex.Text).Text
		if norm == "" {
			continue
		}
		probs = m.PredictNormalizedTo(probs, norm)
		best := 0
		for k, p := range probs {
			if p > probs[best] {
				best = k
			}
			preds[i].Probs[k] = round6(float64(p))
		}
		preds[i].Class = evaluate.Classes()[best]
		preds[i].Score = round6(float64(probs[best]))
	}
	return preds, 0, nil
}

// round6 keeps six decimals of a probability, as the enricher writes it.
func round6(f float64) float64 {
	v := f*1e6 + 0.5
	if v < 0 {
		v = 0
	}
	return float64(int64(v)) / 1e6
}

// lineOf reads N back from "line N: …" for sorting.
func lineOf(msg string) int {
	n := 0
	fmt.Sscanf(msg, "line %d:", &n)
	return n
}

// predictionOf reads the result the enricher wrote into rec. A skipped line (no text left after
// normalization) is an unclassified prediction; a line in error is one too, with the reason returned.
func predictionOf(rec map[string]any) (evaluate.Prediction, string) {
	res, _ := rec[schema.DefaultKey].(map[string]any)
	if res == nil {
		return evaluate.Prediction{}, "no result written"
	}
	status, _ := res["status"].(string)
	switch status {
	case schema.StatusOK:
	case schema.StatusSkipped:
		return evaluate.Prediction{}, ""
	default:
		reason, _ := res["reason"].(string)
		return evaluate.Prediction{}, fmt.Sprintf("status %s: %s", status, reason)
	}
	var p evaluate.Prediction
	p.Class, _ = res["class"].(string)
	p.Score, _ = res["score"].(float64)
	probs, _ := res["probabilities"].(map[string]any)
	for k, c := range evaluate.Classes() {
		p.Probs[k], _ = probs[c].(float64)
	}
	if evaluate.ClassIndex(p.Class) < 0 {
		return evaluate.Prediction{}, fmt.Sprintf("unknown class %q", p.Class)
	}
	return p, ""
}

func writeEvalMarkdown(w io.Writer, out evalOutput) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# ttpscope evaluation\n\nModel `%s` · alert threshold %.2f · %s\n\n", out.Model, out.AlertThreshold, out.Generated)
	b.WriteString("| file | lines | alert macro-F1 | argmax macro-F1 | ECE | classify time | lines/s |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, ef := range out.Files {
		fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f | %.4f | %.1fs | %.0f |\n", ef.Name, ef.Lines, ef.Alert.MacroF1, ef.Argmax.MacroF1,
			ef.Calibration.ECE, ef.ClassifySecs, ef.LinesPerSecond)
	}
	b.WriteString("\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	for _, ef := range out.Files {
		if err := evaluate.WriteMarkdown(w, ef.Report, evaluate.MarkdownOptions{}); err != nil {
			return err
		}
	}
	return nil
}

// predictionLine is one line of --predictions.
type predictionLine struct {
	File string `json:"file"`
	Line int    `json:"line"` // 1-based among the file's examples (blank lines not counted)
	evaluate.Example
	Served servedLine `json:"served"`
}

type servedLine struct {
	Class         string             `json:"class,omitempty"` // "" when the runtime gave no class
	Score         float64            `json:"score"`
	Probabilities map[string]float64 `json:"probabilities,omitempty"`
}

func writePredictions(w io.Writer, name string, items []evaluate.Item) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i, it := range items {
		served := servedLine{Class: it.Pred.Class, Score: it.Pred.Score}
		if it.Pred.Classified() {
			served.Probabilities = make(map[string]float64, evaluate.NumClasses)
			for k, c := range evaluate.Classes() {
				served.Probabilities[c] = it.Pred.Probs[k]
			}
		}
		if err := enc.Encode(predictionLine{File: name, Line: i + 1, Example: it.Example, Served: served}); err != nil {
			return err
		}
	}
	return nil
}

// writeFileWith creates path and fills it with write.
func writeFileWith(path string, write func(io.Writer) error) error {
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	if err := write(fh); err != nil {
		fh.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
