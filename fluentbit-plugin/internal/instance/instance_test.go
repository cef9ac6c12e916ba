package instance

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	vm "github.com/vmihailenco/msgpack/v5"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/config"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/deadletter"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/models"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/sink"
	"github.com/ttpscope/ttpscope/shared/classifier"
)

// keywordModel scores by keyword, so expected classes are exact; slow makes Classify wait for its context.
type keywordModel struct{ slow bool }

func (m *keywordModel) Classify(ctx context.Context, texts []string) ([]classifier.Prediction, error) {
	if m.slow {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	out := make([]classifier.Prediction, len(texts))
	for i, t := range texts {
		p := []float32{0.97, 0.01, 0.01, 0.01}
		switch {
		case strings.Contains(t, `hklm\sam`):
			p = []float32{0.02, 0.95, 0.02, 0.01}
		case strings.Contains(t, "disablerealtimemonitoring"):
			p = []float32{0.02, 0.01, 0.96, 0.01}
		}
		out[i].Probs = p
	}
	return out, nil
}
func (m *keywordModel) Classes() []string     { return classifier.KnownClasses() }
func (m *keywordModel) Info() classifier.Info { return classifier.Info{Name: "kw", Version: "1"} }
func (m *keywordModel) Close() error          { return nil }

// recordingSink keeps what it was given and answers as told.
type recordingSink struct {
	mu     sync.Mutex
	got    []sink.Event
	answer func(n int) (sink.Outcome, error)
}

func (s *recordingSink) Write(_ context.Context, _ string, evs []sink.Event) (sink.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, evs...)
	if s.answer != nil {
		return s.answer(len(evs))
	}
	return sink.Outcome{Delivered: len(evs)}, nil
}
func (s *recordingSink) Close() error { return nil }

func eventTime(sec uint32) []byte {
	b := []byte{0xd7, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[2:], sec)
	return b
}

func chunk(t testing.TB, msgs ...string) []byte {
	var out []byte
	for i, m := range msgs {
		body, err := vm.Marshal(map[string]any{"message": m, "i": i})
		if err != nil {
			t.Fatal(err)
		}
		out = append(append(append(out, 0x92, 0x92), eventTime(uint32(1700000000+i))...), 0x80)
		out = append(out, body...)
	}
	return out
}

func newInstance(t *testing.T, m models.Model, s sink.Sink, timeout time.Duration) (*Instance, string) {
	t.Helper()
	dl := filepath.Join(t.TempDir(), "dead.ndjson")
	cfg, err := config.Parse(func(k string) (string, bool) {
		v, ok := map[string]string{"dead_letter_path": dl, "sink": "null", "flush_timeout": timeout.String()}[k]
		return v, ok
	}, func(string) (string, bool) { return "", false })
	if err != nil {
		t.Fatal(err)
	}
	reg := models.NewRegistry(func(context.Context, models.Key) (models.Model, error) { return m, nil })
	in, err := New(context.Background(), cfg, Deps{Models: reg, Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		Sink: func(*config.Config, *deadletter.Writer, *slog.Logger) (sink.Sink, error) { return s, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { in.Close() })
	return in, dl
}

func TestFlushClassifiesAndDelivers(t *testing.T) {
	s := &recordingSink{}
	in, _ := newInstance(t, &keywordModel{}, s, 4*time.Second)
	c := chunk(t, `reg save hklm\sam c:\t\s`, "Set-MpPreference -DisableRealtimeMonitoring $true", "ipconfig /all")
	if code := in.Flush("win.sec", c); code != OK {
		t.Fatalf("code %v", code)
	}
	want := []string{"T1003.002", "T1562", "benign"}
	if len(s.got) != 3 {
		t.Fatalf("sink got %d events", len(s.got))
	}
	for i, ev := range s.got {
		if cls := ev.Record["ttpscope"].(map[string]any)["class"]; cls != want[i] {
			t.Errorf("event %d class %v, want %s", i, cls, want[i])
		}
		if ev.Time.Unix() != int64(1700000000+i) || ev.Metadata == nil || string(ev.Key[0]) != "win.sec" {
			t.Errorf("event %d: time %v metadata %v key %q", i, ev.Time, ev.Metadata, ev.Key[0])
		}
	}
	// Keys are deterministic: the same chunk gives the same keys, and they differ between events.
	first := s.got
	s.got = nil
	in.Flush("win.sec", c)
	for i := range first {
		if !bytes.Equal(bytes.Join(first[i].Key, nil), bytes.Join(s.got[i].Key, nil)) {
			t.Errorf("key of event %d changed between resends", i)
		}
	}
	if bytes.Equal(bytes.Join(first[0].Key, nil), bytes.Join(first[1].Key, nil)) {
		t.Error("two events share a key")
	}
	if st := in.Stats(); st.Chunks != 2 || st.Events != 6 || st.Delivered != 6 || st.Enrich.PerClass["T1562"] != 2 {
		t.Errorf("stats %+v", st)
	}
}

func TestFlushReturnCodes(t *testing.T) {
	tests := []struct {
		name   string
		answer func(n int) (sink.Outcome, error)
		want   Code
	}{
		{"all delivered", func(n int) (sink.Outcome, error) { return sink.Outcome{Delivered: n}, nil }, OK},
		{"duplicates and dead letters count as done", func(n int) (sink.Outcome, error) {
			return sink.Outcome{Delivered: n - 2, Duplicates: 1, DeadLettered: 1}, nil
		}, OK},
		{"some retryable", func(n int) (sink.Outcome, error) { return sink.Outcome{Delivered: n - 1, Retryable: 1}, nil }, Retry},
		{"sink error", func(n int) (sink.Outcome, error) { return sink.Outcome{Retryable: n}, errors.New("503") }, Retry},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, _ := newInstance(t, &keywordModel{}, &recordingSink{answer: tt.answer}, time.Second)
			if code := in.Flush("t", chunk(t, "a", "b", "c")); code != tt.want {
				t.Errorf("code %v, want %v", code, tt.want)
			}
		})
	}
}

func TestFlushDeadLettersUndecodableBytes(t *testing.T) {
	s := &recordingSink{}
	in, dl := newInstance(t, &keywordModel{}, s, time.Second)
	c := append(chunk(t, "a"), 0xc1, 0xc1, 0xc1)
	c = append(c, chunk(t, "b")...)
	if code := in.Flush("t", c); code != OK {
		t.Fatalf("code %v", code)
	}
	if len(s.got) != 2 {
		t.Fatalf("delivered %d events, want 2", len(s.got))
	}
	data, err := os.ReadFile(dl)
	if err != nil {
		t.Fatal(err)
	}
	var e deadletter.Entry
	if err := json.Unmarshal(bytes.TrimSpace(data), &e); err != nil {
		t.Fatalf("dead letter %q: %v", data, err)
	}
	if e.Tag != "t" || e.Msgpack != "wcHB" || !strings.Contains(e.Reason, "0xc1") {
		t.Errorf("dead letter %+v", e)
	}
}

func TestFlushPanicIsRecoveredAndDeadLettered(t *testing.T) {
	in, dl := newInstance(t, &keywordModel{}, &recordingSink{answer: func(int) (sink.Outcome, error) { panic("boom") }}, time.Second)
	if code := in.Flush("t", chunk(t, "a")); code != Error {
		t.Fatalf("code %v", code)
	}
	data, _ := os.ReadFile(dl)
	if !strings.Contains(string(data), "panic in flush: boom") || in.Stats().Panics != 1 {
		t.Errorf("dead letter %q", data)
	}
}

func TestSlowClassificationStillDelivers(t *testing.T) {
	s := &recordingSink{}
	in, _ := newInstance(t, &keywordModel{slow: true}, s, 500*time.Millisecond)
	start := time.Now()
	if code := in.Flush("t", chunk(t, "a", "b")); code != OK {
		t.Fatalf("code %v", code)
	}
	if el := time.Since(start); el > 450*time.Millisecond || el < 250*time.Millisecond {
		t.Errorf("flush took %v; classification should give up at 60%% of 500ms", el)
	}
	for _, ev := range s.got {
		if st := ev.Record["ttpscope"].(map[string]any)["status"]; st != "error" {
			t.Errorf("status %v, want error", st)
		}
	}
}

func TestConcurrentFlushesAndClose(t *testing.T) {
	s := &recordingSink{}
	in, _ := newInstance(t, &keywordModel{}, s, time.Second)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				if code := in.Flush("t", chunk(t, "x", "y", `reg save hklm\sam x`)); code != OK {
					t.Errorf("worker %d: %v", w, code)
				}
			}
		}()
	}
	wg.Wait()
	if err := in.Close(); err != nil {
		t.Fatal(err)
	}
	if len(s.got) != 240 || in.Stats().Delivered != 240 {
		t.Fatalf("delivered %d", len(s.got))
	}
	if code := in.Flush("t", chunk(t, "late")); code != Retry {
		t.Errorf("flush after close: %v", code)
	}
}
