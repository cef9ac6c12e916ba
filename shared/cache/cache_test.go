package cache

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func TestGetAddCounts(t *testing.T) {
	c, err := New[int](2, 8)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.Get("a"); ok {
		t.Fatal("empty cache hit")
	}
	c.Add("a", 1)
	c.Add("b", 2)
	if v, ok := c.Get("a"); !ok || v != 1 {
		t.Fatalf("Get(a) = %d, %v; want 1, true", v, ok)
	}
	c.Add("c", 3) // evicts b, the least recently used
	if _, ok := c.Get("b"); ok {
		t.Fatal("b should have been evicted")
	}
	c.Add(strings.Repeat("x", 9), 4) // longer than maxKeyBytes: not stored
	if _, ok := c.Get(strings.Repeat("x", 9)); ok {
		t.Fatal("over-long key was cached")
	}
	got := c.Stats()
	want := Stats{Hits: 1, Misses: 3, Entries: 2, MaxEntries: 2}
	if got != want {
		t.Fatalf("Stats = %+v, want %+v", got, want)
	}
}

func TestNilCacheMisses(t *testing.T) {
	c, err := New[int](0, 0)
	if err != nil || c != nil {
		t.Fatalf("New(0) = %v, %v; want nil, nil", c, err)
	}
	c.Add("a", 1)
	if _, ok := c.Get("a"); ok {
		t.Fatal("nil cache hit")
	}
	if c.Stats() != (Stats{}) {
		t.Fatal("nil cache has stats")
	}
}

func TestConcurrent(t *testing.T) {
	c, _ := New[string](100, 0)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 1000; i++ {
				k := fmt.Sprint(i % 150)
				if v, ok := c.Get(k); ok && v != "v"+k {
					t.Errorf("Get(%s) = %s", k, v)
					return
				}
				c.Add(k, "v"+k)
			}
		}(g)
	}
	wg.Wait()
	s := c.Stats()
	if s.Hits+s.Misses != 8000 || s.Entries > 100 {
		t.Fatalf("stats %+v", s)
	}
}

func BenchmarkGetHit(b *testing.B) {
	c, _ := New[int](1024, 0)
	c.Add("reg save hklm\\sam c:\\temp\\sam.save", 1)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			c.Get("reg save hklm\\sam c:\\temp\\sam.save")
		}
	})
}
