package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/shared/record"
	"github.com/ttpscope/ttpscope/shared/schema"
)

type classifyFlags struct {
	model        modelFlags
	format       string
	maxLineBytes int
	chunk        int
	quiet        bool
}

func newClassifyCmd() *cobra.Command {
	var f classifyFlags
	cmd := &cobra.Command{
		Use:   "classify [FILE...]",
		Short: "Classify NDJSON or plain-text log lines and print them annotated as NDJSON",
		Long: `classify reads records from the files given (or standard input, also as "-"), classifies each, and
writes every record to standard output as one JSON object per line, annotated under --result-key:

  {"process":{"command_line":"reg save hklm\\sam c:\\t\\s"},
   "ttpscope":{"class":"T1003.002","score":0.99,"malicious_score":0.99,"probabilities":{…},
               "model":"ttpscope-tiny@…","source_field":"process.command_line","status":"ok"},
   "threat":{"framework":"MITRE ATT&CK","technique":{…},"tactic":{…}}}

Input is NDJSON (one JSON object per line) or plain text (one command line per line, wrapped as
{"message": line}); --format auto decides per input from its first non-blank line. A summary (records per
class, alerts, records/s) goes to standard error.

No record is lost: a record without a text field is written with status "skipped"; a line that is not valid
JSON is written as {"message": <the raw line>} with status "error", reported on standard error with its file
and line number, and the exit status is then 3.`,
		Example: `  elastic-ingest classify examples/logs/*.ndjson
  echo 'reg save hklm\sam c:\t\s' | elastic-ingest classify
  elastic-ingest classify --fields process.command_line,message --alert-threshold 0.8 events.ndjson`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			return runClassify(cmd.Context(), f, args, cmd.InOrStdin(), cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	f.model.register(cmd.Flags())
	cmd.Flags().StringVar(&f.format, "format", "auto", "input format: auto, ndjson or text")
	cmd.Flags().IntVar(&f.maxLineBytes, "max-line-bytes", record.DefaultMaxLineBytes, "longest input line accepted; a longer one is reported and passed through truncated")
	cmd.Flags().IntVar(&f.chunk, "chunk", 512, "records handed to one worker at a time")
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "no summary on standard error")
	return cmd
}

// chunk is a run of consecutive input records, numbered so the writer can restore input order.
type chunk struct {
	seq  int
	recs []map[string]any // every record, for output
	todo []map[string]any // the ones to classify (the rest are annotated already)
}

// classifySummary counts what a classify run did.
type classifySummary struct {
	unreadable int
	started    time.Time
}

func runClassify(ctx context.Context, f classifyFlags, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	format, err := record.ParseFormat(f.format)
	if err != nil {
		return &usageError{fmt.Errorf("--format: %w", err)}
	}
	if f.chunk < 1 {
		return &usageError{fmt.Errorf("--chunk %d: must be at least 1", f.chunk)}
	}
	if len(args) == 0 {
		args = []string{"-"}
	}
	for _, a := range args { // fail before loading the model when an input cannot be opened
		if a == "-" {
			continue
		}
		if _, err := os.Stat(a); err != nil {
			return &usageError{err}
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	clf, enr, err := f.model.load(ctx, log)
	if err != nil {
		return err
	}
	defer clf.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	sum := classifySummary{started: time.Now()}

	work := make(chan chunk, f.model.workers)
	done := make(chan chunk, f.model.workers)
	var readErr error
	go func() { // reader: files in order, chunks of records
		defer close(work)
		readErr = readInputs(ctx, args, stdin, format, f, enr, stderr, &sum, work)
	}()
	var wg sync.WaitGroup
	var enrichErr error
	var enrichOnce sync.Once
	for w := 0; w < f.model.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				if err := enr.Enrich(ctx, c.todo); err != nil {
					enrichOnce.Do(func() { enrichErr = err })
				}
				done <- c
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	writeErr := writeOrdered(done, stdout)
	if writeErr != nil {
		cancel()
		for range done { // let the workers finish so nothing leaks
		}
	}

	st := enr.Stats()
	if !f.quiet {
		printSummary(stderr, st, sum, enr.Options().Model)
	}
	switch {
	case writeErr != nil:
		return fmt.Errorf("write output: %w", writeErr)
	case readErr != nil:
		return readErr
	case ctx.Err() != nil:
		return ctx.Err()
	case enrichErr != nil:
		return &partialError{fmt.Sprintf("%d records could not be classified: %v", st.Errors-uint64(sum.unreadable), enrichErr)}
	case sum.unreadable > 0 || st.Errors > 0:
		return &partialError{fmt.Sprintf("%d of %d records had errors (see above); all were written out", st.Errors, st.Records)}
	}
	return nil
}

// readInputs reads every input into chunks. Unreadable lines are reported and passed through, annotated.
func readInputs(ctx context.Context, args []string, stdin io.Reader, format record.Format, f classifyFlags,
	enr *enrich.Enricher, stderr io.Writer, sum *classifySummary, work chan<- chunk) error {
	seq := 0
	cur := chunk{recs: make([]map[string]any, 0, f.chunk)}
	send := func() bool {
		if len(cur.recs) == 0 {
			return true
		}
		cur.seq = seq
		select {
		case work <- cur:
			seq++
			cur = chunk{recs: make([]map[string]any, 0, f.chunk)}
			return true
		case <-ctx.Done():
			return false
		}
	}
	for _, name := range args {
		in, closeIn, err := openInput(name, stdin)
		if err != nil {
			return err
		}
		r := record.NewReader(in, record.Options{Format: format, MaxLineBytes: f.maxLineBytes})
		for {
			line, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				closeIn()
				return fmt.Errorf("read %s: %w", displayName(name), err)
			}
			cur.recs = append(cur.recs, line.Record)
			switch {
			case line.Err != nil:
				sum.unreadable++
				reason := line.Err.Error()
				var le *record.LineError
				if errors.As(line.Err, &le) {
					reason = le.Err.Error()
				}
				fmt.Fprintf(stderr, "%s:%d: %s (passed through with status error)\n", displayName(name), line.Number, reason)
				enr.Mark(line.Record, schema.StatusError, fmt.Sprintf("line %d: %s", line.Number, reason))
			case strings.Contains(line.Note, record.NoteNotObject):
				// Not a record we know how to read a command line from: keep it, say why.
				enr.Mark(line.Record, schema.StatusSkipped, record.NoteNotObject)
			default:
				cur.todo = append(cur.todo, line.Record)
			}
			if len(cur.recs) == f.chunk && !send() {
				closeIn()
				return ctx.Err()
			}
		}
		closeIn()
	}
	if !send() {
		return ctx.Err()
	}
	return nil
}

func openInput(name string, stdin io.Reader) (io.Reader, func(), error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return fh, func() { fh.Close() }, nil
}

func displayName(name string) string {
	if name == "-" {
		return "<stdin>"
	}
	return name
}

// writeOrdered writes chunks as NDJSON in input order, whatever order the workers finish them in.
func writeOrdered(done <-chan chunk, stdout io.Writer) error {
	bw := bufio.NewWriterSize(stdout, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	next := 0
	held := make(map[int]chunk)
	for c := range done {
		held[c.seq] = c
		for {
			h, ok := held[next]
			if !ok {
				break
			}
			delete(held, next)
			next++
			for _, rec := range h.recs {
				if err := enc.Encode(rec); err != nil {
					return err
				}
			}
		}
	}
	return bw.Flush()
}

func printSummary(w io.Writer, st enrich.Stats, sum classifySummary, model string) {
	elapsed := time.Since(sum.started)
	rate := float64(st.Records) / elapsed.Seconds()
	var b strings.Builder
	fmt.Fprintf(&b, "ttpscope summary (%s)\n", model)
	fmt.Fprintf(&b, "  records   %d in %.2fs (%.0f records/s)\n", st.Records, elapsed.Seconds(), rate)
	classes := make([]string, 0, len(st.PerClass))
	for c := range st.PerClass {
		classes = append(classes, c)
	}
	sort.Slice(classes, func(i, j int) bool { return classOrder(classes[i]) < classOrder(classes[j]) })
	for _, c := range classes {
		fmt.Fprintf(&b, "  %-9s %d\n", c, st.PerClass[c])
	}
	fmt.Fprintf(&b, "  alerts    %d\n", st.Alerts)
	fmt.Fprintf(&b, "  skipped   %d\n", st.Skipped)
	fmt.Fprintf(&b, "  errors    %d\n", st.Errors)
	if st.Cache.Hits+st.Cache.Misses > 0 {
		fmt.Fprintf(&b, "  cache     %d hits, %d misses\n", st.Cache.Hits, st.Cache.Misses)
	}
	io.WriteString(w, b.String())
}

func classOrder(c string) int {
	for i, k := range schema.Classes() {
		if k == c {
			return i
		}
	}
	return schema.NumClasses
}
