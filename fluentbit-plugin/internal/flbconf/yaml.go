package flbconf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseYAML parses a configuration in Fluent Bit's YAML format:
//
//	env:       {NAME: value, ...}             variables for ${NAME} (win over the environment)
//	includes:  [file, ...]                    more YAML files, glob allowed, relative to the including file
//	pipeline:
//	  inputs:  [{name: ..., key: value}, ...]
//	  filters: [...]
//	  outputs: [...]
//
// Top-level and pipeline keys are case-insensitive; other top-level sections (service, parsers, customs,
// plugins, ...) are not read. In a pipeline entry every key counts except processors, whose nested
// configuration belongs to Fluent Bit. YAML that does not parse, several documents in one file, anchors
// and aliases, or a pipeline entry that is not a mapping is an error wrapping ErrSyntax.
func ParseYAML(fsys FS, path string, env Env) (*Config, error) {
	p := &yamlParser{fsys: fsys, root: path, vars: newVars(env), cfg: &Config{}}
	if err := p.file(path, nil); err != nil {
		return p.cfg, err // the files read so far
	}
	p.vars.expandAll(p.cfg)
	return p.cfg, nil
}

type yamlParser struct {
	fsys FS
	root string
	vars *vars
	cfg  *Config
}

// decode reads the one document of a file; nil for an empty file.
func decode(path string, data []byte) (root *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil { // the YAML library must not take Init down
			root, err = nil, fmt.Errorf("%w: %s: YAML parser failed: %v", ErrSyntax, path, r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrSyntax, path, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %s: more than one YAML document", ErrSyntax, path)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

func (p *yamlParser) file(path string, chain []string) error {
	if slices.Contains(chain, filepath.Clean(path)) {
		return fmt.Errorf("%w: %s: include cycle (%s)", ErrSyntax, path, strings.Join(append(chain, path), " -> "))
	}
	if len(chain) >= maxIncludeDepth {
		return fmt.Errorf("%w: %s: includes nested deeper than %d", ErrSyntax, path, maxIncludeDepth)
	}
	chain = append(chain, filepath.Clean(path))
	data, err := p.fsys.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	p.cfg.Files = append(p.cfg.Files, path)
	root, err := decode(path, data)
	if err != nil || root == nil {
		return err
	}
	if isNull(root) {
		return nil
	}
	if root.Kind != yaml.MappingNode {
		return syntaxError(path, root.Line, "the top level is not a mapping")
	}
	pairs, err := mapping(path, root)
	if err != nil {
		return err
	}
	// env first: its variables apply to the includes' paths wherever the section is written.
	for _, kv := range pairs {
		if strings.EqualFold(kv[0].Value, "env") {
			if err := p.env(path, kv[1]); err != nil {
				return err
			}
		}
	}
	for _, kv := range pairs {
		switch strings.ToLower(kv[0].Value) {
		case "includes":
			if err := p.includes(path, kv[1], chain); err != nil {
				return err
			}
		case "pipeline":
			if err := p.pipeline(path, kv[1]); err != nil {
				return err
			}
		}
	}
	return nil
}

// mapping returns the key/value pairs of a mapping node whose keys are scalars.
func mapping(path string, n *yaml.Node) ([][2]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, syntaxError(path, n.Line, "not a mapping")
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, syntaxError(path, k.Line, "a key that is not a scalar")
		}
		if k.Value == "<<" || v.Kind == yaml.AliasNode || v.Anchor != "" || k.Anchor != "" {
			return nil, syntaxError(path, k.Line, "YAML anchors, aliases and merge keys are not supported")
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func (p *yamlParser) env(path string, n *yaml.Node) error {
	if isNull(n) {
		return nil
	}
	pairs, err := mapping(path, n)
	if err != nil {
		return err
	}
	for _, kv := range pairs {
		if kv[1].Kind != yaml.ScalarNode {
			return syntaxError(path, kv[1].Line, "env %s: not a scalar", kv[0].Value)
		}
		p.vars.set[kv[0].Value] = kv[1].Value
	}
	return nil
}

func (p *yamlParser) includes(path string, n *yaml.Node, chain []string) error {
	if isNull(n) {
		return nil
	}
	var items []*yaml.Node
	switch n.Kind {
	case yaml.SequenceNode:
		items = n.Content
	case yaml.ScalarNode:
		items = []*yaml.Node{n}
	default:
		return syntaxError(path, n.Line, "includes: not a list of files")
	}
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || it.Alias != nil || strings.TrimSpace(it.Value) == "" {
			return syntaxError(path, it.Line, "includes: not a file name")
		}
		files, err := includeFiles(p.fsys, p.vars.expand(strings.TrimSpace(it.Value)), path, p.root)
		if err != nil {
			return syntaxError(path, it.Line, "include %s: %v", it.Value, err)
		}
		for _, f := range files {
			if err := p.file(f, chain); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *yamlParser) pipeline(path string, n *yaml.Node) error {
	if isNull(n) {
		return nil
	}
	pairs, err := mapping(path, n)
	if err != nil {
		return err
	}
	for _, kv := range pairs {
		kind := map[string]string{"inputs": "input", "filters": "filter", "outputs": "output"}[strings.ToLower(kv[0].Value)]
		if kind == "" || isNull(kv[1]) {
			continue
		}
		if kv[1].Kind != yaml.SequenceNode {
			return syntaxError(path, kv[1].Line, "pipeline %s: not a list", kv[0].Value)
		}
		for _, entry := range kv[1].Content {
			if err := p.section(path, kind, entry); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *yamlParser) section(path, kind string, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return syntaxError(path, n.Line, "a pipeline %s that is not a mapping", kind)
	}
	pairs, err := mapping(path, n)
	if err != nil {
		return err
	}
	s := Section{Kind: kind, File: path, Line: n.Line}
	for _, kv := range pairs {
		k, v := kv[0], kv[1]
		if strings.EqualFold(k.Value, "processors") {
			continue // Fluent Bit's own nested configuration
		}
		value := ""
		if v.Kind == yaml.ScalarNode {
			value = v.Value
		}
		if strings.EqualFold(k.Value, "name") && !hasKey(s.Props, "name") {
			if v.Kind != yaml.ScalarNode {
				return syntaxError(path, v.Line, "name is not a scalar")
			}
			s.Name = value
		}
		s.Props = append(s.Props, Prop{Key: k.Value, Value: value, File: path, Line: k.Line})
	}
	p.cfg.Sections = append(p.cfg.Sections, s)
	return nil
}
