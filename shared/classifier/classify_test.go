package classifier

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/shared/ortenv"
)

// TestGoldenRaw checks ORT against torch on the fixtures' golden token ids, one by one and
// padded together in one batch.
func TestGoldenRaw(t *testing.T) {
	ctx := context.Background()
	for _, dir := range []string{tinyDir, tinyTTDir} {
		t.Run(dir, func(t *testing.T) {
			c := newClassifier(t, Options{ModelDir: dir})
			g := loadGolden(t, dir)
			var all [][]int64
			var want [][]float32
			for _, tc := range g.IDs {
				got, err := c.RunRaw(ctx, [][]int64{tc.IDs})
				if err != nil {
					t.Fatal(err)
				}
				assertClose(t, "logits", got[0], tc.Logits, 1e-4)
				all, want = append(all, tc.IDs), append(want, tc.Logits)
			}
			got, err := c.RunRaw(ctx, all)
			if err != nil {
				t.Fatal(err)
			}
			for i := range want {
				assertClose(t, "batched logits", got[i], want[i], 1e-4)
			}
		})
	}
}

// TestGoldenTexts checks the whole path on texts: tokenization + special tokens against the
// Python reference, and Classify's probabilities against softmax(torch logits).
func TestGoldenTexts(t *testing.T) {
	ctx := context.Background()
	for _, dir := range []string{tinyDir, tinyTTDir} {
		t.Run(dir, func(t *testing.T) {
			c := newClassifier(t, Options{ModelDir: dir})
			g := loadGolden(t, dir)
			var texts []string
			for _, tc := range g.Texts {
				ids, n, truncated, err := c.Windows(tc.Text)
				if err != nil {
					t.Fatal(err)
				}
				if len(ids) != 1 || !slices.Equal(ids[0], tc.IDs) || n != len(tc.IDs)-2 || truncated {
					t.Fatalf("Windows(%q) = %v, %d, %v; want [%v], %d", tc.Text, ids, n, truncated, tc.IDs, len(tc.IDs)-2)
				}
				texts = append(texts, tc.Text)
			}
			preds, err := c.Classify(ctx, texts)
			if err != nil {
				t.Fatal(err)
			}
			for i, tc := range g.Texts {
				p := preds[i]
				if p.Err != nil || p.Windows != 1 || p.BestWindow != 0 || p.Tokens != len(tc.IDs)-2 {
					t.Fatalf("%q: %+v", tc.Text, p)
				}
				want := softmaxRef(tc.Logits, 1)
				assertClose(t, "probs", p.Probs, want, 1e-5)
				arg := 0
				for j := range want {
					if want[j] > want[arg] {
						arg = j
					}
				}
				if p.Class != c.Classes()[arg] || math.Abs(float64(p.Score)-want[arg]) > 1e-5 {
					t.Fatalf("%q: class %s score %v, want %s %v", tc.Text, p.Class, p.Score, c.Classes()[arg], want[arg])
				}
			}
		})
	}
}

func TestTemperature(t *testing.T) {
	const temp = 2.5
	dir := copyModel(t, tinyDir, map[string][]byte{ConfigFile: editConfig(t, tinyDir, func(m map[string]any) {
		m["ttpscope"].(map[string]any)["temperature"] = temp
	})})
	c := newClassifier(t, Options{ModelDir: dir})
	g := loadGolden(t, tinyDir)
	preds, err := c.Classify(context.Background(), []string{g.Texts[0].Text})
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, "probs at T=2.5", preds[0].Probs, softmaxRef(g.Texts[0].Logits, temp), 1e-5)
	if c.Info().Temperature != temp {
		t.Fatalf("Info().Temperature = %v", c.Info().Temperature)
	}
}

func TestBatchPlan(t *testing.T) {
	tests := []struct {
		lengths []int
		size    int
		want    [][]int
	}{
		{[]int{10, 64, 12, 64, 11, 63}, 2, [][]int{{0, 4}, {2, 5}, {1, 3}}},
		{[]int{10, 64, 12, 64, 11, 63}, 4, [][]int{{0, 4, 2, 5}, {1, 3}}},
		{[]int{5, 5, 5}, 32, [][]int{{0, 1, 2}}},
		{[]int{7}, 1, [][]int{{0}}},
		{nil, 8, [][]int{}},
	}
	for _, tc := range tests {
		if got := batchPlan(tc.lengths, tc.size); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("batchPlan(%v, %d) = %v, want %v", tc.lengths, tc.size, got, tc.want)
		}
	}
}

func TestWindowStarts(t *testing.T) {
	tests := []struct {
		n, size, stride, max int
		want                 []int
		truncated            bool
	}{
		{n: 1, size: 62, stride: 31, max: 16, want: []int{0}},
		{n: 62, size: 62, stride: 31, max: 16, want: []int{0}},
		{n: 63, size: 62, stride: 31, max: 16, want: []int{0, 1}},
		{n: 93, size: 62, stride: 31, max: 16, want: []int{0, 31}},
		{n: 94, size: 62, stride: 31, max: 16, want: []int{0, 31, 32}},
		{n: 10, size: 4, stride: 4, max: 16, want: []int{0, 4, 6}},
		{n: 10, size: 4, stride: 2, max: 16, want: []int{0, 2, 4, 6}},
		{n: 10, size: 4, stride: 1, max: 3, want: []int{0, 3, 6}},                   // capped, still covered
		{n: 20, size: 4, stride: 2, max: 3, want: []int{0, 8, 16}, truncated: true}, // capped, gaps
		{n: 20, size: 4, stride: 2, max: 1, want: []int{0}, truncated: true},
	}
	for _, tc := range tests {
		got, truncated := windowStarts(tc.n, tc.size, tc.stride, tc.max)
		if !slices.Equal(got, tc.want) || truncated != tc.truncated {
			t.Errorf("windowStarts(%d, %d, %d, %d) = %v, %v; want %v, %v",
				tc.n, tc.size, tc.stride, tc.max, got, truncated, tc.want, tc.truncated)
		}
	}
}

func FuzzWindowStarts(f *testing.F) {
	f.Add(100, 62, 31, 16)
	f.Add(5000, 510, 255, 16)
	f.Add(20, 4, 2, 3)
	f.Fuzz(func(t *testing.T, n, size, stride, maxWindows int) {
		if n < 1 || n > 1e6 || size < 1 || size > 4096 || stride < 1 || stride > size || maxWindows < 1 || maxWindows > 64 {
			return
		}
		starts, truncated := windowStarts(n, size, stride, maxWindows)
		if len(starts) == 0 || len(starts) > maxWindows || starts[0] != 0 {
			t.Fatalf("starts %v", starts)
		}
		if n > size && len(starts) > 1 && starts[len(starts)-1] != n-size {
			t.Fatalf("last window %d, want aligned to end %d", starts[len(starts)-1], n-size)
		}
		gaps := false
		for i := 1; i < len(starts); i++ {
			if starts[i] <= starts[i-1] || starts[i] > n-size {
				t.Fatalf("starts %v not increasing within [0,%d]", starts, n-size)
			}
			gaps = gaps || starts[i]-starts[i-1] > size
		}
		end := min(starts[len(starts)-1]+size, n)
		gaps = gaps || end < n
		if gaps != truncated {
			t.Fatalf("starts %v (n %d size %d): gaps %v, truncated %v", starts, n, size, gaps, truncated)
		}
	})
}

// TestLongText checks windowing and the documented aggregation rule on a text well over the
// 64-token limit: every window is scored independently through RunRaw and the prediction must
// be the distribution of the window with the highest 1 - P(benign).
func TestLongText(t *testing.T) {
	ctx := context.Background()
	c := newClassifier(t, Options{ModelDir: tinyDir})
	var b strings.Builder
	for i, line := range syntheticLines(5, 3) {
		if i > 0 {
			b.WriteString(" ; ")
		}
		b.WriteString(line)
	}
	text := b.String()
	enc, err := c.tok.Encode(text, false)
	if err != nil {
		t.Fatal(err)
	}
	ids, n, truncated, err := c.Windows(text)
	if err != nil {
		t.Fatal(err)
	}
	info := c.Info()
	starts, _ := windowStarts(n, info.WindowTokens, info.Stride, info.MaxWindows)
	if n != len(enc.IDs) || n <= info.MaxTokens || len(ids) < 3 || len(ids) != len(starts) || truncated {
		t.Fatalf("tokens %d (encode %d), windows %d (want %d > 2), truncated %v", n, len(enc.IDs), len(ids), len(starts), truncated)
	}
	for k, row := range ids {
		content := row[1 : len(row)-1]
		want := enc.IDs[starts[k] : starts[k]+info.WindowTokens]
		if len(row) != info.MaxTokens || row[0] != 0 || row[len(row)-1] != 2 || len(content) != len(want) {
			t.Fatalf("window %d: %d ids, ends %d/%d", k, len(row), row[0], row[len(row)-1])
		}
		for j := range want {
			if content[j] != int64(want[j]) {
				t.Fatalf("window %d token %d = %d, want %d", k, j, content[j], want[j])
			}
		}
	}

	best, bestMal := -1, -1.0
	var bestProbs []float64
	distinct := map[float64]bool{}
	for k, row := range ids {
		logits, err := c.RunRaw(ctx, [][]int64{row})
		if err != nil {
			t.Fatal(err)
		}
		p := softmaxRef(logits[0], 1)
		mal := 1 - p[0]
		distinct[math.Round(mal*1e6)] = true
		if mal > bestMal {
			best, bestMal, bestProbs = k, mal, p
		}
	}
	if len(distinct) < 2 {
		t.Fatal("all windows score the same; the aggregation test would prove nothing")
	}
	preds, err := c.Classify(ctx, []string{text})
	if err != nil {
		t.Fatal(err)
	}
	p := preds[0]
	if p.Err != nil || p.Windows != len(ids) || p.Tokens != n || p.BestWindow != best || p.Truncated {
		t.Fatalf("prediction %+v; want %d windows, %d tokens, best window %d", p, len(ids), n, best)
	}
	assertClose(t, "probs of the most malicious window", p.Probs, bestProbs, 1e-5)

	// A cap below the needed count keeps head and tail and reports the gap.
	capped := newClassifier(t, Options{ModelDir: tinyDir, MaxWindows: 2})
	cp, err := capped.Classify(ctx, []string{text})
	if err != nil {
		t.Fatal(err)
	}
	if cp[0].Windows != 2 || !cp[0].Truncated || cp[0].Tokens != n {
		t.Fatalf("MaxWindows 2: %+v", cp[0])
	}
}

// TestBatchingMatchesSingle: batched (padded, length-sorted) results equal one-text-at-a-time
// results with batch size 1.
func TestBatchingMatchesSingle(t *testing.T) {
	ctx := context.Background()
	texts := syntheticLines(80, 11)
	for _, dir := range []string{tinyDir, tinyTTDir} {
		t.Run(dir, func(t *testing.T) {
			batched := newClassifier(t, Options{ModelDir: dir, BatchSize: 32})
			single := newClassifier(t, Options{ModelDir: dir, BatchSize: 1})
			all, err := batched.Classify(ctx, texts)
			if err != nil {
				t.Fatal(err)
			}
			multi := 0
			for i, text := range texts {
				one, err := single.Classify(ctx, []string{text})
				if err != nil {
					t.Fatal(err)
				}
				a, b := all[i], one[0]
				if a.Class != b.Class || a.Windows != b.Windows || a.BestWindow != b.BestWindow || a.Tokens != b.Tokens {
					t.Fatalf("text %d: batched %+v, single %+v", i, a, b)
				}
				assertClose(t, "batched vs single probs", a.Probs, b.Probs, 1e-5)
				if a.Windows > 1 {
					multi++
				}
			}
			if multi == 0 {
				t.Fatal("no multi-window text in the sample")
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	ctx := context.Background()
	texts := syntheticLines(50, 5)
	a := newClassifier(t, Options{ModelDir: tinyDir})
	b := newClassifier(t, Options{ModelDir: tinyDir})
	first, err := a.Classify(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*Classifier{a, b} {
		again, err := c.Classify(ctx, texts)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(first, again) {
			t.Fatal("Classify is not deterministic")
		}
	}
}

func TestConcurrentClassify(t *testing.T) {
	ctx := context.Background()
	c := newClassifier(t, Options{ModelDir: tinyDir, BatchSize: 8})
	texts := syntheticLines(64, 13)
	want, err := c.Classify(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	const goroutines = 8
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < 3; r++ {
				got, err := c.Classify(ctx, texts)
				if err != nil {
					errs <- err
					return
				}
				if !reflect.DeepEqual(got, want) {
					errs <- errors.New("concurrent result differs from sequential")
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func TestPerItemErrors(t *testing.T) {
	ctx := context.Background()
	c := newClassifier(t, Options{ModelDir: tinyDir})
	preds, err := c.Classify(ctx, []string{"", "whoami /priv", ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(preds) != 3 || !errors.Is(preds[0].Err, ErrEmptyText) || !errors.Is(preds[2].Err, ErrEmptyText) {
		t.Fatalf("preds = %+v", preds)
	}
	if preds[0].Probs != nil || preds[0].Class != "" || preds[0].Windows != 0 {
		t.Fatalf("failed item has data: %+v", preds[0])
	}
	if preds[1].Err != nil || len(preds[1].Probs) != 4 || preds[1].Class == "" {
		t.Fatalf("good item: %+v", preds[1])
	}
	var sum float32
	for _, p := range preds[1].Probs {
		sum += p
	}
	if math.Abs(float64(sum)-1) > 1e-5 {
		t.Fatalf("probs sum to %v", sum)
	}
	preds, err = c.Classify(ctx, []string{""})
	if err != nil || len(preds) != 1 || !errors.Is(preds[0].Err, ErrEmptyText) {
		t.Fatalf("all-empty: %+v, %v", preds, err)
	}
	if preds, err := c.Classify(ctx, nil); err != nil || len(preds) != 0 {
		t.Fatalf("nil texts: %v, %v", preds, err)
	}
}

func TestRunRawErrors(t *testing.T) {
	c := newClassifier(t, Options{ModelDir: tinyDir})
	ctx := context.Background()
	if _, err := c.RunRaw(ctx, [][]int64{{0, 2}, {}}); err == nil || !strings.Contains(err.Error(), "row 1 has 0 tokens; want 1..64") {
		t.Fatalf("empty row: %v", err)
	}
	if _, err := c.RunRaw(ctx, [][]int64{make([]int64, 65)}); err == nil || !strings.Contains(err.Error(), "row 0 has 65 tokens") {
		t.Fatalf("long row: %v", err)
	}
	if _, err := c.RunRaw(ctx, [][]int64{{0, 1 << 40, 2}}); err == nil || !strings.Contains(err.Error(), "ORT run (batch 1 x 3 tokens)") {
		t.Fatalf("out-of-vocabulary id: %v", err)
	}
	// The classifier still works after an ORT error.
	if _, err := c.RunRaw(ctx, [][]int64{{0, 2}}); err != nil {
		t.Fatal(err)
	}
}

func TestCancel(t *testing.T) {
	c := newClassifier(t, Options{ModelDir: tinyDir, BatchSize: 4})
	texts := syntheticLines(400, 17)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Classify(ctx, texts); !errors.Is(err, context.Canceled) {
		t.Fatalf("Classify(cancelled) = %v", err)
	}
	if _, err := c.RunRaw(ctx, [][]int64{{0, 2}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("RunRaw(cancelled) = %v", err)
	}

	// Cancel mid-call: many small batches; the call must stop early with the context's error.
	for len(texts) < 20000 {
		texts = append(texts, texts...)
	}
	start := time.Now()
	if _, err := c.Classify(context.Background(), texts[:2000]); err != nil {
		t.Fatal(err)
	}
	full := time.Since(start) * 10 // the 20000-text call would take about this long
	ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err := c.Classify(ctx, texts)
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Classify under a 20ms deadline = %v", err)
	}
	if took > full/2 {
		t.Fatalf("cancelled call took %v, a full one about %v", took, full)
	}
	// The classifier is usable afterwards.
	if _, err := c.Classify(context.Background(), texts[:3]); err != nil {
		t.Fatal(err)
	}
}

func TestClose(t *testing.T) {
	c, err := New(context.Background(), Options{ModelDir: tinyDir})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, held := ortenv.Loaded(); !held {
		t.Fatal("no ORT reference while a classifier is open")
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := c.Classify(context.Background(), []string{"x"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Classify after Close = %v", err)
	}
	if _, err := c.RunRaw(context.Background(), [][]int64{{0, 2}}); !errors.Is(err, ErrClosed) {
		t.Fatalf("RunRaw after Close = %v", err)
	}
	if _, _, held := ortenv.Loaded(); held {
		t.Fatal("ORT reference held after the only classifier closed")
	}
}

// TestCloseWhileClassifying: Close waits for calls in flight; calls after it get ErrClosed.
func TestCloseWhileClassifying(t *testing.T) {
	c, err := New(context.Background(), Options{ModelDir: tinyDir, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	texts := syntheticLines(300, 19)
	var wg sync.WaitGroup
	results := make(chan error, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.Classify(context.Background(), texts)
			results <- err
		}()
	}
	time.Sleep(5 * time.Millisecond)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil && !errors.Is(err, ErrClosed) {
			t.Fatalf("Classify racing Close = %v", err)
		}
	}
}

// TestWindowsFast: the ids-only path Windows takes for a wrapping post-processor (wrapOK) cuts exactly
// the windows of the general path (Encode, slice, PostProcess), on short, long and capped texts.
func TestWindowsFast(t *testing.T) {
	for _, dir := range []string{tinyDir, tinyTTDir} {
		for _, maxWindows := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/max-windows=%d", filepath.Base(dir), maxWindows), func(t *testing.T) {
				c := newClassifier(t, Options{ModelDir: dir, MaxWindows: maxWindows})
				if !c.wrapOK {
					t.Fatalf("%s: the post-processor should be a plain wrap", dir)
				}
				texts := append(syntheticLines(40, 11), strings.Join(syntheticLines(12, 5), " ; "), "ünïcödé 日本語", " ")
				for _, text := range texts {
					fastIDs, fastN, fastTrunc, fastErr := c.Windows(text)
					c.wrapOK = false
					ids, n, trunc, err := c.Windows(text)
					c.wrapOK = true
					if !errors.Is(fastErr, err) || fastN != n || fastTrunc != trunc || !slices.EqualFunc(fastIDs, ids, slices.Equal) {
						t.Fatalf("%q: fast path %v %d %v %v, general %v %d %v %v", text, fastIDs, fastN, fastTrunc, fastErr, ids, n, trunc, err)
					}
				}
			})
		}
	}
}
