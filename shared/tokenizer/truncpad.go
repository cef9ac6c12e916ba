package tokenizer

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Direction says which end of a sequence truncation cuts or padding fills.
type Direction string

// Directions, as spelled in tokenizer.json.
const (
	Right Direction = "Right"
	Left  Direction = "Left"
)

// TruncationStrategy is tokenizer.json's truncation strategy. For single sequences LongestFirst and
// OnlyFirst behave the same; OnlySecond fails as in Hugging Face.
type TruncationStrategy string

// Truncation strategies, as spelled in tokenizer.json.
const (
	LongestFirst TruncationStrategy = "LongestFirst"
	OnlyFirst    TruncationStrategy = "OnlyFirst"
	OnlySecond   TruncationStrategy = "OnlySecond"
)

// Truncation configures truncation; see SetTruncation. MaxLength counts the special tokens added by
// the post-processor when they are requested. Tokens cut off are returned in Encoding.Overflowing,
// in windows of MaxLength that overlap by Stride tokens.
type Truncation struct {
	MaxLength int
	Stride    int
	Strategy  TruncationStrategy // "" means LongestFirst
	Direction Direction          // "" means Right
}

// PaddingStrategy says how long padded encodings are.
type PaddingStrategy string

// Padding strategies.
const (
	// BatchLongest pads to the longest encoding of the batch (a single Encode pads nothing, except
	// to reach PadToMultipleOf).
	BatchLongest PaddingStrategy = "BatchLongest"
	// Fixed pads to Padding.Length.
	Fixed PaddingStrategy = "Fixed"
)

// Padding configures padding; see SetPadding.
type Padding struct {
	Strategy        PaddingStrategy // "" means BatchLongest
	Length          int             // target length for Fixed
	Direction       Direction       // "" means Right
	PadToMultipleOf int             // 0: none
	PadID           int32
	PadTypeID       int32
	PadToken        string
}

func parseTruncation(raw json.RawMessage) (*Truncation, error) {
	if isNull(raw) {
		return nil, nil
	}
	o, err := parseObject("truncation", raw)
	if err != nil {
		return nil, err
	}
	if err := o.only("truncation", "direction", "max_length", "strategy", "stride"); err != nil {
		return nil, err
	}
	tr := &Truncation{Strategy: LongestFirst, Direction: Right}
	if err := o.into("truncation", "max_length", &tr.MaxLength); err != nil {
		return nil, err
	}
	for key, dst := range map[string]any{"stride": &tr.Stride, "strategy": &tr.Strategy, "direction": &tr.Direction} {
		if raw, ok := o[key]; ok && !isNull(raw) {
			if err := json.Unmarshal(raw, dst); err != nil {
				return nil, fmt.Errorf("truncation: %s: %w", key, err)
			}
		}
	}
	if err := tr.check(); err != nil {
		return nil, err
	}
	return tr, nil
}

func (tr *Truncation) check() error {
	if tr.MaxLength < 0 || tr.Stride < 0 {
		return fmt.Errorf("truncation: negative max_length %d or stride %d", tr.MaxLength, tr.Stride)
	}
	switch tr.Strategy {
	case "", LongestFirst, OnlyFirst, OnlySecond:
	default:
		return fmt.Errorf("truncation: unsupported strategy %q", tr.Strategy)
	}
	switch tr.Direction {
	case "", Left, Right:
	default:
		return fmt.Errorf("truncation: unsupported direction %q", tr.Direction)
	}
	return nil
}

func parsePadding(raw json.RawMessage) (*Padding, error) {
	if isNull(raw) {
		return nil, nil
	}
	o, err := parseObject("padding", raw)
	if err != nil {
		return nil, err
	}
	if err := o.only("padding", "strategy", "direction", "pad_to_multiple_of", "pad_id", "pad_type_id", "pad_token"); err != nil {
		return nil, err
	}
	p := &Padding{Strategy: BatchLongest, Direction: Right, PadToken: "[PAD]"}
	if raw, ok := o["strategy"]; ok && !isNull(raw) {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			if s != string(BatchLongest) {
				return nil, fmt.Errorf("padding: unsupported strategy %q", s)
			}
		} else {
			var f struct {
				Fixed *int `json:"Fixed"`
			}
			if err := json.Unmarshal(raw, &f); err != nil || f.Fixed == nil {
				return nil, fmt.Errorf("padding: unsupported strategy %s", raw)
			}
			p.Strategy, p.Length = Fixed, *f.Fixed
		}
	}
	for key, dst := range map[string]any{"direction": &p.Direction, "pad_to_multiple_of": &p.PadToMultipleOf,
		"pad_id": &p.PadID, "pad_type_id": &p.PadTypeID, "pad_token": &p.PadToken} {
		if raw, ok := o[key]; ok && !isNull(raw) {
			if err := json.Unmarshal(raw, dst); err != nil {
				return nil, fmt.Errorf("padding: %s: %w", key, err)
			}
		}
	}
	if err := p.check(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Padding) check() error {
	switch p.Strategy {
	case "", BatchLongest, Fixed:
	default:
		return fmt.Errorf("padding: unsupported strategy %q", p.Strategy)
	}
	switch p.Direction {
	case "", Left, Right:
	default:
		return fmt.Errorf("padding: unsupported direction %q", p.Direction)
	}
	if p.Length < 0 || p.PadToMultipleOf < 0 {
		return fmt.Errorf("padding: negative length %d or pad_to_multiple_of %d", p.Length, p.PadToMultipleOf)
	}
	return nil
}

var (
	errSecondSequenceNotProvided = errors.New("truncation: strategy OnlySecond needs a second sequence")
	errSequenceTooShort          = errors.New("truncation: sequence too short to remove the requested tokens")
)

// truncateEncoding is truncate_encodings for a single sequence.
func truncateEncoding(enc Encoding, tr Truncation, maxLength int) (Encoding, error) {
	if maxLength == 0 {
		return enc.truncate(0, tr.Stride, tr.Direction)
	}
	total := len(enc.IDs)
	if total <= maxLength {
		return enc, nil
	}
	toRemove := total - maxLength
	switch tr.Strategy {
	case OnlySecond:
		return enc, errSecondSequenceNotProvided
	case OnlyFirst:
		if total <= toRemove {
			return enc, errSequenceTooShort
		}
	}
	return enc.truncate(total-toRemove, tr.Stride, tr.Direction)
}

// truncate is Encoding::truncate: keep maxLen tokens, the rest goes to Overflowing in windows of
// maxLen overlapping by stride.
func (e Encoding) truncate(maxLen, stride int, dir Direction) (Encoding, error) {
	n := len(e.IDs)
	if maxLen >= n {
		return e, nil
	}
	if maxLen == 0 {
		over := e
		return Encoding{Overflowing: []Encoding{over}}, nil
	}
	if stride >= maxLen {
		return e, fmt.Errorf("truncation: stride %d must be less than the effective max length %d (max_length minus added special tokens)", stride, maxLen)
	}
	step := maxLen - stride
	type rng struct{ start, stop int }
	var parts []rng
	if dir == Left {
		for stop := n - 1; stop >= 0; stop -= step {
			s := stop + 1
			start := max(s-maxLen, 0)
			parts = append(parts, rng{start, s})
			if start == 0 {
				break
			}
		}
	} else {
		for start := 0; start < n; start += step {
			stop := min(start+maxLen, n)
			parts = append(parts, rng{start, stop})
			if stop == n {
				break
			}
		}
	}
	out := e.slice(parts[0].start, parts[0].stop)
	for _, p := range parts[1:] {
		out.Overflowing = append(out.Overflowing, e.slice(p.start, p.stop))
	}
	return out, nil
}

func (e Encoding) slice(start, stop int) Encoding {
	return Encoding{
		IDs:               append([]int32(nil), e.IDs[start:stop]...),
		TypeIDs:           append([]int32(nil), e.TypeIDs[start:stop]...),
		AttentionMask:     append([]int32(nil), e.AttentionMask[start:stop]...),
		SpecialTokensMask: append([]int32(nil), e.SpecialTokensMask[start:stop]...),
		Offsets:           append([]Offset(nil), e.Offsets[start:stop]...),
		Tokens:            append([]string(nil), e.Tokens[start:stop]...),
	}
}

// padEncodings is pad_encodings.
func padEncodings(encs []Encoding, p Padding) {
	if len(encs) == 0 {
		return
	}
	length := p.Length
	if p.Strategy != Fixed {
		length = 0
		for _, e := range encs {
			length = max(length, len(e.IDs))
		}
	}
	if m := p.PadToMultipleOf; m > 0 && length%m > 0 {
		length += m - length%m
	}
	for i := range encs {
		encs[i].pad(length, p)
	}
}

// pad is Encoding::pad (overflowing encodings included).
func (e *Encoding) pad(length int, p Padding) {
	for i := range e.Overflowing {
		e.Overflowing[i].pad(length, p)
	}
	n := len(e.IDs)
	if n >= length {
		return
	}
	k := length - n
	fill := func(v int32) []int32 {
		s := make([]int32, k)
		for i := range s {
			s[i] = v
		}
		return s
	}
	ids, types, att, spec := fill(p.PadID), fill(p.PadTypeID), fill(0), fill(1)
	offs := make([]Offset, k)
	toks := make([]string, k)
	for i := range toks {
		toks[i] = p.PadToken
	}
	if p.Direction == Left {
		e.IDs, e.TypeIDs, e.AttentionMask = concat(ids, e.IDs), concat(types, e.TypeIDs), concat(att, e.AttentionMask)
		e.SpecialTokensMask, e.Offsets, e.Tokens = concat(spec, e.SpecialTokensMask), concat(offs, e.Offsets), concat(toks, e.Tokens)
		return
	}
	e.IDs, e.TypeIDs, e.AttentionMask = concat(e.IDs, ids), concat(e.TypeIDs, types), concat(e.AttentionMask, att)
	e.SpecialTokensMask, e.Offsets, e.Tokens = concat(e.SpecialTokensMask, spec), concat(e.Offsets, offs), concat(e.Tokens, toks)
}
