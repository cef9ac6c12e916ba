package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Offset is a [Start, End) range of byte offsets into the original input string.
type Offset struct{ Start, End int }

// Encoding is the result of encoding one string. All slices have the same length.
type Encoding struct {
	IDs, TypeIDs, AttentionMask, SpecialTokensMask []int32
	Offsets                                        []Offset
	Tokens                                         []string
	// Overflowing holds the windows cut off by truncation (each post-processed and padded like the
	// main encoding); nil without truncation.
	Overflowing []Encoding
}

// Len returns the number of tokens.
func (e Encoding) Len() int { return len(e.IDs) }

// Tokenizer is a Hugging Face byte-level BPE tokenizer loaded from tokenizer.json. It is safe for
// concurrent use; SetTruncation and SetPadding may be called at any time and apply to later calls.
type Tokenizer struct {
	chars      [256]string
	model      *bpeModel
	added      addedVocab
	pre        byteLevelOpts
	post       processor // nil: none
	decoder    *byteLevelOpts
	truncation atomic.Pointer[Truncation]
	padding    atomic.Pointer[Padding]
	scratch    sync.Pool // *encodeScratch
}

// FromFile loads a tokenizer.json file.
func FromFile(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	t, err := FromJSON(data)
	if err != nil {
		return nil, fmt.Errorf("load tokenizer %s: %w", path, err)
	}
	return t, nil
}

// FromJSON loads a tokenizer from the contents of a tokenizer.json file. Components, types and
// options this package does not implement are refused with an error naming them.
func FromJSON(data []byte) (*Tokenizer, error) {
	top, err := parseObject("tokenizer.json", data)
	if err != nil {
		return nil, err
	}
	if err := top.only("tokenizer.json", "version", "truncation", "padding", "added_tokens", "normalizer",
		"pre_tokenizer", "post_processor", "decoder", "model"); err != nil {
		return nil, err
	}
	t := &Tokenizer{chars: byteLevelChars()}
	if err := parseNormalizer(top["normalizer"]); err != nil {
		return nil, err
	}
	if t.pre, err = parsePreTokenizer(top["pre_tokenizer"]); err != nil {
		return nil, err
	}
	if t.model, err = parseModel(top["model"], &t.chars); err != nil {
		return nil, err
	}
	if err := t.loadAddedTokens(top["added_tokens"]); err != nil {
		return nil, err
	}
	if t.post, err = parsePostProcessor(top["post_processor"], t); err != nil {
		return nil, err
	}
	if t.decoder, err = parseDecoder(top["decoder"]); err != nil {
		return nil, err
	}
	tr, err := parseTruncation(top["truncation"])
	if err != nil {
		return nil, err
	}
	t.truncation.Store(tr)
	pd, err := parsePadding(top["padding"])
	if err != nil {
		return nil, err
	}
	t.padding.Store(pd)
	return t, nil
}

// loadAddedTokens registers added_tokens as Hugging Face does on load: ids are not taken from the
// file but re-derived (the model's id if the content is in the vocab, else the next free id).
func (t *Tokenizer) loadAddedTokens(raw json.RawMessage) error {
	a := &t.added
	a.byContent = map[string]int32{}
	a.byID = map[int32]AddedToken{}
	a.special = map[string]bool{}
	if isNull(raw) {
		return nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("added_tokens: %w", err)
	}
	var tokens []AddedToken
	for i, it := range items {
		o, err := parseObject("added_tokens", it)
		if err != nil {
			return err
		}
		if err := o.only(fmt.Sprintf("added_tokens[%d]", i), "id", "content", "single_word", "lstrip", "rstrip", "normalized", "special"); err != nil {
			return err
		}
		var tok AddedToken
		if err := json.Unmarshal(it, &tok); err != nil {
			return fmt.Errorf("added_tokens[%d]: %w", i, err)
		}
		tokens = append(tokens, tok)
	}
	var specialList, addedList []AddedToken
	for _, tok := range tokens {
		if tok.Special && tok.Content != "" && !a.special[tok.Content] {
			specialList = append(specialList, tok)
			a.special[tok.Content] = true
		}
	}
	for _, tok := range tokens {
		if tok.Content == "" {
			continue
		}
		// A token equal in content and options to a registered one is skipped; one that differs in
		// options gets the same id and replaces its options (as Hugging Face does).
		dup := false
		for _, v := range a.byID {
			v.ID = tok.ID
			if v == tok {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		id, ok := a.byContent[tok.Content]
		if !ok {
			id, ok = t.model.vocab[tok.Content]
		}
		if !ok {
			id = int32(t.model.size)
			maxAdded := int32(-1)
			for _, v := range a.byContent {
				maxAdded = max(maxAdded, v)
			}
			if maxAdded >= 0 && (maxAdded >= int32(t.model.size) || t.model.size == 0) {
				id = maxAdded + 1
			}
		}
		a.byContent[tok.Content] = id
		tok.ID = id
		a.byID[id] = tok
		if !a.special[tok.Content] {
			addedList = append(addedList, tok)
		}
	}
	var norm, nonNorm []AddedToken
	for _, tok := range append(specialList, addedList...) {
		tok.ID = a.byContent[tok.Content]
		if tok.Normalized {
			norm = append(norm, tok)
		} else {
			nonNorm = append(nonNorm, tok)
		}
	}
	if len(nonNorm) > 0 {
		a.nonNormalized = newMatchSet(nonNorm)
	}
	if len(norm) > 0 {
		a.normalized = newMatchSet(norm)
	}
	return nil
}

// SetTruncation enables truncation (a copy of tr is kept); nil disables it. Invalid settings are
// reported by the next Encode.
func (t *Tokenizer) SetTruncation(tr *Truncation) {
	if tr != nil {
		c := *tr
		tr = &c
	}
	t.truncation.Store(tr)
}

// SetPadding enables padding (a copy of p is kept); nil disables it.
func (t *Tokenizer) SetPadding(p *Padding) {
	if p != nil {
		c := *p
		p = &c
	}
	t.padding.Store(p)
}

// Truncation returns a copy of the truncation settings, nil if disabled.
func (t *Tokenizer) Truncation() *Truncation {
	if tr := t.truncation.Load(); tr != nil {
		c := *tr
		return &c
	}
	return nil
}

// Padding returns a copy of the padding settings, nil if disabled.
func (t *Tokenizer) Padding() *Padding {
	if p := t.padding.Load(); p != nil {
		c := *p
		return &c
	}
	return nil
}

// NumSpecialTokensToAdd returns how many tokens the post-processor adds to a single sequence.
func (t *Tokenizer) NumSpecialTokensToAdd() int {
	if t.post == nil {
		return 0
	}
	return t.post.numAdded()
}

// TokenToID returns the id of a token (added tokens first, then the model vocab).
func (t *Tokenizer) TokenToID(tok string) (int32, bool) {
	if id, ok := t.added.byContent[tok]; ok {
		return id, true
	}
	id, ok := t.model.vocab[tok]
	return id, ok
}

// IDToToken returns the token of an id (added tokens first, then the model vocab).
func (t *Tokenizer) IDToToken(id int32) (string, bool) {
	if tok, ok := t.added.byID[id]; ok {
		return tok.Content, true
	}
	if id >= 0 && int(id) < len(t.model.vocabR) && t.model.vocabOK[id] {
		return t.model.vocabR[id], true
	}
	return "", false
}

// VocabSize returns the number of distinct tokens, added tokens included (Hugging Face's
// get_vocab_size(true)).
func (t *Tokenizer) VocabSize() int {
	n := t.model.size
	for content := range t.added.byContent {
		if _, ok := t.model.vocab[content]; !ok {
			n++
		}
	}
	return n
}

// MaxID returns the largest token id (an embedding table needs MaxID()+1 rows).
func (t *Tokenizer) MaxID() int32 {
	m := int32(len(t.model.vocabR) - 1)
	for id := range t.added.byID {
		m = max(m, id)
	}
	return m
}

// Encode encodes one string: added tokens, byte-level pre-tokenization, BPE, then (as Hugging Face's
// post_process) truncation if set, the post-processor (special tokens only if addSpecialTokens) and
// padding if set.
func (t *Tokenizer) Encode(text string, addSpecialTokens bool) (Encoding, error) {
	tr := t.truncation.Load()
	limit, left := -1, false
	if tr != nil {
		// Like tokenizers 0.23, only the pre-tokenized words needed to reach max_length tokens are
		// encoded (from the end for Left truncation); overflowing windows come from those alone.
		limit, left = tr.MaxLength, tr.Direction == Left
	}
	enc := t.encodeRaw(text, limit, left, false)
	return t.postProcessFull(enc, text, addSpecialTokens, tr)
}

// EncodeIDs returns the token ids of Encode(text, false) with no truncation: ids alone, without the
// offsets, tokens and masks Encode builds, for callers that need nothing else (the classifier cuts
// its own windows). The tokenizer's truncation and padding settings do not apply.
func (t *Tokenizer) EncodeIDs(text string) []int32 {
	return t.encodeRaw(text, -1, false, true).IDs
}

// SingleSpecials returns the special-token ids that PostProcess(enc, true) puts before and after
// the ids of a single sequence, found by post-processing probe sequences, so that a caller can wrap
// ids itself. ok is false when the post-processor does more than wrap (the caller must then use
// PostProcess).
func (t *Tokenizer) SingleSpecials() (prefix, suffix []int32, ok bool) {
	probe := func(ids ...int32) []int32 {
		n := len(ids)
		enc := Encoding{IDs: ids, TypeIDs: make([]int32, n), AttentionMask: make([]int32, n),
			SpecialTokensMask: make([]int32, n), Offsets: make([]Offset, n), Tokens: make([]string, n)}
		out := t.PostProcess(enc, true)
		if len(out.Overflowing) > 0 {
			return nil
		}
		return out.IDs
	}
	one := probe(-7)
	at := slices.Index(one, -7)
	if at < 0 || slices.Contains(one[at+1:], -7) {
		return nil, nil, false
	}
	prefix, suffix = slices.Clone(one[:at]), slices.Clone(one[at+1:])
	two := probe(-7, -8)
	want := slices.Concat(prefix, []int32{-7, -8}, suffix)
	if !slices.Equal(two, want) {
		return nil, nil, false
	}
	return prefix, suffix, true
}

// EncodeBatch encodes several strings (concurrently) and pads them together when padding is set.
func (t *Tokenizer) EncodeBatch(texts []string, addSpecialTokens bool) ([]Encoding, error) {
	out := make([]Encoding, len(texts))
	workers := min(runtime.GOMAXPROCS(0), (len(texts)+31)/32)
	if workers <= 1 {
		for i, s := range texts {
			e, err := t.Encode(s, addSpecialTokens)
			if err != nil {
				return nil, fmt.Errorf("encode batch item %d: %w", i, err)
			}
			out[i] = e
		}
	} else {
		var next atomic.Int64
		errs := make([]error, len(texts))
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := int(next.Add(1) - 1)
					if i >= len(texts) {
						return
					}
					out[i], errs[i] = t.Encode(texts[i], addSpecialTokens)
				}
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("encode batch item %d: %w", i, err)
			}
		}
	}
	if p := t.padding.Load(); p != nil {
		padEncodings(out, *p)
	}
	return out, nil
}

// PostProcess adds the post-processor's special tokens (e.g. <s> … </s>) and type ids to an encoding
// produced by Encode(text, false), such as a window cut out of one. It does not truncate, pad or
// re-trim offsets (Encode already trimmed them). enc is not modified.
func (t *Tokenizer) PostProcess(enc Encoding, addSpecialTokens bool) Encoding {
	enc = enc.clone()
	if t.post == nil {
		return enc
	}
	return t.post.addSpecial(enc, addSpecialTokens)
}

func (e Encoding) clone() Encoding {
	c := Encoding{
		IDs:               append([]int32(nil), e.IDs...),
		TypeIDs:           append([]int32(nil), e.TypeIDs...),
		AttentionMask:     append([]int32(nil), e.AttentionMask...),
		SpecialTokensMask: append([]int32(nil), e.SpecialTokensMask...),
		Offsets:           append([]Offset(nil), e.Offsets...),
		Tokens:            append([]string(nil), e.Tokens...),
	}
	for _, o := range e.Overflowing {
		c.Overflowing = append(c.Overflowing, o.clone())
	}
	return c
}

// postProcessFull is Tokenizer::post_process for a single sequence.
func (t *Tokenizer) postProcessFull(enc Encoding, text string, add bool, tr *Truncation) (Encoding, error) {
	if tr != nil {
		if err := tr.check(); err != nil {
			return Encoding{}, err
		}
		maxLen := tr.MaxLength
		if n := t.NumSpecialTokensToAdd(); add && n > 0 {
			if maxLen < n {
				return Encoding{}, fmt.Errorf("truncation: max_length %d is less than the %d special tokens to add", maxLen, n)
			}
			maxLen -= n
		}
		var err error
		if enc, err = truncateEncoding(enc, *tr, maxLen); err != nil {
			return Encoding{}, err
		}
	}
	if t.post != nil {
		enc = process(t.post, enc, text, add)
	}
	if p := t.padding.Load(); p != nil {
		if err := p.check(); err != nil {
			return Encoding{}, err
		}
		one := []Encoding{enc}
		padEncodings(one, *p)
		enc = one[0]
	}
	return enc, nil
}
