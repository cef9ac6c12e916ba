// Package estemplate holds what Elasticsearch and Kibana need to store and
// alert on ttpscope's results: the mappings of the fields schema.Apply
// writes, as a component template and an index template, and the Kibana
// detection rules, in the NDJSON format of Kibana's rule import API.
//
// # Mappings
//
// The component template ComponentTemplateName ("ttpscope-mappings") maps
// the result object (under schema.DefaultKey or a caller-chosen dotted key)
// and the ECS threat.* fields that schema.Apply adds:
//
//	ttpscope.class, .model, .source_field, .status   keyword
//	ttpscope.score, .malicious_score                 float
//	ttpscope.probabilities.benign, .T1562, .T1134    float
//	ttpscope.probabilities.T1003.002                 float (see below)
//	ttpscope.reason                                  keyword, .text match_only_text
//	threat.framework, threat.tactic.id/name/reference,
//	threat.technique.id/reference,
//	threat.technique.subtechnique.id/reference       keyword
//	threat.technique.name, .subtechnique.name        keyword, .text match_only_text (as ECS)
//
// The probability of class T1003.002 is written as the key "T1003.002".
// Elasticsearch expands a dot in a field name into an object path, so the
// document {"probabilities":{"T1003.002":0.9}} holds the field
// probabilities.T1003.002 inside an object T1003: the mapping declares
// T1003 as an object with a float "002". This works on every Elasticsearch
// version (unlike subobjects: false, 8.3+) and the field is queried by its
// written name, ttpscope.probabilities.T1003.002.
//
// The index template IndexTemplateName ("ttpscope") is optional: it applies
// the component template to index patterns the caller chooses (default
// DefaultIndexPattern, which matches no index another template owns), with
// a priority and optionally as data streams. Users with their own templates
// add "ttpscope-mappings" to their composed_of instead.
//
// # Rules
//
// Rules returns one Kibana custom query rule per attack class (a KQL query
// on the class and its score, with the ATT&CK threat mapping of
// schema.TechniqueFor, severity and risk score), plus one on a high
// malicious_score of any class. Rule ids are UUIDs derived from a fixed
// name, so re-importing with overwrite=true updates the rules in place.
package estemplate
