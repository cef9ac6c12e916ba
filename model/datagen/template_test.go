package datagen

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"
)

func testSlots() map[string]slotFunc {
	return map[string]slotFunc{
		"a":    oneOf("A"),
		"num":  func(s *sample) string { return string(rune('0' + s.intn(10))) },
		"pipe": oneOf("|"),
		"nest": oneOf("<{{a}}>"),
	}
}

func TestExpand(t *testing.T) {
	tests := []struct {
		name string
		tmpl string
		want []string // any of these
	}{
		{"literal", "reg save hklm\\sam x", []string{"reg save hklm\\sam x"}},
		{"slot", "x{{a}}y", []string{"xAy"}},
		{"alternatives", "{{p|q}}", []string{"p", "q"}},
		{"empty alternative", "a{{| b}}", []string{"a", "a b"}},
		{"optional", "a{{? b}}", []string{"a", "a b"}},
		{"nested", "{{x{{a}}|y}}", []string{"xA", "y"}},
		{"slot referencing slot", "{{nest}}", []string{"<A>"}},
		{"pipe slot", "a {{pipe}} b", []string{"a | b"}},
		{"single braces untouched", "{ $_ } @{a=1}", []string{"{ $_ } @{a=1}"}},
		{"closing braces alone", "x}} y", []string{"x}} y"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for i := 0; i < 50; i++ {
				s := newSample(rand.New(rand.NewPCG(uint64(i), 9)), testSlots())
				got := s.expand(tc.tmpl)
				if s.err != nil {
					t.Fatalf("expand(%q): %v", tc.tmpl, s.err)
				}
				ok := false
				for _, w := range tc.want {
					ok = ok || got == w
				}
				if !ok {
					t.Fatalf("expand(%q) = %q, want one of %q", tc.tmpl, got, tc.want)
				}
				seen[got] = true
			}
			if len(seen) != len(tc.want) {
				t.Errorf("expand(%q) produced %d distinct values %v, want all %d of %q", tc.tmpl, len(seen), seen, len(tc.want), tc.want)
			}
		})
	}
}

func TestSlotMemo(t *testing.T) {
	for i := 0; i < 30; i++ {
		s := newSample(rand.New(rand.NewPCG(uint64(i), 1)), testSlots())
		got := s.expand("{{num}}-{{num}}")
		if got[0] != got[2] {
			t.Fatalf("same slot drew different values: %q", got)
		}
	}
	distinct := false
	for i := 0; i < 30 && !distinct; i++ {
		s := newSample(rand.New(rand.NewPCG(uint64(i), 1)), testSlots())
		got := s.expand("{{num}}-{{num2}}")
		distinct = got[0] != got[2]
	}
	if !distinct {
		t.Error("num2 never differed from num: suffixed slots are not memoized separately")
	}
}

func TestExpandErrors(t *testing.T) {
	for _, tmpl := range []string{"{{nosuchslot}}", "a {{b", "{{x|{{y}}"} {
		s := newSample(rand.New(rand.NewPCG(1, 1)), testSlots())
		s.expand(tmpl)
		if s.err == nil {
			t.Errorf("expand(%q): no error", tmpl)
		}
		if err := checkTemplate(tmpl, testSlots()); err == nil {
			t.Errorf("checkTemplate(%q): no error", tmpl)
		}
	}
	if err := checkTemplate("{{a}} {{x|{{num}}}} {{? {{pipe}}}}", testSlots()); err != nil {
		t.Errorf("checkTemplate on a valid template: %v", err)
	}
}

func TestPSEncode(t *testing.T) {
	tests := map[string]string{
		"whoami":           "dwBoAG8AYQBtAGkA",
		"Get-Process":      "RwBlAHQALQBQAHIAbwBjAGUAcwBzAA==",
		"reg save hklm\\s": "cgBlAGcAIABzAGEAdgBlACAAaABrAGwAbQBcAHMA",
	}
	for in, want := range tests {
		if got := psEncode(in); got != want {
			t.Errorf("psEncode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNoisePreservesEncodedBlob(t *testing.T) {
	f := &Family{Name: "t", Class: T1562, Shell: PS, Templates: []string{"Set-MpPreference -DisableRealtimeMonitoring $true"}}
	want := psEncode("Set-MpPreference -DisableRealtimeMonitoring $true")
	found := 0
	for i := 0; i < 3000; i++ {
		x, err := Sample(f, rand.New(rand.NewPCG(uint64(i), 3)), Config{LaunchProb: 1, NoiseProb: 0.01})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(x), strings.ToLower(want)) {
			found++
			if !strings.Contains(x, want) {
				t.Fatalf("encoded blob changed by noise: %q", x)
			}
		}
	}
	if found == 0 {
		t.Fatal("no launcher produced the encoded form")
	}
}

func TestCaretsNeverDouble(t *testing.T) {
	for i := 0; i < 200; i++ {
		s := newSample(rand.New(rand.NewPCG(uint64(i), 4)), nil)
		x := carets(s, carets(s, `reg save "hklm\sam" out`))
		if strings.Contains(x, "^^") {
			t.Fatalf("carets produced an escaped caret: %q", x)
		}
		if strings.Contains(x, `"h^`) {
			t.Fatalf("carets inserted inside quotes: %q", x)
		}
	}
}

func FuzzExpand(f *testing.F) {
	for _, seed := range []string{"{{a}}", "{{x|{{a}}|}}", "{{?{{pipe}}}}", "{{{{", "}}{{a", "a{{b|c}}d{{", "{{nest}}{{num9}}"} {
		f.Add(seed, uint64(1))
	}
	f.Fuzz(func(t *testing.T, tmpl string, seed uint64) {
		if len(tmpl) > 512 {
			return
		}
		s := newSample(rand.New(rand.NewPCG(seed, 2)), testSlots())
		out := s.expand(tmpl)
		checkErr := checkTemplate(tmpl, testSlots())
		if checkErr == nil && s.err != nil {
			t.Fatalf("checkTemplate accepted %q but expand failed: %v", tmpl, s.err)
		}
		if utf8.ValidString(tmpl) && !utf8.ValidString(out) {
			t.Fatalf("expand(%q) produced invalid UTF-8 %q", tmpl, out)
		}
		if checkErr == nil && len(out) > 16*len(tmpl)+64 {
			t.Fatalf("expand(%q) grew to %d bytes", tmpl, len(out))
		}
	})
}
