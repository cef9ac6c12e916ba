package tokenizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
)

// object is a JSON object whose fields are checked against the ones this package implements.
type object map[string]json.RawMessage

func parseObject(what string, raw json.RawMessage) (object, error) {
	var o object
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if o == nil {
		return nil, fmt.Errorf("%s: expected an object", what)
	}
	return o, nil
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

// only refuses any field not in allowed, naming it.
func (o object) only(what string, allowed ...string) error {
	var unknown []string
	for k := range o {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("%s: unsupported field(s) %s", what, strings.Join(unknown, ", "))
	}
	return nil
}

func (o object) typ(what string) (string, error) {
	var t string
	raw, ok := o["type"]
	if !ok {
		return "", fmt.Errorf("%s: missing \"type\"", what)
	}
	if err := json.Unmarshal(raw, &t); err != nil {
		return "", fmt.Errorf("%s: type: %w", what, err)
	}
	return t, nil
}

// boolField reads an optional boolean field (null or missing gives def).
func (o object) boolField(what, key string, def bool) (bool, error) {
	raw, ok := o[key]
	if !ok || isNull(raw) {
		return def, nil
	}
	var b bool
	if err := json.Unmarshal(raw, &b); err != nil {
		return false, fmt.Errorf("%s: %s: %w", what, key, err)
	}
	return b, nil
}

// optString reads an optional string field (null or missing gives "", false).
func (o object) optString(what, key string) (string, bool, error) {
	raw, ok := o[key]
	if !ok || isNull(raw) {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, fmt.Errorf("%s: %s: %w", what, key, err)
	}
	return s, true, nil
}

func (o object) into(what, key string, v any) error {
	raw, ok := o[key]
	if !ok {
		return fmt.Errorf("%s: missing %q", what, key)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s: %s: %w", what, key, err)
	}
	return nil
}

// byteLevelOpts are the options of the ByteLevel pre-tokenizer, post-processor and decoder.
type byteLevelOpts struct {
	addPrefixSpace, trimOffsets, useRegex bool
}

func parseByteLevel(what string, o object) (byteLevelOpts, error) {
	var b byteLevelOpts
	if err := o.only(what, "type", "add_prefix_space", "trim_offsets", "use_regex"); err != nil {
		return b, err
	}
	var err error
	// Defaults are those of Hugging Face's ByteLevel::default().
	if b.addPrefixSpace, err = o.boolField(what, "add_prefix_space", true); err != nil {
		return b, err
	}
	if b.trimOffsets, err = o.boolField(what, "trim_offsets", true); err != nil {
		return b, err
	}
	if b.useRegex, err = o.boolField(what, "use_regex", true); err != nil {
		return b, err
	}
	return b, nil
}

func parseNormalizer(raw json.RawMessage) error {
	if isNull(raw) {
		return nil
	}
	o, err := parseObject("normalizer", raw)
	if err != nil {
		return err
	}
	t, err := o.typ("normalizer")
	if err != nil {
		return err
	}
	if t == "Sequence" {
		if err := o.only("normalizer Sequence", "type", "normalizers"); err != nil {
			return err
		}
		var list []json.RawMessage
		if err := o.into("normalizer Sequence", "normalizers", &list); err != nil {
			return err
		}
		if len(list) == 0 {
			return nil
		}
		inner, err := parseObject("normalizer Sequence", list[0])
		if err != nil {
			return err
		}
		it, _ := inner.typ("normalizer Sequence")
		return fmt.Errorf("normalizer Sequence: unsupported normalizer type %q (only null is supported)", it)
	}
	return fmt.Errorf("normalizer: unsupported type %q (only null is supported)", t)
}

func parsePreTokenizer(raw json.RawMessage) (byteLevelOpts, error) {
	if isNull(raw) {
		return byteLevelOpts{}, errors.New("pre_tokenizer: null is not supported (only ByteLevel)")
	}
	o, err := parseObject("pre_tokenizer", raw)
	if err != nil {
		return byteLevelOpts{}, err
	}
	t, err := o.typ("pre_tokenizer")
	if err != nil {
		return byteLevelOpts{}, err
	}
	switch t {
	case "ByteLevel":
		return parseByteLevel("pre_tokenizer ByteLevel", o)
	case "Sequence":
		if err := o.only("pre_tokenizer Sequence", "type", "pretokenizers"); err != nil {
			return byteLevelOpts{}, err
		}
		var list []json.RawMessage
		if err := o.into("pre_tokenizer Sequence", "pretokenizers", &list); err != nil {
			return byteLevelOpts{}, err
		}
		if len(list) != 1 {
			return byteLevelOpts{}, fmt.Errorf("pre_tokenizer Sequence: %d pre-tokenizers, only a Sequence of exactly one ByteLevel is supported", len(list))
		}
		inner, err := parseObject("pre_tokenizer Sequence", list[0])
		if err != nil {
			return byteLevelOpts{}, err
		}
		it, err := inner.typ("pre_tokenizer Sequence")
		if err != nil {
			return byteLevelOpts{}, err
		}
		if it != "ByteLevel" {
			return byteLevelOpts{}, fmt.Errorf("pre_tokenizer Sequence: unsupported pre_tokenizer type %q (only ByteLevel)", it)
		}
		return parseByteLevel("pre_tokenizer Sequence ByteLevel", inner)
	}
	return byteLevelOpts{}, fmt.Errorf("pre_tokenizer: unsupported type %q (only ByteLevel)", t)
}

func parseDecoder(raw json.RawMessage) (*byteLevelOpts, error) {
	if isNull(raw) {
		return nil, nil
	}
	o, err := parseObject("decoder", raw)
	if err != nil {
		return nil, err
	}
	t, err := o.typ("decoder")
	if err != nil {
		return nil, err
	}
	if t != "ByteLevel" {
		return nil, fmt.Errorf("decoder: unsupported type %q (only null and ByteLevel)", t)
	}
	b, err := parseByteLevel("decoder ByteLevel", o)
	if err != nil {
		return nil, err
	}
	return &b, nil
}

// parseModel builds the BPE model.
func parseModel(raw json.RawMessage, chars *[256]string) (*bpeModel, error) {
	if isNull(raw) {
		return nil, errors.New("model: missing")
	}
	o, err := parseObject("model", raw)
	if err != nil {
		return nil, err
	}
	t, err := o.typ("model")
	if err != nil {
		return nil, err
	}
	if t != "BPE" {
		return nil, fmt.Errorf("model: unsupported type %q (only BPE)", t)
	}
	const what = "model BPE"
	if err := o.only(what, "type", "dropout", "unk_token", "continuing_subword_prefix", "end_of_word_suffix",
		"fuse_unk", "byte_fallback", "ignore_merges", "vocab", "merges"); err != nil {
		return nil, err
	}
	if raw, ok := o["dropout"]; ok && !isNull(raw) {
		var d float64
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, fmt.Errorf("%s: dropout: %w", what, err)
		}
		if d != 0 {
			return nil, fmt.Errorf("%s: dropout %v is not supported (must be null)", what, d)
		}
	}
	m := &bpeModel{chars: chars, unkID: -1}
	if m.fuseUnk, err = o.boolField(what, "fuse_unk", false); err != nil {
		return nil, err
	}
	if m.ignoreMerges, err = o.boolField(what, "ignore_merges", false); err != nil {
		return nil, err
	}
	byteFallback, err := o.boolField(what, "byte_fallback", false)
	if err != nil {
		return nil, err
	}
	if byteFallback {
		return nil, fmt.Errorf("%s: byte_fallback true is not supported", what)
	}
	if m.prefix, _, err = o.optString(what, "continuing_subword_prefix"); err != nil {
		return nil, err
	}
	if m.suffix, _, err = o.optString(what, "end_of_word_suffix"); err != nil {
		return nil, err
	}
	if err := o.into(what, "vocab", &m.vocab); err != nil {
		return nil, err
	}
	m.size = len(m.vocab)
	maxID := int32(-1)
	for tok, id := range m.vocab {
		if id < 0 {
			return nil, fmt.Errorf("%s: vocab: negative id %d for %q", what, id, tok)
		}
		maxID = max(maxID, id)
	}
	if maxID >= math.MaxInt32/2 {
		return nil, fmt.Errorf("%s: vocab: id %d too large", what, maxID)
	}
	m.vocabR = make([]string, maxID+1)
	m.vocabOK = make([]bool, maxID+1)
	for tok, id := range m.vocab {
		m.vocabR[id] = tok
		m.vocabOK[id] = true
	}
	unk, hasUnk, err := o.optString(what, "unk_token")
	if err != nil {
		return nil, err
	}
	if hasUnk {
		if id, ok := m.vocab[unk]; ok {
			m.unkID = id
		} else {
			// Hugging Face fails at encode time (UnkTokenOutOfVocabulary) when the unk token is needed;
			// refuse it up front.
			return nil, fmt.Errorf("%s: unk_token %q is not in the vocab", what, unk)
		}
	}
	merges, err := parseMerges(o["merges"])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	m.merges = make(map[uint64]mergeInfo, len(merges))
	for rank, mg := range merges {
		a, ok := m.vocab[mg[0]]
		if !ok {
			return nil, fmt.Errorf("%s: merge %d: token %q is not in the vocab", what, rank+1, mg[0])
		}
		b, ok := m.vocab[mg[1]]
		if !ok {
			return nil, fmt.Errorf("%s: merge %d: token %q is not in the vocab", what, rank+1, mg[1])
		}
		if !strings.HasPrefix(mg[1], m.prefix) {
			return nil, fmt.Errorf("%s: merge %d: %q does not start with continuing_subword_prefix %q", what, rank+1, mg[1], m.prefix)
		}
		merged := mg[0] + mg[1][len(m.prefix):]
		id, ok := m.vocab[merged]
		if !ok {
			return nil, fmt.Errorf("%s: merge %d: merged token %q is not in the vocab", what, rank+1, merged)
		}
		// As in Hugging Face (a HashMap built in order), a repeated merge keeps its last rank.
		m.merges[pairKey(a, b)] = mergeInfo{rank: int32(rank), newID: id}
	}
	m.initUnits()
	m.cache = newBPECache(defaultCacheCapacity)
	return m, nil
}

// defaultCacheCapacity bounds the number of cached words per tokenizer.
const defaultCacheCapacity = 16384

// parseMerges accepts both ["a b", ...] and [["a","b"], ...].
func parseMerges(raw json.RawMessage) ([][2]string, error) {
	if isNull(raw) {
		return nil, nil
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, fmt.Errorf("merges: %w", err)
	}
	if len(items) == 0 {
		return nil, nil
	}
	out := make([][2]string, 0, len(items))
	if t := bytes.TrimSpace(items[0]); len(t) > 0 && t[0] == '"' {
		var lines []string
		if err := json.Unmarshal(raw, &lines); err != nil {
			return nil, fmt.Errorf("merges: mixed or invalid merge forms: %w", err)
		}
		rank := 0
		for _, l := range lines {
			if strings.HasPrefix(l, "#version") {
				continue
			}
			rank++
			a, b, ok := strings.Cut(l, " ")
			if !ok || strings.Contains(b, " ") {
				return nil, fmt.Errorf("merges: merge %d %q is not two tokens separated by one space", rank, l)
			}
			out = append(out, [2]string{a, b})
		}
		return out, nil
	}
	var pairs [][]string
	if err := json.Unmarshal(raw, &pairs); err != nil {
		return nil, fmt.Errorf("merges: mixed or invalid merge forms: %w", err)
	}
	for i, p := range pairs {
		if len(p) != 2 {
			return nil, fmt.Errorf("merges: merge %d has %d tokens, want 2", i+1, len(p))
		}
		out = append(out, [2]string{p[0], p[1]})
	}
	return out, nil
}
