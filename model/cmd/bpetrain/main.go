// Command bpetrain trains the project's byte-level BPE tokenizer and writes a RoBERTa-style
// tokenizer.json (see package shared/tokenizer).
//
//	go run ./model/cmd/bpetrain -in corpus.txt -vocab 8000 -out tokenizer.json
//	go run ./model/cmd/bpetrain -in data.jsonl -jsonl -field text -out tokenizer.json
//
// The input holds one text per line (or one JSON object per line with -jsonl), already normalized.
// "-" reads standard input.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"os"
	"os/signal"
	"strings"

	"github.com/ttpscope/ttpscope/shared/tokenizer"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "bpetrain:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("bpetrain", flag.ContinueOnError)
	in := fs.String("in", "", "input file, one text per line (\"-\" for stdin)")
	out := fs.String("out", "tokenizer.json", "output tokenizer.json")
	vocab := fs.Int("vocab", 8000, "vocabulary size (special tokens and 256 byte symbols included)")
	minFreq := fs.Int("min-frequency", 2, "minimum pair count to merge")
	maxLen := fs.Int("max-token-length", 0, "maximum merged token length in bytes (0: no limit)")
	jsonl := fs.Bool("jsonl", false, "input is JSONL; the text is in -field")
	field := fs.String("field", "text", "JSONL field holding the text")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" {
		return errors.New("-in is required")
	}
	var r io.Reader = os.Stdin
	if *in != "-" {
		f, err := os.Open(*in)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	var readErr error
	texts := readTexts(r, *jsonl, *field, &readErr)
	data, err := tokenizer.TrainContext(ctx, texts, tokenizer.TrainOptions{
		VocabSize: *vocab, MinFrequency: *minFreq, MaxTokenLength: *maxLen, Logger: log,
	})
	if readErr != nil {
		return fmt.Errorf("read %s: %w", *in, readErr)
	}
	if err != nil {
		return err
	}
	// Check that the result loads.
	if _, err := tokenizer.FromJSON(data); err != nil {
		return fmt.Errorf("trained tokenizer does not load: %w", err)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		return err
	}
	log.Info("wrote tokenizer", "path", *out, "bytes", len(data))
	return nil
}

// readTexts yields the texts of r; a read or parse error stops the sequence and is stored in *errp.
func readTexts(r io.Reader, jsonl bool, field string, errp *error) iter.Seq[string] {
	return func(yield func(string) bool) {
		br := bufio.NewReaderSize(r, 1<<20)
		for lineNo := 1; ; lineNo++ {
			line, err := br.ReadString('\n')
			if len(line) > 0 {
				line = strings.TrimRight(line, "\r\n")
				text := line
				if jsonl {
					if strings.TrimSpace(line) == "" {
						continue
					}
					var obj map[string]json.RawMessage
					if err := json.Unmarshal([]byte(line), &obj); err != nil {
						*errp = fmt.Errorf("line %d: %w", lineNo, err)
						return
					}
					raw, ok := obj[field]
					if !ok {
						*errp = fmt.Errorf("line %d: no field %q", lineNo, field)
						return
					}
					if err := json.Unmarshal(raw, &text); err != nil {
						*errp = fmt.Errorf("line %d: field %q: %w", lineNo, field, err)
						return
					}
				}
				if !yield(text) {
					return
				}
			}
			if err == io.EOF {
				return
			}
			if err != nil {
				*errp = err
				return
			}
		}
	}
}
