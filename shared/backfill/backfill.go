// Package backfill enriches the documents already in an Elasticsearch index or data stream: it opens a
// point in time (PIT) on the source, pages through it with search_after in N slices (Elasticsearch splits
// the work with slice {id, max}, so processes on several machines can share one source, each running some
// of the slice ids), classifies each page through shared/enrich and writes it through the one bulk writer,
// shared/esbulk, either into a destination index or back in place.
//
// # Writes
//
// Into a destination (Config.Dest) every document keeps its source _id and is written with create, so a
// rerun or a resumed run gets 409s (counted as duplicates) instead of copies; with Force it is written with
// index, overwriting. In place, each document is written with index to its own concrete _index and _id,
// replacing the source. A data stream cannot be rewritten in place by index (its backing indices only
// accept create), so Run refuses an in-place backfill of a data stream (or of a hit from a .ds- backing
// index): backfill it into a new data stream with Dest instead (the writer then uses create, and the
// documents must carry @timestamp).
//
// Documents whose result key already holds a result with status ok from the same model (name@version) are
// not classified again unless Force: in place they are not written at all, into a destination they are
// copied as they are. Force into a data stream still uses create (the only action a data stream takes):
// documents already there stay and count as duplicates.
//
// # Resume
//
// With a checkpoint file, after every page whose documents were all settled by the writer (indexed,
// duplicate, dead-lettered or rejected: nothing left to retry), the slice's last sort values are stored
// (written to a temporary file, fsynced, renamed). On restart a new PIT is opened (PIT ids expire) and
// each slice resumes with search_after set to its stored sort values; finished slices are not read again.
// The sort is on _shard_doc (plus an optional field before it): its values are valid across PITs only as
// long as the source has not changed (no writes, merges or relocations). An in-place backfill changes the
// source, so a resumed in-place run may start a little early or late in a slice: starting early is
// harmless (those documents are skipped as already enriched); to be sure nothing was missed, run again
// without the checkpoint, which costs a read of the index and no writes for documents already done.
//
// # Interruption
//
// When ctx ends, every slice finishes the page it is on (search, enrich, write and checkpoint run without
// ctx's cancellation, bounded by the writer's deadline), then Run returns ctx's error.
package backfill

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/ttpscope/ttpscope/shared/enrich"
	"github.com/ttpscope/ttpscope/shared/esbulk"
	"github.com/ttpscope/ttpscope/shared/record"
	"github.com/ttpscope/ttpscope/shared/schema"
)

// Defaults for Config fields left zero.
const (
	DefaultPageSize  = 500
	DefaultKeepAlive = 5 * time.Minute
)

// Enricher is what Run needs from the enricher; *enrich.Enricher satisfies it.
type Enricher interface {
	Enrich(ctx context.Context, recs []map[string]any) error
	Options() enrich.Options
}

// Writer is what Run needs from the bulk writer; *esbulk.Writer satisfies it.
type Writer interface {
	Write(ctx context.Context, docs []esbulk.Doc) (esbulk.Outcome, error)
}

// Config configures a backfill.
type Config struct {
	Client   *elasticsearch.Client // reads: PIT, _search, _count, _data_stream
	Writer   Writer
	Enricher Enricher

	Source string          // index, alias, data stream or pattern to read
	Dest   string          // destination index or data stream; "" means in place
	Query  json.RawMessage // a query object; nil means match_all

	Slices   int   // total slices over all processes; 0 or 1 means one, unsliced
	SliceIDs []int // the slices this process runs; nil means all of 0..Slices-1
	SortBy   string
	PageSize int
	// KeepAlive is the PIT keep-alive, renewed by every search.
	KeepAlive time.Duration
	Force     bool // classify and write documents already enriched by the same model

	Checkpoint string // file of the resume state; "" means none
	// Progress, when not nil, is called after every page with a snapshot (from the slice's goroutine).
	Progress func(Report)
	Logger   *slog.Logger
}

// SliceReport counts what one slice did.
type SliceReport struct {
	ID           int   `json:"id"`
	Done         bool  `json:"done"`
	Read         int64 `json:"read"`
	Enriched     int64 `json:"enriched"`
	Skipped      int64 `json:"skipped"` // already enriched by the same model
	Written      int64 `json:"written"`
	Duplicates   int64 `json:"duplicates"`
	DeadLettered int64 `json:"dead_lettered"` // dead-lettered or rejected
	Pages        int64 `json:"pages"`
}

// Report is the state of a run.
type Report struct {
	Total    int64            // documents matching the query in the source (_count), -1 when unknown
	Slices   []SliceReport    // in SliceIDs order
	PerClass map[string]int64 // classes of the documents enriched in this run
	Elapsed  time.Duration
}

// Sum adds up the slices.
func (r Report) Sum() SliceReport {
	var s SliceReport
	for _, sl := range r.Slices {
		s.Read += sl.Read
		s.Enriched += sl.Enriched
		s.Skipped += sl.Skipped
		s.Written += sl.Written
		s.Duplicates += sl.Duplicates
		s.DeadLettered += sl.DeadLettered
		s.Pages += sl.Pages
	}
	return s
}

// ErrPartial is wrapped by Run's error when pages were left unwritten after the writer's retries.
var ErrPartial = errors.New("documents left unwritten")

func (c *Config) normalize() error {
	switch {
	case c.Client == nil || c.Writer == nil || c.Enricher == nil:
		return errors.New("backfill: Client, Writer and Enricher are required")
	case c.Source == "":
		return errors.New("backfill: no source index")
	case c.Slices < 0:
		return fmt.Errorf("slices %d: must not be negative", c.Slices)
	case c.PageSize < 0 || c.PageSize > 10000:
		return fmt.Errorf("page size %d: must be between 1 and 10000", c.PageSize)
	}
	if c.Slices == 0 {
		c.Slices = 1
	}
	if c.PageSize == 0 {
		c.PageSize = DefaultPageSize
	}
	if c.KeepAlive <= 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if len(c.SliceIDs) == 0 {
		c.SliceIDs = make([]int, c.Slices)
		for i := range c.SliceIDs {
			c.SliceIDs[i] = i
		}
	}
	seen := map[int]bool{}
	for _, id := range c.SliceIDs {
		if id < 0 || id >= c.Slices {
			return fmt.Errorf("slice id %d: must be in 0..%d", id, c.Slices-1)
		}
		if seen[id] {
			return fmt.Errorf("slice id %d given twice", id)
		}
		seen[id] = true
	}
	if len(c.Query) == 0 {
		c.Query = json.RawMessage(`{"match_all":{}}`)
	}
	var q map[string]json.RawMessage
	if err := json.Unmarshal(c.Query, &q); err != nil || len(q) == 0 {
		return fmt.Errorf("query %s: want a JSON query object such as {\"term\":{\"host.name\":\"a\"}}", truncate(c.Query, 200))
	}
	compact := new(bytes.Buffer)
	if err := json.Compact(compact, c.Query); err == nil {
		c.Query = compact.Bytes()
	}
	return nil
}

// Run backfills per cfg and returns what it did. The error wraps ErrPartial when some documents could not
// be written (their slice stopped there and resumes there), or is ctx's error after an interruption.
func Run(ctx context.Context, cfg Config) (Report, error) {
	if err := cfg.normalize(); err != nil {
		return Report{}, err
	}
	start := time.Now()
	st := &state{cfg: &cfg, perClass: map[string]int64{}}
	ck, err := loadCheckpoint(cfg)
	if err != nil {
		return Report{}, err
	}
	st.ck = ck
	st.report.Total = -1
	for _, id := range cfg.SliceIDs {
		sr := SliceReport{ID: id}
		if s, ok := ck.Slices[id]; ok {
			sr.Done = s.Done
		}
		st.report.Slices = append(st.report.Slices, sr)
	}
	if cfg.Dest == "" {
		if err := refuseDataStream(ctx, cfg); err != nil {
			return Report{}, err
		}
	} else if cfg.Force {
		// A data stream only takes create: with Force, documents already there stay (409, duplicates).
		ds, err := isDataStream(ctx, cfg.Client, cfg.Dest)
		if err != nil {
			return Report{}, err
		}
		st.destCreateOnly = ds
	}
	if n, err := count(ctx, cfg); err == nil {
		st.report.Total = n
	} else {
		cfg.Logger.Warn("count failed; progress has no total", "err", err)
	}
	pit, err := openPIT(ctx, cfg)
	if err != nil {
		return Report{}, err
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := closePIT(cctx, cfg.Client, st.lastPIT(pit)); err != nil {
			cfg.Logger.Warn("close point in time", "err", err)
		}
	}()
	errs := make([]error, len(cfg.SliceIDs))
	var wg sync.WaitGroup
	for i := range cfg.SliceIDs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = st.runSlice(ctx, i, pit)
		}()
	}
	wg.Wait()
	rep := st.snapshot()
	rep.Elapsed = time.Since(start)
	if ctx.Err() != nil {
		return rep, fmt.Errorf("backfill interrupted: %w", ctx.Err())
	}
	return rep, errors.Join(errs...)
}

type state struct {
	cfg      *Config
	mu       sync.Mutex
	report   Report
	perClass map[string]int64
	ck       *checkpoint
	pit      string
	// destCreateOnly: Dest is a data stream, which takes create only, even with Force.
	destCreateOnly bool
}

func (s *state) lastPIT(initial string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pit != "" {
		return s.pit
	}
	return initial
}

func (s *state) snapshot() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.report
	r.Slices = append([]SliceReport(nil), s.report.Slices...)
	r.PerClass = make(map[string]int64, len(s.perClass))
	for k, v := range s.perClass {
		r.PerClass[k] = v
	}
	return r
}

type hit struct {
	Index  string            `json:"_index"`
	ID     string            `json:"_id"`
	Source json.RawMessage   `json:"_source"`
	Sort   []json.RawMessage `json:"sort"`
}

// runSlice pages through slice i of the PIT until it is exhausted, ctx ends or a page cannot be written.
func (s *state) runSlice(ctx context.Context, i int, pit string) error {
	cfg := s.cfg
	id := cfg.SliceIDs[i]
	s.mu.Lock()
	prev := s.ck.Slices[id]
	s.mu.Unlock()
	if prev.Done {
		return nil
	}
	after := prev.After
	for ctx.Err() == nil {
		// The page runs to its end even when ctx ends meanwhile: that is what makes an interrupt clean.
		pctx := context.WithoutCancel(ctx)
		hits, newPIT, err := search(pctx, cfg, pit, id, after)
		if err != nil {
			return fmt.Errorf("slice %d: %w", id, err)
		}
		pit = newPIT
		s.mu.Lock()
		s.pit = newPIT
		s.mu.Unlock()
		if len(hits) == 0 {
			return s.finishPage(i, id, after, true, pageCounts{})
		}
		pc, err := s.processPage(pctx, hits)
		if err != nil {
			s.addCounts(i, pc)
			return fmt.Errorf("slice %d: %w", id, err)
		}
		after = hits[len(hits)-1].Sort
		if len(after) == 0 {
			return fmt.Errorf("slice %d: hits come without sort values", id)
		}
		if err := s.finishPage(i, id, after, len(hits) < cfg.PageSize, pc); err != nil {
			return err
		}
		if len(hits) < cfg.PageSize {
			return nil
		}
	}
	return ctx.Err()
}

type pageCounts struct {
	read, enriched, skipped, written, dups, dead int64
	perClass                                     map[string]int64
}

func (s *state) addCounts(i int, pc pageCounts) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addCountsLocked(i, pc)
}

func (s *state) addCountsLocked(i int, pc pageCounts) {
	sr := &s.report.Slices[i]
	sr.Read += pc.read
	sr.Enriched += pc.enriched
	sr.Skipped += pc.skipped
	sr.Written += pc.written
	sr.Duplicates += pc.dups
	sr.DeadLettered += pc.dead
	for k, v := range pc.perClass {
		s.perClass[k] += v
	}
}

// finishPage counts a fully written page and stores the slice's position.
func (s *state) finishPage(i, id int, after []json.RawMessage, done bool, pc pageCounts) error {
	s.mu.Lock()
	s.addCountsLocked(i, pc)
	sr := &s.report.Slices[i]
	if pc.read > 0 {
		sr.Pages++
	}
	sr.Done = done
	s.ck.Slices[id] = sliceState{After: after, Done: done, Read: s.ck.Slices[id].Read + pc.read}
	err := s.ck.save(s.cfg.Checkpoint)
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("slice %d: %w", id, err)
	}
	if s.cfg.Progress != nil {
		s.cfg.Progress(s.snapshot())
	}
	return nil
}

// processPage enriches the hits that need it and writes the page.
func (s *state) processPage(ctx context.Context, hits []hit) (pageCounts, error) {
	cfg := s.cfg
	eo := cfg.Enricher.Options()
	pc := pageCounts{read: int64(len(hits)), perClass: map[string]int64{}}
	docs := make([]esbulk.Doc, 0, len(hits))
	var recs []map[string]any
	for _, h := range hits {
		var src map[string]any
		if err := json.Unmarshal(h.Source, &src); err != nil || src == nil {
			return pc, fmt.Errorf("document %s/%s: _source is not a JSON object (is _source disabled?)", h.Index, h.ID)
		}
		if cfg.Dest == "" && strings.HasPrefix(h.Index, ".ds-") {
			return pc, fmt.Errorf("document %s/%s is in a data stream's backing index, which cannot be rewritten in place: backfill into a new data stream with a destination", h.Index, h.ID)
		}
		d := esbulk.Doc{ID: h.ID, Index: h.Index, Action: "index"}
		if cfg.Dest != "" {
			d.Index = cfg.Dest
			d.Action = "create"
			if cfg.Force && !s.destCreateOnly {
				d.Action = "index"
			}
		}
		if !cfg.Force && alreadyEnriched(src, eo.ResultKey, eo.Model) {
			pc.skipped++
			if cfg.Dest == "" {
				continue
			}
			d.Body = h.Source
			docs = append(docs, d)
			continue
		}
		d.Source = src
		recs = append(recs, src)
		docs = append(docs, d)
	}
	if len(recs) > 0 {
		if err := cfg.Enricher.Enrich(ctx, recs); err != nil {
			return pc, fmt.Errorf("enrich page: %w", err)
		}
		pc.enriched = int64(len(recs))
		for _, rec := range recs {
			if v, ok := record.Lookup(rec, eo.ResultKey+".class"); ok {
				if c, ok := v.(string); ok {
					pc.perClass[c]++
				}
			}
		}
	}
	if len(docs) == 0 {
		return pc, nil
	}
	out, err := cfg.Writer.Write(ctx, docs)
	pc.written = int64(out.Indexed)
	pc.dups = int64(out.Duplicates)
	pc.dead = int64(out.DeadLettered + out.Rejected)
	if err != nil {
		return pc, fmt.Errorf("write page: %w", err)
	}
	if !out.Done() {
		return pc, fmt.Errorf("write page: %d of %d documents still failing after retries: %w", out.Retryable, len(docs), ErrPartial)
	}
	return pc, nil
}

// alreadyEnriched reports whether src holds an ok result of model under key.
func alreadyEnriched(src map[string]any, key, model string) bool {
	v, ok := record.Lookup(src, key)
	if !ok {
		return false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	return m["status"] == schema.StatusOK && m["model"] == model && model != ""
}

// do runs an esapi request and decodes a 2xx JSON answer into out.
func do(what string, res *esapi.Response, err error, out any) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer res.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(res.Body, 256<<20))
	if rerr != nil {
		return fmt.Errorf("%s: read answer: %w", what, rerr)
	}
	if res.IsError() {
		return fmt.Errorf("%s: %s", what, errorText(res.StatusCode, body))
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return fmt.Errorf("%s: decode answer: %w", what, err)
		}
	}
	return nil
}

// errorText turns an Elasticsearch error body into "status type: reason".
func errorText(status int, body []byte) string {
	var e struct {
		Error struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Reason != "" {
		return fmt.Sprintf("%d %s: %s", status, e.Error.Type, e.Error.Reason)
	}
	return fmt.Sprintf("%d: %s", status, truncate(body, 300))
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}

func refuseDataStream(ctx context.Context, cfg Config) error {
	ds, err := isDataStream(ctx, cfg.Client, cfg.Source)
	if err != nil {
		return err
	}
	if ds {
		return fmt.Errorf("%s is a data stream: its documents cannot be updated in place (backing indices accept only create); backfill into a new data stream or index with a destination instead", cfg.Source)
	}
	return nil
}

// isDataStream reports whether name names one or more data streams.
func isDataStream(ctx context.Context, es *elasticsearch.Client, name string) (bool, error) {
	res, err := es.Indices.GetDataStream(es.Indices.GetDataStream.WithName(name), es.Indices.GetDataStream.WithContext(ctx))
	if err != nil {
		return false, fmt.Errorf("check whether %s is a data stream: %w", name, err)
	}
	defer res.Body.Close()
	if res.IsError() {
		return false, nil // 404: no such stream; other errors: hits from .ds- indices are still refused in place
	}
	var ds struct {
		DataStreams []struct {
			Name string `json:"name"`
		} `json:"data_streams"`
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if json.Unmarshal(body, &ds) != nil {
		return false, nil
	}
	return len(ds.DataStreams) > 0, nil
}

func count(ctx context.Context, cfg Config) (int64, error) {
	es := cfg.Client
	body := []byte(`{"query":` + string(cfg.Query) + `}`)
	res, err := es.Count(es.Count.WithIndex(cfg.Source), es.Count.WithBody(bytes.NewReader(body)), es.Count.WithContext(ctx))
	var out struct {
		Count int64 `json:"count"`
	}
	if err := do("count "+cfg.Source, res, err, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

func keepAlive(d time.Duration) string {
	if s := int64(d / time.Second); s > 0 {
		return fmt.Sprintf("%ds", s)
	}
	return "1s"
}

func openPIT(ctx context.Context, cfg Config) (string, error) {
	es := cfg.Client
	res, err := es.OpenPointInTime([]string{cfg.Source}, keepAlive(cfg.KeepAlive), es.OpenPointInTime.WithContext(ctx))
	var out struct {
		ID string `json:"id"`
	}
	if err := do("open point in time on "+cfg.Source, res, err, &out); err != nil {
		return "", err
	}
	if out.ID == "" {
		return "", fmt.Errorf("open point in time on %s: answer has no id", cfg.Source)
	}
	return out.ID, nil
}

func closePIT(ctx context.Context, es *elasticsearch.Client, id string) error {
	body, _ := json.Marshal(map[string]string{"id": id})
	res, err := es.ClosePointInTime(es.ClosePointInTime.WithBody(bytes.NewReader(body)), es.ClosePointInTime.WithContext(ctx))
	return do("close point in time", res, err, nil)
}

func search(ctx context.Context, cfg *Config, pit string, slice int, after []json.RawMessage) ([]hit, string, error) {
	req := map[string]any{
		"size":             cfg.PageSize,
		"query":            cfg.Query,
		"pit":              map[string]any{"id": pit, "keep_alive": keepAlive(cfg.KeepAlive)},
		"track_total_hits": false,
	}
	sort := []any{map[string]any{"_shard_doc": "asc"}}
	if cfg.SortBy != "" {
		sort = append([]any{map[string]any{cfg.SortBy: "asc"}}, sort...)
	}
	req["sort"] = sort
	if len(after) > 0 {
		req["search_after"] = after
	}
	if cfg.Slices > 1 {
		req["slice"] = map[string]int{"id": slice, "max": cfg.Slices}
	}
	body, err := json.Marshal(req)
	if err != nil {
		return nil, "", fmt.Errorf("search request: %w", err)
	}
	es := cfg.Client
	res, err := es.Search(es.Search.WithBody(bytes.NewReader(body)), es.Search.WithContext(ctx))
	var out struct {
		PitID string `json:"pit_id"`
		Hits  struct {
			Hits []hit `json:"hits"`
		} `json:"hits"`
	}
	if err := do(fmt.Sprintf("search slice %d", slice), res, err, &out); err != nil {
		return nil, "", err
	}
	if out.PitID == "" {
		out.PitID = pit
	}
	return out.Hits.Hits, out.PitID, nil
}
