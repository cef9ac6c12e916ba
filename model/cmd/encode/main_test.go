package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ttpscope/ttpscope/model/datagen"
	"github.com/ttpscope/ttpscope/model/npy"
	"github.com/ttpscope/ttpscope/shared/normalize"
	"github.com/ttpscope/ttpscope/shared/tokenizer"
)

func writeSplit(t *testing.T, dir, split string, recs []datagen.Record) {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		r.Split = split
		line, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, split+".jsonl"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// fixture writes four small splits; val repeats a train text (up to case and
// carets, which normalization removes) that must be dropped.
func fixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeSplit(t, dir, "train", []datagen.Record{
		{Text: `reg save HKLM\SAM C:\temp\sam`, Label: datagen.T1003, Family: "cred/a"},
		{Text: "git status", Label: datagen.Benign, Family: "benign/git"},
		{Text: "Set-MpPreference -DisableRealtimeMonitoring $true", Label: datagen.T1562, Family: "impair/a"},
		{Text: "PrintSpoofer64.exe -i -c cmd " + strings.Repeat("x ", 200), Label: datagen.T1134, Family: "token/a"},
	})
	writeSplit(t, dir, "val", []datagen.Record{
		{Text: `R^EG SAVE hklm\sam C:\temp\sam`, Label: datagen.T1003, Family: "cred/a"},
		{Text: "ls -la /tmp", Label: datagen.Benign, Family: "benign/ls"},
	})
	writeSplit(t, dir, "test", []datagen.Record{{Text: "ufw disable", Label: datagen.T1562, Family: "impair/b"}})
	writeSplit(t, dir, "heldout", []datagen.Record{{Text: "sc stop spooler", Label: datagen.Benign, Family: "benign/sc"}})
	return dir
}

func trainTokenizer(t *testing.T, dir string) string {
	t.Helper()
	texts := []string{"reg save hklm\\sam c:\\temp\\sam", "git status", "set-mppreference -disablerealtimemonitoring $true", "ls -la /tmp"}
	b, err := tokenizer.Train(slices.Values(texts), tokenizer.TrainOptions{VocabSize: 600, MinFrequency: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "tokenizer.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCorpus(t *testing.T) {
	dir := fixture(t)
	out := filepath.Join(dir, "corpus.txt")
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-in", dir, "-corpus", out, "-corpus-splits", "train,val"}, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 6 {
		t.Fatalf("corpus has %d lines, want 6: %q", len(lines), lines)
	}
	if lines[0] != normalize.Text(`reg save HKLM\SAM C:\temp\sam`).Text || lines[4] != lines[0] {
		t.Errorf("corpus lines not normalized: %q", lines)
	}
}

func TestEncode(t *testing.T) {
	dir := fixture(t)
	tok := trainTokenizer(t, dir)
	out := filepath.Join(dir, "enc")
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-in", dir, "-tokenizer", tok, "-out", out, "-max-len", "16"}, &stderr); err != nil {
		t.Fatal(err, stderr.String())
	}
	var m meta
	b, err := os.ReadFile(filepath.Join(out, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m.PadID != 1 || m.BosID != 0 || m.EosID != 2 || m.MaxLen != 16 || !slices.Equal(m.Labels, []string{"benign", "T1003.002", "T1562", "T1134"}) {
		t.Errorf("meta = %+v", m)
	}
	if m.Splits["val"].Rows != 1 || m.Splits["val"].Dropped != 1 {
		t.Errorf("val: %+v, want 1 row and 1 dropped duplicate", m.Splits["val"])
	}
	if m.Splits["train"].Truncated != 1 {
		t.Errorf("train truncated = %d, want 1", m.Splits["train"].Truncated)
	}
	ids, h, err := npy.ReadInt32(filepath.Join(out, "train_ids.npy"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(h.Shape, []int{4, 16}) {
		t.Fatalf("train ids shape %v", h.Shape)
	}
	lengths, _, err := npy.ReadInt32(filepath.Join(out, "train_lengths.npy"))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lengths {
		row := ids[i*16 : (i+1)*16]
		if row[0] != 0 || row[l-1] != 2 {
			t.Errorf("row %d does not start with <s> and end with </s>: %v (len %d)", i, row, l)
		}
		for _, id := range row[l:] {
			if id != 1 {
				t.Errorf("row %d padded with %d: %v", i, id, row)
			}
		}
	}
	if lengths[3] != 16 {
		t.Errorf("long row length %d, want 16 (truncated)", lengths[3])
	}
	raw, err := os.ReadFile(filepath.Join(out, "train_labels.npy"))
	if err != nil {
		t.Fatal(err)
	}
	hdr, n, err := npy.ReadHeader(bytes.NewReader(raw))
	if err != nil || hdr.Descr != "<i8" {
		t.Fatalf("labels header %+v %v", hdr, err)
	}
	want := []byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0}
	if !bytes.Equal(raw[n:], want) {
		t.Errorf("labels bytes %v, want %v", raw[n:], want)
	}
	fams, err := os.ReadFile(filepath.Join(out, "val_families.txt"))
	if err != nil || string(fams) != "benign/ls\n" {
		t.Errorf("val families %q %v", fams, err)
	}
}

func TestEncodeErrors(t *testing.T) {
	dir := fixture(t)
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"-in", dir}, &stderr); err == nil {
		t.Error("no -tokenizer accepted")
	}
	writeSplit(t, dir, "test", []datagen.Record{{Text: "x", Label: "T9999", Family: "f"}})
	tok := trainTokenizer(t, dir)
	if err := run(context.Background(), []string{"-in", dir, "-tokenizer", tok, "-out", filepath.Join(dir, "o")}, &stderr); err == nil {
		t.Error("unknown label accepted")
	}
	if err := run(context.Background(), []string{"-in", filepath.Join(dir, "missing"), "-corpus", filepath.Join(dir, "c.txt")}, &stderr); err == nil {
		t.Error("missing input accepted")
	}
}
