package classifier

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"

	ort "github.com/yalue/onnxruntime_go"

	"github.com/ttpscope/ttpscope/shared/tokenizer"
)

// ErrEmptyText is a Prediction.Err for a text that yields no tokens.
var ErrEmptyText = errors.New("empty text: no tokens to classify")

// Prediction is the result for one text.
type Prediction struct {
	// Probs holds one probability per class, indexed like Classes(), from the winning window.
	Probs []float32
	// Class is the most probable class of Probs and Score its probability.
	Class string
	Score float32
	// Windows is the number of windows the text was cut into and BestWindow the index of the
	// window whose distribution was taken (see the package doc for the rule).
	Windows    int
	BestWindow int
	// Tokens is the number of text tokens (special tokens not counted).
	Tokens int
	// Truncated is true when the MaxWindows cap left some tokens in no window.
	Truncated bool
	// Err is set when this text could not be classified (e.g. ErrEmptyText); the other
	// fields are then zero.
	Err error
}

// window is one model input cut from one text.
type window struct {
	text int     // index of the text
	ids  []int64 // token ids with special tokens
}

// windowStarts returns the token offsets of the windows over n text tokens, each window holding
// size tokens, consecutive windows starting stride apart, the last one aligned to the end. With
// more than maxWindows windows, maxWindows starts are spread evenly over [0, n-size] instead
// (the first and last windows are kept), and truncated reports whether that leaves gaps.
func windowStarts(n, size, stride, maxWindows int) (starts []int, truncated bool) {
	if n <= size {
		return []int{0}, false
	}
	last := n - size
	count := (last+stride-1)/stride + 1 // ceil(last/stride) windows before the tail one, plus it
	if count <= maxWindows {
		starts = make([]int, 0, count)
		for s := 0; s < last; s += stride {
			starts = append(starts, s)
		}
		return append(starts, last), false
	}
	if maxWindows == 1 {
		return []int{0}, true
	}
	starts = make([]int, maxWindows)
	for i := range starts {
		starts[i] = int(math.Round(float64(i) * float64(last) / float64(maxWindows-1)))
	}
	gap := float64(last) / float64(maxWindows-1)
	return starts, gap > float64(size)
}

// Windows tokenizes text and returns the model inputs it is cut into (special tokens included),
// the text token count and whether the window cap truncated it. It is what Classify feeds the
// model, exposed for inspection, RunRaw and benchmarks.
func (c *Classifier) Windows(text string) (ids [][]int64, tokens int, truncated bool, err error) {
	// With a post-processor that only wraps a sequence in special tokens (wrapOK), ids alone are
	// tokenized and each window's row is built directly; otherwise every window goes through
	// PostProcess. TestWindowsFast checks that both give the same rows.
	var enc tokenizer.Encoding
	var toks []int32
	if c.wrapOK {
		toks = c.tok.EncodeIDs(text)
	} else {
		if enc, err = c.tok.Encode(text, false); err != nil {
			return nil, 0, false, fmt.Errorf("tokenize: %w", err)
		}
		toks = enc.IDs
	}
	n := len(toks)
	if n == 0 {
		return nil, 0, false, ErrEmptyText
	}
	starts, truncated := windowStarts(n, c.info.WindowTokens, c.info.Stride, c.info.MaxWindows)
	ids = make([][]int64, len(starts))
	for i, s := range starts {
		e := min(s+c.info.WindowTokens, n)
		if c.wrapOK {
			ids[i] = c.wrapRow(toks[s:e])
			continue
		}
		w := enc
		if len(starts) > 1 || s != 0 || e != n {
			w = sliceEncoding(enc, s, e)
		}
		w = c.tok.PostProcess(w, true)
		row := make([]int64, len(w.IDs))
		for j, id := range w.IDs {
			row[j] = int64(id)
		}
		ids[i] = row
	}
	return ids, n, truncated, nil
}

// wrapRow is one window's model input from its token ids: wrapPre, the ids, wrapSuf.
func (c *Classifier) wrapRow(toks []int32) []int64 {
	row := make([]int64, 0, len(c.wrapPre)+len(toks)+len(c.wrapSuf))
	row = append(row, c.wrapPre...)
	for _, id := range toks {
		row = append(row, int64(id))
	}
	return append(row, c.wrapSuf...)
}

// widen converts token ids to the model's int64 inputs.
func widen(ids []int32) []int64 {
	out := make([]int64, len(ids))
	for i, id := range ids {
		out[i] = int64(id)
	}
	return out
}

// sliceEncoding returns tokens [s, e) of enc with capacities clipped, so that PostProcess
// appending special tokens can never write into a neighbouring window.
func sliceEncoding(enc tokenizer.Encoding, s, e int) tokenizer.Encoding {
	return tokenizer.Encoding{
		IDs:               clip(enc.IDs, s, e),
		TypeIDs:           clip(enc.TypeIDs, s, e),
		AttentionMask:     clip(enc.AttentionMask, s, e),
		SpecialTokensMask: clip(enc.SpecialTokensMask, s, e),
		Offsets:           clip(enc.Offsets, s, e),
		Tokens:            clip(enc.Tokens, s, e),
	}
}

// clip returns s[a:b:b], or nil when s is shorter than b (a field the tokenizer left empty).
func clip[T any](s []T, a, b int) []T {
	if b > len(s) {
		return nil
	}
	return s[a:b:b]
}

// Classify returns one Prediction per text, in order. Texts must already be normalized. A text
// that cannot be classified gets Prediction.Err; the call itself fails only when ORT fails, the
// context is cancelled or the classifier is closed.
func (c *Classifier) Classify(ctx context.Context, texts []string) ([]Prediction, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, ErrClosed
	}
	job, err := c.prepare(ctx, texts)
	if err != nil {
		return nil, err
	}
	if len(job.wins) == 0 {
		return job.preds, nil
	}
	r, err := c.newRunner(ctx)
	if err != nil {
		return nil, err
	}
	defer r.close()
	lengths := make([]int, len(job.wins))
	for i, w := range job.wins {
		lengths[i] = len(w.ids)
	}
	rows := make([][]int64, 0, c.info.BatchSize)
	dsts := make([][]float32, 0, c.info.BatchSize)
	for _, members := range batchPlan(lengths, c.info.BatchSize) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows, dsts = rows[:0], dsts[:0]
		for _, w := range members {
			rows = append(rows, job.wins[w].ids)
			dsts = append(dsts, job.probsOf(w))
		}
		if err := r.score(rows, dsts); err != nil {
			return nil, err
		}
	}
	return job.finish(), nil
}

// job is one Classify call's work: its texts' windows, in text order, and the per-window
// probabilities that scoring fills in.
type job struct {
	c     *Classifier
	preds []Prediction
	wins  []window
	first []int     // index in wins of each text's first window
	probs []float32 // len(wins) x numLabels, row-major
}

// prepare tokenizes texts into windows (checking ctx every 256 texts) and sets each
// prediction's Tokens, Windows and Truncated, or Err for a text that cannot be classified.
func (c *Classifier) prepare(ctx context.Context, texts []string) (*job, error) {
	j := &job{c: c, preds: make([]Prediction, len(texts)), first: make([]int, len(texts))}
	for i, text := range texts {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		j.first[i] = len(j.wins)
		ids, n, truncated, err := c.Windows(text)
		if err != nil {
			j.preds[i].Err = err
			continue
		}
		j.preds[i].Tokens, j.preds[i].Windows, j.preds[i].Truncated = n, len(ids), truncated
		for _, row := range ids {
			j.wins = append(j.wins, window{text: i, ids: row})
		}
	}
	j.probs = make([]float32, len(j.wins)*c.numLabels)
	return j, nil
}

// probsOf is window w's slot in j.probs.
func (j *job) probsOf(w int) []float32 {
	n := j.c.numLabels
	return j.probs[w*n : (w+1)*n : (w+1)*n]
}

// finish completes the predictions once every window is scored: each text takes the
// distribution of its most malicious window (see the package doc).
func (j *job) finish() []Prediction {
	c := j.c
	for i := range j.preds {
		pred := &j.preds[i]
		if pred.Err != nil {
			continue
		}
		best, bestMal := 0, float32(-1)
		for k := 0; k < pred.Windows; k++ {
			if mal := 1 - j.probsOf(j.first[i] + k)[c.benign]; mal > bestMal {
				best, bestMal = k, mal
			}
		}
		p := slices.Clone(j.probsOf(j.first[i] + best))
		arg := 0
		for k, v := range p {
			if v > p[arg] {
				arg = k
			}
		}
		pred.Probs, pred.BestWindow = p, best
		pred.Class, pred.Score = c.info.Classes[arg], p[arg]
	}
	return j.preds
}

// batchPlan groups window indices into batches of at most size, ordered by length (stable), so
// that each batch, padded to its own longest member, carries as little padding as possible.
func batchPlan(lengths []int, size int) [][]int {
	order := make([]int, len(lengths))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return lengths[a] - lengths[b] })
	batches := make([][]int, 0, (len(order)+size-1)/size)
	for start := 0; start < len(order); start += size {
		batches = append(batches, order[start:min(start+size, len(order))])
	}
	return batches
}

// softmax writes softmax(logits / temperature) into dst.
func (c *Classifier) softmax(dst, logits []float32) {
	m := math.Inf(-1)
	for _, v := range logits {
		m = math.Max(m, float64(v)/c.temperature)
	}
	var sum float64
	for j, v := range logits {
		e := math.Exp(float64(v)/c.temperature - m)
		dst[j] = float32(e)
		sum += e
	}
	for j := range dst {
		dst[j] = float32(float64(dst[j]) / sum)
	}
}

// RunRaw runs one ORT batch over token-id rows (special tokens included, as Windows returns
// them), padding each row to the longest, and returns the raw logits, one row per input. It is
// the bare-ORT baseline for measuring Classify's overhead; rows longer than Info().MaxTokens
// are rejected.
func (c *Classifier) RunRaw(ctx context.Context, ids [][]int64) ([][]float32, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return nil, ErrClosed
	}
	if len(ids) == 0 {
		return nil, nil
	}
	for i, row := range ids {
		if len(row) == 0 || len(row) > c.info.MaxTokens {
			return nil, fmt.Errorf("RunRaw: row %d has %d tokens; want 1..%d", i, len(row), c.info.MaxTokens)
		}
	}
	if err := ctx.Err(); err != nil { // AfterFunc's terminate may come too late for a short run
		return nil, err
	}
	r, err := c.newRunner(ctx)
	if err != nil {
		return nil, err
	}
	defer r.close()
	logits, err := r.run(ids)
	if err != nil {
		return nil, err
	}
	out := make([][]float32, len(ids))
	for i := range out {
		out[i] = slices.Clone(logits[i*c.numLabels : (i+1)*c.numLabels])
	}
	return out, nil
}

// buffers are the Go-side tensor backings reused across runs (via Classifier.bufs).
type buffers struct {
	ids, mask, types []int64
	logits           []float32
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// runner carries per-call ORT state: the run options that ctx cancellation terminates, and the
// buffers. The caller holds c.mu for reading for the runner's lifetime.
type runner struct {
	c    *Classifier
	ctx  context.Context
	opts *ort.RunOptions
	mu   sync.Mutex // orders Terminate (from ctx) against Destroy
	stop func() bool
	buf  *buffers
}

func (c *Classifier) newRunner(ctx context.Context) (*runner, error) {
	opts, err := ort.NewRunOptions()
	if err != nil {
		return nil, fmt.Errorf("ORT run options: %w", err)
	}
	r := &runner{c: c, ctx: ctx, opts: opts, buf: c.bufs.Get().(*buffers)}
	r.stop = context.AfterFunc(ctx, func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.opts != nil {
			_ = r.opts.Terminate() // fails only on destroyed options, which the lock rules out
		}
	})
	return r, nil
}

func (r *runner) close() {
	r.stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	_ = r.opts.Destroy() // fails only when already destroyed
	r.opts = nil
	r.c.bufs.Put(r.buf)
	r.buf = nil
}

// run pads rows to the longest and runs the session; the returned logits ([len(rows) x
// labels], row-major) alias r's buffer and are valid until the next run.
func (r *runner) run(rows [][]int64) ([]float32, error) {
	c := r.c
	b, seq := len(rows), 0
	for _, row := range rows {
		seq = max(seq, len(row))
	}
	n := b * seq
	buf := r.buf
	buf.ids, buf.mask = grow(buf.ids, n), grow(buf.mask, n)
	buf.logits = grow(buf.logits, b*c.numLabels)
	for i, row := range rows {
		ids, mask := buf.ids[i*seq:(i+1)*seq], buf.mask[i*seq:(i+1)*seq]
		copy(ids, row)
		for j := range row {
			mask[j] = 1
		}
		for j := len(row); j < seq; j++ {
			ids[j], mask[j] = c.info.PadID, 0
		}
	}
	shape := ort.NewShape(int64(b), int64(seq))
	var inputs []ort.Value
	defer func() {
		for _, v := range inputs {
			v.Destroy()
		}
	}()
	add := func(data []int64) error {
		t, err := ort.NewTensor(shape, data)
		if err != nil {
			return fmt.Errorf("ORT input tensor %s: %w", shape, err)
		}
		inputs = append(inputs, t)
		return nil
	}
	if err := add(buf.ids); err != nil {
		return nil, err
	}
	if err := add(buf.mask); err != nil {
		return nil, err
	}
	if c.tokenTypes {
		buf.types = grow(buf.types, n)
		clear(buf.types)
		if err := add(buf.types); err != nil {
			return nil, err
		}
	}
	out, err := ort.NewTensor(ort.NewShape(int64(b), int64(c.numLabels)), buf.logits)
	if err != nil {
		return nil, fmt.Errorf("ORT output tensor: %w", err)
	}
	defer out.Destroy()
	if err := c.session.RunWithOptions(inputs, []ort.Value{out}, r.opts); err != nil {
		if ctxErr := r.ctx.Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, fmt.Errorf("ORT run (batch %d x %d tokens): %w", b, seq, err)
	}
	return buf.logits, nil
}

// score runs one batch of rows and writes softmax(logits / temperature) of row k into dsts[k].
func (r *runner) score(rows [][]int64, dsts [][]float32) error {
	logits, err := r.run(rows)
	if err != nil {
		return err
	}
	n := r.c.numLabels
	for k, dst := range dsts {
		r.c.softmax(dst, logits[k*n:(k+1)*n])
	}
	return nil
}

// Batches returns the ORT batches Classify would run for texts: every text's windows (special tokens
// included), grouped by length into batches of at most BatchSize rows. With RunRaw it measures the
// runtime's own throughput on exactly the work Classify does, so the classifier's overhead shows.
// Texts that cannot be tokenized are left out.
func (c *Classifier) Batches(texts []string) [][][]int64 {
	var rows [][]int64
	for _, text := range texts {
		ids, _, _, err := c.Windows(text)
		if err != nil {
			continue
		}
		rows = append(rows, ids...)
	}
	lengths := make([]int, len(rows))
	for i, r := range rows {
		lengths[i] = len(r)
	}
	plan := batchPlan(lengths, c.info.BatchSize)
	out := make([][][]int64, len(plan))
	for i, members := range plan {
		out[i] = make([][]int64, len(members))
		for j, w := range members {
			out[i][j] = rows[w]
		}
	}
	return out
}
