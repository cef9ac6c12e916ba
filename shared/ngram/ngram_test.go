package ngram

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

// refBucket hashes one n-gram the slow, obvious way.
func refBucket(gram string, bits int) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(gram); i++ {
		h ^= uint32(gram[i])
		h *= 16777619
	}
	h ^= h >> 16
	h *= 0x85ebca6b
	h ^= h >> 13
	h *= 0xc2b2ae35
	h ^= h >> 16
	return h >> (32 - bits)
}

func TestHalf(t *testing.T) {
	tests := []struct {
		in   float32
		want uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},                            // largest finite
		{65519, 0x7bff},                            // below the midpoint to Inf
		{65520, 0x7c00},                            // the midpoint rounds to even: Inf
		{1e9, 0x7c00},                              // overflow
		{float32(math.Inf(-1)), 0xfc00},            // -Inf
		{1.0 / 3, 0x3555},                          // 0.333251953125
		{1 + 1.0/2048, 0x3c00},                     // tie between 0x3c00 and 0x3c01: even
		{1 + 3.0/2048, 0x3c02},                     // tie between 0x3c01 and 0x3c02: even
		{1.0 / (1 << 24), 0x0001},                  // smallest subnormal
		{1.0 / (1 << 25), 0x0000},                  // half of it: tie, even
		{1.5 / (1 << 25) * 2, 0x0002},              // 1.5 ulp: tie, even (2)
		{1.0 / (1 << 14), 0x0400},                  // smallest normal
		{1023.0 / (1 << 24), 0x03ff},               // largest subnormal
		{1023.5 / (1 << 24), 0x0400},               // rounds up into the normals
		{float32(math.NaN()), 0x7e00},              // NaN stays NaN
		{-1.0 / (1 << 30), 0x8000},                 // underflow keeps the sign
		{1.0 / (1 << 14) * (1 + 1.0/1024), 0x0401}, // one ulp above the smallest normal
	}
	for _, tc := range tests {
		if got := toHalf(tc.in); got != tc.want {
			t.Errorf("toHalf(%g) = %#04x, want %#04x", tc.in, got, tc.want)
		}
	}
	// Every half converts to float32 and back unchanged.
	for h := range 1 << 16 {
		f := fromHalf(uint16(h))
		if math.IsNaN(float64(f)) {
			continue
		}
		if back := toHalf(f); back != uint16(h) {
			t.Fatalf("toHalf(fromHalf(%#04x) = %g) = %#04x", h, f, back)
		}
	}
	// Random floats go to a nearest half.
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		x := float32(rng.NormFloat64() * math.Pow(10, rng.Float64()*12-8))
		h := toHalf(x)
		got := math.Abs(float64(fromHalf(h)) - float64(x))
		for _, nb := range []uint16{h - 1, h + 1} {
			if nb&0x7c00 == 0x7c00 || (h&0x7fff == 0 && nb&0x7fff != 1) {
				continue
			}
			if d := math.Abs(float64(fromHalf(nb)) - float64(x)); d < got {
				t.Fatalf("toHalf(%g) = %#04x (%g) but %#04x (%g) is nearer", x, h, fromHalf(h), nb, fromHalf(nb))
			}
		}
	}
}

func TestFeatures(t *testing.T) {
	l := 1 + math.Log(2)
	tests := []struct {
		name  string
		cfg   Config
		text  string
		grams []string
		vals  []float64 // before L2 scaling
	}{
		{"empty", Config{1, 3, 20}, "", nil, nil},
		{"unigrams", Config{1, 1, 20}, "a", []string{" ", "a"}, []float64{l, 1}},
		{"uni and bigrams", Config{1, 2, 20}, "ab", []string{" ", " a", "a", "ab", "b", "b "}, []float64{l, 1, 1, 1, 1, 1}},
		{"bigrams only", Config{2, 2, 20}, "ab ab", []string{" a", "ab", "b "}, []float64{l, l, l}},
		{"trigrams, text shorter", Config{3, 4, 20}, "x", []string{" x "}, []float64{1}},
		{"counts", Config{1, 1, 20}, "aaa", []string{" ", "a"}, []float64{l, 1 + math.Log(3)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFeaturizer(tc.cfg)
			for round := range 2 { // a second call reuses the buffers
				got := f.Features(tc.text)
				if len(got) != len(tc.grams) {
					t.Fatalf("round %d: %d features %v, want %d", round, len(got), got, len(tc.grams))
				}
				var norm float64
				for _, v := range tc.vals {
					norm += v * v
				}
				norm = math.Sqrt(norm)
				for i, g := range tc.grams {
					wantB := refBucket(g, tc.cfg.Bits)
					if got[i].Bucket != wantB {
						t.Errorf("feature %d (%q): bucket %d, want %d", i, g, got[i].Bucket, wantB)
					}
					if d := math.Abs(float64(got[i].Value) - tc.vals[i]/norm); d > 1e-6 {
						t.Errorf("feature %d (%q): value %v, want %v", i, g, got[i].Value, tc.vals[i]/norm)
					}
				}
			}
		})
	}
}

func TestFeaturesLongText(t *testing.T) {
	// A text with more distinct n-grams than buckets: every bucket at most once.
	cfg := Config{1, 5, 8}
	var sb strings.Builder
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		sb.WriteByte(byte('a' + rng.IntN(26)))
	}
	feats := NewFeaturizer(cfg).Features(sb.String())
	seen := map[uint32]bool{}
	var sum float64
	for _, f := range feats {
		if seen[f.Bucket] || f.Bucket >= 256 {
			t.Fatalf("bucket %d repeated or out of range", f.Bucket)
		}
		seen[f.Bucket] = true
		sum += float64(f.Value) * float64(f.Value)
	}
	if len(feats) != 256 || math.Abs(sum-1) > 1e-5 {
		t.Fatalf("%d features with squared norm %v, want 256 and 1", len(feats), sum)
	}
}

// tinyModel: unigrams into 16 buckets, classes a/b; the bucket of "a" votes 2 for class b, bias 0.5 for a.
func tinyModel(t *testing.T) *Model {
	t.Helper()
	m, err := New(Config{MinN: 1, MaxN: 1, Bits: 4}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	if refBucket("a", 4) == refBucket(" ", 4) {
		t.Fatal("test needs ' ' and 'a' in different buckets")
	}
	m.Weights()[refBucket("a", 4)*2+1] = 2
	m.Bias()[0] = 0.5
	return m
}

func TestPredictTiny(t *testing.T) {
	m := tinyModel(t)
	tests := []struct {
		name       string
		temp       float32
		normalized bool
		text       string
		want       []float64
	}{
		// " a ": ' ' twice (1+ln 2), 'a' once; L2 scaled, 'a' is 0.50854232; logits 0.5 and 1.01708464.
		{"raw", 1, false, "A", []float64{0.37353419449078884, 0.6264658055092113}},
		{"normalized", 1, true, "a", []float64{0.37353419449078884, 0.6264658055092113}},
		{"raw is normalized (spaces, caret, case)", 1, false, "  ^A\t", []float64{0.37353419449078884, 0.6264658055092113}},
		{"temperature 2", 2, true, "a", []float64{0.43572207183647443, 0.5642779281635256}},
		{"empty: softmax(bias)", 1, true, "", []float64{1 / (1 + math.Exp(-0.5)), 1 / (1 + math.Exp(0.5))}},
		{"no weight: ' ' and 'z' only", 1, true, "z", []float64{1 / (1 + math.Exp(-0.5)), 1 / (1 + math.Exp(0.5))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := m.SetTemperature(tc.temp); err != nil {
				t.Fatal(err)
			}
			var got []float32
			if tc.normalized {
				got = m.PredictNormalized(tc.text)
			} else {
				got = m.Predict(tc.text)
			}
			for k := range tc.want {
				if math.Abs(float64(got[k])-tc.want[k]) > 1e-6 {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	if got := m.Classes(); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("Classes() = %v", got)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		classes []string
	}{
		{"min 0", Config{0, 3, 10}, []string{"a", "b"}},
		{"min > max", Config{4, 3, 10}, []string{"a", "b"}},
		{"max too long", Config{1, MaxOrder + 1, 10}, []string{"a", "b"}},
		{"bits too few", Config{1, 3, MinBits - 1}, []string{"a", "b"}},
		{"bits too many", Config{1, 3, MaxBits + 1}, []string{"a", "b"}},
		{"one class", Config{1, 3, 10}, []string{"a"}},
		{"empty class", Config{1, 3, 10}, []string{"a", ""}},
		{"duplicate class", Config{1, 3, 10}, []string{"a", "a"}},
		{"too many weights", Config{1, 3, MaxBits}, []string{"a", "b", "c", "d", "e"}},
	}
	for _, tc := range tests {
		if _, err := New(tc.cfg, tc.classes); err == nil {
			t.Errorf("%s: New succeeded", tc.name)
		}
	}
	m := tinyModel(t)
	for _, temp := range []float32{0, -1, float32(math.NaN()), float32(math.Inf(1))} {
		if m.SetTemperature(temp) == nil {
			t.Errorf("SetTemperature(%v) succeeded", temp)
		}
	}
}

var sampleLines = []string{
	`C:\Windows\System32\reg.exe save HKLM\SAM C:\Users\Public\sam.hiv /y && reg save HKLM\SYSTEM C:\Users\Public\sys.hiv`,
	`powershell -NoProfile -Command "Set-MpPreference -DisableRealtimeMonitoring $true; Get-MpComputerStatus | Select AMRunning"`,
	`kubectl -n kube-system get pods -o wide --field-selector spec.nodeName=ip-10-0-3-17.eu-west-1.compute.internal`,
	`cmd /c r^e^g s^a^v^e HKLM\S^A^M s.hiv & copy \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy1\windows\system32\config\SAM c:\t`,
	`git -C /home/alice/src/ttpscope log --oneline --since=2.weeks --author="Alice Kowalski" -- shared/normalize`,
	`rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump 624 C:\Windows\Temp\lsass.dmp full && del C:\Windows\Temp\x.log`,
	`sc.exe config WinDefend start= disabled && sc.exe stop WinDefend && netsh advfirewall set allprofiles state off`,
	`Invoke-TokenManipulation -ImpersonateUser -Username "NT AUTHORITY\SYSTEM"; Start-Process cmd.exe -Verb RunAs`,
}

// randomModel is a model with every weight random, the worst case for the cache.
func randomModel(tb testing.TB, cfg Config, half bool) *Model {
	tb.Helper()
	m, err := New(cfg, []string{"benign", "T1003.002", "T1562", "T1134"})
	if err != nil {
		tb.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range m.Weights() {
		m.Weights()[i] = float32(rng.NormFloat64())
	}
	for i := range m.Bias() {
		m.Bias()[i] = float32(rng.NormFloat64())
	}
	if err := m.SetTemperature(1.7); err != nil {
		tb.Fatal(err)
	}
	m.SetFloat16(half)
	return m
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, half := range []bool{false, true} {
		m := randomModel(t, Config{MinN: 1, MaxN: 5, Bits: 12}, half)
		var a bytes.Buffer
		if err := m.Save(&a); err != nil {
			t.Fatal(err)
		}
		got, err := Load(bytes.NewReader(a.Bytes()))
		if err != nil {
			t.Fatalf("half=%v: %v", half, err)
		}
		if got.Config() != m.Config() || got.Temperature() != 1.7 || got.Float16() != half {
			t.Fatalf("half=%v: loaded %+v T=%v half=%v", half, got.Config(), got.Temperature(), got.Float16())
		}
		for _, line := range append(sampleLines, "", "x") {
			p, q := m.Predict(line), got.Predict(line)
			for k := range p {
				if math.Float32bits(p[k]) != math.Float32bits(q[k]) {
					t.Fatalf("half=%v: %q: %v before Save, %v after Load", half, line, p, q)
				}
			}
		}
		var b bytes.Buffer
		if err := got.Save(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("half=%v: a second Save wrote different bytes", half)
		}
		wantLen := 20 + 4*(1+6+1+9+1+5+1+5) + 4*4
		if !bytes.HasPrefix(a.Bytes(), []byte(Magic)) || a.Len() <= wantLen {
			t.Fatalf("half=%v: file of %d bytes", half, a.Len())
		}
	}
}

// buildFile writes a header and a gzip member of raw weight bytes, for corrupt files.
func buildFile(mutHeader func([]byte) []byte, weights []byte) []byte {
	var hdr []byte
	hdr = append(hdr, Magic...)
	hdr = binary.LittleEndian.AppendUint16(hdr, Version)
	hdr = binary.LittleEndian.AppendUint16(hdr, flagFloat16)
	hdr = append(hdr, 1, 2, 4, 2)
	hdr = binary.LittleEndian.AppendUint32(hdr, math.Float32bits(1))
	hdr = append(hdr, 1, 'a', 1, 'b')
	hdr = binary.LittleEndian.AppendUint32(hdr, 0)
	hdr = binary.LittleEndian.AppendUint32(hdr, 0)
	if mutHeader != nil {
		hdr = mutHeader(hdr)
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(weights)
	zw.Close()
	return append(hdr, z.Bytes()...)
}

func TestLoadErrors(t *testing.T) {
	good := make([]byte, 16*2*2)
	if _, err := Load(bytes.NewReader(buildFile(nil, good))); err != nil {
		t.Fatalf("the good file: %v", err)
	}
	set := func(i int, b ...byte) func([]byte) []byte {
		return func(h []byte) []byte { copy(h[i:], b); return h }
	}
	nanHalf := append(append([]byte(nil), good[:62]...), 0x00, 0x7e)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "header"},
		{"magic", buildFile(set(0, 'X'), good), "bad magic"},
		{"version", buildFile(set(8, 2), good), "version 2"},
		{"flags", buildFile(set(10, 3), good), "unknown flags"},
		{"min n 0", buildFile(set(12, 0), good), "n-gram range"},
		{"max n > MaxOrder", buildFile(set(13, 9), good), "n-gram range"},
		{"bits", buildFile(set(14, 40), good), "hash bits"},
		{"one class", buildFile(set(15, 1), good), "classes"},
		{"zero temperature", buildFile(set(16, 0, 0, 0, 0), good), "temperature"},
		{"NaN temperature", buildFile(set(16, 0, 0, 0xc0, 0x7f), good), "temperature"},
		{"duplicate class", buildFile(set(23, 'a'), good), "twice"},
		{"NaN bias", buildFile(set(24, 0, 0, 0xc0, 0x7f), good), "bias"},
		{"short weights", buildFile(nil, good[:60]), "unexpected EOF"},
		{"long weights", buildFile(nil, append(good, 0, 0)), "after the last weight"},
		{"NaN weight", buildFile(nil, nanHalf), "weight 31"},
		{"no gzip", buildFile(nil, good)[:32], "weights"},
		{"truncated gzip", func() []byte { b := buildFile(nil, good); return b[:len(b)-3] }(), "unexpected EOF"},
		{"bad crc", func() []byte { b := buildFile(nil, good); b[len(b)-8] ^= 1; return b }(), "checksum"},
	}
	for _, tc := range tests {
		_, err := Load(bytes.NewReader(tc.data))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestPredictNoAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector makes sync.Pool drop items at random; run without -race to count allocations")
	}
	m := randomModel(t, Config{MinN: 1, MaxN: 5, Bits: 16}, true)
	dst := make([]float32, 4)
	m.PredictNormalizedTo(dst, sampleLines[0]) // warm the pool
	allocs := testing.AllocsPerRun(200, func() {
		for _, l := range sampleLines {
			m.PredictNormalizedTo(dst, l)
		}
	})
	if allocs > 0.05 { // a GC may empty the pool now and then
		t.Fatalf("%v allocations per run of %d predictions", allocs, len(sampleLines))
	}
}

func TestConcurrentPredict(t *testing.T) {
	m := randomModel(t, Config{MinN: 1, MaxN: 5, Bits: 14}, false)
	want := make([][]float32, len(sampleLines))
	for i, l := range sampleLines {
		want[i] = m.Predict(l)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := make([]float32, 4)
			for r := range 300 {
				i := (g + r) % len(sampleLines)
				got := m.PredictTo(dst, sampleLines[i])
				for k := range got {
					if got[k] != want[i][k] {
						errs <- sampleLines[i]
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for l := range errs {
		t.Errorf("concurrent prediction differs for %q", l)
	}
}
