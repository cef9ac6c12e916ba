package estemplate

import (
	"bytes"
	"crypto/sha1"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ttpscope/ttpscope/shared/schema"
)

// Defaults of RuleOptions.
const (
	DefaultRuleThreshold      = 0.8
	DefaultMaliciousThreshold = 0.9
	// RuleVersion is every rule's "version"; it changes whenever the
	// generated rules do.
	RuleVersion = 1
)

// DefaultRuleIndex returns the index patterns the rules search by
// default. Each call returns a new slice.
func DefaultRuleIndex() []string {
	return []string{"logs-*", "filebeat-*", "winlogbeat-*", DefaultIndexPattern}
}

// RuleOptions configure the generated rules. The zero value is usable.
type RuleOptions struct {
	// ResultKey is where the result object is; default schema.DefaultKey.
	ResultKey string
	// Index are the index patterns searched; default DefaultRuleIndex().
	Index []string
	// Threshold is the class score at or above which a technique rule
	// alerts; 0 means DefaultRuleThreshold.
	Threshold float64
	// MaliciousThreshold is the malicious_score at or above which the
	// any-class rule alerts; 0 means DefaultMaliciousThreshold.
	MaliciousThreshold float64
	// Enabled imports the rules enabled; by default they are imported
	// disabled, for review.
	Enabled bool
}

// Threat is one entry of a rule's ATT&CK mapping, as Kibana stores it.
type Threat struct {
	Framework string            `json:"framework"`
	Tactic    ThreatRef         `json:"tactic"`
	Technique []ThreatTechnique `json:"technique"`
}

// ThreatRef is a tactic or sub-technique: id, name and reference URL.
type ThreatRef struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Reference string `json:"reference"`
}

// ThreatTechnique is a technique, with its sub-techniques.
type ThreatTechnique struct {
	ID           string      `json:"id"`
	Name         string      `json:"name"`
	Reference    string      `json:"reference"`
	Subtechnique []ThreatRef `json:"subtechnique,omitempty"`
}

// RequiredField is a field a rule's query needs, shown by Kibana.
type RequiredField struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Rule is a Kibana custom query rule in the import format
// (POST /api/detection_engine/rules/_import).
type Rule struct {
	RuleID         string          `json:"rule_id"`
	Name           string          `json:"name"`
	Description    string          `json:"description"`
	Type           string          `json:"type"`
	Language       string          `json:"language"`
	Index          []string        `json:"index"`
	Query          string          `json:"query"`
	RiskScore      int             `json:"risk_score"`
	Severity       string          `json:"severity"`
	From           string          `json:"from"`
	To             string          `json:"to"`
	Interval       string          `json:"interval"`
	Enabled        bool            `json:"enabled"`
	Version        int             `json:"version"`
	Author         []string        `json:"author"`
	License        string          `json:"license"`
	Tags           []string        `json:"tags"`
	References     []string        `json:"references"`
	FalsePositives []string        `json:"false_positives"`
	MaxSignals     int             `json:"max_signals"`
	Threat         []Threat        `json:"threat"`
	RequiredFields []RequiredField `json:"required_fields"`
	Note           string          `json:"note"`
}

// ruleIDNamespace is the UUID namespace of the rule ids (a random v4).
var ruleIDNamespace = [16]byte{0x6f, 0x1d, 0x2b, 0x8e, 0x4c, 0x3a, 0x4e, 0x55, 0x9b, 0x0e, 0x27, 0xd4, 0x61, 0xa9, 0x3c, 0x72}

// RuleID returns the stable rule_id of the rule named key: a version-5
// (SHA-1, name-based) UUID, so the same rule always gets the same id.
func RuleID(key string) string {
	h := sha1.New()
	h.Write(ruleIDNamespace[:])
	h.Write([]byte("ttpscope/rule/" + key))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

// classRule is what differs between the per-class rules.
type classRule struct {
	severity       string
	risk           int
	description    string
	falsePositives []string
}

var classRules = map[string]classRule{
	schema.ClassT1003_002: {
		severity: "high", risk: 73,
		description: "ttpscope's model classified a command line as OS credential dumping from the Security Account " +
			"Manager or LSASS memory (MITRE ATT&CK T1003.002): saving the SAM, SYSTEM or SECURITY hives, copying " +
			"them from shadow copies, or dumping LSASS with tools such as procdump, comsvcs.dll MiniDump or mimikatz.",
		falsePositives: []string{
			"Backup software or administrators exporting registry hives for recovery.",
			"Crash-dump collection by support or EDR tooling that targets LSASS.",
		},
	},
	schema.ClassT1562: {
		severity: "medium", risk: 47,
		description: "ttpscope's model classified a command line as impairing defenses (MITRE ATT&CK T1562): " +
			"disabling or tampering with antivirus/EDR, Sysmon, the firewall, audit policy or event logging.",
		falsePositives: []string{
			"Administrators changing firewall, audit or Defender settings during maintenance.",
			"Software installers adding antivirus exclusions for their own files.",
		},
	},
	schema.ClassT1134: {
		severity: "high", risk: 73,
		description: "ttpscope's model classified a command line as access token manipulation (MITRE ATT&CK T1134): " +
			"token theft or impersonation, runas /netonly, creating processes with a stolen token, or enabling " +
			"privileges such as SeDebugPrivilege.",
		falsePositives: []string{
			"Administrators using runas or privilege tooling legitimately.",
			"Software deployment agents that start processes as another user.",
		},
	},
}

func techniqueURL(id string) string {
	return "https://attack.mitre.org/techniques/" + strings.ReplaceAll(id, ".", "/") + "/"
}

func tacticURL(id string) string { return "https://attack.mitre.org/tactics/" + id + "/" }

// threatFor returns the ATT&CK mapping of an attack class: one entry per
// tactic, each with the technique (and sub-technique).
func threatFor(t schema.Technique) []Threat {
	tech := ThreatTechnique{ID: t.ID, Name: t.Name, Reference: techniqueURL(t.ID)}
	if t.SubtechniqueID != "" {
		tech.Subtechnique = []ThreatRef{{ID: t.SubtechniqueID, Name: t.SubtechniqueName, Reference: techniqueURL(t.SubtechniqueID)}}
	}
	out := make([]Threat, 0, len(t.Tactics))
	for _, tc := range t.Tactics {
		out = append(out, Threat{
			Framework: schema.FrameworkName,
			Tactic:    ThreatRef{ID: tc.ID, Name: tc.Name, Reference: tacticURL(tc.ID)},
			Technique: []ThreatTechnique{tech},
		})
	}
	return out
}

func (o RuleOptions) normalize() (RuleOptions, error) {
	if o.ResultKey == "" {
		o.ResultKey = schema.DefaultKey
	}
	if err := validKey(o.ResultKey); err != nil {
		return o, err
	}
	if len(o.Index) == 0 {
		o.Index = DefaultRuleIndex()
	}
	for _, p := range o.Index {
		if strings.TrimSpace(p) == "" {
			return o, fmt.Errorf("rule index pattern %q: must not be empty", p)
		}
	}
	if o.Threshold == 0 {
		o.Threshold = DefaultRuleThreshold
	}
	if o.MaliciousThreshold == 0 {
		o.MaliciousThreshold = DefaultMaliciousThreshold
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"threshold", o.Threshold}, {"malicious threshold", o.MaliciousThreshold}} {
		if !(t.v > 0 && t.v <= 1) {
			return o, fmt.Errorf("rule %s %v: must be in (0, 1]", t.name, t.v)
		}
	}
	return o, nil
}

func formatScore(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Rules returns the detection rules: one per attack class in
// schema.Classes() order, then the malicious_score rule.
func Rules(o RuleOptions) ([]Rule, error) {
	o, err := o.normalize()
	if err != nil {
		return nil, err
	}
	k := o.ResultKey
	base := func() Rule {
		return Rule{
			Type: "query", Language: "kuery", Index: append([]string(nil), o.Index...),
			From: "now-6m", To: "now", Interval: "5m", Enabled: o.Enabled, Version: RuleVersion,
			Author: []string{"ttpscope"}, License: "Apache License 2.0", MaxSignals: 100,
		}
	}
	var rules []Rule
	for _, class := range schema.Classes() {
		t, ok := schema.TechniqueFor(class)
		if !ok {
			continue
		}
		cr, ok := classRules[class]
		if !ok {
			return nil, fmt.Errorf("no rule settings for class %s", class)
		}
		r := base()
		title := t.Name
		if t.SubtechniqueID != "" {
			title += " - " + t.SubtechniqueName
		}
		r.RuleID = RuleID(class)
		r.Name = fmt.Sprintf("ttpscope: %s (%s)", title, class)
		r.Description = cr.description
		r.Query = fmt.Sprintf("%s.class:%q and %s.score >= %s", k, class, k, formatScore(o.Threshold))
		r.Severity, r.RiskScore = cr.severity, cr.risk
		r.Tags = []string{"ttpscope", "Domain: Endpoint", "Use Case: Threat Detection", "Data Source: ttpscope"}
		for _, tc := range t.Tactics {
			r.Tags = append(r.Tags, "Tactic: "+tc.Name)
		}
		r.References = []string{techniqueURL(t.ID)}
		if t.SubtechniqueID != "" {
			r.References = append(r.References, techniqueURL(t.SubtechniqueID))
		}
		r.FalsePositives = append([]string(nil), cr.falsePositives...)
		r.Threat = threatFor(t)
		r.RequiredFields = []RequiredField{{k + ".class", "keyword"}, {k + ".score", "float"}}
		r.Note = fmt.Sprintf("## Triage\n\nThe record's `%s.source_field` names the field that was classified; "+
			"`%s.probabilities` shows how sure the model was of each class. Review the process, its parent and "+
			"the user, then look for related activity on the host around the alert time.\n\n"+
			"The alert threshold is %s on `%s.score`; raise it in the query if this rule is noisy.",
			k, k, formatScore(o.Threshold), k)
		rules = append(rules, r)
	}
	r := base()
	r.RuleID = RuleID("malicious_score")
	r.Name = "ttpscope: High Malicious Score (any technique)"
	r.Description = "ttpscope's model gave a command line a high probability of being malicious (1 - P(benign)), " +
		"whichever attack class it scored highest. Catches activity split between classes that no per-technique " +
		"rule alerts on."
	r.Query = fmt.Sprintf("%s.status:\"ok\" and %s.malicious_score >= %s", k, k, formatScore(o.MaliciousThreshold))
	r.Severity, r.RiskScore = "medium", 47
	r.Tags = []string{"ttpscope", "Domain: Endpoint", "Use Case: Threat Detection", "Data Source: ttpscope"}
	r.References = []string{"https://attack.mitre.org/"}
	r.FalsePositives = []string{"Unusual but legitimate administration command lines."}
	r.Threat = []Threat{}
	r.RequiredFields = []RequiredField{{k + ".status", "keyword"}, {k + ".malicious_score", "float"}}
	r.Note = fmt.Sprintf("## Triage\n\n`%s.class` is the most likely class and `%s.probabilities` the split "+
		"between them. This rule overlaps the per-technique rules; disable it if you only want those.", k, k)
	rules = append(rules, r)
	return rules, nil
}

// RulesNDJSON returns the rules as Kibana's import expects them: one JSON
// object per line, each line ending in "\n".
func RulesNDJSON(o RuleOptions) ([]byte, error) {
	rules, err := Rules(o)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, r := range rules {
		if err := enc.Encode(r); err != nil {
			return nil, fmt.Errorf("encode rule %s: %w", r.Name, err)
		}
	}
	return b.Bytes(), nil
}
