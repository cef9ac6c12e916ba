// Package msgpack decodes the chunks Fluent Bit hands to an output plugin: a plain concatenation of
// msgpack events, each either
//
//	[timestamp, {body}]                    (Fluent Bit < 2.1, and some inputs still)
//	[[timestamp, {metadata}], {body}]      (Fluent Bit >= 2.1)
//
// where timestamp is an EventTime (msgpack ext type 0 holding big-endian uint32 seconds and uint32
// nanoseconds, in the fixext8 or ext8 form), an integer or a float number of seconds. Events whose
// seconds are -1 or -2 (0xFFFFFFFF / 0xFFFFFFFE as EventTime) are group start/end markers: they are
// counted and skipped, never returned as records.
//
// Decode never fails as a whole and never drops silently. A well-formed msgpack object that is not an
// event (wrong shape, a body that is not a map, a bad timestamp) is reported as a Problem and decoding
// goes on with the next object. Bytes that are not well-formed msgpack (truncated, the reserved 0xc1,
// lengths past the end) are skipped up to the next position where a whole valid event starts; if there
// is none, the rest of the chunk is reported as one Problem. Problems carry the offending bytes, so the
// caller can dead-letter them.
//
// Values become the types encoding/json and the enricher work with: map[string]any (non-string keys are
// stringified: integers in decimal, floats in shortest form, true/false, null, arrays and maps as JSON),
// []any, string (also for bin), int64 (uint64 above math.MaxInt64), float64 (NaN and ±Inf become the
// strings "NaN", "+Inf", "-Inf", which JSON cannot carry as numbers), bool and nil. An EventTime or a
// msgpack timestamp (ext -1) inside a record becomes an RFC 3339 string; other extension values become
// the string "ext:<type>:<base64 data>".
package msgpack

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// MaxDepth is the deepest nesting of arrays and maps converted into Go values. A record nested deeper
// is reported as a Problem (it still has a known end, so the events after it are decoded).
const MaxDepth = 128

// Event is one decoded log event.
type Event struct {
	// Time is the event timestamp, UTC.
	Time time.Time
	// Metadata is the v2 metadata map; nil for a v1 event. Empty metadata is an empty, non-nil map.
	Metadata map[string]any
	// Body is the record.
	Body map[string]any
	// Header holds the encoded first element (the timestamp, or [timestamp, metadata]) and RawBody the
	// encoded body, both slices of the chunk: together with the tag they identify the event
	// deterministically (the same chunk re-sent gives the same bytes).
	Header, RawBody []byte
	// Offset is where the event starts in the chunk.
	Offset int
}

// V2 reports whether the event came in the [[time, metadata], body] form.
func (e *Event) V2() bool { return e.Metadata != nil }

// Problem is a span of the chunk that did not decode to an event.
type Problem struct {
	Offset int    // start of the span in the chunk
	Raw    []byte // the bytes of the span (a slice of the chunk)
	// Records is 1 when the span is one well-formed msgpack object that is not a valid event, and 0 when
	// the span is malformed bytes, whose record count cannot be known.
	Records int
	Err     error
}

// Result is everything Decode found in a chunk.
type Result struct {
	Events       []Event
	GroupMarkers int // group start/end markers skipped
	Problems     []Problem
}

// BadBytes returns the number of chunk bytes that did not decode to an event.
func (r *Result) BadBytes() int {
	n := 0
	for _, p := range r.Problems {
		n += len(p.Raw)
	}
	return n
}

// Errors used in Problems (matched with errors.Is).
var (
	ErrTruncated = errors.New("truncated msgpack data")
	ErrInvalid   = errors.New("invalid msgpack type byte 0xc1")
	ErrShape     = errors.New("not an event")
	ErrTooDeep   = fmt.Errorf("nested deeper than %d levels", MaxDepth)
)

// Group marker seconds (FLB_LOG_EVENT_GROUP_START and FLB_LOG_EVENT_GROUP_END).
const (
	groupStart = -1
	groupEnd   = -2
)

// Decode decodes every event in chunk. The returned events' Header, RawBody and Problem.Raw are slices
// of chunk; every other value is a copy.
func Decode(chunk []byte) Result {
	var res Result
	p := 0
	for p < len(chunk) {
		end, err := skip(chunk, p)
		if err != nil {
			next := resync(chunk, p+1, len(chunk))
			res.Problems = append(res.Problems, Problem{Offset: p, Raw: chunk[p:next],
				Err: fmt.Errorf("offset %d: %w; skipped %d bytes to the next event", p, err, next-p)})
			if next == len(chunk) {
				res.Problems[len(res.Problems)-1].Err = fmt.Errorf("offset %d: %w; no event starts after it, "+
					"the last %d bytes of the chunk are not decodable", p, err, next-p)
			}
			p = next
			continue
		}
		ev, marker, err := event(chunk, p, end)
		switch {
		case err != nil:
			// A truncated event followed by a good one can read as one well-formed object that swallows
			// the start of the next event. When a valid event starts inside the object, the object was
			// misaligned bytes: report them and go on from there.
			if next := resync(chunk, p+1, end); next < end {
				res.Problems = append(res.Problems, Problem{Offset: p, Raw: chunk[p:next],
					Err: fmt.Errorf("offset %d: %w; skipped %d bytes to the next event", p, err, next-p)})
				p = next
				continue
			}
			res.Problems = append(res.Problems, Problem{Offset: p, Raw: chunk[p:end], Records: 1,
				Err: fmt.Errorf("offset %d: %w", p, err)})
		case marker:
			res.GroupMarkers++
		default:
			res.Events = append(res.Events, ev)
		}
		p = end
	}
	return res
}

// resync returns the first position in [from, limit) where a whole, valid event (or group marker)
// starts, or len(b) when there is none. A cheap look at the first bytes rules out most positions before
// a full parse is tried.
func resync(b []byte, from, limit int) int {
	for q := from; q < limit; q++ {
		if b[q] != 0x92 || !plausibleEvent(b, q) {
			continue
		}
		end, err := skip(b, q)
		if err != nil {
			continue
		}
		if _, _, err := event(b, q, end); err == nil {
			return q
		}
	}
	return len(b)
}

// plausibleEvent looks at the bytes after a fixarray(2) header at q: a timestamp, or fixarray(2) and a
// timestamp.
func plausibleEvent(b []byte, q int) bool {
	i := q + 1
	if i < len(b) && b[i] == 0x92 {
		i++
	}
	if i >= len(b) {
		return false
	}
	c := b[i]
	switch {
	case c <= 0x7f || c >= 0xe0: // fixint
		return true
	case c >= 0xca && c <= 0xd3: // float32/64, uint8..64, int8..64
		return true
	case c == 0xd7: // fixext8
		return i+1 < len(b) && b[i+1] == 0
	case c == 0xc7: // ext8
		return i+2 < len(b) && b[i+1] == 8 && b[i+2] == 0
	}
	return false
}

// event checks the shape of the well-formed object b[p:end] and decodes it. marker is true for a group
// marker (ev is then empty).
func event(b []byte, p, end int) (ev Event, marker bool, err error) {
	n, hdr, err := arrayLen(b, p)
	if err != nil || n != 2 {
		return ev, false, fmt.Errorf("%w: want a 2-element array, got %s", ErrShape, describe(b, p))
	}
	first := p + hdr
	firstEnd, _ := skip(b, first) // cannot fail: b[p:end] is well-formed
	ev.Offset, ev.Header = p, b[first:firstEnd]

	tsAt := first
	if m, mhdr, err := arrayLen(b, first); err == nil { // v2: [[time, metadata], body]
		if m != 2 {
			return ev, false, fmt.Errorf("%w: event header is a %d-element array, want [time, metadata]", ErrShape, m)
		}
		tsAt = first + mhdr
		metaAt, _ := skip(b, tsAt)
		meta, _, err := value(b, metaAt, 0)
		if err != nil {
			return ev, false, fmt.Errorf("metadata: %w", err)
		}
		switch m := meta.(type) {
		case map[string]any:
			ev.Metadata = m
		case nil:
			ev.Metadata = map[string]any{}
		default:
			return ev, false, fmt.Errorf("%w: metadata is %s, want a map", ErrShape, describe(b, metaAt))
		}
	}
	sec, nsec, err := timestamp(b, tsAt)
	if err != nil {
		return ev, false, err
	}
	if sec == groupStart || sec == groupEnd {
		return Event{}, true, nil
	}
	ev.Time = time.Unix(sec, nsec).UTC()

	bodyAt := firstEnd
	ev.RawBody = b[bodyAt:end]
	body, _, err := value(b, bodyAt, 0)
	if err != nil {
		return ev, false, fmt.Errorf("body: %w", err)
	}
	m, ok := body.(map[string]any)
	if !ok {
		return ev, false, fmt.Errorf("%w: body is %s, want a map", ErrShape, describe(b, bodyAt))
	}
	ev.Body = m
	return ev, false, nil
}

// timestamp reads an event timestamp at p: EventTime (ext 0, 8 bytes, any ext form), integer or float
// seconds. Group marker seconds come back as -1 and -2 whichever form carries them: EventTime seconds
// 0xFFFFFFFF / 0xFFFFFFFE (Fluent Bit writes them as a signed 32-bit value), the integers -1 / -2 or
// 2^32-1 / 2^32-2, and the floats -1.0 / -2.0.
func timestamp(b []byte, p int) (sec, nsec int64, err error) {
	if typ, data, ok := ext(b, p); ok {
		if typ != 0 || len(data) != 8 {
			return 0, 0, fmt.Errorf("%w: timestamp is ext type %d with %d bytes, want EventTime (type 0, 8 bytes)",
				ErrShape, typ, len(data))
		}
		return markerSeconds(int64(binary.BigEndian.Uint32(data))), int64(binary.BigEndian.Uint32(data[4:])), nil
	}
	if c := b[p]; c == 0xca || c == 0xcb {
		t := floatOf(b, p)
		if math.IsNaN(t) || math.IsInf(t, 0) || math.Abs(t) > 1e15 {
			return 0, 0, fmt.Errorf("%w: float timestamp %v out of range", ErrShape, t)
		}
		s := math.Floor(t)
		ns := int64(math.Round((t - s) * 1e9))
		if ns >= 1e9 { // rounding up to the next second
			s, ns = s+1, 0
		}
		return markerSeconds(int64(s)), ns, nil
	}
	v, _, err := value(b, p, 0)
	if err != nil {
		return 0, 0, err
	}
	switch t := v.(type) {
	case int64:
		return markerSeconds(t), 0, nil
	case uint64: // above MaxInt64: no meaningful time
		return 0, 0, fmt.Errorf("%w: integer timestamp %d out of range", ErrShape, t)
	}
	return 0, 0, fmt.Errorf("%w: timestamp is %s, want EventTime, integer or float", ErrShape, describe(b, p))
}

// markerSeconds maps the unsigned 32-bit spellings of the group marker seconds onto -1 and -2.
func markerSeconds(s int64) int64 {
	switch s {
	case 0xFFFFFFFF:
		return groupStart
	case 0xFFFFFFFE:
		return groupEnd
	}
	return s
}

// floatOf returns the float at p, which holds a float32 or float64 header.
func floatOf(b []byte, p int) float64 {
	switch {
	case b[p] == 0xca && p+5 <= len(b):
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b[p+1:])))
	case b[p] == 0xcb && p+9 <= len(b):
		return math.Float64frombits(binary.BigEndian.Uint64(b[p+1:]))
	}
	return math.NaN()
}

// arrayLen reads an array header at p.
func arrayLen(b []byte, p int) (n, hdr int, err error) {
	if p >= len(b) {
		return 0, 0, ErrTruncated
	}
	c := b[p]
	switch {
	case c&0xf0 == 0x90:
		return int(c & 0x0f), 1, nil
	case c == 0xdc && p+3 <= len(b):
		return int(binary.BigEndian.Uint16(b[p+1:])), 3, nil
	case c == 0xdd && p+5 <= len(b):
		return int(binary.BigEndian.Uint32(b[p+1:])), 5, nil
	}
	return 0, 0, ErrShape
}

// ext reads an extension value at p.
func ext(b []byte, p int) (typ int8, data []byte, ok bool) {
	var n, hdr int
	switch c := b[p]; c {
	case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8:
		n, hdr = 1<<(c-0xd4), 2
	case 0xc7:
		if p+2 > len(b) {
			return 0, nil, false
		}
		n, hdr = int(b[p+1]), 3
	case 0xc8:
		if p+3 > len(b) {
			return 0, nil, false
		}
		n, hdr = int(binary.BigEndian.Uint16(b[p+1:])), 4
	case 0xc9:
		if p+5 > len(b) {
			return 0, nil, false
		}
		n, hdr = int(binary.BigEndian.Uint32(b[p+1:])), 6
	default:
		return 0, nil, false
	}
	if p+hdr > len(b) || n > len(b)-p-hdr {
		return 0, nil, false
	}
	return int8(b[p+hdr-1]), b[p+hdr : p+hdr+n], true
}

// describe names the msgpack type at p for error messages.
func describe(b []byte, p int) string {
	if p >= len(b) {
		return "nothing (end of data)"
	}
	c := b[p]
	switch {
	case c <= 0x7f || c >= 0xe0 || (c >= 0xcc && c <= 0xd3):
		return "an integer"
	case c&0xf0 == 0x80 || c == 0xde || c == 0xdf:
		return "a map"
	case c&0xf0 == 0x90 || c == 0xdc || c == 0xdd:
		return "an array"
	case c&0xe0 == 0xa0 || c == 0xd9 || c == 0xda || c == 0xdb:
		return "a string"
	case c == 0xc0:
		return "nil"
	case c == 0xc2 || c == 0xc3:
		return "a boolean"
	case c == 0xca || c == 0xcb:
		return "a float"
	case c == 0xc4 || c == 0xc5 || c == 0xc6:
		return "binary data"
	case (c >= 0xd4 && c <= 0xd8) || (c >= 0xc7 && c <= 0xc9):
		return "an extension value"
	}
	return fmt.Sprintf("type byte 0x%02x", c)
}

// skip returns the end of the well-formed msgpack object at p. It walks iteratively, so nesting depth
// costs no stack, and fails as soon as the declared element count cannot fit in the remaining bytes.
func skip(b []byte, p int) (int, error) {
	pending := 1
	for pending > 0 {
		if p >= len(b) {
			return 0, ErrTruncated
		}
		pending--
		c := b[p]
		var size, count int // bytes of payload after the header; child objects
		hdr := 1
		switch {
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		case c&0xf0 == 0x80:
			count = 2 * int(c&0x0f)
		case c&0xf0 == 0x90:
			count = int(c & 0x0f)
		case c&0xe0 == 0xa0:
			size = int(c & 0x1f)
		case c == 0xc1:
			return 0, ErrInvalid
		case c == 0xcc || c == 0xd0:
			size = 1
		case c == 0xcd || c == 0xd1:
			size = 2
		case c == 0xce || c == 0xd2 || c == 0xca:
			size = 4
		case c == 0xcf || c == 0xd3 || c == 0xcb:
			size = 8
		case c >= 0xd4 && c <= 0xd8: // fixext 1..16: type byte + data
			size = 1 + 1<<(c-0xd4)
		case c == 0xc4 || c == 0xd9: // bin8, str8
			n, err := lenAt(b, p, 1)
			if err != nil {
				return 0, err
			}
			hdr, size = 2, n
		case c == 0xc5 || c == 0xda:
			n, err := lenAt(b, p, 2)
			if err != nil {
				return 0, err
			}
			hdr, size = 3, n
		case c == 0xc6 || c == 0xdb:
			n, err := lenAt(b, p, 4)
			if err != nil {
				return 0, err
			}
			hdr, size = 5, n
		case c == 0xc7: // ext8: len, type
			n, err := lenAt(b, p, 1)
			if err != nil {
				return 0, err
			}
			hdr, size = 3, n
		case c == 0xc8:
			n, err := lenAt(b, p, 2)
			if err != nil {
				return 0, err
			}
			hdr, size = 4, n
		case c == 0xc9:
			n, err := lenAt(b, p, 4)
			if err != nil {
				return 0, err
			}
			hdr, size = 6, n
		case c == 0xdc || c == 0xde:
			n, err := lenAt(b, p, 2)
			if err != nil {
				return 0, err
			}
			hdr, count = 3, n
			if c == 0xde {
				count *= 2
			}
		case c == 0xdd || c == 0xdf:
			n, err := lenAt(b, p, 4)
			if err != nil {
				return 0, err
			}
			hdr, count = 5, n
			if c == 0xdf {
				count *= 2
			}
		}
		if hdr > len(b)-p || size > len(b)-p-hdr {
			return 0, ErrTruncated
		}
		p += hdr + size
		pending += count
		if pending > len(b)-p { // every object needs at least one byte
			return 0, ErrTruncated
		}
	}
	return p, nil
}

// lenAt reads the width-byte big-endian length that follows the type byte at p.
func lenAt(b []byte, p, width int) (int, error) {
	if p+1+width > len(b) {
		return 0, ErrTruncated
	}
	d := b[p+1 : p+1+width]
	switch width {
	case 1:
		return int(d[0]), nil
	case 2:
		return int(binary.BigEndian.Uint16(d)), nil
	}
	return int(binary.BigEndian.Uint32(d)), nil
}

// value converts the well-formed object at p into a Go value and returns its end.
func value(b []byte, p, depth int) (any, int, error) {
	if p >= len(b) {
		return nil, 0, ErrTruncated
	}
	c := b[p]
	switch {
	case c <= 0x7f:
		return int64(c), p + 1, nil
	case c >= 0xe0:
		return int64(int8(c)), p + 1, nil
	case c&0xf0 == 0x80:
		return mapValue(b, p+1, int(c&0x0f), depth)
	case c&0xf0 == 0x90:
		return arrayValue(b, p+1, int(c&0x0f), depth)
	case c&0xe0 == 0xa0:
		n := int(c & 0x1f)
		return string(b[p+1 : p+1+n]), p + 1 + n, nil
	}
	switch c {
	case 0xc0:
		return nil, p + 1, nil
	case 0xc2:
		return false, p + 1, nil
	case 0xc3:
		return true, p + 1, nil
	case 0xcc:
		return int64(b[p+1]), p + 2, nil
	case 0xcd:
		return int64(binary.BigEndian.Uint16(b[p+1:])), p + 3, nil
	case 0xce:
		return int64(binary.BigEndian.Uint32(b[p+1:])), p + 5, nil
	case 0xcf:
		u := binary.BigEndian.Uint64(b[p+1:])
		if u > math.MaxInt64 {
			return u, p + 9, nil
		}
		return int64(u), p + 9, nil
	case 0xd0:
		return int64(int8(b[p+1])), p + 2, nil
	case 0xd1:
		return int64(int16(binary.BigEndian.Uint16(b[p+1:]))), p + 3, nil
	case 0xd2:
		return int64(int32(binary.BigEndian.Uint32(b[p+1:]))), p + 5, nil
	case 0xd3:
		return int64(binary.BigEndian.Uint64(b[p+1:])), p + 9, nil
	case 0xca:
		return float(float64(math.Float32frombits(binary.BigEndian.Uint32(b[p+1:])))), p + 5, nil
	case 0xcb:
		return float(math.Float64frombits(binary.BigEndian.Uint64(b[p+1:]))), p + 9, nil
	case 0xc4, 0xd9:
		n := int(b[p+1])
		return string(b[p+2 : p+2+n]), p + 2 + n, nil
	case 0xc5, 0xda:
		n := int(binary.BigEndian.Uint16(b[p+1:]))
		return string(b[p+3 : p+3+n]), p + 3 + n, nil
	case 0xc6, 0xdb:
		n := int(binary.BigEndian.Uint32(b[p+1:]))
		return string(b[p+5 : p+5+n]), p + 5 + n, nil
	case 0xdc:
		return arrayValue(b, p+3, int(binary.BigEndian.Uint16(b[p+1:])), depth)
	case 0xdd:
		return arrayValue(b, p+5, int(binary.BigEndian.Uint32(b[p+1:])), depth)
	case 0xde:
		return mapValue(b, p+3, int(binary.BigEndian.Uint16(b[p+1:])), depth)
	case 0xdf:
		return mapValue(b, p+5, int(binary.BigEndian.Uint32(b[p+1:])), depth)
	case 0xc1:
		return nil, 0, ErrInvalid
	}
	typ, data, ok := ext(b, p)
	if !ok {
		return nil, 0, ErrTruncated
	}
	end := p + len(data) + 1
	switch c {
	case 0xc7:
		end += 2
	case 0xc8:
		end += 3
	case 0xc9:
		end += 5
	default:
		end++
	}
	return extValue(typ, data), end, nil
}

func arrayValue(b []byte, p, n, depth int) (any, int, error) {
	if depth >= MaxDepth {
		return nil, 0, ErrTooDeep
	}
	out := make([]any, 0, min(n, len(b)-p))
	for range n {
		v, end, err := value(b, p, depth+1)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, v)
		p = end
	}
	return out, p, nil
}

func mapValue(b []byte, p, n, depth int) (any, int, error) {
	if depth >= MaxDepth {
		return nil, 0, ErrTooDeep
	}
	out := make(map[string]any, min(n, (len(b)-p)/2))
	for range n {
		k, end, err := value(b, p, depth+1)
		if err != nil {
			return nil, 0, err
		}
		v, end, err := value(b, end, depth+1)
		if err != nil {
			return nil, 0, err
		}
		out[keyString(k)] = v
		p = end
	}
	return out, p, nil
}

// float keeps finite numbers and turns NaN and infinities into strings, which JSON can carry.
func float(f float64) any {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "+Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	}
	return f
}

// keyString turns a decoded map key into a string key.
func keyString(k any) string {
	switch t := k.(type) {
	case string:
		return t
	case int64:
		return strconv.FormatInt(t, 10)
	case uint64:
		return strconv.FormatUint(t, 10)
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64)
	case bool:
		return strconv.FormatBool(t)
	case nil:
		return "null"
	}
	j, err := json.Marshal(k)
	if err != nil {
		return fmt.Sprint(k)
	}
	return string(j)
}

// extValue converts an extension value found inside a record.
func extValue(typ int8, data []byte) any {
	switch {
	case typ == 0 && len(data) == 8: // Fluent Bit EventTime
		t := time.Unix(int64(binary.BigEndian.Uint32(data)), int64(binary.BigEndian.Uint32(data[4:])))
		return t.UTC().Format(time.RFC3339Nano)
	case typ == -1 && len(data) == 4: // msgpack timestamp32
		return time.Unix(int64(binary.BigEndian.Uint32(data)), 0).UTC().Format(time.RFC3339Nano)
	case typ == -1 && len(data) == 8: // timestamp64: 30-bit nanoseconds, 34-bit seconds
		v := binary.BigEndian.Uint64(data)
		return time.Unix(int64(v&(1<<34-1)), int64(v>>34)).UTC().Format(time.RFC3339Nano)
	case typ == -1 && len(data) == 12: // timestamp96
		ns := binary.BigEndian.Uint32(data)
		s := int64(binary.BigEndian.Uint64(data[4:]))
		return time.Unix(s, int64(ns)).UTC().Format(time.RFC3339Nano)
	}
	return "ext:" + strconv.Itoa(int(typ)) + ":" + base64.StdEncoding.EncodeToString(data)
}
