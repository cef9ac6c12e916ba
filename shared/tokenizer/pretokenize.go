package tokenizer

// byteLevelChars maps every byte to the printable character GPT-2's byte-level BPE uses for it
// (bytes_to_unicode): printable Latin-1 bytes map to themselves, the other 68 to U+0100 onwards.
func byteLevelChars() [256]string {
	var out [256]string
	n := 0
	for b := 0; b < 256; b++ {
		if ('!' <= b && b <= '~') || (0xA1 <= b && b <= 0xAC) || (0xAE <= b && b <= 0xFF) {
			out[b] = string(rune(b))
		} else {
			out[b] = string(rune(256 + n))
			n++
		}
	}
	return out
}

// byteLevelString returns the byte-level representation of raw bytes s.
func byteLevelString(chars *[256]string, s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		n += len(chars[s[i]])
	}
	buf := make([]byte, 0, n)
	for i := 0; i < len(s); i++ {
		buf = append(buf, chars[s[i]]...)
	}
	return string(buf)
}

// splitGPT2 appends to dst the end offsets of the consecutive matches of GPT-2's pre-tokenization regex
//
//	's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// over s, with Oniguruma's leftmost-first alternation and backtracking semantics. Every character of
// s belongs to exactly one match, so the matches tile s and the end offsets describe them fully.
func splitGPT2(dst []int, s string) []int {
	i := 0
	for i < len(s) {
		c := s[i]
		// 's|'t|'re|'ve|'m|'ll|'d
		if c == '\'' && i+1 < len(s) {
			switch s[i+1] {
			case 's', 't', 'm', 'd':
				i += 2
				dst = append(dst, i)
				continue
			case 'r', 'v':
				if i+2 < len(s) && s[i+2] == 'e' {
					i += 3
					dst = append(dst, i)
					continue
				}
			case 'l':
				if i+2 < len(s) && s[i+2] == 'l' {
					i += 3
					dst = append(dst, i)
					continue
				}
			}
		}
		r, w := decodeRune(s, i)
		cls := classOf(r)
		j := i + w
		if c == ' ' && j < len(s) {
			// " ?X+": a single space followed by a run of letters, numbers or others.
			r2, w2 := decodeRune(s, j)
			if cls2 := classOf(r2); cls2 != clsSpace {
				cls = cls2
				j += w2
			}
		}
		if cls != clsSpace {
			j = scanClass(s, j, cls)
			dst = append(dst, j)
			i = j
			continue
		}
		// \s+(?!\S)|\s+ : a whitespace run; if non-space follows it, leave its last character to be
		// matched separately (as " ?X+" when it is a space), unless the run is a single character.
		last := i
		for j = i; j < len(s); {
			r, w := decodeRune(s, j)
			if classOf(r) != clsSpace {
				break
			}
			last = j
			j += w
		}
		if j < len(s) && last > i {
			j = last
		}
		dst = append(dst, j)
		i = j
	}
	return dst
}

// scanClass returns the end of the run of characters of class cls starting at i.
func scanClass(s string, i int, cls charClass) int {
	for i < len(s) {
		r, w := decodeRune(s, i)
		if classOf(r) != cls {
			break
		}
		i += w
	}
	return i
}
