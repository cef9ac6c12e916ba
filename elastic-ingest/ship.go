package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ttpscope/ttpscope/shared/atomicfile"
	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/shared/esbulk"
	"github.com/ttpscope/ttpscope/shared/record"
	"github.com/ttpscope/ttpscope/shared/schema"
)

// checkpointSuffix names the default checkpoint file, next to the first input.
const checkpointSuffix = ".ttpscope-checkpoint"

// headBytes is how much of the start of a file identifies it in a checkpoint.
const headBytes = 4096

// idScheme is the first part hashed into every document id; bump it only if the id recipe changes.
const idScheme = "ttpscope-ship/1"

type shipFlags struct {
	model modelFlags

	esConnFlags

	index      string
	dataStream bool
	pipeline   string
	deadLetter string

	format       string
	maxLineBytes int
	chunk        int
	flushDocs    int
	esWorkers    int

	checkpoint         string
	noCheckpoint       bool
	restart            bool
	checkpointInterval time.Duration

	progress bool
	quiet    bool
}

// shipDeps are internal knobs for tests and benchmarks; none is a user flag.
type shipDeps struct {
	classifier  enrich.Classifier      // replaces the model (benchmarks without the model's cost)
	tune        func(*esbulk.Config)   // adjusts the writer's config (fast backoff in tests)
	afterAdd    func(n int)            // called after the n-th document was queued (crash simulation)
	transport   http.RoundTripper      // replaces the HTTP transport
	logInterval time.Duration          // progress log lines when stderr is not a terminal (default 10s)
	now         func() time.Time       // clock
	isTerminal  func(w io.Writer) bool // default: a *os.File that is a terminal
}

func newShipCmd() *cobra.Command {
	var f shipFlags
	cmd := &cobra.Command{
		Use:   "ship [FILE...]",
		Short: "Classify NDJSON or plain-text log files (or standard input) and bulk index them into Elasticsearch",
		Long: `ship reads records like classify does (NDJSON, or plain text wrapped as {"message": line}; "-" or no
file is standard input), classifies each, and indexes them into Elasticsearch with the bulk API, retrying
429s, 5xx and connection errors. Documents Elasticsearch refuses for good (mapping errors) go to
--dead-letter as JSON lines.

Every document gets a deterministic _id, HashID("ttpscope-ship/1", absolute file path, line number, line
bytes), and is written with op_type create: sending a line again answers 409, counted as a duplicate, never
a second copy. The model version is not part of the id, so re-shipping a file with a newer model keeps the
first copy (delete the index to re-classify). A file moved or renamed gets new ids. Standard input uses the
run's start time instead of a path, so it is idempotent within a run only.

Resume: the checkpoint file (default <first file>` + checkpointSuffix + `) records per input file the last
line up to which every record has a final outcome (indexed, duplicate, dead-lettered or rejected);
lines that finished out of order are held back until those before them finish. It is rewritten atomically
every --checkpoint-interval and at the end, also after Ctrl-C. A rerun skips each file's committed lines,
after checking that the file is the same one (its size did not shrink and its first 4 KiB are unchanged);
a changed file is refused unless --restart. A crash loses nothing (uncommitted lines are sent again) and
duplicates nothing (they answer 409). Standard input is never checkpointed.

Progress: a bar with rate and ETA when standard error is a terminal (or --progress), else a log line every
10 seconds; a report at the end. Exit status: 0 everything indexed (or already there); 3 some records were
unreadable, dead-lettered, rejected or still failing after retries; 1 fatal; 130 interrupted (the
checkpoint is written first).`,
		Example: `  elastic-ingest ship --es-url https://localhost:9200 --es-ca-file http_ca.crt --es-api-key $KEY events.ndjson
  elastic-ingest ship --index 'logs-ttpscope-default' --data-stream --dead-letter refused.ndjson *.log
  zcat old.ndjson.gz | elastic-ingest ship --index ttpscope-backfill`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			if err := applyEnvMap(cmd, esConnEnv()); err != nil {
				return err
			}
			return runShip(cmd.Context(), f, shipDeps{}, args, cmd.InOrStdin(), cmd.ErrOrStderr())
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func (f *shipFlags) register(fs *pflag.FlagSet) {
	f.model.register(fs)
	f.esConnFlags.register(fs)
	fs.StringVar(&f.index, "index", "ttpscope-%Y.%m.%d", "target index, alias or data stream; strftime directives (%Y %m %d %H %j %V) take the record's @timestamp in UTC")
	fs.BoolVar(&f.dataStream, "data-stream", false, "the target is a data stream (records without @timestamp get the run's start time)")
	fs.StringVar(&f.pipeline, "pipeline", "", "ingest pipeline to run on every document")
	fs.StringVar(&f.deadLetter, "dead-letter", "", "append documents Elasticsearch refuses for good to this JSON-lines file (default: log them)")
	fs.StringVar(&f.format, "format", "auto", "input format: auto, ndjson or text")
	fs.IntVar(&f.maxLineBytes, "max-line-bytes", record.DefaultMaxLineBytes, "longest input line accepted; a longer one is reported and indexed truncated")
	fs.IntVar(&f.chunk, "chunk", 512, "records handed to one classification worker at a time")
	fs.IntVar(&f.flushDocs, "flush-docs", esbulk.DefaultFlushDocs, "documents per bulk request at most")
	fs.IntVar(&f.esWorkers, "es-workers", esbulk.DefaultWorkers, "bulk requests in flight")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "checkpoint file (default <first file>"+checkpointSuffix+")")
	fs.BoolVar(&f.noCheckpoint, "no-checkpoint", false, "neither read nor write a checkpoint")
	fs.BoolVar(&f.restart, "restart", false, "ignore the checkpoint of files that changed, and start them over")
	fs.DurationVar(&f.checkpointInterval, "checkpoint-interval", 5*time.Second, "how often the checkpoint is written")
	fs.BoolVar(&f.progress, "progress", false, "show the progress bar even when standard error is not a terminal")
	fs.BoolVarP(&f.quiet, "quiet", "q", false, "no progress and no report")
}

func (f *shipFlags) validate() error {
	bad := func(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }
	switch {
	case f.chunk < 1:
		return bad("--chunk %d: must be at least 1", f.chunk)
	case f.flushDocs < 1:
		return bad("--flush-docs %d: must be at least 1", f.flushDocs)
	case f.esWorkers < 1:
		return bad("--es-workers %d: must be at least 1", f.esWorkers)
	case f.checkpointInterval <= 0:
		return bad("--checkpoint-interval %v: must be positive", f.checkpointInterval)
	case f.esAPIKey != "" && f.esUser != "":
		return bad("give --es-api-key or --es-user, not both")
	case f.esPassword != "" && f.esUser == "":
		return bad("--es-password needs --es-user")
	case f.index == "":
		return bad("--index must not be empty")
	case f.checkpoint != "" && f.noCheckpoint:
		return bad("--checkpoint and --no-checkpoint exclude each other")
	}
	return checkHTTPURL("--es-url", f.esURL)
}

// shipInput is one input and where it resumes.
type shipInput struct {
	name  string // as given
	path  string // absolute; "" for stdin
	skip  int    // lines already committed
	entry *checkpointEntry
}

// docRef travels with each document as esbulk.Doc.Meta.
type docRef struct {
	file, line int
	class      string
}

// shipItem is one record on its way to the indexer.
type shipItem struct {
	ref  docRef
	id   string
	rec  map[string]any
	time time.Time
}

type shipChunk struct {
	seq   int
	items []shipItem
	todo  []map[string]any
}

// shipReport counts final outcomes.
type shipReport struct {
	mu                                                  sync.Mutex
	indexed, duplicates, deadLettered, rejected, failed uint64
	perClass                                            map[string]uint64
	unreadable                                          int
	resumedLines                                        int
}

func runShip(ctx context.Context, f shipFlags, deps shipDeps, args []string, stdin io.Reader, stderr io.Writer) error {
	if err := f.validate(); err != nil {
		return err
	}
	format, err := record.ParseFormat(f.format)
	if err != nil {
		return &usageError{fmt.Errorf("--format: %w", err)}
	}
	if deps.now == nil {
		deps.now = time.Now
	}
	if deps.logInterval <= 0 {
		deps.logInterval = 10 * time.Second
	}
	if deps.isTerminal == nil {
		deps.isTerminal = isTerminal
	}
	if len(args) == 0 {
		args = []string{"-"}
	}
	started := deps.now()

	// Inputs and checkpoint, before anything expensive.
	var ckPath string
	var inputs []*shipInput
	var totalBytes int64
	for _, a := range args {
		in := &shipInput{name: a}
		if a != "-" {
			st, err := os.Stat(a)
			if err != nil {
				return &usageError{err}
			}
			if in.path, err = filepath.Abs(a); err != nil {
				return fmt.Errorf("input %s: %w", a, err)
			}
			totalBytes += st.Size()
			if ckPath == "" && !f.noCheckpoint {
				ckPath = a + checkpointSuffix
			}
		}
		inputs = append(inputs, in)
	}
	if f.checkpoint != "" {
		ckPath = f.checkpoint
	}
	ck := &checkpoint{Version: 1}
	if ckPath != "" {
		if ck, err = loadCheckpoint(ckPath); err != nil {
			return err
		}
		for _, in := range inputs {
			if in.path == "" {
				continue
			}
			e, err := ck.prepare(in.path, f.restart, started)
			if err != nil {
				return err
			}
			in.entry, in.skip = e, e.Line
		}
	}

	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	var enr *enrich.Enricher
	if deps.classifier != nil {
		enr, err = enrich.New(deps.classifier, enrich.Options{Fields: f.model.fields, ResultKey: f.model.resultKey,
			AlertThreshold: f.model.threshold, CacheEntries: -1, Model: "injected"})
		if err != nil {
			return err
		}
	} else {
		clf, e, err := f.model.load(ctx, log)
		if err != nil {
			return err
		}
		defer clf.Close()
		enr = e
	}

	cfg := esbulk.Config{
		Addresses: []string{f.esURL}, APIKey: f.esAPIKey, Username: f.esUser, Password: f.esPassword,
		CAFile: f.esCAFile, InsecureSkipVerify: f.esInsecure, Index: f.index, DataStream: f.dataStream,
		Pipeline: f.pipeline, DeadLetterPath: f.deadLetter, FlushDocs: f.flushDocs, Workers: f.esWorkers,
		Transport: deps.transport, Logger: log,
	}
	if deps.tune != nil {
		deps.tune(&cfg)
	}
	w, err := esbulk.New(cfg)
	if err != nil {
		return fmt.Errorf("elasticsearch writer: %w", err)
	}
	defer w.Close()

	rep := &shipReport{perClass: map[string]uint64{}}
	trackers := make([]*commitTracker, len(inputs))
	for i, in := range inputs {
		trackers[i] = newCommitTracker(in.skip)
		rep.resumedLines += in.skip
	}
	ix, err := w.NewIndexer(esbulk.IndexerConfig{OnResult: func(r esbulk.Result) {
		ref := r.Doc.Meta.(docRef)
		rep.mu.Lock()
		final := true
		switch r.Status {
		case esbulk.Indexed:
			rep.indexed++
			rep.perClass[ref.class]++
		case esbulk.Duplicate:
			rep.duplicates++
			rep.perClass[ref.class]++
		case esbulk.DeadLettered:
			rep.deadLettered++
		case esbulk.Rejected:
			rep.rejected++ // logged by the writer with the document: final, a resend would be refused again
		default:
			rep.failed++
			final = false
		}
		rep.mu.Unlock()
		if final {
			trackers[ref.file].done(ref.line)
		}
	}})
	if err != nil {
		return fmt.Errorf("elasticsearch indexer: %w", err)
	}

	saveCheckpoint := func() error {
		if ckPath == "" {
			return nil
		}
		ck.mu.Lock()
		defer ck.mu.Unlock()
		for i, in := range inputs {
			if in.entry != nil {
				in.entry.Line = trackers[i].committed()
			}
		}
		return ck.save(ckPath)
	}

	// Progress and periodic checkpoints.
	var readBytes atomic.Int64
	var added atomic.Int64
	showBar := !f.quiet && totalBytes > 0 && (f.progress || deps.isTerminal(stderr))
	var bar *progressbar.ProgressBar
	if showBar {
		bar = progressbar.NewOptions64(totalBytes, progressbar.OptionSetWriter(stderr),
			progressbar.OptionSetDescription("ship"), progressbar.OptionShowBytes(true),
			progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true), progressbar.OptionShowElapsedTimeOnFinish(),
			progressbar.OptionThrottle(200*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }))
	}
	tickDone := make(chan struct{})
	var tickWG sync.WaitGroup
	var ckErr error
	tickWG.Add(1)
	go func() {
		defer tickWG.Done()
		ckTick := time.NewTicker(f.checkpointInterval)
		defer ckTick.Stop()
		uiTick := time.NewTicker(200 * time.Millisecond)
		defer uiTick.Stop()
		lastLog := deps.now()
		for {
			select {
			case <-tickDone:
				return
			case <-ckTick.C:
				if err := saveCheckpoint(); err != nil && ckErr == nil {
					ckErr = err
					log.Error("write checkpoint", "err", err)
				}
			case <-uiTick.C:
				if f.quiet {
					continue
				}
				if bar != nil {
					_ = bar.Set64(readBytes.Load())
				} else if now := deps.now(); now.Sub(lastLog) >= deps.logInterval {
					lastLog = now
					fmt.Fprintln(stderr, progressLine(readBytes.Load(), totalBytes, added.Load(), now.Sub(started)))
				}
			}
		}
	}()

	// Read, classify in parallel, queue in input order.
	rctx, cancelRead := context.WithCancel(ctx)
	defer cancelRead()
	work := make(chan shipChunk, f.model.workers)
	done := make(chan shipChunk, f.model.workers)
	var readErr error
	go func() {
		defer close(work)
		readErr = readShipInputs(rctx, inputs, ck, stdin, format, f, enr, stderr, rep, &readBytes, started, work)
	}()
	var wg sync.WaitGroup
	for range f.model.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range work {
				_ = enr.Enrich(rctx, c.todo) // every record is annotated even on error (status error)
				done <- c
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()

	var addErr error
	next := 0
	held := map[int]shipChunk{}
	for c := range done {
		if addErr != nil {
			continue
		}
		held[c.seq] = c
		for addErr == nil {
			h, ok := held[next]
			if !ok {
				break
			}
			delete(held, next)
			next++
			for _, it := range h.items {
				if err := rctx.Err(); err != nil { // interrupted: records classified after it carry status error
					addErr = err
					break
				}
				it.ref.class = resultClass(it.rec, f.model.resultKey)
				doc := esbulk.Doc{ID: it.id, Source: it.rec, Time: it.time, Meta: it.ref}
				trackers[it.ref.file].dispatch(it.ref.line)
				if err := ix.Add(rctx, doc); err != nil {
					trackers[it.ref.file].abandon(it.ref.line)
					addErr = err
					cancelRead()
					break
				}
				n := added.Add(1)
				if deps.afterAdd != nil {
					deps.afterAdd(int(n))
				}
			}
		}
	}

	// Flush what was queued, even after Ctrl-C, then checkpoint and report.
	closeCtx, closeCancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	closeErr := ix.Close(closeCtx)
	closeCancel()
	close(tickDone)
	tickWG.Wait()
	if bar != nil {
		_ = bar.Finish()
	}
	saveErr := saveCheckpoint()

	if !f.quiet {
		printShipReport(stderr, rep, enr.Stats(), added.Load(), time.Since(started), ckPath)
	}
	switch {
	case ctx.Err() != nil:
		return ctx.Err()
	case readErr != nil:
		return readErr
	case addErr != nil:
		return fmt.Errorf("queue document: %w", addErr)
	case closeErr != nil:
		return fmt.Errorf("flush: %w", closeErr)
	case saveErr != nil:
		return saveErr
	}
	rep.mu.Lock()
	defer rep.mu.Unlock()
	unclassified := enr.Stats().Errors - min(enr.Stats().Errors, uint64(rep.unreadable))
	if bad := rep.failed + rep.deadLettered + rep.rejected + uint64(rep.unreadable) + unclassified; bad > 0 {
		return &partialError{fmt.Sprintf("%d failed (rerun to resend them), %d dead-lettered, %d rejected, %d unreadable, "+
			"%d not classified (indexed with status error)", rep.failed, rep.deadLettered, rep.rejected, rep.unreadable, unclassified)}
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	fh, ok := w.(*os.File)
	return ok && term.IsTerminal(int(fh.Fd()))
}

func progressLine(read, total, docs int64, elapsed time.Duration) string {
	rate := float64(docs) / max(elapsed.Seconds(), 1e-9)
	s := fmt.Sprintf("ship: %d documents queued, %.0f docs/s", docs, rate)
	if total > 0 && read > 0 {
		pct := 100 * float64(read) / float64(total)
		eta := time.Duration(float64(elapsed) * float64(total-read) / float64(read))
		s += fmt.Sprintf(", %.1f%% of %d bytes, ETA %s", pct, total, eta.Round(time.Second))
	}
	return s
}

// resultClass reads the class written by the enricher, "" when there is none.
func resultClass(rec map[string]any, key string) string {
	v, _ := record.Lookup(rec, key+".class")
	s, _ := v.(string)
	if s == "" {
		if st, _ := record.Lookup(rec, key+".status"); st != nil {
			return fmt.Sprint(st)
		}
	}
	return s
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// skipLines discards n physical lines ("\n"-terminated) from br.
func skipLines(br *bufio.Reader, n int) error {
	for i := 0; i < n; i++ {
		for {
			b, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF && len(b) > 0 && i == n-1 {
				return nil // the committed last line has no terminator
			}
			if err != nil {
				return fmt.Errorf("skip %d committed lines: only %d there: %w", n, i, err)
			}
			break
		}
	}
	return nil
}

func readShipInputs(ctx context.Context, inputs []*shipInput, ck *checkpoint, stdin io.Reader, format record.Format, f shipFlags,
	enr *enrich.Enricher, stderr io.Writer, rep *shipReport, readBytes *atomic.Int64, started time.Time, work chan<- shipChunk) error {
	seq := 0
	cur := shipChunk{}
	send := func() bool {
		if len(cur.items) == 0 {
			return true
		}
		cur.seq = seq
		select {
		case work <- cur:
			seq++
			cur = shipChunk{}
			return true
		case <-ctx.Done():
			return false
		}
	}
	stdinKey := []byte(strconv.FormatInt(started.UnixNano(), 10))
	for fi, in := range inputs {
		var src io.Reader
		var closeIn func()
		if in.path == "" {
			src, closeIn = stdin, func() {}
		} else {
			fh, err := os.Open(in.path)
			if err != nil {
				return fmt.Errorf("open %s: %w", in.name, err)
			}
			src, closeIn = countingReader{fh, readBytes}, func() { fh.Close() }
		}
		br := bufio.NewReaderSize(src, 64<<10)
		if err := skipLines(br, in.skip); err != nil {
			closeIn()
			return fmt.Errorf("resume %s: %w", in.name, err)
		}
		ff := format
		if ff == record.FormatAuto && in.entry != nil && in.entry.Format != "" {
			if pf, err := record.ParseFormat(in.entry.Format); err == nil {
				ff = pf
			}
		}
		r := record.NewReader(br, record.Options{Format: ff, MaxLineBytes: f.maxLineBytes})
		idKey := []byte(in.path)
		if in.path == "" {
			idKey = append([]byte("<stdin>@"), stdinKey...)
		}
		docTime, formatKnown := started, false
		if in.entry != nil {
			docTime = in.entry.Started
		}
		for {
			line, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				closeIn()
				return fmt.Errorf("read %s: %w", displayName(in.name), err)
			}
			if in.entry != nil && !formatKnown {
				formatKnown = true
				ck.mu.Lock()
				in.entry.Format = strings.ToLower(r.Format().String())
				ck.mu.Unlock()
			}
			n := in.skip + line.Number
			it := shipItem{ref: docRef{file: fi, line: n}, rec: line.Record,
				id: esbulk.HashID([]byte(idScheme), idKey, []byte(strconv.Itoa(n)), []byte(line.Raw))}
			if _, ok := line.Record["@timestamp"]; !ok {
				it.time = docTime // a resend goes to the same dated index
				if f.dataStream {
					line.Record["@timestamp"] = docTime.UTC().Format(time.RFC3339Nano)
				}
			}
			switch {
			case line.Err != nil:
				rep.mu.Lock()
				rep.unreadable++
				rep.mu.Unlock()
				reason := line.Err.Error()
				var le *record.LineError
				if errors.As(line.Err, &le) {
					reason = le.Err.Error()
				}
				fmt.Fprintf(stderr, "%s:%d: %s (indexed with status error)\n", displayName(in.name), n, reason)
				enr.Mark(line.Record, schema.StatusError, fmt.Sprintf("line %d: %s", n, reason))
			case strings.Contains(line.Note, record.NoteNotObject):
				enr.Mark(line.Record, schema.StatusSkipped, record.NoteNotObject)
			default:
				cur.todo = append(cur.todo, line.Record)
			}
			cur.items = append(cur.items, it)
			if len(cur.items) == f.chunk && !send() {
				closeIn()
				return nil // canceled: the caller reports ctx's error
			}
		}
		closeIn()
	}
	send()
	return nil
}

func printShipReport(w io.Writer, rep *shipReport, st enrich.Stats, queued int64, elapsed time.Duration, ckPath string) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "ttpscope ship report\n")
	fmt.Fprintf(&b, "  documents     %d in %.2fs (%.0f docs/s)\n", queued, elapsed.Seconds(), float64(queued)/max(elapsed.Seconds(), 1e-9))
	if rep.resumedLines > 0 {
		fmt.Fprintf(&b, "  resumed after %d committed lines\n", rep.resumedLines)
	}
	fmt.Fprintf(&b, "  indexed       %d\n", rep.indexed)
	fmt.Fprintf(&b, "  duplicates    %d (already in the index)\n", rep.duplicates)
	fmt.Fprintf(&b, "  failed        %d\n", rep.failed)
	fmt.Fprintf(&b, "  dead-lettered %d\n", rep.deadLettered)
	if rep.rejected > 0 {
		fmt.Fprintf(&b, "  rejected      %d (logged; no --dead-letter file)\n", rep.rejected)
	}
	fmt.Fprintf(&b, "  skipped       %d (no text to classify; indexed as is)\n", st.Skipped)
	fmt.Fprintf(&b, "  unreadable    %d\n", rep.unreadable)
	classes := make([]string, 0, len(rep.perClass))
	for c := range rep.perClass {
		classes = append(classes, c)
	}
	sort.Slice(classes, func(i, j int) bool {
		oi, oj := classOrder(classes[i]), classOrder(classes[j])
		if oi != oj {
			return oi < oj
		}
		return classes[i] < classes[j]
	})
	for _, c := range classes {
		name := c
		if name == "" {
			name = "(none)"
		}
		fmt.Fprintf(&b, "  class %-9s %d\n", name, rep.perClass[c])
	}
	if ckPath != "" {
		fmt.Fprintf(&b, "  checkpoint    %s\n", ckPath)
	} else {
		fmt.Fprintf(&b, "  checkpoint    none (--no-checkpoint, or only standard input, which is never resumable)\n")
	}
	io.WriteString(w, b.String())
}

// commitTracker holds, for one input, the lines dispatched in order and which of them finished, and
// advances the committed line only over a contiguous prefix of finished lines.
type commitTracker struct {
	mu      sync.Mutex
	pending []int // dispatched, not yet committed, in order
	head    int
	fin     map[int]bool
	commit  int
}

func newCommitTracker(start int) *commitTracker {
	return &commitTracker{fin: map[int]bool{}, commit: start}
}

func (t *commitTracker) dispatch(line int) {
	t.mu.Lock()
	t.pending = append(t.pending, line)
	t.mu.Unlock()
}

// abandon takes back the last dispatched line (it was never queued).
func (t *commitTracker) abandon(line int) {
	t.mu.Lock()
	if n := len(t.pending); n > t.head && t.pending[n-1] == line {
		t.pending = t.pending[:n-1]
	}
	t.mu.Unlock()
}

// done records a final outcome for line and advances the committed prefix.
func (t *commitTracker) done(line int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fin[line] = true
	for t.head < len(t.pending) && t.fin[t.pending[t.head]] {
		t.commit = t.pending[t.head]
		delete(t.fin, t.commit)
		t.head++
	}
	if t.head > 1024 && t.head*2 > len(t.pending) {
		t.pending = append([]int(nil), t.pending[t.head:]...)
		t.head = 0
	}
}

func (t *commitTracker) committed() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.commit
}

// checkpoint is the resume state of ship, one entry per input file.
type checkpoint struct {
	mu      sync.Mutex         // guards Files' entries between the reader, the ticker and the end of the run
	Version int                `json:"version"`
	Files   []*checkpointEntry `json:"files"`
}

type checkpointEntry struct {
	Path string `json:"path"`
	// Line is the last physical line up to which every record has a final outcome.
	Line int `json:"line"`
	// Size, HeadLen and HeadSHA256 identify the file: it may grow, but not shrink or change its start.
	Size       int64     `json:"size"`
	HeadLen    int       `json:"head_len"`
	HeadSHA256 string    `json:"head_sha256"`
	Format     string    `json:"format,omitempty"`
	Started    time.Time `json:"started"` // time given to records without @timestamp, kept across resumes
}

func loadCheckpoint(path string) (*checkpoint, error) {
	ck := &checkpoint{Version: 1}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return ck, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	if err := json.Unmarshal(b, ck); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w (delete it to start over)", path, err)
	}
	if ck.Version != 1 {
		return nil, fmt.Errorf("checkpoint %s: version %d, want 1", path, ck.Version)
	}
	files := ck.Files[:0]
	for _, e := range ck.Files {
		switch {
		case e == nil:
			continue
		case e.Line < 0 || e.Size < 0 || e.HeadLen < 0 || e.HeadLen > headBytes:
			return nil, fmt.Errorf("checkpoint %s: entry for %s out of range (line %d, size %d, head_len %d); delete it to start over",
				path, e.Path, e.Line, e.Size, e.HeadLen)
		}
		files = append(files, e)
	}
	ck.Files = files
	return ck, nil
}

func fileIdentity(path string) (size int64, head []byte, err error) {
	fh, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return 0, nil, err
	}
	head = make([]byte, headBytes)
	n, err := io.ReadFull(fh, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return 0, nil, err
	}
	return st.Size(), head[:n], nil
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// prepare returns path's entry, checked against the file as it is now; a new or restarted entry starts at line 0.
func (c *checkpoint) prepare(path string, restart bool, now time.Time) (*checkpointEntry, error) {
	size, head, err := fileIdentity(path)
	if err != nil {
		return nil, fmt.Errorf("input %s: %w", path, err)
	}
	fresh := &checkpointEntry{Path: path, Size: size, HeadLen: len(head), HeadSHA256: hashHex(head), Started: now}
	for i, e := range c.Files {
		if e.Path != path {
			continue
		}
		changed := ""
		switch {
		case size < e.Size:
			changed = fmt.Sprintf("it shrank from %d to %d bytes", e.Size, size)
		case e.HeadLen > len(head) || hashHex(head[:e.HeadLen]) != e.HeadSHA256:
			changed = fmt.Sprintf("its first %d bytes differ", e.HeadLen)
		}
		if changed == "" {
			e.Size, e.HeadLen, e.HeadSHA256 = fresh.Size, fresh.HeadLen, fresh.HeadSHA256
			if e.Started.IsZero() {
				e.Started = now
			}
			return e, nil
		}
		if !restart {
			return nil, fmt.Errorf("input %s changed since the checkpoint (%s); committed up to line %d: "+
				"give --restart to ship it from the start (ids are per path and line, so unchanged lines answer 409)",
				path, changed, e.Line)
		}
		c.Files[i] = fresh
		return fresh, nil
	}
	c.Files = append(c.Files, fresh)
	return fresh, nil
}

// save writes the checkpoint atomically: a temporary file in the same directory, fsynced, renamed.
func (c *checkpoint) save(path string) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(b, '\n')); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}
