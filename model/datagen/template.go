package datagen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Template syntax, expanded by sample.expand:
//
//	{{name}}      a slot: a value drawn from the slot table, memoized for the
//	              sample, so one name used twice yields the same value. A name
//	              with trailing digits ({{dmp2}}) draws from the slot without
//	              them (dmp) but is memoized separately.
//	{{a|b|c}}     one alternative, chosen uniformly; alternatives nest and may
//	              hold slots. An empty alternative ({{|x}}) is allowed.
//	{{?text}}     text or nothing, with equal chance.
//	{{pipe}}      a literal "|" (a bare | inside braces separates alternatives).
//
// Everything else is literal text. "}}" outside an open "{{" is literal.

// slotFunc draws one value for a slot.
type slotFunc func(s *sample) string

// sample is the state of one generated text: its random stream, memoized
// slot values and the first expansion error.
type sample struct {
	rng   *rand.Rand
	slots map[string]slotFunc
	memo  map[string]string
	err   error
	// encoded is set once the text holds base64 or hex a launcher built;
	// noise that changes case or inserts characters must then skip it.
	encoded bool
}

func newSample(rng *rand.Rand, slots map[string]slotFunc) *sample {
	return &sample{rng: rng, slots: slots, memo: make(map[string]string)}
}

// intn returns a uniform int in [0,n).
func (s *sample) intn(n int) int { return s.rng.IntN(n) }

// chance reports true with probability p.
func (s *sample) chance(p float64) bool { return s.rng.Float64() < p }

// pick returns one of xs uniformly.
func (s *sample) pick(xs ...string) string { return xs[s.rng.IntN(len(xs))] }

// expand expands the template t (see the syntax above).
func (s *sample) expand(t string) string {
	if !strings.Contains(t, "{{") {
		return t
	}
	var b strings.Builder
	for {
		i := strings.Index(t, "{{")
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		b.WriteString(t[:i])
		end := matchBraces(t, i)
		if end < 0 {
			s.fail(fmt.Errorf("unclosed {{ in template %q", t))
			b.WriteString(t[i:])
			return b.String()
		}
		b.WriteString(s.expandGroup(t[i+2 : end]))
		t = t[end+2:]
	}
}

// matchBraces returns the index of the "}}" closing the "{{" at t[i], or -1.
func matchBraces(t string, i int) int {
	depth := 0
	for j := i; j+1 < len(t); {
		switch {
		case t[j] == '{' && t[j+1] == '{':
			depth++
			j += 2
		case t[j] == '}' && t[j+1] == '}':
			depth--
			if depth == 0 {
				return j
			}
			j += 2
		default:
			j++
		}
	}
	return -1
}

// splitTop splits c on "|" that are not inside nested braces.
func splitTop(c string) []string {
	var parts []string
	depth, start := 0, 0
	for j := 0; j < len(c); j++ {
		switch {
		case j+1 < len(c) && c[j] == '{' && c[j+1] == '{':
			depth++
			j++
		case j+1 < len(c) && c[j] == '}' && c[j+1] == '}':
			depth--
			j++
		case c[j] == '|' && depth == 0:
			parts = append(parts, c[start:j])
			start = j + 1
		}
	}
	return append(parts, c[start:])
}

func (s *sample) expandGroup(c string) string {
	if strings.HasPrefix(c, "?") {
		if s.chance(0.5) {
			return s.expandGroup(c[1:])
		}
		return ""
	}
	parts := splitTop(c)
	if len(parts) == 1 {
		if isIdent(c) {
			return s.slot(c)
		}
		return s.expand(c)
	}
	return s.expand(parts[s.intn(len(parts))])
}

// slot returns the memoized value of slot name, drawing it on first use.
func (s *sample) slot(name string) string {
	if v, ok := s.memo[name]; ok {
		return v
	}
	f, ok := s.slots[name]
	if !ok {
		f, ok = s.slots[strings.TrimRight(name, "0123456789")]
	}
	if !ok {
		s.fail(fmt.Errorf("unknown slot %q", name))
		return "{{" + name + "}}"
	}
	v := f(s)
	s.memo[name] = v
	return v
}

func (s *sample) fail(err error) {
	if s.err == nil {
		s.err = err
	}
}

func isIdent(c string) bool {
	if c == "" || c[0] < 'a' || c[0] > 'z' {
		return false
	}
	for i := 0; i < len(c); i++ {
		ch := c[i]
		if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_') {
			return false
		}
	}
	return true
}

// checkTemplate reports unknown slots and unbalanced braces in t without
// drawing anything: every alternative is visited.
func checkTemplate(t string, slots map[string]slotFunc) error {
	for {
		i := strings.Index(t, "{{")
		if i < 0 {
			return nil
		}
		end := matchBraces(t, i)
		if end < 0 {
			return fmt.Errorf("unclosed {{ at %d", i)
		}
		c := t[i+2 : end]
		c = strings.TrimLeft(c, "?") // as expandGroup: every leading "?" makes the group optional
		parts := splitTop(c)
		if len(parts) == 1 && isIdent(c) {
			if _, ok := slots[c]; !ok {
				if _, ok := slots[strings.TrimRight(c, "0123456789")]; !ok {
					return fmt.Errorf("unknown slot %q", c)
				}
			}
		} else {
			for _, p := range parts {
				if err := checkTemplate(p, slots); err != nil {
					return err
				}
			}
		}
		t = t[end+2:]
	}
}
