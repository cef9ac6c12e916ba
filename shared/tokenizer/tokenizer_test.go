package tokenizer

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// trainedPath is a tokenizer made by Train from the template corpus of gen_golden.js.
const trainedPath = "testdata/golden/trained.tokenizer.json"

func loadTrained(t testing.TB) *Tokenizer {
	t.Helper()
	tk, err := FromFile(trainedPath)
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func loadRoberta(t testing.TB) *Tokenizer {
	t.Helper()
	tk, err := FromJSON(readGz(t, "testdata/golden/roberta_gpt2.tokenizer.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func TestSplitGPT2(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"hello world", []string{"hello", " world"}},
		{"  hello", []string{" ", " hello"}},
		{"hello  ", []string{"hello", "  "}},
		{"a   b", []string{"a", "  ", " b"}},
		{"a\t\tb", []string{"a", "\t", "\t", "b"}},
		{"a \n b", []string{"a", " \n", " b"}},
		{"x\n", []string{"x", "\n"}},
		{"it's", []string{"it", "'s"}},
		{"we'll've", []string{"we", "'ll", "'ve"}},
		{"'S", []string{"'", "S"}},
		{"''s", []string{"''", "s"}},
		{" 's", []string{" '", "s"}},
		{"x'r", []string{"x", "'", "r"}},
		{"abc123def", []string{"abc", "123", "def"}},
		{" 123", []string{" 123"}},
		{"C:\\Windows\\System32", []string{"C", ":\\", "Windows", "\\", "System", "32"}},
		{"r^e^g save", []string{"r", "^", "e", "^", "g", " save"}},
		{"\"a b\"", []string{"\"", "a", " b", "\""}},
		{"héllo wörld", []string{"héllo", " wörld"}},
		{"中文 字符", []string{"中文", " 字符"}},
		{"x²", []string{"x", "²"}},
		{"e\u0301", []string{"e", "\u0301"}},             // combining marks are not letters
		{"a\u00a0b", []string{"a", "\u00a0", "b"}},       // NBSP is \s
		{"a\u3000 b", []string{"a", "\u3000", " b"}},     // ideographic space
		{"😀 😀", []string{"😀", " 😀"}},                     // emoji are "other"
		{"a\x80b", []string{"a", "\x80", "b"}},           // invalid UTF-8 byte: one "other" character
		{"\u1C89x", []string{"\u1C89x"}},                 // Unicode 16 letter (newer than Go's tables)
		{"   ", []string{"   "}},                         // trailing whitespace run stays whole
		{"\u2028x", []string{"\u2028", "x"}},             // single whitespace before a letter
		{"a \u2003x", []string{"a", " ", "\u2003", "x"}}, // last whitespace is not a plain space
		{"--help", []string{"--", "help"}},
		{"a -- b", []string{"a", " --", " b"}},
	}
	for _, tc := range tests {
		var got []string
		start := 0
		for _, end := range splitGPT2(nil, tc.in) {
			got = append(got, tc.in[start:end])
			start = end
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("splitGPT2(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestClassTablesAgreeOnASCII(t *testing.T) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		want := clsOther
		for _, cr := range regexClassRanges {
			if cr.lo <= r && r <= cr.hi {
				want = cr.cls
			}
		}
		if got := classOf(r); got != want {
			t.Errorf("classOf(%q) = %d, table says %d", r, got, want)
		}
		inWord := false
		for _, rr := range wordCharRanges {
			if rr.lo <= r && r <= rr.hi {
				inWord = true
			}
		}
		if isWordChar(r) != inWord {
			t.Errorf("isWordChar(%q) = %v, table says %v", r, !inWord, inWord)
		}
	}
}

func TestEncodeRoberta(t *testing.T) {
	tk := loadRoberta(t)
	// Values from Hugging Face tokenizers 0.23.2 (also in the golden files).
	tests := []struct {
		text    string
		add     bool
		ids     []int32
		offsets []Offset
	}{
		{"héllo wörld 😀 x", true,
			[]int32{50257, 71, 2634, 18798, 266, 30570, 335, 30325, 222, 2124, 50259},
			[]Offset{{0, 0}, {0, 1}, {1, 3}, {3, 6}, {7, 8}, {8, 11}, {11, 13}, {14, 18}, {14, 18}, {19, 20}, {0, 0}}},
		{"  hi  \n\n x <mask> y", false,
			[]int32{220, 23105, 220, 220, 628, 2124, 50261, 331},
			[]Offset{{1, 1}, {2, 4}, {5, 5}, {6, 6}, {6, 8}, {9, 10}, {11, 17}, {18, 19}}},
		{"", true, []int32{50257, 50259}, []Offset{{0, 0}, {0, 0}}},
	}
	for _, tc := range tests {
		got, err := tk.Encode(tc.text, tc.add)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.IDs, tc.ids) || !slices.Equal(got.Offsets, tc.offsets) {
			t.Errorf("Encode(%q, %v) = %v %v, want %v %v", tc.text, tc.add, got.IDs, got.Offsets, tc.ids, tc.offsets)
		}
	}
	// The lstrip added token keeps its space in the token string, and offsets are trimmed past it.
	got, _ := tk.Encode("x <mask>", false)
	if got.Tokens[1] != " <mask>" || got.Offsets[1] != (Offset{2, 8}) {
		t.Errorf("lstrip <mask>: tokens %q offsets %v", got.Tokens, got.Offsets)
	}
}

func TestVocabAndLookups(t *testing.T) {
	tk := loadRoberta(t)
	if got := tk.VocabSize(); got != 50262 {
		t.Errorf("VocabSize = %d, want 50262", got)
	}
	if got := tk.MaxID(); got != 50261 {
		t.Errorf("MaxID = %d, want 50261", got)
	}
	for tok, id := range map[string]int32{"<s>": 50257, "<pad>": 50258, "</s>": 50259, "<unk>": 50260, "<mask>": 50261, "Ġthe": 262, "<|endoftext|>": 50256} {
		if got, ok := tk.TokenToID(tok); !ok || got != id {
			t.Errorf("TokenToID(%q) = %d, %v; want %d", tok, got, ok, id)
		}
		if got, ok := tk.IDToToken(id); !ok || got != tok {
			t.Errorf("IDToToken(%d) = %q, %v; want %q", id, got, ok, tok)
		}
	}
	if _, ok := tk.TokenToID("no such token"); ok {
		t.Error("TokenToID of an unknown token succeeded")
	}
	if _, ok := tk.IDToToken(99999); ok {
		t.Error("IDToToken of an unknown id succeeded")
	}
	if got := tk.NumSpecialTokensToAdd(); got != 2 {
		t.Errorf("NumSpecialTokensToAdd = %d, want 2", got)
	}
	tr := loadTrained(t)
	for i, s := range trainSpecials {
		if id, ok := tr.TokenToID(s); !ok || id != int32(i) {
			t.Errorf("trained: TokenToID(%q) = %d, %v; want %d", s, id, ok, i)
		}
	}
}

func TestPostProcessWindows(t *testing.T) {
	tk := loadTrained(t)
	text := `powershell.exe -NoProfile -Command "Set-MpPreference -DisableRealtimeMonitoring $true"`
	plain, err := tk.Encode(text, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.IDs) < 12 {
		t.Fatalf("only %d tokens", len(plain.IDs))
	}
	// Cut a window out of the plain encoding, as the classifier does, and add <s> … </s>.
	win := Encoding{
		IDs: plain.IDs[3:10], TypeIDs: plain.TypeIDs[3:10], AttentionMask: plain.AttentionMask[3:10],
		SpecialTokensMask: plain.SpecialTokensMask[3:10], Offsets: plain.Offsets[3:10], Tokens: plain.Tokens[3:10],
	}
	before := slices.Clone(win.IDs)
	got := tk.PostProcess(win, true)
	wantIDs := append(append([]int32{0}, plain.IDs[3:10]...), 2)
	if !slices.Equal(got.IDs, wantIDs) {
		t.Errorf("PostProcess ids = %v, want %v", got.IDs, wantIDs)
	}
	if got.Tokens[0] != "<s>" || got.Tokens[len(got.Tokens)-1] != "</s>" {
		t.Errorf("PostProcess tokens = %q", got.Tokens)
	}
	if got.SpecialTokensMask[0] != 1 || got.SpecialTokensMask[1] != 0 || got.SpecialTokensMask[8] != 1 {
		t.Errorf("special tokens mask = %v", got.SpecialTokensMask)
	}
	if !slices.Equal(got.Offsets[1:8], plain.Offsets[3:10]) || got.Offsets[0] != (Offset{}) {
		t.Errorf("offsets = %v, want %v inside", got.Offsets, plain.Offsets[3:10])
	}
	if !slices.Equal(win.IDs, before) {
		t.Error("PostProcess modified its input")
	}
	if g := tk.PostProcess(win, false); !slices.Equal(g.IDs, win.IDs) {
		t.Errorf("PostProcess(add=false) ids = %v, want %v", g.IDs, win.IDs)
	}
}

func TestTruncationPadding(t *testing.T) {
	tk := loadTrained(t)
	text := "reg save HKLM\\SAM C:\\Windows\\Temp\\sam.save /y && reg save HKLM\\SYSTEM C:\\Windows\\Temp\\system.save /y"
	full, _ := tk.Encode(text, false)
	if len(full.IDs) < 20 {
		t.Fatalf("only %d tokens", len(full.IDs))
	}
	tk.SetTruncation(&Truncation{MaxLength: 10, Stride: 2})
	tk.SetPadding(&Padding{Strategy: Fixed, Length: 12, PadID: 1, PadToken: "<pad>"})
	got, err := tk.Encode(text, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.IDs) != 12 || got.IDs[0] != 0 || got.IDs[9] != 2 || got.IDs[10] != 1 || got.AttentionMask[10] != 0 {
		t.Errorf("truncated+padded ids %v mask %v", got.IDs, got.AttentionMask)
	}
	if !slices.Equal(got.IDs[1:9], full.IDs[:8]) {
		t.Errorf("kept %v, want %v", got.IDs[1:9], full.IDs[:8])
	}
	// Like tokenizers 0.23, only the words needed to reach MaxLength tokens are encoded, so the
	// overflowing window holds tokens 6 up to that word boundary (at least 4 of them), then padding.
	if len(got.Overflowing) != 1 {
		t.Fatalf("%d overflowing encodings, want 1", len(got.Overflowing))
	}
	ov := got.Overflowing[0]
	k := slices.Index(ov.IDs, 2) // </s>
	if len(ov.IDs) != 12 || ov.IDs[0] != 0 || k < 5 || !slices.Equal(ov.IDs[1:k], full.IDs[6:6+k-1]) {
		t.Errorf("overflowing ids %v, want <s> %v… </s> <pad>…", ov.IDs, full.IDs[6:10])
	}
	if tr := tk.Truncation(); tr == nil || tr.MaxLength != 10 {
		t.Errorf("Truncation() = %+v", tr)
	}
	// Invalid settings are reported by Encode.
	tk.SetTruncation(&Truncation{MaxLength: 10, Stride: 8})
	if _, err := tk.Encode(text, true); err == nil || !strings.Contains(err.Error(), "stride") {
		t.Errorf("stride >= effective max length: err = %v", err)
	}
	tk.SetTruncation(&Truncation{MaxLength: 1})
	if _, err := tk.Encode(text, true); err == nil {
		t.Error("max_length below the special tokens: no error")
	}
	tk.SetTruncation(&Truncation{MaxLength: 2, Strategy: OnlySecond})
	if _, err := tk.Encode("qxzjqxzjqxzjqxzj", false); err == nil {
		t.Error("OnlySecond on a single sequence: no error")
	}
	tk.SetTruncation(nil)
	tk.SetPadding(&Padding{Strategy: BatchLongest, PadToMultipleOf: 8, PadID: 1, PadToken: "<pad>", Direction: Left})
	batch, err := tk.EncodeBatch([]string{"whoami", text, "net user"}, true)
	if err != nil {
		t.Fatal(err)
	}
	n := len(full.IDs) + 2
	n += (8 - n%8) % 8
	for i, e := range batch {
		if len(e.IDs) != n || len(e.Offsets) != n || len(e.Tokens) != n {
			t.Errorf("batch item %d has %d ids, want %d", i, len(e.IDs), n)
		}
	}
	if batch[0].IDs[0] != 1 || batch[0].IDs[n-1] != 2 {
		t.Errorf("left padding: %v", batch[0].IDs)
	}
	tk.SetPadding(nil)
	if tk.Padding() != nil {
		t.Error("Padding() not nil after SetPadding(nil)")
	}
}

func TestDecode(t *testing.T) {
	tk := loadRoberta(t)
	for _, s := range []string{"héllo wörld 😀", "  reg save HKLM\\SAM\tx\n", "中文", ""} {
		e, _ := tk.Encode(s, true)
		got, err := tk.Decode(e.IDs, true)
		if err != nil || got != s {
			t.Errorf("Decode(Encode(%q)) = %q, %v", s, got, err)
		}
		got, _ = tk.Decode(e.IDs, false)
		if want := "<s>" + s + "</s>"; got != want {
			t.Errorf("Decode(skip=false) = %q, want %q", got, want)
		}
	}
	// Only some bytes of a character: replaced like Rust's from_utf8_lossy.
	e, _ := tk.Encode("😀", false)
	if got, _ := tk.Decode(e.IDs[:1], false); got != "\uFFFD" {
		t.Errorf("partial character decodes to %q", got)
	}
	if got := lossyUTF8([]byte("a\xE2\x82b\xFF\xF0\x9F")); got != "a\uFFFDb\uFFFD\uFFFD" {
		t.Errorf("lossyUTF8 = %q", got)
	}
}

func TestInvalidUTF8KeepsBytes(t *testing.T) {
	tk := loadTrained(t)
	text := "reg\xff save \xe2\x82 x\xc3"
	e, err := tk.Encode(text, false)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := tk.Decode(e.IDs, false)
	if got != lossyUTF8([]byte(text)) {
		t.Errorf("round trip %q -> %q", text, got)
	}
	checkEncoding(t, tk, text, e)
}

func TestConcurrentEncode(t *testing.T) {
	tk := loadTrained(t)
	lines := benchLines()
	want := make([][]int32, len(lines))
	for i, l := range lines {
		e, _ := tk.Encode(l, true)
		want[i] = e.IDs
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for k := 0; k < 3; k++ {
				for i := range lines {
					j := (i*7 + g) % len(lines)
					e, err := tk.Encode(lines[j], true)
					if err != nil || !slices.Equal(e.IDs, want[j]) {
						errs <- fmt.Sprintf("goroutine %d: line %d differs (err %v)", g, j, err)
						return
					}
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func TestCacheBounded(t *testing.T) {
	c := newBPECache(64)
	for i := 0; i < 10000; i++ {
		c.set(fmt.Sprintf("w%d", i), []bpePiece{{int32(i), 1}})
	}
	total := 0
	for i := range c.shards {
		total += len(c.shards[i].m)
	}
	if total > 64 {
		t.Errorf("cache holds %d words, capacity 64", total)
	}
	c.set("hot", []bpePiece{{7, 3}})
	if p, ok := c.get("hot"); !ok || p[0] != (bpePiece{7, 3}) {
		t.Errorf("get(hot) = %v, %v", p, ok)
	}
}

// minimal returns a small valid tokenizer.json as a map to mutate.
func minimal(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	src := `{"version":"1.0","truncation":null,"padding":null,
	 "added_tokens":[{"id":3,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
	 "normalizer":null,
	 "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
	 "post_processor":{"type":"RobertaProcessing","sep":["<s>",3],"cls":["<s>",3],"trim_offsets":true,"add_prefix_space":false},
	 "decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},
	 "model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":null,"end_of_word_suffix":null,
	  "fuse_unk":false,"byte_fallback":false,"ignore_merges":false,"vocab":{"a":0,"b":1,"ab":2,"<s>":3},"merges":["a b"]}}`
	if err := json.Unmarshal([]byte(src), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadRefusals(t *testing.T) {
	set := func(path string, v any) func(m map[string]any) {
		return func(m map[string]any) {
			parts := strings.Split(path, ".")
			cur := m
			for _, p := range parts[:len(parts)-1] {
				cur = cur[p].(map[string]any)
			}
			cur[parts[len(parts)-1]] = v
		}
	}
	tests := []struct {
		name    string
		mutate  func(m map[string]any)
		wantErr string // substring naming the refused thing; "" means it must load
	}{
		{"minimal loads", func(map[string]any) {}, ""},
		{"legacy merges", set("model.merges", []any{"a b"}), ""},
		{"pair merges", set("model.merges", []any{[]any{"a", "b"}}), ""},
		{"normalizer", set("normalizer", map[string]any{"type": "NFKC"}), `"NFKC"`},
		{"normalizer sequence", set("normalizer", map[string]any{"type": "Sequence", "normalizers": []any{map[string]any{"type": "Lowercase"}}}), `"Lowercase"`},
		{"empty normalizer sequence", set("normalizer", map[string]any{"type": "Sequence", "normalizers": []any{}}), ""},
		{"pre_tokenizer", set("pre_tokenizer", map[string]any{"type": "Whitespace"}), `"Whitespace"`},
		{"pre_tokenizer null", set("pre_tokenizer", nil), "pre_tokenizer"},
		{"pre_tokenizer sequence", set("pre_tokenizer", map[string]any{"type": "Sequence", "pretokenizers": []any{map[string]any{"type": "Digits"}}}), `"Digits"`},
		{"pre_tokenizer option", set("pre_tokenizer.prepend_scheme", "always"), "prepend_scheme"},
		{"model", set("model.type", "WordPiece"), `"WordPiece"`},
		{"dropout", set("model.dropout", 0.1), "dropout"},
		{"byte_fallback", set("model.byte_fallback", true), "byte_fallback"},
		{"model option", set("model.cache_capacity", 10), "cache_capacity"},
		{"post_processor", set("post_processor", map[string]any{"type": "BertProcessing"}), `"BertProcessing"`},
		{"template pair sequence in single", set("post_processor", map[string]any{"type": "TemplateProcessing",
			"single": []any{map[string]any{"Sequence": map[string]any{"id": "B", "type_id": 0}}}, "pair": nil, "special_tokens": map[string]any{}}), `"B"`},
		{"template undefined special", set("post_processor", map[string]any{"type": "TemplateProcessing",
			"single":         []any{map[string]any{"SpecialToken": map[string]any{"id": "[CLS]", "type_id": 0}}, map[string]any{"Sequence": map[string]any{"id": "A", "type_id": 0}}},
			"special_tokens": map[string]any{}}), `"[CLS]"`},
		{"decoder", set("decoder", map[string]any{"type": "WordPiece"}), `"WordPiece"`},
		{"decoder null", set("decoder", nil), ""},
		{"unknown top-level", set("extra", 1), "extra"},
		{"added token option", func(m map[string]any) {
			m["added_tokens"].([]any)[0].(map[string]any)["weird"] = true
		}, "weird"},
		{"merge not in vocab", set("model.merges", []any{"a c"}), `"c"`},
		{"bad legacy merge", set("model.merges", []any{"a b c"}), "merge 1"},
		{"unk not in vocab", set("model.unk_token", "<unk>"), "unk_token"},
		{"truncation strategy", set("truncation", map[string]any{"max_length": 5, "strategy": "Middle"}), "Middle"},
		{"padding strategy", set("padding", map[string]any{"strategy": "Longest"}), "Longest"},
		{"padding fixed", set("padding", map[string]any{"strategy": map[string]any{"Fixed": 8}, "pad_id": 3}), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := minimal(t)
			tc.mutate(m)
			data, _ := json.Marshal(m)
			_, err := FromJSON(data)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Errorf("loaded, want an error mentioning %s", tc.wantErr)
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Errorf("error %q does not mention %s", err, tc.wantErr)
			}
		})
	}
}

func TestFromFileError(t *testing.T) {
	_, err := FromFile(filepath.Join(t.TempDir(), "missing.json"))
	if err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("err = %v", err)
	}
	p := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(p, []byte(`{"model": {"type": "Unigram"}}`), 0o644)
	if _, err := FromFile(p); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("err = %v", err)
	}
}

// checkEncoding asserts the invariants every encoding must satisfy.
func checkEncoding(t testing.TB, tk *Tokenizer, text string, e Encoding) {
	t.Helper()
	n := len(e.IDs)
	if len(e.Offsets) != n || len(e.Tokens) != n || len(e.TypeIDs) != n || len(e.AttentionMask) != n || len(e.SpecialTokensMask) != n {
		t.Fatalf("%q: slice lengths differ: %d ids, %d offsets, %d tokens", text, n, len(e.Offsets), len(e.Tokens))
	}
	prev := 0
	for i, o := range e.Offsets {
		if o.Start < 0 || o.End > len(text) || o.Start > o.End {
			t.Fatalf("%q: token %d offset %v out of range", text, i, o)
		}
		if e.SpecialTokensMask[i] == 1 {
			continue
		}
		if o.Start < prev {
			t.Fatalf("%q: token %d offset %v starts before the previous token (%d)", text, i, o, prev)
		}
		prev = o.Start
		if _, ok := tk.IDToToken(e.IDs[i]); !ok {
			t.Fatalf("%q: token %d has unknown id %d", text, i, e.IDs[i])
		}
	}
}

func FuzzEncode(f *testing.F) {
	for _, s := range append(benchLines(), "", " ", "it's", "<mask>", " <s></s>", "a\x80b", "😀 \u3000x", "'ll've  \t\n") {
		f.Add(s)
	}
	tk, err := FromFile(trainedPath)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, add := range []bool{false, true} {
			e, err := tk.Encode(s, add)
			if err != nil {
				t.Fatal(err)
			}
			checkEncoding(t, tk, s, e)
		}
		plain, _ := tk.Encode(s, false)
		// Decoding plain ids gives the input back (invalid UTF-8 replaced).
		if got, _ := tk.Decode(plain.IDs, false); got != lossyUTF8([]byte(s)) {
			t.Fatalf("Decode(Encode(%q)) = %q", s, got)
		}
	})
}

func benchLines() []string {
	return []string{
		`C:\Windows\system32\cmd.exe /c "reg save HKLM\SAM C:\Users\Public\sam.save /y"`,
		`rundll32.exe C:\windows\System32\comsvcs.dll, MiniDump 624 C:\temp\lsass.dmp full`,
		`powershell.exe -NoProfile -ExecutionPolicy Bypass -Command "Set-MpPreference -DisableRealtimeMonitoring $true"`,
		`"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe" --type=renderer --field-trial-handle=1736,i,1234567890 --lang=en-US`,
		`sc.exe config WinDefend start= disabled`,
		`wevtutil cl Security`,
		`git commit -m "it's done, we'll ship"`,
		`c^m^d /c p^o^w^e^r^s^h^e^l^l -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA`,
		`sudo -u root /usr/bin/python3 /opt/app/run.py --config /etc/app/config.yaml --verbose`,
		`runas /user:CORP\Administrator /savecred "C:\Users\张伟\Documents\报告.exe"`,
		`net localgroup administrators svc_backup /add`,
		`procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\lsass_20240301.dmp`,
	}
}

func BenchmarkEncode(b *testing.B) {
	tk := loadTrained(b)
	lines := benchLines()
	nBytes := 0
	for _, l := range lines {
		nBytes += len(l)
	}
	b.SetBytes(int64(nBytes / len(lines)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tk.Encode(lines[i%len(lines)], true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

// BenchmarkEncodeUncached measures BPE without the word cache (every word is new).
func BenchmarkEncodeUncached(b *testing.B) {
	tk := loadTrained(b)
	lines := benchLines()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tk.model.cache = newBPECache(defaultCacheCapacity) // cleared, outside the hot loop cost is small
		if _, err := tk.Encode(lines[i%len(lines)], true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}

func BenchmarkEncodeLong(b *testing.B) {
	tk := loadTrained(b)
	line := strings.Repeat(strings.Join(benchLines(), " & "), 10) // ~11 kB
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := tk.Encode(line, false); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSingleSpecials checks the ids-only fast path against PostProcess for every golden tokenizer,
// with truncation and padding off (the golden files check it against Hugging Face for the others).
func TestSingleSpecials(t *testing.T) {
	tests := []struct {
		file         string
		wantPrefix   int
		wantSuffix   int
		wantWrapOnly bool
	}{
		{"trained.tokenizer.json", 1, 1, true},
		{"roberta_gpt2.tokenizer.json.gz", 1, 1, true},
		{"variant_affix.tokenizer.json.gz", 0, 0, true},    // no post-processor
		{"variant_template.tokenizer.json.gz", 1, 2, true}, // a template with two suffix tokens
	}
	texts := []string{"reg save HKLM\\SAM C:\\t\\sam.hiv", "  Set-MpPreference -DisableRealtimeMonitoring $true ",
		"ünïcödé 日本語 <mask> x", "a"}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("testdata/golden", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasSuffix(tc.file, ".gz") {
				raw = readGz(t, filepath.Join("testdata/golden", tc.file))
			}
			tk, err := FromJSON(raw)
			if err != nil {
				t.Fatal(err)
			}
			tk.SetTruncation(nil)
			tk.SetPadding(nil)
			pre, suf, ok := tk.SingleSpecials()
			if ok != tc.wantWrapOnly || len(pre) != tc.wantPrefix || len(suf) != tc.wantSuffix {
				t.Fatalf("SingleSpecials = %v, %v, %v; want %d and %d ids, ok %v", pre, suf, ok, tc.wantPrefix, tc.wantSuffix, tc.wantWrapOnly)
			}
			for _, text := range texts {
				plain, err := tk.Encode(text, false)
				if err != nil {
					t.Fatal(err)
				}
				if got := tk.EncodeIDs(text); !slices.Equal(got, plain.IDs) {
					t.Errorf("EncodeIDs(%q) = %v, Encode %v", text, got, plain.IDs)
				}
				want := tk.PostProcess(plain, true).IDs
				if got := slices.Concat(pre, tk.EncodeIDs(text), suf); !slices.Equal(got, want) {
					t.Errorf("wrapped EncodeIDs(%q) = %v, PostProcess %v", text, got, want)
				}
			}
		})
	}
}
