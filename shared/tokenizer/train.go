package tokenizer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"sort"
	"strings"
	"time"
)

// TrainOptions configures Train.
type TrainOptions struct {
	// VocabSize is the target vocabulary size, special tokens and the 256 byte symbols included
	// (default 8000). Training stops earlier when no pair is frequent enough.
	VocabSize int
	// MinFrequency is the minimum count of a pair to be merged (default 2; 1 merges any pair).
	MinFrequency int
	// MaxTokenLength, if > 0, caps the length in bytes of merged tokens.
	MaxTokenLength int
	// Logger, if set, receives progress at Info level.
	Logger *slog.Logger
}

// The special tokens of trained tokenizers, with their ids (as roberta-base).
var trainSpecials = [...]string{"<s>", "<pad>", "</s>", "<unk>", "<mask>"}

// Train learns a byte-level BPE from texts (already normalized by the caller) and returns a
// RoBERTa-style tokenizer.json: ByteLevel pre-tokenizer (no prefix space), <s>=0 <pad>=1 </s>=2
// <unk>=3 <mask>=4 (lstrip), all 256 byte symbols, RobertaProcessing and a ByteLevel decoder. The
// most frequent pair is merged first; ties go to the lexicographically smallest pair of token
// strings, so the result is deterministic.
func Train(texts iter.Seq[string], opts TrainOptions) ([]byte, error) {
	return TrainContext(context.Background(), texts, opts)
}

// TrainContext is Train with cancellation.
func TrainContext(ctx context.Context, texts iter.Seq[string], opts TrainOptions) ([]byte, error) {
	if opts.VocabSize == 0 {
		opts.VocabSize = 8000
	}
	if opts.MinFrequency == 0 {
		opts.MinFrequency = 2
	}
	if min := len(trainSpecials) + 256; opts.VocabSize < min {
		return nil, fmt.Errorf("train bpe: vocab size %d is below %d (special tokens and byte symbols)", opts.VocabSize, min)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	start := time.Now()
	wordCounts := map[string]int64{}
	var ends []int
	nTexts, nBytes := 0, 0
	for s := range texts {
		if nTexts%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("train bpe: %w", err)
			}
		}
		nTexts++
		nBytes += len(s)
		ends = splitGPT2(ends[:0], s)
		ws := 0
		for _, we := range ends {
			w := s[ws:we]
			if _, ok := wordCounts[w]; ok {
				wordCounts[w]++
			} else {
				wordCounts[strings.Clone(w)] = 1
			}
			ws = we
		}
	}
	log.Info("bpe train: counted words", "texts", nTexts, "bytes", nBytes, "unique_words", len(wordCounts), "elapsed", time.Since(start).Round(time.Millisecond))

	tr := newTrainer(wordCounts, opts)
	if err := tr.run(ctx, log); err != nil {
		return nil, fmt.Errorf("train bpe: %w", err)
	}
	log.Info("bpe train: done", "vocab", len(tr.tokStr), "merges", len(tr.merges), "elapsed", time.Since(start).Round(time.Millisecond))
	return tr.json()
}

type trainPair struct {
	a, b  int32
	count int64
	where []int32 // words that may hold the pair (duplicates and stale entries allowed)
}

type trainer struct {
	opts       TrainOptions
	chars      [256]string
	tokStr     []string // id -> byte-level string
	tokLen     []int32  // id -> length in bytes of the raw text it stands for
	tokID      map[string]int32
	words      [][]int32
	wordCount  []int64
	pairID     map[uint64]int32
	pairs      []trainPair
	heap       []int32 // heap of pair ids; heapCount holds the count each entry was pushed with
	heapCount  []int64
	merges     [][2]int32
	wordStamp  []int32
	delta      []int64
	touched    []int32
	bannedPair map[int32]bool
}

func newTrainer(wordCounts map[string]int64, opts TrainOptions) *trainer {
	t := &trainer{opts: opts, chars: byteLevelChars(), tokID: map[string]int32{}, pairID: map[uint64]int32{}, bannedPair: map[int32]bool{}}
	for _, s := range trainSpecials {
		t.addToken(s, 0)
	}
	// The byte alphabet, ordered by the code point of its byte-level character.
	byteOrder := make([]int, 256)
	for i := range byteOrder {
		byteOrder[i] = i
	}
	sort.Slice(byteOrder, func(i, j int) bool {
		return []rune(t.chars[byteOrder[i]])[0] < []rune(t.chars[byteOrder[j]])[0]
	})
	var byteID [256]int32
	for _, b := range byteOrder {
		byteID[b] = t.addToken(t.chars[b], 1)
	}
	// Words in sorted order so that everything downstream is deterministic.
	keys := make([]string, 0, len(wordCounts))
	for w := range wordCounts {
		keys = append(keys, w)
	}
	sort.Strings(keys)
	t.words = make([][]int32, len(keys))
	t.wordCount = make([]int64, len(keys))
	t.wordStamp = make([]int32, len(keys))
	for i, w := range keys {
		syms := make([]int32, len(w))
		for k := 0; k < len(w); k++ {
			syms[k] = byteID[w[k]]
		}
		t.words[i] = syms
		t.wordCount[i] = wordCounts[w]
		for k := 0; k+1 < len(syms); k++ {
			p := t.pid(syms[k], syms[k+1])
			t.pairs[p].count += t.wordCount[i]
			t.addWhere(p, int32(i))
		}
	}
	for p := range t.pairs {
		t.push(int32(p))
	}
	return t
}

func (t *trainer) addToken(s string, n int32) int32 {
	if id, ok := t.tokID[s]; ok {
		return id
	}
	id := int32(len(t.tokStr))
	t.tokStr = append(t.tokStr, s)
	t.tokLen = append(t.tokLen, n)
	t.tokID[s] = id
	return id
}

func (t *trainer) pid(a, b int32) int32 {
	k := pairKey(a, b)
	if p, ok := t.pairID[k]; ok {
		return p
	}
	p := int32(len(t.pairs))
	t.pairs = append(t.pairs, trainPair{a: a, b: b})
	t.delta = append(t.delta, 0)
	t.pairID[k] = p
	return p
}

func (t *trainer) addWhere(p, w int32) {
	wh := t.pairs[p].where
	if n := len(wh); n == 0 || wh[n-1] != w {
		t.pairs[p].where = append(wh, w)
	}
}

// better reports whether pair p (with count cp) must be merged before pair q (with count cq).
func (t *trainer) better(p int32, cp int64, q int32, cq int64) bool {
	if cp != cq {
		return cp > cq
	}
	pa, qa := t.tokStr[t.pairs[p].a], t.tokStr[t.pairs[q].a]
	if pa != qa {
		return pa < qa
	}
	return t.tokStr[t.pairs[p].b] < t.tokStr[t.pairs[q].b]
}

func (t *trainer) push(p int32) {
	c := t.pairs[p].count
	if c <= 0 || t.bannedPair[p] {
		return
	}
	t.heap = append(t.heap, p)
	t.heapCount = append(t.heapCount, c)
	i := len(t.heap) - 1
	for i > 0 {
		up := (i - 1) / 2
		if !t.better(t.heap[i], t.heapCount[i], t.heap[up], t.heapCount[up]) {
			break
		}
		t.heap[i], t.heap[up] = t.heap[up], t.heap[i]
		t.heapCount[i], t.heapCount[up] = t.heapCount[up], t.heapCount[i]
		i = up
	}
}

func (t *trainer) pop() (int32, int64) {
	p, c := t.heap[0], t.heapCount[0]
	n := len(t.heap) - 1
	t.heap[0], t.heapCount[0] = t.heap[n], t.heapCount[n]
	t.heap, t.heapCount = t.heap[:n], t.heapCount[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && t.better(t.heap[r], t.heapCount[r], t.heap[l], t.heapCount[l]) {
			m = r
		}
		if !t.better(t.heap[m], t.heapCount[m], t.heap[i], t.heapCount[i]) {
			break
		}
		t.heap[i], t.heap[m] = t.heap[m], t.heap[i]
		t.heapCount[i], t.heapCount[m] = t.heapCount[m], t.heapCount[i]
		i = m
	}
	return p, c
}

func (t *trainer) run(ctx context.Context, log *slog.Logger) error {
	lastLog := time.Now()
	for len(t.tokStr) < t.opts.VocabSize && len(t.heap) > 0 {
		p, c := t.pop()
		if cur := t.pairs[p].count; cur != c {
			// Stale entry: re-queue with the current count.
			t.push(p)
			continue
		}
		if c < int64(t.opts.MinFrequency) {
			break
		}
		a, b := t.pairs[p].a, t.pairs[p].b
		if m := t.opts.MaxTokenLength; m > 0 && int(t.tokLen[a]+t.tokLen[b]) > m {
			t.bannedPair[p] = true
			continue
		}
		if len(t.merges)%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if time.Since(lastLog) > 5*time.Second {
				log.Info("bpe train: merging", "merges", len(t.merges), "vocab", len(t.tokStr), "pair_count", c)
				lastLog = time.Now()
			}
		}
		t.merge(p)
	}
	return nil
}

// merge applies pair p everywhere and updates the pair counts incrementally.
func (t *trainer) merge(p int32) {
	a, b := t.pairs[p].a, t.pairs[p].b
	c := t.addToken(t.tokStr[a]+t.tokStr[b], t.tokLen[a]+t.tokLen[b])
	t.merges = append(t.merges, [2]int32{a, b})
	stamp := int32(len(t.merges))
	t.touched = t.touched[:0]
	add := func(q int32, d int64) {
		if t.delta[q] == 0 {
			t.touched = append(t.touched, q)
		}
		t.delta[q] += d
	}
	where := t.pairs[p].where
	t.pairs[p].where = nil
	for _, w := range where {
		if t.wordStamp[w] == stamp {
			continue
		}
		t.wordStamp[w] = stamp
		syms := t.words[w]
		found := false
		for i := 0; i+1 < len(syms); i++ {
			if syms[i] == a && syms[i+1] == b {
				found = true
				break
			}
		}
		if !found {
			continue
		}
		cnt := t.wordCount[w]
		for i := 0; i+1 < len(syms); i++ {
			add(t.pid(syms[i], syms[i+1]), -cnt)
		}
		j := 0
		for i := 0; i < len(syms); j++ {
			if i+1 < len(syms) && syms[i] == a && syms[i+1] == b {
				syms[j] = c
				i += 2
			} else {
				syms[j] = syms[i]
				i++
			}
		}
		syms = syms[:j]
		t.words[w] = syms
		for i := 0; i+1 < len(syms); i++ {
			q := t.pid(syms[i], syms[i+1])
			add(q, cnt)
			if syms[i] == c || syms[i+1] == c {
				t.addWhere(q, w)
			}
		}
	}
	for _, q := range t.touched {
		d := t.delta[q]
		t.delta[q] = 0
		t.pairs[q].count += d
		if d > 0 {
			t.push(q)
		}
	}
}

// json writes the tokenizer.json.
func (t *trainer) json() ([]byte, error) {
	var buf bytes.Buffer
	str := func(s string) string {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s) // cannot fail for a string
		return strings.TrimSuffix(b.String(), "\n")
	}
	buf.WriteString("{\n  \"version\": \"1.0\",\n  \"truncation\": null,\n  \"padding\": null,\n  \"added_tokens\": [\n")
	for i, s := range trainSpecials {
		lstrip := s == "<mask>"
		fmt.Fprintf(&buf, "    {\"id\": %d, \"content\": %s, \"single_word\": false, \"lstrip\": %v, \"rstrip\": false, \"normalized\": false, \"special\": true}", i, str(s), lstrip)
		if i < len(trainSpecials)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("  ],\n  \"normalizer\": null,\n")
	buf.WriteString("  \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false, \"trim_offsets\": true, \"use_regex\": true},\n")
	buf.WriteString("  \"post_processor\": {\"type\": \"RobertaProcessing\", \"sep\": [\"</s>\", 2], \"cls\": [\"<s>\", 0], \"trim_offsets\": true, \"add_prefix_space\": false},\n")
	buf.WriteString("  \"decoder\": {\"type\": \"ByteLevel\", \"add_prefix_space\": true, \"trim_offsets\": true, \"use_regex\": true},\n")
	buf.WriteString("  \"model\": {\n    \"type\": \"BPE\",\n    \"dropout\": null,\n    \"unk_token\": null,\n    \"continuing_subword_prefix\": null,\n    \"end_of_word_suffix\": null,\n    \"fuse_unk\": false,\n    \"byte_fallback\": false,\n    \"ignore_merges\": false,\n    \"vocab\": {\n")
	for id, s := range t.tokStr {
		fmt.Fprintf(&buf, "      %s: %d", str(s), id)
		if id < len(t.tokStr)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("    },\n    \"merges\": [\n")
	for i, m := range t.merges {
		fmt.Fprintf(&buf, "      [%s, %s]", str(t.tokStr[m[0]]), str(t.tokStr[m[1]]))
		if i < len(t.merges)-1 {
			buf.WriteString(",")
		}
		buf.WriteString("\n")
	}
	buf.WriteString("    ]\n  }\n}\n")
	if !json.Valid(buf.Bytes()) {
		return nil, errors.New("train bpe: produced invalid JSON")
	}
	return buf.Bytes(), nil
}
