package esbulk

import (
	"bytes"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type otherTransport struct{}

func (otherTransport) RoundTrip(*http.Request) (*http.Response, error) { return nil, nil }

func TestConfigValidation(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // substrings of the error; nil means valid
	}{
		{"zero is valid", Config{}, nil},
		{"bad address", Config{Addresses: []string{"localhost:9200"}}, []string{"Addresses", "not an http(s) URL"}},
		{"password hidden in the error", Config{Addresses: []string{"ftp://u:hunter2@x"}}, []string{"Addresses", "u:xxxxx@x"}},
		{"bad id mode", Config{IDMode: "random"}, []string{"IDMode", `"random"`}},
		{"unknown directive", Config{Index: "logs-%Q"}, []string{"Index", "unknown directive %Q"}},
		{"upper case index", Config{Index: "Logs-%Y"}, []string{"Index", "lowercase"}},
		{"trailing percent", Config{Index: "logs-%"}, []string{"Index", "trailing %"}},
		{"negative flush", Config{FlushBytes: -1}, []string{"FlushBytes", "negative"}},
		{"negative deadline", Config{Deadline: -time.Second}, []string{"Deadline", "negative"}},
		{"backoff max below initial", Config{BackoffInitial: time.Second, BackoffMax: time.Millisecond}, []string{"BackoffMax", "below BackoffInitial"}},
		{"missing CA file", Config{CAFile: "/nonexistent/ca.pem"}, []string{"CAFile", "no such file"}},
		{"CA with a foreign transport", Config{CAFile: "config_test.go", Transport: otherTransport{}}, []string{"Transport", "*http.Transport"}},
		{"several problems at once", Config{IDMode: "x", FlushDocs: -2}, []string{"IDMode", "FlushDocs"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.cfg.normalize()
			if tc.want == nil {
				if err != nil {
					t.Errorf("unexpected error %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %v", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error leaks a password: %v", err)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := Config{Addresses: []string{" http://a:9200 "}}.normalize()
	if err != nil {
		t.Fatal(err)
	}
	if c.Addresses[0] != "http://a:9200" || c.IDMode != IDHash || c.FlushBytes != DefaultFlushBytes || c.FlushDocs != DefaultFlushDocs ||
		c.MaxRetries != DefaultMaxRetries || c.Deadline != DefaultDeadline || c.Workers != DefaultWorkers ||
		c.QueueBytes != int64(DefaultWorkers+1)*DefaultFlushBytes || c.Logger == nil || c.Now == nil || c.InsecureSkipVerify {
		t.Errorf("defaults %+v", c)
	}
	in := []string{"http://x:1"}
	if _, err := (Config{Addresses: in}).normalize(); err != nil || in[0] != "http://x:1" {
		t.Errorf("normalize changed the caller's slice: %v", in)
	}
}

func TestConfigLogValueMasksSecrets(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	log.Info("config", "es", Config{Addresses: []string{"https://elastic:pw-in-url@h:9200"}, APIKey: "key-secret", Password: "pw-secret", Username: "elastic"})
	out := buf.String()
	for _, secret := range []string{"pw-in-url", "key-secret", "pw-secret"} {
		if strings.Contains(out, secret) {
			t.Errorf("log leaks %q: %s", secret, out)
		}
	}
	if !strings.Contains(out, `"username":"elastic"`) || !strings.Contains(out, `"tls_verify":true`) {
		t.Errorf("log %s", out)
	}
}

func TestNewFailsOnUnwritableDeadLetterPath(t *testing.T) {
	_, err := New(Config{DeadLetterPath: filepath.Join(t.TempDir(), "missing-dir", "dl.ndjson")})
	if err == nil || !strings.Contains(err.Error(), "DeadLetterPath") {
		t.Errorf("err = %v", err)
	}
}

func TestCompileIndex(t *testing.T) {
	ts := time.Date(2024, 12, 30, 7, 5, 0, 0, time.FixedZone("plus2", 2*3600)) // 05:05 UTC, ISO week 2025-W01
	tests := []struct {
		pattern, want string
		timed         bool
		err           string
	}{
		{"logs", "logs", false, ""},
		{"logs-%Y.%m.%d", "logs-2024.12.30", true, ""},
		{"logs-%y%m%d-%H", "logs-241230-05", true, ""},
		{"logs-%G-w%V", "logs-2025-w01", true, ""},
		{"logs-%j", "logs-365", true, ""},
		{"100%%-%Y", "100%-2024", true, ""},
		{"logs-%Z", "", false, "unknown directive %Z"},
		{"Logs", "", false, "lowercase"},
		{"_logs", "", false, "must not start"},
		{"a b", "", false, "must not contain"},
		{"", "", false, "empty"},
	}
	for _, tc := range tests {
		p, err := CompileIndex(tc.pattern)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: err %v, want %q", tc.pattern, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.pattern, err)
			continue
		}
		if got := p.Format(ts); got != tc.want || p.Timed() != tc.timed || p.String() != tc.pattern {
			t.Errorf("%q: Format = %q timed %v, want %q %v", tc.pattern, got, p.Timed(), tc.want, tc.timed)
		}
	}
}

func TestHashID(t *testing.T) {
	a := HashID([]byte("tag"), []byte("ts"), []byte(`{"a":1}`))
	if len(a) != 22 || strings.ContainsAny(a, "+/=") {
		t.Errorf("id %q: want 22 url-safe characters", a)
	}
	if b := HashID([]byte("tag"), []byte("ts"), []byte(`{"a":1}`)); a != b {
		t.Errorf("not deterministic: %s %s", a, b)
	}
	pairs := [][2][][]byte{
		{{[]byte("ab"), []byte("c")}, {[]byte("a"), []byte("bc")}},
		{{[]byte("x")}, {[]byte("x"), nil}},
		{{[]byte(`{"a":1}`)}, {[]byte(`{"a":2}`)}},
	}
	for _, p := range pairs {
		if HashID(p[0]...) == HashID(p[1]...) {
			t.Errorf("HashID(%q) == HashID(%q)", p[0], p[1])
		}
	}
	// Pinned so that ids stay stable across releases (resends after an
	// upgrade must still hit the same ids).
	if got := HashID([]byte("logs"), []byte(`{"msg":"hello"}`)); got != pinnedHash {
		t.Errorf("HashID changed: %s, pinned %s", got, pinnedHash)
	}
}

func TestBackoff(t *testing.T) {
	w := &Writer{cfg: Config{BackoffInitial: 100 * time.Millisecond, BackoffMax: time.Second}}
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 60: time.Second} {
		for range 50 {
			d := w.backoff(n)
			if d < want/2 || d > want {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v]", n, d, want/2, want)
			}
		}
	}
	w.cfg.DisableJitter = true
	if d := w.backoff(3); d != 400*time.Millisecond {
		t.Errorf("no jitter: %v", d)
	}
}

func TestRetryable(t *testing.T) {
	for st, want := range map[int]bool{200: false, 400: false, 403: false, 404: false, 409: false, 408: true, 429: true, 500: true, 502: true, 503: true, 504: true} {
		if Retryable(st) != want {
			t.Errorf("Retryable(%d) = %v", st, !want)
		}
	}
}

// pinnedHash is HashID("logs", `{"msg":"hello"}`), computed independently:
// base64url(sha256(be64(4) "logs" be64(15) `{"msg":"hello"}`)[:16]).
const pinnedHash = "Cqj6Bio1Isj2Qy8yOVh-hQ"
