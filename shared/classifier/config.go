package classifier

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The classes ttpscope knows. A model's labels must map onto these (see parseConfig).
const (
	ClassBenign          = "benign"
	ClassCredentialDump  = "T1003.002"
	ClassImpairDefenses  = "T1562"
	ClassTokenManipulate = "T1134"
)

// KnownClasses returns ttpscope's class names in their canonical order.
func KnownClasses() []string {
	return []string{ClassBenign, ClassCredentialDump, ClassImpairDefenses, ClassTokenManipulate}
}

// canonicalClass returns the canonical spelling of a known class name (case-insensitive).
func canonicalClass(name string) (string, bool) {
	for _, c := range KnownClasses() {
		if strings.EqualFold(strings.TrimSpace(name), c) {
			return c, true
		}
	}
	return "", false
}

// robertaLike reports model_type values whose position embeddings are offset by pad_token_id+1,
// so that the usable sequence length is max_position_embeddings - pad_token_id - 1 (514 -> 512).
func robertaLike(modelType string) bool {
	switch strings.ToLower(modelType) {
	case "roberta", "xlm-roberta", "camembert", "longformer", "data2vec-text", "xmod", "roberta-prelayernorm":
		return true
	}
	return false
}

// rawConfig is the subset of a Hugging Face config.json that the classifier reads.
type rawConfig struct {
	NameOrPath            string            `json:"_name_or_path"`
	Name                  string            `json:"name"`
	Version               json.RawMessage   `json:"version"`
	ModelType             string            `json:"model_type"`
	ID2Label              map[string]string `json:"id2label"`
	Label2ID              map[string]int    `json:"label2id"`
	MaxPositionEmbeddings *int              `json:"max_position_embeddings"`
	PadTokenID            *int              `json:"pad_token_id"`
	TTPScope              *struct {
		LabelMap    map[string]string `json:"label_map"`
		Temperature *float64          `json:"temperature"`
		Name        string            `json:"name"`
		Version     string            `json:"version"`
		MaxTokens   int               `json:"max_tokens"`
	} `json:"ttpscope"`
}

// modelConfig is a validated config.json.
type modelConfig struct {
	Name, Version string
	Labels        []string // the model's labels, by output index
	Classes       []string // ttpscope class for each output index
	BenignIndex   int
	Temperature   float64
	MaxTokens     int  // usable tokens per sequence, specials included
	PadTokenID    *int // config.json pad_token_id, if set
}

// parseConfig validates config.json. file is the name used in errors (an absolute path or an
// fs.FS name).
func parseConfig(data []byte, file string) (*modelConfig, error) {
	var raw rawConfig
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: invalid JSON: %w", file, err)
	}
	cfg := &modelConfig{Temperature: 1, PadTokenID: raw.PadTokenID}

	// Labels: id2label keys must be exactly 0..n-1.
	if len(raw.ID2Label) == 0 {
		return nil, fmt.Errorf("%s: id2label: missing or empty (need one label per logit)", file)
	}
	cfg.Labels = make([]string, len(raw.ID2Label))
	for k, label := range raw.ID2Label {
		i, err := strconv.Atoi(k)
		if err != nil || i < 0 || i >= len(raw.ID2Label) {
			return nil, fmt.Errorf("%s: id2label: key %q is not an index in 0..%d", file, k, len(raw.ID2Label)-1)
		}
		if label == "" {
			return nil, fmt.Errorf("%s: id2label: label %d is empty", file, i)
		}
		cfg.Labels[i] = label
	}
	for label, id := range raw.Label2ID {
		if id < 0 || id >= len(cfg.Labels) || cfg.Labels[id] != label {
			return nil, fmt.Errorf("%s: label2id: %q -> %d disagrees with id2label", file, label, id)
		}
	}
	if len(raw.Label2ID) != 0 && len(raw.Label2ID) != len(cfg.Labels) {
		return nil, fmt.Errorf("%s: label2id: %d entries, id2label has %d", file, len(raw.Label2ID), len(cfg.Labels))
	}

	// Classes: through ttpscope.label_map when given, else the labels must be class names.
	var labelMap map[string]string
	if raw.TTPScope != nil {
		labelMap = raw.TTPScope.LabelMap
	}
	for from := range labelMap {
		if !contains(cfg.Labels, from) {
			return nil, fmt.Errorf("%s: ttpscope.label_map: key %q is not a label in id2label %q", file, from, cfg.Labels)
		}
	}
	cfg.Classes = make([]string, len(cfg.Labels))
	var unknown []string
	for i, label := range cfg.Labels {
		name := label
		if labelMap != nil {
			mapped, ok := labelMap[label]
			if !ok {
				unknown = append(unknown, strconv.Quote(label))
				continue
			}
			name = mapped
		}
		c, ok := canonicalClass(name)
		if !ok {
			if labelMap != nil {
				return nil, fmt.Errorf("%s: ttpscope.label_map: %q maps to %q, which is not one of %q",
					file, label, name, KnownClasses())
			}
			unknown = append(unknown, strconv.Quote(label))
			continue
		}
		cfg.Classes[i] = c
	}
	if len(unknown) > 0 {
		where := "id2label"
		if labelMap != nil {
			where = "ttpscope.label_map"
		}
		return nil, fmt.Errorf("%s: %s: labels %s are not ttpscope classes %q; map them with "+
			`"ttpscope": {"label_map": {"LABEL_0": "benign", ...}}`, file, where, strings.Join(unknown, ", "), KnownClasses())
	}
	seen := make(map[string]int, len(cfg.Classes))
	for i, c := range cfg.Classes {
		if j, dup := seen[c]; dup {
			return nil, fmt.Errorf("%s: labels %q and %q both map to class %q", file, cfg.Labels[j], cfg.Labels[i], c)
		}
		seen[c] = i
	}
	benign, ok := seen[ClassBenign]
	if !ok {
		return nil, fmt.Errorf("%s: no label maps to class %q (needed to score windows)", file, ClassBenign)
	}
	cfg.BenignIndex = benign

	// Optional ttpscope block: temperature, name, version, max_tokens.
	if t := raw.TTPScope; t != nil {
		if t.Temperature != nil {
			if !(*t.Temperature > 0) || math.IsInf(*t.Temperature, 0) {
				return nil, fmt.Errorf("%s: ttpscope.temperature: %v is not a positive finite number", file, *t.Temperature)
			}
			cfg.Temperature = *t.Temperature
		}
		cfg.Name, cfg.Version = t.Name, t.Version
		if t.MaxTokens < 0 {
			return nil, fmt.Errorf("%s: ttpscope.max_tokens: %d is negative", file, t.MaxTokens)
		}
		cfg.MaxTokens = t.MaxTokens
	}
	if cfg.Name == "" {
		cfg.Name = raw.Name
	}
	if cfg.Name == "" {
		cfg.Name = raw.NameOrPath
	}
	if cfg.Version == "" && len(raw.Version) > 0 {
		var s string
		if err := json.Unmarshal(raw.Version, &s); err == nil {
			cfg.Version = s
		} else {
			cfg.Version = strings.TrimSpace(string(raw.Version)) // a number such as 3
		}
	}

	// Sequence length: ttpscope.max_tokens, else from max_position_embeddings.
	if cfg.MaxTokens == 0 {
		if raw.MaxPositionEmbeddings == nil {
			return nil, fmt.Errorf("%s: max_position_embeddings: missing (or set ttpscope.max_tokens)", file)
		}
		m := *raw.MaxPositionEmbeddings
		if robertaLike(raw.ModelType) {
			pad := 1
			if raw.PadTokenID != nil {
				pad = *raw.PadTokenID
			}
			m -= pad + 1
		}
		if m <= 0 {
			return nil, fmt.Errorf("%s: max_position_embeddings: %d leaves no usable tokens (model_type %q)",
				file, *raw.MaxPositionEmbeddings, raw.ModelType)
		}
		cfg.MaxTokens = m
	}
	return cfg, nil
}

// tokenizerSettings is what the classifier reads from tokenizer.json itself.
type tokenizerSettings struct {
	PadID *int // padding.pad_id when padding is configured
}

func parseTokenizerSettings(data []byte, file string) (tokenizerSettings, error) {
	var raw struct {
		Padding *struct {
			PadID *int `json:"pad_id"`
		} `json:"padding"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return tokenizerSettings{}, fmt.Errorf("%s: invalid JSON: %w", file, err)
	}
	var s tokenizerSettings
	if raw.Padding != nil {
		s.PadID = raw.Padding.PadID
	}
	return s, nil
}

// parseTokenizerConfig reads model_max_length from an optional tokenizer_config.json; 0 when
// absent or a "no limit" sentinel (transformers writes 1e30 for that).
func parseTokenizerConfig(data []byte, file string) (int, error) {
	var raw struct {
		ModelMaxLength *float64 `json:"model_max_length"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return 0, fmt.Errorf("%s: invalid JSON: %w", file, err)
	}
	if raw.ModelMaxLength == nil || *raw.ModelMaxLength <= 0 || *raw.ModelMaxLength > 1e6 {
		return 0, nil
	}
	return int(*raw.ModelMaxLength), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// errMissingFiles lists required files that are absent.
type errMissingFiles struct {
	dir   string
	files []string
}

func (e *errMissingFiles) Error() string {
	sort.Strings(e.files)
	return fmt.Sprintf("model directory %s: missing %s (need model.onnx, tokenizer.json, config.json)",
		e.dir, strings.Join(e.files, ", "))
}

// ErrMissingFiles is matched (errors.Is) by load errors for absent model files.
var ErrMissingFiles = errors.New("model files missing")

func (e *errMissingFiles) Is(target error) bool { return target == ErrMissingFiles }
