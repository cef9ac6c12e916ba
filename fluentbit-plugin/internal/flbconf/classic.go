package flbconf

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// ParseClassic parses a configuration in Fluent Bit's classic format:
//
//	@SET name=value          a variable for ${name} (wins over the environment)
//	@INCLUDE path            another classic file, glob allowed, relative to the including file (or the main file)
//	[SECTION]                INPUT, FILTER, OUTPUT, SERVICE, PARSER, ... (case-insensitive)
//	    Key  Value           a key of the current section (split at the first blank)
//	# comment                a line whose first non-blank character is #
//
// Directives and keys are case-insensitive. A key line outside a section, a key without a value, a
// broken section header or a malformed @SET is an error wrapping ErrSyntax, as is an include cycle or a
// file that cannot be read.
func ParseClassic(fsys FS, path string, env Env) (*Config, error) {
	p := &classicParser{fsys: fsys, root: path, vars: newVars(env), cfg: &Config{}}
	if err := p.file(path, nil); err != nil {
		return p.cfg, err // the files read so far
	}
	p.vars.expandAll(p.cfg)
	return p.cfg, nil
}

type classicParser struct {
	fsys FS
	root string
	vars *vars
	cfg  *Config
}

func (p *classicParser) file(path string, chain []string) error {
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
	// The section being read, an index into p.cfg.Sections. Every file starts outside a section, and
	// the including file goes on in its section after an @INCLUDE (Fluent Bit keeps it per file too).
	cur := -1
	text := strings.TrimPrefix(string(data), "\ufeff")
	for i, raw := range strings.Split(text, "\n") {
		n := i + 1
		line := strings.TrimSpace(strings.TrimSuffix(raw, "\r"))
		switch {
		case line == "" || line[0] == '#':
			continue
		case line[0] == '@':
			if err := p.directive(path, n, line, chain); err != nil {
				return err
			}
		case line[0] == '[':
			end := strings.IndexByte(line, ']')
			kind := ""
			if end > 0 {
				kind = strings.ToLower(strings.TrimSpace(line[1:end]))
			}
			if kind == "" || strings.ContainsAny(kind, " \t[") {
				return syntaxError(path, n, "bad section header %q", line)
			}
			if rest := strings.TrimSpace(line[end+1:]); rest != "" && rest[0] != '#' {
				return syntaxError(path, n, "text after section header %q", line)
			}
			p.cfg.Sections = append(p.cfg.Sections, Section{Kind: kind, File: path, Line: n})
			cur = len(p.cfg.Sections) - 1
		default:
			if cur < 0 {
				return syntaxError(path, n, "key outside a section: %q", line)
			}
			key, value, ok := strings.Cut(strings.ReplaceAll(line, "\t", " "), " ")
			value = strings.TrimSpace(value)
			if !ok || value == "" {
				return syntaxError(path, n, "key %q has no value", key)
			}
			s := &p.cfg.Sections[cur]
			if strings.EqualFold(key, "name") && !hasKey(s.Props, "name") {
				s.Name = value
			}
			s.Props = append(s.Props, Prop{Key: key, Value: value, File: path, Line: n})
		}
	}
	return nil
}

// directive handles @SET and @INCLUDE.
func (p *classicParser) directive(path string, n int, line string, chain []string) error {
	word, arg, _ := strings.Cut(strings.ReplaceAll(line, "\t", " "), " ")
	arg = strings.TrimSpace(arg)
	switch strings.ToUpper(word) {
	case "@SET":
		name, value, ok := strings.Cut(arg, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return syntaxError(path, n, "@SET needs name=value: %q", line)
		}
		p.vars.set[name] = strings.TrimSpace(value)
		return nil
	case "@INCLUDE":
		if arg == "" {
			return syntaxError(path, n, "@INCLUDE without a file")
		}
		files, err := includeFiles(p.fsys, p.vars.expand(arg), path, p.root)
		if err != nil {
			return syntaxError(path, n, "@INCLUDE %s: %v", arg, err)
		}
		for _, f := range files {
			if err := p.file(f, chain); err != nil {
				return err
			}
		}
		return nil
	}
	return syntaxError(path, n, "unknown directive %q", word)
}

func hasKey(props []Prop, key string) bool {
	for _, p := range props {
		if strings.EqualFold(p.Key, key) {
			return true
		}
	}
	return false
}
