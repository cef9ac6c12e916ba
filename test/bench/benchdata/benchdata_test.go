package benchdata

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{-1, 10, 10, 2, 7, 0}, 4.5},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		if got := Median(tt.in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if !slices.Equal(in, tt.in) {
			t.Errorf("Median reordered its input: %v", tt.in)
		}
	}
}

func TestLines(t *testing.T) {
	p := filepath.Join(t.TempDir(), "c.txt")
	if err := os.WriteFile(p, []byte("a b\n\nc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := Lines(p)
	if err != nil || !slices.Equal(got, []string{"a b", "", "c"}) {
		t.Fatalf("Lines = %q, %v", got, err)
	}
	if _, err := Lines(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing file was read")
	}
}

func TestPass(t *testing.T) {
	var mu sync.Mutex
	seen := map[int]int{}
	if _, err := Pass(3, 10, func(k int) error {
		mu.Lock()
		defer mu.Unlock()
		seen[k]++
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 10 {
		t.Errorf("chunks run: %v, want each of 0..9 once", seen)
	}
	for k, n := range seen {
		if k < 0 || k > 9 || n != 1 {
			t.Errorf("chunk %d ran %d times", k, n)
		}
	}
	boom := errors.New("boom")
	if _, err := Pass(2, 5, func(k int) error {
		if k == 3 {
			return boom
		}
		return nil
	}); !errors.Is(err, boom) {
		t.Errorf("Pass error = %v, want boom", err)
	}
}

func TestInterleave(t *testing.T) {
	var order []string
	n := 0.0
	step := func(name string) func() (float64, error) {
		return func() (float64, error) {
			order = append(order, name)
			n++
			return n, nil
		}
	}
	as, bs, err := Interleave(3, step("a"), step("b"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "b", "a", "a", "b"}; !slices.Equal(order, want) {
		t.Errorf("order %v, want %v", order, want)
	}
	// Results stay with their measurement whatever the order: a ran 1st, 4th and 5th.
	if !slices.Equal(as, []float64{1, 4, 5}) || !slices.Equal(bs, []float64{2, 3, 6}) {
		t.Errorf("as %v bs %v", as, bs)
	}
	boom := errors.New("boom")
	if _, _, err := Interleave(2, step("a"), func() (float64, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("Interleave error = %v, want boom", err)
	}
}
