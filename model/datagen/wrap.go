package datagen

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf16"
)

// psEncode returns PowerShell's -EncodedCommand form of script: base64 of
// its UTF-16LE bytes.
func psEncode(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i] = byte(c)
		b[2*i+1] = byte(c >> 8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// encode returns psEncode(x) and marks the sample as holding an encoded
// blob, which case-changing noise must leave alone.
func (s *sample) encode(x string) string {
	s.encoded = true
	return psEncode(x)
}

// escDQ escapes double quotes for a command nested in a double-quoted
// argument the way launchers commonly see it.
func escDQ(x string) string { return strings.ReplaceAll(x, `"`, `\"`) }

// quoteSh quotes x for sh -c: single quotes unless x has one.
func quoteSh(x string) string {
	if !strings.Contains(x, "'") {
		return "'" + x + "'"
	}
	return `"` + strings.ReplaceAll(x, `"`, `\"`) + `"`
}

func encFlag(s *sample) string {
	return s.pick("-enc", "-Enc", "-EncodedCommand", "-e", "-ec", "-en", "-EncodedCommand", "-encodedcommand", "-ENC", "/enc", "-encod")
}

func psPrefix(s *sample) string {
	return s.expand("{{powershell|powershell.exe|PowerShell.exe|pwsh|pwsh.exe|" +
		`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe|%SystemRoot%\system32\WindowsPowerShell\v1.0\powershell.exe}}` +
		"{{| -nop| -NoP| -NoProfile| -noprofile -noninteractive| -NoP -NonI}}" +
		"{{| -w hidden| -W Hidden| -WindowStyle Hidden| -windowstyle hidden}}" +
		"{{| -ep bypass| -exec bypass| -ExecutionPolicy Bypass| -ExecutionPolicy RemoteSigned| -ExecutionPolicy Unrestricted}}")
}

// wrapCmd wraps a cmd.exe command line in a launcher.
func wrapCmd(s *sample, x string) string {
	switch s.intn(12) {
	case 0:
		return s.pick("cmd /c ", "cmd.exe /c ", "cmd /C ", `C:\Windows\system32\cmd.exe /c `, "%COMSPEC% /c ", "cmd /k ") + x
	case 1:
		return s.pick("cmd.exe /c \"", "cmd /c \"", `C:\WINDOWS\system32\cmd.exe /Q /c "`, "cmd.exe /s /c \"") + x + `"`
	case 2:
		return psPrefix(s) + " " + encFlag(s) + " " + s.encode(x)
	case 3:
		return psPrefix(s) + s.pick(" -c ", " -Command ", " -command ", " /c ") + `"` + escDQ(x) + `"`
	case 4:
		return s.expand(`wmic {{|/node:{{host}} |/node:"{{host}}" /user:{{domain}}\{{user}} /password:{{pass}} }}process call create "`) + escDQ(x) + `"`
	case 5:
		return s.expand(`schtasks /create /tn "{{taskname}}" /tr "`) + escDQ(x) +
			s.expand(`" /sc {{once /st {{time}}|onstart|onlogon|daily /st {{time}}|minute /mo {{n}}}}{{| /ru SYSTEM| /ru "NT AUTHORITY\SYSTEM"| /ru system}}{{| /f}}{{| /s {{host}}}}`)
	case 6:
		return s.expand(`{{psexec|PsExec.exe|PsExec64.exe|psexec64}}{{| -accepteula}} \\{{host}}{{| -u {{domain}}\{{user}} -p {{pass}}}}{{| -s| -h| -d -s}} cmd /c "`) + x + `"`
	case 7:
		return s.expand(`{{wmiexec.py|impacket-wmiexec|smbexec.py|impacket-smbexec|atexec.py|dcomexec.py|psexec.py}} {{domain}}/{{user}}{{:{{pass}}|}}@{{ip}}{{| -hashes :{{hex32}}}} "`) + escDQ(x) + `"`
	case 8:
		return s.expand(`Invoke-Command -ComputerName {{host}} -ScriptBlock { `) + x + " }"
	case 9:
		return s.expand(`{{crackmapexec|cme|nxc|netexec}} smb {{ip}} -u {{user}} {{-p '{{pass}}'|-H {{hex32}}}} -x "`) + escDQ(x) + `"`
	case 10:
		return s.expand(`{{winrs -r:{{host}}|winrs /r:{{host}} /u:{{domain}}\{{user}} /p:{{pass}}}} `) + x
	default:
		return "start /b " + s.pick("", `"" `) + x
	}
}

// wrapPS wraps a one-line PowerShell command.
func wrapPS(s *sample, x string) string {
	switch s.intn(9) {
	case 0, 1:
		return psPrefix(s) + " " + encFlag(s) + " " + s.encode(x)
	case 2:
		if strings.Contains(x, `"`) {
			return psPrefix(s) + s.pick(" -c ", " -Command ") + "{" + x + "}"
		}
		return psPrefix(s) + s.pick(" -c ", " -Command ", " -command ", " ") + `"` + x + `"`
	case 3:
		return s.expand(`{{Invoke-Command|icm}} {{-ComputerName|-cn|-Computer}} {{host}}{{| -Credential $cred}} {{-ScriptBlock|-sb|-Script}} { `) + x + " }"
	case 4:
		return s.expand(`Invoke-Command -Session ${{word}} -ScriptBlock {`) + x + "}"
	case 5:
		return s.expand(`Start-Job -ScriptBlock { `) + x + " }"
	case 6:
		return `cmd /c ` + psPrefix(s) + " " + encFlag(s) + " " + s.encode(x)
	case 7:
		return s.expand(`wmic {{|/node:{{host}} }}process call create "`) + psPrefix(s) + " " + encFlag(s) + " " + s.encode(x) + `"`
	default:
		return s.expand(`schtasks /create /tn "{{taskname}}" /tr "`) + psPrefix(s) + " " + encFlag(s) + " " + s.encode(x) +
			s.expand(`" /sc once /st {{time}} /ru SYSTEM{{| /f}}`)
	}
}

// wrapScript wraps a multi-line PowerShell script: only encoding keeps it on
// one command line.
func wrapScript(s *sample, x string) string {
	if s.chance(0.5) {
		return psPrefix(s) + " " + encFlag(s) + " " + s.encode(x)
	}
	return s.expand(`Invoke-Command -ComputerName {{host}} -ScriptBlock {`) + "\n" + x + "\n}"
}

// wrapSh wraps a POSIX shell command line.
func wrapSh(s *sample, x string) string {
	switch s.intn(12) {
	case 0, 1:
		return s.pick("sudo ", "sudo -n ", "sudo -u root ", "sudo -E ", "doas ") + x
	case 2:
		return s.pick("sh -c ", "bash -c ", "/bin/sh -c ", "/bin/bash -c ", "bash -lc ", "zsh -c ") + quoteSh(x)
	case 3:
		return s.expand("ssh {{|-t |-o StrictHostKeyChecking=no |-i ~/.ssh/id_ed25519 }}{{|{{user}}@}}{{host}} ") + quoteSh(x)
	case 4:
		s.encoded = true
		b := base64.StdEncoding.EncodeToString([]byte(x))
		return s.pick("echo "+b+" | base64 -d | bash", "echo "+b+" | base64 --decode | sh",
			`bash -c "$(echo `+b+` | base64 -d)"`, "echo '"+b+"' | base64 -d | sudo bash")
	case 5:
		return "nohup " + x + s.pick(" >/dev/null 2>&1 &", " &", " > /tmp/.out 2>&1 &")
	case 6:
		return s.expand("docker exec {{|-it |-u 0 }}{{word}} sh -c ") + quoteSh(x)
	case 7:
		return s.expand("kubectl exec {{|-it }}{{pod}} -n {{ns}} -- sh -c ") + quoteSh(x)
	case 8:
		s.encoded = true
		return proctitle(s, x)
	case 9:
		return s.expand("{{Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec}} {{n}} {{time}}:{{n}}{{n}} {{host}} sudo: {{user}} : TTY=pts/{{n}} ; PWD=/home/{{user}} ; USER=root ; COMMAND=") + x
	case 10:
		return s.pick("timeout 60 ", "env ", "exec ", "time ") + x
	default:
		return x + s.pick(" 2>/dev/null", " >/dev/null 2>&1", " || true", "; echo done", " && echo ok")
	}
}

// proctitle renders x as an auditd PROCTITLE record: argv (split on spaces)
// joined by NUL bytes, hex-encoded.
func proctitle(s *sample, x string) string {
	argv := strings.Fields(x)
	h := strings.ToUpper(hex.EncodeToString([]byte(strings.Join(argv, "\x00"))))
	return fmt.Sprintf("type=PROCTITLE msg=audit(%d.%03d:%d): proctitle=%s",
		1700000000+s.intn(60000000), s.intn(1000), 100+s.intn(900000), h)
}

// launch applies a launcher suited to shell with probability p.
func launch(s *sample, shell Shell, x string, p float64) string {
	if !s.chance(p) {
		return x
	}
	switch shell {
	case Cmd:
		return wrapCmd(s, x)
	case PS:
		return wrapPS(s, x)
	case Script:
		return wrapScript(s, x)
	case Sh:
		return wrapSh(s, x)
	}
	return x
}

// noise applies label-preserving surface changes suited to shell.
func noise(s *sample, shell Shell, x string) string {
	windows := (shell == Cmd || shell == PS || shell == Script) && !s.encoded
	if windows {
		switch r := s.rng.Float64(); {
		case r < 0.10:
			x = strings.ToLower(x)
		case r < 0.13:
			x = strings.ToUpper(x)
		case r < 0.22:
			x = randomCase(s, x)
		}
	}
	if shell == Cmd && !s.encoded && s.chance(0.10) {
		x = carets(s, x)
	}
	if shell == Cmd && !s.encoded && s.chance(0.05) {
		x = emptyQuotes(s, x)
	}
	if (shell == PS || shell == Script) && !s.encoded && s.chance(0.07) {
		x = backticks(s, x)
	}
	if s.chance(0.10) {
		x = spaces(s, x)
	}
	return x
}

// benignNoise applies damage that would change an attack's meaning, so it is
// used on benign text only: truncation and a dropped or doubled character.
func benignNoise(s *sample, x string) string {
	if len(x) > 20 && s.chance(0.04) {
		cut := len(x)/2 + s.intn(len(x)/2)
		for cut < len(x) && x[cut]&0xC0 == 0x80 {
			cut++
		}
		x = x[:cut]
	}
	if len(x) > 10 && s.chance(0.03) {
		i := 1 + s.intn(len(x)-2)
		if x[i] < 0x80 {
			if s.chance(0.5) {
				x = x[:i] + x[i+1:]
			} else {
				x = x[:i] + x[i:i+1] + x[i:]
			}
		}
	}
	return x
}

// randomCase changes the case of whole words at random.
func randomCase(s *sample, x string) string {
	words := strings.Split(x, " ")
	for i, w := range words {
		switch s.intn(4) {
		case 0:
			words[i] = strings.ToUpper(w)
		case 1:
			words[i] = strings.ToLower(w)
		case 2:
			b := []byte(w)
			for j := range b {
				if b[j] >= 'a' && b[j] <= 'z' && s.chance(0.3) {
					b[j] -= 32
				} else if b[j] >= 'A' && b[j] <= 'Z' && s.chance(0.3) {
					b[j] += 32
				}
			}
			words[i] = string(b)
		}
	}
	return strings.Join(words, " ")
}

// carets inserts cmd.exe escape carets before letters outside double quotes.
func carets(s *sample, x string) string {
	var b strings.Builder
	inq := false
	rate := 0.15 + 0.4*s.rng.Float64()
	for i := 0; i < len(x); i++ {
		c := x[i]
		if c == '"' {
			inq = !inq
		}
		prevCaret := i > 0 && x[i-1] == '^'
		if !inq && !prevCaret && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') && s.chance(rate) {
			b.WriteByte('^')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// emptyQuotes inserts "" pairs inside the first word or two.
func emptyQuotes(s *sample, x string) string {
	words := strings.SplitN(x, " ", 3)
	for i := 0; i < len(words) && i < 2; i++ {
		w := words[i]
		if len(w) > 2 && !strings.ContainsAny(w, `"\`) {
			j := 1 + s.intn(len(w)-1)
			words[i] = w[:j] + `""` + w[j:]
		}
	}
	return strings.Join(words, " ")
}

// backticks inserts PowerShell escape backticks inside bare words (cmdlet
// and parameter names) before letters that are not escape sequences.
func backticks(s *sample, x string) string {
	words := strings.Split(x, " ")
	for i, w := range words {
		if len(w) < 4 || strings.ContainsAny(w, `"'$\`) || !s.chance(0.5) {
			continue
		}
		var b strings.Builder
		for j := 0; j < len(w); j++ {
			c := w[j]
			if j > 0 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') && !strings.ContainsRune("abefnrtuvABEFNRTUV0", rune(c)) && s.chance(0.25) {
				b.WriteByte('`')
			}
			b.WriteByte(c)
		}
		words[i] = b.String()
	}
	return strings.Join(words, " ")
}

// spaces widens some blanks and may add leading or trailing white space.
func spaces(s *sample, x string) string {
	if strings.Contains(x, "\n") {
		return x
	}
	words := strings.Split(x, " ")
	var b strings.Builder
	if s.chance(0.2) {
		b.WriteString(s.pick(" ", "  ", "\t"))
	}
	for i, w := range words {
		if i > 0 {
			if s.chance(0.3) {
				b.WriteString(s.pick("  ", "   ", "\t", " \t "))
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	if s.chance(0.2) {
		b.WriteString(s.pick(" ", "  ", "\t"))
	}
	return b.String()
}
