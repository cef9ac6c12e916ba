package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/spf13/cobra"

	"github.com/ttpscope/ttpscope/shared/backfill"
	"github.com/ttpscope/ttpscope/shared/esbulk"
)

type backfillFlags struct {
	model modelFlags

	esConnFlags

	source, dest     string
	inPlace          bool
	query            string
	slices           int
	sliceIDs         []int
	pageSize         int
	keepAlive        time.Duration
	sortBy           string
	force            bool
	checkpoint       string
	deadLetter       string
	maxRetries       int
	deadline         time.Duration
	progressInterval time.Duration
	logLevel         string
}

func newBackfillCmd() *cobra.Command {
	var f backfillFlags
	cmd := &cobra.Command{
		Use:   "backfill --source INDEX (--dest INDEX | --in-place)",
		Short: "Classify the documents already in an index or data stream, into a new index or in place",
		Long: `backfill enriches documents already in Elasticsearch. It opens a point in time on --source, pages
through it with search_after (sorted on _shard_doc, after --sort-by if given), classifies the text of
every page (--fields, as classify does) and writes the page through the bulk writer, retrying 429, 5xx and
connection errors; documents Elasticsearch refuses for good go to --dead-letter.

Where it writes:
  --dest INDEX   every document keeps its _id and is written with create, so a rerun or a resumed run gets
                 409s (counted as duplicates) instead of copies (--force: index, overwriting). A data
                 stream as --dest works (documents need @timestamp).
  --in-place     every document is re-indexed (action index) with its own _index and _id. Data streams
                 cannot be rewritten in place (their backing indices only accept create): backfill them
                 into a new data stream with --dest.
Documents that already hold a result from the same model version are not classified again unless --force
(in place they are not rewritten at all; into --dest they are copied as they are).

Parallel and distributed: Elasticsearch cuts the point in time into --slices slices; this process runs
--slice-ids of them (default all), one worker each. Processes on several machines share one source by
giving the same --slices and different --slice-ids, each with its own --checkpoint.

Resume: with --checkpoint FILE the last sort values of every fully written page are stored per slice
(atomically). Run the same command again to resume: a new point in time is opened and each slice goes on
after its stored position. Sort values carry over only while the source does not change; an in-place run
changes it, so after resuming one, run once more without a checkpoint to be sure: documents already done
are read and skipped, not rewritten.

Progress goes to stderr every --progress-interval; SIGINT/SIGTERM let each slice finish and checkpoint its
page, then exit 130. Exit 3 when documents were dead-lettered.`,
		Example: `  elastic-ingest backfill --source winlogbeat-2026.01.01 --dest winlogbeat-2026.01.01-ttpscope --slices 4
  elastic-ingest backfill --source auditd --in-place --query '{"range":{"@timestamp":{"gte":"now-7d"}}}'
  # two machines, one index:
  elastic-ingest backfill --source big --dest big-enriched --slices 8 --slice-ids 0,1,2,3 --checkpoint a.json
  elastic-ingest backfill --source big --dest big-enriched --slices 8 --slice-ids 4,5,6,7 --checkpoint b.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applyEnv(cmd); err != nil {
				return err
			}
			if err := applyEnvMap(cmd, esConnEnv()); err != nil {
				return err
			}
			return runBackfill(cmd.Context(), f, cmd.ErrOrStderr())
		},
	}
	f.model.register(cmd.Flags())
	fs := cmd.Flags()
	f.esConnFlags.register(fs)
	fs.StringVar(&f.source, "source", "", "index, alias, data stream or pattern to read (required)")
	fs.StringVar(&f.dest, "dest", "", "index or data stream to write the enriched documents to")
	fs.BoolVar(&f.inPlace, "in-place", false, "re-index every document where it is (not for data streams)")
	fs.StringVar(&f.query, "query", "", `query object selecting the documents, e.g. '{"range":{"@timestamp":{"gte":"now-1d"}}}' (default match_all)`)
	fs.IntVar(&f.slices, "slices", 1, "slices the source is cut into, over all processes")
	fs.IntSliceVar(&f.sliceIDs, "slice-ids", nil, "slices this process runs, e.g. 0,1 (default all)")
	fs.IntVar(&f.pageSize, "page-size", backfill.DefaultPageSize, "documents per search page, written and checkpointed together")
	fs.DurationVar(&f.keepAlive, "keep-alive", backfill.DefaultKeepAlive, "point-in-time keep-alive between two pages")
	fs.StringVar(&f.sortBy, "sort-by", "", "field to sort on before _shard_doc (e.g. @timestamp), ascending")
	fs.BoolVar(&f.force, "force", false, "classify and write documents already enriched by this model version too")
	fs.StringVar(&f.checkpoint, "checkpoint", "", "file to store per-slice progress in and resume from")
	fs.StringVar(&f.deadLetter, "dead-letter", "", "file to append documents Elasticsearch refuses for good to, as JSON lines")
	fs.IntVar(&f.maxRetries, "max-retries", esbulk.DefaultMaxRetries, "retry rounds of a page's failing documents")
	fs.DurationVar(&f.deadline, "write-deadline", time.Minute, "time one page's write may take, retries included")
	fs.DurationVar(&f.progressInterval, "progress-interval", 2*time.Second, "how often progress is printed to stderr (0: never)")
	fs.StringVar(&f.logLevel, "log-level", "warn", "debug, info, warn or error")
	return cmd
}

func (f *backfillFlags) validate() error {
	bad := func(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }
	var level slog.Level
	switch {
	case f.source == "":
		return bad("--source is required")
	case f.dest == "" && !f.inPlace:
		return bad("give --dest INDEX or --in-place")
	case f.dest != "" && f.inPlace:
		return bad("--dest and --in-place exclude each other")
	case f.dest == f.source:
		return bad("--dest is --source: use --in-place to rewrite documents where they are")
	case f.slices < 1:
		return bad("--slices %d: must be at least 1", f.slices)
	case f.pageSize < 1 || f.pageSize > 10000:
		return bad("--page-size %d: must be between 1 and 10000", f.pageSize)
	case f.keepAlive < time.Second:
		return bad("--keep-alive %v: must be at least 1s", f.keepAlive)
	case f.maxRetries < 0:
		return bad("--max-retries %d: must not be negative", f.maxRetries)
	case f.deadline <= 0:
		return bad("--write-deadline %v: must be positive", f.deadline)
	case f.progressInterval < 0:
		return bad("--progress-interval %v: must not be negative", f.progressInterval)
	case f.esAPIKey != "" && f.esUser != "":
		return bad("give --es-api-key or --es-user, not both")
	case f.esPassword != "" && f.esUser == "":
		return bad("--es-password needs --es-user")
	case level.UnmarshalText([]byte(f.logLevel)) != nil:
		return bad("--log-level %q: want debug, info, warn or error", f.logLevel)
	}
	for _, id := range f.sliceIDs {
		if id < 0 || id >= f.slices {
			return bad("--slice-ids %d: must be in 0..%d (--slices %d)", id, f.slices-1, f.slices)
		}
	}
	if f.query != "" {
		var q map[string]json.RawMessage
		if err := json.Unmarshal([]byte(f.query), &q); err != nil || len(q) == 0 {
			return bad("--query: want a JSON query object such as '{\"term\":{\"host.name\":\"web-1\"}}'")
		}
	}
	return checkHTTPURL("--es-url", f.esURL)
}

func runBackfill(ctx context.Context, f backfillFlags, stderr io.Writer) error {
	if err := f.validate(); err != nil {
		return err
	}
	if err := f.model.validate(); err != nil {
		return err
	}
	var level slog.Level
	_ = level.UnmarshalText([]byte(f.logLevel))
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))

	tr, err := httpTransport(f.esCAFile, f.esInsecure)
	if err != nil {
		return fmt.Errorf("elasticsearch: %w", err)
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: []string{f.esURL}, APIKey: f.esAPIKey, Username: f.esUser, Password: f.esPassword,
		Transport: tr, MaxRetries: 3, RetryOnStatus: []int{429, 502, 503, 504},
	})
	if err != nil {
		return fmt.Errorf("elasticsearch client for %s: %w", redact(f.esURL), err)
	}
	w, err := esbulk.New(esbulk.Config{
		Addresses: []string{f.esURL}, APIKey: f.esAPIKey, Username: f.esUser, Password: f.esPassword,
		CAFile: f.esCAFile, InsecureSkipVerify: f.esInsecure, DeadLetterPath: f.deadLetter,
		MaxRetries: f.maxRetries, Deadline: f.deadline, Logger: log,
	})
	if err != nil {
		return &usageError{err}
	}
	defer w.Close()

	clf, enr, err := f.model.load(ctx, log)
	if err != nil {
		return err
	}
	defer clf.Close()

	cfg := backfill.Config{
		Client: es, Writer: w, Enricher: enr, Source: f.source, Dest: f.dest,
		Slices: f.slices, SliceIDs: f.sliceIDs, SortBy: f.sortBy, PageSize: f.pageSize, KeepAlive: f.keepAlive,
		Force: f.force, Checkpoint: f.checkpoint, Logger: log,
	}
	if f.query != "" {
		cfg.Query = json.RawMessage(f.query)
	}
	prog := &backfillProgress{out: stderr, start: time.Now()}
	cfg.Progress = prog.update
	stop := prog.every(f.progressInterval)
	rep, err := backfill.Run(ctx, cfg)
	stop()
	where := f.dest
	if f.inPlace {
		where = f.source + " (in place)"
	}
	printBackfillReport(stderr, rep, f.source, where, enr.Options().Model, f.checkpoint)
	if err != nil {
		if f.checkpoint != "" && !errors.Is(err, context.Canceled) {
			err = fmt.Errorf("%w (run again with --checkpoint %s to resume)", err, f.checkpoint)
		}
		return err
	}
	if dead := rep.Sum().DeadLettered; dead > 0 {
		return &partialError{fmt.Sprintf("%d documents refused by Elasticsearch (dead-lettered)", dead)}
	}
	return nil
}

// backfillProgress prints the latest report a slice sent, at an interval.
type backfillProgress struct {
	out   io.Writer
	start time.Time
	mu    sync.Mutex
	last  *backfill.Report
}

func (p *backfillProgress) update(r backfill.Report) {
	p.mu.Lock()
	p.last = &r
	p.mu.Unlock()
}

// every prints progress every d until the returned stop is called; d 0 prints nothing.
func (p *backfillProgress) every(d time.Duration) (stop func()) {
	if d <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.print()
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func (p *backfillProgress) print() {
	p.mu.Lock()
	r := p.last
	p.mu.Unlock()
	if r == nil {
		return
	}
	el := time.Since(p.start)
	sum := r.Sum()
	var b strings.Builder
	fmt.Fprintf(&b, "backfill: %d read", sum.Read)
	if r.Total >= 0 {
		fmt.Fprintf(&b, " of %d", r.Total)
	}
	fmt.Fprintf(&b, ", %d enriched, %d skipped, %d written, %.0f docs/s |", sum.Enriched, sum.Skipped, sum.Written, float64(sum.Read)/el.Seconds())
	for i, s := range r.Slices {
		if i > 0 {
			b.WriteByte(',')
		}
		state := ""
		if s.Done {
			state = " done"
		}
		fmt.Fprintf(&b, " slice %d: %d%s", s.ID, s.Read, state)
	}
	fmt.Fprintln(p.out, b.String())
}

func printBackfillReport(w io.Writer, r backfill.Report, source, dest, model, checkpoint string) {
	s := r.Sum()
	var b strings.Builder
	fmt.Fprintf(&b, "backfill %s -> %s (%s)\n", source, dest, model)
	rate := 0.0
	if r.Elapsed > 0 {
		rate = float64(s.Read) / r.Elapsed.Seconds()
	}
	if r.Total >= 0 {
		fmt.Fprintf(&b, "  source        %d documents\n", r.Total)
	}
	fmt.Fprintf(&b, "  read          %d in %.2fs (%.0f docs/s)\n", s.Read, r.Elapsed.Seconds(), rate)
	fmt.Fprintf(&b, "  enriched      %d\n", s.Enriched)
	fmt.Fprintf(&b, "  skipped       %d (already enriched by this model)\n", s.Skipped)
	fmt.Fprintf(&b, "  written       %d\n", s.Written)
	fmt.Fprintf(&b, "  duplicates    %d (already in the destination)\n", s.Duplicates)
	fmt.Fprintf(&b, "  dead-lettered %d\n", s.DeadLettered)
	classes := make([]string, 0, len(r.PerClass))
	for c := range r.PerClass {
		classes = append(classes, c)
	}
	sort.Slice(classes, func(i, j int) bool {
		if classOrder(classes[i]) != classOrder(classes[j]) {
			return classOrder(classes[i]) < classOrder(classes[j])
		}
		return classes[i] < classes[j]
	})
	for _, c := range classes {
		fmt.Fprintf(&b, "  %-13s %d\n", c, r.PerClass[c])
	}
	for _, sl := range r.Slices {
		state := "not finished"
		if sl.Done {
			state = "done"
		}
		fmt.Fprintf(&b, "  slice %-7d %d read, %d pages, %s\n", sl.ID, sl.Read, sl.Pages, state)
	}
	if checkpoint != "" {
		fmt.Fprintf(&b, "  checkpoint    %s\n", checkpoint)
	}
	fmt.Fprint(w, b.String())
}
