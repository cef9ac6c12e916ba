package evaluate

import (
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
)

func devReport(t *testing.T) *Report {
	t.Helper()
	items := devItems()
	items[1].Text = "procdump -ma lsass.exe | tee <out>\nnext line"
	r, err := Evaluate("dev.jsonl", items, Options{Threshold: 0.7, MaxMisses: 5, Sweep: []float64{0.7, 0.8}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestWriteMarkdown(t *testing.T) {
	var b strings.Builder
	if err := WriteMarkdown(&b, devReport(t), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"## dev.jsonl\n",
		"14 lines: 12 in the four classes, 2 out-of-scope; 1 unclassified (counted as benign). Alert threshold 0.70.",
		"### Alert rule (attack class with score ≥ 0.70, otherwise benign)",
		// benign under the alert rule: 4 right of 7 true, 4 right of 6 predicted.
		"| benign | 0.667 | 0.571 | 0.615 | 7 | 6 |",
		"| true \\ predicted | benign | T1003.002 | T1562 | T1134 |",
		"| benign | 4 | 1 | 1 | 1 |",
		"| T1562 | 0 | 0 | 2 | 0 |", // argmax row
		"Called an attack under the alert rule: 1 (50.00%).",
		"| T1003.002 | 2 | 1/2 = 0.500 | 1 | 1 | 1/1 = 1.000 |",
		"| all | 4 | 2/4 = 0.500 | 3 | 2 | 2/3 = 0.667 |",
		"| tldr | 5 | 2 | 40.00% | 0 | 1 | 1 |",
		"| art-cleanup | 2 | 1 | 50.00% | 1 | 0 | 0 |",
		"#### Missed `art` tests (1 of 3)",
		"| T1562 | t2 | 1 | 0.600 |",
		"#### Missed `art` lines (2 shown of 2)",
		"| T1003.002 | benign | 0.900 | 0.100 | t1 | `procdump -ma lsass.exe \\| tee <out> ⏎ next line` |",
		"| 0.70 | 2 / 5 | 40.00% | 1 / 2 | 1/1 = 1.000 | 0/1 = 0.000 | 1/1 = 1.000 | 2/3 = 0.667 |",
		"| 0.80 | 1 / 5 | 20.00% | 1 / 2 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(md)
	}
}

func TestMarkdownCells(t *testing.T) {
	tests := []struct {
		in, cell, code string
		width          int
	}{
		{in: `reg save hklm\sam`, cell: `reg save hklm\sam`, code: "`reg save hklm\\sam`"},
		{in: "a|b\nc", cell: `a\|b ⏎ c`, code: "`a\\|b ⏎ c`"},
		{in: "x `y` z", cell: "x `y` z", code: "``x `y` z``"},
		{in: "`tick", cell: "`tick", code: "`` `tick ``"},
		{in: "<script>", cell: "&lt;script&gt;", code: "`<script>`"},
		{in: "abcdef", cell: "abc…", code: "`abc…`", width: 3},
		{in: "", cell: "", code: ""},
	}
	for _, tt := range tests {
		if got := cell(tt.in, tt.width); got != tt.cell {
			t.Errorf("cell(%q) = %q, want %q", tt.in, got, tt.cell)
		}
		if got := code(tt.in, tt.width); got != tt.code {
			t.Errorf("code(%q) = %q, want %q", tt.in, got, tt.code)
		}
	}
}

func TestWriteHTML(t *testing.T) {
	r := devReport(t)
	r2 := *r
	r2.Name = "second <file>.jsonl"
	var b strings.Builder
	if err := WriteHTML(&b, []*Report{r, &r2}, HTMLOptions{Notes: []string{"model tiny-test@0.0.1"}}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.HasSuffix(page, "</html>\n") {
		t.Error("not a whole page")
	}
	for _, svg := range []string{`class="confusion"`, `class="reliability"`, `class="pr"`} {
		if n := strings.Count(page, svg); (svg == `class="confusion"` && n != 4) || (svg != `class="confusion"` && n != 2) {
			t.Errorf("%s appears %d times", svg, n)
		}
	}
	if n := strings.Count(page, "<svg "); n != 8 {
		t.Errorf("%d SVGs, want 8 (4 per report)", n)
	}
	for _, want := range []string{
		"<title>ttpscope evaluation</title>",
		"model tiny-test@0.0.1",
		"second &lt;file&gt;.jsonl",
		"procdump -ma lsass.exe | tee &lt;out&gt; ⏎ next line", // escaped
		"<polyline ",
		"<title>true benign, predicted T1562: 1 (14.3% of the row)</title>",
		"Threshold sweep",
		"art-cleanup FP",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	for _, banned := range []string{"<script", "http://", "https://", "<link", "@import"} {
		text := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
		if strings.Contains(text, banned) {
			t.Errorf("page contains %q: not self-contained", banned)
		}
	}
	// Every SVG is well-formed XML.
	for _, svg := range regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page, -1) {
		if err := wellFormed(svg); err != nil {
			t.Errorf("SVG not well-formed: %v\n%s", err, svg[:min(len(svg), 200)])
		}
	}
}

func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func TestConfusionSVGShading(t *testing.T) {
	m := Confusion{{3, 1, 0, 0}, {0, 0, 0, 0}, {0, 0, 2, 0}, {0, 0, 0, 0}}.Metrics()
	svg := ConfusionSVG(m, "t")
	// benign→benign is 75% of its row: green at 0.75; benign→T1003.002 25%: red at 0.25; empty rows white.
	for _, want := range []string{`fill="` + mix([3]int{30, 132, 73}, 0.75) + `"`, `fill="` + mix([3]int{192, 57, 43}, 0.25) + `"`, `fill="#ffffff"`, ">3</text>", ">75.0%</text>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	if got := mix([3]int{30, 132, 73}, 1); got != "#1e8449" {
		t.Errorf("mix at 1 = %s", got)
	}
	if err := wellFormed(svg); err != nil {
		t.Error(err)
	}
}

func TestPRSVGThresholdDot(t *testing.T) {
	curves := []PRCurve{{Class: T1562, Positives: 2, AveragePrecision: 0.83, Points: []PRPoint{{0.9, 1, 0.5}, {0.8, 2.0 / 3, 1}, {0.3, 0.5, 1}}}, {Class: T1134}}
	svg := PRSVG(curves, 0.85)
	if !strings.Contains(svg, "T1562 at p ≥ 0.85: precision 1.000, recall 0.500") || !strings.Contains(svg, "T1134: no positives") {
		t.Errorf("svg %s", svg)
	}
	if p, ok := pointAt(curves[0].Points, 0.95); ok {
		t.Errorf("no point should pass 0.95, got %+v", p)
	}
}
