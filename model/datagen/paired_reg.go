package datagen

import "strings"

// Paired registry-value families: one table of defense settings, each with
// the value that switches the defense off and the one that keeps it on. The
// T1562 families write the off value; the benign ones write the on value or
// delete the value (which restores the default). Both sides draw every
// surface form (reg.exe with or without /f and quotes, New-ItemProperty,
// Set-ItemProperty, sp) from the same code, so no form, key or quoting
// style is evidence for either label: only the value and the verb are.
// Hand-written reversal templates had forms their attacks lacked (reg add
// without /f, PowerShell on HKCU:\Environment), and the model learned the
// forms as benign.

// regSetting is one registry value that controls a defense.
type regSetting struct {
	key  string // reg.exe form, may contain {{slots}}
	name string
	typ  string // REG_DWORD or REG_SZ
	off  string // the value that impairs the defense
	on   string // a protective value; "" when only deleting restores it
}

var regSettings = []regSetting{
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows Defender`, "{{DisableAntiSpyware|DisableAntiVirus|DisableRoutinelyTakingAction}}", "REG_DWORD", "1", "0"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows Defender`, "ServiceKeepAlive", "REG_DWORD", "0", "1"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Real-Time Protection`, "{{DisableRealtimeMonitoring|DisableBehaviorMonitoring|DisableOnAccessProtection|DisableScanOnRealtimeEnable|DisableIOAVProtection}}", "REG_DWORD", "1", "0"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Spynet`, "SpynetReporting", "REG_DWORD", "0", "{{1|2}}"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Spynet`, "SubmitSamplesConsent", "REG_DWORD", "2", "{{1|3}}"},
	{`HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall\{{DomainProfile|StandardProfile|PublicProfile|PrivateProfile}}`, "EnableFirewall", "REG_DWORD", "0", "1"},
	{`HKLM\SOFTWARE\{{|Wow6432Node\}}Microsoft\.NETFramework`, "ETWEnabled", "REG_DWORD", "0", "1"},
	{`{{HKCU\Environment|HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Environment}}`, "COMPlus_ETWEnabled", "REG_SZ", "0", ""},
	{`{{HKCU|HKLM}}\Software\Microsoft\Windows Script\Settings`, "AmsiEnable", "REG_DWORD", "0", "1"},
	{`HKLM\SYSTEM\CurrentControlSet\Control\WMI\Autologger\{{etwsession}}`, "Start", "REG_DWORD", "0", "1"},
	{`HKLM\SYSTEM\CurrentControlSet\Control\WMI\Autologger\{{etwsession}}\{{bguid}}`, "Enabled", "REG_DWORD", "0", "1"},
	{`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WINEVT\Channels\{{Microsoft-Windows-PowerShell/Operational|Microsoft-Windows-Sysmon/Operational|Microsoft-Windows-TaskScheduler/Operational|Microsoft-Windows-WMI-Activity/Operational|Microsoft-Windows-Windows Defender/Operational}}`, "Enabled", "REG_DWORD", "0", "1"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows\PowerShell\ScriptBlockLogging`, "EnableScriptBlockLogging", "REG_DWORD", "0", "1"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows\PowerShell\ModuleLogging`, "EnableModuleLogging", "REG_DWORD", "0", "1"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows\PowerShell\Transcription`, "EnableTranscripting", "REG_DWORD", "0", "1"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows\System`, "EnableSmartScreen", "REG_DWORD", "0", "1"},
	{`HKLM\SYSTEM\CurrentControlSet\Services\{{WinDefend|Sense|WdNisSvc|EventLog|MpsSvc|Sysmon64|SysmonDrv|SecurityHealthService|wscsvc}}`, "Start", "REG_DWORD", "4", "{{2|3}}"},
	{`HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management`, "MoveImages", "REG_DWORD", "0", ""},
}

// psKey turns a reg.exe key into a PowerShell registry-provider path.
func psKey(k string) string {
	for _, p := range []string{"HKLM", "HKCU"} {
		if strings.HasPrefix(k, p+`\`) {
			return p + `:` + k[len(p):]
		}
	}
	return k
}

// psType is New-ItemProperty's -PropertyType for a reg.exe value type.
func psType(typ string) string {
	if typ == "REG_SZ" {
		return "String"
	}
	return "DWord"
}

// regCmd writes name = value under key with reg.exe.
func regCmd(s *sample, key, name, typ, val string) string {
	k := `"` + key + `"`
	if !strings.Contains(key, " ") && s.chance(0.4) {
		k = key
	}
	f := s.pick(" /f", " /f", "")
	if s.chance(0.2) {
		return s.expand("{{reg}}") + " add " + k + " /v " + name + " /d " + val + " /t " + typ + f
	}
	return s.expand("{{reg}}") + " add " + k + " /v " + name + " /t " + typ + " /d " + val + f
}

// regPS writes name = value under key with a PowerShell cmdlet.
func regPS(s *sample, key, name, psTyp, val string) string {
	k := psKey(key)
	q := s.pick(`"`, `'`, ``)
	if strings.Contains(k, " ") && q == "" {
		q = `"`
	}
	p := q + k + q
	switch s.intn(5) {
	case 0:
		return "New-ItemProperty -Path " + p + " -Name " + name + " -Value " + val + " -PropertyType " + s.pick(psTyp, `"`+psTyp+`"`) + " -Force"
	case 1:
		return "New-ItemProperty " + p + " -Name " + name + " -PropertyType " + psTyp + " -Value " + val + s.pick("", " -Force", " -Force | Out-Null")
	case 2:
		return "Set-ItemProperty -Path " + p + " -Name " + name + " -Value " + val + s.pick("", " -Force", " -Type "+psTyp)
	case 3:
		return "sp " + p + " " + name + " " + val
	default:
		return "Set-ItemProperty " + p + " -Name '" + name + "' -Value " + val + " -Type " + psTyp + " -Force"
	}
}

// regDelete deletes name under key, with reg.exe or PowerShell.
func regDelete(s *sample, key, name string, ps bool) string {
	if ps {
		k := psKey(key)
		return "Remove-ItemProperty -Path " + s.pick(`"`+k+`"`, `'`+k+`'`) + " -Name " + name + s.pick("", " -Force", " -ErrorAction SilentlyContinue", " -ErrorAction Ignore")
	}
	return s.expand("{{reg}}") + ` delete "` + key + `" /v ` + name + s.pick(" /f", " /f", "")
}

// pairedReg draws one setting and renders the tampering (attack) or the
// restoring (benign) side in cmd (ps false) or PowerShell.
func pairedReg(attack, ps bool) func(s *sample) string {
	return func(s *sample) string {
		st := regSettings[s.intn(len(regSettings))]
		key, name := s.expand(st.key), s.expand(st.name)
		val := st.off
		if !attack {
			if st.on == "" || s.chance(0.5) {
				return regDelete(s, key, name, ps)
			}
			val = s.expand(st.on)
		}
		if ps {
			return regPS(s, key, name, psType(st.typ), val)
		}
		return regCmd(s, key, name, st.typ, val)
	}
}

// pairedRegFamilies are the two sides, in cmd and PowerShell. The T1562 side
// is weighted so that, with a fifth of the records per attack class against
// 55% benign, each side has about as many lines.
func pairedRegFamilies() []Family {
	return []Family{
		{Name: "impair/paired-reg-values-cmd", Class: T1562, Platform: "windows", Shell: Cmd, Gen: pairedReg(true, false), Weight: 3},
		{Name: "impair/paired-reg-values-ps", Class: T1562, Platform: "windows", Shell: PS, Gen: pairedReg(true, true), Weight: 3},
		{Name: "benign/revert-paired-reg-values-cmd", Class: Benign, Platform: "windows", Shell: Cmd, Gen: pairedReg(false, false)},
		{Name: "benign/revert-paired-reg-values-ps", Class: Benign, Platform: "windows", Shell: PS, Gen: pairedReg(false, true)},
	}
}
