// Package cache holds classification results keyed on normalized text.
//
// Process logs repeat themselves: the same scheduled task, agent or shell loop writes the same command line
// thousands of times a day. The cache makes a repeat cost one map lookup instead of a model run. It is bounded
// in entries (least recently used entries are evicted) and in bytes: texts longer than MaxKeyBytes are never
// cached, so the memory the cache holds is at most entries × (MaxKeyBytes + the value's size). It is safe for
// concurrent use and counts hits and misses.
//
// A cache hit returns exactly the value that was stored for that normalized text, so it never changes a
// result: the classifier is deterministic for a given text, and the key is the complete text the model saw.
package cache

import (
	"sync/atomic"

	lru "github.com/hashicorp/golang-lru/v2"
)

// DefaultMaxKeyBytes is the longest normalized text the cache stores by default.
const DefaultMaxKeyBytes = 4096

// Cache maps normalized text to a value of type V. A nil *Cache is a valid, always-missing cache.
type Cache[V any] struct {
	lru         *lru.Cache[string, V]
	maxKeyBytes int
	maxEntries  int
	hits        atomic.Uint64
	misses      atomic.Uint64
}

// Stats is a snapshot of the cache's counters.
type Stats struct {
	Hits, Misses uint64
	Entries      int
	MaxEntries   int
}

// New returns a cache holding at most entries values and keys of at most maxKeyBytes bytes
// (0 means DefaultMaxKeyBytes). entries ≤ 0 returns nil: caching disabled.
func New[V any](entries, maxKeyBytes int) (*Cache[V], error) {
	if entries <= 0 {
		return nil, nil
	}
	l, err := lru.New[string, V](entries)
	if err != nil {
		return nil, err
	}
	if maxKeyBytes <= 0 {
		maxKeyBytes = DefaultMaxKeyBytes
	}
	return &Cache[V]{lru: l, maxKeyBytes: maxKeyBytes, maxEntries: entries}, nil
}

// Get returns the value stored for key.
func (c *Cache[V]) Get(key string) (V, bool) {
	if c == nil {
		var zero V
		return zero, false
	}
	v, ok := c.lru.Get(key)
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return v, ok
}

// Add stores v for key unless the key is too long to be worth its memory.
func (c *Cache[V]) Add(key string, v V) {
	if c == nil || len(key) > c.maxKeyBytes {
		return
	}
	c.lru.Add(key, v)
}

// Stats returns a snapshot of the counters.
func (c *Cache[V]) Stats() Stats {
	if c == nil {
		return Stats{}
	}
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Entries: c.lru.Len(), MaxEntries: c.maxEntries}
}
