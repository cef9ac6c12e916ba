package datagen

import (
	"fmt"
	"strings"
)

// oneOf returns a slot drawing one of xs uniformly; each x is itself a
// template, so vocabularies may reference other slots.
func oneOf(xs ...string) slotFunc {
	return func(s *sample) string { return s.expand(xs[s.intn(len(xs))]) }
}

const lower = "abcdefghijklmnopqrstuvwxyz"
const alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
const hexdig = "0123456789abcdef"

func randStr(s *sample, alphabet string, min, max int) string {
	n := min + s.intn(max-min+1)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.intn(len(alphabet))]
	}
	return string(b)
}

var firstNames = []string{"john", "jane", "alice", "bob", "maria", "li", "ahmed", "olga", "pierre", "kenji",
	"sarah", "david", "emma", "lucas", "noah", "mia", "raj", "anna", "tom", "eva", "igor", "fatima", "chen", "sven"}
var lastNames = []string{"smith", "doe", "garcia", "nguyen", "mueller", "kowalski", "tanaka", "okafor", "rossi",
	"dubois", "jensen", "patel", "kim", "silva", "novak", "brown", "weber", "ivanova", "larsen", "haddad"}

func userName(s *sample) string {
	f := firstNames[s.intn(len(firstNames))]
	l := lastNames[s.intn(len(lastNames))]
	switch s.intn(10) {
	case 0:
		return f
	case 1:
		return f + "." + l
	case 2:
		return f[:1] + l
	case 3:
		return f + "_" + l
	case 4:
		return s.pick("administrator", "Administrator", "admin", "svc_backup", "svc_sql", "sqlsvc",
			"webadmin", "helpdesk", "it-ops", "backupadmin", "localadmin", "da_admin", "svc-deploy", "ansible",
			"jenkins", "vagrant", "ubuntu", "ec2-user", "deploy", "operator")
	case 5:
		return l + f[:1]
	case 6:
		return strings.ToUpper(f[:1]) + f[1:] + strings.ToUpper(l[:1]) + l[1:]
	case 7:
		return "adm-" + f[:1] + l
	case 8:
		return f + fmt.Sprint(s.intn(99))
	default:
		return "u" + fmt.Sprint(10000+s.intn(89999))
	}
}

func hostName(s *sample) string {
	switch s.intn(8) {
	case 0:
		return s.pick("DC", "dc", "DC-") + fmt.Sprintf("%02d", 1+s.intn(9))
	case 1:
		return s.pick("WS", "ws", "PC", "LT", "DESKTOP-", "LAPTOP-") + strings.ToUpper(randStr(s, alnum, 4, 7))
	case 2:
		return s.pick("SRV", "srv", "FS", "SQL", "WEB", "APP", "EXCH", "FILE") + s.pick("-", "") +
			fmt.Sprintf("%02d", 1+s.intn(40))
	case 3:
		return s.pick("web", "db", "api", "worker", "build", "k8s-node", "bastion", "jump", "mail", "log") +
			fmt.Sprint(1+s.intn(20))
	case 4:
		return s.pick("prod", "stg", "dev", "qa") + "-" + s.pick("web", "db", "app", "cache", "etl") + "-" +
			fmt.Sprintf("%02d", s.intn(30))
	case 5:
		return s.pick("fileserver", "backup01", "jumpbox", "mgmt", "ci-runner", "gitlab", "nas", "printsrv")
	case 6:
		return s.expand("{{ip}}")
	default:
		return strings.ToLower(randStr(s, lower, 3, 6)) + fmt.Sprint(s.intn(100)) + "." +
			s.pick("corp.local", "contoso.com", "internal", "lab.local", "ad.example.org")
	}
}

func ipAddr(s *sample) string {
	switch s.intn(4) {
	case 0:
		return fmt.Sprintf("10.%d.%d.%d", s.intn(256), s.intn(256), 1+s.intn(254))
	case 1:
		return fmt.Sprintf("192.168.%d.%d", s.intn(256), 1+s.intn(254))
	case 2:
		return fmt.Sprintf("172.%d.%d.%d", 16+s.intn(16), s.intn(256), 1+s.intn(254))
	default:
		return fmt.Sprintf("%d.%d.%d.%d", 20+s.intn(180), s.intn(256), s.intn(256), 1+s.intn(254))
	}
}

func guid(s *sample) string {
	return fmt.Sprintf("%s-%s-%s-%s-%s", randStr(s, hexdig, 8, 8), randStr(s, hexdig, 4, 4),
		randStr(s, hexdig, 4, 4), randStr(s, hexdig, 4, 4), randStr(s, hexdig, 12, 12))
}

// renamedExe draws a plausible name for a renamed copy of a tool.
func renamedExe(s *sample) string {
	switch s.intn(5) {
	case 0:
		return randStr(s, lower, 1, 3) + s.pick(".exe", "64.exe", "")
	case 1:
		return s.pick("svchost", "svch0st", "update", "msupdate", "winupd", "dllhost32", "taskhostw", "conhost64",
			"runtimebroker", "searchindexer", "wuauclt64", "igfxsvc", "perfmon32", "helper", "tool", "agent",
			"diag", "dbg", "sysdiag", "msdtc32", "OneDriveUpdater", "teams_helper", "chrome_update") +
			s.pick(".exe", "")
	case 2:
		return strings.ToLower(randStr(s, lower, 4, 8)) + ".exe"
	case 3:
		return s.pick("a", "b", "x", "p", "t", "1", "2", "z") + s.pick(".exe", ".bin.exe", "")
	default:
		return s.pick("MicrosoftEdgeUpdate", "AdobeARM", "GoogleUpdate", "vmtoolsd_x", "jusched", "ccleaner_upd",
			"notepad2", "WinRAR_upd") + ".exe"
	}
}

// newSlots returns the slot table shared by all families.
func newSlots() map[string]slotFunc {
	m := map[string]slotFunc{
		"pipe":   oneOf("|"),
		"amp":    oneOf("&&", "&", ";"),
		"user":   userName,
		"host":   hostName,
		"ip":     ipAddr,
		"guid":   guid,
		"bguid":  func(s *sample) string { return "{" + guid(s) + "}" },
		"bcdid":  oneOf("{default}", "{current}"),
		"rndexe": renamedExe,
		"word":   func(s *sample) string { return randStr(s, lower, 3, 9) },
		"hex8":   func(s *sample) string { return randStr(s, hexdig, 8, 8) },
		"hex32":  func(s *sample) string { return randStr(s, hexdig, 32, 32) },
		"n":      func(s *sample) string { return fmt.Sprint(1 + s.intn(9)) },
		"num":    func(s *sample) string { return fmt.Sprint(1 + s.intn(500)) },
		"pid":    func(s *sample) string { return fmt.Sprint(4 + 4*s.intn(3000)) },
		"lsapid": func(s *sample) string { return fmt.Sprint(480 + 4*s.intn(400)) },
		"port": func(s *sample) string {
			return s.pick("80", "443", "8080", "8443", "3000", "5000", "5432", "3306", "6379", "9200", "22", "2222",
				"4444", "1337", "9001", "53", "8000", "27017", "1433", "5985", "3389", fmt.Sprint(1024+s.intn(60000)))
		},
		"c2port": oneOf("4444", "443", "8443", "1337", "9001", "8080", "53", "4443", "31337", "5555", "6666"),
		"date": func(s *sample) string {
			return fmt.Sprintf("20%02d-%02d-%02d", 20+s.intn(7), 1+s.intn(12), 1+s.intn(28))
		},
		"time":   func(s *sample) string { return fmt.Sprintf("%02d:%02d", s.intn(24), s.intn(60)) },
		"ver":    func(s *sample) string { return fmt.Sprintf("%d.%d.%d", s.intn(5), s.intn(30), s.intn(20)) },
		"domain": oneOf("CORP", "corp", "CONTOSO", "contoso.local", "ACME", "acme.corp", "LAB", "FABRIKAM", "AD", "INTERNAL", "corp.example.com", "HQ", "EU", "north.corp.local"),
		"pass": func(s *sample) string {
			return s.pick("P@ssw0rd", "Summer2024!", "Winter23$", "Passw0rd!", "Welcome1", "Ch@ngeMe123",
				"Spring2025#", "qwerty123!", "Company@2024", randStr(s, alnum, 8, 14)+"!", "Adm1n!"+fmt.Sprint(s.intn(999)))
		},
		"sid": func(s *sample) string {
			return fmt.Sprintf("S-1-5-21-%d-%d-%d-%s", 1000000000+s.intn(2000000000), 1000000000+s.intn(2000000000),
				1000000000+s.intn(2000000000), s.pick("500", "512", "519", "518", "1105", "1000", fmt.Sprint(1100+s.intn(5000))))
		},
		// Windows directories in cmd.exe syntax.
		"wtemp": oneOf(`%TEMP%`, `%TMP%`, `C:\Windows\Temp`, `c:\windows\temp`, `C:\Users\Public`, `C:\ProgramData`,
			`%APPDATA%`, `%LOCALAPPDATA%\Temp`, `C:\PerfLogs`, `C:\temp`, `C:\tmp`, `%PUBLIC%`, `C:\Users\{{user}}\AppData\Local\Temp`,
			`D:\`, `C:\Users\{{user}}\Desktop`, `%USERPROFILE%\Downloads`, `C:\Windows\Tasks`, `C:\Recovery`, `\\{{host}}\c$\temp`, `C:\inetpub\wwwroot`),
		// Windows directories in PowerShell syntax.
		"pstemp": oneOf(`$env:TEMP`, `$env:TMP`, `C:\Windows\Temp`, `$env:PUBLIC`, `C:\ProgramData`, `$env:APPDATA`,
			`$env:LOCALAPPDATA\Temp`, `C:\temp`, `$env:USERPROFILE\Downloads`, `C:\Users\Public\Documents`, `$HOME`, `C:\PerfLogs`,
			`$env:windir\Temp`, `\\{{host}}\share`),
		"ltemp":  oneOf("/tmp", "/var/tmp", "/dev/shm", "~", "/root", "/home/{{user}}", "/opt/.cache", "/run/user/1000", "."),
		"sys32":  oneOf(`C:\Windows\System32`, `c:\windows\system32`, `%SystemRoot%\System32`, `%windir%\system32`, `C:\WINDOWS\system32`, `%SYSTEMROOT%\system32`),
		"pssys":  oneOf(`C:\Windows\System32`, `$env:windir\System32`, `$env:SystemRoot\system32`, `c:\windows\system32`),
		"winexe": oneOf("", ".exe"),
		"dmp": oneOf("lsass.dmp", "lsass.DMP", "out.dmp", "l.dmp", "debug.dmp", "mem.dmp", "proc.dmp", "{{word}}.dmp",
			"dump.bin", "{{word}}.tmp", "report.txt", "log.txt", "{{hex8}}.dmp", "ls.zip", "data.dat", "1.dmp", "crash.dmp",
			"minidump.mdmp", "lsass_{{pid}}.dmp", "x.log", "{{host}}.dmp", "backup.bak", "image.png", "test.dmp"),
		"samout":   oneOf("sam", "SAM", "sam.save", "sam.hiv", "sam.bak", "s.hiv", "s", "sam.dat", "1.tmp", "SAM.reg", "sam.{{word}}", "{{word}}.hiv", "a.dat", "sam.txt", "hklm_sam"),
		"sysout":   oneOf("system", "SYSTEM", "system.save", "system.hiv", "sys.bak", "y.hiv", "sys", "system.dat", "2.tmp", "SYSTEM.reg", "system.{{word}}", "{{word}}2.hiv", "b.dat", "sys.txt", "hklm_system"),
		"secout":   oneOf("security", "SECURITY", "security.save", "security.hiv", "sec.bak", "c.hiv", "sec", "security.dat", "3.tmp", "SECURITY.reg", "sec.{{word}}", "{{word}}3.hiv", "c.dat", "sec.txt", "hklm_security"),
		"shadowno": func(s *sample) string { return fmt.Sprint(1 + s.intn(12)) },
		"taskname": oneOf("Updater", "MicrosoftEdgeUpdateTaskCore", "{{word}}", "SysMaint", "GoogleUpdate", "OneDrive Sync",
			"\\Microsoft\\Windows\\{{word}}", "backup_{{word}}", "Task{{num}}", "WinDiag", "cleanup"),
		"svcname":  oneOf("Spooler", "wuauserv", "BITS", "W32Time", "WinRM", "Dnscache", "LanmanServer", "Themes", "AudioSrv", "MSSQLSERVER", "W3SVC", "Tomcat9", "nginx", "Apache2.4", "TermService", "DHCP", "Schedule", "SQLSERVERAGENT", "VSS", "wsearch", "MySQL80", "postgresql-x64-15", "jenkins", "docker", "sshd", "ZabbixAgent", "vmtools", "CertSvc", "iphlpsvc", "DPS", "TrkWks", "Fax", "XblGameSave", "RemoteRegistry"),
		"linsvc":   oneOf("nginx", "apache2", "httpd", "docker", "containerd", "sshd", "ssh", "postgresql", "mysql", "mariadb", "redis-server", "redis", "cron", "crond", "kubelet", "chronyd", "ntp", "NetworkManager", "bluetooth", "cups", "avahi-daemon", "php8.2-fpm", "grafana-server", "prometheus", "node_exporter", "elasticsearch", "kibana", "haproxy", "memcached", "rabbitmq-server", "mongod", "jenkins", "gitlab-runner", "snapd", "ModemManager", "postfix", "named", "smbd", "nfs-server", "libvirtd", "tomcat9", "zabbix-agent", "fail2ban", "unattended-upgrades", "systemd-resolved", "systemd-timesyncd", "packagekit", "colord"),
		"proc":     oneOf("notepad.exe", "chrome.exe", "msedge.exe", "w3wp.exe", "java.exe", "node.exe", "python.exe", "explorer.exe", "outlook.exe", "excel.exe", "winword.exe", "teams.exe", "sqlservr.exe", "dotnet.exe", "devenv.exe", "code.exe", "firefox.exe", "slack.exe", "zoom.exe", "javaw.exe", "powershell_ise.exe", "mmc.exe", "Acrobat.exe", "spoolsv.exe", "dllhost.exe", "OneDrive.exe", "vmware.exe", "MyApp.exe", "{{word}}.exe"),
		"proj":     oneOf("api", "web", "frontend", "backend", "infra", "payments", "auth-service", "billing", "{{word}}", "ttp-{{word}}", "monorepo", "docs", "cli", "platform", "data-pipeline", "ml-models", "mobile-app", "gateway", "scheduler", "inventory"),
		"branch":   oneOf("main", "master", "develop", "feature/{{word}}", "fix/{{word}}-{{num}}", "release/{{ver}}", "hotfix/{{num}}", "dependabot/npm/{{word}}-{{ver}}", "chore/{{word}}", "{{user}}/{{word}}"),
		"image":    oneOf("nginx:1.25", "nginx:latest", "postgres:16", "redis:7-alpine", "alpine:3.19", "ubuntu:22.04", "debian:bookworm-slim", "python:3.12-slim", "node:20", "golang:1.22", "busybox", "grafana/grafana:10.2.0", "prom/prometheus", "mysql:8", "mongo:7", "registry.example.com/{{proj}}:{{ver}}", "ghcr.io/{{word}}/{{proj}}:latest", "{{proj}}:dev", "elasticsearch:8.12.0", "traefik:v2.11", "hashicorp/terraform:1.7", "amazon/aws-cli", "mcr.microsoft.com/dotnet/sdk:8.0", "rabbitmq:3-management"),
		"ns":       oneOf("default", "kube-system", "prod", "staging", "dev", "monitoring", "ingress-nginx", "cert-manager", "{{proj}}", "argocd", "logging", "team-{{word}}", "observability", "istio-system"),
		"pod":      oneOf("{{proj}}-{{hex8}}-{{word}}", "{{proj}}-0", "{{proj}}-deployment-{{hex8}}", "postgres-0", "redis-master-0", "nginx-{{hex8}}", "{{proj}}-worker-{{n}}"),
		"pkg":      oneOf("curl", "wget", "git", "vim", "htop", "jq", "tmux", "nginx", "python3-pip", "build-essential", "openssl", "net-tools", "tcpdump", "strace", "unzip", "zip", "ca-certificates", "gnupg", "lsof", "rsync", "tree", "ripgrep", "fd-find", "make", "gcc", "nodejs", "docker-ce", "postgresql-client", "redis-tools", "sysstat", "iotop", "ncdu", "bash-completion", "software-properties-common", "libssl-dev", "zlib1g-dev", "python3-venv", "golang", "openjdk-17-jdk", "auditd", "apparmor-utils", "ufw", "fail2ban", "clamav"),
		"npmpkg":   oneOf("express", "react", "lodash", "typescript", "eslint", "prettier", "jest", "vite", "axios", "webpack", "@types/node", "next", "vue", "dotenv", "nodemon", "ts-node", "mocha", "chalk", "commander", "zod", "tailwindcss", "@angular/cli", "pm2", "yarn", "pnpm", "left-pad"),
		"pypkg":    oneOf("requests", "numpy", "pandas", "flask", "django", "pytest", "black", "boto3", "pyyaml", "scikit-learn", "fastapi", "uvicorn", "sqlalchemy", "jinja2", "click", "rich", "httpx", "mypy", "ruff", "poetry", "torch", "matplotlib"),
		"gomod":    oneOf("github.com/spf13/cobra", "github.com/stretchr/testify", "golang.org/x/sync", "github.com/gorilla/mux", "go.uber.org/zap", "github.com/prometheus/client_golang", "google.golang.org/grpc", "github.com/gin-gonic/gin", "golang.org/x/tools/gopls", "github.com/golangci/golangci-lint/cmd/golangci-lint"),
		"file":     oneOf("README.md", "main.go", "config.yaml", "app.log", "notes.txt", "report.pdf", "data.csv", "index.html", "package.json", "Dockerfile", "setup.py", "backup.tar.gz", "{{word}}.txt", "{{word}}.log", "{{word}}.json", "settings.ini", "server.crt", "id_rsa.pub", "photo.jpg", "Makefile", "docker-compose.yml", "schema.sql", "dump.sql", "{{word}}.py", "{{word}}.ps1", "{{word}}.sh"),
		"wfile":    oneOf(`C:\Users\{{user}}\Documents\{{file}}`, `{{file}}`, `C:\Projects\{{proj}}\{{file}}`, `D:\data\{{file}}`, `.\{{file}}`, `C:\inetpub\logs\LogFiles\W3SVC1\u_ex{{num}}.log`, `%USERPROFILE%\Desktop\{{file}}`, `C:\Program Files\{{word}}\{{file}}`, `\\{{host}}\share\{{file}}`),
		"lfile":    oneOf("/etc/hosts", "/etc/nginx/nginx.conf", "/var/log/syslog", "/var/log/nginx/access.log", "~/{{file}}", "./{{file}}", "/home/{{user}}/{{file}}", "/opt/{{proj}}/{{file}}", "/srv/{{proj}}/{{file}}", "/etc/ssh/sshd_config", "/var/log/auth.log", "/etc/fstab", "src/{{file}}", "/tmp/{{file}}", "/etc/resolv.conf", "/var/www/html/{{file}}", "/etc/systemd/system/{{proj}}.service"),
		"url":      oneOf("https://example.com", "https://{{word}}.example.com/{{word}}", "http://localhost:{{port}}/health", "https://api.github.com/repos/{{word}}/{{proj}}", "https://registry.npmjs.org/{{npmpkg}}", "http://{{ip}}:{{port}}/", "https://downloads.example.org/{{proj}}-{{ver}}.tar.gz", "https://intranet.corp.local/{{word}}", "https://status.example.net/api/v2/status.json"),
		"region":   oneOf("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "westeurope", "eastus", "northeurope", "us-central1", "europe-west4"),
		"bucket":   oneOf("{{proj}}-artifacts", "{{proj}}-backups-{{num}}", "logs-{{word}}", "tfstate-{{word}}", "company-data-lake", "{{word}}-static"),
		"rg":       oneOf("rg-{{proj}}-prod", "rg-{{proj}}-dev", "{{proj}}-rg", "rg-shared", "rg-network", "rg-{{word}}"),
		"db":       oneOf("appdb", "postgres", "inventory", "{{proj}}", "orders", "users", "analytics", "mydb", "test", "prod_db", "reporting", "crm"),
		"table":    oneOf("users", "orders", "events", "accounts", "sessions", "products", "audit_log", "payments", "{{word}}", "customers", "invoices"),
		"edrwin":   oneOf(edrWinServices...),
		"edrproc":  oneOf(edrWinProcs...),
		"edrlin":   oneOf(edrLinuxServices...),
		"edrlproc": oneOf(edrLinuxProcs...),
		"edrmac":   oneOf(edrMacPlists...),
		"edrdrv":   oneOf("WdFilter", "SysmonDrv", "CSAgent", "SentinelMonitor", "CbEDRDrv", "mfehidk", "SophosED", "klif", "epfwwfp", "CyProtectDrv64", "bddevflt", "ElasticEndpoint", "WdNisDrv", "MpKslDrv", "FeKern", "cyverak", "tedrdrv", "eamonm", "ehdrv", "TmFileMonitor", "rvsavd", "csacentr"),
		"edrpath":  oneOf(edrWinPaths...),
	}
	addCredSlots(m)
	addImpairSlots(m)
	addTokenSlots(m)
	addBenignSlots(m)
	addCredSlotsMore(m)
	addImpairSlotsMore(m)
	addTokenSlotsMore(m)
	addBenignSlotsMore(m)
	addBenignSlotsPriorUnix(m)
	addBenignSlotsDualword(m)
	addBenignSlotsRevert(m)
	addPairedSlots(m)
	addBenignSlotsPriorWin(m)
	addLogDestinationSlots(m)
	return m
}

var edrWinServices = []string{"WinDefend", "windefend", "Sense", "WdNisSvc", "WdBoot", "WdFilter", "SecurityHealthService",
	"wscsvc", "MsMpSvc", "CSFalconService", "CSAgent", "SentinelAgent", "SentinelStaticEngine", "LogProcessorService",
	"CbDefense", "CarbonBlack", "RepMgr", "CylanceSvc", "SAVService", "Sophos Endpoint Defense Service", "SophosHealth",
	"Sophos MCS Agent", "hmpalertsvc", "SepMasterService", "SmcService", "mfemms", "mfefire", "McShield", "masvc",
	"macmnsvc", "ntrtscan", "TmListen", "ds_agent", "ekrn", "AVP", "klnagent", "EPSecurityService", "EPProtectedService",
	"bdredline", "ElasticEndpoint", "elastic-agent", "winlogbeat", "SplunkForwarder", "cyserver", "CyveraService",
	"MBAMService", "WRSVC", "Sysmon", "Sysmon64", "SysmonDrv", "WazuhSvc", "OssecSvc", "osqueryd", "QualysAgent", "xagt",
	"CybereasonActiveProbe", "AATPSensor", "AATPSensorUpdater", "MsSense", "CrowdStrike Falcon Sensor Service",
	"Tanium Client", "nxlog", "HealthService", "AmSvc", "TaniumClient", "Windows Defender Antivirus Service", "mpssvc", "EventLog"}

var edrWinProcs = []string{"MsMpEng.exe", "MsSense.exe", "SenseCncProxy.exe", "NisSrv.exe", "MpCmdRun.exe",
	"SecurityHealthService.exe", "CSFalconService.exe", "CSFalconContainer.exe", "SentinelAgent.exe",
	"SentinelServiceHost.exe", "SentinelStaticEngine.exe", "SentinelUI.exe", "RepMgr.exe", "cb.exe", "CylanceSvc.exe",
	"SavService.exe", "SophosHealth.exe", "SEDService.exe", "hmpalert.exe", "ccSvcHst.exe", "smc.exe", "mfemms.exe",
	"mcshield.exe", "masvc.exe", "ntrtscan.exe", "tmlisten.exe", "ds_agent.exe", "ekrn.exe", "egui.exe", "avp.exe",
	"klnagent.exe", "bdagent.exe", "vsserv.exe", "EPSecurityService.exe", "elastic-endpoint.exe", "elastic-agent.exe",
	"winlogbeat.exe", "splunkd.exe", "cyserver.exe", "cytray.exe", "MBAMService.exe", "mbamtray.exe", "WRSA.exe",
	"Sysmon.exe", "Sysmon64.exe", "wazuh-agent.exe", "ossec-agent.exe", "osqueryd.exe", "QualysAgent.exe", "xagt.exe",
	"CybereasonAV.exe", "minionhost.exe", "AATPSensor.exe", "TaniumClient.exe", "nxlog.exe", "HealthService.exe"}

var edrLinuxServices = []string{"falcon-sensor", "sentinelone", "sentinelagent", "cbagentd", "cbdaemon", "mdatp",
	"wdavdaemon", "auditd", "osqueryd", "wazuh-agent", "ossec", "elastic-agent", "filebeat", "auditbeat", "sysmon",
	"ds_agent", "clamav-daemon", "clamav-freshclam", "sophos-spl", "rsyslog", "syslog-ng", "falco", "tetragon",
	"tracee", "qualys-cloud-agent", "cylancesvc", "xagt", "taniumclient", "splunk", "splunkforwarder", "nessusagent",
	"cybereason-sensor", "amazon-guardduty-agent", "aws-guardduty-agent", "google-cloud-ops-agent", "omsagent",
	"azuremonitoragent", "td-agent-bit", "fluent-bit", "lacework", "datadog-agent", "crowdsec", "aide", "tripwire"}

var edrLinuxProcs = []string{"falcon-sensor", "falcond", "sentinelone-agent", "s1-agent", "s1-scanner", "cbagentd",
	"wdavdaemon", "auditd", "osqueryd", "wazuh-agentd", "ossec-agentd", "elastic-agent", "filebeat", "auditbeat",
	"sysmon", "ds_agent", "clamd", "falco", "tetragon", "qualys-cloud-agent", "xagt", "splunkd", "rsyslogd",
	"syslog-ng", "systemd-journald", "crowdsec", "nessusd", "omsagent", "fluent-bit"}

var edrMacPlists = []string{"com.crowdstrike.falcond", "com.crowdstrike.userdaemon", "com.sentinelone.sentineld",
	"com.sentinelone.sentineld-helper", "com.sentinelone.sentineld-updater", "com.microsoft.wdav.daemon",
	"com.microsoft.fresno", "com.jamf.protect.daemon", "com.carbonblack.daemon", "com.vmware.carbonblack.cloud.daemon",
	"com.cylance.agent_service", "com.sophos.common.servicemanager", "com.objective-see.lulu", "com.eset.remoteadministrator.agent",
	"com.elastic.endpoint", "com.elastic.agent", "com.osquery.osqueryd", "com.apple.auditd", "com.wazuh.agent",
	"com.malwarebytes.mbam.rtprotection.daemon", "com.trendmicro.icore.av", "com.kaspersky.kav"}

var edrWinPaths = []string{`C:\Program Files\Windows Defender\MsMpEng.exe`, `C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24010.12-0\MsMpEng.exe`,
	`C:\Program Files\Windows Defender Advanced Threat Protection\MsSense.exe`, `C:\Program Files\CrowdStrike\CSFalconService.exe`,
	`C:\Program Files\SentinelOne\Sentinel Agent 23.4.2.14\SentinelAgent.exe`, `C:\Program Files\Confer\RepMgr.exe`,
	`C:\Program Files\Elastic\Endpoint\elastic-endpoint.exe`, `C:\Program Files\Sophos\Sophos File Scanner\SophosFileScanner.exe`,
	`C:\Program Files (x86)\Symantec\Symantec Endpoint Protection\ccSvcHst.exe`, `C:\Program Files\Cylance\Desktop\CylanceSvc.exe`,
	`C:\Program Files\Palo Alto Networks\Traps\cyserver.exe`, `C:\Program Files\ESET\ESET Security\ekrn.exe`,
	`C:\Program Files\Microsoft Monitoring Agent\Agent\MonitoringHost.exe`, `C:\Program Files\Cybereason ActiveProbe\minionhost.exe`,
	`C:\Program Files (x86)\ossec-agent\wazuh-agent.exe`, `C:\Program Files\Tanium\Tanium Client\TaniumClient.exe`}
