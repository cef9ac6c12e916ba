package classifier

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ttpscope/ttpscope/shared/ortenv"
)

func TestInfo(t *testing.T) {
	tests := []struct {
		dir  string
		want Info
	}{
		{tinyDir, Info{
			Name: "tiny-test", Version: "0.0.1-test",
			Labels:  []string{"LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3"},
			Classes: []string{"benign", "T1003.002", "T1562", "T1134"}, Temperature: 1,
			ModelMaxTokens: 64, MaxTokens: 64, WindowTokens: 62, Stride: 31, MaxWindows: 16, BatchSize: DefaultBatchSize,
			InputNames: []string{"input_ids", "attention_mask"}, OutputName: "logits", PadID: 1,
		}},
		{tinyTTDir, Info{
			Name: "ttpscope/tiny_tt", Version: "",
			Labels:  []string{"benign", "T1003.002", "T1562", "T1134"},
			Classes: []string{"benign", "T1003.002", "T1562", "T1134"}, Temperature: 1,
			ModelMaxTokens: 64, MaxTokens: 64, WindowTokens: 62, Stride: 31, MaxWindows: 16, BatchSize: DefaultBatchSize,
			InputNames: []string{"input_ids", "attention_mask", "token_type_ids"}, OutputName: "logits", PadID: 1,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			c := newClassifier(t, Options{ModelDir: tc.dir})
			got := c.Info()
			abs, _ := filepath.Abs(tc.dir)
			if got.Source != abs {
				t.Errorf("Source = %q, want %q", got.Source, abs)
			}
			if !strings.HasSuffix(got.ORTLibrary, ortenv.LibraryName) || !strings.HasPrefix(got.ORTVersion, "1.") {
				t.Errorf("ORT library %q version %q", got.ORTLibrary, got.ORTVersion)
			}
			got.Source, got.ORTLibrary, got.ORTVersion = "", "", ""
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Info() =\n%+v\nwant\n%+v", got, tc.want)
			}
			if !reflect.DeepEqual(c.Classes(), tc.want.Classes) {
				t.Errorf("Classes() = %q", c.Classes())
			}
			// The returned slices are copies.
			c.Classes()[0] = "x"
			c.Info().Labels[0] = "x"
			if c.Classes()[0] != "benign" || c.Info().Labels[0] == "x" {
				t.Error("Classes/Info expose internal slices")
			}
		})
	}
}

func TestOptions(t *testing.T) {
	c := newClassifier(t, Options{ModelDir: tinyDir, MaxTokens: 16, Stride: 5, MaxWindows: 3, BatchSize: 7,
		IntraOpThreads: 2, InterOpThreads: 2})
	info := c.Info()
	if info.MaxTokens != 16 || info.WindowTokens != 14 || info.Stride != 5 || info.MaxWindows != 3 || info.BatchSize != 7 {
		t.Fatalf("Info = %+v", info)
	}
	c2 := newClassifier(t, Options{ModelDir: tinyDir, MaxTokens: 3})
	if c2.Info().WindowTokens != 1 || c2.Info().Stride != 1 {
		t.Fatalf("MaxTokens 3: window %d stride %d, want 1 and 1", c2.Info().WindowTokens, c2.Info().Stride)
	}
}

func TestLoadErrors(t *testing.T) {
	tinyAbs, err := filepath.Abs(tinyDir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := func(edit func(m map[string]any)) map[string][]byte {
		return map[string][]byte{ConfigFile: editConfig(t, tinyDir, edit)}
	}
	graph := func(name string) map[string][]byte {
		return map[string][]byte{ModelFile: readFile(t, filepath.Join(graphsDir, name))}
	}
	ttpscope := func(m map[string]any) map[string]any { return m["ttpscope"].(map[string]any) }

	tests := []struct {
		name  string
		edits map[string][]byte // applied to a copy of testdata/tiny; nil entry deletes
		opts  Options           // ModelDir filled in when empty
		want  []string          // substrings of the error; "$DIR" is the model directory
		is    error
	}{
		{name: "no source", opts: Options{ModelDir: "-"}, want: []string{"no model: set Options.ModelDir or Options.FS"}},
		{name: "dir missing", opts: Options{ModelDir: "testdata/nope"},
			want: []string{"model directory " + filepath.Join(filepath.Dir(tinyAbs), "nope"), "no such file"}},
		{name: "dir is a file", opts: Options{ModelDir: filepath.Join(tinyDir, ConfigFile)},
			want: []string{filepath.Join(tinyAbs, ConfigFile) + ": not a directory"}},
		{name: "missing model", edits: map[string][]byte{ModelFile: nil},
			want: []string{"model directory $DIR: missing model.onnx (need"}, is: ErrMissingFiles},
		{name: "missing all", edits: map[string][]byte{ModelFile: nil, TokenizerFile: nil, ConfigFile: nil},
			want: []string{"missing config.json, model.onnx, tokenizer.json"}, is: ErrMissingFiles},
		{name: "config not JSON", edits: map[string][]byte{ConfigFile: []byte("{")},
			want: []string{"$DIR/config.json: invalid JSON"}},
		{name: "no id2label", edits: cfg(func(m map[string]any) { delete(m, "id2label"); delete(m, "label2id") }),
			want: []string{"$DIR/config.json: id2label: missing or empty"}},
		{name: "id2label bad key", edits: cfg(func(m map[string]any) {
			m["id2label"] = map[string]any{"0": "benign", "x": "T1562"}
			delete(m, "label2id")
		}), want: []string{`config.json: id2label: key "x" is not an index in 0..1`}},
		{name: "label2id disagrees", edits: cfg(func(m map[string]any) {
			m["label2id"] = map[string]any{"LABEL_0": 1, "LABEL_1": 0, "LABEL_2": 2, "LABEL_3": 3}
		}), want: []string{`config.json: label2id: "LABEL_`, "disagrees with id2label"}},
		{name: "unknown labels without map", edits: cfg(func(m map[string]any) { delete(m, "ttpscope") }),
			want: []string{`config.json: id2label: labels "LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3" are not ttpscope classes`,
				`"label_map"`}},
		{name: "label map misses a label", edits: cfg(func(m map[string]any) {
			delete(ttpscope(m)["label_map"].(map[string]any), "LABEL_2")
		}), want: []string{`config.json: ttpscope.label_map: labels "LABEL_2" are not ttpscope classes`}},
		{name: "label map to unknown class", edits: cfg(func(m map[string]any) {
			ttpscope(m)["label_map"].(map[string]any)["LABEL_3"] = "T9999"
		}), want: []string{`config.json: ttpscope.label_map: "LABEL_3" maps to "T9999"`}},
		{name: "label map stray key", edits: cfg(func(m map[string]any) {
			ttpscope(m)["label_map"].(map[string]any)["LABEL_9"] = "benign"
		}), want: []string{`config.json: ttpscope.label_map: key "LABEL_9" is not a label in id2label`}},
		{name: "duplicate class", edits: cfg(func(m map[string]any) {
			ttpscope(m)["label_map"].(map[string]any)["LABEL_3"] = "t1562"
		}), want: []string{`config.json: labels "LABEL_2" and "LABEL_3" both map to class "T1562"`}},
		{name: "no benign", edits: cfg(func(m map[string]any) {
			ttpscope(m)["label_map"].(map[string]any)["LABEL_0"] = "T1134"
			delete(ttpscope(m)["label_map"].(map[string]any), "LABEL_3")
			m["id2label"] = map[string]any{"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}
			delete(m, "label2id")
		}), want: []string{`config.json: no label maps to class "benign"`}},
		{name: "bad temperature", edits: cfg(func(m map[string]any) { ttpscope(m)["temperature"] = 0 }),
			want: []string{"config.json: ttpscope.temperature: 0 is not a positive finite number"}},
		{name: "no max positions", edits: cfg(func(m map[string]any) { delete(m, "max_position_embeddings") }),
			want: []string{"config.json: max_position_embeddings: missing"}},
		{name: "wrong number of labels", edits: cfg(func(m map[string]any) {
			m["id2label"] = map[string]any{"0": "benign", "1": "T1562", "2": "T1134"}
			delete(m, "label2id")
			delete(m, "ttpscope")
		}), want: []string{`$DIR/model.onnx: output "logits" has 4 labels`, "config.json has 3 in id2label"}},
		{name: "no attention_mask input", edits: graph("no_mask.onnx"),
			want: []string{"$DIR/model.onnx: missing input attention_mask (model inputs: input_ids)"}},
		{name: "extra input", edits: graph("extra_input.onnx"),
			want: []string{`$DIR/model.onnx: unsupported input "position_ids"`}},
		{name: "int32 input", edits: graph("int32.onnx"),
			want: []string{`$DIR/model.onnx: input "input_ids" is`, "want an int64 tensor [batch, sequence]"}},
		{name: "rank-3 logits", edits: graph("rank3.onnx"),
			want: []string{`$DIR/model.onnx: output "logits" is`, "want a float32 tensor [batch, labels]"}},
		{name: "corrupt model", edits: map[string][]byte{ModelFile: []byte("not an onnx file")},
			want: []string{"load $DIR/model.onnx:"}},
		{name: "tokenizer not JSON", edits: map[string][]byte{TokenizerFile: []byte("[")},
			want: []string{"$DIR/tokenizer.json: invalid JSON"}},
		{name: "MaxTokens too large", opts: Options{MaxTokens: 65},
			want: []string{"Options.MaxTokens 65 exceeds the model's limit 64 ($DIR/config.json)"}},
		{name: "tokenizer_config lowers the limit", edits: map[string][]byte{
			TokenizerConfigFile: []byte(`{"model_max_length": 32}`)}, opts: Options{MaxTokens: 33},
			want: []string{"Options.MaxTokens 33 exceeds the model's limit 32"}},
		{name: "stride too large", opts: Options{Stride: 63},
			want: []string{"Options.Stride 63 exceeds the 62 text tokens per window"}},
		{name: "window too small", opts: Options{MaxTokens: 2},
			want: []string{"window of 2 tokens leaves no room for text after 2 special tokens"}},
		{name: "negative batch", opts: Options{BatchSize: -1}, want: []string{"classifier options: BatchSize is -1, must not be negative"}},
		{name: "bad ORT library", opts: Options{ORTLibrary: "/nonexistent/" + ortenv.LibraryName},
			want: []string{"/nonexistent/" + ortenv.LibraryName, "make ort"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			dir := tinyAbs
			switch {
			case opts.ModelDir == "-":
				opts.ModelDir = ""
			case opts.ModelDir != "":
			case tc.edits != nil:
				dir = copyModel(t, tinyDir, tc.edits)
				opts.ModelDir = dir
			default:
				opts.ModelDir = tinyDir
			}
			c, err := New(context.Background(), opts)
			if err == nil {
				c.Close()
				t.Fatal("New succeeded")
			}
			for _, w := range tc.want {
				w = strings.ReplaceAll(w, "$DIR", dir)
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if _, _, held := ortenv.Loaded(); held {
				t.Error("failed New left an ORT environment reference behind")
			}
		})
	}
}

func TestLoadFS(t *testing.T) {
	ctx := context.Background()
	fromDir := newClassifier(t, Options{ModelDir: tinyDir})
	fromFS := newClassifier(t, Options{FS: os.DirFS(tinyDir)})
	if got := fromFS.Info().Source; got != "fs" {
		t.Errorf("Source = %q, want fs", got)
	}
	texts := syntheticLines(20, 7)
	a, err := fromDir.Classify(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fromFS.Classify(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			t.Fatalf("text %d: dir %+v, fs %+v", i, a[i], b[i])
		}
	}
	// ModelDir wins over FS.
	both := newClassifier(t, Options{ModelDir: tinyTTDir, FS: os.DirFS(tinyDir)})
	if both.Info().Name != "ttpscope/tiny_tt" {
		t.Errorf("ModelDir+FS loaded %q", both.Info().Name)
	}

	bad := fstest.MapFS{
		ConfigFile:    {Data: readFile(t, filepath.Join(tinyDir, ConfigFile))},
		TokenizerFile: {Data: readFile(t, filepath.Join(tinyDir, TokenizerFile))},
	}
	_, err = New(ctx, Options{FS: bad})
	if err == nil || !errors.Is(err, ErrMissingFiles) || !strings.Contains(err.Error(), "model directory fs: missing model.onnx") {
		t.Fatalf("New(FS without model.onnx) = %v", err)
	}
	bad[ModelFile] = &fstest.MapFile{Data: readFile(t, filepath.Join(graphsDir, "no_mask.onnx"))}
	_, err = New(ctx, Options{FS: bad})
	if err == nil || !strings.Contains(err.Error(), "fs:model.onnx: missing input attention_mask") {
		t.Fatalf("New(FS with bad graph) = %v", err)
	}
}

func TestLoadCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := New(ctx, Options{ModelDir: tinyDir}); !errors.Is(err, context.Canceled) {
		t.Fatalf("New(cancelled ctx) = %v", err)
	}
}

func TestChoosePadID(t *testing.T) {
	p := func(v int) *int { return &v }
	tests := []struct {
		name      string
		padding   *int
		tok       int32
		hasTok    bool
		config    *int
		want      int64
		wantFound bool
	}{
		{"padding wins", p(7), 1, true, p(3), 7, true},
		{"pad token next", nil, 1, true, p(3), 1, true},
		{"config last", nil, 0, false, p(3), 3, true},
		{"none", nil, 0, false, nil, 0, false},
	}
	for _, tc := range tests {
		got, ok := choosePadID(tc.padding, tc.tok, tc.hasTok, tc.config)
		if got != tc.want || ok != tc.wantFound {
			t.Errorf("%s: got (%d, %v), want (%d, %v)", tc.name, got, ok, tc.want, tc.wantFound)
		}
	}
}
