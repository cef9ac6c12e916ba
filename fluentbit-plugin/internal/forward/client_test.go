package forward

import (
	"bufio"
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	vm "github.com/vmihailenco/msgpack/v5"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/msgpack"
)

// message is what the test receiver got.
type message struct {
	tag    string
	events []msgpack.Event
	opts   map[string]any
}

// receiver is a forward input: it decodes each message with the plugin's own chunk decoder (entries are
// events in the chunk format) and acks it, unless told to misbehave.
type receiver struct {
	ln net.Listener
	mu sync.Mutex
	// dropNext: close the connection after reading this many messages, without acking them.
	dropNext int
	// closeAfterAck: close every connection right after acking (stale idle connections for the client).
	closeAfterAck bool
	got           []message
	wg            sync.WaitGroup
}

func newReceiver(t *testing.T) *receiver {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &receiver{ln: ln}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			r.wg.Add(1)
			go func() { defer r.wg.Done(); r.serve(conn) }()
		}
	}()
	t.Cleanup(func() { ln.Close(); r.wg.Wait() })
	return r
}

func (r *receiver) serve(conn net.Conn) {
	defer conn.Close()
	d := vm.NewDecoder(bufio.NewReader(conn))
	for {
		n, err := d.DecodeArrayLen()
		if err != nil || n != 3 {
			return
		}
		tag, _ := d.DecodeString()
		count, _ := d.DecodeArrayLen()
		var chunk []byte
		for range count {
			raw, err := d.DecodeRaw()
			if err != nil {
				return
			}
			chunk = append(chunk, raw...)
		}
		var opts map[string]any
		if err := d.Decode(&opts); err != nil {
			return
		}
		r.mu.Lock()
		if r.dropNext > 0 {
			r.dropNext--
			r.mu.Unlock()
			return
		}
		res := msgpack.Decode(chunk)
		r.got = append(r.got, message{tag: tag, events: res.Events, opts: opts})
		closeAfter := r.closeAfterAck
		r.mu.Unlock()
		ack, _ := vm.Marshal(map[string]any{"ack": opts["chunk"]})
		if _, err := conn.Write(ack); err != nil || closeAfter {
			return
		}
	}
}

func (r *receiver) messages() []message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]message(nil), r.got...)
}

func TestSendRoundTrip(t *testing.T) {
	r := newReceiver(t)
	c := NewClient(r.ln.Addr().String(), 2)
	defer c.Close()
	ts := time.Unix(1700000000, 123456789)
	entries := []Entry{
		{Time: ts, Record: map[string]any{"message": "whoami", "ttpscope": map[string]any{"class": "benign", "score": 0.97}}},
		{Time: ts.Add(time.Second), Metadata: map[string]any{"otlp": map[string]any{"trace_id": "abc"}}, Record: map[string]any{"n": int64(2), "tags": []string{"a", "b"}}},
		{Time: ts, Metadata: map[string]any{}, Record: map[string]any{"n": int64(3)}},
	}
	if err := c.Send(context.Background(), "ttpscope.enriched", "chunk-1", entries); err != nil {
		t.Fatal(err)
	}
	msgs := r.messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	if m.tag != "ttpscope.enriched" || m.opts["chunk"] != "chunk-1" || m.opts["size"] != int8(3) || len(m.events) != 3 {
		t.Fatalf("message %+v", m)
	}
	if !m.events[0].Time.Equal(ts) || m.events[0].V2() ||
		m.events[0].Body["ttpscope"].(map[string]any)["class"] != "benign" {
		t.Errorf("event 0 %+v", m.events[0])
	}
	if !m.events[1].V2() || m.events[1].Metadata["otlp"].(map[string]any)["trace_id"] != "abc" ||
		m.events[1].Body["n"] != int64(2) || len(m.events[1].Body["tags"].([]any)) != 2 {
		t.Errorf("event 1 %+v", m.events[1])
	}
	if m.events[2].V2() { // empty metadata is sent in the v1 form
		t.Errorf("event 2 sent with metadata")
	}
}

func TestSendFailsWithoutAck(t *testing.T) {
	r := newReceiver(t)
	r.dropNext = 1
	c := NewClient(r.ln.Addr().String(), 1)
	defer c.Close()
	e := []Entry{{Time: time.Unix(1, 0), Record: map[string]any{"a": int64(1)}}}
	if err := c.Send(context.Background(), "t", "c1", e); err == nil {
		t.Fatal("Send succeeded though the receiver never acked")
	}
	if err := c.Send(context.Background(), "t", "c1", e); err != nil {
		t.Fatalf("resend: %v", err)
	}
	if n := len(r.messages()); n != 1 {
		t.Fatalf("receiver kept %d messages, want 1", n)
	}
}

func TestSendRetriesStaleIdleConnection(t *testing.T) {
	r := newReceiver(t)
	r.closeAfterAck = true
	c := NewClient(r.ln.Addr().String(), 1)
	defer c.Close()
	e := []Entry{{Time: time.Unix(1, 0), Record: map[string]any{"a": int64(1)}}}
	for i := range 3 {
		if err := c.Send(context.Background(), "t", "c", e); err != nil {
			t.Fatalf("send %d: %v", i, err)
		}
		time.Sleep(20 * time.Millisecond) // let the receiver close the idle connection
	}
	if n := len(r.messages()); n != 3 {
		t.Fatalf("receiver got %d messages, want 3", n)
	}
}

func TestSendHonoursDeadline(t *testing.T) {
	// A listener that accepts but never answers.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
		}
	}()
	c := NewClient(ln.Addr().String(), 1)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = c.Send(ctx, "t", "c", []Entry{{Time: time.Unix(1, 0), Record: map[string]any{}}})
	if err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("err %v after %v", err, time.Since(start))
	}
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("error %v is not a timeout", err)
	}
}

func TestSendRefused(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	c := NewClient(addr, 1)
	if err := c.Send(context.Background(), "t", "c", nil); err == nil {
		t.Fatal("no error from a closed port")
	}
	c.Close()
	if err := c.Send(context.Background(), "t", "c", nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}
