package esbulk

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ttpscope/ttpscope/test/esfake"
)

func FuzzParseBulkResponse(f *testing.F) {
	f.Add([]byte(`{"took":3,"errors":false,"items":[{"index":{"_index":"a","_id":"1","_version":1,"result":"created","status":201}}]}`))
	f.Add([]byte(`{"errors":true,"items":[{"create":{"_index":"a","_id":"1","status":409,"error":{"type":"version_conflict_engine_exception","reason":"x"}}},{"delete":{"_index":"a","_id":"2","status":404,"result":"not_found"}}]}`))
	f.Add([]byte(`{"items":[{"index":{},"create":{}}]}`))
	f.Add([]byte(`{"items":[{"index":{"status":99}}]}`))
	f.Add([]byte(`{"error":{"type":"x"},"status":400}`))
	f.Add([]byte(`{"items":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := parseBulkResponse(b)
		if err != nil {
			return
		}
		for i, it := range r.Items {
			switch it.Action {
			case "index", "create", "update", "delete":
			default:
				t.Fatalf("item %d: action %q", i, it.Action)
			}
			if it.Status < 100 || it.Status > 599 {
				t.Fatalf("item %d: status %d", i, it.Status)
			}
			if len(it.Error) > 0 && !json.Valid(it.Error) {
				t.Fatalf("item %d: invalid error JSON %q", i, it.Error)
			}
		}
		// classify accepts whatever the parser accepts.
		for _, res := range r.Items {
			it := &item{action: "create"}
			classify(it, res)
			if it.state == statePending {
				t.Fatalf("item left pending by status %d", res.Status)
			}
		}
		_ = errorSummary(b)
	})
}

// benchDocs are log records the size of enriched Sysmon events.
func benchDocs(n, offset int) []Doc {
	out := make([]Doc, n)
	for i := range out {
		out[i] = Doc{Body: fmt.Appendf(nil,
			`{"@timestamp":"2024-05-01T12:00:%02dZ","host":{"name":"ws-%d"},"process":{"command_line":"reg.exe save HKLM\\SAM C:\\Temp\\sam%d.hive","pid":%d},"ttpscope":{"class":"T1003.002","score":0.97,"malicious_score":0.98,"model":"ttpscope-mini@1.0.0","status":"ok"}}`,
			i%60, i%50, offset+i, 1000+offset+i)}
	}
	return out
}

// BenchmarkWrite measures documents per second through Write to the fake,
// 500 documents per call (about one Fluent Bit chunk).
func BenchmarkWrite(b *testing.B) {
	f := esfake.Start(b, esfake.WithRequestLogLimit(10))
	cfg := testConfig(f.URL())
	w := newWriter(b, cfg)
	const batch = 500
	c := esClient(b, esfake.Target{URL: f.URL()})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if i%50 == 49 { // keep the fake's memory flat
			b.StopTimer()
			if res, err := c.Indices.Delete([]string{cfg.Index}); err == nil {
				res.Body.Close()
			}
			b.StartTimer()
		}
		b.StopTimer()
		in := benchDocs(batch, i*batch)
		b.StartTimer()
		out, err := w.Write(context.Background(), in)
		if err != nil || out.Indexed != batch {
			b.Fatalf("%+v %v", out, err)
		}
	}
	b.ReportMetric(float64(b.N*batch)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkIndexer measures documents per second through the async path.
func BenchmarkIndexer(b *testing.B) {
	f := esfake.Start(b, esfake.WithRequestLogLimit(10))
	cfg := testConfig(f.URL())
	cfg.FlushDocs = 500
	w := newWriter(b, cfg)
	in := benchDocs(1000, 0)
	ix, err := w.NewIndexer(IndexerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		d := in[i%len(in)]
		d.ID = fmt.Sprint(i) // distinct ids, so every doc is a new one
		if err := ix.Add(context.Background(), d); err != nil {
			b.Fatal(err)
		}
	}
	if err := ix.Close(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if st := ix.Stats(); st.Indexed != uint64(b.N) {
		b.Fatalf("stats %+v for %d docs", st, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkPrepare is the per-document cost before sending: validation,
// index, hash id, action line.
func BenchmarkPrepare(b *testing.B) {
	w := newWriter(b, Config{Index: "logs-%Y.%m.%d"})
	in := benchDocs(1, 0)[0]
	b.ReportAllocs()
	for b.Loop() {
		d := in
		if it := w.prepare(&d); it.state != statePending {
			b.Fatal(it.err)
		}
	}
}

func BenchmarkParseBulkResponse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"took":5,"errors":false,"items":[`)
	for i := range 1000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"create":{"_index":"logs-2024.05.01","_id":"Cqj6Bio1Isj2Qy8yOVh-h%d","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":%d,"_primary_term":1,"status":201}}`, i, i)
	}
	sb.WriteString(`]}`)
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBulkResponse(body); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzTopLevelField checks the scanner against encoding/json on valid
// objects: same @timestamp, found or not.
func FuzzTopLevelField(f *testing.F) {
	f.Add([]byte(`{"@timestamp":"2024-05-01T00:00:00Z","a":{"@timestamp":1}}`))
	f.Add([]byte(`{"a":[1,{"b":"}"}],"@timestamp":1714521600000}`))
	f.Add([]byte(`{"\u0040timestamp":"2024-05-01","@timestamp":"2023-01-01"}`))
	f.Add([]byte(` { "x" : "\"@timestamp\"" , "@timestamp" : null } `))
	f.Add([]byte(`[{"@timestamp":1}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		raw := topLevelField(b, "@timestamp") // must not panic on anything
		var probe map[string]json.RawMessage
		if json.Unmarshal(b, &probe) != nil || probe == nil {
			return
		}
		want, ok := probe["@timestamp"]
		if !ok {
			// encoding/json matches keys exactly here (a map, not a struct).
			if raw != nil {
				t.Fatalf("found %q in %q, encoding/json found none", raw, b)
			}
			return
		}
		var a, w any
		if json.Unmarshal(raw, &a) != nil || json.Unmarshal(want, &w) != nil || fmt.Sprint(a) != fmt.Sprint(w) {
			t.Fatalf("scanner %q, encoding/json %q in %q", raw, want, b)
		}
	})
}
