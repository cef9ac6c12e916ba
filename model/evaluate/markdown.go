package evaluate

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MarkdownOptions control WriteMarkdown.
type MarkdownOptions struct {
	WorstFamilies int // families listed, worst recall first; 0 means 10
	TextWidth     int // runes of a line's text shown before it is cut; 0 means 120
}

// WriteMarkdown writes r as a markdown section headed "## name".
func WriteMarkdown(w io.Writer, r *Report, opts MarkdownOptions) error {
	if opts.WorstFamilies == 0 {
		opts.WorstFamilies = 10
	}
	if opts.TextWidth == 0 {
		opts.TextWidth = 120
	}
	var b strings.Builder
	inScope := r.Alert.N
	oos := 0
	if r.OutOfScope != nil {
		oos = r.OutOfScope.N
	}
	fmt.Fprintf(&b, "## %s\n\n", cell(r.Name, 0))
	fmt.Fprintf(&b, "%d lines: %d in the four classes, %d out-of-scope; %d unclassified (counted as benign). Alert threshold %.2f.\n\n",
		r.Lines, inScope, oos, r.Unclassified, r.Threshold)

	fmt.Fprintf(&b, "### Alert rule (attack class with score ≥ %.2f, otherwise benign)\n\n", r.Threshold)
	writeMetrics(&b, r.Alert)
	b.WriteString("### Argmax (most probable class)\n\n")
	writeMetrics(&b, r.Argmax)

	if o := r.OutOfScope; o != nil {
		fmt.Fprintf(&b, "### Out-of-scope lines (%d)\n\n", o.N)
		fmt.Fprintf(&b, "Called an attack under the alert rule: %d (%s).\n\n", o.Alerts, pct(o.AlertRate))
		writeBreakdownTable(&b, []string{"out-of-scope"}, []Breakdown{*o})
	}

	c := r.Calibration
	fmt.Fprintf(&b, "### Calibration\n\nECE %.4f over %d classified lines (%d bins, confidence = max probability).\n\n", c.ECE, c.N, len(c.Bins))
	b.WriteString("| confidence bin | lines | mean confidence | accuracy | gap |\n|---|---:|---:|---:|---:|\n")
	for _, bin := range c.Bins {
		if bin.Count == 0 {
			continue
		}
		fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f | %+.3f |\n", binLabel(bin), bin.Count, bin.Confidence, bin.Accuracy, bin.Accuracy-bin.Confidence)
	}
	b.WriteString("\n")

	b.WriteString("### Precision–recall (threshold swept over each class's probability)\n\n")
	b.WriteString("| class | positives | average precision | best F1 | at threshold | P | R |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, pr := range r.PR {
		if pr.Positives == 0 {
			fmt.Fprintf(&b, "| %s | 0 | – | – | – | – | – |\n", pr.Class)
			continue
		}
		best := BestF1(pr.Points)
		fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f |\n", pr.Class, pr.Positives, pr.AveragePrecision,
			f1(best.Precision, best.Recall), best.Threshold, best.Precision, best.Recall)
	}
	b.WriteString("\n")

	if len(r.Families) > 0 {
		n := min(opts.WorstFamilies, len(r.Families))
		fmt.Fprintf(&b, "### Attack families: worst %d of %d (alert-rule recall)\n\n", n, len(r.Families))
		b.WriteString("| family | label | lines | recall | argmax recall |\n|---|---|---:|---:|---:|\n")
		for _, f := range r.Families[:n] {
			fmt.Fprintf(&b, "| %s | %s | %d | %.3f | %.3f |\n", cell(f.Family, 0), f.Label, f.N, f.Recall, f.ArgmaxRecall)
		}
		b.WriteString("\n")
	}

	if len(r.Splits) > 0 {
		b.WriteString("### Splits\n\n| split | lines | alert macro-F1 | alert accuracy | argmax macro-F1 | argmax accuracy |\n|---|---:|---:|---:|---:|---:|\n")
		for _, s := range r.Splits {
			fmt.Fprintf(&b, "| %s | %d | %.3f | %.3f | %.3f | %.3f |\n", cell(s.Split, 0), s.N, s.Alert.MacroF1, s.Alert.Accuracy, s.Argmax.MacroF1, s.Argmax.Accuracy)
		}
		b.WriteString("\n")
	}

	if s := r.Sources; s != nil {
		writeSources(&b, s, r.Threshold, opts.TextWidth)
	}
	if s := r.Sweep; s != nil {
		writeSweep(&b, s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMetrics(b *strings.Builder, m Metrics) {
	b.WriteString("| class | precision | recall | F1 | support | predicted |\n|---|---:|---:|---:|---:|---:|\n")
	for _, c := range m.PerClass {
		fmt.Fprintf(b, "| %s | %.3f | %.3f | %.3f | %d | %d |\n", c.Class, c.Precision, c.Recall, c.F1, c.Support, c.Predicted)
	}
	fmt.Fprintf(b, "\nmacro-F1 **%.3f** · accuracy **%.3f** · %d lines\n\n", m.MacroF1, m.Accuracy, m.N)
	writeConfusion(b, m.Confusion)
}

func writeConfusion(b *strings.Builder, c Confusion) {
	b.WriteString("| true \\ predicted |")
	for _, name := range Classes() {
		b.WriteString(" " + name + " |")
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", NumClasses) + "\n")
	for t, name := range Classes() {
		b.WriteString("| " + name + " |")
		for p := range NumClasses {
			fmt.Fprintf(b, " %d |", c[t][p])
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// writeBreakdownTable writes one row per breakdown: lines, alerts, then counts per alert-rule class and per
// argmax class.
func writeBreakdownTable(b *strings.Builder, names []string, rows []Breakdown) {
	b.WriteString("| set | n | alerts | alert rate |")
	for _, c := range Classes() {
		b.WriteString(" alert " + c + " |")
	}
	for _, c := range Classes() {
		b.WriteString(" argmax " + c + " |")
	}
	b.WriteString("\n|---|---:|---:|---:|" + strings.Repeat("---:|", 2*NumClasses) + "\n")
	for i, r := range rows {
		fmt.Fprintf(b, "| %s | %d | %d | %s |", cell(names[i], 0), r.N, r.Alerts, pct(r.AlertRate))
		for _, c := range Classes() {
			fmt.Fprintf(b, " %d |", r.Alert[c])
		}
		for _, c := range Classes() {
			fmt.Fprintf(b, " %d |", r.Argmax[c])
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

func writeSources(b *strings.Builder, s *SourceReport, th float64, width int) {
	b.WriteString("### Sources\n\nWhat each source's lines were called (alert rule: benign = no alert).\n\n")
	names := make([]string, len(s.Sources))
	rows := make([]Breakdown, len(s.Sources))
	for i, src := range s.Sources {
		names[i] = src.Source
		if src.Source == "" {
			names[i] = "(none)"
		}
		names[i] += " (" + labelSummary(src.Labels) + ")"
		rows[i] = src.Breakdown
	}
	writeBreakdownTable(b, names, rows)

	fmt.Fprintf(b, "#### Attack recall on `art` (alert rule, threshold %.2f)\n\n", th)
	b.WriteString("| class | lines | line recall | tests | detected | test recall |\n|---|---:|---:|---:|---:|---:|\n")
	for i, l := range s.ArtLines {
		t := s.ArtTests[i]
		fmt.Fprintf(b, "| %s | %d | %s | %d | %d | %s |\n", l.Class, l.N, rate(l.Hits, l.N), t.N, t.Hits, rate(t.Hits, t.N))
	}
	b.WriteString("\nA test is detected when any of its lines gets its class with score ≥ the threshold.\n\n")

	b.WriteString("#### False positives (benign lines called an attack)\n\n")
	b.WriteString("| set | lines | false positives | rate | as T1003.002 | as T1562 | as T1134 |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, fp := range []struct {
		name string
		b    Breakdown
	}{{SourceTLDR, s.TLDRFP}, {SourceArtCleanup, s.CleanupFP}} {
		fmt.Fprintf(b, "| %s | %d | %d | %s | %d | %d | %d |\n", fp.name, fp.b.N, fp.b.Alerts, pct(fp.b.AlertRate),
			fp.b.Alert[T1003_002], fp.b.Alert[T1562], fp.b.Alert[T1134])
	}
	b.WriteString("\n")

	var missed []TestResult
	for _, t := range s.Tests {
		if !t.Detected {
			missed = append(missed, t)
		}
	}
	if len(missed) > 0 {
		fmt.Fprintf(b, "#### Missed `art` tests (%d of %d)\n\n| class | group | lines | best p(class) |\n|---|---|---:|---:|\n", len(missed), len(s.Tests))
		for _, t := range missed {
			fmt.Fprintf(b, "| %s | %s | %d | %.3f |\n", t.Class, cell(t.Group, 0), t.Lines, t.BestScore)
		}
		b.WriteString("\n")
	}
	if s.MissCount > 0 {
		fmt.Fprintf(b, "#### Missed `art` lines (%d shown of %d)\n\n", len(s.Misses), s.MissCount)
		if len(s.Misses) > 0 {
			b.WriteString("| label | served | score | p(label) | group | text |\n|---|---|---:|---:|---|---|\n")
			for _, m := range s.Misses {
				served := m.Class
				if served == "" {
					served = "(unclassified)"
				}
				fmt.Fprintf(b, "| %s | %s | %.3f | %.3f | %s | %s |\n", m.Label, served, m.Score, m.LabelProb, cell(m.Group, 0), code(m.Text, width))
			}
			b.WriteString("\n")
		}
	}
}

func writeSweep(b *strings.Builder, s *Sweep) {
	fmt.Fprintf(b, "### Threshold sweep\n\nFalse-positive rate over %s; recall over %s; macro-F1 under the alert rule over all in-scope lines.\n\n", s.Negatives, s.Positives)
	b.WriteString("| threshold | false positives | FP rate |")
	if len(s.Points) > 0 && s.Points[0].Cleanup > 0 {
		b.WriteString(" art-cleanup FP |")
	}
	recallCols := []string{}
	if len(s.Points) > 0 {
		for _, r := range s.Points[0].Recall {
			recallCols = append(recallCols, r.Class)
		}
	}
	for _, c := range recallCols {
		fmt.Fprintf(b, " recall %s |", c)
	}
	b.WriteString(" macro-F1 |\n|---:|---:|---:|")
	if len(s.Points) > 0 && s.Points[0].Cleanup > 0 {
		b.WriteString("---:|")
	}
	b.WriteString(strings.Repeat("---:|", len(recallCols)+1) + "\n")
	for _, p := range s.Points {
		fmt.Fprintf(b, "| %.2f | %d / %d | %s |", p.Threshold, p.FalsePositives, p.Negatives, pct(p.FPRate))
		if p.Cleanup > 0 {
			fmt.Fprintf(b, " %d / %d |", p.CleanupFP, p.Cleanup)
		}
		for _, r := range p.Recall {
			fmt.Fprintf(b, " %s |", rate(r.Hits, r.N))
		}
		fmt.Fprintf(b, " %.3f |\n", p.MacroF1)
	}
	b.WriteString("\n")
}

// BestF1 returns the point of a PR curve with the highest F1 (the first, at the highest threshold, on a
// tie); the zero point when there is none.
func BestF1(points []PRPoint) PRPoint {
	var best PRPoint
	bestF := -1.0
	for _, p := range points {
		if f := f1(p.Precision, p.Recall); f > bestF {
			best, bestF = p, f
		}
	}
	return best
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func labelSummary(labels map[string]int) string {
	var parts []string
	for _, l := range append(Classes(), OutOfScope) {
		if n := labels[l]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", l, n))
		}
	}
	return strings.Join(parts, ", ")
}

// binLabel writes a calibration bin's interval; the last one is closed, as it holds a confidence of 1.
func binLabel(b Bin) string {
	if b.Hi >= 1 {
		return fmt.Sprintf("[%.3f, %.3f]", b.Lo, b.Hi)
	}
	return fmt.Sprintf("[%.3f, %.3f)", b.Lo, b.Hi)
}

func pct(f float64) string { return fmt.Sprintf("%.2f%%", 100*f) }

// rate writes hits/n and the fraction, or "–" when n is 0.
func rate(hits, n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d = %.3f", hits, n, float64(hits)/float64(n))
}

// cell makes s safe for one markdown table cell: line breaks shown as ⏎, cut to width runes (0: no
// limit), pipes and angle brackets escaped.
func cell(s string, width int) string {
	return strings.NewReplacer("|", "\\|", "<", "&lt;", ">", "&gt;").Replace(oneLine(s, width))
}

// code renders s as a code span for a markdown table cell, so a command line shows as typed: only pipes
// are escaped (GFM tables need it even inside code spans), line breaks shown as ⏎, cut to width runes.
func code(s string, width int) string {
	s = strings.ReplaceAll(oneLine(s, width), "|", "\\|")
	if strings.TrimSpace(s) == "" {
		return ""
	}
	run, longest := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

func oneLine(s string, width int) string {
	s = strings.NewReplacer("\r\n", " ⏎ ", "\n", " ⏎ ", "\r", " ⏎ ", "\t", " ").Replace(strings.ToValidUTF8(s, "\uFFFD"))
	if width > 0 && utf8.RuneCountInString(s) > width {
		s = string([]rune(s)[:width]) + "…"
	}
	return s
}
