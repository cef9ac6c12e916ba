package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/test/esfake"
)

// syncBuffer is a bytes.Buffer safe for the server's logger and the test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServe runs `elastic-ingest serve args...` on a free port until the test ends and returns its base
// URL once it answers.
func startServe(t testing.TB, args ...string) (string, *syncBuffer) {
	t.Helper()
	clearCLIEnv(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		cmd := newServeCmd()
		cmd.SetArgs(append([]string{"--listen", addr}, args...))
		cmd.SetErr(logs)
		cmd.SetOut(io.Discard)
		cmd.SilenceUsage = true
		done <- cmd.ExecuteContext(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	base := "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, logs.String())
		default:
		}
		resp, err := http.Get(base + "/metrics")
		if err == nil {
			resp.Body.Close()
			return base, logs
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not come up: %v\n%s", err, logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServeRealModel runs the command with the embedded default model in front of the target (a fake
// that requires an API key, or the cluster of ES_URL with its credentials).
func TestServeRealModel(t *testing.T) {
	const key = "c2VydmU6a2V5"
	tg := esfake.NewTarget(t, esfake.WithAPIKey(key))
	index := tg.TempName(t)
	base, logs := startServe(t, append(esArgs(tg), "--workers", "1", "--passthrough=false")...)
	body := `{"index":{"_index":"` + index + `","_id":"sam"}}` + "\n" + `{"process":{"command_line":"reg save hklm\\sam c:\\t\\s"}}` + "\n" +
		`{"create":{"_index":"` + index + `","_id":"benign"}}` + "\n" + `{"message":"ls -la /home"}` + "\n" +
		`{"delete":{"_index":"` + index + `","_id":"gone"}}` + "\n"
	req, _ := http.NewRequest("POST", base+"/_bulk", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "ApiKey client-secret-must-not-leak")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Elastic-Product") != "Elasticsearch" {
		t.Fatalf("status %d %v: %s", resp.StatusCode, resp.Header, b)
	}
	var br struct {
		Items []map[string]struct{ Status int } `json:"items"`
	}
	if err := json.Unmarshal(b, &br); err != nil {
		t.Fatal(err)
	}
	if len(br.Items) != 3 || br.Items[0]["index"].Status != 201 || br.Items[1]["create"].Status != 201 || br.Items[2]["delete"].Status != 404 {
		t.Errorf("items %s", b)
	}
	d, ok := tg.Doc(t, index, "sam")
	if !ok {
		t.Fatal("document not indexed upstream")
	}
	if b, ok := tg.Doc(t, index, "benign"); !ok || !strings.Contains(string(b.Source), `"class":"benign"`) {
		t.Errorf("benign document %s (found %v)", b.Source, ok)
	}
	if n := tg.Count(t, index); n != 2 {
		t.Errorf("%s holds %d documents, want 2", index, n)
	}
	f, err := d.Fields()
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := f["ttpscope"].(map[string]any)
	if ts["class"] != "T1003.002" || ts["status"] != "ok" {
		t.Errorf("ttpscope %v, want class T1003.002", ts)
	}
	if threat, _ := f["threat"].(map[string]any); threat["framework"] != "MITRE ATT&CK" {
		t.Errorf("threat %v", f["threat"])
	}
	if tg.Fake != nil { // the configured key, not the client's, went upstream
		for _, r := range tg.Fake.Requests() {
			if got := r.Header.Get("Authorization"); got != "ApiKey "+key {
				t.Errorf("upstream saw Authorization %q, want the configured key", got)
			}
		}
	}
	// --passthrough=false refuses index administration but answers the start-up calls.
	for path, want := range map[string]int{"/": 200, "/_cluster/health": 200} {
		r, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != want {
			t.Errorf("GET %s: %d", path, r.StatusCode)
		}
	}
	r, _ := http.NewRequest("PUT", base+"/_index_template/"+index, strings.NewReader(`{"index_patterns":["`+index+`-*"]}`))
	r.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(r); err != nil || resp.StatusCode != 403 {
		t.Errorf("PUT template with passthrough off: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	if _, ok := tg.IndexTemplate(t, index); ok {
		t.Error("refused template stored upstream")
	}
	mresp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	for _, want := range []string{`ttpscope_proxy_documents_class_total{class="T1003.002"} 1`, `ttpscope_proxy_bulk_actions_total{action="delete"} 1`} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(logs.String(), "client-secret") || strings.Contains(logs.String(), key) || (tg.APIKey != "" && strings.Contains(logs.String(), tg.APIKey)) {
		t.Errorf("credentials logged:\n%s", logs.String())
	}
}

func TestServeUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		msg  string
	}{
		{"bad url", nil, []string{"--es-url", "ftp://x", "--no-classify"}, "--es-url"},
		{"bad url from env", map[string]string{"ELASTICSEARCH_URL": "nope"}, []string{"--no-classify"}, "--es-url"},
		{"key and user", nil, []string{"--es-api-key", "k", "--es-user", "u", "--no-classify"}, "one or the other"},
		{"max body", nil, []string{"--max-body-bytes", "0", "--no-classify"}, "--max-body-bytes"},
		{"metrics path", nil, []string{"--metrics-path", "metrics", "--no-classify"}, "--metrics-path"},
		{"url password redacted", nil, []string{"--es-url", "gopher://u:hunter2@x", "--no-classify"}, "xxxxx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clearCLIEnv(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cmd := newServeCmd()
			cmd.SetArgs(tc.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SilenceUsage, cmd.SilenceErrors = true, true
			err := cmd.ExecuteContext(context.Background())
			var ue *usageError
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !errors.As(err, &ue) {
				t.Errorf("error %v, want a usage error mentioning %q", err, tc.msg)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("password in error: %v", err)
			}
		})
	}
}

// BenchmarkServe measures documents/s through `elastic-ingest serve` to the fake, with the embedded model
// and with --no-classify, so the classifier's share shows. Each request carries 500 documents with distinct
// texts and the result cache is off, so every document is classified (a worst case: real logs repeat).
func BenchmarkServe(b *testing.B) {
	const docs = 500
	templates := []string{`reg save hklm\sam c:\t\s%d`, `Set-MpPreference -DisableRealtimeMonitoring $true -Id %d`,
		`ipconfig /all %d`, `C:\Windows\System32\svchost.exe -k netsvcs -p -s Schedule %d`}
	for _, bc := range []struct {
		name string
		args []string
	}{
		{"no-classify", []string{"--no-classify"}},
		{"classify", []string{"--cache-size", "0"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			fake := esfake.Start(b, esfake.WithRequestLogLimit(0))
			base, _ := startServe(b, append([]string{"--es-url", fake.URL()}, bc.args...)...)
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				var body strings.Builder
				for j := 0; j < docs; j++ {
					fmt.Fprintf(&body, "{\"index\":{\"_index\":\"bench\"}}\n{\"process\":{\"command_line\":%q}}\n",
						fmt.Sprintf(templates[j%len(templates)], i*docs+j))
				}
				resp, err := http.Post(base+"/_bulk", "application/x-ndjson", strings.NewReader(body.String()))
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			b.ReportMetric(float64(docs*b.N)/time.Since(start).Seconds(), "docs/s")
		})
	}
}
