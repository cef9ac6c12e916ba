package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestRunServesAndStopsAfterTimeout(t *testing.T) {
	urlFile := filepath.Join(t.TempDir(), "url")
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- run("127.0.0.1:0", 1500*time.Millisecond, urlFile, "", "", "", false, 1) }()
	var u string
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(urlFile); err == nil && strings.HasSuffix(string(b), "\n") {
			u = strings.TrimSpace(string(b))
			break
		}
	}
	if !strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Fatalf("url file holds %q", u)
	}
	resp, err := http.Get(u + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Elastic-Product") != "Elasticsearch" {
		t.Errorf("GET /: %d %v", resp.StatusCode, resp.Header)
	}
	select {
	case err := <-done:
		if err != nil || time.Since(start) < time.Second {
			t.Errorf("run returned %v after %v", err, time.Since(start))
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not stop after its timeout")
	}
	if _, err := http.Get(u + "/"); err == nil {
		t.Error("still serving after the timeout")
	}
}
