package msgpack

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	vm "github.com/vmihailenco/msgpack/v5"
)

// enc encodes v with sorted map keys (deterministic bytes).
func enc(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	e := vm.NewEncoder(&buf)
	e.SetSortMapKeys(true)
	if err := e.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// eventTime is an EventTime in the fixext8 form.
func eventTime(sec, nsec uint32) []byte {
	b := []byte{0xd7, 0x00, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[2:], sec)
	binary.BigEndian.PutUint32(b[6:], nsec)
	return b
}

// eventTimeExt8 is an EventTime in the ext8 form, as some encoders write it.
func eventTimeExt8(sec, nsec uint32) []byte {
	b := []byte{0xc7, 0x08, 0x00, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[3:], sec)
	binary.BigEndian.PutUint32(b[7:], nsec)
	return b
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// v1 is [ts, body]; v2 is [[ts, meta], body].
func v1(ts, body []byte) []byte       { return cat([]byte{0x92}, ts, body) }
func v2(ts, meta, body []byte) []byte { return cat([]byte{0x92, 0x92}, ts, meta, body) }

func TestDecodeFormats(t *testing.T) {
	body := func(msg string) []byte { return enc(t, map[string]any{"message": msg}) }
	f32 := []byte{0xca, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(f32[1:], math.Float32bits(1700000000.5)) // float32 rounds to 1700000000
	f64 := []byte{0xcb, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint64(f64[1:], math.Float64bits(1700000000.25))
	tests := []struct {
		name     string
		chunk    []byte
		wantTime time.Time
		wantMeta map[string]any // nil: v1
	}{
		{"v1 fixext8", v1(eventTime(1700000000, 123456789), body("a")), time.Unix(1700000000, 123456789), nil},
		{"v1 ext8", v1(eventTimeExt8(1700000001, 5), body("a")), time.Unix(1700000001, 5), nil},
		{"v1 positive fixint", v1([]byte{0x7f}, body("a")), time.Unix(127, 0), nil},
		{"v1 uint32", v1(enc(t, uint32(1700000002)), body("a")), time.Unix(1700000002, 0), nil},
		{"v1 int64 negative", v1(enc(t, int64(-86400)), body("a")), time.Unix(-86400, 0), nil},
		{"v1 float64", v1(f64, body("a")), time.Unix(1700000000, 250000000), nil},
		{"v1 float32", v1(f32, body("a")), time.Unix(1700000000, 0), nil},
		{"v1 EventTime after 2038", v1(eventTime(0xF0000000, 0), body("a")), time.Unix(0xF0000000, 0), nil},
		{"v2 metadata", v2(eventTime(1700000003, 7), enc(t, map[string]any{"otlp": map[string]any{"severity": "INFO"}}), body("a")),
			time.Unix(1700000003, 7), map[string]any{"otlp": map[string]any{"severity": "INFO"}}},
		{"v2 empty metadata", v2(eventTime(1700000004, 0), []byte{0x80}, body("a")), time.Unix(1700000004, 0), map[string]any{}},
		{"v2 nil metadata", v2(enc(t, 1700000005), []byte{0xc0}, body("a")), time.Unix(1700000005, 0), map[string]any{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Decode(tt.chunk)
			if len(res.Problems) != 0 || len(res.Events) != 1 || res.GroupMarkers != 0 {
				t.Fatalf("result %+v", res)
			}
			ev := res.Events[0]
			if !ev.Time.Equal(tt.wantTime) || ev.Time.Location() != time.UTC {
				t.Errorf("time %v, want %v UTC", ev.Time, tt.wantTime.UTC())
			}
			if ev.Body["message"] != "a" || len(ev.Body) != 1 {
				t.Errorf("body %v", ev.Body)
			}
			if got, want := mustJSON(t, ev.Metadata), mustJSON(t, tt.wantMeta); got != want {
				t.Errorf("metadata %s, want %s", got, want)
			}
			if ev.V2() != (tt.wantMeta != nil) {
				t.Errorf("V2() = %v", ev.V2())
			}
			// Header and RawBody are the exact encoded elements.
			hdrLen := 1
			if !bytes.Equal(cat(tt.chunk[:hdrLen], ev.Header, ev.RawBody), tt.chunk) {
				t.Errorf("header %x + body %x do not rebuild the chunk %x", ev.Header, ev.RawBody, tt.chunk)
			}
		})
	}
}

func TestDecodeGroupMarkers(t *testing.T) {
	body := enc(t, map[string]any{"message": "x"})
	group := enc(t, map[string]any{"resource": map[string]any{"service.name": "svc"}})
	chunk := cat(
		v2(eventTime(0xFFFFFFFF, 0), group, enc(t, map[string]any{})), // group start
		v2(eventTime(1700000000, 0), []byte{0x80}, body),
		v2(eventTime(1700000001, 0), []byte{0x80}, body),
		v2(eventTime(0xFFFFFFFE, 0), []byte{0x80}, enc(t, map[string]any{})), // group end
		v1(enc(t, -1), body), // integer spellings
		v1(enc(t, uint32(0xFFFFFFFE)), body),
		v1(enc(t, -2.0), body), // float spelling
		v1(eventTime(1700000002, 0), body),
	)
	res := Decode(chunk)
	if res.GroupMarkers != 5 || len(res.Events) != 3 || len(res.Problems) != 0 {
		t.Fatalf("markers %d events %d problems %v", res.GroupMarkers, len(res.Events), res.Problems)
	}
	for i, want := range []int64{1700000000, 1700000001, 1700000002} {
		if res.Events[i].Time.Unix() != want {
			t.Errorf("event %d at %v", i, res.Events[i].Time)
		}
	}
}

func TestDecodeValues(t *testing.T) {
	// A body with every kind of value, written byte by byte where the Go encoder would not produce it.
	nan := []byte{0xcb, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint64(nan[1:], math.Float64bits(math.NaN()))
	negInf := []byte{0xca, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(negInf[1:], math.Float32bits(float32(math.Inf(-1))))
	str := func(s string) []byte { return enc(t, s) }
	body := cat([]byte{0xde, 0x00, 15}, // map16 with 15 entries
		str("s"), str("text"),
		str("bin"), []byte{0xc4, 3, 'a', 'b', 'c'},
		str("big"), enc(t, uint64(math.MaxUint64)),
		str("neg"), []byte{0xd0, 0x80}, // int8 -128
		str("f"), enc(t, 1.5),
		str("nan"), nan,
		str("ninf"), negInf,
		[]byte{0x07}, str("int key"),
		enc(t, 2.5), str("float key"),
		[]byte{0xc3}, str("bool key"),
		[]byte{0xc0}, str("nil key"),
		[]byte{0x92, 0x01, 0xa1, 'x'}, str("array key"),
		str("nested"), enc(t, map[string]any{"a": []any{int64(1), "two", nil, true}}),
		str("evtime"), eventTime(1700000000, 500),
		str("ext"), []byte{0xd4, 0x05, 0xff},
	)
	res := Decode(v1(eventTime(1, 0), body))
	if len(res.Events) != 1 || len(res.Problems) != 0 {
		t.Fatalf("result %+v", res)
	}
	got := res.Events[0].Body
	want := map[string]any{
		"s": "text", "bin": "abc", "big": uint64(math.MaxUint64), "neg": int64(-128), "f": 1.5,
		"nan": "NaN", "ninf": "-Inf", "7": "int key", "2.5": "float key", "true": "bool key", "null": "nil key",
		`[1,"x"]`: "array key", "nested": map[string]any{"a": []any{int64(1), "two", nil, true}},
		"evtime": "2023-11-14T22:13:20.0000005Z", "ext": "ext:5:/w==",
	}
	if len(got) != len(want) {
		t.Errorf("got %d keys, want %d: %v", len(got), len(want), got)
	}
	for k, w := range want {
		if mustJSON(t, got[k]) != mustJSON(t, w) {
			t.Errorf("key %q: got %#v, want %#v", k, got[k], w)
		}
	}
	if _, ok := got["neg"].(int64); !ok {
		t.Errorf("neg is %T, want int64", got["neg"])
	}
	if _, err := json.Marshal(got); err != nil {
		t.Errorf("body is not JSON-encodable: %v", err)
	}
}

func TestDecodeBadRecordsNeverDropTheRest(t *testing.T) {
	good := func(i int) []byte {
		return v1(eventTime(uint32(1700000000+i), 0), enc(t, map[string]any{"n": i}))
	}
	deep := bytes.Repeat([]byte{0x91}, MaxDepth+5)
	deep = append(deep, 0x01)
	tests := []struct {
		name         string
		chunk        []byte
		wantN        []int64 // the "n" of the events decoded, in order
		wantProblems int
		wantRecords  int // Problems with Records == 1
		wantErr      error
	}{
		{"wrong shape: 3-element array", cat(good(0), enc(t, []any{1, 2, 3}), good(1)), []int64{0, 1}, 1, 1, ErrShape},
		{"body not a map", cat(good(0), v1(eventTime(5, 0), enc(t, "str")), good(1)), []int64{0, 1}, 1, 1, ErrShape},
		{"bare map", cat(enc(t, map[string]any{"a": 1}), good(0)), []int64{0}, 1, 1, ErrShape},
		{"timestamp is a string", cat(good(0), v1(enc(t, "now"), enc(t, map[string]any{})), good(1)), []int64{0, 1}, 1, 1, ErrShape},
		{"timestamp ext type 5", cat(v1([]byte{0xd7, 0x05, 0, 0, 0, 0, 0, 0, 0, 0}, enc(t, map[string]any{})), good(2)), []int64{2}, 1, 1, ErrShape},
		{"v2 header with 3 elements", cat([]byte{0x92, 0x93, 0x01, 0x80, 0x80, 0x80}, good(3)), []int64{3}, 1, 1, ErrShape},
		{"too deep", cat(good(0), v1(eventTime(1, 0), cat([]byte{0x81, 0xa1, 'k'}, deep)), good(1)), []int64{0, 1}, 1, 1, ErrTooDeep},
		{"0xc1 garbage between events", cat(good(0), []byte{0xc1, 0xc1, 0x92, 0xc1}, good(1), good(2)), []int64{0, 1, 2}, 1, 0, ErrInvalid},
		// The truncated event reads as [EventTime, 83] swallowing the start of the next one: a valid
		// event starts inside it, so it is reported as misaligned bytes and decoding resumes there.
		{"truncated event then a good one", cat(good(0), good(9)[:7], good(1)), []int64{0, 1}, 1, 0, ErrShape},
		{"truncated last event", cat(good(0), good(1), good(2)[:9]), []int64{0, 1}, 1, 0, ErrTruncated},
		{"huge declared length", cat(good(0), []byte{0x92, 0xdb, 0xff, 0xff, 0xff, 0xff}, good(1)), []int64{0, 1}, 1, 0, ErrTruncated},
		{"huge array count", cat([]byte{0xdd, 0xff, 0xff, 0xff, 0xff}, good(4)), []int64{4}, 1, 0, ErrTruncated},
		{"only garbage", []byte{0xc1, 0x92, 0x92, 0x92}, nil, 1, 0, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := Decode(tt.chunk)
			var got []int64
			for _, ev := range res.Events {
				got = append(got, ev.Body["n"].(int64))
			}
			if mustJSON(t, got) != mustJSON(t, tt.wantN) {
				t.Errorf("events n=%v, want %v", got, tt.wantN)
			}
			if len(res.Problems) != tt.wantProblems {
				t.Fatalf("problems %v, want %d", res.Problems, tt.wantProblems)
			}
			records := 0
			for _, p := range res.Problems {
				records += p.Records
				if !errors.Is(p.Err, tt.wantErr) {
					t.Errorf("problem error %v, want %v", p.Err, tt.wantErr)
				}
				if !bytes.Equal(tt.chunk[p.Offset:p.Offset+len(p.Raw)], p.Raw) {
					t.Errorf("problem raw bytes are not the chunk's at offset %d", p.Offset)
				}
			}
			if records != tt.wantRecords {
				t.Errorf("problem records %d, want %d", records, tt.wantRecords)
			}
			checkCoverage(t, tt.chunk, res)
		})
	}
}

func TestDecodeReportsUndecodableRest(t *testing.T) {
	good := v1(eventTime(1, 0), enc(t, map[string]any{"n": 1}))
	chunk := cat(good, []byte{0x92, 0xd7, 0x00, 1, 2, 3})
	res := Decode(chunk)
	if len(res.Events) != 1 || len(res.Problems) != 1 {
		t.Fatalf("%+v", res)
	}
	if res.BadBytes() != 6 || !strings.Contains(res.Problems[0].Err.Error(), "the last 6 bytes") {
		t.Errorf("bad bytes %d, err %v", res.BadBytes(), res.Problems[0].Err)
	}
}

// checkCoverage asserts that events, group markers and problems tile the chunk: in order, without gaps
// or overlaps. Group markers are the gaps between consecutive spans, so only ordering is checked there.
func checkCoverage(t testing.TB, chunk []byte, res Result) {
	t.Helper()
	type span struct{ from, to int }
	var spans []span
	ei, pi := 0, 0
	for ei < len(res.Events) || pi < len(res.Problems) {
		if pi == len(res.Problems) || (ei < len(res.Events) && res.Events[ei].Offset < res.Problems[pi].Offset) {
			ev := res.Events[ei]
			_, hdr, err := arrayLen(chunk, ev.Offset)
			if err != nil {
				t.Fatalf("event at %d does not start with an array header", ev.Offset)
			}
			spans = append(spans, span{ev.Offset, ev.Offset + hdr + len(ev.Header) + len(ev.RawBody)})
			ei++
		} else {
			p := res.Problems[pi]
			spans = append(spans, span{p.Offset, p.Offset + len(p.Raw)})
			pi++
		}
	}
	prev := 0
	for _, s := range spans {
		if s.from < prev || s.to > len(chunk) || s.to <= s.from {
			t.Fatalf("span %v overlaps or leaves the chunk (prev end %d, len %d)", s, prev, len(chunk))
		}
		prev = s.to
	}
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzDecode(f *testing.F) {
	body := enc(f, map[string]any{"message": "reg save hklm\\sam", "n": 1, "nested": map[string]any{"a": []any{1.5, nil}}})
	f.Add(v1(eventTime(1700000000, 1), body))
	f.Add(v2(eventTime(1700000000, 1), enc(f, map[string]any{"m": 1}), body))
	f.Add(cat(v2(eventTime(0xFFFFFFFF, 0), []byte{0x80}, []byte{0x80}), v1(enc(f, 1.25), body), v1(enc(f, 5), body)))
	f.Add(cat(v1(eventTime(1, 0), body), []byte{0xc1, 0x92}, v1(eventTimeExt8(2, 0), body)))
	f.Add([]byte{0x92, 0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, chunk []byte) {
		res := Decode(chunk)
		checkCoverage(t, chunk, res)
		for _, ev := range res.Events {
			if ev.Body == nil {
				t.Fatal("event without body")
			}
			if _, err := json.Marshal(ev.Body); err != nil {
				t.Fatalf("body not JSON-encodable: %v", err)
			}
			if _, err := json.Marshal(ev.Metadata); err != nil {
				t.Fatalf("metadata not JSON-encodable: %v", err)
			}
		}
		for _, p := range res.Problems {
			if p.Err == nil || len(p.Raw) == 0 {
				t.Fatalf("empty problem %+v", p)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	var chunk []byte
	for i := range 1000 {
		chunk = append(chunk, v2(eventTime(uint32(1700000000+i), 0), []byte{0x80}, enc(b, map[string]any{
			"message": "powershell -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA",
			"host":    map[string]any{"name": "ws-042", "ip": []any{"10.0.0.4"}}, "pid": 4242,
		}))...)
	}
	b.SetBytes(int64(len(chunk)))
	b.ReportAllocs()
	for b.Loop() {
		if res := Decode(chunk); len(res.Events) != 1000 {
			b.Fatal(len(res.Events))
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "records/s")
}
