package datagen

import (
	_ "embed"
	"fmt"
	"hash/fnv"
	"strings"
)

// Real programs with their real options: data/manprogs.tsv holds the command path, the options and
// the synopsis arguments of 13,914 programs (12,883 of them not gcloud), taken by model/cmd/mancorpus
// from the manual pages installed on the machine that built it (coreutils, util-linux, binutils, LLVM,
// git, dpkg/apt, OpenSSL, the Google Cloud CLI reference, …) and from those of about 4,300 Debian
// packages of the admin, utility, network, development, text, web and database sections. Programs the
// policy treats as defenses or attack tools were left out there. A SOC's benign lines are mostly such
// programs, and the hand-written benign families cannot name more than a few hundred of them: the
// transformer alone called everyday tools it had never seen (a debugger, an emulator, a file-system
// label tool) an attack with high confidence.
//
//go:embed data/manprogs.tsv
var manProgsTSV string

type manProg struct {
	cmd  string
	opts []string
	dual []string // the opts for which dualOption is true
	args []string
}

func parseManProgs() []manProg {
	var ps []manProg
	for _, line := range strings.Split(strings.TrimRight(manProgsTSV, "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[0] == "" {
			panic(fmt.Sprintf("data/manprogs.tsv: bad line %q", line))
		}
		p := manProg{cmd: f[0], opts: strings.Fields(f[1]), args: strings.Fields(f[2])}
		for _, o := range p.opts {
			if dualOption(o) {
				p.dual = append(p.dual, o)
			}
		}
		ps = append(ps, p)
	}
	return ps
}

// manArg renders a synopsis argument: the placeholder style of command references, or a value.
func manArg(s *sample, name string) string {
	if s.chance(0.5) {
		return strings.ToLower(name)
	}
	switch {
	case strings.Contains(name, "FILE") || strings.Contains(name, "PATH") || strings.Contains(name, "DEST"):
		return s.expand("{{path/to/file|{{file}}|./{{file}}|/tmp/{{file}}|path/to/directory}}")
	case strings.Contains(name, "REGION") || strings.Contains(name, "LOCATION"):
		return s.expand("{{region}}")
	case strings.Contains(name, "PID"):
		return s.expand("{{pid}}")
	case strings.Contains(name, "USER"):
		return s.expand("{{user}}")
	case strings.Contains(name, "HOST") || strings.Contains(name, "ADDR"):
		return s.expand("{{host|ip}}")
	case strings.Contains(name, "URL") || strings.Contains(name, "URI"):
		return s.expand("{{url}}")
	case strings.Contains(name, "LIMIT") || strings.Contains(name, "SIZE") || strings.Contains(name, "NUM") || strings.Contains(name, "COUNT"):
		return s.expand("{{num}}")
	}
	return s.expand("{{word}}{{|-{{num}}|-{{proj}}}}")
}

// dualWords are the parts of option names that sound like tampering or credential access:
// --disable-updates, --kill-after, --dump-input, --token, --force-delete. Real programs have thousands.
var dualWords = []string{"disable", "kill", "stop", "dump", "mask", "token", "delete", "remove", "bypass",
	"ignore", "unload", "purge", "wipe", "force", "privil", "imperson", "credential", "passw", "secur",
	"firewall", "audit", "log", "unsafe", "insecure", "skip", "suspend", "terminate", "block", "deny"}

// dualOption reports whether option o contains one of dualWords or starts with --no-/-no-, ignoring
// ASCII case. It runs on every option of every program each time the registry is built, where a
// case-folding regular expression took half a second for the 13,914 programs.
func dualOption(o string) bool {
	o = strings.ToLower(o)
	if strings.HasPrefix(o, "--no-") || strings.HasPrefix(o, "-no-") {
		return true
	}
	for _, w := range dualWords {
		if strings.Contains(o, w) {
			return true
		}
	}
	return false
}

// manLine draws one command line of program p; with dual, one of its options is a dualOption.
func manLine(s *sample, p manProg, dual bool) string {
	parts := []string{p.cmd}
	if dual && len(p.dual) > 0 {
		parts = append(parts, p.dual[s.intn(len(p.dual))])
	}
	gcloud := strings.HasPrefix(p.cmd, "gcloud ")
	if len(p.opts) > 0 {
		for n := s.intn(4); n > 0; n-- {
			o := p.opts[s.intn(len(p.opts))]
			if strings.HasPrefix(o, "--") && s.chance(0.4) {
				v := s.expand("{{value|json|{{word}}|{{num}}|{{region}}|path/to/file|true}}")
				if gcloud || s.chance(0.5) {
					o += "=" + v
				} else {
					o += " " + v
				}
			}
			parts = append(parts, o)
		}
	}
	for _, a := range p.args {
		if a == "COMMAND" || a == "GROUP" || a == "OPTIONS" || a == "OPTION" || a == "EXPRESSION" || a == "FIELD" || s.chance(0.3) {
			continue
		}
		parts = append(parts, manArg(s, a))
	}
	if !gcloud && s.chance(0.05) {
		parts = append(parts, s.pick("| less", "> path/to/output", "2>&1 | tee out.log", "| head -n 20"))
	}
	return strings.Join(parts, " ")
}

// manFamilies splits the programs into six families by a hash of the command (four of programs, two
// of gcloud commands), so that the held-out split can leave some real programs out whole. In the
// program families, two lines in five use one of the program's dualOptions when it has any: the
// false alarms left on real benign commands were mostly such options (--disable-…, kill, dump).
func manFamilies() []Family {
	var groups [6][]manProg
	for _, p := range parseManProgs() {
		h := fnv.New32a()
		h.Write([]byte(p.cmd))
		g := int(h.Sum32() % 4)
		if strings.HasPrefix(p.cmd, "gcloud ") {
			g = 4 + int(h.Sum32()%2)
		}
		groups[g] = append(groups[g], p)
	}
	var fs []Family
	for i, ps := range groups {
		name, platform, dual := fmt.Sprintf("benign/manpage-programs-%d", i+1), "linux", 0.4
		if i >= 4 {
			name, platform, dual = fmt.Sprintf("benign/manpage-gcloud-%d", i-3), "cloud", 0
		}
		fs = append(fs, Family{Name: name, Class: Benign, Platform: platform, Shell: Sh, Weight: 2,
			Gen: func(s *sample) string { return manLine(s, ps[s.intn(len(ps))], s.chance(dual)) }})
	}
	return fs
}
