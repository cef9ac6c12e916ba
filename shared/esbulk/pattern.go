package esbulk

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// IndexPattern is a compiled index name with time directives. The syntax is
// strftime's, as Fluent Bit's Logstash_DateFormat and Elastic's own docs use
// it, restricted to the directives that make sense in an index name:
//
//	%Y  year, 4 digits        %y  year, 2 digits
//	%m  month, 01-12          %d  day of month, 01-31
//	%H  hour, 00-23           %j  day of year, 001-366
//	%G  ISO week-based year   %V  ISO week, 01-53
//	%%  a literal %
//
// Times are formatted in UTC. Any other directive is an error, as is a name
// Elasticsearch would refuse (upper case, \ / * ? " < > | space , # :, a
// leading - _ +, "." or "..", more than 255 bytes).
type IndexPattern struct {
	raw   string
	parts []patternPart
	timed bool
}

type patternPart struct {
	lit  string
	verb byte // 0 for a literal
}

// CompileIndex parses an index pattern.
func CompileIndex(pattern string) (IndexPattern, error) {
	p := IndexPattern{raw: pattern}
	var lit strings.Builder
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		if c != '%' {
			lit.WriteByte(c)
			continue
		}
		if i+1 >= len(pattern) {
			return IndexPattern{}, fmt.Errorf("index pattern %q: trailing %%", pattern)
		}
		i++
		v := pattern[i]
		switch v {
		case '%':
			lit.WriteByte('%')
			continue
		case 'Y', 'y', 'm', 'd', 'H', 'j', 'G', 'V':
		default:
			return IndexPattern{}, fmt.Errorf("index pattern %q: unknown directive %%%c (known: %%Y %%y %%m %%d %%H %%j %%G %%V %%%%)", pattern, v)
		}
		if lit.Len() > 0 {
			p.parts = append(p.parts, patternPart{lit: lit.String()})
			lit.Reset()
		}
		p.parts = append(p.parts, patternPart{verb: v})
		p.timed = true
	}
	if lit.Len() > 0 {
		p.parts = append(p.parts, patternPart{lit: lit.String()})
	}
	sample := p.Format(time.Date(2024, 12, 31, 23, 0, 0, 0, time.UTC))
	if err := ValidIndexName(sample); err != nil {
		return IndexPattern{}, fmt.Errorf("index pattern %q: %w", pattern, err)
	}
	return p, nil
}

// Timed reports whether the pattern has time directives.
func (p IndexPattern) Timed() bool { return p.timed }

// String returns the pattern as written.
func (p IndexPattern) String() string { return p.raw }

// Format returns the index name for time t (converted to UTC).
func (p IndexPattern) Format(t time.Time) string {
	if !p.timed {
		if len(p.parts) == 0 {
			return ""
		}
		return p.parts[0].lit
	}
	t = t.UTC()
	b := make([]byte, 0, len(p.raw)+8)
	pad := func(n, width int) {
		s := strconv.Itoa(n)
		for range width - len(s) {
			b = append(b, '0')
		}
		b = append(b, s...)
	}
	for _, part := range p.parts {
		switch part.verb {
		case 0:
			b = append(b, part.lit...)
		case 'Y':
			pad(t.Year(), 4)
		case 'y':
			pad(t.Year()%100, 2)
		case 'm':
			pad(int(t.Month()), 2)
		case 'd':
			pad(t.Day(), 2)
		case 'H':
			pad(t.Hour(), 2)
		case 'j':
			pad(t.YearDay(), 3)
		case 'G':
			y, _ := t.ISOWeek()
			pad(y, 4)
		case 'V':
			_, w := t.ISOWeek()
			pad(w, 2)
		}
	}
	return string(b)
}

// ValidIndexName applies Elasticsearch's index name rules.
func ValidIndexName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("index name is empty")
	case name == "." || name == "..":
		return fmt.Errorf("index name must not be %q", name)
	case strings.ToLower(name) != name:
		return fmt.Errorf("index name %q must be lowercase", name)
	case strings.ContainsAny(name, "\\/*?\"<>| ,#:"):
		return fmt.Errorf("index name %q must not contain a space or any of \\ / * ? \" < > | , # : characters", name)
	case strings.HasPrefix(name, "-") || strings.HasPrefix(name, "_") || strings.HasPrefix(name, "+"):
		return fmt.Errorf("index name %q must not start with - _ or +", name)
	case len(name) > 255:
		return fmt.Errorf("index name is %d bytes, more than 255", len(name))
	}
	return nil
}
