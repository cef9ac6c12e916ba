package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/shared/esbulk"
)

// props is a map-backed Getter that matches keys case-insensitively, as Fluent Bit does.
func props(kv map[string]string) Getter {
	return func(key string) (string, bool) {
		for k, v := range kv {
			if strings.EqualFold(k, key) {
				return v, true
			}
		}
		return "", false
	}
}

func env(kv map[string]string) Env {
	return func(name string) (string, bool) { v, ok := kv[name]; return v, ok }
}

// testCA returns a freshly made self-signed CA certificate in PEM.
func testCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestDefaults(t *testing.T) {
	c, err := Parse(props(nil), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Sink != SinkStdout || c.ModelDir != "" || c.AlertThreshold != 0.5 || c.BatchSize != 8 || c.CacheSize != 100000 ||
		c.Threads != 1 || c.MaxTokens != 0 || c.ResultKey != "ttpscope" || c.FlushTimeout != 4*time.Second ||
		c.ESIndex != DefaultESIndex || !c.ESTLSVerify || c.ESID != IDHash || c.ForwardTag != DefaultForwardTag ||
		len(c.Fields) != 8 || c.Fields[0] != "process.command_line" {
		t.Errorf("defaults %+v", c)
	}
}

func TestParse(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	notPEM := filepath.Join(dir, "not.pem")
	lib := filepath.Join(dir, "libonnxruntime.so.1")
	for path, body := range map[string]string{ca: testCA(t), notPEM: "hello", lib: "x"} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	dl := filepath.Join(dir, "dead.ndjson")
	es := func(extra map[string]string) map[string]string {
		m := map[string]string{"sink": "es", "es_url": "http://127.0.0.1:9200", "dead_letter_path": dl}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		props   map[string]string
		env     map[string]string
		wantErr string // substring; "" means success
		check   func(t *testing.T, c *Config)
	}{
		{name: "full es", props: es(map[string]string{
			"Model_Dir": dir, "ort_library": lib, "fields": "CommandLine, message ,log", "result_key": "labels.ml",
			"alert_threshold": "0.8", "max_tokens": "128", "batch_size": "64", "cache_size": "0", "threads": "2",
			"es_url": "https://a:9200/, http://b:9200", "es_index": "ttp-%Y.%m.%d", "es_api_key": "c2VjcmV0",
			"es_ca_file": ca, "es_tls_verify": "Off", "es_pipeline": "geoip", "es_id": "NONE", "flush_timeout": "2500ms",
		}), check: func(t *testing.T, c *Config) {
			if c.ModelDir != dir || c.ORTLibrary != lib || strings.Join(c.Fields, "|") != "CommandLine|message|log" ||
				c.ResultKey != "labels.ml" || c.AlertThreshold != 0.8 || c.MaxTokens != 128 || c.BatchSize != 64 ||
				c.CacheSize != 0 || c.Threads != 2 || c.Sink != SinkES ||
				strings.Join(c.ESURLs, "|") != "https://a:9200|http://b:9200" || c.ESIndex != "ttp-%Y.%m.%d" ||
				c.ESAPIKey != "c2VjcmV0" || c.ESCAFile != ca || c.ESTLSVerify || c.ESPipeline != "geoip" || c.ESID != IDNone ||
				c.FlushTimeout != 2500*time.Millisecond || c.DeadLetterPath != dl {
				t.Errorf("%+v", c)
			}
		}},
		{name: "forward", props: map[string]string{"sink": "forward", "forward_address": "127.0.0.1:24225", "forward_tag": "enriched.win"},
			check: func(t *testing.T, c *Config) {
				if c.ForwardAddress != "127.0.0.1:24225" || c.ForwardTag != "enriched.win" {
					t.Errorf("%+v", c)
				}
			}},
		{name: "seconds as flush_timeout", props: map[string]string{"flush_timeout": "3"}, check: func(t *testing.T, c *Config) {
			if c.FlushTimeout != 3*time.Second {
				t.Errorf("%v", c.FlushTimeout)
			}
		}},
		{name: "loader name for ort_library", props: map[string]string{"ort_library": "libonnxruntime.so.1"}, check: func(t *testing.T, c *Config) {
			if c.ORTLibrary != "libonnxruntime.so.1" {
				t.Errorf("%q", c.ORTLibrary)
			}
		}},
		{name: "secrets from env, TTPSCOPE_ first", props: es(nil),
			env: map[string]string{"ES_USER": "plain", "TTPSCOPE_ES_USER": "elastic", "ES_PASSWORD": "pw"},
			check: func(t *testing.T, c *Config) {
				if c.ESUser != "elastic" || c.ESPassword != "pw" || c.secretSource["es_password"] != "env ES_PASSWORD" {
					t.Errorf("%+v", c)
				}
			}},
		{name: "key wins over env", props: es(map[string]string{"es_api_key": "fromkey"}), env: map[string]string{"ES_API_KEY": "fromenv"},
			check: func(t *testing.T, c *Config) {
				if c.ESAPIKey != "fromkey" {
					t.Errorf("%q", c.ESAPIKey)
				}
			}},

		{name: "bad sink", props: map[string]string{"sink": "kafka"}, wantErr: `key "sink": value "kafka": must be one of es, forward, stdout, null`},
		{name: "bad bool", props: es(map[string]string{"es_tls_verify": "maybe"}), wantErr: `key "es_tls_verify": value "maybe": not a boolean`},
		{name: "threshold 0", props: map[string]string{"alert_threshold": "0"}, wantErr: `key "alert_threshold": value "0": must be > 0 and <= 1`},
		{name: "threshold NaN", props: map[string]string{"alert_threshold": "NaN"}, wantErr: `key "alert_threshold"`},
		{name: "threshold 1.5", props: map[string]string{"alert_threshold": "1.5"}, wantErr: `key "alert_threshold"`},
		{name: "batch 0", props: map[string]string{"batch_size": "0"}, wantErr: `key "batch_size": value "0": must be between 1 and 4096`},
		{name: "threads text", props: map[string]string{"threads": "two"}, wantErr: `key "threads": value "two": not an integer`},
		{name: "max_tokens 4", props: map[string]string{"max_tokens": "4"}, wantErr: `key "max_tokens"`},
		{name: "cache negative", props: map[string]string{"cache_size": "-1"}, wantErr: `key "cache_size"`},
		{name: "empty value", props: map[string]string{"result_key": "  "}, wantErr: `key "result_key": value "": empty`},
		{name: "model_dir missing", props: map[string]string{"model_dir": filepath.Join(dir, "nope")}, wantErr: `key "model_dir"`},
		{name: "model_dir is a file", props: map[string]string{"model_dir": ca}, wantErr: `key "model_dir": value "` + ca + `": not a directory`},
		{name: "ort_library missing", props: map[string]string{"ort_library": "/nonexistent/libonnxruntime.so.1"}, wantErr: `key "ort_library"`},
		{name: "fields bad path", props: map[string]string{"fields": "a..b"}, wantErr: `key "fields"`},
		{name: "es without url", props: map[string]string{"sink": "es", "dead_letter_path": dl}, wantErr: `key "es_url": required`},
		{name: "es without dead letters", props: map[string]string{"sink": "es", "es_url": "http://x:9200"}, wantErr: `key "dead_letter_path": required`},
		{name: "es url scheme", props: es(map[string]string{"es_url": "ftp://x"}), wantErr: `key "es_url": value "ftp://x": scheme`},
		{name: "es url creds", props: es(map[string]string{"es_url": "http://u:p@x:9200"}), wantErr: `key "es_url"`},
		{name: "index upper case", props: es(map[string]string{"es_index": "Logs"}), wantErr: `key "es_index": value "Logs"`},
		{name: "index directive", props: es(map[string]string{"es_index": "logs-%Q"}), wantErr: `key "es_index": value "logs-%Q"`},
		{name: "index star", props: es(map[string]string{"es_index": "logs-*"}), wantErr: `key "es_index"`},
		{name: "api key and user", props: es(map[string]string{"es_api_key": "k", "es_user": "u", "es_password": "p"}), wantErr: `set one way to authenticate`},
		{name: "user without password", props: es(map[string]string{"es_user": "u"}), wantErr: `set both or neither`},
		{name: "ca not pem", props: es(map[string]string{"es_ca_file": notPEM}), wantErr: `key "es_ca_file"`},
		{name: "es_id bad", props: es(map[string]string{"es_id": "uuid"}), wantErr: `key "es_id": value "uuid": must be one of hash, none`},
		{name: "dead letter dir missing", props: map[string]string{"dead_letter_path": "/nonexistent/dir/dl.ndjson"}, wantErr: `key "dead_letter_path"`},
		{name: "dead letter is dir", props: map[string]string{"dead_letter_path": dir}, wantErr: `key "dead_letter_path"`},
		{name: "forward without address", props: map[string]string{"sink": "forward"}, wantErr: `key "forward_address": required`},
		{name: "forward bad address", props: map[string]string{"sink": "forward", "forward_address": "localhost"}, wantErr: `key "forward_address": value "localhost": not host:port`},
		{name: "forward port 0", props: map[string]string{"sink": "forward", "forward_address": "h:0"}, wantErr: `key "forward_address"`},
		{name: "forward tag wildcard", props: map[string]string{"sink": "forward", "forward_address": "h:1", "forward_tag": "a.*"}, wantErr: `key "forward_tag"`},
		{name: "flush_timeout too long", props: map[string]string{"flush_timeout": "1h"}, wantErr: `key "flush_timeout"`},
		{name: "key of another sink", props: map[string]string{"sink": "stdout", "es_url": "http://x:9200"}, wantErr: `key "es_url" applies to sink es, but sink is stdout`},
		{name: "misspelled with dash", props: map[string]string{"model-dir": "/x"}, wantErr: `unknown key "model-dir" (did you mean "model_dir"?)`},
		{name: "es output key", props: map[string]string{"sink": "es", "HTTP_User": "x"}, wantErr: `unknown key "http_user" (did you mean "es_user"?)`},
		{name: "index key", props: map[string]string{"index": "x"}, wantErr: `unknown key "index" (did you mean "es_index"?)`},
		{name: "no separator", props: map[string]string{"batchsize": "3"}, wantErr: `unknown key "batchsize" (did you mean "batch_size"?)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(props(tt.props), env(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestLogValueMasksSecrets(t *testing.T) {
	c, err := Parse(props(map[string]string{"sink": "es", "es_url": "http://x:9200", "dead_letter_path": filepath.Join(t.TempDir(), "d"),
		"es_user": "elastic"}), env(map[string]string{"ES_PASSWORD": "hunter2"}))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("config", "config", c)
	var line map[string]any
	if err := json.Unmarshal([]byte(b.String()), &line); err != nil {
		t.Fatal(err)
	}
	cfg := line["config"].(map[string]any)
	if strings.Contains(b.String(), "hunter2") || cfg["es_password"] != "****** (env ES_PASSWORD)" || cfg["es_user"] != "elastic" ||
		cfg["es_api_key"] != "(unset)" || cfg["sink"] != "es" {
		t.Errorf("logged %s", b.String())
	}
}

func TestIndexPattern(t *testing.T) {
	c, err := Parse(props(map[string]string{"sink": "es", "es_url": "http://x:9200", "dead_letter_path": filepath.Join(t.TempDir(), "d"),
		"es_index": "ttp-%Y.%m.%d"}), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("x", 3600)) // 04:06 UTC
	if got := c.ESIndexPattern.Format(ts); got != "ttp-2026.03.04" {
		t.Errorf("index %q", got)
	}
	d, err := Parse(props(nil), env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.ESIndexPattern.Format(ts); got != DefaultESIndex {
		t.Errorf("default index %q", got)
	}
}

func TestKeysAreDocumentedOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Keys() {
		if seen[k.Name] || k.Help == "" || k.Name != strings.ToLower(k.Name) {
			t.Errorf("key %+v", k)
		}
		seen[k.Name] = true
	}
	for probe, meant := range probes() {
		if seen[probe] || !seen[meant] {
			t.Errorf("probe %q -> %q", probe, meant)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("sink", "es", "es_url", "http://x:9200, https://y")
	f.Add("alert_threshold", "0.7", "es_index", "logs-%Y.%m.%d")
	f.Add("flush_timeout", "1.5", "forward_address", "[::1]:24224")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		c, err := Parse(props(map[string]string{k1: v1, k2: v2}), env(nil))
		if err != nil {
			if !strings.Contains(err.Error(), "key") {
				t.Fatalf("error does not name a key: %v", err)
			}
			return
		}
		if c.AlertThreshold <= 0 || c.AlertThreshold > 1 || c.BatchSize < 1 || c.Threads < 1 || c.FlushTimeout < 100*time.Millisecond {
			t.Fatalf("accepted out-of-range config %+v", c)
		}
		if _, err := esbulk.CompileIndex(c.ESIndex); err != nil {
			t.Fatalf("accepted index %q: %v", c.ESIndex, err)
		}
	})
}

// TestHintAndKeyNames: what package flbconf gets to check configuration files with.
func TestHintAndKeyNames(t *testing.T) {
	names := KeyNames()
	if len(names) != len(Keys()) || names[0] != "model_dir" {
		t.Errorf("KeyNames: %v", names)
	}
	for key, want := range map[string]string{
		"model-dir": "model_dir", "HTTP_User": "es_user", "url": "es_url", "sink": "", "nothing_like_it": "",
	} {
		if got := Hint(key); got != want {
			t.Errorf("Hint(%q) = %q, want %q", key, got, want)
		}
	}
}
