// Package flbconf reads the configuration Fluent Bit was started with, so that the plugin can see every
// key of its own [OUTPUT] sections: Fluent Bit gives a Go plugin only get_property(key) and does not
// validate a Go plugin's keys, so an unknown key would otherwise go unnoticed.
//
// It parses Fluent Bit's command line (ParseArgs: -c/--config, and -i/-o/-F sections with their -p/-m/-t),
// the classic format (ParseClassic: sections, @INCLUDE with globs, @SET, ${VAR}) and the YAML format
// (ParseYAML: pipeline inputs/filters/outputs, includes, env). Only what identifies sections and keys is
// interpreted; values are kept as written, with ${VAR} expanded. Check (check.go) ties it together for the
// plugin's Init, with the command line read from /proc/self/cmdline and the result cached per process.
package flbconf

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Prop is one key of a section as written.
type Prop struct {
	Key   string // as written; Fluent Bit compares keys case-insensitively
	Value string // ${VAR} expanded; a YAML list or mapping is "" (only keys matter)
	File  string // the file it is in; "" for the command line
	Line  int    // 1-based line in File; for the command line, the index of the argument in argv
}

// Where says where p was written: FILE:LINE or "command line argument N".
func (p Prop) Where() string {
	if p.File == "" {
		return fmt.Sprintf("command line argument %d", p.Line)
	}
	return fmt.Sprintf("%s:%d", p.File, p.Line)
}

// Section is one [INPUT], [FILTER], [OUTPUT], ... of a configuration (or a YAML pipeline entry).
type Section struct {
	Kind  string // lower case: "service", "input", "filter", "output", "parser", ...
	Name  string // the value of its first "name" key, ${VAR} expanded; "" when it has none
	File  string // "" for the command line
	Line  int
	Props []Prop
}

// Config is what a configuration defines.
type Config struct {
	Sections []Section
	// Files lists every file read (the main file and all includes), in reading order, so a caller can
	// tell when the configuration changed.
	Files []string
}

// Outputs returns the output sections whose name is name (case-insensitive).
func (c *Config) Outputs(name string) []Section {
	var out []Section
	for _, s := range c.Sections {
		if s.Kind == "output" && strings.EqualFold(strings.TrimSpace(s.Name), name) {
			out = append(out, s)
		}
	}
	return out
}

// FS is what the parsers read files through: the operating system (OSFS) or, in tests and fuzzing,
// memory (MapFS).
type FS interface {
	ReadFile(name string) ([]byte, error)
	Glob(pattern string) ([]string, error)
}

// maxFileSize bounds one configuration file; a larger one is not a Fluent Bit configuration.
const maxFileSize = 16 << 20

// OSFS reads the real file system. It reads regular files only, so a configuration given as /dev/stdin
// or a FIFO is reported instead of blocking Init.
type OSFS struct{}

// ReadFile reads a regular file of at most 16 MiB.
func (OSFS) ReadFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxFileSize)
	}
	return b, nil
}

// Glob is filepath.Glob.
func (OSFS) Glob(pattern string) ([]string, error) { return filepath.Glob(pattern) }

// MapFS is an in-memory FS: file name to content.
type MapFS map[string]string

// ReadFile returns the content of name.
func (m MapFS) ReadFile(name string) ([]byte, error) {
	if s, ok := m[name]; ok {
		return []byte(s), nil
	}
	return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrNotExist}
}

// Glob matches pattern against the file names, sorted.
func (m MapFS) Glob(pattern string) ([]string, error) {
	if _, err := filepath.Match(pattern, ""); err != nil {
		return nil, err
	}
	var out []string
	for name := range m {
		if ok, _ := filepath.Match(pattern, name); ok {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Env looks up a process environment variable (os.LookupEnv).
type Env func(name string) (string, bool)

// vars holds the variables of one configuration: those set by @SET or a YAML env section win over the
// process environment, as in Fluent Bit's flb_env_get.
type vars struct {
	set map[string]string
	env Env
}

func newVars(env Env) *vars {
	if env == nil {
		env = func(string) (string, bool) { return "", false }
	}
	return &vars{set: map[string]string{}, env: env}
}

// expand replaces every ${NAME}; an undefined variable becomes "", as Fluent Bit does. A "${" without a
// closing brace is kept as written.
func (v *vars) expand(s string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+2:], '}')
		if j < 0 {
			break
		}
		b.WriteString(s[:i])
		name := s[i+2 : i+2+j]
		if val, ok := v.set[name]; ok {
			b.WriteString(val)
		} else if val, ok := v.env(name); ok {
			b.WriteString(val)
		}
		s = s[i+2+j+1:]
	}
	b.WriteString(s)
	return b.String()
}

// expandAll expands the names and values of every section. Fluent Bit expands ${VAR} when it applies a
// property, after the whole configuration is read, so a variable set anywhere counts.
func (v *vars) expandAll(c *Config) {
	for i := range c.Sections {
		s := &c.Sections[i]
		s.Name = v.expand(s.Name)
		for j := range s.Props {
			s.Props[j].Value = v.expand(s.Props[j].Value)
		}
	}
}

// maxIncludeDepth bounds nested includes; a cycle is reported before it is reached.
const maxIncludeDepth = 32

// ErrSyntax marks configuration text the parsers do not understand.
var ErrSyntax = errors.New("unsupported configuration syntax")

// syntaxError is an error at a place in a file.
func syntaxError(file string, line int, format string, a ...any) error {
	return fmt.Errorf("%w: %s:%d: %s", ErrSyntax, file, line, fmt.Sprintf(format, a...))
}

// includeFiles resolves an include path, glob allowed. A relative path is tried against the directory
// of the including file first, then against the directory of the main file (where Fluent Bit's classic
// format resolves it). A glob that matches nothing includes nothing; a plain path must exist.
func includeFiles(fsys FS, path, from, root string) ([]string, error) {
	candidates := []string{path}
	if !filepath.IsAbs(path) {
		candidates = []string{filepath.Join(filepath.Dir(from), path)}
		if rd := filepath.Join(filepath.Dir(root), path); rd != candidates[0] {
			candidates = append(candidates, rd)
		}
	}
	glob := strings.ContainsAny(path, "*?[")
	var firstErr error
	for _, c := range candidates {
		if glob {
			m, err := fsys.Glob(c)
			if err != nil {
				return nil, err
			}
			if len(m) > 0 {
				return m, nil
			}
			continue
		}
		if _, err := fsys.ReadFile(c); err == nil {
			return []string{c}, nil
		} else if firstErr == nil {
			firstErr = err
		}
	}
	if glob {
		return nil, nil
	}
	return nil, firstErr
}
