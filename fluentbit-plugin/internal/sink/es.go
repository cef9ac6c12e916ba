package sink

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"sync/atomic"
	"time"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/config"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/deadletter"
	"github.com/ttpscope/ttpscope/shared/esbulk"
)

// ES indexes events with the bulk API, synchronously: Write returns when every event is indexed, known
// to be there already, dead-lettered, or still retryable at the deadline.
//
//   - Every event is a "create" action (data streams accept nothing else). With es_id hash its _id is
//     derived from the event's key (tag, encoded time and metadata, encoded body), so a re-sent chunk
//     makes the same ids and a 409 on create means the document is already there: counted as done.
//   - A failed request (connection error, 429, 5xx) and items that failed with 429 or 5xx are retried
//     inside the call with jittered exponential back-off, only the failed items, while the context
//     leaves time for another try; what remains is Retryable and Fluent Bit re-sends the chunk.
//   - Items rejected for good (any other 4xx, mapping errors above all) go to the dead-letter file with
//     the record and the error. If that file cannot be written they stay Retryable: never dropped.
//   - Other whole-request failures (401, 403, 404, 413, ...) are not retried inside the call: they are
//     logged and the whole chunk is Retryable, bounded by Fluent Bit's Retry_Limit.
type ES struct {
	client   *http.Client
	urls     []string
	next     atomic.Uint64 // round-robin over urls
	index    esbulk.IndexPattern
	pipeline string
	hashIDs  bool
	auth     string
	dead     *deadletter.Writer
	log      *slog.Logger
}

// Back-off between attempts inside one Write.
const (
	esBackoffBase = 100 * time.Millisecond
	esBackoffMax  = time.Second
	// esMinAttempt is the least time worth starting another request with.
	esMinAttempt = 150 * time.Millisecond
)

// NewES returns the Elasticsearch sink for cfg; dead-lettered documents go to dead.
func NewES(cfg *config.Config, dead *deadletter.Writer, log *slog.Logger) (*ES, error) {
	tlsCfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: !cfg.ESTLSVerify} //nolint:gosec // es_tls_verify off is the user's explicit choice
	if cfg.ESCAFile != "" {
		pem, err := os.ReadFile(cfg.ESCAFile)
		if err != nil {
			return nil, fmt.Errorf("es_ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("es_ca_file %s: no PEM certificate", cfg.ESCAFile)
		}
		tlsCfg.RootCAs = pool
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = tlsCfg
	tr.MaxIdleConnsPerHost = 16
	s := &ES{client: &http.Client{Transport: tr}, urls: cfg.ESURLs, index: cfg.ESIndexPattern, pipeline: cfg.ESPipeline,
		hashIDs: cfg.ESID == config.IDHash, dead: dead, log: log}
	switch {
	case cfg.ESAPIKey != "":
		s.auth = "ApiKey " + cfg.ESAPIKey
	case cfg.ESUser != "":
		s.auth = "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.ESUser+":"+cfg.ESPassword))
	}
	return s, nil
}

// DocID is the deterministic _id of an event with key parts: base64url of the first 20 bytes of the
// SHA-256 over the length-prefixed parts.
func DocID(key [][]byte) string {
	h := sha256.New()
	for _, k := range key {
		fmt.Fprintf(h, "%d:", len(k))
		h.Write(k)
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:20])
}

type esDoc struct {
	index, id string
	line      []byte // action line + source line, newline-terminated
	record    map[string]any
}

// Write implements Sink.
func (s *ES) Write(ctx context.Context, tag string, events []Event) (Outcome, error) {
	var out Outcome
	pending := make([]esDoc, 0, len(events))
	for _, ev := range events {
		d, err := s.doc(ev)
		if err != nil { // a record JSON cannot carry: no attempt can succeed
			if derr := s.dead.Write(s.deadLetter(tag, ev.Record, d.index, d.id, "encode: "+err.Error())); derr != nil {
				out.Retryable++
				s.log.Error("record neither encodable nor dead-lettered", "err", err, "dead_letter_err", derr)
				continue
			}
			out.DeadLettered++
			continue
		}
		pending = append(pending, d)
	}
	var lastErr error
	for attempt := 0; len(pending) > 0; attempt++ {
		if attempt > 0 {
			wait := backoff(attempt)
			if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait+esMinAttempt {
				break
			}
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
			if ctx.Err() != nil {
				break
			}
		}
		retry, res, err := s.bulk(ctx, tag, pending)
		out.Delivered += res.Delivered
		out.Duplicates += res.Duplicates
		out.DeadLettered += res.DeadLettered
		pending, lastErr = retry, err
		var fatal *fatalStatus
		if errors.As(err, &fatal) {
			break // not worth retrying inside the flush
		}
		if err != nil {
			s.log.Warn("bulk request failed, retrying", "attempt", attempt+1, "docs", len(pending), "err", err)
		} else if len(pending) > 0 {
			s.log.Debug("bulk items to retry", "attempt", attempt+1, "docs", len(pending))
		}
	}
	out.Retryable += len(pending)
	if len(pending) > 0 && lastErr == nil {
		lastErr = fmt.Errorf("%d documents still failing with 429/5xx at the flush deadline", len(pending))
	}
	if out.Retryable == 0 {
		return out, nil
	}
	return out, lastErr
}

func backoff(attempt int) time.Duration {
	d := min(esBackoffBase<<(attempt-1), esBackoffMax)
	return d/2 + rand.N(d/2+1) // jitter: [d/2, d]
}

func (s *ES) doc(ev Event) (esDoc, error) {
	d := esDoc{index: s.index.Format(ev.Time), record: ev.Record}
	if s.hashIDs {
		d.id = DocID(ev.Key)
	}
	if _, ok := ev.Record["@timestamp"]; !ok {
		ev.Record["@timestamp"] = ev.Time.UTC().Format(time.RFC3339Nano)
	}
	src, err := json.Marshal(ev.Record)
	if err != nil {
		return d, err
	}
	meta := map[string]string{"_index": d.index}
	if d.id != "" {
		meta["_id"] = d.id
	}
	action, _ := json.Marshal(map[string]any{"create": meta})
	d.line = append(append(append(action, '\n'), src...), '\n')
	return d, nil
}

// fatalStatus is a whole-request failure that retrying inside the flush will not fix.
type fatalStatus struct {
	status int
	body   string
}

func (e *fatalStatus) Error() string {
	return fmt.Sprintf("bulk request: HTTP %d: %s", e.status, e.body)
}

type bulkReply struct {
	Errors bool `json:"errors"`
	Items  []map[string]struct {
		Index  string `json:"_index"`
		ID     string `json:"_id"`
		Status int    `json:"status"`
		Error  *struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		} `json:"error"`
	} `json:"items"`
}

// bulk sends docs once and returns the ones to retry.
func (s *ES) bulk(ctx context.Context, tag string, docs []esDoc) (retry []esDoc, out Outcome, err error) {
	var body bytes.Buffer
	for _, d := range docs {
		body.Write(d.line)
	}
	base := s.urls[int(s.next.Add(1)-1)%len(s.urls)]
	u := base + "/_bulk"
	if s.pipeline != "" {
		u += "?pipeline=" + url.QueryEscape(s.pipeline)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, &body)
	if err != nil {
		return docs, out, err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	if s.auth != "" {
		req.Header.Set("Authorization", s.auth)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return docs, out, fmt.Errorf("bulk request to %s: %w", base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return docs, out, fmt.Errorf("read bulk reply from %s: %w", base, err)
	}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return docs, out, fmt.Errorf("bulk request to %s: HTTP %d", base, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return docs, out, &fatalStatus{status: resp.StatusCode, body: truncate(string(data), 500)}
	}
	var reply bulkReply
	if err := json.Unmarshal(data, &reply); err != nil {
		return docs, out, fmt.Errorf("decode bulk reply from %s: %w", base, err)
	}
	if len(reply.Items) != len(docs) {
		return docs, out, fmt.Errorf("bulk reply from %s has %d items for %d documents", base, len(reply.Items), len(docs))
	}
	var dead []deadletter.Entry
	var deadDocs []esDoc
	for i, item := range reply.Items {
		var status int
		var reason string
		for _, r := range item { // one key: the action
			status = r.Status
			if r.Error != nil {
				reason = r.Error.Type + ": " + r.Error.Reason
			}
		}
		switch {
		case status >= 200 && status < 300:
			out.Delivered++
		case status == http.StatusConflict && docs[i].id != "":
			out.Duplicates++ // an earlier attempt (or an earlier send of the chunk) created it
		case status == http.StatusTooManyRequests || status >= 500 || status == 0:
			retry = append(retry, docs[i])
		default:
			dead = append(dead, s.deadLetter(tag, docs[i].record, docs[i].index, docs[i].id, fmt.Sprintf("HTTP %d %s", status, reason)))
			deadDocs = append(deadDocs, docs[i])
		}
	}
	if len(dead) > 0 {
		if err := s.dead.Write(dead...); err != nil {
			s.log.Error("dead-letter file not written: the rejected documents stay retryable", "docs", len(dead), "err", err)
			return append(retry, deadDocs...), out, nil
		}
		out.DeadLettered += len(dead)
		s.log.Warn("documents rejected by Elasticsearch written to the dead-letter file", "docs", len(dead),
			"path", s.dead.Path(), "first", dead[0].Reason)
	}
	return retry, out, nil
}

func (s *ES) deadLetter(tag string, rec map[string]any, index, id, reason string) deadletter.Entry {
	return deadletter.Entry{Time: time.Now().UTC(), Source: "ttpscope-fluentbit", Tag: tag,
		Reason: fmt.Sprintf("index %s id %s: %s", index, id, reason), Record: rec}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// Close implements Sink.
func (s *ES) Close() error {
	s.client.CloseIdleConnections()
	return nil
}
