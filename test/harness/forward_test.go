package harness

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	vm "github.com/vmihailenco/msgpack/v5"
)

// receivedEntry is one record a forward receiver took.
type receivedEntry struct {
	tag    string
	chunk  string
	time   time.Time
	meta   map[string]any // nil for the [time, record] form
	record map[string]any
}

// forwardReceiver is a Fluent Bit forward input in miniature: Forward-mode messages
// [tag, [[time, record] or [[time, meta], record], ...], {"chunk": id}], answered with {"ack": id}.
type forwardReceiver struct {
	ln       net.Listener
	mu       sync.Mutex
	dropNext int // close the connection on this many upcoming messages without taking or acking them
	entries  []receivedEntry
	messages int
	wg       sync.WaitGroup
}

func newForwardReceiver(t *testing.T) *forwardReceiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &forwardReceiver{ln: ln}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			r.wg.Add(1)
			go func() { defer r.wg.Done(); r.serve(t, conn) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); r.wg.Wait() })
	return r
}

func (r *forwardReceiver) serve(t *testing.T, conn net.Conn) {
	defer conn.Close()
	d := vm.NewDecoder(bufio.NewReader(conn))
	for {
		n, err := d.DecodeArrayLen()
		if err != nil {
			return
		}
		if n != 3 {
			t.Errorf("forward message with %d elements, want 3 (Forward mode with options)", n)
			return
		}
		tag, _ := d.DecodeString()
		count, err := d.DecodeArrayLen()
		if err != nil {
			t.Errorf("entries: %v", err)
			return
		}
		var got []receivedEntry
		for range count {
			e, err := decodeEntry(d)
			if err != nil {
				t.Errorf("entry: %v", err)
				return
			}
			e.tag = tag
			got = append(got, e)
		}
		var opts map[string]any
		if err := d.Decode(&opts); err != nil {
			t.Errorf("options: %v", err)
			return
		}
		chunk, _ := opts["chunk"].(string)
		r.mu.Lock()
		if r.dropNext > 0 {
			r.dropNext--
			r.mu.Unlock()
			return // as if the receiver died before taking the message
		}
		for i := range got {
			got[i].chunk = chunk
		}
		r.entries = append(r.entries, got...)
		r.messages++
		r.mu.Unlock()
		ack, _ := vm.Marshal(map[string]any{"ack": chunk})
		if _, err := conn.Write(ack); err != nil {
			return
		}
	}
}

func decodeEntry(d *vm.Decoder) (receivedEntry, error) {
	var e receivedEntry
	if n, err := d.DecodeArrayLen(); err != nil || n != 2 {
		return e, fmt.Errorf("entry is not [time, record] (%d, %v)", n, err)
	}
	raw, err := d.DecodeRaw()
	if err != nil {
		return e, err
	}
	if raw[0] == 0x92 { // [[time, meta], record]
		inner := vm.NewDecoder(strings.NewReader(string(raw)))
		inner.DecodeArrayLen()
		ts, _ := inner.DecodeRaw()
		if e.time, err = eventTime(ts); err != nil {
			return e, err
		}
		if err := inner.Decode(&e.meta); err != nil {
			return e, err
		}
		if e.meta == nil {
			e.meta = map[string]any{}
		}
	} else if e.time, err = eventTime(raw); err != nil {
		return e, err
	}
	return e, d.Decode(&e.record)
}

func eventTime(raw []byte) (time.Time, error) {
	if len(raw) != 10 || raw[0] != 0xd7 || raw[1] != 0 {
		return time.Time{}, fmt.Errorf("timestamp %x is not an EventTime fixext8", raw)
	}
	return time.Unix(int64(binary.BigEndian.Uint32(raw[2:])), int64(binary.BigEndian.Uint32(raw[6:]))).UTC(), nil
}

func (r *forwardReceiver) snapshot() ([]receivedEntry, int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedEntry(nil), r.entries...), r.messages
}

// TestForwardLoopback re-emits enriched records to a forward receiver that dies on the first messages:
// the plugin answers RETRY, the harness re-sends, and every record arrives exactly once, with its time,
// its v2 metadata and the new tag.
func TestForwardLoopback(t *testing.T) {
	dir := t.TempDir()
	recv := newForwardReceiver(t)
	recv.dropNext = 3
	var files []string
	var all [][]event
	for c := range 6 {
		evs := makeEvents(fmt.Sprintf("f%d", c), 20, true)
		files = append(files, writeChunk(t, dir, fmt.Sprintf("f%d.msgpack", c), append(append([]event{{marker: 0xFFFFFFFF}}, evs...), event{marker: 0xFFFFFFFE})))
		all = append(all, evs)
	}
	var p plan
	p.instance("fwd", map[string]string{"sink": "forward", "forward_address": recv.ln.Addr().String(), "forward_tag": "enriched.win"})
	p.flush("fwd", "win.security", 3, 5, 20, files...)
	p.exit()
	r := runHarness(t, dir, &p)
	checkLifecycle(t, r, "fwd")
	g := r.line(t, "group fwd ")
	if field(t, g, "ok") != "6" {
		t.Fatalf("group: %s\n%s", g, tail(r.stderr, 3000))
	}
	retried := 0
	for _, l := range r.results {
		if strings.HasPrefix(l, "flush fwd ") && field(t, l, "tries") != "1" {
			retried++
		}
	}
	if retried == 0 {
		t.Errorf("no chunk was retried although the receiver dropped 3 messages:\n%s", strings.Join(r.results, "\n"))
	}
	entries, messages := recv.snapshot()
	if messages != 6 {
		t.Errorf("receiver took %d messages, want 6", messages)
	}
	var got []map[string]any
	byID := map[string]receivedEntry{}
	for _, e := range entries {
		if e.tag != "enriched.win" {
			t.Errorf("tag %q", e.tag)
		}
		got = append(got, e.record)
		byID[fmt.Sprint(e.record["id"])] = e
	}
	want := bodies(all...)
	checkDelivered(t, got, want, reference(t, want, ""))
	for _, evs := range all {
		for _, ev := range evs {
			e := byID[ev.body["id"].(string)]
			wantTime := time.Unix(int64(ev.sec), int64(ev.nsec)).UTC()
			if ev.ts == tsInt {
				wantTime = time.Unix(int64(ev.sec), 0).UTC()
			}
			if d := e.time.Sub(wantTime); d > time.Microsecond || d < -time.Microsecond {
				t.Errorf("%s: time %v, want %v", ev.body["id"], e.time, wantTime)
			}
			if ev.v2 && (e.meta == nil || e.meta["source"] != "test") {
				t.Errorf("%s: v2 metadata lost: %v", ev.body["id"], e.meta)
			}
			if !ev.v2 && e.meta != nil {
				t.Errorf("%s: v1 event sent with metadata %v", ev.body["id"], e.meta)
			}
		}
	}
}
