// Package sink delivers enriched events: to Elasticsearch, to a forward receiver, to standard output, or
// nowhere (for benchmarks). Every sink's Write is synchronous: when it returns, the outcome of every event
// is known, which is what lets the plugin answer Fluent Bit with OK or RETRY truthfully.
package sink

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/forward"
)

// Event is one enriched event.
type Event struct {
	Time     time.Time
	Metadata map[string]any // Fluent Bit v2 metadata; nil or empty for v1 events
	Record   map[string]any
	// Key is the event's identity: tag, encoded timestamp/metadata and encoded body, the same bytes
	// every time Fluent Bit re-sends the chunk. Sinks derive deterministic ids from it.
	Key [][]byte
}

// Outcome counts what happened to the events of one Write.
type Outcome struct {
	Delivered    int // taken by the destination
	Duplicates   int // already there from an earlier attempt (Elasticsearch 409 on create)
	DeadLettered int // rejected for good and written to the dead-letter file
	Retryable    int // not delivered; Fluent Bit should send the chunk again
}

// Sink delivers events. Write is safe for concurrent use. A non-nil error means no event's delivery is
// known to have happened: the caller retries the whole chunk.
type Sink interface {
	Write(ctx context.Context, tag string, events []Event) (Outcome, error)
	Close() error
}

// Null drops every event after classification; it measures the classification path alone.
type Null struct{}

// Write implements Sink.
func (Null) Write(_ context.Context, _ string, events []Event) (Outcome, error) {
	return Outcome{Delivered: len(events)}, nil
}

// Close implements Sink.
func (Null) Close() error { return nil }

// Stdout writes one JSON object per event, a line each, in the form of Fluent Bit's json_lines output:
// {"date": <RFC 3339 event time>, "tag": <tag>, <record fields>...}. A record field named date or tag
// wins over the added one. Each Write goes out with a single write call.
type Stdout struct {
	mu sync.Mutex
	w  io.Writer
}

// NewStdout returns a Stdout sink over w.
func NewStdout(w io.Writer) *Stdout { return &Stdout{w: w} }

// Write implements Sink.
func (s *Stdout) Write(_ context.Context, tag string, events []Event) (Outcome, error) {
	var buf []byte
	for _, ev := range events {
		line, err := JSONLine(tag, ev)
		if err != nil {
			return Outcome{Retryable: len(events)}, err
		}
		buf = append(append(buf, line...), '\n')
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.w.Write(buf); err != nil {
		return Outcome{Retryable: len(events)}, fmt.Errorf("write stdout: %w", err)
	}
	return Outcome{Delivered: len(events)}, nil
}

// Close implements Sink.
func (s *Stdout) Close() error { return nil }

// JSONLine renders one event as Stdout writes it.
func JSONLine(tag string, ev Event) ([]byte, error) {
	body, err := json.Marshal(ev.Record)
	if err != nil {
		return nil, fmt.Errorf("encode record: %w", err)
	}
	var head []byte
	if _, ok := ev.Record["date"]; !ok {
		head = fmt.Appendf(head, `"date":%q,`, ev.Time.UTC().Format(time.RFC3339Nano))
	}
	if _, ok := ev.Record["tag"]; !ok {
		t, _ := json.Marshal(tag)
		head = append(append(append(head, `"tag":`...), t...), ',')
	}
	if len(body) == 2 { // {}
		head = head[:max(len(head)-1, 0)]
	}
	out := make([]byte, 0, len(head)+len(body)+1)
	out = append(out, '{')
	out = append(out, head...)
	return append(out, body[1:]...), nil
}

// Forward re-emits events over the forward protocol under one tag and waits for the receiver's ack.
type Forward struct {
	client *forward.Client
	tag    string
}

// NewForward returns a Forward sink to addr that tags events with tag. workers sizes the idle
// connection pool (one connection per concurrent flush).
func NewForward(addr, tag string, workers int) *Forward {
	return &Forward{client: forward.NewClient(addr, workers), tag: tag}
}

// Write implements Sink. The chunk id is derived from the events' keys, so a re-sent chunk carries
// the same id.
func (f *Forward) Write(ctx context.Context, _ string, events []Event) (Outcome, error) {
	entries := make([]forward.Entry, len(events))
	h := sha256.New()
	for i, ev := range events {
		entries[i] = forward.Entry{Time: ev.Time, Metadata: ev.Metadata, Record: ev.Record}
		for _, k := range ev.Key {
			fmt.Fprintf(h, "%d:", len(k))
			h.Write(k)
		}
	}
	chunk := hex.EncodeToString(h.Sum(nil)[:16])
	if err := f.client.Send(ctx, f.tag, chunk, entries); err != nil {
		return Outcome{Retryable: len(events)}, err
	}
	return Outcome{Delivered: len(events)}, nil
}

// Close implements Sink.
func (f *Forward) Close() error { return f.client.Close() }
