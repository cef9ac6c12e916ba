package npy

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		data  []int32
		shape []int
	}{
		{"matrix", []int32{0, 1, 2, -3, 2147483647, -2147483648}, []int{2, 3}},
		{"vector", []int32{5, 6, 7}, []int{3}},
		{"empty", []int32{}, []int{0, 128}},
	}
	for _, tc := range tests {
		p := filepath.Join(dir, tc.name+".npy")
		if err := WriteInt32(p, tc.data, tc.shape...); err != nil {
			t.Fatal(err)
		}
		raw, _ := os.ReadFile(p)
		h, n, err := ReadHeader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if n%64 != 0 {
			t.Errorf("%s: header of %d bytes is not 64-aligned", tc.name, n)
		}
		if len(raw) != n+4*len(tc.data) {
			t.Errorf("%s: file is %d bytes, want %d", tc.name, len(raw), n+4*len(tc.data))
		}
		got, h2, err := ReadInt32(p)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(h.Shape, tc.shape) || !reflect.DeepEqual(h2.Shape, tc.shape) {
			t.Errorf("%s: shape %v, want %v", tc.name, h.Shape, tc.shape)
		}
		if len(tc.data) > 0 && !reflect.DeepEqual(got, tc.data) {
			t.Errorf("%s: data %v, want %v", tc.name, got, tc.data)
		}
	}
}

func TestHeaderText(t *testing.T) {
	got := string(encodeHeader(Header{Descr: "<i8", Shape: []int{4}}))
	want := "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }"
	if !bytes.Contains([]byte(got), []byte(want)) || got[len(got)-1] != '\n' || len(got)%64 != 0 {
		t.Errorf("header %q", got)
	}
}

func TestWriteRejectsShapeMismatch(t *testing.T) {
	if err := WriteInt64(filepath.Join(t.TempDir(), "x.npy"), []int64{1, 2, 3}, 2, 2); err == nil {
		t.Error("shape mismatch accepted")
	}
}

func TestReadHeaderErrors(t *testing.T) {
	good := encodeHeader(Header{Descr: "<i4", Shape: []int{2}})
	for name, b := range map[string][]byte{
		"short":   good[:5],
		"magic":   append([]byte("XNUMPY"), good[6:]...),
		"version": append(append([]byte{}, good[:6]...), append([]byte{3, 0}, good[8:]...)...),
		"dict":    append(append([]byte{}, good[:10]...), bytes.Repeat([]byte("x"), len(good)-10)...),
	} {
		if _, _, err := ReadHeader(bytes.NewReader(b)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzReadHeader(f *testing.F) {
	f.Add(encodeHeader(Header{Descr: "<i4", Shape: []int{3, 128}}))
	f.Add(encodeHeader(Header{Descr: "<i8", Shape: []int{7}}))
	f.Add([]byte(magic + "\x01\x00\x05\x00{}   "))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := ReadHeader(bytes.NewReader(b))
		if err != nil {
			return
		}
		if n > len(b) {
			t.Fatalf("consumed %d of %d bytes", n, len(b))
		}
		again := encodeHeader(h)
		h2, _, err := ReadHeader(bytes.NewReader(again))
		if err != nil || !reflect.DeepEqual(h.Shape, h2.Shape) && len(h.Shape)+len(h2.Shape) > 0 || h.Descr != h2.Descr {
			t.Fatalf("re-encoded header %q does not round-trip: %v %+v %+v", again, err, h, h2)
		}
	})
}
