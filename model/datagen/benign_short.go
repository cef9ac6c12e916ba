package datagen

import (
	"fmt"
	"strings"
)

// The long tail: most benign lines a SOC ingests come from small tools whose
// names the model has never seen (two to seven letters, often no vowels),
// called with a subcommand, a few flags and plain arguments. The invented
// tools of benign_more.go carry security-sounding verbs on purpose (hard
// negatives); these carry none, so that an unknown short name followed by
// ordinary arguments is learned as the everyday line it is. Without them the
// transformer alone called lines like "xyz log" or "abc -d archive.gz" an
// attack with high confidence.

const (
	shortCons   = "bcdfghjklmnprstvwxz"
	shortVowels = "aeiouy"
)

// shortName draws an invented short program name.
func shortName(s *sample) string {
	var b strings.Builder
	switch s.intn(4) {
	case 0: // consonant cluster: "rg", "pgz", "fzf"
		for n := 2 + s.intn(3); n > 0; n-- {
			b.WriteByte(shortCons[s.intn(len(shortCons))])
		}
	default: // pronounceable: "tovi", "marek", "ulk"
		n := 2 + s.intn(3)
		vowel := s.chance(0.3)
		for i := 0; i < n; i++ {
			if vowel {
				b.WriteByte(shortVowels[s.intn(len(shortVowels))])
			} else {
				b.WriteByte(shortCons[s.intn(len(shortCons))])
			}
			vowel = !vowel
			if i == n-1 && s.chance(0.3) {
				b.WriteByte(shortCons[s.intn(len(shortCons))])
			}
		}
	}
	name := b.String()
	switch s.intn(10) {
	case 0:
		name += fmt.Sprint(2 + s.intn(8))
	case 1:
		name += "-" + s.pick("cli", "tui", "ng", "rs", "go", "py", "x", "viewer", "fmt", "diff", "info", "open", "get")
	case 2:
		name += s.pick(".sh", ".py", ".pl", ".rb", ".js")
	}
	return name
}

var (
	shortSubcommands = []string{"ls", "list", "log", "show", "run", "get", "set", "add", "rm", "new", "init", "sync",
		"status", "up", "down", "build", "test", "info", "help", "version", "config", "open", "edit", "view", "check",
		"fmt", "lint", "serve", "watch", "pull", "push", "fetch", "diff", "merge", "switch", "use", "search", "find",
		"query", "play", "pause", "next", "convert", "render", "print", "send", "read", "write", "mount", "scan",
		"import", "info --all", "doctor", "clean", "update", "upgrade", "install", "remove", "start", "attach", "ping"}
	shortPlaceholders = []string{"path/to/file", "path/to/directory", "path/to/file.txt", "path/to/input", "path/to/output",
		"archive.gz", "archive.tar", "file.txt", "image.png", "input.pdf", "name", "value", "url", "username", "host",
		"hostname", "port", "package", "package_name", "module_name", "pattern", "\"search_pattern\"", "'text'", "query",
		"version", "branch_name", "project_name", "file1 file2", "*.log", ".", "-", "example.com", "https://example.com",
		"192.168.0.1", "localhost:8080", "id", "key", "key=value", "app_name", "device", "/dev/sdX", "command", "\"message\""}
	shortLongFlags = []string{"--verbose", "--json", "--recent", "--color=auto", "--all", "--help", "--version", "--quiet",
		"--force", "--recursive", "--dry-run", "--interactive", "--list", "--output", "--format=json", "--yes", "--debug",
		"--watch", "--follow", "--no-color", "--no-cache", "--lock", "--global", "--local", "--user", "--sort=size",
		"--limit 10", "--depth 2", "--threads 4", "--from", "--to", "--input", "--config", "--name", "--tag latest"}
)

// shortArgs draws zero to four ordinary arguments.
func shortArgs(s *sample, windows bool) string {
	var parts []string
	if s.chance(0.6) {
		parts = append(parts, shortSubcommands[s.intn(len(shortSubcommands))])
	}
	for n := s.intn(4); n > 0; n-- {
		switch s.intn(5) {
		case 0, 1:
			p := shortPlaceholders[s.intn(len(shortPlaceholders))]
			if windows && strings.HasPrefix(p, "path/") {
				p = strings.ReplaceAll(p, "/", `\`)
			}
			parts = append(parts, p)
		case 2:
			if windows {
				parts = append(parts, "/"+string(rune('a'+s.intn(26))))
			} else {
				flag := "-" + string(rune('a'+s.intn(26)))
				if s.chance(0.3) {
					flag += string(rune('a' + s.intn(26)))
				}
				parts = append(parts, flag)
			}
		case 3:
			parts = append(parts, shortLongFlags[s.intn(len(shortLongFlags))])
		default:
			parts = append(parts, fmt.Sprint(s.intn(200)))
		}
	}
	if !windows && s.chance(0.08) {
		parts = append(parts, s.pick("> path/to/output", "| less", "2>/dev/null", "| head", "> out.txt", "&"))
	}
	return strings.Join(parts, " ")
}

func shortUtilFamilies() []Family {
	unix := func(s *sample) string {
		x := shortName(s)
		if a := shortArgs(s, false); a != "" {
			x += " " + a
		}
		if s.chance(0.1) {
			x = s.pick("sudo ", "./", "~/.local/bin/", "/usr/local/bin/", "/opt/bin/") + x
		}
		return x
	}
	win := func(s *sample) string {
		x := shortName(s)
		if strings.ContainsRune(x, '.') {
			x = x[:strings.IndexByte(x, '.')]
		}
		if s.chance(0.5) {
			x += ".exe"
		}
		if a := shortArgs(s, true); a != "" {
			x += " " + a
		}
		return x
	}
	return []Family{
		{Name: "benign/short-utils-unix", Class: Benign, Platform: "linux", Shell: Sh, Gen: unix, Weight: 2},
		{Name: "benign/short-utils-unix-flags", Class: Benign, Platform: "macos", Shell: Sh, Weight: 2,
			Gen: func(s *sample) string { return shortName(s) + " " + shortLongFlags[s.intn(len(shortLongFlags))] }},
		{Name: "benign/short-utils-windows", Class: Benign, Platform: "windows", Shell: Cmd, Gen: win, Weight: 2},
	}
}
