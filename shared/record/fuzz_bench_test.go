package record

import (
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"
)

func FuzzExtract(f *testing.F) {
	f.Add(`{"process":{"command_line":"x"}}`, "process.command_line")
	f.Add(`{"a.b":{"c":[1,"s",null]}}`, "a.b.c")
	f.Add(`{"message":12}`, "")
	f.Add(`{"":{"":"x"}}`, ".")
	f.Fuzz(func(t *testing.T, doc, path string) {
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.UseNumber()
		var rec map[string]any
		if dec.Decode(&rec) != nil {
			return
		}
		var fields []string
		if path != "" {
			fields = strings.Split(path, ",")
		}
		text, field, err := Extract(rec, fields)
		if err != nil {
			var skip *SkipError
			if !errors.As(err, &skip) || skip.Reason == "" || text != "" || field != "" {
				t.Fatalf("Extract(%s, %q) = %q, %q, %v", doc, fields, text, field, err)
			}
			return
		}
		if strings.TrimSpace(text) == "" {
			t.Fatalf("Extract(%s, %q) returned blank text", doc, fields)
		}
		if fields == nil {
			fields = DefaultFields()
		}
		found := false
		for _, f := range fields {
			found = found || f == field
		}
		if !found {
			t.Fatalf("Extract(%s, %q) field %q not in fields", doc, fields, field)
		}
	})
}

func BenchmarkExtract(b *testing.B) {
	var rec map[string]any
	doc := `{"@timestamp":"2024-01-01T00:00:00Z","host":{"name":"ws1"},"winlog":{"event_id":1,"event_data":{"CommandLine":"reg save HKLM\\SAM C:\\t\\s","Image":"C:\\Windows\\System32\\reg.exe"}},"message":"Process Create"}`
	if err := json.Unmarshal([]byte(doc), &rec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Extract(rec, nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReader(b *testing.B) {
	line := `{"@timestamp":"2024-01-01T00:00:00Z","host":{"name":"ws1"},"process":{"command_line":"reg save HKLM\\SAM C:\\t\\s","pid":4242},"message":"m"}` + "\n"
	input := strings.Repeat(line, 1000)
	b.SetBytes(int64(len(input)))
	b.ReportAllocs()
	for b.Loop() {
		r := NewReader(strings.NewReader(input), Options{})
		n := 0
		for {
			_, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 1000 {
			b.Fatalf("read %d lines", n)
		}
	}
}
