package bulkproxy

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/test/esfake"
)

// benchBody is a _bulk body of n index actions with varied command lines.
func benchBody(n int) string {
	lines := []string{`reg save hklm\sam c:\t\s%d`, `Set-MpPreference -DisableRealtimeMonitoring $true #%d`, `ipconfig /all %d`, `powershell -enc SQBFAFgA%d`}
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"index":{"_index":"bench"}}`+"\n"+`{"@timestamp":"2026-01-01T00:00:00Z","host":{"name":"h%d"},"process":{"command_line":%q}}`+"\n",
			i%7, fmt.Sprintf(lines[i%len(lines)], i))
	}
	return b.String()
}

// BenchmarkProxyBulk measures documents/s through the proxy to the fake, with the keyword enricher and with
// none (the proxy's own cost: parse, forward, relay), against the fake alone as the baseline. The model's share is measured in elastic-ingest's
// BenchmarkServe.
func BenchmarkProxyBulk(b *testing.B) {
	const docs = 500
	body := benchBody(docs)
	for _, bc := range []struct {
		name   string
		proxy  bool
		enrich bool
	}{{"direct-to-fake", false, false}, {"no-enrich", true, false}, {"keyword-enricher", true, true}} {
		b.Run(bc.name, func(b *testing.B) {
			fake := esfake.Start(b, esfake.WithRequestLogLimit(0))
			opts := Options{}
			if bc.enrich {
				opts.Enricher = newEnricher(b)
			}
			target := fake.URL()
			if bc.proxy {
				_, srv := start(b, fake.URL(), opts)
				target = srv.URL
			}
			b.SetBytes(int64(len(body)))
			b.ResetTimer()
			start := time.Now()
			for i := 0; i < b.N; i++ {
				resp, err := http.Post(target+"/_bulk", "application/x-ndjson", strings.NewReader(body))
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
			b.ReportMetric(float64(docs*b.N)/time.Since(start).Seconds(), "docs/s")
		})
	}
}

// BenchmarkRewrite is the proxy's in-process cost per request: parse the body and rebuild it, with and
// without the keyword enricher (decode, enrich, re-encode each source).
func BenchmarkRewrite(b *testing.B) {
	const docs = 500
	body := []byte(benchBody(docs))
	for _, bc := range []struct {
		name string
		enr  Enricher
	}{{"parse-only", nil}, {"keyword-enricher", newEnricher(b)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			start := time.Now()
			for i := 0; i < b.N; i++ {
				ops, perr := ParseBulk(body)
				if perr != nil {
					b.Fatal(perr)
				}
				if _, err := rewriteBulk(context.Background(), body, ops, "", bc.enr, "ttpscope", "document_parsing_exception"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(docs*b.N)/time.Since(start).Seconds(), "docs/s")
		})
	}
}
