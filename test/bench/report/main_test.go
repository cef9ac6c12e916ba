package main

import (
	"bytes"
	"strings"
	"testing"
)

const sample = `goos: linux
goarch: amd64
pkg: github.com/ttpscope/ttpscope/test/bench
BenchmarkRaw/batch=8-2       	      54	  87200601 ns/op	         2.000 p50-ms	        16.60 p99-ms	      5872 records/s
BenchmarkClassifyUnique/batch=8-2         	      27	 131064292 ns/op	       261.0 p50-ms	       453.0 p99-ms	      5000 records/s
BenchmarkPluginNull/unique-2         	       1	       225.2 max-flush-ms	        99.61 peak-RSS-MiB	      4700 records/s
BenchmarkServe/classify-2 	       9	 123 ns/op	 4321 docs/s
PASS
ok  	github.com/ttpscope/ttpscope/test/bench	53.901s
`

func TestParse(t *testing.T) {
	rows := parse(sample)
	if len(rows) != 4 {
		t.Fatalf("parsed %d rows, want 4: %+v", len(rows), rows)
	}
	tests := []struct {
		i          int
		name, unit string
		want       float64
	}{
		{0, "Raw/batch=8", "records/s", 5872},
		{0, "Raw/batch=8", "p99-ms", 16.6},
		{1, "ClassifyUnique/batch=8", "p50-ms", 261},
		{2, "PluginNull/unique", "peak-RSS-MiB", 99.61},
		{3, "Serve/classify", "docs/s", 4321},
	}
	for _, tt := range tests {
		r := rows[tt.i]
		if r.name != tt.name || r.m[tt.unit] != tt.want {
			t.Errorf("row %d: %s %s=%v, want %s %v", tt.i, r.name, tt.unit, r.m[tt.unit], tt.name, tt.want)
		}
	}
	if got := rate(rows[3]); got != 4321 {
		t.Errorf("rate(serve) = %v, want docs/s 4321", got)
	}
}

func TestTargets(t *testing.T) {
	rows := parse(sample)
	for i := range rows {
		rows[i].model = "default"
	}
	rows[2].rssMiB = 99.61
	seed := row{model: "seed-sized", name: "ClassifyUnique/batch=8", m: map[string]float64{"records/s": 40}}
	var b bytes.Buffer
	writeTargets(&b, append(rows, seed))
	out := b.String()
	for _, want := range []string{
		"| default ÷ seed-sized, classify unique (batch 8) | 125 × | ≥ 100 × | yes |",
		"| classify unique ÷ raw ORT, batch 8 | 85.1 % | ≥ 85.0 % | yes |",
		"| plugin overhead over classify (unique, batch 8) | 6.0 % | ≤ 10.0 % | yes |",
		"| plugin peak RSS (null sink, default model) | 99.6 MiB | ≤ 286 MiB | yes |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("targets lack %q:\n%s", want, out)
		}
	}
	rows[1].m["records/s"] = 4000 // 68% of raw, and the plugin is now faster than classify
	b.Reset()
	writeTargets(&b, rows)
	if !strings.Contains(b.String(), "| classify unique ÷ raw ORT, batch 8 | 68.1 % | ≥ 85.0 % | **no** |") {
		t.Errorf("a missed target is not flagged:\n%s", b.String())
	}
}

// TestTargetsInterleaved: the interleaved benchmarks, when present, decide the two overhead targets over
// the separate rows.
func TestTargetsInterleaved(t *testing.T) {
	rows := parse(sample)
	for i := range rows {
		rows[i].model = "default"
	}
	rows = append(rows,
		row{model: "default", name: "Overhead/batch=8", m: map[string]float64{"classify-%-of-raw": 80.2, "records/s": 4010, "raw-records/s": 5000}},
		row{model: "default", name: "PluginOverhead", m: map[string]float64{"overhead-%": 12.5, "records/s": 3500, "classify-records/s": 4000}})
	var b bytes.Buffer
	writeTargets(&b, rows)
	out := b.String()
	for _, want := range []string{
		"| classify unique ÷ raw ORT, batch 8 (interleaved) | 80.2 % | ≥ 85.0 % | **no** | 4,010 vs 5,000 records/s |",
		"| plugin overhead over classify (unique, batch 8, interleaved) | 12.5 % | ≤ 10.0 % | **no** | 3,500 vs 4,000 records/s |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("targets lack %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"| classify unique ÷ raw ORT, batch 8 |", "| plugin overhead over classify (unique, batch 8) |"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("the separate rows should give way to the interleaved ones, got %q:\n%s", unwanted, out)
		}
	}
}

func TestCommas(t *testing.T) {
	for v, want := range map[float64]string{0: "0.0", 99.95: "100.0", 100: "100", 5872.4: "5,872", 1234567: "1,234,567"} {
		if got := commas(v); got != want {
			t.Errorf("commas(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestMedian(t *testing.T) {
	run := func(a, b float64) []row {
		return []row{{name: "Raw/batch=8", m: map[string]float64{"records/s": a}}, {name: "Serve/x", m: map[string]float64{"docs/s": b}}}
	}
	got := median([][]row{run(5, 30), run(9, 10), run(7, 20)})
	if len(got) != 2 || rate(got[0]) != 7 || rate(got[1]) != 20 || got[0].runs != 3 {
		t.Errorf("median = %+v", got)
	}
}
