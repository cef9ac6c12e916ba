package esbulk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DeadLetter is one line of the dead-letter file.
type DeadLetter struct {
	Time   time.Time       `json:"time"`
	Index  string          `json:"index"`
	ID     string          `json:"id,omitempty"`
	Action string          `json:"action,omitempty"`
	Status int             `json:"status"` // the item's HTTP status; 0 when it was never sent (invalid)
	Error  json.RawMessage `json:"error"`  // ES's error object (type, reason, caused_by...)
	Tries  int             `json:"tries"`
	// Document is the document as sent (a JSON object). DocumentText holds
	// the raw bytes instead when they were not valid JSON.
	Document     json.RawMessage `json:"document,omitempty"`
	DocumentText string          `json:"document_text,omitempty"`
}

// deadLetter appends JSON lines to a file, one write and one fsync per
// batch, so a counted dead letter is on disk.
type deadLetter struct {
	mu   sync.Mutex
	f    *os.File
	w    io.Writer    // f, or a test double
	sync func() error // f.Sync
	seen *lru.Cache[string, struct{}]
}

func openDeadLetter(path string, dedup int) (*deadLetter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	d := &deadLetter{f: f, w: f, sync: f.Sync}
	if dedup > 0 {
		d.seen, err = lru.New[string, struct{}](dedup)
		if err != nil {
			_ = f.Close()
			return nil, err
		}
	}
	return d, nil
}

func dedupKey(it *item) string {
	if it.id == "" {
		return ""
	}
	return it.index + "\x00" + it.id
}

// write appends a record per item, skipping items with an id already
// dead-lettered by this writer (a resent batch), then syncs. On error no
// item may be counted as dead-lettered.
func (d *deadLetter) write(items []*item, now time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.w == nil {
		return fmt.Errorf("dead-letter file is closed")
	}
	var buf bytes.Buffer
	var keys []string
	batch := map[string]bool{}
	for _, it := range items {
		k := dedupKey(it)
		if k != "" && d.seen != nil {
			if _, ok := d.seen.Get(k); ok || batch[k] {
				continue
			}
			batch[k] = true
		}
		rec := DeadLetter{Time: now.UTC(), Index: it.index, ID: it.id, Action: it.action, Status: it.status, Error: it.errObj, Tries: it.tries}
		if len(rec.Error) == 0 {
			msg := ""
			if it.err != nil {
				msg = it.err.Error()
			}
			rec.Error = syntheticError("esbulk_error", msg)
		}
		doc := docBytes(it)
		if json.Valid(doc) {
			rec.Document = doc
		} else {
			rec.DocumentText = string(doc)
		}
		line, err := json.Marshal(rec)
		if err != nil {
			return fmt.Errorf("encode dead letter for %s/%s: %w", it.index, it.id, err)
		}
		buf.Write(line)
		buf.WriteByte('\n')
		if k != "" {
			keys = append(keys, k)
		}
	}
	if buf.Len() == 0 {
		return nil
	}
	if _, err := d.w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("append: %w", err)
	}
	if err := d.sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if d.seen != nil {
		for _, k := range keys {
			d.seen.Add(k, struct{}{})
		}
	}
	return nil
}

func (d *deadLetter) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.w = nil
	if d.f == nil {
		return nil
	}
	err := d.f.Close()
	d.f = nil
	if err != nil {
		return fmt.Errorf("close dead-letter file: %w", err)
	}
	return nil
}
