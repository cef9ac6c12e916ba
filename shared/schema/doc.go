// Package schema defines the ttpscope classes and what is written into
// each classified record.
//
// # Classes
//
// The model outputs, in this order: benign, T1003.002 (OS Credential
// Dumping: Security Account Manager, also covering LSASS memory dumps),
// T1562 (Impair Defenses) and T1134 (Access Token Manipulation). Classes
// returns them; IsAttack is true for the three technique classes.
//
// # The result object
//
// Apply writes a Result under DefaultKey ("ttpscope") or a caller-chosen
// key. Examples of the object written:
//
//	{"class":"T1003.002","score":0.95,"malicious_score":0.98,
//	 "probabilities":{"benign":0.02,"T1003.002":0.95,"T1562":0.02,"T1134":0.01},
//	 "model":"ttpscope-mini@1.0.0","source_field":"process.command_line","status":"ok"}
//
//	{"model":"ttpscope-mini@1.0.0","status":"skipped","reason":"empty text"}
//
//	{"status":"error","reason":"line 3: invalid JSON: unexpected EOF"}
//
// A dotted key such as labels.ttpscope is stored as nested objects, inside
// existing ones. If a flattened key with that exact name already exists it
// is replaced in place; if a path element holds a non-object value (labels
// is a string) the remaining path is written as one flattened key at that
// level ("labels.ttpscope") rather than overwriting the value.
//
// # ECS threat fields
//
// For an ok result of an attack class with score >= the alert threshold,
// Apply also adds the Elastic Common Schema threat fields:
//
//	T1003.002  threat.framework             "MITRE ATT&CK"
//	           threat.technique.id/name     "T1003" "OS Credential Dumping"
//	           threat.technique.subtechnique.id/name
//	                                        "T1003.002" "Security Account Manager"
//	           threat.tactic.id/name        "TA0006" "Credential Access"
//	T1562      threat.technique.id/name     "T1562" "Impair Defenses"
//	           threat.tactic.id/name        "TA0005" "Defense Evasion"
//	T1134      threat.technique.id/name     "T1134" "Access Token Manipulation"
//	           threat.tactic.id/name        ["TA0004","TA0005"]
//	                                        ["Privilege Escalation","Defense Evasion"]
//
// Single values are written as strings, several as arrays. Threat fields
// already in the record, nested or as flattened dotted keys (or a mix), are
// merged and never overwritten: a leaf with a different value becomes an
// array of the old value(s) followed by ours without duplicates, a leaf that
// already holds our values is left as it is, and new leaves follow the
// style of their level (flattened when the record uses "threat.x" keys
// there, nested otherwise). Applying the same result twice changes nothing.
// Apply touches no other field (no event.kind).
//
// Records must use map[string]any for objects and []any (or []string) for
// arrays, as encoding/json produces.
package schema
