package tokenizer

import (
	"encoding/json"
	"fmt"
	"unicode/utf8"
)

// processor is a post-processor. trim adjusts offsets (it needs the input text); addSpecial adds the
// special tokens and sets type ids.
type processor interface {
	trim(enc *Encoding, text string)
	addSpecial(enc Encoding, add bool) Encoding
	numAdded() int
}

// robertaProcessing is RobertaProcessing: "<s> $A </s>", all type ids 0.
type robertaProcessing struct {
	sep, cls       string
	sepID, clsID   int32
	trimOffsets    bool
	addPrefixSpace bool
}

func (p *robertaProcessing) numAdded() int { return 2 }

func (p *robertaProcessing) trim(enc *Encoding, text string) {
	if p.trimOffsets {
		trimOffsets(enc, text, p.addPrefixSpace)
		for i := range enc.Overflowing {
			trimOffsets(&enc.Overflowing[i], text, p.addPrefixSpace)
		}
	}
}

func (p *robertaProcessing) addSpecial(enc Encoding, add bool) Encoding {
	// Roberta sets every type id to 0 (the overflowing ones already are).
	for i := range enc.TypeIDs {
		enc.TypeIDs[i] = 0
	}
	if !add {
		return enc
	}
	return p.wrap(enc)
}

func (p *robertaProcessing) wrap(enc Encoding) Encoding {
	n := len(enc.IDs) + 2
	buf := make([]int32, 4*n) // one allocation for ids and the three masks
	out := Encoding{
		IDs:               buf[0:0:n],
		TypeIDs:           buf[n : 2*n : 2*n],
		AttentionMask:     buf[2*n : 3*n : 3*n],
		SpecialTokensMask: buf[3*n:],
		Offsets:           make([]Offset, 0, n),
		Tokens:            make([]string, 0, n),
	}
	out.IDs = append(append(append(out.IDs, p.clsID), enc.IDs...), p.sepID)
	out.Offsets = append(append(append(out.Offsets, Offset{}), enc.Offsets...), Offset{})
	out.Tokens = append(append(append(out.Tokens, p.cls), enc.Tokens...), p.sep)
	for i := range out.AttentionMask {
		out.AttentionMask[i] = 1
	}
	out.SpecialTokensMask[0], out.SpecialTokensMask[n-1] = 1, 1
	for _, o := range enc.Overflowing {
		out.Overflowing = append(out.Overflowing, p.wrap(o))
	}
	return out
}

// byteLevelProcessing is the ByteLevel post-processor: it only trims offsets.
type byteLevelProcessing struct{ opts byteLevelOpts }

func (p *byteLevelProcessing) numAdded() int { return 0 }

func (p *byteLevelProcessing) trim(enc *Encoding, text string) {
	if p.opts.trimOffsets {
		trimOffsets(enc, text, p.opts.addPrefixSpace)
		for i := range enc.Overflowing {
			trimOffsets(&enc.Overflowing[i], text, p.opts.addPrefixSpace)
		}
	}
}

func (p *byteLevelProcessing) addSpecial(enc Encoding, _ bool) Encoding { return enc }

// templatePiece is one piece of a TemplateProcessing template.
type templatePiece struct {
	special string // special token name, "" for the sequence
	typeID  int32
}

type templateSpecial struct {
	ids    []int32
	tokens []string
}

// templateProcessing is TemplateProcessing with its single-sequence template.
type templateProcessing struct {
	single  []templatePiece
	special map[string]templateSpecial
	added   int
}

func (p *templateProcessing) numAdded() int { return p.added }

func (p *templateProcessing) trim(*Encoding, string) {}

func (p *templateProcessing) addSpecial(enc Encoding, add bool) Encoding {
	var parts []Encoding
	for _, pc := range p.single {
		if pc.special == "" {
			// Only the main encoding gets the template's type id (as in Hugging Face).
			for i := range enc.TypeIDs {
				enc.TypeIDs[i] = pc.typeID
			}
			parts = append(parts, enc)
			continue
		}
		if !add {
			continue
		}
		st := p.special[pc.special]
		n := len(st.ids)
		e := Encoding{
			IDs:               append([]int32(nil), st.ids...),
			TypeIDs:           make([]int32, n),
			AttentionMask:     make([]int32, n),
			SpecialTokensMask: make([]int32, n),
			Offsets:           make([]Offset, n),
			Tokens:            append([]string(nil), st.tokens...),
		}
		for i := 0; i < n; i++ {
			e.TypeIDs[i], e.AttentionMask[i], e.SpecialTokensMask[i] = pc.typeID, 1, 1
		}
		parts = append(parts, e)
	}
	var out Encoding
	for _, e := range parts {
		out = mergeEncodings(out, e)
	}
	return out
}

// mergeEncodings is Encoding::merge_with (growing_offsets false), overflowing combinations included.
func mergeEncodings(a, b Encoding) Encoding {
	var over []Encoding
	for _, ao := range a.Overflowing {
		over = append(over, mergeEncodings(ao, b.withoutOverflowing()))
		for _, bo := range b.Overflowing {
			over = append(over, mergeEncodings(ao, bo))
		}
	}
	for _, bo := range b.Overflowing {
		over = append(over, mergeEncodings(a.withoutOverflowing(), bo))
	}
	return Encoding{
		IDs:               concat(a.IDs, b.IDs),
		TypeIDs:           concat(a.TypeIDs, b.TypeIDs),
		AttentionMask:     concat(a.AttentionMask, b.AttentionMask),
		SpecialTokensMask: concat(a.SpecialTokensMask, b.SpecialTokensMask),
		Offsets:           concat(a.Offsets, b.Offsets),
		Tokens:            concat(a.Tokens, b.Tokens),
		Overflowing:       over,
	}
}

func concat[T any](a, b []T) []T {
	out := make([]T, 0, len(a)+len(b))
	return append(append(out, a...), b...)
}

func (e Encoding) withoutOverflowing() Encoding {
	e.Overflowing = nil
	return e
}

// sequenceProcessing applies processors in order.
type sequenceProcessing struct{ list []processor }

func (p *sequenceProcessing) numAdded() int {
	n := 0
	for _, q := range p.list {
		n += q.numAdded()
	}
	return n
}

// trim and addSpecial are only used through process/postProcess for sequences; see Tokenizer.
func (p *sequenceProcessing) trim(enc *Encoding, text string) {
	for _, q := range p.list {
		q.trim(enc, text)
	}
}

func (p *sequenceProcessing) addSpecial(enc Encoding, add bool) Encoding {
	for _, q := range p.list {
		enc = q.addSpecial(enc, add)
	}
	return enc
}

// process runs the full post-processor (offset trimming and special tokens) as Hugging Face does.
func process(p processor, enc Encoding, text string, add bool) Encoding {
	if s, ok := p.(*sequenceProcessing); ok {
		for _, q := range s.list {
			enc = process(q, enc, text, add)
		}
		return enc
	}
	p.trim(&enc, text)
	return p.addSpecial(enc, add)
}

// trimOffsets is Hugging Face's process_offsets: offsets shrink past leading and trailing spaces of
// the token (Ġ or whitespace), counted in characters of the original text.
func trimOffsets(enc *Encoding, text string, addPrefixSpace bool) {
	for i := range enc.Offsets {
		tok := enc.Tokens[i]
		lead, trail := countSpaces(tok)
		if lead == 0 && trail == 0 {
			continue
		}
		off := &enc.Offsets[i]
		if lead > 0 {
			isFirst := i == 0 || off.Start == 0
			if isFirst && addPrefixSpace && lead == 1 {
				lead = 0
			}
			// start = min(start + lead chars, end)
			pos := off.Start
			for k := 0; k < lead && pos < off.End; k++ {
				_, w := decodeRune(text, pos)
				pos += w
			}
			off.Start = min(pos, off.End)
		}
		if trail > 0 {
			// if end >= trail chars: end = max(end - trail chars, start)
			pos, k := off.End, 0
			for ; k < trail && pos > 0; k++ {
				_, w := utf8.DecodeLastRuneInString(text[:pos])
				pos -= w
			}
			if k == trail {
				off.End = max(pos, off.Start)
			}
		}
	}
}

const byteLevelSpace = 'Ġ' // the byte-level character of ' '

func countSpaces(tok string) (lead, trail int) {
	all := true
	for _, r := range tok {
		if r == byteLevelSpace || isSpace(r) {
			lead++
			continue
		}
		all = false
		break
	}
	if all {
		return lead, lead
	}
	for i := len(tok); i > 0; {
		r, w := utf8.DecodeLastRuneInString(tok[:i])
		if r != byteLevelSpace && !isSpace(r) {
			break
		}
		trail++
		i -= w
	}
	return lead, trail
}

func parsePostProcessor(raw json.RawMessage, t *Tokenizer) (processor, error) {
	if isNull(raw) {
		return nil, nil
	}
	o, err := parseObject("post_processor", raw)
	if err != nil {
		return nil, err
	}
	typ, err := o.typ("post_processor")
	if err != nil {
		return nil, err
	}
	switch typ {
	case "RobertaProcessing":
		const what = "post_processor RobertaProcessing"
		if err := o.only(what, "type", "sep", "cls", "trim_offsets", "add_prefix_space"); err != nil {
			return nil, err
		}
		p := &robertaProcessing{}
		if p.sep, p.sepID, err = tokenIDPair(o, what, "sep"); err != nil {
			return nil, err
		}
		if p.cls, p.clsID, err = tokenIDPair(o, what, "cls"); err != nil {
			return nil, err
		}
		if p.trimOffsets, err = o.boolField(what, "trim_offsets", true); err != nil {
			return nil, err
		}
		if p.addPrefixSpace, err = o.boolField(what, "add_prefix_space", true); err != nil {
			return nil, err
		}
		return p, nil
	case "ByteLevel":
		b, err := parseByteLevel("post_processor ByteLevel", o)
		if err != nil {
			return nil, err
		}
		return &byteLevelProcessing{opts: b}, nil
	case "TemplateProcessing":
		return parseTemplate(o)
	case "Sequence":
		if err := o.only("post_processor Sequence", "type", "processors"); err != nil {
			return nil, err
		}
		var list []json.RawMessage
		if err := o.into("post_processor Sequence", "processors", &list); err != nil {
			return nil, err
		}
		s := &sequenceProcessing{}
		for _, r := range list {
			if isNull(r) {
				return nil, fmt.Errorf("post_processor Sequence: null processor")
			}
			q, err := parsePostProcessor(r, t)
			if err != nil {
				return nil, fmt.Errorf("post_processor Sequence: %w", err)
			}
			s.list = append(s.list, q)
		}
		return s, nil
	}
	return nil, fmt.Errorf("post_processor: unsupported type %q (only RobertaProcessing, TemplateProcessing, ByteLevel, Sequence)", typ)
}

func tokenIDPair(o object, what, key string) (string, int32, error) {
	var pair [2]json.RawMessage
	if err := o.into(what, key, &pair); err != nil {
		return "", 0, err
	}
	var tok string
	var id int32
	if err := json.Unmarshal(pair[0], &tok); err != nil {
		return "", 0, fmt.Errorf("%s: %s: %w", what, key, err)
	}
	if err := json.Unmarshal(pair[1], &id); err != nil {
		return "", 0, fmt.Errorf("%s: %s: %w", what, key, err)
	}
	return tok, id, nil
}

func parseTemplate(o object) (processor, error) {
	const what = "post_processor TemplateProcessing"
	if err := o.only(what, "type", "single", "pair", "special_tokens"); err != nil {
		return nil, err
	}
	var single []map[string]struct {
		ID     string `json:"id"`
		TypeID int32  `json:"type_id"`
	}
	if err := o.into(what, "single", &single); err != nil {
		return nil, err
	}
	var specials map[string]struct {
		ID     string   `json:"id"`
		IDs    []int32  `json:"ids"`
		Tokens []string `json:"tokens"`
	}
	if raw, ok := o["special_tokens"]; ok && !isNull(raw) {
		if err := json.Unmarshal(raw, &specials); err != nil {
			return nil, fmt.Errorf("%s: special_tokens: %w", what, err)
		}
	}
	p := &templateProcessing{special: map[string]templateSpecial{}}
	for name, st := range specials {
		if len(st.IDs) != len(st.Tokens) {
			return nil, fmt.Errorf("%s: special token %q has %d ids but %d tokens", what, name, len(st.IDs), len(st.Tokens))
		}
		p.special[name] = templateSpecial{ids: st.IDs, tokens: st.Tokens}
	}
	seqs := 0
	for i, pc := range single {
		if len(pc) != 1 {
			return nil, fmt.Errorf("%s: single piece %d: want one of Sequence or SpecialToken", what, i)
		}
		for kind, v := range pc {
			switch kind {
			case "Sequence":
				if v.ID != "A" {
					return nil, fmt.Errorf("%s: single template uses sequence %q (only A is supported)", what, v.ID)
				}
				seqs++
				p.single = append(p.single, templatePiece{typeID: v.TypeID})
			case "SpecialToken":
				st, ok := p.special[v.ID]
				if !ok {
					return nil, fmt.Errorf("%s: single template uses undefined special token %q", what, v.ID)
				}
				if v.ID == "" {
					return nil, fmt.Errorf("%s: empty special token name", what)
				}
				p.single = append(p.single, templatePiece{special: v.ID, typeID: v.TypeID})
				p.added += len(st.ids)
			default:
				return nil, fmt.Errorf("%s: single piece %d: unsupported piece %q", what, i, kind)
			}
		}
	}
	if seqs != 1 {
		return nil, fmt.Errorf("%s: single template must contain $A exactly once, has %d", what, seqs)
	}
	// The pair template is accepted but never used: this package encodes single sequences only.
	return p, nil
}
