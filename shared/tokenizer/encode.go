package tokenizer

import "unicode/utf8"

// segWork is a segment of the input ready for the model: an added token, or plain text with the
// prefix space added if configured.
type segWork struct {
	added    int32  // added token id, or -1 for plain text
	start    int    // offset of the segment in the input
	end      int    // end of the segment in the input
	work     string // plain text as pre-tokenized (maybe with a prepended space)
	prefixed bool   // work starts with an added space
	firstLen int    // byte length of the segment's first character (alignment of the added space)
}

// word is one split after pre-tokenization: a whole added token, or work[ws:we] of a plain segment.
type word struct {
	seg    int32
	ws, we int32
}

type encodeScratch struct {
	segs  []segment
	sw    []segWork
	words []word
	ends  []int
	toks  [][]bpePiece
}

// encodeRaw runs added-token extraction, pre-tokenization and the model: ids, tokens and untrimmed byte
// offsets. With limit >= 0 only the first (or, if left, last) words whose tokens reach limit are
// encoded. With idsOnly the Encoding holds IDs alone (no offsets, tokens or masks).
func (t *Tokenizer) encodeRaw(text string, limit int, left, idsOnly bool) Encoding {
	sc, _ := t.scratch.Get().(*encodeScratch)
	if sc == nil {
		sc = &encodeScratch{}
	}
	defer func() {
		clear(sc.sw) // do not keep the input alive in the pool
		t.scratch.Put(sc)
	}()
	sc.segs = t.added.split(sc.segs[:0], text)
	sc.sw, sc.words = sc.sw[:0], sc.words[:0]
	for _, sg := range sc.segs {
		k := int32(len(sc.sw))
		if sg.id >= 0 {
			sc.sw = append(sc.sw, segWork{added: sg.id, start: sg.start, end: sg.end})
			sc.words = append(sc.words, word{seg: k})
			continue
		}
		w := segWork{added: -1, start: sg.start, end: sg.end, work: text[sg.start:sg.end]}
		if t.pre.addPrefixSpace && w.work[0] != ' ' {
			_, w.firstLen = decodeRune(w.work, 0)
			w.work = " " + w.work
			w.prefixed = true
		}
		sc.sw = append(sc.sw, w)
		if t.pre.useRegex {
			sc.ends = splitGPT2(sc.ends[:0], w.work)
		} else {
			sc.ends = append(sc.ends[:0], len(w.work))
		}
		ws := 0
		for _, we := range sc.ends {
			sc.words = append(sc.words, word{seg: k, ws: int32(ws), we: int32(we)})
			ws = we
		}
	}

	from, to := 0, len(sc.words)
	var toks [][]bpePiece
	if limit >= 0 {
		if cap(sc.toks) < len(sc.words) {
			sc.toks = make([][]bpePiece, len(sc.words))
		}
		toks = sc.toks[:len(sc.words)]
		clear(toks)
		n := 0
		if left {
			from = len(sc.words)
			for from > 0 && n < limit {
				from--
				n += t.countWord(sc, from, toks)
			}
		} else {
			to = 0
			for to < len(sc.words) && n < limit {
				n += t.countWord(sc, to, toks)
				to++
			}
		}
	}

	guess := len(text)/3 + 4
	if limit >= 0 {
		guess = min(guess, limit+16)
	}
	enc := Encoding{IDs: make([]int32, 0, guess)}
	if !idsOnly {
		enc.Offsets, enc.Tokens = make([]Offset, 0, guess), make([]string, 0, guess)
	}
	for i := from; i < to; i++ {
		wd := sc.words[i]
		sw := &sc.sw[wd.seg]
		if sw.added >= 0 {
			enc.IDs = append(enc.IDs, sw.added)
			if !idsOnly {
				enc.Offsets = append(enc.Offsets, Offset{sw.start, sw.end})
				enc.Tokens = append(enc.Tokens, text[sw.start:sw.end])
			}
			continue
		}
		var pieces []bpePiece
		if toks != nil {
			pieces = toks[i]
		} else {
			pieces = t.model.tokenize(sw.work[wd.ws:wd.we])
		}
		if idsOnly {
			for _, pc := range pieces {
				enc.IDs = append(enc.IDs, pc.id)
			}
			continue
		}
		t.appendWord(&enc, sw, int(wd.ws), int(wd.we), pieces)
	}
	if toks != nil {
		clear(toks) // do not keep references in the pool
	}
	if idsOnly {
		return enc
	}
	n := len(enc.IDs)
	masks := make([]int32, 3*n) // one allocation for the three masks
	enc.TypeIDs = masks[:n:n]
	enc.SpecialTokensMask = masks[n : 2*n : 2*n]
	enc.AttentionMask = masks[2*n:]
	for i := range enc.AttentionMask {
		enc.AttentionMask[i] = 1
	}
	return enc
}

// countWord tokenizes word i (keeping the result in toks) and returns its number of tokens.
func (t *Tokenizer) countWord(sc *encodeScratch, i int, toks [][]bpePiece) int {
	wd := sc.words[i]
	sw := &sc.sw[wd.seg]
	if sw.added >= 0 {
		return 1
	}
	toks[i] = t.model.tokenize(sw.work[wd.ws:wd.we])
	return len(toks[i])
}

// appendWord appends the tokens of the word sw.work[ws:we], mapping offsets to the input.
func (t *Tokenizer) appendWord(enc *Encoding, sw *segWork, ws, we int, pieces []bpePiece) {
	word := sw.work[ws:we]
	ascii := isASCII(word)
	pos, cs, ce := 0, 0, 0
	for _, pc := range pieces {
		a, b := pos, pos+int(pc.n)
		pos = b
		if !ascii {
			// Expand to whole characters: a token may hold only some bytes of a character. Token
			// bounds only grow, so both cursors move forward.
			for cs < len(word) {
				_, w := decodeRune(word, cs)
				if cs+w > a {
					break
				}
				cs += w
			}
			for ce < b {
				_, w := decodeRune(word, ce)
				ce += w
			}
			a, b = cs, max(ce, b)
		}
		enc.IDs = append(enc.IDs, pc.id)
		enc.Offsets = append(enc.Offsets, Offset{sw.origStart(ws + a), sw.origEnd(ws + b)})
		enc.Tokens = append(enc.Tokens, t.model.vocabR[pc.id])
	}
}

// origStart maps a character start in work to an input offset. The prepended space is aligned with
// the first character of the segment, like every byte of that character.
func (sw *segWork) origStart(p int) int {
	if sw.prefixed {
		if p == 0 {
			return sw.start
		}
		return sw.start + p - 1
	}
	return sw.start + p
}

// origEnd maps a character end in work to an input offset.
func (sw *segWork) origEnd(p int) int {
	if sw.prefixed {
		if p == 1 {
			return sw.start + sw.firstLen
		}
		return sw.start + p - 1
	}
	return sw.start + p
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
