package datagen

import "strings"

// Paired switches: commands that turn a defense off or on with the same
// words, where only the value differs (`ufw logging off` against `ufw logging
// low`, `wevtutil sl Security /ca:<deny>` against `/ca:<grant>`). As in
// paired_reg.go, each row is rendered on both sides from one form, so the
// form carries no evidence for either label and the model has to read the
// value (POLICY.md rule 2).

// toggle is one switch: form holds "@" where the value goes; off and on are
// templates for the value that impairs the defense and one that keeps it.
type toggle struct {
	form    string
	off, on string
}

var (
	toggleCmd = []toggle{
		{`netsh advfirewall set {{allprofiles|currentprofile|domainprofile|privateprofile|publicprofile}} logging droppedconnections @`, "disable", "enable"},
		{`netsh advfirewall set {{allprofiles|currentprofile|domainprofile|privateprofile|publicprofile}} logging allowedconnections @`, "disable", "enable"},
		{`netsh advfirewall set {{allprofiles|currentprofile|domainprofile|privateprofile|publicprofile}} state @`, "off", "on"},
		{`netsh firewall set opmode mode=@`, "{{DISABLE|disable}}", "{{ENABLE|enable}}"},
		{`wevtutil sl {{evlog}} /e:@`, "false", "true"},
		{`wevtutil sl "{{evlog}}" /ca:@`, "{{sddldeny}}", "{{sddlallow}}"},
		{`wevtutil set-log {{evlog}} /ca:@`, "{{sddldeny}}", "{{sddlallow}}"},
		{`auditpol /set /category:"{{Logon/Logoff|Detailed Tracking|Object Access|Policy Change|Account Logon|Privilege Use|System}}" /success:@ /failure:@`, "disable", "enable"},
		{`auditpol /set /subcategory:"{{Process Creation|Logon|Special Logon|Security System Extension|Audit Policy Change|Sensitive Privilege Use}}" /success:@`, "disable", "enable"},
		{`bcdedit /set {current} nx @`, "AlwaysOff", "{{OptIn|OptOut|AlwaysOn}}"},
		{`sc{{|.exe}} config {{WinDefend|Sense|WdNisSvc|MpsSvc|EventLog|Sysmon64|wscsvc|SecurityHealthService|WdFilter}} start= @`, "disabled", "{{auto|demand|delayed-auto|boot}}"},
		{`fltmc @ {{SysmonDrv|WdFilter|CSAgent|SentinelMonitor|CbDefense|edrsensor}}`, "unload", "load"},
	}
	togglePS = []toggle{
		{`Set-NetFirewallProfile -Profile {{Domain,Public,Private|Domain|Public|Private|Domain,Private}} -LogBlocked @`, "{{False|$false}}", "{{True|$true}}"},
		{`Set-NetFirewallProfile -Profile {{Domain,Public,Private|Domain|Public|Private}} -LogAllowed @`, "{{False|$false}}", "{{True|$true}}"},
		{`Set-NetFirewallProfile {{-All|-Profile Domain,Public,Private|-Name Public}} -Enabled @`, "{{False|$false}}", "{{True|$true}}"},
		{`Set-MpPreference -{{DisableRealtimeMonitoring|DisableBehaviorMonitoring|DisableIOAVProtection|DisableScriptScanning|DisableBlockAtFirstSeen|DisableArchiveScanning|DisableIntrusionPreventionSystem}} @`, "{{$true|1|$True}}", "{{$false|0|$False}}"},
		{`Set-MpPreference -MAPSReporting @`, "{{0|Disabled}}", "{{1|2|Advanced}}"},
		{`Set-MpPreference -SubmitSamplesConsent @`, "{{2|NeverSend}}", "{{1|3|AlwaysPrompt|SendAllSamples}}"},
		{`Set-MpPreference -PUAProtection @`, "{{0|Disabled}}", "{{1|Enabled|AuditMode}}"},
		{`Set-MpPreference -EnableNetworkProtection @`, "Disabled", "{{Enabled|AuditMode}}"},
		{`Set-MpPreference -EnableControlledFolderAccess @`, "Disabled", "{{Enabled|AuditMode}}"},
		{`Set-ProcessMitigation -System -@ {{DEP|SEHOP|ForceRelocateImages|BottomUp|CFG|HighEntropy}}`, "Disable", "Enable"},
		{`Set-Service -Name {{WinDefend|Sense|MpsSvc|EventLog|Sysmon64|wscsvc|SecurityHealthService}} -StartupType @`, "Disabled", "{{Automatic|Manual|AutomaticDelayedStart}}"},
		{`Get-WinEvent -ListLog "{{evlog}}" | % { $_.IsEnabled = $@; $_.SaveChanges() }`, "false", "true"},
	}
	toggleSh = []toggle{
		{`{{sudo |}}ufw logging @`, "off", "{{on|low|medium|high|full}}"},
		{`{{sudo |}}ufw @`, "disable", "enable"},
		{`{{sudo |}}ufw --force @`, "disable", "enable"},
		// Deleting a rule opens what it blocked (T1562) or closes what it allowed (benign): POLICY.md rule 3.
		{`{{sudo |}}{{iptables|ip6tables}} -D {{INPUT|OUTPUT|FORWARD}} {{-p tcp --dport {{goodport}}|-p udp --dport {{goodport}}|-s {{ip}}|-d {{ip}}|-s {{ip}} -p tcp --dport {{goodport}}|-i eth0 -p tcp --dport {{goodport}}}} -j @`, "{{DROP|REJECT}}", "ACCEPT"},
		{`{{sudo |}}ufw delete @ {{goodport}}{{|/tcp|/udp}}`, "{{deny|reject}}", "{{allow|limit}}"},
		{`{{sudo |}}ufw delete @ {{from {{ip}}|in on eth0 to any port {{goodport}}|out to {{ip}}}}`, "{{deny|reject}}", "allow"},
		{`{{sudo |}}firewall-cmd {{--permanent |}}--remove-rich-rule='rule family="ipv4" source address="{{ip}}" @'`, "{{drop|reject}}", "accept"},
		{`{{sudo |}}firewall-cmd --set-log-denied=@`, "off", "{{all|unicast|broadcast|multicast}}"},
		{`{{sudo |}}setenforce @`, "{{0|Permissive|permissive}}", "{{1|Enforcing|enforcing}}"},
		{`{{sudo |}}auditctl -e @`, "0", "{{1|2}}"},
		{`{{sudo |}}auditctl -a @ -F arch=b{{64|32}} -S {{execve|connect|open,openat|unlink,unlinkat|ptrace|init_module,finit_module|setuid}}{{| -F auid>=1000}}{{| -k {{word}}}}`, "{{never,exit|exit,never}}", "{{always,exit|exit,always}}"},
		{`{{sudo |}}auditctl -a @ -F path={{/etc/passwd|/etc/shadow|/etc/sudoers|/usr/bin/sudo|/etc/ssh/sshd_config|/var/log/auth.log|/etc/crontab|/root/.ssh}} -F perm={{wa|x|rwxa|w}}{{| -k {{word}}}}`, "{{never,exit|exit,never}}", "{{always,exit|exit,always}}"},
		{`{{sudo |}}sysctl -w kernel.randomize_va_space=@`, "0", "{{1|2}}"},
		{`{{sudo |}}systemctl @ {{auditd|apparmor|falcon-sensor|osqueryd|wazuh-agent|clamav-daemon|firewalld|ufw|sysmon|elastic-agent|mdatp}}{{|.service}}`, "{{stop|disable|disable --now|mask|mask --now}}", "{{start|enable|enable --now|unmask|restart|status}}"},
		{`{{sudo |}}service {{auditd|apparmor|osqueryd|wazuh-agent|clamav-daemon|firewalld|ufw|rsyslog|syslog-ng}} @`, "stop", "{{start|restart|status}}"},
		{`{{sudo |}}aa-@ /etc/apparmor.d/{{usr.sbin.nginx|usr.sbin.mysqld|usr.sbin.cupsd|usr.sbin.named|usr.sbin.tcpdump|usr.bin.man}}`, "{{complain|disable}}", "enforce"},
		{`{{sudo |}}spctl --master-@`, "disable", "enable"},
		{`{{sudo |}}spctl --global-@`, "disable", "enable"},
		{`{{sudo |}}/usr/libexec/ApplicationFirewall/socketfilterfw --setglobalstate @`, "off", "on"},
		{`{{sudo |}}/usr/libexec/ApplicationFirewall/socketfilterfw --setloggingmode @`, "off", "on"},
		{`{{sudo |}}defaults write /Library/Preferences/com.apple.alf globalstate -int @`, "0", "{{1|2}}"},
		{`{{sudo |}}csrutil @`, "disable", "enable"},
		{`aws cloudtrail @-logging --name {{cloudtrail}}{{| --region {{region}}}}`, "stop", "start"},
		{`aws guardduty update-detector --detector-id {{hex32}} --@`, "no-enable", "enable"},
		{`aws configservice @-configuration-recorder --configuration-recorder-name {{default|config-recorder|{{proj}}-recorder}}`, "stop", "start"},
		{`gcloud {{|beta }}logging sinks update {{_Default|{{proj}}-sink|audit-sink}} --@`, "disabled", "no-disabled"},
	}
)

// pairedToggle draws one row of rows and renders its off (attack) or on
// (benign) side.
func pairedToggle(rows []toggle, attack bool) func(s *sample) string {
	return func(s *sample) string {
		t := rows[s.intn(len(rows))]
		v := t.on
		if attack {
			v = t.off
		}
		form := s.expand(t.form)
		return strings.ReplaceAll(form, "@", s.expand(v))
	}
}

// pairedToggleFamilies are the two sides per shell, weighted as pairedRegFamilies (paired_reg.go).
func pairedToggleFamilies() []Family {
	var fs []Family
	for _, g := range []struct {
		name     string
		platform string
		shell    Shell
		rows     []toggle
	}{
		{"cmd", "windows", Cmd, toggleCmd},
		{"ps", "windows", PS, togglePS},
		{"sh", "any", Sh, toggleSh},
	} {
		fs = append(fs,
			Family{Name: "impair/paired-toggles-" + g.name, Class: T1562, Platform: g.platform, Shell: g.shell, Gen: pairedToggle(g.rows, true), Weight: pairedAttackWeight},
			Family{Name: "benign/revert-paired-toggles-" + g.name, Class: Benign, Platform: g.platform, Shell: g.shell, Gen: pairedToggle(g.rows, false), Weight: pairedBenignWeight, KeepValue: true})
	}
	return fs
}
