package classifier

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		json    string
		want    *modelConfig
		wantErr string
	}{
		{name: "direct labels, bert-style length",
			json: `{"name":"m","version":"2","model_type":"bert","max_position_embeddings":512,
				"id2label":{"0":"Benign","1":"t1003.002","2":"T1562","3":"T1134"},"pad_token_id":0}`,
			want: &modelConfig{Name: "m", Version: "2", Labels: []string{"Benign", "t1003.002", "T1562", "T1134"},
				Classes: []string{"benign", "T1003.002", "T1562", "T1134"}, BenignIndex: 0, Temperature: 1,
				MaxTokens: 512, PadTokenID: ptr(0)}},
		{name: "roberta offset, numeric version, label order differs",
			json: `{"_name_or_path":"distilroberta-base","version":3,"model_type":"roberta","max_position_embeddings":514,
				"pad_token_id":1,"id2label":{"1":"benign","0":"T1134"}}`,
			want: &modelConfig{Name: "distilroberta-base", Version: "3", Labels: []string{"T1134", "benign"},
				Classes: []string{"T1134", "benign"}, BenignIndex: 1, Temperature: 1, MaxTokens: 512, PadTokenID: ptr(1)}},
		{name: "ttpscope block overrides",
			json: `{"name":"x","version":"1","model_type":"roberta","max_position_embeddings":514,
				"id2label":{"0":"LABEL_0","1":"LABEL_1"},"label2id":{"LABEL_0":0,"LABEL_1":1},
				"ttpscope":{"label_map":{"LABEL_0":"T1562","LABEL_1":"benign"},"temperature":1.5,"name":"n","version":"v","max_tokens":128}}`,
			want: &modelConfig{Name: "n", Version: "v", Labels: []string{"LABEL_0", "LABEL_1"},
				Classes: []string{"T1562", "benign"}, BenignIndex: 1, Temperature: 1.5, MaxTokens: 128}},
		{name: "not an object", json: `[]`, wantErr: "f.json: invalid JSON"},
		{name: "empty label", json: `{"max_position_embeddings":8,"id2label":{"0":""}}`, wantErr: "f.json: id2label: label 0 is empty"},
		{name: "index out of range", json: `{"max_position_embeddings":8,"id2label":{"0":"benign","2":"T1562"}}`,
			wantErr: `f.json: id2label: key "2" is not an index in 0..1`},
		{name: "label2id short", json: `{"max_position_embeddings":8,"id2label":{"0":"benign","1":"T1562"},"label2id":{"benign":0}}`,
			wantErr: "f.json: label2id: 1 entries, id2label has 2"},
		{name: "unknown label", json: `{"max_position_embeddings":8,"id2label":{"0":"benign","1":"malware"}}`,
			wantErr: `f.json: id2label: labels "malware" are not ttpscope classes ["benign" "T1003.002" "T1562" "T1134"]`},
		{name: "negative max_tokens", json: `{"id2label":{"0":"benign"},"ttpscope":{"max_tokens":-1}}`,
			wantErr: "f.json: ttpscope.max_tokens: -1 is negative"},
		{name: "roberta too short", json: `{"model_type":"roberta","max_position_embeddings":2,"id2label":{"0":"benign"}}`,
			wantErr: `f.json: max_position_embeddings: 2 leaves no usable tokens (model_type "roberta")`},
		{name: "temperature negative", json: `{"max_position_embeddings":8,"id2label":{"0":"benign"},"ttpscope":{"temperature":-2}}`,
			wantErr: "f.json: ttpscope.temperature: -2 is not a positive finite number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseConfig([]byte(tc.json), "f.json")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestParseTokenizerSettings(t *testing.T) {
	s, err := parseTokenizerSettings([]byte(`{"padding":{"pad_id":5}}`), "t.json")
	if err != nil || s.PadID == nil || *s.PadID != 5 {
		t.Fatalf("padding set: %+v, %v", s, err)
	}
	s, err = parseTokenizerSettings([]byte(`{"padding":null}`), "t.json")
	if err != nil || s.PadID != nil {
		t.Fatalf("padding null: %+v, %v", s, err)
	}
	if _, err := parseTokenizerSettings([]byte(`{`), "t.json"); err == nil || !strings.Contains(err.Error(), "t.json: invalid JSON") {
		t.Fatalf("bad JSON: %v", err)
	}
	for in, want := range map[string]int{`{"model_max_length":512}`: 512, `{"model_max_length":1e30}`: 0, `{}`: 0} {
		if got, err := parseTokenizerConfig([]byte(in), "tc.json"); err != nil || got != want {
			t.Errorf("parseTokenizerConfig(%s) = %d, %v; want %d", in, got, err, want)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, dir := range []string{tinyDir, tinyTTDir} {
		data, err := os.ReadFile(filepath.Join(dir, ConfigFile))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"id2label":{"0":"benign","1":"T1562"},"max_position_embeddings":3,"model_type":"roberta"}`))
	f.Add([]byte(`{"id2label":{"0":"a"},"ttpscope":{"label_map":{"a":"benign"},"temperature":1e308}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := parseConfig(data, "config.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config.json: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if len(cfg.Labels) == 0 || len(cfg.Classes) != len(cfg.Labels) {
			t.Fatalf("labels %q classes %q", cfg.Labels, cfg.Classes)
		}
		if cfg.Classes[cfg.BenignIndex] != ClassBenign {
			t.Fatalf("benign index %d -> %q", cfg.BenignIndex, cfg.Classes[cfg.BenignIndex])
		}
		seen := map[string]bool{}
		for _, c := range cfg.Classes {
			if _, ok := canonicalClass(c); !ok || seen[c] {
				t.Fatalf("class %q unknown or duplicated in %q", c, cfg.Classes)
			}
			seen[c] = true
		}
		if cfg.MaxTokens <= 0 || !(cfg.Temperature > 0) {
			t.Fatalf("max tokens %d temperature %v", cfg.MaxTokens, cfg.Temperature)
		}
	})
}
