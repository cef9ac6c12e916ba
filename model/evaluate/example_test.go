package evaluate

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestReadExamples(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Example
		wantErr string
	}{
		{
			name: "dev line with extra fields, blank lines skipped",
			in: `{"text": "reg save hklm\\sam s", "label": "T1003.002", "source": "art", "group": "g1", "technique": "T1003.002", "platform": "windows"}` + "\n\n" +
				`{"text":"ls -la","label":"benign","family":"ls","split":"test"}` + "\r\n   \n",
			want: []Example{
				{Text: `reg save hklm\sam s`, Label: T1003_002, Source: "art", Group: "g1"},
				{Text: "ls -la", Label: Benign, Family: "ls", Split: "test"},
			},
		},
		{name: "out-of-scope and empty text are fine", in: `{"text":"","label":"out-of-scope"}`, want: []Example{{Label: OutOfScope}}},
		{name: "empty file", in: "", want: nil},
		{name: "unknown label", in: `{"text":"x","label":"malicious"}`, wantErr: `f.jsonl:1: label "malicious"`},
		{name: "no label", in: "\n" + `{"text":"x"}`, wantErr: `f.jsonl:2: no "label"`},
		{name: "no text", in: `{"label":"benign"}`, wantErr: `f.jsonl:1: no "text"`},
		{name: "text not a string", in: `{"text":3,"label":"benign"}`, wantErr: "f.jsonl:1: invalid JSON"},
		{name: "not JSON", in: `{"text":"x","label":"benign"}` + "\nnope", wantErr: "f.jsonl:2: invalid JSON"},
		{name: "line too long", in: strings.Repeat("x", MaxLineBytes+1), wantErr: "f.jsonl:1: line longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadExamples(strings.NewReader(tt.in), "f.jsonl")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// FuzzReadExamples checks that any input either fails or yields valid examples that survive a round trip.
func FuzzReadExamples(f *testing.F) {
	f.Add([]byte(`{"text":"ls","label":"benign"}` + "\n" + `{"text":"x","label":"T1562","source":"art","group":"g"}`))
	f.Add([]byte(`{"text":"a\nb","label":"out-of-scope","family":"f","split":"s"}`))
	f.Add([]byte("{}\n\n[]"))
	f.Add([]byte(`{"text":"\u00e9","label":"T1134"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		exs, err := ReadExamples(bytes.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		var buf bytes.Buffer
		for _, ex := range exs {
			if !ValidLabel(ex.Label) {
				t.Fatalf("invalid label %q accepted", ex.Label)
			}
			b, err := json.Marshal(ex)
			if err != nil {
				t.Fatal(err)
			}
			buf.Write(b)
			buf.WriteByte('\n')
		}
		again, err := ReadExamples(&buf, "again")
		if err != nil {
			t.Fatalf("round trip: %v", err)
		}
		if len(again) != len(exs) {
			t.Fatalf("round trip: %d examples, want %d", len(again), len(exs))
		}
		for i := range exs {
			// Marshal replaces invalid UTF-8, so compare what survives it.
			if again[i].Label != exs[i].Label || again[i].Text != strings.ToValidUTF8(exs[i].Text, "\uFFFD") {
				t.Fatalf("round trip %d: %+v, want %+v", i, again[i], exs[i])
			}
		}
	})
}

func FuzzMarkdownCell(f *testing.F) {
	f.Add("reg save hklm\\sam | x `y` <b>\nz", 20)
	f.Add("```", 0)
	f.Fuzz(func(t *testing.T, s string, width int) {
		width = width % 300
		for _, out := range []string{cell(s, width), code(s, width)} {
			if strings.ContainsAny(out, "\n\r") {
				t.Fatalf("line break in %q", out)
			}
			// Every pipe must be escaped, or it would split the table cell.
			for i := 0; i < len(out); i++ {
				if out[i] == '|' && (i == 0 || out[i-1] != '\\') {
					t.Fatalf("bare pipe in %q", out)
				}
			}
		}
	})
}
