package flbconf

import (
	"fmt"
	"strings"
)

// Args is what Fluent Bit's command line says about the configuration.
type Args struct {
	ConfigFile string // -c/--config FILE (the last one given); "" when none
	// Sections are the -i/-o/-F plugins given on the command line, each with the -p key=value, -m match
	// and -t tag that follow it. Their Props have File "" and Line set to the index in argv of the
	// argument holding the value.
	Sections []Section
}

// Fluent Bit's options (src/fluent-bit.c, 2.x to 4.x) that take an argument: getopt's "b:c:f:C:i:m:M:o:
// R:r:F:p:e:t:T:l:w:L:P:s:" and the long forms. The others take none.
var (
	shortWithArg = "bcfCimMoRrFpetTlwLPs"
	shortNoArg   = "dDvqVhJHSWYZ"
	longOptions  = map[string]bool{ // name: takes an argument
		"storage_path": true, "config": true, "daemon": false, "dry-run": false, "flush": true, "http": false,
		"log_file": true, "port": true, "custom": true, "input": true, "processor": true, "filter": true,
		"output": true, "match": true, "parser": true, "prop": true, "plugin": true, "tag": true, "sp-task": true,
		"version": false, "verbose": false, "workdir": true, "quiet": false, "help": false, "help-json": false,
		"coro_stack_size": true, "sosreport": false, "http_server": false, "http_listen": true, "http_port": true,
		"enable-hot-reload": false, "windows_maxstdio": true, "enable-chunk-trace": false, "trace": true,
		"trace-input": true, "trace-output": true, "trace-output-property": true,
		"disable-thread-safety-on-hot-reload": false,
	}
	longToShort = map[string]byte{"config": 'c', "input": 'i', "output": 'o', "filter": 'F', "prop": 'p',
		"match": 'm', "tag": 't'}
)

// ParseArgs reads argv (argv[0] included) the way Fluent Bit's getopt_long does: short options alone or
// bundled (-vq), their argument attached (-cFILE) or next; long options with "=VALUE" or the next
// argument, abbreviated when unambiguous; arguments that are not options are skipped; "--" ends the
// options. An unknown option is an error (its argument, if any, could not be told from the rest), as is
// -p without key=value or before any -i/-o/-F.
func ParseArgs(argv []string) (Args, error) {
	var a Args
	cur := -1 // the section -p/-m/-t apply to
	apply := func(opt byte, val string, at int) error {
		switch opt {
		case 'c':
			a.ConfigFile = val
		case 'i', 'o', 'F':
			kind := map[byte]string{'i': "input", 'o': "output", 'F': "filter"}[opt]
			name := val
			if i := strings.Index(name, "://"); i >= 0 { // -o es://host:port
				name = name[:i]
			}
			a.Sections = append(a.Sections, Section{Kind: kind, Name: name, Line: at,
				Props: []Prop{{Key: "name", Value: name, Line: at}}})
			cur = len(a.Sections) - 1
		case 'p', 'm', 't':
			if cur < 0 {
				return fmt.Errorf("%w: argument %d: -%c before any -i, -o or -F", ErrSyntax, at, opt)
			}
			key, value := map[byte]string{'m': "match", 't': "tag"}[opt], val
			if opt == 'p' {
				var ok bool
				key, value, ok = strings.Cut(val, "=")
				key = strings.TrimSpace(key)
				if !ok || key == "" {
					return fmt.Errorf("%w: argument %d: -p %q is not key=value", ErrSyntax, at, val)
				}
			}
			a.Sections[cur].Props = append(a.Sections[cur].Props, Prop{Key: key, Value: value, Line: at})
		}
		return nil
	}
	for i := 1; i < len(argv); i++ {
		arg := argv[i]
		switch {
		case arg == "--":
			return a, nil
		case strings.HasPrefix(arg, "--"):
			name, val, hasVal := strings.Cut(arg[2:], "=")
			full, err := longOption(name)
			if err != nil {
				return a, fmt.Errorf("%w: argument %d: %v", ErrSyntax, i, err)
			}
			switch {
			case longOptions[full] && !hasVal:
				if i+1 >= len(argv) {
					return a, fmt.Errorf("%w: argument %d: --%s needs a value", ErrSyntax, i, full)
				}
				i++
				val = argv[i]
			case !longOptions[full] && hasVal:
				return a, fmt.Errorf("%w: argument %d: --%s takes no value", ErrSyntax, i, full)
			}
			if s, ok := longToShort[full]; ok {
				if err := apply(s, val, i); err != nil {
					return a, err
				}
			}
		case len(arg) > 1 && arg[0] == '-':
			for j := 1; j < len(arg); j++ {
				c := arg[j]
				switch {
				case strings.IndexByte(shortNoArg, c) >= 0:
					continue
				case strings.IndexByte(shortWithArg, c) < 0:
					return a, fmt.Errorf("%w: argument %d: unknown option -%c", ErrSyntax, i, c)
				}
				val := arg[j+1:]
				if val == "" {
					if i+1 >= len(argv) {
						return a, fmt.Errorf("%w: argument %d: -%c needs a value", ErrSyntax, i, c)
					}
					i++
					val = argv[i]
				}
				if err := apply(c, val, i); err != nil {
					return a, err
				}
				break
			}
		}
	}
	return a, nil
}

// longOption resolves a long option name, abbreviations included.
func longOption(name string) (string, error) {
	if _, ok := longOptions[name]; ok {
		return name, nil
	}
	var match []string
	for full := range longOptions {
		if name != "" && strings.HasPrefix(full, name) {
			match = append(match, full)
		}
	}
	switch len(match) {
	case 1:
		return match[0], nil
	case 0:
		return "", fmt.Errorf("unknown option --%s", name)
	}
	return "", fmt.Errorf("ambiguous option --%s", name)
}
