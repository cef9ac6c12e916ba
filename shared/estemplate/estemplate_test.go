package estemplate

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ttpscope/ttpscope/shared/schema"
	"github.com/ttpscope/ttpscope/test/esfake"
)

var update = flag.Bool("update", false, "rewrite the committed files under examples/ from the generated ones")

// Committed files, relative to this package.
const (
	rulesFile     = "../../examples/kibana/ttpscope-rules.ndjson"
	indexFile     = "../../examples/elasticsearch/index-template.json"
	componentFile = "../../examples/elasticsearch/component-template.json"
)

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s", path)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./shared/estemplate -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the generated content; run go test ./shared/estemplate -update and review the diff.\ngot:\n%s", path, got)
	}
}

func TestGoldenExamples(t *testing.T) {
	rules, err := RulesNDJSON(RuleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, rulesFile, rules)
	ct, err := ComponentTemplate(TemplateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalIndent(ct)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, componentFile, b)
	it, err := IndexTemplate(TemplateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b, err = MarshalIndent(it); err != nil {
		t.Fatal(err)
	}
	golden(t, indexFile, b)
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestRulesImportFormat decodes the committed NDJSON generically and checks
// every field Kibana's import needs, with the values it must have.
func TestRulesImportFormat(t *testing.T) {
	data, err := os.ReadFile(rulesFile)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d rules, want 4 (3 techniques + malicious_score)", len(lines))
	}
	seen := map[string]bool{}
	risk := map[string][2]int{"low": {0, 21}, "medium": {22, 47}, "high": {48, 73}, "critical": {74, 100}}
	wantQueries := []string{
		`ttpscope.class:"T1003.002" and ttpscope.score >= 0.8`,
		`ttpscope.class:"T1562" and ttpscope.score >= 0.8`,
		`ttpscope.class:"T1134" and ttpscope.score >= 0.8`,
		`ttpscope.status:"ok" and ttpscope.malicious_score >= 0.9`,
	}
	for i, line := range lines {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		str := func(k string) string {
			s, ok := r[k].(string)
			if !ok || s == "" {
				t.Errorf("rule %d: %s = %v, want a non-empty string", i, k, r[k])
			}
			return s
		}
		id := str("rule_id")
		if !uuidRE.MatchString(id) || seen[id] {
			t.Errorf("rule %d: rule_id %q not a unique v5 UUID", i, id)
		}
		seen[id] = true
		str("name")
		str("description")
		str("license")
		str("note")
		if r["type"] != "query" || r["language"] != "kuery" || r["from"] != "now-6m" || r["interval"] != "5m" {
			t.Errorf("rule %d: type/language/from/interval = %v/%v/%v/%v", i, r["type"], r["language"], r["from"], r["interval"])
		}
		if q := str("query"); q != wantQueries[i] {
			t.Errorf("rule %d: query %q, want %q", i, q, wantQueries[i])
		}
		if r["enabled"] != false || r["version"] != float64(1) || r["max_signals"] != float64(100) {
			t.Errorf("rule %d: enabled/version/max_signals = %v/%v/%v", i, r["enabled"], r["version"], r["max_signals"])
		}
		rs, _ := r["risk_score"].(float64)
		rg, ok := risk[str("severity")]
		if !ok || rs < float64(rg[0]) || rs > float64(rg[1]) {
			t.Errorf("rule %d: risk_score %v does not fit severity %v", i, rs, r["severity"])
		}
		for _, k := range []string{"index", "author", "tags", "references", "false_positives"} {
			l, _ := r[k].([]any)
			if len(l) == 0 {
				t.Errorf("rule %d: %s = %v, want a non-empty array", i, k, r[k])
			}
		}
		if _, ok := r["threat"].([]any); !ok {
			t.Errorf("rule %d: threat = %v, want an array", i, r["threat"])
		}
	}
}

// TestRuleThreat checks the ATT&CK mapping of each technique rule.
func TestRuleThreat(t *testing.T) {
	rules, err := Rules(RuleOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		rule                  int
		tactics               []string
		technique, sub, ref   string
		severity              string
		risk                  int
		subName, subReference string
	}{
		{0, []string{"TA0006"}, "T1003", "T1003.002", "https://attack.mitre.org/techniques/T1003/", "high", 73, "Security Account Manager", "https://attack.mitre.org/techniques/T1003/002/"},
		{1, []string{"TA0005"}, "T1562", "", "https://attack.mitre.org/techniques/T1562/", "medium", 47, "", ""},
		{2, []string{"TA0004", "TA0005"}, "T1134", "", "https://attack.mitre.org/techniques/T1134/", "high", 73, "", ""},
	} {
		r := rules[tc.rule]
		if r.Severity != tc.severity || r.RiskScore != tc.risk {
			t.Errorf("%s: severity %s/%d, want %s/%d", r.Name, r.Severity, r.RiskScore, tc.severity, tc.risk)
		}
		var tactics []string
		for _, th := range r.Threat {
			tactics = append(tactics, th.Tactic.ID)
			if th.Framework != "MITRE ATT&CK" || th.Tactic.Reference != "https://attack.mitre.org/tactics/"+th.Tactic.ID+"/" {
				t.Errorf("%s: threat %+v", r.Name, th)
			}
			if len(th.Technique) != 1 || th.Technique[0].ID != tc.technique || th.Technique[0].Reference != tc.ref {
				t.Errorf("%s: technique %+v, want %s %s", r.Name, th.Technique, tc.technique, tc.ref)
				continue
			}
			subs := th.Technique[0].Subtechnique
			if tc.sub == "" && len(subs) != 0 || tc.sub != "" && (len(subs) != 1 || subs[0] != ThreatRef{tc.sub, tc.subName, tc.subReference}) {
				t.Errorf("%s: subtechnique %+v, want %s", r.Name, subs, tc.sub)
			}
		}
		if !slices.Equal(tactics, tc.tactics) {
			t.Errorf("%s: tactics %v, want %v", r.Name, tactics, tc.tactics)
		}
	}
}

func TestRuleIDStable(t *testing.T) {
	// The ids are what Kibana's overwrite matches on: they must never change
	// once users have imported the rules.
	for key, want := range map[string]string{
		"T1003.002":       "c97a5c6c-d694-5523-96ea-dbc7cdcece0c",
		"T1562":           "e7185bc2-dac2-531a-9c14-afc7592adedc",
		"T1134":           "fd297828-2e2d-5e7a-8732-32094d243138",
		"malicious_score": "78fb7b6b-3d80-5eb8-a636-b2f5575eb0c6",
	} {
		if got := RuleID(key); got != want || !uuidRE.MatchString(got) {
			t.Errorf("RuleID(%s) = %s, want %s", key, got, want)
		}
	}
}

func TestRuleOptions(t *testing.T) {
	rules, err := Rules(RuleOptions{ResultKey: "labels.ml", Index: []string{"sec-*"}, Threshold: 0.95, MaliciousThreshold: 0.5, Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if q := rules[0].Query; q != `labels.ml.class:"T1003.002" and labels.ml.score >= 0.95` {
		t.Errorf("query %q", q)
	}
	if q := rules[3].Query; q != `labels.ml.status:"ok" and labels.ml.malicious_score >= 0.5` {
		t.Errorf("query %q", q)
	}
	if !rules[0].Enabled || !slices.Equal(rules[0].Index, []string{"sec-*"}) || rules[0].RuleID != RuleID("T1003.002") {
		t.Errorf("rule %+v", rules[0])
	}
	for _, bad := range []RuleOptions{{Threshold: 1.5}, {MaliciousThreshold: -0.1}, {ResultKey: "threat.x"}, {ResultKey: "a..b"}, {Index: []string{" "}}} {
		if _, err := Rules(bad); err == nil {
			t.Errorf("Rules(%+v): no error", bad)
		}
	}
}

// TestRulesChecker runs the independent Kibana rule validator on the
// committed NDJSON, in strict mode.
func TestRulesChecker(t *testing.T) {
	checker := ""
	for _, p := range []string{"/work/shared/tools/kibana_rules_check.py", "../../../shared/tools/kibana_rules_check.py"} {
		if _, err := os.Stat(p); err == nil {
			checker = p
			break
		}
	}
	if checker == "" {
		t.Skip("kibana_rules_check.py not found (at /work/shared/tools or ../shared/tools from the repository root): rules not checked by it")
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found: kibana_rules_check.py not run")
	}
	abs, _ := filepath.Abs(rulesFile)
	out, err := exec.Command(py, checker, "--strict", abs).CombinedOutput()
	t.Logf("%s --strict %s:\n%s", checker, abs, out)
	if err != nil || !strings.Contains(string(out), "RULES ok=4 bad=0") {
		t.Errorf("checker failed: %v", err)
	}
	if strings.Contains(string(out), "WARN") {
		t.Errorf("checker warned")
	}
}

func TestMappingsResultKey(t *testing.T) {
	m, err := Mappings("labels.ttpscope")
	if err != nil {
		t.Fatal(err)
	}
	props := m["properties"].(map[string]any)
	inner := props["labels"].(map[string]any)["properties"].(map[string]any)["ttpscope"].(map[string]any)["properties"].(map[string]any)
	if inner["class"].(map[string]any)["type"] != "keyword" {
		t.Errorf("labels.ttpscope.class = %v", inner["class"])
	}
	if _, ok := props["threat"]; !ok {
		t.Error("no threat mapping")
	}
	for _, bad := range []string{"threat", "threat.ttpscope", ".x", "x."} {
		if _, err := Mappings(bad); err == nil {
			t.Errorf("Mappings(%q): no error", bad)
		}
	}
	if _, err := IndexTemplate(TemplateOptions{IndexPatterns: []string{"a b"}}); err == nil {
		t.Error("pattern with a space accepted")
	}
	if _, err := IndexTemplate(TemplateOptions{Priority: -1}); err == nil {
		t.Error("negative priority accepted")
	}
}

// doc is a record as schema.Apply writes it.
func doc(t *testing.T, key string) []byte {
	t.Helper()
	rec := map[string]any{"@timestamp": "2026-01-02T03:04:05Z", "process": map[string]any{"command_line": `reg save hklm\sam c:\t\s`}}
	schema.Apply(rec, key, schema.Result{
		Class:          schema.ClassT1003_002,
		Score:          0.9,
		MaliciousScore: 0.97,
		Probabilities:  map[string]float64{"benign": 0.03, "T1003.002": 0.9, "T1562": 0.04, "T1134": 0.03},
		Model:          "ttpscope-mini@1.0.0",
		SourceField:    "process.command_line",
		Status:         schema.StatusOK,
	}, 0.5)
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"T1003.002":0.9`)) {
		t.Fatalf("document does not carry the dotted probability key: %s", b)
	}
	return b
}

// testPriority is the index template priority of these tests: above the
// DefaultPriority a cluster's own ttpscope template may use, so the test's
// overlapping patterns (ttpscope-test-* within ttpscope-*) are not refused
// for sharing a priority with it.
const testPriority = 4242

// TestMappingAcceptsOurDocuments installs the templates in the target (a
// fake, or the cluster of ES_URL) under names of its own and indexes
// documents exactly as schema.Apply writes them, including the dotted
// "T1003.002" probability key; a wrong-typed score must be refused, which
// shows the mapping is in force.
func TestMappingAcceptsOurDocuments(t *testing.T) {
	for _, tc := range []struct {
		name string
		key  string
	}{
		{"default", ""},
		{"dotted result key", "labels.ttpscope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := esfake.NewTarget(t)
			name := tg.TempName(t)
			opt := TemplateOptions{ResultKey: tc.key, ComponentName: name + "-mappings", IndexPatterns: []string{name + "-*"}, Priority: testPriority}
			ct, err := ComponentTemplate(opt)
			if err != nil {
				t.Fatal(err)
			}
			it, err := IndexTemplate(opt)
			if err != nil {
				t.Fatal(err)
			}
			cb, _ := json.Marshal(ct)
			tg.DoOK(t, "PUT", "/_component_template/"+opt.ComponentName, cb)
			ib, _ := json.Marshal(it)
			tg.DoOK(t, "PUT", "/_index_template/"+name, ib)
			key := tc.key
			if key == "" {
				key = schema.DefaultKey
			}
			index := name + "-test"
			tg.DoOK(t, "PUT", "/"+index+"/_doc/1", doc(t, key), http.StatusCreated)
			mb, _ := json.Marshal(tg.Mappings(t, index))
			for _, want := range []string{`"002":{"type":"float"}`, `"malicious_score":{"type":"float"}`, `"subtechnique"`} {
				if !strings.Contains(string(mb), want) {
					t.Errorf("index mappings lack %s: %s", want, mb)
				}
			}
			bad := bytes.Replace(doc(t, key), []byte(`"score":0.9`), []byte(`"score":"high"`), 1)
			if st, b := tg.Do(t, "PUT", "/"+index+"/_doc/2", bad); st != 400 {
				t.Errorf("string score accepted: %d %s", st, b)
			}
			badProb := bytes.Replace(doc(t, key), []byte(`"T1003.002":0.9`), []byte(`"T1003.002":{"x":1}`), 1)
			if st, b := tg.Do(t, "PUT", "/"+index+"/_doc/3", badProb); st != 400 {
				t.Errorf("object under probabilities.T1003.002 accepted: %d %s", st, b)
			}
			if d, ok := tg.Doc(t, index, "1"); !ok || !bytes.Equal(d.Source, doc(t, key)) {
				t.Errorf("document 1 read back as %s (found %v)", d.Source, ok)
			}
			if n := tg.Count(t, index); n != 1 {
				t.Errorf("%s holds %d documents, want 1", index, n)
			}
		})
	}
}

func TestDataStreamTemplate(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	opt := TemplateOptions{ComponentName: name + "-mappings", IndexPatterns: []string{name + "-ds-*"}, DataStream: true, Priority: testPriority}
	ct, _ := ComponentTemplate(opt)
	it, err := IndexTemplate(opt)
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := json.Marshal(ct)
	ib, _ := json.Marshal(it)
	tg.DoOK(t, "PUT", "/_component_template/"+opt.ComponentName, cb)
	tg.DoOK(t, "PUT", "/_index_template/"+name, ib)
	stream := name + "-ds-app"
	tg.DoOK(t, "PUT", "/"+stream+"/_create/1", doc(t, schema.DefaultKey), http.StatusCreated)
	if ds := tg.DataStreams(t, stream); !slices.Equal(ds, []string{stream}) {
		t.Errorf("data streams %v, want %s", ds, stream)
	}
	if n := tg.Count(t, stream); n != 1 {
		t.Errorf("%s holds %d documents, want 1", stream, n)
	}
	if mb, _ := json.Marshal(tg.Mappings(t, stream)); !strings.Contains(string(mb), `"malicious_score":{"type":"float"}`) {
		t.Errorf("backing index mappings lack the component template's: %s", mb)
	}
}

func BenchmarkRulesNDJSON(b *testing.B) {
	for b.Loop() {
		if _, err := RulesNDJSON(RuleOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
