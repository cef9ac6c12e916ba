// Package deadletter appends what the plugin cannot deliver to a file, one JSON object per line, so that
// nothing is ever dropped silently: chunk bytes that do not decode, and chunks whose flush panicked.
// (Documents Elasticsearch rejects for good are written by the bulk writer's own dead-letter file, which
// may be the same path: every line is written with a single append.)
package deadletter

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// Entry is one dead letter.
type Entry struct {
	Time   time.Time `json:"time"`
	Source string    `json:"source"` // "ttpscope-fluentbit"
	Tag    string    `json:"tag"`
	Reason string    `json:"reason"`
	// Record is the decoded record, when there is one.
	Record any `json:"record,omitempty"`
	// Msgpack holds the original bytes (base64), when they did not decode.
	Msgpack string `json:"msgpack_base64,omitempty"`
	Offset  int    `json:"offset,omitempty"`
}

// Writer appends entries to a file, opened on first use. It is safe for concurrent use.
type Writer struct {
	path string
	mu   sync.Mutex
	f    *os.File
	n    int
}

// New returns a Writer for path. An empty path gives a Writer whose Write fails, so callers log instead.
func New(path string) *Writer { return &Writer{path: path} }

// Path returns the file path.
func (w *Writer) Path() string { return w.path }

// Raw makes an entry for bytes that did not decode.
func Raw(tag, reason string, offset int, raw []byte) Entry {
	return Entry{Time: time.Now().UTC(), Source: "ttpscope-fluentbit", Tag: tag, Reason: reason, Offset: offset,
		Msgpack: base64.StdEncoding.EncodeToString(raw)}
}

// Write appends entries and syncs the file.
func (w *Writer) Write(entries ...Entry) error {
	if w.path == "" {
		return fmt.Errorf("no dead_letter_path set")
	}
	var buf []byte
	for _, e := range entries {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("encode dead letter: %w", err)
		}
		buf = append(append(buf, b...), '\n')
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		f, err := os.OpenFile(w.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return fmt.Errorf("open dead-letter file: %w", err)
		}
		w.f = f
	}
	if _, err := w.f.Write(buf); err != nil {
		return fmt.Errorf("write dead-letter file %s: %w", w.path, err)
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("sync dead-letter file %s: %w", w.path, err)
	}
	w.n += len(entries)
	return nil
}

// Count returns the number of entries written.
func (w *Writer) Count() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n
}

// Close closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.f == nil {
		return nil
	}
	err := w.f.Close()
	w.f = nil
	return err
}
