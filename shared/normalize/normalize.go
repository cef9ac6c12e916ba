package normalize

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Names of the transforms reported in Result.Transforms. Whitespace folding
// and lowercasing are applied to every input and are never listed.
const (
	// TransformInvalidUTF8: invalid UTF-8 bytes were replaced with U+FFFD.
	TransformInvalidUTF8 = "invalid-utf8"
	// TransformControlChars: NUL or other control characters were replaced
	// with a space.
	TransformControlChars = "control-chars"
	// TransformProctitle: an auditd proctitle=<hex> value was decoded.
	TransformProctitle = "auditd-proctitle-hex"
	// TransformCaret: cmd.exe caret escapes were removed.
	TransformCaret = "caret"
	// TransformEmptyQuotes: empty pairs of double or single quotes were
	// removed.
	TransformEmptyQuotes = "empty-quotes"
	// TransformAuditCommand: the text was an auditd record (msg=audit(…)) with a proctitle field, and only
	// that field's command was kept.
	TransformAuditCommand = "auditd-command"
	// TransformPowerShell: a PowerShell -EncodedCommand argument was decoded.
	TransformPowerShell = "powershell-encodedcommand"
)

// MaxDecodeDepth is how many nested levels of PowerShell -EncodedCommand
// are decoded. Deeper blobs are left as they are.
const MaxDecodeDepth = 3

// Result is the normalized text and the names of the de-obfuscating
// transforms that changed it, in the order they were first applied.
type Result struct {
	// Text is exactly what the model sees.
	Text string
	// Transforms lists the Transform* names that changed the input; nil
	// when none did.
	Transforms []string
}

// Text normalizes s into the form the model was trained on. It never fails,
// accepts any input (including invalid UTF-8) and runs in time linear in
// len(s). See the package documentation for the rules and their order.
func Text(s string) Result {
	var t transforms
	s = sanitize(s, &t)
	s = decodeProctitle(s, &t)
	s = auditCommand(s, &t)
	s = deobfuscate(s, 1, &t)
	s = foldSpace(s)
	s = strings.ToLower(s)
	return Result{Text: s, Transforms: t.names}
}

// transforms records applied transform names once each, in order.
type transforms struct {
	names []string
}

func (t *transforms) add(name string) {
	for _, n := range t.names {
		if n == name {
			return
		}
	}
	t.names = append(t.names, name)
}

// sanitize replaces each invalid UTF-8 byte with U+FFFD and every control
// character other than \t and \n with a space.
func sanitize(s string, t *transforms) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteRune(utf8.RuneError)
			t.add(TransformInvalidUTF8)
		case r != '\t' && r != '\n' && unicode.IsControl(r):
			b.WriteByte(' ')
			t.add(TransformControlChars)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// deobfuscate applies the cmd.exe rules and PowerShell decoding to s.
// Decoded PowerShell text is processed again with level+1; blobs are only
// decoded while level <= MaxDecodeDepth.
func deobfuscate(s string, level int, t *transforms) string {
	s = removeCarets(s, t)
	s = removeEmptyQuotes(s, t)
	if level <= MaxDecodeDepth {
		s = decodePowerShell(s, level, t)
	}
	return s
}

// removeCarets applies cmd.exe caret escaping: "^^" becomes "^", "^x"
// becomes "x" for any other x, and a "^" at the very end is dropped.
func removeCarets(s string, t *transforms) string {
	if strings.IndexByte(s, '^') < 0 {
		return s
	}
	t.add(TransformCaret)
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '^' {
			b.WriteByte(c)
			continue
		}
		if i+1 < len(s) && s[i+1] == '^' {
			b.WriteByte('^')
			i++
		}
		// A lone caret is dropped; the escaped character (if any) is
		// copied on the next iteration.
	}
	return b.String()
}

// removeEmptyQuotes removes adjacent pairs of equal quote characters (two
// double or two single quotes), repeating until none is left (a single
// quote around an empty double-quote pair disappears completely). It is
// a single stack pass, so the result has no adjacent equal quotes.
func removeEmptyQuotes(s string, t *transforms) string {
	if !strings.Contains(s, `""`) && !strings.Contains(s, `''`) {
		return s
	}
	t.add(TransformEmptyQuotes)
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c == '"' || c == '\'') && len(out) > 0 && out[len(out)-1] == c {
			out = out[:len(out)-1]
			continue
		}
		out = append(out, c)
	}
	return string(out)
}

const proctitleKey = "proctitle="

// decodeProctitle replaces the hex value of every unquoted auditd
// proctitle=<hex> field with the decoded argv joined by spaces.
func decodeProctitle(s string, t *transforms) string {
	if !strings.Contains(s, proctitleKey) {
		return s
	}
	var b strings.Builder
	last := 0
	for from := 0; from < len(s); {
		k := strings.Index(s[from:], proctitleKey)
		if k < 0 {
			break
		}
		k += from
		start := k + len(proctitleKey)
		from = start
		if k > 0 && isWordByte(s[k-1]) {
			continue
		}
		end := start
		for end < len(s) && isHex(s[end]) {
			end++
		}
		from = end
		if end == start || (end-start)%2 != 0 || (end < len(s) && isWordByte(s[end])) {
			continue
		}
		decoded, ok := decodeArgv(s[start:end])
		if !ok {
			continue
		}
		b.WriteString(s[last:start])
		b.WriteString(decoded)
		last = end
		t.add(TransformProctitle)
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// auditCommand reduces an auditd record to its command: in a text holding "msg=audit(" and a proctitle=
// field, the model sees only the proctitle value (already decoded from hex by decodeProctitle, or the
// content of a quoted value). The record's other fields (type, timestamps, serials) carry no signal and
// were never in the training data.
func auditCommand(s string, t *transforms) string {
	if !strings.Contains(s, "msg=audit(") {
		return s
	}
	k := strings.Index(s, proctitleKey)
	for k > 0 && isWordByte(s[k-1]) {
		n := strings.Index(s[k+1:], proctitleKey)
		if n < 0 {
			return s
		}
		k += 1 + n
	}
	if k < 0 {
		return s
	}
	v := s[k+len(proctitleKey):]
	if strings.HasPrefix(v, `"`) {
		end := strings.IndexByte(v[1:], '"')
		if end < 0 {
			return s
		}
		v = v[1 : 1+end]
	} else if i := strings.Index(v, " proctitle="); i >= 0 { // a second field: keep the first only
		v = v[:i]
	}
	if strings.TrimSpace(v) == "" {
		return s
	}
	t.add(TransformAuditCommand)
	return v
}

// decodeArgv decodes auditd proctitle hex (argv elements separated by NUL)
// into text. It fails unless the bytes are valid UTF-8 without control
// characters other than NUL, \t and \n, and hold at least one visible char.
func decodeArgv(h string) (string, bool) {
	raw, err := hex.DecodeString(h)
	if err != nil || !utf8.Valid(raw) {
		return "", false
	}
	visible := false
	for i, c := range raw {
		if c == 0 {
			raw[i] = ' '
			continue
		}
		if c < 0x20 && c != '\t' && c != '\n' || c == 0x7f {
			return "", false
		}
		if c != ' ' && c != '\t' && c != '\n' {
			visible = true
		}
	}
	s := string(raw)
	for _, r := range s {
		if r >= 0x80 && unicode.IsControl(r) {
			return "", false
		}
	}
	return s, visible
}

// decodePowerShell replaces the argument of every -EncodedCommand flag
// that decodes cleanly to UTF-16LE text with that text (processed again by
// deobfuscate at level+1).
func decodePowerShell(s string, level int, t *transforms) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		dash := dashLen(s, i)
		if dash == 0 || (i > 0 && !isSpace(s[i-1])) {
			i++
			continue
		}
		j := i + dash
		for j < len(s) && isASCIILetter(s[j]) {
			j++
		}
		if !isEncFlag(s[i+dash:j]) || j >= len(s) || !isSpace(s[j]) {
			i = j
			continue
		}
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		argStart, argEnd, blob, ok := scanBlob(s, j)
		if !ok {
			i = j
			continue
		}
		i = argEnd
		script, ok := decodeUTF16Base64(blob)
		if !ok {
			continue
		}
		t.add(TransformPowerShell)
		// The script can only hold \t \n \r as control characters;
		// foldSpace turns them into spaces at the end.
		script = deobfuscate(script, level+1, t)
		b.WriteString(s[last:argStart])
		b.WriteString(script)
		last = argEnd
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// dashLen returns the byte length of a parameter prefix at s[i]: "-", "/",
// or the en dash, em dash and horizontal bar that PowerShell also accepts.
func dashLen(s string, i int) int {
	switch s[i] {
	case '-', '/':
		return 1
	case 0xe2:
		if i+2 < len(s) && s[i+1] == 0x80 && s[i+2] >= 0x93 && s[i+2] <= 0x95 {
			return 3
		}
	}
	return 0
}

// isEncFlag reports whether word (without its dash) names
// -EncodedCommand: any prefix of "encodedcommand" or the alias "ec",
// ASCII case-insensitively.
func isEncFlag(word string) bool {
	if word == "" || len(word) > len("encodedcommand") {
		return false
	}
	w := strings.ToLower(word)
	return w == "ec" || strings.HasPrefix("encodedcommand", w)
}

// scanBlob reads a base64 argument at s[j], optionally enclosed in matching
// " or ' quotes. It returns the span to replace and the base64 text. An
// unquoted argument must be followed by white space, a shell delimiter or
// the end of s; a quoted one may be followed by anything.
func scanBlob(s string, j int) (start, end int, blob string, ok bool) {
	start = j
	var quote byte
	if j < len(s) && (s[j] == '"' || s[j] == '\'') {
		quote = s[j]
		j++
	}
	b := j
	for j < len(s) && isBase64(s[j]) {
		j++
	}
	pad := 0
	for j < len(s) && s[j] == '=' && pad < 2 {
		j++
		pad++
	}
	blob = s[b:j]
	if j-pad == b {
		return 0, 0, "", false
	}
	if quote != 0 {
		if j >= len(s) || s[j] != quote {
			return 0, 0, "", false
		}
		return start, j + 1, blob, true
	}
	if j < len(s) && !isBlobEnd(s[j]) {
		return 0, 0, "", false
	}
	return start, j, blob, true
}

// decodeUTF16Base64 decodes standard base64 (padding optional) holding
// UTF-16LE text. It fails unless the result is well-formed UTF-16 without
// control characters (other than \t \n \r) and at least half of its
// characters are ASCII, which real scripts always are and base64 of other
// data practically never is.
func decodeUTF16Base64(blob string) (string, bool) {
	blob = strings.TrimRight(blob, "=")
	if len(blob)%4 == 1 {
		return "", false
	}
	raw, err := base64.RawStdEncoding.DecodeString(blob)
	if err != nil || len(raw) < 2 || len(raw)%2 != 0 {
		return "", false
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8
	}
	if units[0] == 0xfeff {
		units = units[1:]
	}
	var b strings.Builder
	b.Grow(len(units))
	ascii, total := 0, 0
	for i := 0; i < len(units); i++ {
		u := units[i]
		var r rune
		switch {
		case utf16.IsSurrogate(rune(u)):
			if u >= 0xdc00 || i+1 >= len(units) {
				return "", false
			}
			r = utf16.DecodeRune(rune(u), rune(units[i+1]))
			if r == unicode.ReplacementChar {
				return "", false
			}
			i++
		default:
			r = rune(u)
		}
		if r == 0xfffe || r == 0xffff || (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r') {
			return "", false
		}
		if r < utf8.RuneSelf {
			ascii++
		}
		total++
		b.WriteRune(r)
	}
	if total == 0 || ascii*2 < total || strings.TrimSpace(b.String()) == "" {
		return "", false
	}
	return b.String(), true
}

// foldSpace turns every run of Unicode white space and control characters
// into one ASCII space and trims both ends.
func foldSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	pending := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if c <= ' ' || c == 0x7f {
				pending = true
				continue
			}
			if pending && b.Len() > 0 {
				b.WriteByte(' ')
			}
			pending = false
			b.WriteByte(c)
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			pending = true
			i += size
			continue
		}
		if pending && b.Len() > 0 {
			b.WriteByte(' ')
		}
		pending = false
		b.WriteString(s[i : i+size])
		i += size
	}
	return b.String()
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' }

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'f'
}

func isWordByte(c byte) bool {
	return isASCIILetter(c) || c >= '0' && c <= '9' || c == '_'
}

func isBase64(c byte) bool {
	return isASCIILetter(c) || c >= '0' && c <= '9' || c == '+' || c == '/'
}

// isBlobEnd reports whether c may directly follow an encoded command:
// white space or a shell delimiter.
func isBlobEnd(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '"', '\'', ';', '|', '&', ')':
		return true
	}
	return false
}
