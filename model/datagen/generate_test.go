package datagen

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestRegistry(t *testing.T) {
	fs := Registry()
	if err := Validate(fs); err != nil {
		t.Fatal(err)
	}
	families := map[Label]int{}
	templates := map[Label]int{}
	for _, f := range fs {
		families[f.Class]++
		templates[f.Class] += len(f.Templates)
		prefix := map[Label]string{Benign: "benign/", T1003: "cred/", T1562: "impair/", T1134: "token/"}[f.Class]
		if !strings.HasPrefix(f.Name, prefix) {
			t.Errorf("family %s of class %s should be named %s...", f.Name, f.Class, prefix)
		}
		switch f.Platform {
		case "windows", "linux", "macos", "cloud", "any":
		default:
			t.Errorf("family %s: unknown platform %q", f.Name, f.Platform)
		}
	}
	for _, c := range []Label{T1003, T1562, T1134} {
		if families[c] < 150 {
			t.Errorf("class %s has %d families, want >= 150", c, families[c])
		}
	}
	if templates[Benign] < 1500 {
		t.Errorf("benign has %d templates, want >= 1500", templates[Benign])
	}
	t.Logf("families %v, templates %v", families, templates)
}

func TestValidateRejects(t *testing.T) {
	good := fam("benign/x", Benign, "any", Sh, "ls")
	tests := map[string][]Family{
		"duplicate":     {good, good},
		"unknown class": {fam("benign/y", Label("T9999"), "any", Sh, "ls")},
		"no templates":  {{Name: "benign/z", Class: Benign}},
		"unknown slot":  {fam("benign/w", Benign, "any", Sh, "ls {{nosuch}}")},
		"empty name":    {fam("", Benign, "any", Sh, "ls")},
	}
	for name, fs := range tests {
		if err := Validate(fs); err == nil {
			t.Errorf("%s: Validate accepted", name)
		}
	}
}

// TestFamilyVariety checks that every family yields many distinct texts,
// both before launchers and noise (its own templates and slots) and after.
func TestFamilyVariety(t *testing.T) {
	const draws = 400
	slots := newSlots()
	cfg := Config{}.withDefaults()
	for _, f := range Registry() {
		rng := rand.New(rand.NewPCG(7, hash64(f.Name)))
		core := map[string]bool{}
		full := map[string]bool{}
		for i := 0; i < draws; i++ {
			s := newSample(rng, slots)
			x := f.core(s)
			if s.err != nil {
				t.Fatalf("%s: %v", f.Name, s.err)
			}
			core[x] = true
			y, err := sampleWith(&f, rng, slots, cfg)
			if err != nil {
				t.Fatal(err)
			}
			full[dedupeKey(y)] = true
		}
		if len(core) < 12 {
			t.Errorf("%s: %d distinct core texts in %d draws, want >= 12", f.Name, len(core), draws)
		}
		if len(full) < 40 {
			t.Errorf("%s: %d distinct texts in %d draws, want >= 40", f.Name, len(full), draws)
		}
	}
}

func generate(t *testing.T, cfg Config) ([]Record, Stats) {
	t.Helper()
	recs, st, err := Generate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return recs, st
}

func TestDeterminism(t *testing.T) {
	write := func(seed uint64) []byte {
		dir := t.TempDir()
		recs, st := generate(t, Config{Seed: seed, N: 4000})
		if err := Write(dir, recs, st); err != nil {
			t.Fatal(err)
		}
		var all []byte
		for _, f := range []string{"train.jsonl", "val.jsonl", "test.jsonl", "heldout.jsonl", "stats.json"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		return all
	}
	a, b, c := write(11), write(11), write(12)
	if !bytes.Equal(a, b) {
		t.Error("same seed produced different bytes")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds produced identical bytes")
	}
}

func TestBalanceAndSplits(t *testing.T) {
	const n = 20000
	recs, st := generate(t, Config{Seed: 3, N: n})
	if len(recs) != n {
		t.Fatalf("got %d records, want %d", len(recs), n)
	}
	if st.LabelConflicts != 0 {
		t.Errorf("%d texts were generated under two labels", st.LabelConflicts)
	}
	byLabel := map[Label]int{}
	bySplit := map[string]int{}
	keys := map[string]map[string]bool{}
	famSplit := map[string]map[string]bool{}
	for _, r := range recs {
		byLabel[r.Label]++
		bySplit[r.Split]++
		if keys[r.Split] == nil {
			keys[r.Split] = map[string]bool{}
		}
		k := dedupeKey(r.Text)
		for sp, ks := range keys {
			if ks[k] {
				t.Fatalf("text %q appears twice (splits %s and %s)", r.Text, sp, r.Split)
			}
		}
		keys[r.Split][k] = true
		if famSplit[r.Family] == nil {
			famSplit[r.Family] = map[string]bool{}
		}
		famSplit[r.Family][r.Split] = true
	}
	if got := float64(byLabel[Benign]) / n; math.Abs(got-0.55) > 0.005 {
		t.Errorf("benign share %.3f, want 0.55", got)
	}
	for _, c := range []Label{T1003, T1562, T1134} {
		if got := float64(byLabel[c]) / n; math.Abs(got-0.15) > 0.005 {
			t.Errorf("%s share %.3f, want 0.15", c, got)
		}
	}
	inTrain := n - bySplit[SplitHeldout]
	for sp, want := range map[string]float64{SplitTrain: 0.8, SplitVal: 0.1, SplitTest: 0.1} {
		if got := float64(bySplit[sp]) / float64(inTrain); math.Abs(got-want) > 0.02 {
			t.Errorf("split %s holds %.3f of in-training records, want %.2f", sp, got, want)
		}
	}
	if h := float64(bySplit[SplitHeldout]) / n; h < 0.08 || h > 0.25 {
		t.Errorf("heldout share %.3f, want about 0.15", h)
	}
	held := map[string]bool{}
	for _, f := range st.HeldoutFamily {
		held[f] = true
	}
	for fam, sps := range famSplit {
		if held[fam] && (len(sps) != 1 || !sps[SplitHeldout]) {
			t.Errorf("held-out family %s appears in splits %v", fam, sps)
		}
		if !held[fam] && sps[SplitHeldout] {
			t.Errorf("training family %s appears in heldout", fam)
		}
	}
	perClass := map[Label]int{}
	for _, f := range Registry() {
		if held[f.Name] {
			perClass[f.Class]++
		}
	}
	for _, c := range Labels() {
		if perClass[c] == 0 {
			t.Errorf("no family of class %s held out", c)
		}
	}
}

func TestHeldoutDependsOnSeed(t *testing.T) {
	fs := Registry()
	a, b := HeldoutFamilies(fs, 1, 0.15), HeldoutFamilies(fs, 2, 0.15)
	if len(a) == 0 || len(a) != len(b) {
		t.Fatalf("held-out sizes %d and %d", len(a), len(b))
	}
	same := true
	for k := range a {
		same = same && b[k]
	}
	if same {
		t.Error("seeds 1 and 2 hold out the same families")
	}
	if len(HeldoutFamilies(fs, 1, 0)) != 0 {
		t.Error("frac 0 held out families")
	}
}

// TestPolicy checks labelling decisions from POLICY.md on generated data:
// each rule is a pattern over the dedupe key and the label every matching
// text must carry. Each rule must match at least one text.
// TestFamilyWeight checks that a family's Weight scales how often it is drawn
// against the other families of its class.
func TestFamilyWeight(t *testing.T) {
	heavy := fam("benign/heavy", Benign, "any", Sh, `heavy {{hex32}}`)
	heavy.Weight = 3
	fs := []Family{
		fam("benign/light", Benign, "any", Sh, `light {{hex32}}`), heavy,
		fam("cred/x", T1003, "any", Sh, `x {{hex32}}`), fam("impair/y", T1562, "any", Sh, `y {{hex32}}`),
		fam("token/z", T1134, "any", Sh, `z {{hex32}}`),
	}
	_, st, err := GenerateFrom(context.Background(), fs, Config{Seed: 9, N: 8000, HoldoutFrac: -1})
	if err != nil {
		t.Fatal(err)
	}
	light, h := st.PerFamily["benign/light"], st.PerFamily["benign/heavy"]
	if light+h != 4400 {
		t.Fatalf("benign records %d + %d, want 4400", light, h)
	}
	if r := float64(h) / float64(light); r < 2.7 || r > 3.3 {
		t.Errorf("heavy/light = %d/%d = %.2f, want about 3", h, light, r)
	}
}

// TestKeepValue checks that benign damage (truncation, a dropped or doubled
// character) hits an ordinary benign family and never one marked KeepValue,
// whose label rests on its last bytes.
func TestKeepValue(t *testing.T) {
	const text = "Set-MpPreference -DisableArchiveScanning $false"
	cfg := Config{LaunchProb: 1e-12, NoiseProb: 1e-12}
	for _, keep := range []bool{false, true} {
		f := fam("benign/x", Benign, "windows", PS, text)
		f.KeepValue = keep
		rng := rand.New(rand.NewPCG(5, 6))
		damaged := 0
		for range 2000 {
			x, err := Sample(&f, rng, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if x != text {
				damaged++
			}
		}
		// 4% truncation and 3% character damage: about 140 of 2000.
		if keep && damaged != 0 {
			t.Errorf("KeepValue: %d of 2000 samples damaged, want 0", damaged)
		}
		if !keep && (damaged < 80 || damaged > 220) {
			t.Errorf("plain benign family: %d of 2000 samples damaged, want about 140", damaged)
		}
	}
	for _, f := range Registry() {
		if f.Class == Benign && strings.HasPrefix(f.Name, "benign/revert-") && !f.KeepValue {
			t.Errorf("%s: a reversal family without KeepValue", f.Name)
		}
	}
}

// TestManFamilies checks the man-page corpus: enough programs, none the
// labelling policy treats as a defense or attack tool, and every line of a
// family starting with one of its programs.
func TestManFamilies(t *testing.T) {
	ps := parseManProgs()
	if len(ps) < 12000 {
		t.Fatalf("%d programs in data/manprogs.tsv, want at least 12000", len(ps))
	}
	banned := regexp.MustCompile(`^(iptables|ip6tables|nft|ufw|firewall-cmd|auditctl|augenrules|setenforce|aa-|apparmor|bash|sudo|su|pkexec|net|sam|eventlog|clam[a-z]*|fail2ban-[a-z]+)( |$)|^gcloud .*(logging|scc|firewall|security)`)
	for _, p := range ps {
		if banned.MatchString(p.cmd) {
			t.Errorf("program %q should have been left out by mancorpus", p.cmd)
		}
	}
	fs := manFamilies()
	if len(fs) != 6 {
		t.Fatalf("%d man-page families, want 6", len(fs))
	}
	// Benign damage (a dropped character, a cut) touches a few lines; the
	// rest must start with a corpus program's command path.
	cfg := Config{LaunchProb: 1e-12, NoiseProb: 1e-12}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, f := range fs {
		ok := 0
		for range 300 {
			x, err := Sample(&f, rng, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(ps, func(p manProg) bool { return x == p.cmd || strings.HasPrefix(x, p.cmd+" ") }) {
				ok++
			}
		}
		if ok < 280 {
			t.Errorf("%s: %d of 300 lines start with a corpus program, want at least 280", f.Name, ok)
		}
	}
	// With dual, the option right after the command path is one of the program's dualOptions.
	s := newSample(rand.New(rand.NewPCG(5, 6)), newSlots())
	n := 0
	for _, p := range ps {
		if len(p.dual) == 0 || strings.HasPrefix(p.cmd, "gcloud ") {
			continue
		}
		n++
		f := strings.Fields(strings.TrimPrefix(manLine(s, p, true), p.cmd+" "))
		if len(f) == 0 || !dualOption(f[0]) || !slices.Contains(p.opts, f[0]) {
			t.Fatalf("%s: dual line starts with %q, want one of its dual options", p.cmd, f)
		}
	}
	if n < 500 {
		t.Errorf("%d programs with a dual option, want at least 500", n)
	}
}

func TestDualOption(t *testing.T) {
	for _, tt := range []struct {
		opt  string
		want bool
	}{
		{"--disable-updates", true}, {"--Kill-After", true}, {"-no-verify", true}, {"--NO-CHECK", true},
		{"--catalog", true}, {"-blocksize", true}, {"--note", false}, {"--verbose", false}, {"-n", false},
		{"--snow-", false},
	} {
		if got := dualOption(tt.opt); got != tt.want {
			t.Errorf("dualOption(%q) = %v, want %v", tt.opt, got, tt.want)
		}
	}
}

func TestPolicy(t *testing.T) {
	recs, _ := generate(t, Config{Seed: 5, N: 90000, HoldoutFrac: -1, NoiseProb: 0.01, LaunchProb: 0.01})
	rules := []struct {
		pattern string
		label   Label
		except  string // texts matching this are not checked by the rule
	}{
		{`^set-mppreference -disablerealtimemonitoring (\$false|0)$`, Benign, ""},
		{`^netsh advfirewall set \w+ state on$`, Benign, ""},
		{`^setenforce 1$`, Benign, ""},
		{`^ufw enable$`, Benign, ""},
		{`^auditctl -e 1$`, Benign, ""},
		{`procdump\S* .*-ma w3wp`, Benign, ""},
		{`^(sc|sc\.exe) stop spooler$`, Benign, ""},
		{`^kubectl create token`, Benign, ""},
		{`^wevtutil(\.exe)? (cl|clear-log) `, Benign, ""},
		{`^clear-eventlog `, Benign, ""},
		{`^history -c`, Benign, ""},
		{`^reg export hkcu\\`, Benign, ""},
		{`^systemctl mask (sleep|suspend|hibernate|ctrl-alt-del)`, Benign, ""},
		{`^powershell(\.exe)? -executionpolicy bypass -file `, Benign, ""},
		{`^set-executionpolicy (remotesigned|allsigned|restricted)`, Benign, ""},
		{`^remove-mppreference -exclusion`, Benign, ""},
		{`^runas /user:`, Benign, `/netonly`},
		{`^psexec -s -i cmd\.exe$`, Benign, ""},
		{`^del .*lsass\.dmp`, Benign, ""},
		{`^sysmon(64)?(\.exe)? -u`, T1562, ""},
		{`^set-executionpolicy (bypass|unrestricted)`, T1562, ""},
		{`^setenforce 0$`, T1562, ""},
		{`^unset histfile$`, T1562, ""},
		{`^netsh advfirewall set \w+ state off$`, T1562, ""},
		{`^add-mppreference -exclusionpath`, T1562, ""},
		{`^reg(\.exe)? save hklm\\sam `, T1003, ""},
		{`^esentutl(\.exe)? /y /vss .*\\sam /d`, T1003, ""},
		{`comsvcs(\.dll)?,? ?minidump`, T1003, ""},
		{`sekurlsa::logonpasswords`, T1003, ""},
		{`^runas(\.exe)? /netonly`, T1134, ""},
		{`^printspoofer`, T1134, ""},
		{`^invoke-tokenmanipulation`, T1134, ""},
		{`sid::add`, T1134, ""},
		{`^sysctl -w kernel\.randomize_va_space=0$`, T1562, ""},
		{`^sysctl -w kernel\.randomize_va_space=2$`, Benign, ""},
		{`^logman update trace "?[\w -]+"? --p `, T1562, ""},
		{`^logman update trace "?[\w -]+"? -p `, Benign, ""},
		{`^export histfile=(~|\$home)/\.\w+_history$`, Benign, ""},
		{`^export histfile=/dev/null$`, T1562, ""},
		{`^(reg|reg\.exe) delete "hklm\\software\\policies\\microsoft\\windows defender" /v disableantispyware /f$`, Benign, ""},
		{`reg(\.exe)?"? add "[^"]*windows defender" /v disableantispyware /t reg_dword /d 1 /f$`, T1562, ""},
		{`^(sudo )?systemctl stop ufw$`, T1562, ""},
		{`^(sudo )?systemctl start ufw$`, Benign, ""},
		{`^ufw delete \d+$`, Benign, ""},
		{`^(sudo )?iptables -d \w+ .* -j (drop|reject)$`, T1562, ""},
		{`^(sudo )?iptables -d \w+ .* -j accept$`, Benign, ""},
		{`^(sudo )?ufw delete (deny|reject) `, T1562, ""},
		{`^(sudo )?ufw delete allow `, Benign, ""},
		{`/v etwenabled /t reg_dword /d 0`, T1562, ""},
		{`/v etwenabled /t reg_dword /d 1`, Benign, ""},
		{`^(sudo )?ufw logging off$`, T1562, ""},
		{`^(sudo )?ufw logging (on|low|medium|high|full)$`, Benign, ""},
		{`wevtutil sl "?[\w /-]+"? /ca:o:\w+:\w+:\(d;`, T1562, ""},
		{`wevtutil sl "?[\w /-]+"? /ca:o:\w+:\w+:\(a;`, Benign, ""},
		{`eventlog\\\w+"? /v channelaccess /t reg_sz /d "?o:\w+:\w+:\(d;`, T1562, ""},
		{`eventlog\\\w+"? /v channelaccess /t reg_sz /d "?o:\w+:\w+:\(a;`, Benign, ""},
		{`socketfilterfw --setloggingmode off$`, T1562, ""},
		{`socketfilterfw --setloggingmode on$`, Benign, ""},
		{`logging droppedconnections disable$`, T1562, ""},
		{`logging droppedconnections enable$`, Benign, ""},
		{`/v tamperprotection /t reg_dword /d [04]( /f)?$`, T1562, ""},
		{`/v tamperprotection /t reg_dword /d 5( /f)?$`, Benign, ""},
		{`autologger\\[^"]+"? -name start -value 0`, T1562, ""},
		{`autologger\\[^"]+"? -name start -value 1`, Benign, ""},
		{`^remove-itemproperty -path "?hkcu:\\environment"? -name complus_etwenabled`, Benign, ""},
		{`^(remove-azeventhub|az eventhubs eventhub delete) .*-name (insights-|siem-|activity-logs|audit-stream|security-events|diag-logs)`, T1562, ""},
		{`^(remove-azeventhub|az eventhubs eventhub delete) .*-name (orders|clickstream|payments-events|inventory-updates|checkout|metrics-raw)$`, Benign, ""},
		{`^(aws firehose delete-delivery-stream|aws kinesis delete-stream) .*(cloudtrail|flow-logs|siem|audit|security-hub|waf-logs)`, T1562, ""},
	}
	for _, rule := range rules {
		re := regexp.MustCompile(rule.pattern)
		var except *regexp.Regexp
		if rule.except != "" {
			except = regexp.MustCompile(rule.except)
		}
		matched := 0
		for _, r := range recs {
			k := dedupeKey(r.Text)
			if !re.MatchString(k) || except != nil && except.MatchString(k) {
				continue
			}
			matched++
			if r.Label != rule.label {
				t.Errorf("rule %q wants %s, got %s for %q (family %s)", rule.pattern, rule.label, r.Label, r.Text, r.Family)
			}
		}
		if matched == 0 {
			t.Errorf("rule %q matched no generated text", rule.pattern)
		}
	}
}

func TestWriteJSONL(t *testing.T) {
	dir := t.TempDir()
	recs, st := generate(t, Config{Seed: 1, N: 2000})
	if err := Write(dir, recs, st); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, sp := range []string{SplitTrain, SplitVal, SplitTest, SplitHeldout} {
		b, err := os.ReadFile(filepath.Join(dir, sp+".jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
			var r Record
			if err := json.Unmarshal(line, &r); err != nil {
				t.Fatalf("%s: %v in %q", sp, err, line)
			}
			if r.Split != sp || r.Text == "" || r.Family == "" {
				t.Fatalf("%s: bad record %+v", sp, r)
			}
			total++
		}
	}
	if total != len(recs) {
		t.Errorf("read %d records, wrote %d", total, len(recs))
	}
}

func TestGenerateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := Generate(ctx, Config{N: 5000}); err == nil {
		t.Error("Generate ignored a cancelled context")
	}
}

func BenchmarkSample(b *testing.B) {
	fs := Registry()
	slots := newSlots()
	cfg := Config{}.withDefaults()
	rng := rand.New(rand.NewPCG(1, 1))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f := &fs[i%len(fs)]
		if _, err := sampleWith(f, rng, slots, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
