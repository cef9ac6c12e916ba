package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// AddedToken is an entry of tokenizer.json's added_tokens.
type AddedToken struct {
	ID         int32  `json:"id"`
	Content    string `json:"content"`
	SingleWord bool   `json:"single_word"`
	LStrip     bool   `json:"lstrip"`
	RStrip     bool   `json:"rstrip"`
	Normalized bool   `json:"normalized"`
	Special    bool   `json:"special"`
}

// matchSet finds added tokens with leftmost-longest semantics (as aho-corasick's LeftmostLongest).
type matchSet struct {
	first    [256]bool
	patterns []string // sorted by decreasing length, so the first match at a position is the longest
	ids      []int32
}

func newMatchSet(tokens []AddedToken) *matchSet {
	m := &matchSet{}
	for _, t := range tokens {
		m.patterns = append(m.patterns, t.Content)
		m.ids = append(m.ids, t.ID)
	}
	// Stable insertion sort by decreasing length; ties keep insertion order.
	for i := 1; i < len(m.patterns); i++ {
		for j := i; j > 0 && len(m.patterns[j]) > len(m.patterns[j-1]); j-- {
			m.patterns[j], m.patterns[j-1] = m.patterns[j-1], m.patterns[j]
			m.ids[j], m.ids[j-1] = m.ids[j-1], m.ids[j]
		}
	}
	for _, p := range m.patterns {
		m.first[p[0]] = true
	}
	return m
}

// find returns the leftmost-longest match at or after from: pattern index, start, end; ok false if none.
func (m *matchSet) find(s string, from int) (int, int, int, bool) {
	for i := from; i < len(s); i++ {
		if !m.first[s[i]] {
			continue
		}
		for k, p := range m.patterns {
			if strings.HasPrefix(s[i:], p) {
				return k, i, i + len(p), true
			}
		}
	}
	return 0, 0, 0, false
}

// addedVocab holds the added tokens as Hugging Face's AddedVocabulary does after loading.
type addedVocab struct {
	byContent map[string]int32
	byID      map[int32]AddedToken
	special   map[string]bool
	// nonNormalized splits the raw input; normalized splits the remaining (normalized) pieces.
	nonNormalized *matchSet
	normalized    *matchSet
}

// segment is a piece of the input: either an added token (id >= 0) or text for the model (id < 0).
type segment struct {
	start, end int
	id         int32
}

// split splits text into added-token and plain segments, dropping empty ones.
func (a *addedVocab) split(dst []segment, text string) []segment {
	if a.nonNormalized == nil && a.normalized == nil {
		if len(text) > 0 {
			dst = append(dst, segment{0, len(text), -1})
		}
		return dst
	}
	if a.nonNormalized == nil {
		return a.findMatches(dst, text, 0, a.normalized)
	}
	first := a.findMatches(nil, text, 0, a.nonNormalized)
	if a.normalized == nil {
		return append(dst, first...)
	}
	for _, sg := range first {
		if sg.id >= 0 {
			dst = append(dst, sg)
			continue
		}
		dst = a.findMatches(dst, text[sg.start:sg.end], sg.start, a.normalized)
	}
	return dst
}

// findMatches is AddedVocabulary::find_matches applied to sentence (which starts at shift in the input),
// appending the non-empty segments to dst.
func (a *addedVocab) findMatches(dst []segment, sentence string, shift int, set *matchSet) []segment {
	startOffset := 0
	pos := 0
	for {
		k, start, stop, ok := set.find(sentence, pos)
		if !ok {
			break
		}
		pos = stop
		id := set.ids[k]
		tok := a.byID[id]
		if tok.SingleWord {
			startSpace := start == 0 || !endsWithWord(sentence[:start])
			stopSpace := stop == len(sentence) || !startsWithWord(sentence[stop:])
			if !startSpace || !stopSpace {
				continue
			}
		}
		if tok.LStrip {
			start = max(spaceLeftmostAtEnd(sentence[:start]), startOffset)
		}
		if tok.RStrip {
			stop += spaceRightmostAtStart(sentence[stop:])
		}
		if startOffset < start {
			dst = append(dst, segment{shift + startOffset, shift + start, -1})
		}
		// As in Hugging Face, a token whose rstrip ran over the start of the next match yields
		// overlapping segments.
		dst = append(dst, segment{shift + start, shift + stop, id})
		startOffset = stop
	}
	if startOffset < len(sentence) {
		dst = append(dst, segment{shift + startOffset, shift + len(sentence), -1})
	}
	return dst
}

func endsWithWord(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return len(s) > 0 && isWordChar(r)
}

func startsWithWord(s string) bool {
	if len(s) == 0 {
		return false
	}
	r, _ := decodeRune(s, 0)
	return isWordChar(r)
}

// spaceLeftmostAtEnd returns the start of the run of whitespace that ends s.
func spaceLeftmostAtEnd(s string) int {
	i := len(s)
	for i > 0 {
		r, w := utf8.DecodeLastRuneInString(s[:i])
		if !isSpace(r) {
			break
		}
		i -= w
	}
	return i
}

// spaceRightmostAtStart returns the length of the run of whitespace that starts s.
func spaceRightmostAtStart(s string) int {
	i := 0
	for i < len(s) {
		r, w := decodeRune(s, i)
		if !isSpace(r) {
			break
		}
		i += w
	}
	return i
}
