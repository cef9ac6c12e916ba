// Command onnxverify runs an exported model directory through ONNX Runtime
// and compares its logits with the torch logits train.py stored in
// verify.json (same inputs), and checks config.json's labels against the
// output width. It exits non-zero on any mismatch.
//
//	go run ./model/cmd/onnxverify -model model/work/out -ort third_party/onnxruntime/libonnxruntime.so.1
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	ort "github.com/yalue/onnxruntime_go"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "onnxverify:", err)
		os.Exit(1)
	}
}

type verifyFile struct {
	InputIDs      [][]int64   `json:"input_ids"`
	AttentionMask [][]int64   `json:"attention_mask"`
	Logits        [][]float64 `json:"logits"`
	Tolerance     float64     `json:"tolerance"`
}

type config struct {
	ID2Label map[string]string `json:"id2label"`
	TTP      struct {
		Temperature float64 `json:"temperature"`
	} `json:"ttpscope"`
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}

func flatten(rows [][]int64) ([]int64, int, error) {
	if len(rows) == 0 {
		return nil, 0, errors.New("no rows")
	}
	t := len(rows[0])
	out := make([]int64, 0, len(rows)*t)
	for i, r := range rows {
		if len(r) != t {
			return nil, 0, fmt.Errorf("row %d has %d columns, want %d", i, len(r), t)
		}
		out = append(out, r...)
	}
	return out, t, nil
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("onnxverify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("model", "model/work/out", "model directory (model.onnx, config.json, verify.json)")
	lib := fs.String("ort", os.Getenv("ORT_LIBRARY"), "path of the ONNX Runtime shared library")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *lib == "" {
		return errors.New("no ONNX Runtime library: set -ort or ORT_LIBRARY")
	}
	var v verifyFile
	if err := readJSON(filepath.Join(*dir, "verify.json"), &v); err != nil {
		return err
	}
	var cfg config
	if err := readJSON(filepath.Join(*dir, "config.json"), &cfg); err != nil {
		return err
	}
	ids, t, err := flatten(v.InputIDs)
	if err != nil {
		return fmt.Errorf("verify.json input_ids: %w", err)
	}
	mask, t2, err := flatten(v.AttentionMask)
	if err != nil || t2 != t || len(mask) != len(ids) {
		return fmt.Errorf("verify.json attention_mask does not match input_ids (%v)", err)
	}
	b := len(v.InputIDs)
	k := len(cfg.ID2Label)
	if len(v.Logits) != b || len(v.Logits[0]) != k {
		return fmt.Errorf("verify.json logits are %dx%d, want %dx%d (labels in config.json)", len(v.Logits), len(v.Logits[0]), b, k)
	}

	ort.SetSharedLibraryPath(*lib)
	if err := ort.InitializeEnvironment(); err != nil {
		return fmt.Errorf("init onnxruntime: %w", err)
	}
	defer ort.DestroyEnvironment()
	sess, err := ort.NewDynamicAdvancedSession(filepath.Join(*dir, "model.onnx"),
		[]string{"input_ids", "attention_mask"}, []string{"logits"}, nil)
	if err != nil {
		return fmt.Errorf("load model: %w", err)
	}
	defer sess.Destroy()
	shape := ort.NewShape(int64(b), int64(t))
	in1, err := ort.NewTensor(shape, ids)
	if err != nil {
		return fmt.Errorf("input tensor: %w", err)
	}
	defer in1.Destroy()
	in2, err := ort.NewTensor(shape, mask)
	if err != nil {
		return fmt.Errorf("mask tensor: %w", err)
	}
	defer in2.Destroy()
	out, err := ort.NewEmptyTensor[float32](ort.NewShape(int64(b), int64(k)))
	if err != nil {
		return fmt.Errorf("output tensor: %w", err)
	}
	defer out.Destroy()
	if err := sess.Run([]ort.Value{in1, in2}, []ort.Value{out}); err != nil {
		return fmt.Errorf("run model: %w", err)
	}
	got := out.GetData()
	tol := v.Tolerance
	if tol == 0 {
		tol = 1e-3
	}
	maxDiff, agree := 0.0, 0
	for i := 0; i < b; i++ {
		bestG, bestW := 0, 0
		for j := 0; j < k; j++ {
			g, w := float64(got[i*k+j]), v.Logits[i][j]
			maxDiff = math.Max(maxDiff, math.Abs(g-w))
			if g > float64(got[i*k+bestG]) {
				bestG = j
			}
			if w > v.Logits[i][bestW] {
				bestW = j
			}
		}
		if bestG == bestW {
			agree++
		}
	}
	fmt.Fprintf(stderr, "onnxverify: %s: %d rows x %d tokens, max |ort - torch| = %.2e (tolerance %.0e), argmax agrees on %d/%d, temperature %.4f, ort %s\n",
		*dir, b, t, maxDiff, tol, agree, b, cfg.TTP.Temperature, ort.GetVersion())
	if maxDiff > tol || agree != b {
		return fmt.Errorf("ONNX Runtime output differs from torch (max diff %.3g)", maxDiff)
	}
	if cfg.TTP.Temperature <= 0 {
		return fmt.Errorf("config.json ttpscope.temperature %v is not positive", cfg.TTP.Temperature)
	}
	return nil
}
