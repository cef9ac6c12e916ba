package backfill

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ttpscope/ttpscope/shared/atomicfile"
)

// checkpointVersion is written into every checkpoint file.
const checkpointVersion = 1

// checkpoint is the resume state of one process: the source, query and slicing it was made for, and per
// slice the sort values of the last page fully written.
type checkpoint struct {
	Version int                `json:"version"`
	Source  string             `json:"source"`
	Dest    string             `json:"dest"`
	Query   json.RawMessage    `json:"query"`
	Max     int                `json:"slices_max"`
	SortBy  string             `json:"sort_by,omitempty"`
	Updated time.Time          `json:"updated"`
	Slices  map[int]sliceState `json:"slices"`
}

type sliceState struct {
	After []json.RawMessage `json:"search_after,omitempty"`
	Done  bool              `json:"done"`
	Read  int64             `json:"read"`
}

// loadCheckpoint reads cfg.Checkpoint, or starts a fresh state when there is none (or no file yet). A file
// made for another source, destination, query, slicing or sort is refused: its sort values would be
// meaningless.
func loadCheckpoint(cfg Config) (*checkpoint, error) {
	fresh := &checkpoint{Version: checkpointVersion, Source: cfg.Source, Dest: cfg.Dest, Query: cfg.Query,
		Max: cfg.Slices, SortBy: cfg.SortBy, Slices: map[int]sliceState{}}
	if cfg.Checkpoint == "" {
		return fresh, nil
	}
	b, err := os.ReadFile(cfg.Checkpoint)
	if errors.Is(err, os.ErrNotExist) {
		return fresh, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read checkpoint: %w", err)
	}
	var ck checkpoint
	if err := json.Unmarshal(b, &ck); err != nil {
		return nil, fmt.Errorf("checkpoint %s: not a backfill checkpoint: %w", cfg.Checkpoint, err)
	}
	if ck.Version != checkpointVersion {
		return nil, fmt.Errorf("checkpoint %s: version %d, want %d", cfg.Checkpoint, ck.Version, checkpointVersion)
	}
	var q bytes.Buffer
	_ = json.Compact(&q, ck.Query)
	if ck.Source != cfg.Source || ck.Dest != cfg.Dest || ck.Max != cfg.Slices || ck.SortBy != cfg.SortBy || q.String() != string(cfg.Query) {
		return nil, fmt.Errorf("checkpoint %s was made for source %q, dest %q, %d slices, sort %q, query %s: "+
			"it does not match this run (source %q, dest %q, %d slices, sort %q, query %s); remove it to start over",
			cfg.Checkpoint, ck.Source, ck.Dest, ck.Max, ck.SortBy, q.String(), cfg.Source, cfg.Dest, cfg.Slices, cfg.SortBy, cfg.Query)
	}
	if ck.Slices == nil {
		ck.Slices = map[int]sliceState{}
	}
	return &ck, nil
}

// save writes the checkpoint atomically: a temporary file in the same directory, fsynced, renamed over the
// old one. No-op when path is "".
func (c *checkpoint) save(path string) error {
	if path == "" {
		return nil
	}
	c.Updated = time.Now().UTC()
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encode checkpoint: %w", err)
	}
	if err := atomicfile.WriteFile(path, append(b, '\n')); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}
