package tokenizer

import (
	"hash/maphash"
	"strings"
	"sync"
)

// bpeModel is Hugging Face's BPE model applied to byte-level pre-tokenized words. A word is given as
// its raw bytes; each byte is one BPE unit (one byte-level character).
type bpeModel struct {
	vocab   map[string]int32
	vocabR  []string // id -> token; "" where vocabOK is false
	vocabOK []bool
	size    int // number of vocab entries (Hugging Face's get_vocab_size)
	merges  map[uint64]mergeInfo
	unkID   int32 // -1: no unk token
	fuseUnk bool
	// ignoreMerges: a word found whole in the vocab is one token.
	ignoreMerges bool
	prefix       string // continuing_subword_prefix
	suffix       string // end_of_word_suffix
	chars        *[256]string
	// unit[first][last][b] is the id of byte b's unit (with prefix unless first, suffix if last), -1 if
	// not in the vocab.
	unit  [2][2][256]int32
	cache *bpeCache
}

type mergeInfo struct{ rank, newID int32 }

// bpePiece is one token of a word: its id and how many units (raw bytes) it covers.
type bpePiece struct{ id, n int32 }

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

func (m *bpeModel) initUnits() {
	for first := 0; first < 2; first++ {
		for last := 0; last < 2; last++ {
			for b := 0; b < 256; b++ {
				s := m.chars[b]
				if first == 0 {
					s = m.prefix + s
				}
				if last == 1 {
					s += m.suffix
				}
				id, ok := m.vocab[s]
				if !ok {
					id = -1
				}
				m.unit[first][last][b] = id
			}
		}
	}
}

// maxCachedWord is the longest word (in bytes) whose BPE result is cached, as in Hugging Face.
const maxCachedWord = 256

// tokenize returns the BPE tokens of a word given as raw bytes. The result must not be modified.
func (m *bpeModel) tokenize(word string) []bpePiece {
	if len(word) == 0 {
		return nil
	}
	if len(word) < maxCachedWord {
		if p, ok := m.cache.get(word); ok {
			return p
		}
	}
	p := m.tokenizeUncached(word)
	if len(word) < maxCachedWord {
		m.cache.set(word, p)
	}
	return p
}

type symbol struct {
	id, prev, next, n int32
}

type mergeItem struct{ pos, rank, newID int32 }

func (m *bpeModel) tokenizeUncached(word string) []bpePiece {
	if m.ignoreMerges {
		if id, ok := m.vocab[byteLevelString(m.chars, word)]; ok {
			return []bpePiece{{id, int32(len(word))}}
		}
	}
	// merge_word: one symbol per unit; unknown units become (possibly fused) unk or are dropped.
	syms := make([]symbol, 0, len(word))
	add := func(id, n int32) {
		l := int32(len(syms))
		if l > 0 {
			syms[l-1].next = l
		}
		syms = append(syms, symbol{id: id, prev: l - 1, next: -1, n: n})
	}
	unkN := int32(0) // units in the pending unk symbol, 0 if none
	last := len(word) - 1
	for k := 0; k < len(word); k++ {
		first, isLast := 0, 0
		if k == 0 {
			first = 1
		}
		if k == last {
			isLast = 1
		}
		id := m.unit[first][isLast][word[k]]
		switch {
		case id >= 0:
			if unkN > 0 {
				add(m.unkID, unkN)
				unkN = 0
			}
			add(id, 1)
		case m.unkID >= 0:
			if unkN > 0 && !m.fuseUnk {
				add(m.unkID, unkN)
				unkN = 0
			}
			unkN++
		}
		// With no unk token, an unknown unit is dropped (as Hugging Face does).
	}
	if unkN > 0 {
		add(m.unkID, unkN)
	}
	if len(syms) > 1 && len(m.merges) > 0 {
		m.mergeAll(syms)
	}
	out := make([]bpePiece, 0, len(syms))
	for _, s := range syms {
		if s.n != 0 {
			out = append(out, bpePiece{s.id, s.n})
		}
	}
	return out
}

// mergeAll is Word::merge_all: repeatedly apply the lowest-rank merge (leftmost on ties), with the
// same priority queue and staleness checks as Hugging Face.
func (m *bpeModel) mergeAll(syms []symbol) {
	h := mergeHeap(make([]mergeItem, 0, len(syms)))
	for i := 0; i+1 < len(syms); i++ {
		if mi, ok := m.merges[pairKey(syms[i].id, syms[i+1].id)]; ok {
			h.push(mergeItem{int32(i), mi.rank, mi.newID})
		}
	}
	for len(h) > 0 {
		top := h.pop()
		cur := &syms[top.pos]
		if cur.n == 0 || cur.next == -1 {
			continue
		}
		nextPos := cur.next
		right := syms[nextPos]
		if mi, ok := m.merges[pairKey(cur.id, right.id)]; !ok || mi.newID != top.newID {
			continue
		}
		cur.id = top.newID
		cur.n += right.n
		cur.next = right.next
		syms[nextPos].n = 0
		if right.next >= 0 {
			syms[right.next].prev = top.pos
		}
		if cur.prev >= 0 {
			if mi, ok := m.merges[pairKey(syms[cur.prev].id, cur.id)]; ok {
				h.push(mergeItem{cur.prev, mi.rank, mi.newID})
			}
		}
		if cur.next >= 0 {
			if mi, ok := m.merges[pairKey(cur.id, syms[cur.next].id)]; ok {
				h.push(mergeItem{top.pos, mi.rank, mi.newID})
			}
		}
	}
}

// mergeHeap is a binary min-heap ordered by (rank, pos).
type mergeHeap []mergeItem

func (a mergeItem) less(b mergeItem) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.pos < b.pos)
}

func (h *mergeHeap) push(x mergeItem) {
	s := append(*h, x)
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s[i].less(s[p]) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
	*h = s
}

func (h *mergeHeap) pop() mergeItem {
	s := *h
	top := s[0]
	n := len(s) - 1
	s[0] = s[n]
	s = s[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		c := l
		if r := l + 1; r < n && s[r].less(s[l]) {
			c = r
		}
		if !s[c].less(s[i]) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}

// bpeCache is a bounded, concurrency-safe map from word to BPE result. Each shard is cleared when
// full, which keeps memory bounded while hot words quickly come back.
type bpeCache struct {
	seed     maphash.Seed
	perShard int
	shards   [cacheShards]cacheShard
}

const cacheShards = 16

type cacheShard struct {
	mu sync.RWMutex
	m  map[string][]bpePiece
}

func newBPECache(capacity int) *bpeCache {
	c := &bpeCache{seed: maphash.MakeSeed(), perShard: max(1, capacity/cacheShards)}
	for i := range c.shards {
		c.shards[i].m = make(map[string][]bpePiece)
	}
	return c
}

func (c *bpeCache) shard(k string) *cacheShard {
	return &c.shards[maphash.String(c.seed, k)%cacheShards]
}

func (c *bpeCache) get(k string) ([]bpePiece, bool) {
	if c == nil {
		return nil, false
	}
	s := c.shard(k)
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	return v, ok
}

func (c *bpeCache) set(k string, v []bpePiece) {
	if c == nil {
		return
	}
	s := c.shard(k)
	s.mu.Lock()
	if len(s.m) >= c.perShard {
		clear(s.m)
	}
	s.m[strings.Clone(k)] = v
	s.mu.Unlock()
}
