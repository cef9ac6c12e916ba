package tokenizer

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// Golden files are written by testdata/golden/gen_golden.js with Hugging Face tokenizers (Rust, via
// npm tokenizers@0.23.2). Offsets in them are character offsets; see testdata/golden/README.md.

type goldenHeader struct {
	Kind              string `json:"kind"`
	Tokenizer         string `json:"tokenizer"`
	TokenizerSHA256   string `json:"tokenizer_sha256"`
	Offsets           string `json:"offsets"`
	Strings           int    `json:"strings"`
	HasTruncOrPadding bool   `json:"has_truncation_or_padding"`
}

type goldenEnc struct {
	IDs               []int32     `json:"ids"`
	Offsets           []int       `json:"offsets"` // flat [start0, end0, start1, end1, ...] in characters
	TypeIDs           []int32     `json:"type_ids"`
	AttentionMask     []int32     `json:"attention_mask"`
	SpecialTokensMask []int32     `json:"special_tokens_mask"`
	Tokens            []string    `json:"tokens"` // only where they differ from IDToToken
	Overflowing       []goldenEnc `json:"overflowing"`
}

type goldenRecord struct {
	Kind string `json:"kind"`
	// encode
	Add  bool   `json:"add"`
	Text string `json:"text"`
	goldenEnc
	// batch
	Truncation *struct {
		MaxLength int    `json:"max_length"`
		Stride    int    `json:"stride"`
		Strategy  string `json:"strategy"`
		Direction string `json:"direction"`
	} `json:"truncation"`
	Padding *struct {
		Strategy        string `json:"strategy"`
		Length          int    `json:"length"`
		Direction       string `json:"direction"`
		PadToMultipleOf int    `json:"pad_to_multiple_of"`
		PadID           int32  `json:"pad_id"`
		PadTypeID       int32  `json:"pad_type_id"`
		PadToken        string `json:"pad_token"`
	} `json:"padding"`
	Texts     []string    `json:"texts"`
	Encodings []goldenEnc `json:"encodings"`
	// decode
	SkipSpecial bool `json:"skip_special_tokens"`
}

func readGz(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return b
}

func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.golden.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files in testdata/golden")
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".golden.jsonl.gz"), func(t *testing.T) { checkGoldenFile(t, f) })
	}
}

// mismatches collects failures and reports the first few readably.
type mismatches struct {
	t     *testing.T
	count int
}

func (m *mismatches) add(format string, args ...any) {
	m.t.Helper()
	m.count++
	if m.count <= 8 {
		m.t.Errorf(format, args...)
	}
}

func checkGoldenFile(t *testing.T, path string) {
	data := readGz(t, path)
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	if !sc.Scan() {
		t.Fatalf("%s: empty", path)
	}
	var h goldenHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Kind != "header" {
		t.Fatalf("%s: bad header: %v", path, err)
	}
	if h.Offsets != "char" {
		t.Fatalf("%s: offsets %q, want char", path, h.Offsets)
	}
	tokPath := filepath.Join(filepath.Dir(path), filepath.FromSlash(h.Tokenizer))
	tokJSON := readGz(t, tokPath)
	sum := sha256.Sum256(tokJSON)
	if got := hex.EncodeToString(sum[:]); got != h.TokenizerSHA256 {
		t.Fatalf("%s was generated for a tokenizer with sha256 %s but %s has %s: regenerate it (testdata/golden/README.md)",
			path, h.TokenizerSHA256, tokPath, got)
	}
	tk, err := FromJSON(tokJSON)
	if err != nil {
		t.Fatalf("load %s: %v", tokPath, err)
	}
	mm := &mismatches{t: t}
	texts := map[string]bool{}
	var nEnc, nBatch, nDecode, nPost, nIDs int
	for sc.Scan() {
		var r goldenRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		switch r.Kind {
		case "encode":
			nEnc++
			texts[r.Text] = true
			got, err := tk.Encode(r.Text, r.Add)
			if err != nil {
				mm.add("Encode(%s, %v): %v", quote(r.Text), r.Add, err)
				continue
			}
			if d := diffEncoding(tk, r.Text, got, r.goldenEnc); d != "" {
				mm.add("Encode(%s, add=%v) differs from Hugging Face:\n%s", quote(r.Text), r.Add, d)
			}
			if r.Add && !h.HasTruncOrPadding {
				// PostProcess of a plain encoding must equal encoding with special tokens.
				nPost++
				plain, err := tk.Encode(r.Text, false)
				if err != nil {
					mm.add("Encode(%s, false): %v", quote(r.Text), err)
					continue
				}
				if d := diffEncoding(tk, r.Text, tk.PostProcess(plain, true), r.goldenEnc); d != "" {
					mm.add("PostProcess(Encode(%s, false), true) differs from Hugging Face encode with special tokens:\n%s", quote(r.Text), d)
				}
			}
			if !h.HasTruncOrPadding {
				// The ids-only fast path, wrapped in SingleSpecials when special tokens are added, must
				// give Hugging Face's ids.
				nIDs++
				ids := tk.EncodeIDs(r.Text)
				if r.Add {
					pre, suf, ok := tk.SingleSpecials()
					if !ok {
						mm.add("SingleSpecials: not a plain wrap for this tokenizer")
						continue
					}
					ids = slices.Concat(pre, ids, suf)
				}
				if !slices.Equal(ids, r.IDs) {
					mm.add("EncodeIDs(%s) (add=%v) = %v, Hugging Face %v", quote(r.Text), r.Add, ids, r.IDs)
				}
			}
		case "batch":
			nBatch++
			var tr *Truncation
			if r.Truncation != nil {
				tr = &Truncation{MaxLength: r.Truncation.MaxLength, Stride: r.Truncation.Stride,
					Strategy: TruncationStrategy(r.Truncation.Strategy), Direction: Direction(r.Truncation.Direction)}
			}
			var pd *Padding
			if r.Padding != nil {
				pd = &Padding{Strategy: PaddingStrategy(r.Padding.Strategy), Length: r.Padding.Length,
					Direction: Direction(r.Padding.Direction), PadToMultipleOf: r.Padding.PadToMultipleOf,
					PadID: r.Padding.PadID, PadTypeID: r.Padding.PadTypeID, PadToken: r.Padding.PadToken}
			}
			tk.SetTruncation(tr)
			tk.SetPadding(pd)
			got, err := tk.EncodeBatch(r.Texts, r.Add)
			tk.SetTruncation(nil)
			tk.SetPadding(nil)
			if err != nil {
				mm.add("EncodeBatch(add=%v, truncation %+v, padding %+v): %v", r.Add, tr, pd, err)
				continue
			}
			for i := range r.Texts {
				if d := diffEncoding(tk, r.Texts[i], got[i], r.Encodings[i]); d != "" {
					mm.add("EncodeBatch item %d %s (add=%v, truncation %+v, padding %+v) differs from Hugging Face:\n%s",
						i, quote(r.Texts[i]), r.Add, tr, pd, d)
				}
			}
		case "decode":
			nDecode++
			got, err := tk.Decode(r.IDs, r.SkipSpecial)
			if err != nil || got != r.Text {
				mm.add("Decode(%v, skip=%v) = %s, %v; want %s", r.IDs, r.SkipSpecial, quote(got), err, quote(r.Text))
			}
		default:
			t.Fatalf("%s: unknown record kind %q", path, r.Kind)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(texts) != h.Strings {
		t.Errorf("%s: %d distinct strings, header says %d", path, len(texts), h.Strings)
	}
	if mm.count > 0 {
		t.Errorf("%d mismatches in %s", mm.count, path)
	}
	t.Logf("%s: %d distinct strings, %d encode records (%d PostProcess checks, %d EncodeIDs checks), %d batch records, %d decode records, %d mismatches",
		filepath.Base(path), len(texts), nEnc, nPost, nIDs, nBatch, nDecode, mm.count)
}

func quote(s string) string {
	if len(s) > 120 {
		return fmt.Sprintf("%q…(%d bytes)", s[:120], len(s))
	}
	return fmt.Sprintf("%q", s)
}

// charOffsets converts byte offsets of text to character offsets; a byte offset inside a character
// converts to -1 so that it never matches.
func charOffsets(text string, offs []Offset) []int {
	idx := make([]int, len(text)+1)
	for i := range idx {
		idx[i] = -1
	}
	n := 0
	for i := range text {
		idx[i] = n
		n++
	}
	idx[len(text)] = n
	out := make([]int, 0, 2*len(offs))
	for _, o := range offs {
		s, e := -1, -1
		if o.Start >= 0 && o.Start <= len(text) {
			s = idx[o.Start]
		}
		if o.End >= 0 && o.End <= len(text) {
			e = idx[o.End]
		}
		out = append(out, s, e)
	}
	return out
}

func diffEncoding(tk *Tokenizer, text string, got Encoding, want goldenEnc) string {
	if !utf8.ValidString(text) {
		return "golden text is not valid UTF-8"
	}
	var b strings.Builder
	cmp := func(name string, g, w []int32) {
		if !slices.Equal(g, w) {
			i := firstDiff(len(g), len(w), func(i int) bool { return g[i] == w[i] })
			fmt.Fprintf(&b, "  %s differ at %d (len got %d, want %d): got %v, want %v\n", name, i, len(g), len(w), window(g, i), window(w, i))
		}
	}
	if want.TypeIDs == nil && want.AttentionMask == nil && want.SpecialTokensMask == nil {
		// Plain masks are not stored in golden files.
		n := len(want.IDs)
		want.TypeIDs, want.AttentionMask, want.SpecialTokensMask = make([]int32, n), make([]int32, n), make([]int32, n)
		for i := range want.AttentionMask {
			want.AttentionMask[i] = 1
		}
	}
	cmp("ids", got.IDs, want.IDs)
	cmp("type_ids", got.TypeIDs, want.TypeIDs)
	cmp("attention_mask", got.AttentionMask, want.AttentionMask)
	cmp("special_tokens_mask", got.SpecialTokensMask, want.SpecialTokensMask)
	if g := charOffsets(text, got.Offsets); !slices.Equal(g, want.Offsets) {
		i := firstDiff(len(g), len(want.Offsets), func(i int) bool { return g[i] == want.Offsets[i] }) / 2
		fmt.Fprintf(&b, "  offsets (chars) differ at token %d: got %v, want %v (got bytes %v)\n", i,
			window(g, 2*i), window(want.Offsets, 2*i), window(got.Offsets, i))
	}
	wantTokens := want.Tokens
	if wantTokens == nil {
		for _, id := range want.IDs {
			s, _ := tk.IDToToken(id)
			wantTokens = append(wantTokens, s)
		}
	}
	if !slices.Equal(got.Tokens, wantTokens) {
		i := firstDiff(len(got.Tokens), len(wantTokens), func(i int) bool { return got.Tokens[i] == wantTokens[i] })
		fmt.Fprintf(&b, "  tokens differ at %d: got %q, want %q\n", i, window(got.Tokens, i), window(wantTokens, i))
	}
	if len(got.Overflowing) != len(want.Overflowing) {
		fmt.Fprintf(&b, "  %d overflowing encodings, want %d\n", len(got.Overflowing), len(want.Overflowing))
	} else {
		for i := range got.Overflowing {
			if d := diffEncoding(tk, text, got.Overflowing[i], want.Overflowing[i]); d != "" {
				fmt.Fprintf(&b, "  overflowing %d:\n%s", i, d)
			}
		}
	}
	return b.String()
}

func firstDiff(n, m int, eq func(int) bool) int {
	for i := 0; i < min(n, m); i++ {
		if !eq(i) {
			return i
		}
	}
	return min(n, m)
}

func window[T any](s []T, i int) []T {
	lo, hi := max(0, i-3), min(len(s), i+4)
	if lo > hi {
		return nil
	}
	return s[lo:hi]
}
