package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// charClass is the class of a character in the GPT-2 split regex.
type charClass uint8

const (
	clsOther  charClass = iota // [^\s\p{L}\p{N}]
	clsLetter                  // \p{L}
	clsNumber                  // \p{N}
	clsSpace                   // \s
)

type classRange struct {
	lo, hi rune
	cls    charClass
}

type runeRange struct{ lo, hi rune }

// classOf returns the regex class of r as Hugging Face's Oniguruma sees it.
func classOf(r rune) charClass {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return clsLetter
		case '0' <= r && r <= '9':
			return clsNumber
		case r == ' ', '\t' <= r && r <= '\r':
			return clsSpace
		}
		return clsOther
	}
	lo, hi := 0, len(regexClassRanges)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		cr := &regexClassRanges[m]
		switch {
		case r < cr.lo:
			hi = m
		case r > cr.hi:
			lo = m + 1
		default:
			return cr.cls
		}
	}
	return clsOther
}

// isWordChar reports whether r is a word character for added tokens with single_word=true
// (Rust regex \w: Alphabetic, marks, decimal digits, connector punctuation, join controls).
func isWordChar(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	lo, hi := 0, len(wordCharRanges)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		rr := &wordCharRanges[m]
		switch {
		case r < rr.lo:
			hi = m
		case r > rr.hi:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// isSpace is Rust's char::is_whitespace (the Unicode White_Space property).
func isSpace(r rune) bool { return unicode.IsSpace(r) }

// decodeRune decodes the character at s[i:]. Invalid UTF-8 bytes are single characters of width 1
// (they keep their raw byte through byte-level BPE).
func decodeRune(s string, i int) (rune, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}
