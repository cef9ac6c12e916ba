package datagen

// Reversal families: the undo of a tampering step, written with the same keys,
// values, sessions and files the T1562 families tamper with (POLICY.md rules 2
// and 3). Each pairs with an attack family that differs only in the value, the
// verb or one flag (`/d 0` against `/d 1`, `--p` against `-p`, `/dev/null`
// against a history file, deleting the tampered value against setting it), so
// the model has to learn that the value decides, not the key. Registry
// values are paired in paired_reg.go, where both sides share every surface
// form. Slots added here are prefixed "rv".

// pairedWeight is the sampling weight of the T1562 families the reversal
// families undo (set where each is defined), so that, key by key, the
// tampering value is about as frequent as its undo: with the undo alone
// weighted up (0.4.0's first try) the model learned "Autologger ... Start" or
// "logman update trace" as benign whatever the value, and lost a third of its
// real T1562 recall.
const pairedWeight = 2

func addBenignSlotsRevert(m map[string]slotFunc) {
	m["rvsysmon"] = oneOf(`sysmon`, `sysmon64`, `Sysmon.exe`, `Sysmon64.exe`,
		`C:\Sysinternals\Sysmon{{|64}}.exe`, `"%ProgramFiles%\Sysmon\Sysmon64.exe"`, `"C:\Program Files\Sysinternals\Sysmon64.exe"`,
		`\\{{host}}\NETLOGON\Sysmon\Sysmon64.exe`, `%SystemRoot%\Sysmon64.exe`, `C:\ProgramData\chocolatey\bin\Sysmon64.exe`,
		`"{{wtemp}}\Sysmon\Sysmon.exe"`)
	m["rvhist"] = oneOf("~/.bash_history", "~/.zsh_history", "~/.sh_history", "~/.history", "$HOME/.bash_history",
		"$HOME/.zsh_history", "/root/.bash_history", "/home/{{user}}/.bash_history", "${ZDOTDIR:-$HOME}/.zsh_history")
	m["rvaudconf"] = oneOf("/etc/audit/auditd.conf", "/etc/audit/audit.rules", "/etc/audit/rules.d/audit.rules",
		"/etc/audit/plugins.d/syslog.conf", "/etc/audit/plugins.d/af_unix.conf")
}

func rf(name, platform string, shell Shell, templates ...string) Family {
	f := bf("revert-"+name, platform, shell, templates...)
	f.KeepValue = true
	return f
}

func benignFamiliesRevert() []Family {
	return []Family{
		rf("etw-provider-restore", "windows", Cmd,
			`logman update trace {{etwsession}} -p {{etwprov}} -ets`, `logman update trace "{{etwsession}}" -p "{{etwprov}}" -ets`,
			`logman update trace "{{etwsession}}" -p "{{etwprov}}" 0xffffffffffffffff 0xff -ets`, `logman update trace {{etwsession}} -p {{bguid}} -ets`,
			`logman start "{{etwsession}}" -ets`, `logman query "{{etwsession}}" -ets`, `logman query -ets`, `logman query providers "{{etwprov}}"`,
			`powershell Add-EtwTraceProvider -AutologgerName {{etwsession}} -Guid '{{bguid}}'`, `powershell Get-EtwTraceProvider -AutologgerName {{etwsession}}`,
			`powershell Get-EtwTraceSession -Name "{{etwsession}}"`),
		rf("history-restore", "linux", Sh,
			`export HISTFILE={{rvhist}}`, `HISTFILE={{rvhist}}`, `export HISTFILE="{{rvhist}}"`, `set -o history`, `export HISTSIZE={{500|1000|5000|10000}}`,
			`export HISTSIZE={{1000|10000}} HISTFILESIZE={{2000|20000}}`, `unset HISTIGNORE`, `unset HISTCONTROL`, `export HISTFILE={{rvhist}} HISTSIZE=1000`,
			`sed -i '/unset HISTFILE/d' {{~/.bashrc|~/.bash_profile|~/.profile|/etc/profile}}`, `sed -i '/HISTFILE=\/dev\/null/d' {{~/.bashrc|~/.profile|/etc/profile}}`,
			`sed -i '/HISTSIZE=0/d' {{~/.bashrc|/etc/profile}}`, `rm -f {{rvhist}} && touch {{rvhist}} && chmod 600 {{rvhist}}`,
			`unlink {{rvhist}}; touch {{rvhist}}`, `[ -L {{rvhist}} ] && rm {{rvhist}}; touch {{rvhist}}`, `chattr -i {{rvhist}}`,
			`setopt SHARE_HISTORY`, `fc -W`, `history -w`, `echo $HISTFILE`),
		rf("firewall-rule-delete-unix", "linux", Sh,
			`ufw delete {{n}}`, `ufw --force delete {{n}}`, `yes | ufw delete {{n}}`,
			`ufw delete allow {{goodport}}/tcp`, `ufw delete limit ssh`, `ufw status numbered`, `ufw reload`, `systemctl start ufw`, `systemctl restart ufw`,
			`systemctl {{start|restart|enable --now}} firewalld`, `iptables -D INPUT {{n}}`, `iptables -D INPUT -s {{ip}} -j ACCEPT`,
			`iptables -D OUTPUT -d {{ip}} -j ACCEPT`, `firewall-cmd --permanent --remove-port={{goodport}}/tcp && firewall-cmd --reload`,
			`firewall-cmd --permanent --remove-rich-rule='rule family="ipv4" source address="{{ip}}" accept' && firewall-cmd --reload`,
			`nft delete rule inet filter input handle {{num}}`, `iptables-restore < /etc/iptables/rules.v4`, `netfilter-persistent reload`,
			`sed -i '/{{word}}/d' /etc/ufw/user.rules && ufw reload`),
		rf("audit-config-restore", "linux", Sh,
			`sed -i '/^{{word}}/d' {{rvaudconf}}`,
			`cp {{rvaudconf}}.bak {{rvaudconf}}`, `mv {{rvaudconf}}.orig {{rvaudconf}} && service auditd restart`, `cp -p {{rvaudconf}} {{rvaudconf}}.bak`,
			`sed -i 's/^write_logs.*/write_logs = yes/' /etc/audit/auditd.conf`, `sed -i 's/^disk_full_action.*/disk_full_action = {{SUSPEND|HALT|SINGLE}}/' /etc/audit/auditd.conf`,
			`sed -i 's/^log_file.*/log_file = \/var\/log\/audit\/audit.log/' /etc/audit/auditd.conf`, `diff {{rvaudconf}} {{rvaudconf}}.bak`,
			`grep -v '^#' {{rvaudconf}}`, `cat {{rvaudconf}}`, `augenrules --load`, `service auditd restart`, `systemctl restart auditd`,
			`restorecon -v {{rvaudconf}}`, `chmod 0640 {{rvaudconf}}`, `auditctl -l`, `auditctl -s`),
		rf("sysmon-reinstall", "windows", Cmd,
			`{{rvsysmon}} -accepteula -i {{sysmonconfig.xml|C:\Sysmon\config.xml|sysmonconfig-export.xml}}`,
			`{{rvsysmon}} -i{{| -accepteula}}{{| -n}}{{| -h md5,sha256}} {{sysmonconfig.xml|config.xml}}`, `{{rvsysmon}} -c {{sysmonconfig.xml|C:\Sysmon\config.xml}}`,
			`{{rvsysmon}} -c`, `{{rvsysmon}} -s > schema.xml`, `{{rvsysmon}} -accepteula -i -l -n`),
		rf("defender-exclusion-remove", "windows", PS,
			`Remove-MpPreference -Exclusion{{Path|Process|Extension|IpAddress}} {{$path|$proc|$exclusion|$ext|$_|$item|$folder|$dir|$p}}{{| -Force}}`,
			`$excl | ForEach-Object { Remove-MpPreference -ExclusionPath $_ }`, `foreach ($p in $paths) { Remove-MpPreference -ExclusionPath $p }`,
			`Remove-MpPreference -ExclusionProcess "{{exclproc}}"`, `Remove-MpPreference -ExclusionPath "{{exclpath}}" -Force`,
			`(Get-MpPreference).ExclusionPath | % { Remove-MpPreference -ExclusionPath $_ }`, `Remove-MpPreference -ExclusionExtension ".{{word}}"`,
			`Remove-MpPreference -ThreatIDDefaultAction_Ids {{num}}{{num}}`,
			`reg delete "HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Exclusions\{{Paths|Processes|Extensions}}" /v "{{exclpath}}" /f`, `Remove-MpPreference -ControlledFolderAccessAllowedApplications "{{exclproc}}"`),
		rf("com-registration-cleanup", "windows", Cmd,
			`{{reg}} delete HKCU\Software\Classes\CLSID\{{bguid}}\InProcServer32 /f`, `{{reg}} delete "HKCU\Software\Classes\CLSID\{{bguid}}" /f`,
			`{{reg}} delete HKCU\Software\Classes\CLSID\{fdb00e52-a214-4aa1-8fba-4357bb0072ec}\InProcServer32 /f`,
			`{{reg}} delete "HKCU\Software\Classes\CLSID\{fdb00e52-a214-4aa1-8fba-4357bb0072ec}" /f`,
			`powershell Remove-Item -Path "HKCU:\Software\Classes\CLSID\{{bguid}}" -Recurse -Force`,
			`powershell Remove-Item -Path "HKCU:\Software\Classes\CLSID\{fdb00e52-a214-4aa1-8fba-4357bb0072ec}" -Recurse -Force -ErrorAction Ignore`,
			`{{reg}} query HKCU\Software\Classes\CLSID\{{bguid}}\InProcServer32`, `regsvr32 /s "C:\Program Files\{{word}}\{{word}}.dll"`,
			`regsvr32 /u /s "C:\Program Files\{{word}}\{{word}}shell.dll"`),
		rf("mitigation-restore", "any", Sh,
			`sysctl -w kernel.randomize_va_space=2`, `sysctl kernel.randomize_va_space=2`, `echo 2 > /proc/sys/kernel/randomize_va_space`,
			`echo 2 | sudo tee /proc/sys/kernel/randomize_va_space`, `sysctl kernel.randomize_va_space`, `cat /proc/sys/kernel/randomize_va_space`,
			`sed -i '/randomize_va_space/d' /etc/sysctl.conf && sysctl --system`, `sysctl -p`, `sysctl --system`,
			`csrutil status`, `spctl --status`, `sudo spctl --master-enable`, `spctl --global-enable`),
		rf("mitigation-restore-win", "windows", PS,
			`Set-ProcessMitigation -System -Enable {{DEP|SEHOP|CFG|ForceRelocateImages|BottomUp|HighEntropy}}{{|,{{CFG|SEHOP|DEP}}}}`,
			`Get-ProcessMitigation -System`, `Set-ProcessMitigation -Name {{proc}} -Enable {{DEP|CFG}}`, `Set-ProcessMitigation -PolicyFilePath {{pstemp}}\{{word}}.xml`,
			`bcdedit /set {{bcdid}} nx {{OptIn|OptOut|AlwaysOn}}`, `bcdedit /deletevalue {{bcdid}} nointegritychecks`, `bcdedit /set {{bcdid}} testsigning off`,
			`Get-ProcessMitigation -Name {{proc}}`),
		rf("sid-history-cleanup", "windows", PS,
			`Set-ADUser {{user}} -Remove @{sIDHistory='S-1-5-21-{{num}}{{num}}{{num}}-{{num}}{{num}}-{{num}}{{num}}-{{num}}{{num}}'}`,
			`Get-ADUser {{user}} -Properties SIDHistory | Select-Object -ExpandProperty SIDHistory`,
			`Get-ADUser -Filter * -Properties SIDHistory | Where-Object { $_.SIDHistory } | Select Name, SIDHistory`),
	}
}

// impairFamiliesMitigation are T1562 families for host-wide exploit
// mitigations switched off and Linux firewall services stopped by name.
func impairFamiliesMitigation() []Family {
	c := T1562
	return []Family{
		fam("impair/linux-aslr-off", c, "linux", Sh,
			`sysctl -w kernel.randomize_va_space=0`, `sysctl kernel.randomize_va_space=0`, `echo 0 > /proc/sys/kernel/randomize_va_space`,
			`echo 0 | {{sudo |}}tee /proc/sys/kernel/randomize_va_space`, `echo "kernel.randomize_va_space = 0" >> /etc/sysctl.conf && sysctl -p`,
			`printf 'kernel.randomize_va_space=0\n' > /etc/sysctl.d/{{n}}{{n}}-{{word}}.conf && sysctl --system`,
			`sudo sysctl -w kernel.randomize_va_space=0`, `sysctl -q -w kernel.randomize_va_space=0`,
			`grubby --update-kernel=ALL --args="norandmaps"`, `sed -i 's/GRUB_CMDLINE_LINUX="/GRUB_CMDLINE_LINUX="norandmaps /' /etc/default/grub && update-grub`,
			`echo 'kernel.randomize_va_space=0' | sudo tee -a /etc/sysctl.d/99-sysctl.conf`),
		fam("impair/win-aslr-dep-off", c, "windows", Cmd,
			`bcdedit /set {{bcdid}} nx AlwaysOff`, `bcdedit.exe /set nx AlwaysOff`,
			`{{reg}} add "HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\Memory Management" /v MoveImages /t REG_DWORD /d 0 /f`,
			`{{reg}} add "HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\kernel" /v DisableExceptionChainValidation /t REG_DWORD /d 1 /f`,
			`powershell Set-ProcessMitigation -System -Disable DEP,SEHOP,ForceRelocateImages,BottomUp,HighEntropy`),
		weighted(pairedWeight, fam("impair/linux-firewall-service-stop", c, "linux", Sh,
			`{{sudo |}}systemctl {{stop|disable|disable --now|mask|mask --now|kill}} {{ufw|firewalld|iptables|ip6tables|nftables|netfilter-persistent|shorewall|csf|lfd}}{{|.service}}`,
			`{{sudo |}}service {{ufw|firewalld|iptables|ip6tables|nftables|netfilter-persistent|shorewall|csf}} stop`,
			`/etc/init.d/{{ufw|iptables|netfilter-persistent|shorewall}} stop`, `rc-service {{iptables|ip6tables|nftables|ufw}} stop`,
			`{{sudo |}}systemctl stop ufw; {{sudo |}}systemctl status ufw`, `chkconfig {{iptables|ip6tables|firewalld}} off`,
			`update-rc.d {{ufw|iptables}} disable`, `rc-update del {{iptables|nftables}} default`, `csf -x`, `csf -f && csf -x`)),
	}
}

// weighted returns f drawn w times as often as an unweighted family.
func weighted(w float64, f Family) Family {
	f.Weight = w
	return f
}
