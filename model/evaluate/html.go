package evaluate

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// HTMLOptions control WriteHTML.
type HTMLOptions struct {
	Title         string   // page title; "" means "ttpscope evaluation"
	Notes         []string // lines shown under the title: model, date, command line…
	WorstFamilies int      // families listed, worst first; 0 means 10
	TextWidth     int      // runes of a missed line's text shown; 0 means 160
}

// classColor gives each class one color across charts.
func classColor(class string) string {
	switch class {
	case T1003_002:
		return "#8e44ad"
	case T1562:
		return "#d35400"
	case T1134:
		return "#2471a3"
	}
	return "#7f8c8d"
}

const pageCSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px;color:#222}
h1{font-size:22px}h2{font-size:19px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:40px}h3{font-size:16px;margin-top:24px}
table{border-collapse:collapse;margin:8px 0 16px}th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;vertical-align:top}
th{background:#f3f3f3}td.l,th.l{text-align:left}td.code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;text-align:left;max-width:640px;word-break:break-all}
.charts{display:flex;flex-wrap:wrap;gap:20px;align-items:flex-start}.charts figure{margin:0}.charts figcaption{font-size:12px;color:#555;max-width:340px}
.note{color:#555}.big{font-weight:600}nav a{margin-right:12px}
svg text{font-family:system-ui,sans-serif}`

// WriteHTML writes one self-contained HTML page (inline CSS and SVG, no scripts, no external assets) with a
// section per report: confusion heat maps, a reliability diagram, precision–recall curves and the tables.
func WriteHTML(w io.Writer, reports []*Report, opts HTMLOptions) error {
	if opts.Title == "" {
		opts.Title = "ttpscope evaluation"
	}
	if opts.WorstFamilies == 0 {
		opts.WorstFamilies = 10
	}
	if opts.TextWidth == 0 {
		opts.TextWidth = 160
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
	fmt.Fprintf(&b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<h1>%s</h1>\n", esc(opts.Title), pageCSS, esc(opts.Title))
	for _, n := range opts.Notes {
		fmt.Fprintf(&b, "<p class=\"note\">%s</p>\n", esc(n))
	}
	if len(reports) > 1 {
		b.WriteString("<nav>")
		for i, r := range reports {
			fmt.Fprintf(&b, "<a href=\"#r%d\">%s</a>", i, esc(r.Name))
		}
		b.WriteString("</nav>\n")
	}
	for i, r := range reports {
		writeHTMLReport(&b, i, r, opts)
	}
	b.WriteString("</body>\n</html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func writeHTMLReport(b *strings.Builder, i int, r *Report, opts HTMLOptions) {
	oos := 0
	if r.OutOfScope != nil {
		oos = r.OutOfScope.N
	}
	fmt.Fprintf(b, "<section id=\"r%d\">\n<h2>%s</h2>\n", i, esc(r.Name))
	fmt.Fprintf(b, "<p>%d lines: %d in the four classes, %d out-of-scope, %d unclassified (counted as benign). Alert threshold <b>%.2f</b>: "+
		"a line alerts when its class is an attack class and its score is at least the threshold.</p>\n",
		r.Lines, r.Alert.N, oos, r.Unclassified, r.Threshold)
	fmt.Fprintf(b, "<p class=\"big\">Alert rule: macro-F1 %.3f, accuracy %.3f · Argmax: macro-F1 %.3f, accuracy %.3f · ECE %.4f</p>\n",
		r.Alert.MacroF1, r.Alert.Accuracy, r.Argmax.MacroF1, r.Argmax.Accuracy, r.Calibration.ECE)

	b.WriteString("<div class=\"charts\">\n")
	figure(b, ConfusionSVG(r.Alert, fmt.Sprintf("Alert rule (≥ %.2f)", r.Threshold)), "Confusion matrix under the alert rule: rows true class, columns predicted; shade = share of the row.")
	figure(b, ConfusionSVG(r.Argmax, "Argmax"), "Confusion matrix of the most probable class.")
	figure(b, ReliabilitySVG(r.Calibration), "Reliability diagram: accuracy per confidence bin (blue bars) against mean confidence (red gap); the dashed diagonal is perfect calibration; grey strip: lines per bin. Hover a bar for its counts.")
	figure(b, PRSVG(r.PR, r.Threshold), "Precision–recall per class, sweeping a threshold over that class's probability; dots mark the alert threshold.")
	b.WriteString("</div>\n")

	b.WriteString("<h3>Per-class metrics</h3>\n")
	htmlMetrics(b, "Alert rule", r.Alert)
	htmlMetrics(b, "Argmax", r.Argmax)

	if r.OutOfScope != nil {
		fmt.Fprintf(b, "<h3>Out-of-scope lines</h3>\n<p>%d of %d called an attack under the alert rule (%s).</p>\n", r.OutOfScope.Alerts, r.OutOfScope.N, pct(r.OutOfScope.AlertRate))
		htmlBreakdowns(b, []string{"out-of-scope"}, []Breakdown{*r.OutOfScope})
	}

	fmt.Fprintf(b, "<h3>Calibration</h3>\n<p>ECE %.4f over %d classified lines, %d bins, confidence = max probability.</p>\n", r.Calibration.ECE, r.Calibration.N, len(r.Calibration.Bins))
	var rows [][]string
	for _, bin := range r.Calibration.Bins {
		if bin.Count > 0 {
			rows = append(rows, []string{binLabel(bin), fmt.Sprint(bin.Count), f3(bin.Confidence), f3(bin.Accuracy), fmt.Sprintf("%+.3f", bin.Accuracy-bin.Confidence)})
		}
	}
	htmlTable(b, []string{"confidence bin", "lines", "mean confidence", "accuracy", "gap"}, rows, 1)

	rows = nil
	for _, pr := range r.PR {
		if pr.Positives == 0 {
			rows = append(rows, []string{pr.Class, "0", "–", "–", "–", "–", "–"})
			continue
		}
		best := BestF1(pr.Points)
		rows = append(rows, []string{pr.Class, fmt.Sprint(pr.Positives), f3(pr.AveragePrecision), f3(f1(best.Precision, best.Recall)), f3(best.Threshold), f3(best.Precision), f3(best.Recall)})
	}
	b.WriteString("<h3>Precision–recall</h3>\n")
	htmlTable(b, []string{"class", "positives", "average precision", "best F1", "at threshold", "precision", "recall"}, rows, 1)

	if len(r.Families) > 0 {
		n := min(opts.WorstFamilies, len(r.Families))
		fmt.Fprintf(b, "<h3>Attack families: worst %d of %d</h3>\n", n, len(r.Families))
		rows = nil
		for _, f := range r.Families[:n] {
			rows = append(rows, []string{f.Family, f.Label, fmt.Sprint(f.N), f3(f.Recall), f3(f.ArgmaxRecall)})
		}
		htmlTable(b, []string{"family", "label", "lines", "alert recall", "argmax recall"}, rows, 2)
	}
	if len(r.Splits) > 0 {
		b.WriteString("<h3>Splits</h3>\n")
		rows = nil
		for _, s := range r.Splits {
			rows = append(rows, []string{s.Split, fmt.Sprint(s.N), f3(s.Alert.MacroF1), f3(s.Alert.Accuracy), f3(s.Argmax.MacroF1), f3(s.Argmax.Accuracy)})
		}
		htmlTable(b, []string{"split", "lines", "alert macro-F1", "alert accuracy", "argmax macro-F1", "argmax accuracy"}, rows, 1)
	}
	if s := r.Sources; s != nil {
		htmlSources(b, s, r.Threshold, opts.TextWidth)
	}
	if s := r.Sweep; s != nil {
		htmlSweep(b, s)
	}
	b.WriteString("</section>\n")
}

func figure(b *strings.Builder, svg, caption string) {
	fmt.Fprintf(b, "<figure>%s<figcaption>%s</figcaption></figure>\n", svg, esc(caption))
}

func htmlMetrics(b *strings.Builder, title string, m Metrics) {
	var rows [][]string
	for _, c := range m.PerClass {
		rows = append(rows, []string{c.Class, f3(c.Precision), f3(c.Recall), f3(c.F1), fmt.Sprint(c.Support), fmt.Sprint(c.Predicted)})
	}
	rows = append(rows, []string{"macro-F1 / accuracy", "", "", f3(m.MacroF1), fmt.Sprint(m.N), f3(m.Accuracy)})
	fmt.Fprintf(b, "<p><b>%s</b></p>\n", esc(title))
	htmlTable(b, []string{"class", "precision", "recall", "F1", "support", "predicted"}, rows, 1)
}

func htmlBreakdowns(b *strings.Builder, names []string, bs []Breakdown) {
	head := []string{"set", "n", "alerts", "alert rate"}
	for _, c := range Classes() {
		head = append(head, "alert "+c)
	}
	for _, c := range Classes() {
		head = append(head, "argmax "+c)
	}
	var rows [][]string
	for i, x := range bs {
		row := []string{names[i], fmt.Sprint(x.N), fmt.Sprint(x.Alerts), pct(x.AlertRate)}
		for _, c := range Classes() {
			row = append(row, fmt.Sprint(x.Alert[c]))
		}
		for _, c := range Classes() {
			row = append(row, fmt.Sprint(x.Argmax[c]))
		}
		rows = append(rows, row)
	}
	htmlTable(b, head, rows, 1)
}

func htmlSources(b *strings.Builder, s *SourceReport, th float64, width int) {
	b.WriteString("<h3>Sources</h3>\n<p>What each source's lines were called (alert rule: benign = no alert).</p>\n")
	names := make([]string, len(s.Sources))
	bs := make([]Breakdown, len(s.Sources))
	for i, src := range s.Sources {
		names[i] = src.Source + " (" + labelSummary(src.Labels) + ")"
		bs[i] = src.Breakdown
	}
	htmlBreakdowns(b, names, bs)

	fmt.Fprintf(b, "<h3>Attack recall on art (alert rule, threshold %.2f)</h3>\n", th)
	var rows [][]string
	for i, l := range s.ArtLines {
		t := s.ArtTests[i]
		rows = append(rows, []string{l.Class, fmt.Sprint(l.N), rate(l.Hits, l.N), fmt.Sprint(t.N), fmt.Sprint(t.Hits), rate(t.Hits, t.N)})
	}
	htmlTable(b, []string{"class", "lines", "line recall", "tests", "detected", "test recall"}, rows, 1)
	b.WriteString("<p class=\"note\">A test is detected when any of its lines gets its class with score ≥ the threshold.</p>\n")

	b.WriteString("<h3>False positives (benign lines called an attack)</h3>\n")
	rows = nil
	for _, fp := range []struct {
		name string
		x    Breakdown
	}{{SourceTLDR, s.TLDRFP}, {SourceArtCleanup, s.CleanupFP}} {
		rows = append(rows, []string{fp.name, fmt.Sprint(fp.x.N), fmt.Sprint(fp.x.Alerts), pct(fp.x.AlertRate),
			fmt.Sprint(fp.x.Alert[T1003_002]), fmt.Sprint(fp.x.Alert[T1562]), fmt.Sprint(fp.x.Alert[T1134])})
	}
	htmlTable(b, []string{"set", "lines", "false positives", "rate", "as T1003.002", "as T1562", "as T1134"}, rows, 1)

	rows = nil
	for _, t := range s.Tests {
		rows = append(rows, []string{t.Class, t.Group, fmt.Sprint(t.Lines), fmt.Sprint(t.Hits), yesNo(t.Detected), f3(t.BestScore)})
	}
	if len(rows) > 0 {
		b.WriteString("<h3>art tests</h3>\n")
		htmlTable(b, []string{"class", "group", "lines", "lines alerting right", "detected", "best p(class)"}, rows, 2)
	}
	if s.MissCount > 0 {
		fmt.Fprintf(b, "<h3>Missed art lines (%d shown of %d)</h3>\n", len(s.Misses), s.MissCount)
		if len(s.Misses) > 0 {
			b.WriteString("<table><tr><th class=\"l\">label</th><th class=\"l\">served</th><th>score</th><th>p(label)</th><th class=\"l\">group</th><th class=\"l\">text</th></tr>\n")
			for _, m := range s.Misses {
				served := m.Class
				if served == "" {
					served = "(unclassified)"
				}
				fmt.Fprintf(b, "<tr><td class=\"l\">%s</td><td class=\"l\">%s</td><td>%.3f</td><td>%.3f</td><td class=\"l\">%s</td><td class=\"code\">%s</td></tr>\n",
					esc(m.Label), esc(served), m.Score, m.LabelProb, esc(m.Group), esc(oneLine(m.Text, width)))
			}
			b.WriteString("</table>\n")
		}
	}
}

func htmlSweep(b *strings.Builder, s *Sweep) {
	fmt.Fprintf(b, "<h3>Threshold sweep</h3>\n<p>False-positive rate over %s; recall over %s; macro-F1 under the alert rule over all in-scope lines.</p>\n", esc(s.Negatives), esc(s.Positives))
	if len(s.Points) == 0 {
		return
	}
	head := []string{"threshold", "false positives", "FP rate"}
	cleanup := s.Points[0].Cleanup > 0
	if cleanup {
		head = append(head, "art-cleanup FP")
	}
	for _, r := range s.Points[0].Recall {
		head = append(head, "recall "+r.Class)
	}
	head = append(head, "macro-F1")
	var rows [][]string
	for _, p := range s.Points {
		row := []string{fmt.Sprintf("%.2f", p.Threshold), fmt.Sprintf("%d / %d", p.FalsePositives, p.Negatives), pct(p.FPRate)}
		if cleanup {
			row = append(row, fmt.Sprintf("%d / %d", p.CleanupFP, p.Cleanup))
		}
		for _, r := range p.Recall {
			row = append(row, rate(r.Hits, r.N))
		}
		rows = append(rows, append(row, fmt.Sprintf("%.3f", p.MacroF1)))
	}
	htmlTable(b, head, rows, 0)
}

// htmlTable writes a table; the first `left` columns are left-aligned text.
func htmlTable(b *strings.Builder, head []string, rows [][]string, left int) {
	b.WriteString("<table>\n<tr>")
	for i, h := range head {
		fmt.Fprintf(b, "<th%s>%s</th>", leftClass(i, left), esc(h))
	}
	b.WriteString("</tr>\n")
	for _, row := range rows {
		b.WriteString("<tr>")
		for i, c := range row {
			fmt.Fprintf(b, "<td%s>%s</td>", leftClass(i, left), esc(c))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</table>\n")
}

func leftClass(i, left int) string {
	if i < left {
		return ` class="l"`
	}
	return ""
}

// ConfusionSVG draws a confusion matrix as a heat map: one cell per (true, predicted) pair with its count
// and share of the row, shaded by that share, green on the diagonal and red off it.
func ConfusionSVG(m Metrics, title string) string {
	const (
		left, top = 96, 58
		cw, ch    = 74, 50
	)
	width, height := left+NumClasses*cw+10, top+NumClasses*ch+10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="confusion" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`, width, height, width, height, esc(title))
	fmt.Fprintf(&b, `<text x="%d" y="16" font-size="14" font-weight="600">%s</text>`, 4, esc(title))
	fmt.Fprintf(&b, `<text x="%d" y="34" font-size="11" text-anchor="middle" fill="#555">predicted →</text>`, left+NumClasses*cw/2)
	for p, name := range Classes() {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="middle">%s</text>`, left+p*cw+cw/2, top-6, esc(name))
	}
	for t, name := range Classes() {
		row := 0
		for p := range NumClasses {
			row += m.Confusion[t][p]
		}
		y := top + t*ch
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end">%s</text>`, left-6, y+ch/2+4, esc(name))
		for p := range NumClasses {
			n := m.Confusion[t][p]
			share := ratio(n, row)
			base := [3]int{192, 57, 43} // red
			if p == t {
				base = [3]int{30, 132, 73} // green
			}
			fill := mix(base, share)
			ink := "#222"
			if share > 0.55 {
				ink = "#fff"
			}
			x := left + p*cw
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s" stroke="#fff"><title>true %s, predicted %s: %d (%.1f%% of the row)</title></rect>`,
				x, y, cw, ch, fill, esc(name), esc(Classes()[p]), n, 100*share)
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="14" text-anchor="middle" fill="%s">%d</text>`, x+cw/2, y+ch/2, ink, n)
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="middle" fill="%s">%.1f%%</text>`, x+cw/2, y+ch/2+14, ink, 100*share)
		}
	}
	fmt.Fprintf(&b, `<text x="10" y="%d" font-size="11" fill="#555" transform="rotate(-90 10 %d)" text-anchor="middle">true</text>`, top+NumClasses*ch/2, top+NumClasses*ch/2)
	b.WriteString(`</svg>`)
	return b.String()
}

// mix blends white toward rgb by t in [0, 1].
func mix(rgb [3]int, t float64) string {
	t = max(0, min(1, t))
	c := func(v int) int { return int(255 + (float64(v)-255)*t + 0.5) }
	return fmt.Sprintf("#%02x%02x%02x", c(rgb[0]), c(rgb[1]), c(rgb[2]))
}

// plot maps the unit square onto a size×size area with its origin at (left, top+size).
type plot struct{ left, top, size float64 }

func (p plot) x(v float64) float64 { return p.left + max(0, min(1, v))*p.size }
func (p plot) y(v float64) float64 { return p.top + (1-max(0, min(1, v)))*p.size }

func (p plot) axes(b *strings.Builder, xLabel, yLabel string) {
	fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#999"/>`, p.left, p.top, p.size, p.size)
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`, p.x(v), p.top, p.x(v), p.top+p.size)
		fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#eee"/>`, p.left, p.y(v), p.left+p.size, p.y(v))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="middle">%g</text>`, p.x(v), p.top+p.size+13, v)
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="10" text-anchor="end">%g</text>`, p.left-4, p.y(v)+3, v)
	}
	fmt.Fprintf(b, `<text x="%.1f" y="%.1f" font-size="11" text-anchor="middle" fill="#555">%s</text>`, p.left+p.size/2, p.top+p.size+28, esc(xLabel))
	fmt.Fprintf(b, `<text x="12" y="%.1f" font-size="11" text-anchor="middle" fill="#555" transform="rotate(-90 12 %.1f)">%s</text>`, p.top+p.size/2, p.top+p.size/2, esc(yLabel))
}

// ReliabilitySVG draws a reliability diagram: per non-empty bin a bar up to its accuracy and a red band
// from there to its mean confidence, over the dashed diagonal of perfect calibration, and along the bottom
// a grey strip showing how many lines each bin holds.
func ReliabilitySVG(c Calibration) string {
	p := plot{left: 44, top: 28, size: 260}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="reliability" width="320" height="330" viewBox="0 0 320 330" role="img" aria-label="reliability diagram">`)
	fmt.Fprintf(&b, `<text x="4" y="16" font-size="14" font-weight="600">Reliability (ECE %.4f, %d lines)</text>`, c.ECE, c.N)
	p.axes(&b, "confidence (max probability)", "accuracy")
	for _, bin := range c.Bins {
		if bin.Count == 0 {
			continue
		}
		x0, x1 := p.x(bin.Lo), p.x(bin.Hi)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#2471a3" fill-opacity="0.8" stroke="#fff"><title>[%.3f, %.3f): %d lines, accuracy %.3f, mean confidence %.3f</title></rect>`,
			x0, p.y(bin.Accuracy), x1-x0, p.y(0)-p.y(bin.Accuracy), bin.Lo, bin.Hi, bin.Count, bin.Accuracy, bin.Confidence)
		lo, hi := min(bin.Accuracy, bin.Confidence), max(bin.Accuracy, bin.Confidence)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#c0392b" fill-opacity="0.35"/>`, x0, p.y(hi), x1-x0, p.y(lo)-p.y(hi))
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333" stroke-dasharray="4 3"/>`, p.x(0), p.y(0), p.x(1), p.y(1))
	// Share of the lines per bin, as a strip of grey bars along the bottom (the tallest bin is 36px).
	most := 0
	for _, bin := range c.Bins {
		most = max(most, bin.Count)
	}
	for _, bin := range c.Bins {
		if bin.Count == 0 {
			continue
		}
		h := 36 * float64(bin.Count) / float64(most)
		fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#555" fill-opacity="0.45"><title>%d lines (%.1f%%)</title></rect>`,
			p.x(bin.Lo)+1, p.y(0)-h, p.x(bin.Hi)-p.x(bin.Lo)-2, h, bin.Count, 100*ratio(bin.Count, c.N))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// maxCurvePoints bounds the vertices drawn per PR curve.
const maxCurvePoints = 400

// PRSVG draws the precision–recall curves of the classes that have positives, with their average precision
// in the legend and a dot where each curve crosses threshold.
func PRSVG(curves []PRCurve, threshold float64) string {
	p := plot{left: 44, top: 28, size: 260}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" class="pr" width="540" height="330" viewBox="0 0 540 330" role="img" aria-label="precision-recall curves">`)
	b.WriteString(`<text x="4" y="16" font-size="14" font-weight="600">Precision–recall per class</text>`)
	p.axes(&b, "recall", "precision")
	legendY := 40
	for _, c := range curves {
		color := classColor(c.Class)
		if len(c.Points) == 0 {
			fmt.Fprintf(&b, `<text x="316" y="%d" font-size="11" fill="#999">%s: no positives</text>`, legendY, esc(c.Class))
			legendY += 18
			continue
		}
		var pts strings.Builder
		fmt.Fprintf(&pts, "%.1f,%.1f", p.x(0), p.y(c.Points[0].Precision))
		step := max(1, (len(c.Points)+maxCurvePoints-1)/maxCurvePoints)
		for i := 0; i < len(c.Points); i += step {
			fmt.Fprintf(&pts, " %.1f,%.1f", p.x(c.Points[i].Recall), p.y(c.Points[i].Precision))
		}
		last := c.Points[len(c.Points)-1]
		fmt.Fprintf(&pts, " %.1f,%.1f", p.x(last.Recall), p.y(last.Precision))
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"><title>%s</title></polyline>`, pts.String(), color, esc(c.Class))
		if at, ok := pointAt(c.Points, threshold); ok {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" fill="%s" stroke="#fff"><title>%s at p ≥ %.2f: precision %.3f, recall %.3f</title></circle>`,
				p.x(at.Recall), p.y(at.Precision), color, esc(c.Class), threshold, at.Precision, at.Recall)
		}
		fmt.Fprintf(&b, `<rect x="316" y="%d" width="12" height="12" fill="%s"/><text x="334" y="%d" font-size="11">%s AP %.3f (n=%d)</text>`,
			legendY-10, color, legendY, esc(c.Class), c.AveragePrecision, c.Positives)
		legendY += 18
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// pointAt returns the curve's point at threshold: the last one (lowest threshold) still at or above it.
func pointAt(points []PRPoint, threshold float64) (PRPoint, bool) {
	var at PRPoint
	ok := false
	for _, pt := range points {
		if pt.Threshold < threshold {
			break
		}
		at, ok = pt, true
	}
	return at, ok
}

func esc(s string) string { return html.EscapeString(strings.ToValidUTF8(s, "\uFFFD")) }

func f3(f float64) string { return fmt.Sprintf("%.3f", f) }

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}
