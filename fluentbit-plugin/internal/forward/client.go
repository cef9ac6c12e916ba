// Package forward sends records to a Fluent Bit or Fluentd forward input (the Forward protocol v1,
// "Forward mode") and waits for the receiver's acknowledgement, so that a returned nil error means the
// receiver has taken the whole message.
//
// One message per Send: [tag, [entry, ...], {"chunk": id, "size": n}]. An entry is [EventTime, record],
// or [[EventTime, metadata], record] when the event carries non-empty Fluent Bit v2 metadata (Fluent
// Bit >= 2.1's forward input decodes both; Fluentd understands only the first). EventTime is ext type 0,
// 8 bytes: big-endian seconds and nanoseconds.
package forward

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	vm "github.com/vmihailenco/msgpack/v5"
)

// Entry is one record to send.
type Entry struct {
	Time     time.Time
	Metadata map[string]any // sent only when non-empty
	Record   map[string]any
}

// Client sends to one address. It keeps idle connections for reuse and is safe for concurrent use:
// concurrent Sends use separate connections.
type Client struct {
	addr    string
	maxIdle int
	dialer  net.Dialer

	mu     sync.Mutex
	idle   []net.Conn
	closed bool
}

// DefaultTimeout bounds a Send whose context has no deadline.
const DefaultTimeout = 30 * time.Second

// NewClient returns a client for addr (host:port). It connects lazily.
func NewClient(addr string, maxIdle int) *Client {
	return &Client{addr: addr, maxIdle: max(maxIdle, 1)}
}

// ErrClosed is returned by Send after Close.
var ErrClosed = errors.New("forward client closed")

// Send delivers entries under tag as one message with chunk id chunk, and returns once the receiver has
// acknowledged it. On error the receiver may or may not have taken the message (a lost ack); resending
// the same chunk id lets a receiver that remembers ids drop the copy.
func (c *Client) Send(ctx context.Context, tag, chunk string, entries []Entry) error {
	msg, err := Encode(tag, chunk, entries)
	if err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, DefaultTimeout)
		defer cancel()
	}
	conn, reused, err := c.get(ctx)
	if err != nil {
		return err
	}
	err = c.exchange(ctx, conn, msg, chunk)
	if err != nil && reused && ctx.Err() == nil {
		// An idle connection the receiver had closed fails on first use, before the receiver could
		// read anything: try once more on a fresh one.
		conn.Close()
		if conn, err = c.dial(ctx); err != nil {
			return err
		}
		err = c.exchange(ctx, conn, msg, chunk)
	}
	if err != nil {
		conn.Close()
		return fmt.Errorf("forward %d records to %s: %w", len(entries), c.addr, err)
	}
	c.put(conn)
	return nil
}

func (c *Client) exchange(ctx context.Context, conn net.Conn, msg []byte, chunk string) error {
	deadline, _ := ctx.Deadline()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) }) // cancellation unblocks I/O
	defer stop()
	if _, err := conn.Write(msg); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	d := vm.NewDecoder(bufio.NewReader(conn))
	var ack map[string]any
	if err := d.Decode(&ack); err != nil {
		return fmt.Errorf("read ack: %w", err)
	}
	if got, _ := ack["ack"].(string); got != chunk {
		return fmt.Errorf("ack %v does not match chunk %q", ack["ack"], chunk)
	}
	return nil
}

func (c *Client) get(ctx context.Context) (net.Conn, bool, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, false, ErrClosed
	}
	if n := len(c.idle); n > 0 {
		conn := c.idle[n-1]
		c.idle = c.idle[:n-1]
		c.mu.Unlock()
		return conn, true, nil
	}
	c.mu.Unlock()
	conn, err := c.dial(ctx)
	return conn, false, err
}

func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	conn, err := c.dialer.DialContext(ctx, "tcp", c.addr)
	if err != nil {
		return nil, fmt.Errorf("connect to forward receiver: %w", err)
	}
	return conn, nil
}

func (c *Client) put(conn net.Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed || len(c.idle) >= c.maxIdle {
		conn.Close()
		return
	}
	conn.SetDeadline(time.Time{})
	c.idle = append(c.idle, conn)
}

// Close closes idle connections; Sends in flight finish on their own connections, later ones fail.
func (c *Client) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	var errs []error
	for _, conn := range c.idle {
		errs = append(errs, conn.Close())
	}
	c.idle = nil
	return errors.Join(errs...)
}

// Encode builds one Forward-mode message.
func Encode(tag, chunk string, entries []Entry) ([]byte, error) {
	var buf writer
	e := vm.NewEncoder(&buf)
	e.SetSortMapKeys(true)
	err := errors.Join(e.EncodeArrayLen(3), e.EncodeString(tag), e.EncodeArrayLen(len(entries)))
	for i, en := range entries {
		if len(en.Metadata) > 0 {
			err = errors.Join(err, e.EncodeArrayLen(2), e.EncodeArrayLen(2), e.Encode(EventTime(en.Time)), e.Encode(en.Metadata))
		} else {
			err = errors.Join(err, e.EncodeArrayLen(2), e.Encode(EventTime(en.Time)))
		}
		if rerr := e.Encode(en.Record); rerr != nil {
			err = errors.Join(err, fmt.Errorf("record %d: %w", i, rerr))
		}
	}
	err = errors.Join(err, e.EncodeMapLen(2), e.EncodeString("chunk"), e.EncodeString(chunk),
		e.EncodeString("size"), e.EncodeInt(int64(len(entries))))
	if err != nil {
		return nil, fmt.Errorf("encode forward message: %w", err)
	}
	return buf.b, nil
}

// EventTime is Fluent Bit's EventTime extension (fixext8, type 0) as a raw msgpack value.
func EventTime(t time.Time) vm.RawMessage {
	b := make([]byte, 10)
	b[0], b[1] = 0xd7, 0x00
	binary.BigEndian.PutUint32(b[2:], uint32(t.Unix()))
	binary.BigEndian.PutUint32(b[6:], uint32(t.Nanosecond()))
	return b
}

type writer struct{ b []byte }

func (w *writer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }
