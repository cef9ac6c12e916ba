package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// Decode turns ids back into text like Hugging Face's decode: tokens are looked up (added tokens
// first), special added tokens are dropped if skipSpecialTokens, and the ByteLevel decoder maps
// byte-level characters back to bytes (invalid UTF-8 becomes U+FFFD). Without a decoder the tokens
// are joined with spaces.
func (t *Tokenizer) Decode(ids []int32, skipSpecialTokens bool) (string, error) {
	toks := make([]string, 0, len(ids))
	for _, id := range ids {
		tok, ok := t.IDToToken(id)
		if !ok {
			continue // Hugging Face skips unknown ids
		}
		if skipSpecialTokens && t.added.special[tok] {
			continue
		}
		toks = append(toks, tok)
	}
	if t.decoder == nil {
		return strings.Join(toks, " "), nil
	}
	if len(toks) == 0 {
		return "", nil
	}
	inv := make(map[rune]byte, 256)
	for b := 0; b < 256; b++ {
		r, _ := utf8.DecodeRuneInString(t.chars[b])
		inv[r] = byte(b)
	}
	var buf []byte
	for _, tok := range toks {
		start := len(buf)
		for _, r := range tok {
			b, ok := inv[r]
			if !ok {
				// A token with a character outside the byte-level alphabet is kept as is.
				buf = append(buf[:start], tok...)
				break
			}
			buf = append(buf, b)
		}
	}
	return lossyUTF8(buf), nil
}

// lossyUTF8 is Rust's String::from_utf8_lossy: each maximal invalid subsequence becomes one U+FFFD.
func lossyUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	for i := 0; i < len(b); {
		r, w := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError || w > 1 {
			sb.Write(b[i : i+w])
			i += w
			continue
		}
		sb.WriteRune(utf8.RuneError)
		i += invalidPrefixLen(b[i:])
	}
	return sb.String()
}

// invalidPrefixLen returns the length of the maximal prefix of b (which starts with an invalid
// sequence) that could begin a valid UTF-8 sequence, at least 1.
func invalidPrefixLen(b []byte) int {
	c := b[0]
	var n int
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		n = 2
	case c == 0xE0:
		n, lo = 3, 0xA0
	case c >= 0xE1 && c <= 0xEC, c == 0xEE, c == 0xEF:
		n = 3
	case c == 0xED:
		n, hi = 3, 0x9F
	case c == 0xF0:
		n, lo = 4, 0x90
	case c >= 0xF1 && c <= 0xF3:
		n = 4
	case c == 0xF4:
		n, hi = 4, 0x8F
	default:
		return 1
	}
	k := 1
	for ; k < n && k < len(b); k++ {
		x := b[k]
		if k == 1 {
			if x < lo || x > hi {
				break
			}
		} else if x < 0x80 || x > 0xBF {
			break
		}
	}
	return k
}
