package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ttpscope/ttpscope/shared/tokenizer"
)

func TestReadTexts(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		jsonl   bool
		want    []string
		wantErr string
	}{
		{"lines", "a b\r\nc\n\nlast", false, []string{"a b", "c", "", "last"}, ""},
		{"jsonl", "{\"text\":\"x\\ty\",\"label\":1}\n\n{\"text\":\"z\"}\n", true, []string{"x\ty", "z"}, ""},
		{"jsonl missing field", "{\"other\":1}\n", true, nil, `no field "text"`},
		{"jsonl bad json", "{\"text\":\n", true, nil, "line 1"},
		{"jsonl not a string", "{\"text\":5}\n", true, nil, "line 1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			var got []string
			for s := range readTexts(strings.NewReader(tc.in), tc.jsonl, "text", &err) {
				got = append(got, s)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("got %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "corpus.txt")
	var b strings.Builder
	for i := 0; i < 300; i++ {
		b.WriteString("reg save HKLM\\SAM C:\\Windows\\Temp\\sam.save /y\nsc stop WinDefend\nwhoami /priv\n")
	}
	if err := os.WriteFile(in, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "tokenizer.json")
	if err := run([]string{"-in", in, "-vocab", "300", "-out", out}); err != nil {
		t.Fatal(err)
	}
	tk, err := tokenizer.FromFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if tk.VocabSize() != 300 {
		t.Errorf("vocab size %d, want 300", tk.VocabSize())
	}
	e, err := tk.Encode("whoami /priv", true)
	if err != nil {
		t.Fatal(err)
	}
	if e.IDs[0] != 0 || e.IDs[len(e.IDs)-1] != 2 || len(e.IDs) > 6 {
		t.Errorf("whoami /priv -> %q %v", e.Tokens, e.IDs)
	}
	if err := run([]string{"-vocab", "300"}); err == nil {
		t.Error("missing -in: no error")
	}
	if err := run([]string{"-in", filepath.Join(dir, "nope.txt")}); err == nil {
		t.Error("missing input file: no error")
	}
}
