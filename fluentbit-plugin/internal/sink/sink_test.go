package sink

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestJSONLine(t *testing.T) {
	ts := time.Unix(1700000000, 5).UTC()
	tests := []struct {
		rec  map[string]any
		want string
	}{
		{map[string]any{"message": "whoami"}, `{"date":"2023-11-14T22:13:20.000000005Z","tag":"win","message":"whoami"}`},
		{map[string]any{}, `{"date":"2023-11-14T22:13:20.000000005Z","tag":"win"}`},
		{map[string]any{"date": "mine", "tag": "t2"}, `{"date":"mine","tag":"t2"}`},
	}
	for _, tt := range tests {
		got, err := JSONLine("win", Event{Time: ts, Record: tt.rec})
		if err != nil || string(got) != tt.want {
			t.Errorf("JSONLine(%v) = %s, %v; want %s", tt.rec, got, err, tt.want)
		}
	}
}

func TestStdoutWritesEveryEvent(t *testing.T) {
	var b strings.Builder
	s := NewStdout(&b)
	out, err := s.Write(context.Background(), "t", []Event{{Record: map[string]any{"a": 1}}, {Record: map[string]any{"b": 2}}})
	if err != nil || out.Delivered != 2 || strings.Count(b.String(), "\n") != 2 {
		t.Fatalf("%+v %v %q", out, err, b.String())
	}
}

func TestDocIDIsDeterministicAndUnambiguous(t *testing.T) {
	a := DocID([][]byte{[]byte("tag"), []byte("ab"), []byte("c")})
	if a != DocID([][]byte{[]byte("tag"), []byte("ab"), []byte("c")}) {
		t.Fatal("DocID not deterministic")
	}
	// Length prefixes keep part boundaries: "ab"+"c" and "a"+"bc" differ.
	if a == DocID([][]byte{[]byte("tag"), []byte("a"), []byte("bc")}) {
		t.Fatal("DocID ignores part boundaries")
	}
	if len(a) != 22 {
		t.Errorf("id %q has length %d, want 22", a, len(a))
	}
}
