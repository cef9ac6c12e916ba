package benchdata

import (
	"os"
	"path/filepath"
	"slices"
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
