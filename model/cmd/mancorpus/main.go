// Command mancorpus extracts real program names, their options and their positional arguments from
// installed manual pages (sections 1 and 8, troff or mdoc, gzip-compressed) into the tab-separated file
// the data generator's man-page families read (model/datagen/data/manprogs.tsv):
//
//	command path <TAB> options, space-separated <TAB> positional arguments, space-separated
//
// It is run by hand on a machine with manual pages, and its output is committed, so the generator stays
// deterministic on machines without them. The committed file was made from the pages installed on the
// build machine and those of about 4,300 Debian packages that debian_pages.py fetches (see there).
// Programs the labelling policy treats as defenses or attack tools (firewalls, audit, SELinux/AppArmor,
// anti-virus, shells, privilege switchers) are skipped: their pages would add benign lines next to the
// attack families' commands; the gcloud pages of logging, security and firewall groups likewise.
//
//	/usr/bin/python3 model/cmd/mancorpus/debian_pages.py --out /tmp/debman
//	go run ./model/cmd/mancorpus -out model/datagen/data/manprogs.tsv /usr/share/man/man1 /usr/share/man/man8 \
//		/tmp/debman/root/usr/share/man/man1 /tmp/debman/root/usr/share/man/man8
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// skipPrograms are left out whole: the attack families use them (POLICY.md, T1562), or they run other
// commands as someone else or in another shell. From Debian's pages: Samba's net (the attack families'
// Windows "net stop"), the sam editor and programs named save (the hive and "reg save"), and loggers.
// The names must match whole: a prefix match would also drop sha256sum (sh), shutdown (sh) or sum (su).
var skipPrograms = nameSet(`aureport ausearch augenrules setenforce getenforce sestatus
		semanage setsebool restorecon chcon runcon nft ufw ebtables arptables bash sh dash zsh ksh csh tcsh rbash
		sudo sudoedit sudoreplay su runuser setpriv pkexec doas capsh history wevtutil logger rsyslogd journald
		tcpdump procdump gdb gcore net sam save Save eventlog inetutils-logger idevicesyslog`)

func nameSet(names string) map[string]bool {
	m := map[string]bool{}
	for _, n := range strings.Fields(names) {
		m[n] = true
	}
	return m
}

// skipProgramPrefixes are families of programs left out by the start of their name (auditctl, auditd,
// systemd-journald and its socket pages among them).
var skipProgramPrefixes = []string{"audit", "aa-", "apparmor", "selinux", "iptables", "ip6tables", "ebtables-",
	"arptables-", "xtables", "nft-", "ufw-", "firewall", "mimi", "lsass", "systemd-journald", "clam", "fail2ban"}

// skipGcloud are gcloud command groups next to the cloud-logging and security families, matched
// anywhere in the page name; skipGcloudGroups are short group names matched as a whole component.
var skipGcloud = regexp.MustCompile(`logging|security|firewall|audit|polic|binauthz|access-context|` +
	`services_disable|recaptcha|organizations|network-management|deny|kms`)

var skipGcloudGroups = nameSet("scc ids iam asset")

func skipProgram(name string) bool {
	if skipPrograms[name] {
		return true
	}
	for _, p := range skipProgramPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

func skipGcloudPage(name string) bool {
	if skipGcloud.MatchString(name) {
		return true
	}
	for _, c := range strings.Split(name, "_") {
		if skipGcloudGroups[c] {
			return true
		}
	}
	return false
}

var (
	fontEsc  = regexp.MustCompile(`\\f(\[[^\]]*\]|\(..|.)`)
	charEsc  = regexp.MustCompile(`\\\(..|\\\[[^\]]*\]|\\[&|^%]`)
	optToken = regexp.MustCompile(`(?:^|[\s,\[(|"])(--?[A-Za-z][A-Za-z0-9_-]*)`)
	mdocFl   = regexp.MustCompile(`\bFl ([A-Za-z0-9][A-Za-z0-9_-]*)`)
	argToken = regexp.MustCompile(`^[A-Z][A-Z0-9_]{1,30}$`)
)

func main() {
	out := flag.String("out", "model/datagen/data/manprogs.tsv", "file to write")
	gcloudKeep := flag.Int("gcloud-keep", 4, "keep one gcloud page in N (of those not skipped; GA commands only)")
	maxOpts := flag.Int("max-options", 24, "options kept per program, in page order")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: mancorpus [-out F] MANDIR...")
		os.Exit(2)
	}
	if err := run(*out, flag.Args(), *gcloudKeep, *maxOpts); err != nil {
		slog.Error("mancorpus", "err", err)
		os.Exit(1)
	}
}

type entry struct {
	cmd  string
	opts []string
	args []string
}

func run(out string, dirs []string, gcloudKeep, maxOpts int) error {
	var entries []entry
	seen := map[string]bool{}
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.gz"))
		if err != nil {
			return fmt.Errorf("list %s: %w", dir, err)
		}
		slices.Sort(files)
		for _, f := range files {
			base := filepath.Base(f)
			name := base[:strings.IndexByte(base, '.')]
			cmd, ok := commandPath(name, gcloudKeep)
			if !ok || seen[cmd] {
				continue
			}
			text, err := readPage(f)
			if err != nil {
				return err
			}
			opts, args := parse(text, maxOpts)
			if len(opts) == 0 && len(args) == 0 {
				continue
			}
			seen[cmd] = true
			entries = append(entries, entry{cmd, opts, args})
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	w, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	bw := bufio.NewWriter(w)
	for _, e := range entries {
		fmt.Fprintf(bw, "%s\t%s\t%s\n", e.cmd, strings.Join(e.opts, " "), strings.Join(e.args, " "))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	slog.Info("written", "file", out, "programs", len(entries))
	return w.Close()
}

// commandPath turns a page name into the command a user types, or false for a page to skip.
func commandPath(name string, gcloudKeep int) (string, bool) {
	if strings.HasPrefix(name, "gcloud") {
		if strings.Contains(name, "_alpha") || strings.Contains(name, "_beta") || skipGcloudPage(name) {
			return "", false
		}
		h := fnv.New32a()
		h.Write([]byte(name))
		if gcloudKeep > 1 && h.Sum32()%uint32(gcloudKeep) != 0 {
			return "", false
		}
		return strings.ReplaceAll(name, "_", " "), true
	}
	if skipProgram(name) {
		return "", false
	}
	if rest, ok := strings.CutPrefix(name, "git-"); ok {
		return "git " + rest, true
	}
	return name, true
}

func readPage(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	b, err := io.ReadAll(io.LimitReader(z, 4<<20))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return string(b), nil
}

// parse returns the options defined on the page (in order of first appearance) and the upper-case
// positional arguments of its synopsis.
func parse(page string, maxOpts int) (opts, args []string) {
	seenOpt, seenArg := map[string]bool{}, map[string]bool{}
	section := ""
	prevTP := false
	for _, raw := range strings.Split(page, "\n") {
		line := strings.ReplaceAll(raw, `\-`, "-")
		line = fontEsc.ReplaceAllString(line, "")
		line = charEsc.ReplaceAllString(line, "")
		line = strings.ReplaceAll(line, `\ `, " ")
		if strings.HasPrefix(line, ".SH") || strings.HasPrefix(line, ".Sh") {
			section = strings.ToUpper(strings.Trim(strings.TrimSpace(line[3:]), `"`))
			continue
		}
		definition := prevTP || strings.HasPrefix(line, ".B") || strings.HasPrefix(line, ".IP") ||
			strings.HasPrefix(line, ".It") || strings.HasPrefix(line, ".OP") || strings.HasPrefix(line, "-")
		prevTP = strings.HasPrefix(line, ".TP")
		if strings.HasPrefix(section, "GCLOUD WIDE FLAGS") {
			continue // the same flags on every gcloud page
		}
		if strings.HasPrefix(section, "SYNOPSIS") {
			text := line
			if strings.HasPrefix(text, ".") { // a macro line: drop the macro's name
				_, text, _ = strings.Cut(text, " ")
			}
			for _, w := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(" []|{}.=,\"", r) }) {
				if argToken.MatchString(w) && !seenArg[w] && !strings.Contains(w, "FLAG") && w != "SYNOPSIS" && len(args) < 6 {
					seenArg[w] = true
					args = append(args, w)
				}
			}
		}
		if !definition && !strings.HasPrefix(section, "SYNOPSIS") || strings.HasPrefix(line, ".Bl") || strings.HasPrefix(line, ".Bd") {
			continue // prose, or an mdoc list or display whose own flags (-tag, -literal) are not the program's
		}
		var found []string
		for _, m := range optToken.FindAllStringSubmatch(line, -1) {
			found = append(found, m[1])
		}
		for _, m := range mdocFl.FindAllStringSubmatch(line, -1) {
			found = append(found, "-"+m[1])
		}
		for _, o := range found {
			o = strings.TrimRight(o, "-_")
			if len(o) < 2 || len(o) > 40 || seenOpt[o] || len(opts) >= maxOpts {
				continue
			}
			seenOpt[o] = true
			opts = append(opts, o)
		}
	}
	return opts, args
}
