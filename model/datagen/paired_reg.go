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
	{`HKLM\SOFTWARE\Microsoft\Windows Defender\Features`, "TamperProtection", "REG_DWORD", "{{0|4}}", "5"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\UX Configuration`, "Notification_Suppress", "REG_DWORD", "1", "0"},
	{`HKLM\SOFTWARE\{{|Policies\}}Microsoft\Windows Defender Security Center\Notifications`, "{{DisableNotifications|DisableEnhancedNotifications}}", "REG_DWORD", "1", "0"},
	{`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer`, "SmartScreenEnabled", "REG_SZ", "Off", "{{Warn|RequireAdmin|On}}"},
	{`HKLM\SOFTWARE\Policies\Microsoft\WindowsFirewall\{{DomainProfile|StandardProfile|PublicProfile|PrivateProfile}}\Logging`, "{{LogDroppedPackets|LogSuccessfulConnections}}", "REG_DWORD", "0", "1"},
	{`HKLM\SYSTEM\CurrentControlSet\Control\Lsa`, "{{RunAsPPL|RunAsPPLBoot}}", "REG_DWORD", "0", "{{1|2}}"},
	{`HKLM\SYSTEM\CurrentControlSet\Control\{{Lsa|DeviceGuard}}`, "LsaCfgFlags", "REG_DWORD", "0", "{{1|2}}"},
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows\DeviceGuard`, "{{EnableVirtualizationBasedSecurity|HypervisorEnforcedCodeIntegrity}}", "REG_DWORD", "0", "1"},
	// Event-log channel permissions (the policy's ChannelAccess, the service's CustomSD): deny ACEs
	// stop the log being written or read; the usual GPO grants Event Log Readers (S-1-5-32-573) read.
	{`HKLM\SOFTWARE\Policies\Microsoft\Windows\EventLog\{{Application|Security|System|Setup}}`, "ChannelAccess", "REG_SZ", "{{sddldeny}}", "{{sddlallow}}"},
	{`HKLM\SYSTEM\CurrentControlSet\Services\EventLog\{{Application|Security|System}}`, "CustomSD", "REG_SZ", "{{sddldeny}}", "{{sddlallow}}"},
	// The AMSI provider's COM server pointed at a DLL that is not AMSI (the unnamed default value).
	{`HKCU\Software\Classes\CLSID\{fdb00e52-a214-4aa1-8fba-4357bb0072ec}\InProcServer32`, "", "REG_SZ", `{{wtemp}}\{{word}}.dll`, ""},
}

// addPairedSlots registers the vocabularies both sides of the pairs share.
func addPairedSlots(m map[string]slotFunc) {
	// Channel security descriptors that deny writing or reading the log (attack side) and the
	// ones GPOs and forwarding guides set to grant access (benign side).
	m["sddldeny"] = oneOf(`O:SYG:SYD:(D;;0xf0007;;;WD)`, `O:BAG:SYD:(D;;0x7;;;WD)(D;;0x7;;;SY)`,
		`O:SYG:SYD:(D;;0xf0007;;;WD)(D;;0x2;;;SY)(D;;0x2;;;LS)(D;;0x2;;;NS)`, `O:BAG:SYD:(D;;0xf0007;;;SY)(D;;0x7;;;BA)`,
		`O:SYG:SYD:(D;;0x2;;;WD)`, `O:BAG:SYD:(D;;0x1;;;S-1-5-32-573)(D;;0xf0007;;;BA)(D;;0x2;;;SY)`)
	m["sddlallow"] = oneOf(`O:BAG:SYD:(A;;0xf0005;;;SY)(A;;0x5;;;BA)(A;;0x1;;;S-1-5-32-573)`,
		`O:BAG:SYD:(A;;0xf0005;;;SY)(A;;0x5;;;BA)(A;;0x1;;;S-1-5-32-573)(A;;0x1;;;NS)`,
		`O:BAG:SYD:(A;;0xf0007;;;SY)(A;;0x7;;;BA)(A;;0x3;;;BO)(A;;0x5;;;SO)(A;;0x1;;;IU)(A;;0x3;;;SU)(A;;0x1;;;S-1-5-3)(A;;0x2;;;S-1-5-33)(A;;0x1;;;S-1-5-32-573)`,
		`O:BAG:SYD:(A;;0xf0005;;;SY)(A;;0x5;;;BA)(A;;0x1;;;S-1-5-32-573)(A;;0x1;;;S-1-5-20)`,
		`O:BAG:SYD:(A;;0xf0007;;;SY)(A;;0x7;;;BA)(A;;0x1;;;BO)(A;;0x1;;;SO)(A;;0x1;;;S-1-5-32-573)`)
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
	v := " /v " + name
	if name == "" {
		v = " /ve"
	}
	if strings.Contains(val, " ") || (strings.ContainsAny(val, "();") && s.chance(0.5)) {
		val = `"` + val + `"`
	}
	if s.chance(0.2) {
		return s.expand("{{reg}}") + " add " + k + v + " /d " + val + " /t " + typ + f
	}
	return s.expand("{{reg}}") + " add " + k + v + " /t " + typ + " /d " + val + f
}

// regPS writes name = value under key with a PowerShell cmdlet.
func regPS(s *sample, key, name, psTyp, val string) string {
	k := psKey(key)
	q := s.pick(`"`, `'`, ``)
	if strings.Contains(k, " ") && q == "" {
		q = `"`
	}
	p := q + k + q
	if name == "" {
		name = s.pick(`"(Default)"`, `'(default)'`, `"(default)"`)
	}
	if strings.ContainsAny(val, " ();:\\") {
		val = `"` + val + `"`
	}
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

// regDelete deletes name under key (the key itself for the default value), with reg.exe or PowerShell.
func regDelete(s *sample, key, name string, ps bool) string {
	if name == "" {
		if ps {
			return "Remove-Item -Path " + s.pick(`"`+psKey(key)+`"`, `'`+psKey(key)+`'`) + s.pick(" -Recurse -Force", " -Force", " -Recurse -ErrorAction Ignore")
		}
		return s.expand("{{reg}}") + ` delete "` + key + `"` + s.pick(" /f", " /f", "")
	}
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
		val := s.expand(st.off)
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

// Weights of the paired families (here and in paired_cmd.go). The T1562 side
// is weighted 3x the benign side so that, with a fifth of the records per
// attack class against 55% benign, each side has about as many lines; both
// are weighted up because one family spreads over a table of 12 to 29 rows
// (at weight 1, 200,000 records gave each row about 17 lines a side).
const (
	pairedAttackWeight = 6
	pairedBenignWeight = 2
)

// pairedRegFamilies are the two sides, in cmd and PowerShell.
func pairedRegFamilies() []Family {
	return []Family{
		{Name: "impair/paired-reg-values-cmd", Class: T1562, Platform: "windows", Shell: Cmd, Gen: pairedReg(true, false), Weight: pairedAttackWeight},
		{Name: "impair/paired-reg-values-ps", Class: T1562, Platform: "windows", Shell: PS, Gen: pairedReg(true, true), Weight: pairedAttackWeight},
		{Name: "benign/revert-paired-reg-values-cmd", Class: Benign, Platform: "windows", Shell: Cmd, Gen: pairedReg(false, false), Weight: pairedBenignWeight, KeepValue: true},
		{Name: "benign/revert-paired-reg-values-ps", Class: Benign, Platform: "windows", Shell: PS, Gen: pairedReg(false, true), Weight: pairedBenignWeight, KeepValue: true},
	}
}
