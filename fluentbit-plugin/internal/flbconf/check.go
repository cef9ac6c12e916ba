package flbconf

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// outputKeys are the keys Fluent Bit itself consumes for every output, whatever the plugin, in Fluent Bit
// 2.x to 4.x (flb_output_set_property and the output's global config map in src/flb_output.c):
// name, routing, logging, retries, workers, the upstream address (host, port, ipv6), and the processors
// of the YAML format (never read: the parser drops them). outputKeyPrefixes are the families of keys
// Fluent Bit consumes by prefix: tls.* (tls.verify, tls.ca_file, tls.windows.certstore_name, ...), net.*
// (net.keepalive, net.connect_timeout, net.dns.mode, ...) and storage.* (storage.total_limit_size, ...).
// This is the one list of them; a key here or in a prefix family is never reported.
var (
	outputKeys = []string{
		"name", "alias", "match", "match_regex", "log_level", "log_suppress_interval",
		"retry_limit", "workers", "host", "port", "ipv6", "tls", "processors",
	}
	outputKeyPrefixes = []string{"tls.", "net.", "storage."}
)

// FluentBitOutputKey reports whether key (any case) is consumed by Fluent Bit for every output.
func FluentBitOutputKey(key string) bool {
	k := strings.ToLower(strings.TrimSpace(key))
	if slices.Contains(outputKeys, k) {
		return true
	}
	for _, p := range outputKeyPrefixes {
		if strings.HasPrefix(k, p) && len(k) > len(p) {
			return true
		}
	}
	return false
}

// Spec says which outputs to check and which keys they may have.
type Spec struct {
	Plugin string   // the output name, matched case-insensitively ("ttpscope")
	Keys   []string // the plugin's own keys, lower case
	// Hint returns the key meant by a known misspelling of the plugin's keys, or "" (optional).
	Hint func(key string) string
}

// Validate checks every key of every output named spec.Plugin against the plugin's keys and Fluent
// Bit's own, and returns how many such outputs there are. The error names each unknown key, where it is
// written and, when one is close, the key probably meant:
//
//	unknown key "sinc" in [OUTPUT] ttpscope at /etc/fluent-bit/fluent-bit.conf:12 (did you mean "sink"?)
func Validate(c *Config, spec Spec) (int, error) {
	outs := c.Outputs(spec.Plugin)
	var msgs []string
	for _, s := range outs {
		for _, p := range s.Props {
			k := strings.ToLower(strings.TrimSpace(p.Key))
			if slices.Contains(spec.Keys, k) || FluentBitOutputKey(k) {
				continue
			}
			msg := fmt.Sprintf("unknown key %q in [OUTPUT] %s at %s", p.Key, spec.Plugin, p.Where())
			if s := suggest(k, spec); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			msgs = append(msgs, msg)
		}
	}
	if len(msgs) > 0 {
		return len(outs), errors.New(strings.Join(msgs, "; "))
	}
	return len(outs), nil
}

// suggest returns the known key closest to k, or "" when none is close: a known misspelling first, then
// the nearest key by edit distance (at most 1 for keys up to 4 characters, 2 up to 10, else 3).
func suggest(k string, spec Spec) string {
	if spec.Hint != nil {
		if h := spec.Hint(k); h != "" {
			return h
		}
	}
	limit := 3
	switch {
	case len(k) <= 4:
		limit = 1
	case len(k) <= 10:
		limit = 2
	}
	best, bestD := "", limit+1
	for _, cand := range slices.Concat(spec.Keys, outputKeys) {
		if d := distance(k, cand); d < bestD {
			best, bestD = cand, d
		}
	}
	return best
}

// distance is the Levenshtein distance of a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// ParseFile parses a configuration file, in the YAML format when its name ends in .yaml or .yml (as
// Fluent Bit decides), else in the classic format. The Config is returned even with an error, holding
// the files read so far.
func ParseFile(fsys FS, path string, env Env) (*Config, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return ParseYAML(fsys, path, env)
	}
	return ParseClassic(fsys, path, env)
}

// Result is the outcome of a Check. At most one of Skipped, Warning and Err is set.
type Result struct {
	Source    string // what was read: the configuration file, "the command line", or both
	Instances int    // outputs of the plugin found
	Skipped   string // why nothing was checked, when there is nothing to check (no command line, ...)
	Warning   error  // the configuration could not be read: unknown keys were not checked
	Err       error  // unknown keys: Init must fail
	Cached    bool   // the result of an earlier Check, the configuration being unchanged
}

// Checker finds and checks the configuration Fluent Bit was started with. Its fields are what it reads
// the world through; nil ones mean the real thing. A Checker is safe for concurrent use and remembers its
// last result while the command line, the working directory and every file read are unchanged (same
// size and modification time), so the instances of one process generation share one check, and a hot
// reload after the configuration changed checks it again.
type Checker struct {
	Cmdline func() ([]string, error)               // default: ProcCmdline
	Getwd   func() (string, error)                 // default: os.Getwd
	Env     Env                                    // default: os.LookupEnv
	FS      FS                                     // default: OSFS
	Stat    func(name string) (os.FileInfo, error) // default: os.Stat

	mu   sync.Mutex
	last *checked
}

type checked struct {
	key    string
	files  []string
	stamps string
	result Result
}

// ProcCmdline returns the process's argv from /proc/self/cmdline (Linux only).
func ProcCmdline() ([]string, error) {
	if runtime.GOOS != "linux" {
		return nil, fmt.Errorf("no /proc/self/cmdline on %s", runtime.GOOS)
	}
	b, err := os.ReadFile("/proc/self/cmdline")
	if err != nil {
		return nil, err
	}
	if len(b) == 0 {
		return nil, errors.New("/proc/self/cmdline is empty")
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00"), nil
}

// Check reads Fluent Bit's command line and the configuration file it names, and validates every output
// of spec.Plugin in them (see Validate).
func (c *Checker) Check(spec Spec) Result {
	cmdline := c.Cmdline
	if cmdline == nil {
		cmdline = ProcCmdline
	}
	argv, err := cmdline()
	if err != nil {
		return Result{Skipped: "cannot read the command line: " + err.Error()}
	}
	getwd := c.Getwd
	if getwd == nil {
		getwd = os.Getwd
	}
	wd, _ := getwd()
	key := strings.Join(argv, "\x00") + "\x00\x00" + wd

	c.mu.Lock()
	defer c.mu.Unlock()
	if l := c.last; l != nil && l.key == key && l.stamps == c.stamps(l.files) {
		r := l.result
		r.Cached = true
		return r
	}
	r, files := c.check(argv, wd, spec)
	c.last = &checked{key: key, files: files, stamps: c.stamps(files), result: r}
	return r
}

func (c *Checker) check(argv []string, wd string, spec Spec) (Result, []string) {
	args, err := ParseArgs(argv)
	if err != nil {
		return Result{Source: "the command line", Warning: fmt.Errorf("the command line: %w", err)}, nil
	}
	cmdOuts := (&Config{Sections: args.Sections}).Outputs(spec.Plugin)
	if args.ConfigFile == "" && len(cmdOuts) == 0 {
		return Result{Skipped: fmt.Sprintf("no -c/--config file and no -o %s on the command line", spec.Plugin)}, nil
	}
	all := &Config{}
	var sources, files []string
	if args.ConfigFile != "" {
		path := args.ConfigFile
		if !filepath.IsAbs(path) && wd != "" {
			path = filepath.Join(wd, path)
		}
		fsys, env := c.FS, c.Env
		if fsys == nil {
			fsys = OSFS{}
		}
		if env == nil {
			env = os.LookupEnv
		}
		cfg, err := ParseFile(fsys, path, env)
		files = []string{path}
		if cfg != nil {
			for _, f := range cfg.Files {
				if !slices.Contains(files, f) {
					files = append(files, f)
				}
			}
		}
		if err != nil {
			return Result{Source: path, Warning: err}, files
		}
		all.Sections = cfg.Sections
		sources = append(sources, path)
	}
	if len(cmdOuts) > 0 {
		sources = append(sources, "the command line")
	}
	all.Sections = append(all.Sections, args.Sections...)
	r := Result{Source: strings.Join(sources, " and ")}
	r.Instances, r.Err = Validate(all, spec)
	if r.Instances == 0 {
		r.Warning = fmt.Errorf("no output named %s in %s", spec.Plugin, r.Source)
	}
	return r, files
}

// stamps describes the files' sizes and modification times (or that they are missing).
func (c *Checker) stamps(files []string) string {
	stat := c.Stat
	if stat == nil {
		stat = os.Stat
	}
	var b strings.Builder
	for _, f := range files {
		if st, err := stat(f); err == nil {
			fmt.Fprintf(&b, "%s\x00%d\x00%d\x00", f, st.Size(), st.ModTime().UnixNano())
		} else {
			fmt.Fprintf(&b, "%s\x00missing\x00", f)
		}
	}
	return b.String()
}
