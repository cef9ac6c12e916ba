package tokenizer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
)

type trainedJSON struct {
	AddedTokens []AddedToken `json:"added_tokens"`
	Model       struct {
		Vocab  map[string]int32 `json:"vocab"`
		Merges [][2]string      `json:"merges"`
	} `json:"model"`
}

func parseTrained(t *testing.T, data []byte) trainedJSON {
	t.Helper()
	var tj trainedJSON
	if err := json.Unmarshal(data, &tj); err != nil {
		t.Fatal(err)
	}
	return tj
}

// naiveTrain is a slow reference: recount every pair at every step.
func naiveTrain(texts []string, vocabSize, minFreq, maxLen int) [][2]string {
	chars := byteLevelChars()
	counts := map[string]int{}
	for _, s := range texts {
		start := 0
		for _, end := range splitGPT2(nil, s) {
			counts[s[start:end]]++
			start = end
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	words := make([][]string, len(keys))
	for i, k := range keys {
		for j := 0; j < len(k); j++ {
			words[i] = append(words[i], chars[k[j]])
		}
	}
	rawLen := func(tok string) int { // byte-level characters stand for one byte each
		return len([]rune(tok))
	}
	vocab := map[string]bool{}
	for _, s := range trainSpecials {
		vocab[s] = true
	}
	for _, c := range chars {
		vocab[c] = true
	}
	var merges [][2]string
	for len(vocab) < vocabSize {
		pc := map[[2]string]int{}
		for i, w := range words {
			for j := 0; j+1 < len(w); j++ {
				pc[[2]string{w[j], w[j+1]}] += counts[keys[i]]
			}
		}
		var best [2]string
		bestN := 0
		for p, n := range pc {
			if maxLen > 0 && rawLen(p[0])+rawLen(p[1]) > maxLen {
				continue
			}
			if n > bestN || (n == bestN && (p[0] < best[0] || (p[0] == best[0] && p[1] < best[1]))) {
				best, bestN = p, n
			}
		}
		if bestN == 0 || bestN < minFreq {
			break
		}
		merges = append(merges, best)
		vocab[best[0]+best[1]] = true
		for i, w := range words {
			var out []string
			for j := 0; j < len(w); j++ {
				if j+1 < len(w) && w[j] == best[0] && w[j+1] == best[1] {
					out = append(out, best[0]+best[1])
					j++
				} else {
					out = append(out, w[j])
				}
			}
			words[i] = out
		}
	}
	return merges
}

func randomCorpus(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 1))
	alpha := []string{"a", "b", "c", "ab", "é", " ", "  ", "1", "2", "'s", "\\", ".", "x", "😀", "\t"}
	out := make([]string, n)
	for i := range out {
		var b strings.Builder
		for k := r.IntN(30); k > 0; k-- {
			b.WriteString(alpha[r.IntN(len(alpha))])
		}
		out[i] = b.String()
	}
	return out
}

func TestTrainMatchesNaive(t *testing.T) {
	for _, tc := range []struct {
		seed                 uint64
		vocab, minFreq, maxL int
	}{
		{1, 400, 2, 0}, {2, 330, 1, 0}, {3, 500, 3, 0}, {4, 400, 1, 4},
	} {
		t.Run(fmt.Sprintf("seed%d", tc.seed), func(t *testing.T) {
			texts := randomCorpus(tc.seed, 300)
			data, err := Train(slices.Values(texts), TrainOptions{VocabSize: tc.vocab, MinFrequency: tc.minFreq, MaxTokenLength: tc.maxL})
			if err != nil {
				t.Fatal(err)
			}
			got := parseTrained(t, data).Model.Merges
			want := naiveTrain(texts, tc.vocab, tc.minFreq, tc.maxL)
			if len(got) < 40 {
				t.Fatalf("only %d merges", len(got))
			}
			if !slices.Equal(got, want) {
				i := firstDiff(len(got), len(want), func(i int) bool { return got[i] == want[i] })
				t.Fatalf("merge %d differs (got %d merges, want %d): got %q, want %q", i, len(got), len(want), window(got, i), window(want, i))
			}
		})
	}
}

func TestTrainOutput(t *testing.T) {
	texts := []string{}
	for i := 0; i < 200; i++ {
		texts = append(texts,
			fmt.Sprintf(`reg save HKLM\SAM C:\Windows\Temp\sam%d.save /y`, i),
			`powershell -NoProfile -Command "Set-MpPreference -DisableRealtimeMonitoring $true"`,
			fmt.Sprintf("whoami /priv && net user admin%d /domain", i%7))
	}
	data, err := Train(slices.Values(texts), TrainOptions{VocabSize: 350})
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Train(slices.Values(texts), TrainOptions{VocabSize: 350})
	if !bytes.Equal(data, again) {
		t.Fatal("training is not deterministic")
	}
	tj := parseTrained(t, data)
	if len(tj.Model.Vocab) != 350 {
		t.Errorf("vocab size %d, want 350", len(tj.Model.Vocab))
	}
	for i, s := range trainSpecials {
		if tj.Model.Vocab[s] != int32(i) || tj.AddedTokens[i].Content != s || tj.AddedTokens[i].ID != int32(i) || !tj.AddedTokens[i].Special {
			t.Errorf("special token %q: vocab id %d, added %+v", s, tj.Model.Vocab[s], tj.AddedTokens[i])
		}
	}
	if !tj.AddedTokens[4].LStrip || tj.AddedTokens[0].LStrip {
		t.Error("<mask> must be lstrip (and only it)")
	}
	chars := byteLevelChars()
	for b, c := range chars {
		if _, ok := tj.Model.Vocab[c]; !ok {
			t.Errorf("byte %#x (%q) missing from the vocab", b, c)
		}
	}
	tk, err := FromJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	// Frequent words become single tokens.
	e, _ := tk.Encode(`powershell -NoProfile -Command "Set-MpPreference`, true)
	if len(e.IDs) > 12 {
		t.Errorf("frequent text took %d tokens: %q", len(e.IDs), e.Tokens)
	}
	if e.IDs[0] != 0 || e.IDs[len(e.IDs)-1] != 2 {
		t.Errorf("RobertaProcessing: ids %v", e.IDs)
	}
	if got, _ := tk.Decode(e.IDs, true); got != `powershell -NoProfile -Command "Set-MpPreference` {
		t.Errorf("decode = %q", got)
	}
	m, _ := tk.Encode("<mask>", false)
	if len(m.IDs) != 1 || m.IDs[0] != 4 {
		t.Errorf("<mask> encodes to %v", m.IDs)
	}
}

func TestTrainMinFrequencyStops(t *testing.T) {
	data, err := Train(slices.Values([]string{"abc", "abd", "xyz"}), TrainOptions{VocabSize: 1000, MinFrequency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := parseTrained(t, data).Model.Merges; !slices.Equal(got, [][2]string{{"a", "b"}}) {
		t.Errorf("merges = %q, want only a+b (the only pair seen twice)", got)
	}
}

func TestTrainErrors(t *testing.T) {
	if _, err := Train(slices.Values([]string{"x"}), TrainOptions{VocabSize: 100}); err == nil {
		t.Error("vocab size below the alphabet: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := TrainContext(ctx, slices.Values(randomCorpus(5, 100)), TrainOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

func BenchmarkTrain(b *testing.B) {
	lines := benchLines()
	var texts []string
	r := rand.New(rand.NewPCG(9, 9))
	for len(texts) < 20000 {
		l := lines[r.IntN(len(lines))]
		texts = append(texts, strings.ReplaceAll(l, "lsass", fmt.Sprintf("p%x", r.Uint32())))
	}
	n := 0
	for _, s := range texts {
		n += len(s)
	}
	b.SetBytes(int64(n))
	for i := 0; i < b.N; i++ {
		if _, err := Train(slices.Values(texts), TrainOptions{VocabSize: 2000}); err != nil {
			b.Fatal(err)
		}
	}
}
