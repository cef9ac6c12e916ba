package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlatten(t *testing.T) {
	got, cols, err := flatten([][]int64{{0, 5, 2}, {0, 2, 1}})
	if err != nil || cols != 3 || len(got) != 6 || got[4] != 2 {
		t.Errorf("flatten = %v, %d, %v", got, cols, err)
	}
	if _, _, err := flatten([][]int64{{1, 2}, {3}}); err == nil {
		t.Error("ragged rows accepted")
	}
	if _, _, err := flatten(nil); err == nil {
		t.Error("no rows accepted")
	}
}

// TestRejectsBadInputs covers the checks made before ONNX Runtime is loaded.
func TestRejectsBadInputs(t *testing.T) {
	cfg := `{"id2label": {"0": "benign", "1": "T1003.002", "2": "T1562", "3": "T1134"}, "ttpscope": {"temperature": 1.2}}`
	tests := map[string]struct {
		verify, config, lib, want string
	}{
		"no library":     {`{}`, cfg, "", "no ONNX Runtime library"},
		"missing verify": {"", cfg, "/nonexistent.so", "verify.json"},
		"mask mismatch": {`{"input_ids": [[0, 5, 2]], "attention_mask": [[1, 1]], "logits": [[0, 0, 0, 0]]}`,
			cfg, "/nonexistent.so", "attention_mask"},
		"label count": {`{"input_ids": [[0, 5, 2]], "attention_mask": [[1, 1, 1]], "logits": [[0, 0]]}`,
			cfg, "/nonexistent.so", "labels in config.json"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.verify != "" {
				os.WriteFile(filepath.Join(dir, "verify.json"), []byte(tc.verify), 0o644)
			}
			os.WriteFile(filepath.Join(dir, "config.json"), []byte(tc.config), 0o644)
			t.Setenv("ORT_LIBRARY", "")
			var stderr bytes.Buffer
			err := run([]string{"-model", dir, "-ort", tc.lib}, &stderr)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
