package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// got is a Line in comparable form.
type got struct {
	N      int
	Record string // compact JSON
	Raw    string
	Note   string
	Err    string
}

func (g got) String() string {
	return fmt.Sprintf("{N:%d Record:%s Raw:%q Note:%q Err:%q}", g.N, g.Record, g.Raw, g.Note, g.Err)
}

func readAll(t *testing.T, r *Reader) []got {
	t.Helper()
	var out []got
	for {
		l, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		b, merr := json.Marshal(l.Record)
		if merr != nil {
			t.Fatalf("marshal %v: %v", l.Record, merr)
		}
		g := got{N: l.Number, Record: string(b), Raw: l.Raw, Note: l.Note}
		if l.Err != nil {
			g.Err = l.Err.Error()
		}
		out = append(out, g)
		if len(out) > 1000 {
			t.Fatal("too many lines")
		}
	}
	return out
}

func TestReader(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		opts       Options
		want       []got
		wantFormat Format
	}{
		{
			name: "auto ndjson with crlf, blanks, no final newline",
			in:   "\r\n  \n{\"message\":\"a\",\"n\":12345678901234567890123}\r\n\n{\"b\":1.50}",
			want: []got{
				{N: 3, Record: `{"message":"a","n":12345678901234567890123}`, Raw: `{"message":"a","n":12345678901234567890123}`},
				{N: 5, Record: `{"b":1.50}`, Raw: `{"b":1.50}`},
			},
			wantFormat: FormatNDJSON,
		},
		{
			name: "auto text",
			in:   "reg save hklm\\sam s\r\n{\"not\":\"json mode\"}\n\tcmd /c whoami \n",
			want: []got{
				{N: 1, Record: `{"message":"reg save hklm\\sam s"}`, Raw: `reg save hklm\sam s`},
				{N: 2, Record: `{"message":"{\"not\":\"json mode\"}"}`, Raw: `{"not":"json mode"}`},
				{N: 3, Record: `{"message":"\tcmd /c whoami "}`, Raw: "\tcmd /c whoami "},
			},
			wantFormat: FormatText,
		},
		{
			name:       "utf8 bom then ndjson",
			in:         "\xef\xbb\xbf{\"a\":\"b\"}\n",
			want:       []got{{N: 1, Record: `{"a":"b"}`, Raw: `{"a":"b"}`}},
			wantFormat: FormatNDJSON,
		},
		{
			name: "ndjson nasty lines keep going",
			in: strings.Join([]string{
				`{"message":"ok"}`,
				`{"message":"truncat`,
				`[1,2]`,
				`"just a string"`,
				`3`,
				`null`,
				`{"a":1}{"b":2}`,
				`{"a":1}}`,
				`plain text line`,
				`{"a":1} `,
				`{"message":"after"}`,
			}, "\n"),
			want: []got{
				{N: 1, Record: `{"message":"ok"}`, Raw: `{"message":"ok"}`},
				{N: 2, Record: `{"message":"{\"message\":\"truncat"}`, Raw: `{"message":"truncat`, Err: "line 2: invalid JSON: unexpected EOF"},
				{N: 3, Record: `{"message":"[1,2]"}`, Raw: `[1,2]`, Note: NoteNotObject},
				{N: 4, Record: `{"message":"just a string"}`, Raw: `"just a string"`, Note: NoteNotObject},
				{N: 5, Record: `{"message":"3"}`, Raw: `3`, Note: NoteNotObject},
				{N: 6, Record: `{"message":"null"}`, Raw: `null`, Note: NoteNotObject},
				{N: 7, Record: `{"message":"{\"a\":1}{\"b\":2}"}`, Raw: `{"a":1}{"b":2}`, Err: "line 7: invalid JSON: trailing data after JSON value"},
				{N: 8, Record: `{"message":"{\"a\":1}}"}`, Raw: `{"a":1}}`, Err: "line 8: invalid JSON: trailing data after JSON value"},
				{N: 9, Record: `{"message":"plain text line"}`, Raw: `plain text line`, Err: "line 9: invalid JSON: invalid character 'p' looking for beginning of value"},
				{N: 10, Record: `{"a":1}`, Raw: `{"a":1} `},
				{N: 11, Record: `{"message":"after"}`, Raw: `{"message":"after"}`},
			},
			wantFormat: FormatNDJSON,
		},
		{
			name: "explicit ndjson starting with text",
			in:   "hello\n{\"a\":true}\n",
			opts: Options{Format: FormatNDJSON},
			want: []got{
				{N: 1, Record: `{"message":"hello"}`, Raw: "hello", Err: "line 1: invalid JSON: invalid character 'h' looking for beginning of value"},
				{N: 2, Record: `{"a":true}`, Raw: `{"a":true}`},
			},
			wantFormat: FormatNDJSON,
		},
		{
			name:       "explicit text keeps json as text",
			in:         "{\"a\":1}\n",
			opts:       Options{Format: FormatText},
			want:       []got{{N: 1, Record: `{"message":"{\"a\":1}"}`, Raw: `{"a":1}`}},
			wantFormat: FormatText,
		},
		{
			name:       "invalid utf8 in text mode",
			in:         "net\xffstop\xc3\n",
			want:       []got{{N: 1, Record: "{\"message\":\"net\ufffdstop\ufffd\"}", Raw: "net\xffstop\xc3", Note: NoteInvalidUTF8}},
			wantFormat: FormatText,
		},
		{
			name: "invalid utf8 in ndjson",
			in:   "{\"m\":\"a\xffb\"}\n[\"\xff\"]\n",
			want: []got{
				{N: 1, Record: "{\"m\":\"a\ufffdb\"}", Raw: "{\"m\":\"a\xffb\"}", Note: NoteInvalidUTF8},
				{N: 2, Record: "{\"message\":\"[\\\"\ufffd\\\"]\"}", Raw: "[\"\xff\"]", Note: NoteNotObject + "; " + NoteInvalidUTF8},
			},
			wantFormat: FormatNDJSON,
		},
		{
			name:       "nul and lone cr inside text line",
			in:         "a\x00b\rc\n",
			want:       []got{{N: 1, Record: `{"message":"a\u0000b\rc"}`, Raw: "a\x00b\rc"}},
			wantFormat: FormatText,
		},
		{
			name: "too long line skipped, next line in sync",
			in:   "0123456789\n0123456789A\r\n012345678\r\nshort",
			opts: Options{Format: FormatText, MaxLineBytes: 10},
			want: []got{
				{N: 1, Record: `{"message":"0123456789"}`, Raw: "0123456789"},
				{N: 2, Record: `{"message":"0123456789"}`, Raw: "0123456789", Err: "line 2: line longer than 10 bytes, skipped (first 10 bytes kept)"},
				{N: 3, Record: `{"message":"012345678"}`, Raw: "012345678"},
				{N: 4, Record: `{"message":"short"}`, Raw: "short"},
			},
			wantFormat: FormatText,
		},
		{
			name: "too long last line without newline",
			in:   "{\"a\":1}\n{\"message\":\"xxxxxxxxxxxxxxxx\"}",
			opts: Options{MaxLineBytes: 12},
			want: []got{
				{N: 1, Record: `{"a":1}`, Raw: `{"a":1}`},
				{N: 2, Record: `{"message":"{\"message\":\""}`, Raw: `{"message":"`, Err: "line 2: line longer than 12 bytes, skipped (first 12 bytes kept)"},
			},
			wantFormat: FormatNDJSON,
		},
		{
			name:       "empty input",
			in:         "",
			wantFormat: FormatAuto,
		},
		{
			name:       "only blank lines",
			in:         "\n\r\n \t\n",
			wantFormat: FormatAuto,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(tt.in), tt.opts)
			gotLines := readAll(t, r)
			if len(gotLines) != len(tt.want) {
				t.Fatalf("got %d lines, want %d:\n%v", len(gotLines), len(tt.want), gotLines)
			}
			for i := range gotLines {
				if gotLines[i] != tt.want[i] {
					t.Errorf("line %d\n got %v\nwant %v", i, gotLines[i], tt.want[i])
				}
			}
			if r.Format() != tt.wantFormat {
				t.Errorf("Format() = %v, want %v", r.Format(), tt.wantFormat)
			}
			if _, err := r.Next(); err != io.EOF {
				t.Errorf("Next after EOF = %v", err)
			}
		})
	}
}

func TestReaderBigLines(t *testing.T) {
	// Lines far larger than the 64 KiB read buffer, at and around the limit.
	const max = 200 << 10
	long := strings.Repeat("a", max)
	in := `{"message":"` + strings.Repeat("b", max-14) + `"}` + "\r\n" + // exactly max bytes
		long + "x\n" + // max+1
		long[:max-1] + "\r\n" + // max-1 plus CRLF
		strings.Repeat("c", 3*max) + "\n" +
		`{"n":1}`
	r := NewReader(strings.NewReader(in), Options{Format: FormatText, MaxLineBytes: max})
	type res struct {
		n      int
		rawLen int
		tooBig bool
	}
	var out []res
	for {
		l, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		var le *LineError
		tooBig := errors.As(l.Err, &le) && le.Kind == ErrTooLong
		if l.Err != nil && !tooBig {
			t.Fatalf("line %d: unexpected error %v", l.Number, l.Err)
		}
		out = append(out, res{l.Number, len(l.Raw), tooBig})
	}
	want := []res{{1, max, false}, {2, TooLongPrefixBytes, true}, {3, max - 1, false}, {4, TooLongPrefixBytes, true}, {5, 7, false}}
	if fmt.Sprint(out) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", out, want)
	}
}

func TestReaderDefault16MB(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 16 MiB lines")
	}
	line := `{"message":"` + strings.Repeat("z", DefaultMaxLineBytes-14) + `"}`
	in := line + "\n" + line + "zz\n{\"ok\":1}\n"
	r := NewReader(strings.NewReader(in), Options{})
	l, err := r.Next()
	if err != nil || l.Err != nil || len(l.Record["message"].(string)) != DefaultMaxLineBytes-14 {
		t.Fatalf("16 MiB line: err %v, line err %v", err, l.Err)
	}
	l, err = r.Next()
	var le *LineError
	if err != nil || !errors.As(l.Err, &le) || le.Kind != ErrTooLong || le.Line != 2 {
		t.Fatalf("16 MiB+2 line: err %v, line err %v", err, l.Err)
	}
	l, err = r.Next()
	if err != nil || l.Err != nil || l.Number != 3 || l.Raw != `{"ok":1}` {
		t.Fatalf("line after too long: %+v, %v", l, err)
	}
}

func TestReaderReadError(t *testing.T) {
	boom := errors.New("boom")
	src := io.MultiReader(strings.NewReader("one\ntwo"), iotest.ErrReader(boom))
	r := NewReader(src, Options{})
	l, err := r.Next()
	if err != nil || l.Raw != "one" {
		t.Fatalf("first line = %+v, %v", l, err)
	}
	_, err = r.Next()
	if !errors.Is(err, boom) || err.Error() != "read line 2: boom" {
		t.Fatalf("second Next err = %v, want read line 2: boom", err)
	}
	if _, err2 := r.Next(); !errors.Is(err2, boom) {
		t.Fatalf("Next after error = %v", err2)
	}
}

func TestReaderOneByteReader(t *testing.T) {
	in := "{\"a\":\"x\"}\r\n\n{\"b\":2}"
	r := NewReader(iotest.OneByteReader(strings.NewReader(in)), Options{})
	lines := readAll(t, r)
	want := []got{{N: 1, Record: `{"a":"x"}`, Raw: `{"a":"x"}`}, {N: 3, Record: `{"b":2}`, Raw: `{"b":2}`}}
	if fmt.Sprint(lines) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", lines, want)
	}
}

func TestReaderNumbersSurviveReencoding(t *testing.T) {
	in := `{"id":18446744073709551617,"f":0.10000000000000000555,"e":1e400}` + "\n"
	r := NewReader(strings.NewReader(in), Options{})
	l, err := r.Next()
	if err != nil || l.Err != nil {
		t.Fatal(err, l.Err)
	}
	b, err := json.Marshal(l.Record)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"e":1e400,"f":0.10000000000000000555,"id":18446744073709551617}`; string(b) != want {
		t.Fatalf("re-encoded %s, want %s", b, want)
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in   string
		want Format
		err  bool
	}{
		{"auto", FormatAuto, false}, {"", FormatAuto, false}, {"NDJSON", FormatNDJSON, false},
		{"json", FormatNDJSON, false}, {"text", FormatText, false}, {"xml", FormatAuto, true},
	}
	for _, tt := range tests {
		f, err := ParseFormat(tt.in)
		if f != tt.want || (err != nil) != tt.err {
			t.Errorf("ParseFormat(%q) = %v, %v", tt.in, f, err)
		}
		if err == nil {
			if back, _ := ParseFormat(f.String()); back != f {
				t.Errorf("ParseFormat(%v.String()) = %v", f, back)
			}
		}
	}
}

func FuzzReader(f *testing.F) {
	for _, s := range []string{
		"", "\n", "{\"a\":1}\n", "{\"a\":1}\r\n[1]\n\"s\"\n3\nnull\n{", "text\r\nmore\n\n",
		"\xef\xbb\xbf{\"m\":\"\xff\"}", strings.Repeat("x", 100) + "\nshort\n", "{\"a\":1}{}",
	} {
		f.Add([]byte(s), uint8(0), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, format, maxSel uint8) {
		max := []int{0, 1, 7, 64}[maxSel%4]
		opts := Options{Format: Format(format % 3), MaxLineBytes: max}
		r := NewReader(bytes.NewReader(data), opts)
		physical := bytes.Count(data, []byte("\n")) + 1
		prev := 0
		var textLines []string
		for {
			l, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("Next: %v", err)
			}
			if l.Number <= prev || l.Number > physical {
				t.Fatalf("line number %d after %d (physical %d)", l.Number, prev, physical)
			}
			prev = l.Number
			if l.Record == nil {
				t.Fatalf("line %d: nil record", l.Number)
			}
			if _, err := json.Marshal(l.Record); err != nil {
				t.Fatalf("line %d: record does not encode: %v", l.Number, err)
			}
			limit := max
			if limit == 0 {
				limit = DefaultMaxLineBytes
			}
			if len(l.Raw) > limit {
				t.Fatalf("line %d: raw %d bytes > max %d", l.Number, len(l.Raw), limit)
			}
			var le *LineError
			if l.Err != nil && (!errors.As(l.Err, &le) || le.Line != l.Number) {
				t.Fatalf("line %d: bad error %v", l.Number, l.Err)
			}
			if msg, ok := l.Record[MessageKey].(string); ok && l.Err == nil && r.Format() == FormatText {
				if !utf8.ValidString(msg) {
					t.Fatalf("line %d: message not valid UTF-8", l.Number)
				}
				textLines = append(textLines, l.Raw)
			}
		}
		// Oracle for text mode with the default limit: the raw lines are
		// exactly the non-blank physical lines, terminators removed.
		if opts.Format == FormatText && max == 0 {
			var want []string
			for i, s := range strings.Split(string(data), "\n") {
				if i == 0 {
					s = strings.TrimPrefix(s, "\xef\xbb\xbf")
				}
				s = strings.TrimSuffix(s, "\r")
				if len(bytes.TrimSpace([]byte(s))) > 0 {
					want = append(want, s)
				}
			}
			if fmt.Sprintf("%q", textLines) != fmt.Sprintf("%q", want) {
				t.Fatalf("text lines %q, want %q", textLines, want)
			}
		}
	})
}
