// Command datagen writes ttpscope's labelled training data: train.jsonl,
// val.jsonl, test.jsonl and heldout.jsonl (whole families held out) plus
// stats.json, deterministically for a seed.
//
//	go run ./model/cmd/datagen -seed 1 -n 150000 -out model/work/data
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"time"

	"github.com/ttpscope/ttpscope/model/datagen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "datagen:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("datagen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	seed := fs.Uint64("seed", 1, "random seed")
	n := fs.Int("n", 150000, "total records over all splits")
	out := fs.String("out", "model/work/data", "output directory")
	benign := fs.Float64("benign-frac", 0.55, "share of benign records")
	holdout := fs.Float64("holdout-frac", 0.15, "share of families per class held out whole (0 = none)")
	list := fs.Bool("list", false, "list the families (name, class, platform, shell) and exit")
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	fams := datagen.Registry()
	if err := datagen.Validate(fams); err != nil {
		return err
	}
	if *list {
		for _, f := range fams {
			fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", f.Name, f.Class, f.Platform, f.Shell)
		}
		return nil
	}
	if *holdout == 0 {
		*holdout = -1 // Config treats 0 as "default"; the flag's 0 means none.
	}
	start := time.Now()
	recs, st, err := datagen.GenerateFrom(ctx, fams, datagen.Config{Seed: *seed, N: *n, BenignFrac: *benign, HoldoutFrac: *holdout})
	if err != nil {
		return err
	}
	if err := datagen.Write(*out, recs, st); err != nil {
		return err
	}
	splits := make([]string, 0, len(st.PerSplitClass))
	for sp := range st.PerSplitClass {
		splits = append(splits, sp)
	}
	sort.Strings(splits)
	for _, sp := range splits {
		args := []any{"split", sp}
		for _, l := range datagen.Labels() {
			args = append(args, string(l), st.PerSplitClass[sp][l])
		}
		log.Info("written", args...)
	}
	log.Info("done", "records", len(recs), "families", len(fams), "heldout_families", len(st.HeldoutFamily),
		"saturated", len(st.Saturated), "duplicates_dropped", st.Duplicates, "out", *out, "elapsed", time.Since(start).Round(time.Millisecond))
	return nil
}
