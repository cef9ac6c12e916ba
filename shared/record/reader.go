package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Format is the input format of a Reader.
type Format int

const (
	// FormatAuto picks NDJSON when the first non-blank line of the stream
	// starts with "{" (after white space), text otherwise. The choice holds
	// for the whole stream.
	FormatAuto Format = iota
	// FormatNDJSON reads one JSON value per line.
	FormatNDJSON
	// FormatText reads one plain-text line per record, as {"message": line}.
	FormatText
)

// String returns the name ParseFormat accepts.
func (f Format) String() string {
	switch f {
	case FormatAuto:
		return "auto"
	case FormatNDJSON:
		return "ndjson"
	case FormatText:
		return "text"
	}
	return fmt.Sprintf("Format(%d)", int(f))
}

// ParseFormat parses "auto", "ndjson" (or "json") and "text".
func ParseFormat(s string) (Format, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "auto", "":
		return FormatAuto, nil
	case "ndjson", "json", "jsonl":
		return FormatNDJSON, nil
	case "text", "txt", "plain":
		return FormatText, nil
	}
	return FormatAuto, fmt.Errorf("unknown input format %q (want auto, ndjson or text)", s)
}

// DefaultMaxLineBytes is the longest line a Reader accepts by default,
// not counting the line terminator.
const DefaultMaxLineBytes = 16 << 20

// TooLongPrefixBytes is how much of a too-long line is kept in Line.Raw
// (never more than the configured maximum line length).
const TooLongPrefixBytes = 1024

// MessageKey is the key of the wrapper record built for text lines, lines
// that are not JSON objects and lines that are not valid JSON.
const MessageKey = "message"

// Notes set in Line.Note.
const (
	NoteNotObject   = "not a JSON object"
	NoteInvalidUTF8 = "invalid UTF-8 replaced with U+FFFD"
)

// Options configure a Reader. The zero value reads auto-detected input with
// DefaultMaxLineBytes.
type Options struct {
	Format Format
	// MaxLineBytes is the longest accepted line, without its terminator;
	// 0 means DefaultMaxLineBytes.
	MaxLineBytes int
}

// LineErrorKind classifies a per-line error.
type LineErrorKind int

const (
	// ErrInvalidJSON: the line is not valid JSON (truncated, trailing
	// data, plain text in NDJSON mode).
	ErrInvalidJSON LineErrorKind = iota + 1
	// ErrTooLong: the line is longer than Options.MaxLineBytes.
	ErrTooLong
)

// LineError is a problem with one line. Reading continues with the next
// line.
type LineError struct {
	Line int
	Kind LineErrorKind
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

func (e *LineError) Unwrap() error { return e.Err }

// Line is one non-blank input line.
type Line struct {
	// Number is the 1-based physical line number (blank lines count).
	Number int
	// Record is never nil. NDJSON objects are decoded with UseNumber so
	// numbers keep their exact text. Everything else is wrapped as
	// {"message": text}: text lines, JSON values that are not objects
	// (strings as their content, other values as compact JSON), invalid
	// JSON (the raw line) and too-long lines (Raw, the truncated prefix).
	// Wrapped messages are valid UTF-8 (bad bytes become U+FFFD).
	Record map[string]any
	// Raw is the line without its terminator ("\n" or "\r\n"), bytes as
	// read; for an ErrTooLong line only its first TooLongPrefixBytes.
	Raw string
	// Note is set when the record is usable but was adjusted: NoteNotObject
	// and/or NoteInvalidUTF8, joined by "; ".
	Note string
	// Err is a *LineError when the line could not be read as a record:
	// the caller should pass Record through with status "error".
	Err error
}

// Reader reads records line by line. It is not safe for concurrent use.
type Reader struct {
	br     *bufio.Reader
	format Format
	max    int
	n      int
	buf    []byte
	err    error
}

// NewReader returns a Reader reading from r.
func NewReader(r io.Reader, opts Options) *Reader {
	max := opts.MaxLineBytes
	if max <= 0 {
		max = DefaultMaxLineBytes
	}
	return &Reader{br: bufio.NewReaderSize(r, 64<<10), format: opts.Format, max: max}
}

// Format returns the format in use: the configured one, or for FormatAuto
// the detected one once the first non-blank line was read.
func (r *Reader) Format() Format { return r.format }

// Next returns the next non-blank line. Problems with a single line are
// reported in Line.Err and Line.Note, never as the returned error. The
// returned error is io.EOF at the end of input, or a read error from the
// underlying reader; after either, Next keeps returning it.
func (r *Reader) Next() (Line, error) {
	for {
		if r.err != nil {
			return Line{}, r.err
		}
		raw, tooLong, err := r.readLine()
		if err != nil {
			r.err = err
			if raw == nil {
				continue
			}
		}
		if tooLong {
			return r.tooLongLine(raw), nil
		}
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		if r.format == FormatAuto {
			r.format = FormatText
			if bytes.TrimSpace(raw)[0] == '{' {
				r.format = FormatNDJSON
			}
		}
		if r.format == FormatNDJSON {
			return r.jsonLine(raw), nil
		}
		return r.textLine(raw), nil
	}
}

// readLine reads one physical line without its terminator. raw is nil when
// nothing was left to read. err is io.EOF after the last line, or a wrapped
// read error.
func (r *Reader) readLine() (raw []byte, tooLong bool, err error) {
	r.buf = r.buf[:0]
	read := 0
	for {
		chunk, rerr := r.br.ReadSlice('\n')
		read += len(chunk)
		if !tooLong {
			r.buf = append(r.buf, chunk...)
			if len(r.buf) > r.max+2 {
				tooLong = true
				r.buf = r.buf[:r.prefixLen(len(r.buf))]
			}
		}
		if rerr == bufio.ErrBufferFull {
			continue
		}
		if rerr != nil && rerr != io.EOF {
			return nil, false, fmt.Errorf("read line %d: %w", r.n+1, rerr)
		}
		if read == 0 {
			return nil, false, io.EOF
		}
		r.n++
		if rerr == io.EOF {
			err = io.EOF
		}
		break
	}
	line := r.buf
	if !tooLong {
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) > r.max {
			tooLong = true
			line = line[:r.prefixLen(len(line))]
		}
	}
	if r.n == 1 {
		line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf"))
	}
	return line, tooLong, err
}

// prefixLen is how many bytes of an n-byte too-long line are kept.
func (r *Reader) prefixLen(n int) int { return min(n, r.max, TooLongPrefixBytes) }

func (r *Reader) tooLongLine(prefix []byte) Line {
	raw := string(prefix)
	return Line{
		Number: r.n,
		Record: map[string]any{MessageKey: validUTF8(raw)},
		Raw:    raw,
		Err: &LineError{Line: r.n, Kind: ErrTooLong,
			Err: fmt.Errorf("line longer than %d bytes, skipped (first %d bytes kept)", r.max, len(prefix))},
	}
}

func (r *Reader) textLine(b []byte) Line {
	raw := string(b)
	l := Line{Number: r.n, Raw: raw}
	msg := raw
	if !utf8.ValidString(raw) {
		msg = validUTF8(raw)
		l.Note = NoteInvalidUTF8
	}
	l.Record = map[string]any{MessageKey: msg}
	return l
}

func (r *Reader) jsonLine(b []byte) Line {
	raw := string(b)
	l := Line{Number: r.n, Raw: raw}
	v, err := decodeJSON(b)
	if err != nil {
		l.Record = map[string]any{MessageKey: validUTF8(raw)}
		l.Err = &LineError{Line: r.n, Kind: ErrInvalidJSON, Err: fmt.Errorf("invalid JSON: %w", err)}
		return l
	}
	var notes []string
	switch x := v.(type) {
	case map[string]any:
		l.Record = x
	case string:
		l.Record = map[string]any{MessageKey: x}
		notes = append(notes, NoteNotObject)
	default:
		text, merr := json.Marshal(x)
		if merr != nil {
			// Cannot happen for decoded JSON; keep the line as it was.
			text = bytes.TrimSpace(b)
		}
		l.Record = map[string]any{MessageKey: validUTF8(string(text))}
		notes = append(notes, NoteNotObject)
	}
	if !utf8.Valid(b) {
		notes = append(notes, NoteInvalidUTF8)
	}
	l.Note = strings.Join(notes, "; ")
	return l
}

var errTrailing = errors.New("trailing data after JSON value")

// decodeJSON decodes exactly one JSON value (numbers as json.Number).
func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	var extra json.RawMessage
	if err := dec.Decode(&extra); err != io.EOF {
		return nil, errTrailing
	}
	return v, nil
}

// validUTF8 replaces each invalid byte of s with U+FFFD.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		b.WriteRune(r)
	}
	return b.String()
}
