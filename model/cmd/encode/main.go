// Command encode turns datagen's JSONL splits into arrays the training
// script reads with numpy: each text is normalized with shared/normalize and
// tokenized with shared/tokenizer (special tokens added, truncated to
// -max-len). For every split it writes
//
//	<split>_ids.npy       int32 [N, max-len], padded with the pad id
//	<split>_lengths.npy   int32 [N], tokens before padding
//	<split>_labels.npy    int64 [N], class index (see meta.json)
//	<split>_families.txt  the family of each row, one per line
//
// and meta.json. Normalized texts of a later split that also occur in an
// earlier one (train, val, test, heldout order) are dropped, so no
// normalized line is in both train and test.
//
// With -corpus PATH it instead writes the normalized texts of -corpus-splits
// one per line (the BPE trainer's input) and needs no tokenizer.
//
//	go run ./model/cmd/encode -corpus model/work/corpus.txt -in model/work/data
//	go run ./model/cmd/encode -in model/work/data -tokenizer model/work/out/tokenizer.json -out model/work/enc
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/ttpscope/ttpscope/model/datagen"
	"github.com/ttpscope/ttpscope/model/npy"
	"github.com/ttpscope/ttpscope/shared/normalize"
	"github.com/ttpscope/ttpscope/shared/tokenizer"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "encode:", err)
		os.Exit(1)
	}
}

type options struct {
	in, out, tokenizer, corpus string
	splits, corpusSplits       []string
	maxLen                     int
	dedupe                     bool
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("encode", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	var splits, corpusSplits string
	fs.StringVar(&o.in, "in", "model/work/data", "directory holding <split>.jsonl from datagen")
	fs.StringVar(&o.out, "out", "model/work/enc", "output directory for .npy files and meta.json")
	fs.StringVar(&o.tokenizer, "tokenizer", "", "tokenizer.json (required unless -corpus)")
	fs.IntVar(&o.maxLen, "max-len", 128, "maximum sequence length, special tokens included")
	fs.StringVar(&splits, "splits", "train,val,test,heldout", "splits to encode, in dedupe priority order")
	fs.BoolVar(&o.dedupe, "dedupe", true, "drop rows whose normalized text occurs in an earlier split or earlier in the same split")
	fs.StringVar(&o.corpus, "corpus", "", "write normalized texts to this file (one per line) instead of encoding")
	fs.StringVar(&corpusSplits, "corpus-splits", "train", "splits written by -corpus")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.splits = splitList(splits)
	o.corpusSplits = splitList(corpusSplits)
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if o.corpus != "" {
		return writeCorpus(ctx, o, log)
	}
	if o.tokenizer == "" {
		return errors.New("-tokenizer is required")
	}
	if o.maxLen < 3 {
		return fmt.Errorf("-max-len %d is too small", o.maxLen)
	}
	return encodeAll(ctx, o, log)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// readSplit reads <dir>/<split>.jsonl.
func readSplit(dir, split string) ([]datagen.Record, error) {
	p := filepath.Join(dir, split+".jsonl")
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("open split: %w", err)
	}
	defer f.Close()
	var recs []datagen.Record
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		var r datagen.Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", p, line, err)
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", p, err)
	}
	return recs, nil
}

// oneLine normalizes a text for the corpus and the model input.
func oneLine(s string) string {
	t := normalize.Text(s).Text
	if strings.ContainsAny(t, "\r\n") {
		t = strings.Join(strings.Fields(t), " ")
	}
	return t
}

func writeCorpus(ctx context.Context, o options, log *slog.Logger) error {
	if err := os.MkdirAll(filepath.Dir(o.corpus), 0o755); err != nil {
		return fmt.Errorf("create corpus dir: %w", err)
	}
	f, err := os.Create(o.corpus)
	if err != nil {
		return fmt.Errorf("create corpus: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	n := 0
	for _, sp := range o.corpusSplits {
		recs, err := readSplit(o.in, sp)
		if err != nil {
			f.Close()
			return err
		}
		for i, r := range recs {
			if i%4096 == 0 && ctx.Err() != nil {
				f.Close()
				return ctx.Err()
			}
			w.WriteString(oneLine(r.Text))
			w.WriteByte('\n')
			n++
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write corpus: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("close corpus: %w", err)
	}
	log.Info("corpus written", "path", o.corpus, "lines", n, "splits", strings.Join(o.corpusSplits, ","))
	return nil
}

// splitMeta summarizes one encoded split in meta.json.
type splitMeta struct {
	Rows          int            `json:"rows"`
	Dropped       int            `json:"dropped_duplicates"`
	Conflicts     int            `json:"label_conflicts"`
	Truncated     int            `json:"truncated"`
	MeanLength    float64        `json:"mean_length"`
	PerLabel      map[string]int `json:"per_label"`
	TransformRows map[string]int `json:"transform_rows"`
}

type meta struct {
	Labels     []string             `json:"labels"`
	MaxLen     int                  `json:"max_len"`
	PadID      int32                `json:"pad_id"`
	BosID      int32                `json:"bos_id"`
	EosID      int32                `json:"eos_id"`
	VocabSize  int                  `json:"vocab_size"`
	Tokenizer  string               `json:"tokenizer"`
	Splits     map[string]splitMeta `json:"splits"`
	SplitOrder []string             `json:"split_order"`
}

func encodeAll(ctx context.Context, o options, log *slog.Logger) error {
	tok, err := tokenizer.FromFile(o.tokenizer)
	if err != nil {
		return err
	}
	tok.SetTruncation(&tokenizer.Truncation{MaxLength: o.maxLen})
	tok.SetPadding(nil)
	ids := map[string]int32{}
	for _, name := range []string{"<pad>", "<s>", "</s>"} {
		id, ok := tok.TokenToID(name)
		if !ok {
			return fmt.Errorf("tokenizer %s has no %s token", o.tokenizer, name)
		}
		ids[name] = id
	}
	labelIdx := map[datagen.Label]int64{}
	m := meta{MaxLen: o.maxLen, PadID: ids["<pad>"], BosID: ids["<s>"], EosID: ids["</s>"],
		VocabSize: int(tok.MaxID()) + 1, Tokenizer: o.tokenizer, Splits: map[string]splitMeta{}, SplitOrder: o.splits}
	for i, l := range datagen.Labels() {
		labelIdx[l] = int64(i)
		m.Labels = append(m.Labels, string(l))
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", o.out, err)
	}
	seen := map[string]datagen.Label{}
	for _, sp := range o.splits {
		start := time.Now()
		recs, err := readSplit(o.in, sp)
		if err != nil {
			return err
		}
		sm := splitMeta{PerLabel: map[string]int{}, TransformRows: map[string]int{}}
		var texts []string
		var kept []datagen.Record
		for _, r := range recs {
			if _, ok := labelIdx[r.Label]; !ok {
				return fmt.Errorf("%s: unknown label %q", sp, r.Label)
			}
			res := normalize.Text(r.Text)
			for _, tr := range res.Transforms {
				sm.TransformRows[tr]++
			}
			t := res.Text
			if prev, dup := seen[t]; dup && o.dedupe {
				sm.Dropped++
				if prev != r.Label {
					sm.Conflicts++
				}
				continue
			}
			seen[t] = r.Label
			texts = append(texts, t)
			kept = append(kept, r)
		}
		n, L := len(kept), o.maxLen
		idArr := make([]int32, n*L)
		lengths := make([]int32, n)
		labels := make([]int64, n)
		total := 0
		const chunk = 2048
		for lo := 0; lo < n; lo += chunk {
			if err := ctx.Err(); err != nil {
				return err
			}
			hi := min(lo+chunk, n)
			encs, err := tok.EncodeBatch(texts[lo:hi], true)
			if err != nil {
				return fmt.Errorf("%s: %w", sp, err)
			}
			for j, e := range encs {
				i := lo + j
				if len(e.Overflowing) > 0 {
					sm.Truncated++
				}
				row := idArr[i*L : (i+1)*L]
				c := copy(row, e.IDs)
				for k := c; k < L; k++ {
					row[k] = m.PadID
				}
				lengths[i] = int32(c)
				total += c
				labels[i] = labelIdx[kept[i].Label]
				sm.PerLabel[string(kept[i].Label)]++
			}
		}
		sm.Rows = n
		if n > 0 {
			sm.MeanLength = float64(total) / float64(n)
		}
		base := filepath.Join(o.out, sp)
		if err := npy.WriteInt32(base+"_ids.npy", idArr, n, L); err != nil {
			return err
		}
		if err := npy.WriteInt32(base+"_lengths.npy", lengths, n); err != nil {
			return err
		}
		if err := npy.WriteInt64(base+"_labels.npy", labels, n); err != nil {
			return err
		}
		var fam strings.Builder
		for _, r := range kept {
			fam.WriteString(r.Family)
			fam.WriteByte('\n')
		}
		if err := os.WriteFile(base+"_families.txt", []byte(fam.String()), 0o644); err != nil {
			return fmt.Errorf("write families: %w", err)
		}
		m.Splits[sp] = sm
		log.Info("encoded", "split", sp, "rows", n, "dropped", sm.Dropped, "conflicts", sm.Conflicts,
			"truncated", sm.Truncated, "mean_len", fmt.Sprintf("%.1f", sm.MeanLength), "elapsed", time.Since(start).Round(time.Millisecond))
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode meta: %w", err)
	}
	if err := os.WriteFile(filepath.Join(o.out, "meta.json"), append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write meta.json: %w", err)
	}
	return nil
}
