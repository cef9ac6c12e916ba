package esfake

import (
	"os"
	"testing"
)

// Environment variables that point the tests at a real cluster.
const (
	EnvURL      = "ES_URL"      // e.g. https://localhost:9200 (user:pass@ allowed)
	EnvAPIKey   = "ES_API_KEY"  // base64 id:key, sent as "ApiKey <value>"
	EnvUsername = "ES_USERNAME" // basic auth, when no API key
	EnvPassword = "ES_PASSWORD"
	EnvCAFile   = "ES_CA_FILE" // PEM CA for a self-signed cluster
)

// Target is where a test sends its requests: a real cluster named by ES_URL,
// or a fresh fake.
type Target struct {
	URL                string
	APIKey             string
	Username, Password string
	CAFile             string
	// Fake is the fake behind URL, or nil for a real cluster. Tests that
	// inject faults or read the fake's store need it: call RequireFake.
	Fake *Server
}

// Real reports whether the target is a real cluster.
func (t Target) Real() bool { return t.Fake == nil }

// RequireFake skips the test, saying why, when the target is a real cluster.
func (t Target) RequireFake(tb testing.TB) *Server {
	tb.Helper()
	if t.Fake == nil {
		tb.Skipf("esfake: this test injects faults or reads the fake's store; skipped against the real cluster at %s", t.URL)
	}
	return t.Fake
}

// NewTarget returns the real cluster of ES_URL (with ES_API_KEY,
// ES_USERNAME/ES_PASSWORD and ES_CA_FILE) when it is set, else a fresh fake
// started with opts and closed at the end of the test. It logs which one.
// A fake target carries the credentials its options require and, with
// WithTLS, a CA file in a temporary directory, so a test passes the
// target's URL, credentials and CA file to the code under test the same way
// for both. opts do not apply to a real cluster.
func NewTarget(tb testing.TB, opts ...Option) Target {
	tb.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		tb.Logf("esfake: %s is set: running against the real cluster at %s", EnvURL, u)
		return Target{
			URL: u, APIKey: os.Getenv(EnvAPIKey), Username: os.Getenv(EnvUsername),
			Password: os.Getenv(EnvPassword), CAFile: os.Getenv(EnvCAFile),
		}
	}
	s := New(opts...)
	tb.Cleanup(s.Close)
	tg := s.Target()
	if s.CACertPEM() != nil {
		ca, err := s.WriteCAFile(tb.TempDir())
		if err != nil {
			tb.Fatal(err)
		}
		tg.CAFile = ca
	}
	return tg
}

// URL returns ES_URL when set (a real cluster; the *Server is nil) or the
// URL of a fresh fake, closed at the end of the test.
func URL(tb testing.TB, opts ...Option) (string, *Server) {
	tb.Helper()
	t := NewTarget(tb, opts...)
	return t.URL, t.Fake
}

// Start returns a fresh fake (never a real cluster), closed at the end of
// the test. When ES_URL is set it logs that this test still uses the fake.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	if u := os.Getenv(EnvURL); u != "" {
		tb.Logf("esfake: %s is set, but this test injects faults or reads the fake's store: it runs against a fake, not %s", EnvURL, u)
	}
	s := New(opts...)
	tb.Cleanup(s.Close)
	return s
}
