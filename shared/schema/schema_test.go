package schema

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

// canon re-encodes JSON text so that key order and spacing do not matter.
func canon(t *testing.T, s string) string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return m
}

var (
	probsSAM = map[string]float64{"benign": 0.02, "T1003.002": 0.95, "T1562": 0.02, "T1134": 0.01}
	samHit   = Result{Class: "T1003.002", Score: 0.95, MaliciousScore: 0.98, Probabilities: probsSAM,
		Model: "ttpscope-mini@1.0.0", SourceField: "process.command_line", Status: "ok"}
	defHit = Result{Class: "T1562", Score: 0.75, MaliciousScore: 0.8,
		Probabilities: map[string]float64{"benign": 0.2, "T1003.002": 0.0, "T1562": 0.75, "T1134": 0.05},
		Model:         "ttpscope-mini@1.0.0", SourceField: "message", Status: "ok"}
	tokHit = Result{Class: "T1134", Score: 0.5, MaliciousScore: 0.75,
		Probabilities: map[string]float64{"benign": 0.25, "T1003.002": 0.1, "T1562": 0.15, "T1134": 0.5},
		Model:         "m@2", SourceField: "CommandLine", Status: "ok"}
)

const (
	samJSON = `{"class":"T1003.002","score":0.95,"malicious_score":0.98,"probabilities":{"benign":0.02,"T1003.002":0.95,"T1562":0.02,"T1134":0.01},"model":"ttpscope-mini@1.0.0","source_field":"process.command_line","status":"ok"}`
	defJSON = `{"class":"T1562","score":0.75,"malicious_score":0.8,"probabilities":{"benign":0.2,"T1003.002":0,"T1562":0.75,"T1134":0.05},"model":"ttpscope-mini@1.0.0","source_field":"message","status":"ok"}`
	tokJSON = `{"class":"T1134","score":0.5,"malicious_score":0.75,"probabilities":{"benign":0.25,"T1003.002":0.1,"T1562":0.15,"T1134":0.5},"model":"m@2","source_field":"CommandLine","status":"ok"}`

	samThreat = `"framework":"MITRE ATT&CK","technique":{"id":"T1003","name":"OS Credential Dumping","subtechnique":{"id":"T1003.002","name":"Security Account Manager"}},"tactic":{"id":"TA0006","name":"Credential Access"}`
)

func TestApply(t *testing.T) {
	tests := []struct {
		name      string
		rec       string
		key       string
		r         Result
		threshold float64
		want      string
	}{
		{
			name: "benign, no threat",
			rec:  `{"message":"dir","n":12345678901234567890}`,
			r: Result{Class: "benign", Score: 0.99, MaliciousScore: 0.01,
				Probabilities: map[string]float64{"benign": 0.99, "T1003.002": 0.0, "T1562": 0.005, "T1134": 0.005},
				Model:         "m@1", SourceField: "message", Status: "ok"},
			threshold: 0.5,
			want:      `{"message":"dir","n":12345678901234567890,"ttpscope":{"class":"benign","score":0.99,"malicious_score":0.01,"probabilities":{"benign":0.99,"T1003.002":0,"T1562":0.005,"T1134":0.005},"model":"m@1","source_field":"message","status":"ok"}}`,
		},
		{
			name:      "T1003.002 above threshold",
			rec:       `{"process":{"command_line":"reg save HKLM\\SAM s"},"event":{"kind":"event"}}`,
			r:         samHit,
			threshold: 0.9,
			want:      `{"process":{"command_line":"reg save HKLM\\SAM s"},"event":{"kind":"event"},"ttpscope":` + samJSON + `,"threat":{` + samThreat + `}}`,
		},
		{
			name:      "score equal to threshold alerts",
			rec:       `{}`,
			r:         samHit,
			threshold: 0.95,
			want:      `{"ttpscope":` + samJSON + `,"threat":{` + samThreat + `}}`,
		},
		{
			name:      "below threshold, no threat",
			rec:       `{"message":"Set-MpPreference -DisableRealtimeMonitoring $true"}`,
			r:         defHit,
			threshold: 0.8,
			want:      `{"message":"Set-MpPreference -DisableRealtimeMonitoring $true","ttpscope":` + defJSON + `}`,
		},
		{
			name:      "T1562 no subtechnique",
			rec:       `{"message":"x"}`,
			r:         defHit,
			threshold: 0.5,
			want:      `{"message":"x","ttpscope":` + defJSON + `,"threat":{"framework":"MITRE ATT&CK","technique":{"id":"T1562","name":"Impair Defenses"},"tactic":{"id":"TA0005","name":"Defense Evasion"}}}`,
		},
		{
			name:      "T1134 two tactics",
			rec:       `{}`,
			r:         tokHit,
			threshold: 0.5,
			want:      `{"ttpscope":` + tokJSON + `,"threat":{"framework":"MITRE ATT&CK","technique":{"id":"T1134","name":"Access Token Manipulation"},"tactic":{"id":["TA0004","TA0005"],"name":["Privilege Escalation","Defense Evasion"]}}}`,
		},
		{
			name:      "skipped",
			rec:       `{"message":12}`,
			r:         Result{Status: "skipped", Reason: "field message is a number, not text", Model: "m@1"},
			threshold: 0,
			want:      `{"message":12,"ttpscope":{"model":"m@1","status":"skipped","reason":"field message is a number, not text"}}`,
		},
		{
			name:      "error never alerts",
			rec:       `{"message":"{\"trunc"}`,
			r:         Result{Status: "error", Reason: "line 3: invalid JSON: unexpected EOF", Class: "", Score: 1},
			threshold: 0,
			want:      `{"message":"{\"trunc","ttpscope":{"status":"error","reason":"line 3: invalid JSON: unexpected EOF"}}`,
		},
		{
			name:      "ok result drops reason",
			rec:       `{}`,
			r:         Result{Class: "benign", Score: 1, MaliciousScore: 0, Status: "ok", Reason: "ignored"},
			threshold: 0.5,
			want:      `{"ttpscope":{"class":"benign","score":1,"malicious_score":0,"status":"ok"}}`,
		},
		{
			name:      "dotted key into existing object",
			rec:       `{"labels":{"env":"prod"}}`,
			key:       "labels.ttpscope",
			r:         Result{Status: "skipped", Reason: "empty text"},
			threshold: 0.5,
			want:      `{"labels":{"env":"prod","ttpscope":{"status":"skipped","reason":"empty text"}}}`,
		},
		{
			name:      "dotted key creates objects",
			rec:       `{}`,
			key:       "a.b.c",
			r:         Result{Status: "skipped", Reason: "empty text"},
			threshold: 0.5,
			want:      `{"a":{"b":{"c":{"status":"skipped","reason":"empty text"}}}}`,
		},
		{
			name:      "dotted key over a non-object stays flat",
			rec:       `{"labels":"x"}`,
			key:       "labels.ttpscope",
			r:         Result{Status: "skipped", Reason: "empty text"},
			threshold: 0.5,
			want:      `{"labels":"x","labels.ttpscope":{"status":"skipped","reason":"empty text"}}`,
		},
		{
			name:      "existing flattened key is replaced in place",
			rec:       `{"labels.ttpscope":{"status":"old"},"labels.env":"prod"}`,
			key:       "labels.ttpscope",
			r:         Result{Status: "skipped", Reason: "empty text"},
			threshold: 0.5,
			want:      `{"labels.ttpscope":{"status":"skipped","reason":"empty text"},"labels.env":"prod"}`,
		},
		{
			name:      "existing result replaced",
			rec:       `{"ttpscope":{"class":"T1562","status":"ok"}}`,
			r:         Result{Status: "skipped", Reason: "empty text"},
			threshold: 0.5,
			want:      `{"ttpscope":{"status":"skipped","reason":"empty text"}}`,
		},
		{
			name:      "nested threat merged",
			rec:       `{"threat":{"framework":"Custom","technique":{"id":"T1003","name":"OS Credential Dumping"},"tactic":{"id":["TA0001"],"name":["Initial Access"]},"indicator":{"type":"file"}}}`,
			r:         samHit,
			threshold: 0.5,
			want:      `{"ttpscope":` + samJSON + `,"threat":{"framework":["Custom","MITRE ATT&CK"],"technique":{"id":"T1003","name":"OS Credential Dumping","subtechnique":{"id":"T1003.002","name":"Security Account Manager"}},"tactic":{"id":["TA0001","TA0006"],"name":["Initial Access","Credential Access"]},"indicator":{"type":"file"}}}`,
		},
		{
			name:      "flattened threat merged flat",
			rec:       `{"threat.framework":"MITRE ATT&CK","threat.technique.id":["T1059"],"threat.technique.name":["Command and Scripting Interpreter"]}`,
			r:         defHit,
			threshold: 0.5,
			want:      `{"ttpscope":` + defJSON + `,"threat.framework":"MITRE ATT&CK","threat.technique.id":["T1059","T1562"],"threat.technique.name":["Command and Scripting Interpreter","Impair Defenses"],"threat.tactic.id":"TA0005","threat.tactic.name":"Defense Evasion"}`,
		},
		{
			name:      "partly flattened inside nested",
			rec:       `{"threat":{"technique.id":"T1134","tactic.id":"TA0005"}}`,
			r:         tokHit,
			threshold: 0.5,
			want:      `{"ttpscope":` + tokJSON + `,"threat":{"framework":"MITRE ATT&CK","technique.id":"T1134","technique.name":"Access Token Manipulation","tactic.id":["TA0005","TA0004"],"tactic.name":["Privilege Escalation","Defense Evasion"]}}`,
		},
		{
			name:      "threat not an object",
			rec:       `{"threat":"none"}`,
			r:         defHit,
			threshold: 0.5,
			want:      `{"ttpscope":` + defJSON + `,"threat":"none","threat.framework":"MITRE ATT&CK","threat.technique.id":"T1562","threat.technique.name":"Impair Defenses","threat.tactic.id":"TA0005","threat.tactic.name":"Defense Evasion"}`,
		},
		{
			name:      "null leaf replaced",
			rec:       `{"threat":{"framework":null,"tactic":{"id":[],"name":["Defense Evasion"]}}}`,
			r:         defHit,
			threshold: 0.5,
			want:      `{"ttpscope":` + defJSON + `,"threat":{"framework":"MITRE ATT&CK","technique":{"id":"T1562","name":"Impair Defenses"},"tactic":{"id":["TA0005"],"name":["Defense Evasion"]}}}`,
		},
		{
			name:      "unknown class writes result only",
			rec:       `{}`,
			r:         Result{Class: "T9999", Score: 1, MaliciousScore: 1, Status: "ok"},
			threshold: 0,
			want:      `{"ttpscope":{"class":"T9999","score":1,"malicious_score":1,"status":"ok"}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := decode(t, tt.rec)
			Apply(rec, tt.key, tt.r, tt.threshold)
			b, err := json.Marshal(rec)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(b), canon(t, tt.want); got != want {
				t.Fatalf("\n got %s\nwant %s", got, want)
			}
			// Applying the same result again changes nothing.
			Apply(rec, tt.key, tt.r, tt.threshold)
			b2, _ := json.Marshal(rec)
			if !bytes.Equal(b, b2) {
				t.Fatalf("second Apply changed the record:\n%s\n%s", b, b2)
			}
		})
	}
}

func TestApplyNilRecord(t *testing.T) {
	Apply(nil, "", samHit, 0) // must not panic
}

func TestResultMarshalJSON(t *testing.T) {
	tests := []struct {
		name string
		r    Result
		want string
	}{
		{"ok in field order", samHit, samJSON},
		{"zero scores kept", Result{Class: "benign", Status: "ok", Model: "m@1"},
			`{"class":"benign","score":0,"malicious_score":0,"model":"m@1","status":"ok"}`},
		{"skipped", Result{Status: "skipped", Reason: "empty text", SourceField: "message"},
			`{"source_field":"message","status":"skipped","reason":"empty text"}`},
		{"error", Result{Status: "error", Reason: "line 2: invalid JSON: unexpected EOF"},
			`{"status":"error","reason":"line 2: invalid JSON: unexpected EOF"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.r)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Fatalf("\n got %s\nwant %s", b, tt.want)
			}
			// Map() encodes to the same object.
			mb, err := json.Marshal(tt.r.Map())
			if err != nil {
				t.Fatal(err)
			}
			if string(mb) != canon(t, tt.want) {
				t.Fatalf("Map()\n got %s\nwant %s", mb, canon(t, tt.want))
			}
			// And it decodes back.
			var back Result
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			again, _ := json.Marshal(back)
			if string(again) != tt.want {
				t.Fatalf("round trip %s", again)
			}
		})
	}
	if _, err := json.Marshal(Result{Class: "benign", Score: math.NaN(), Status: "ok"}); err == nil {
		t.Fatal("NaN score marshalled without error")
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		r    Result
		want string
	}{
		{"ok", samHit, ""},
		{"skipped", Result{Status: "skipped", Reason: "empty text"}, ""},
		{"no status", Result{Class: "benign"}, `invalid result: unknown status ""`},
		{"unknown class", Result{Class: "x", Status: "ok"}, `invalid result: unknown class "x"`},
		{"nan score", Result{Class: "benign", Score: math.NaN(), Status: "ok"}, "invalid result: score NaN not in [0, 1]"},
		{"bad probability", Result{Class: "benign", Score: 1, Status: "ok", Probabilities: map[string]float64{"T1562": 1.5}},
			"invalid result: probability of T1562 1.5 not in [0, 1]"},
		{"unknown probability class", Result{Class: "benign", Score: 1, Status: "ok", Probabilities: map[string]float64{"zzz": 0}},
			`invalid result: probability for unknown class "zzz"`},
		{"error without reason", Result{Status: "error"}, "invalid result: status error without reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Fatalf("Validate() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClasses(t *testing.T) {
	c := Classes()
	if strings.Join(c, ",") != "benign,T1003.002,T1562,T1134" || len(c) != NumClasses {
		t.Fatalf("Classes() = %q", c)
	}
	c[0] = "changed"
	if Classes()[0] != "benign" {
		t.Fatal("Classes() shares its slice")
	}
	tests := []struct {
		class          string
		isClass, isAtk bool
	}{
		{"benign", true, false}, {"T1003.002", true, true}, {"T1562", true, true}, {"T1134", true, true},
		{"t1562", false, false}, {"T1003", false, false}, {"", false, false},
	}
	for _, tt := range tests {
		if IsClass(tt.class) != tt.isClass || IsAttack(tt.class) != tt.isAtk {
			t.Errorf("IsClass/IsAttack(%q) = %v/%v", tt.class, IsClass(tt.class), IsAttack(tt.class))
		}
	}
	for _, cl := range Classes() {
		if _, ok := TechniqueFor(cl); ok != IsAttack(cl) {
			t.Errorf("TechniqueFor(%q) ok = %v", cl, ok)
		}
	}
}

func BenchmarkApply(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		rec := map[string]any{"message": "x", "threat": map[string]any{"framework": "Custom"}}
		Apply(rec, DefaultKey, samHit, 0.5)
	}
}
