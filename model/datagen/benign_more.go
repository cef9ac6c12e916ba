package datagen

import (
	"fmt"
	"strings"
)

// More benign families: admin, developer and operations commands and hard negatives.
// Slots added here are prefixed "bx" to keep clear of other files' slots.

var bxSyllables = []string{"grind", "vex", "quor", "tal", "zen", "nim", "brak", "cor", "flux", "orb", "kel", "mira", "dax",
	"pyl", "rho", "sable", "tern", "vint", "wex", "yara", "lum", "krat", "oster", "plin", "quill", "sorb", "tavi", "ulm",
	"venn", "zeph", "hadr", "ferr", "gant", "jolt", "mox", "nerv", "opal", "prax", "riv", "strat", "hal", "cind", "bel", "arc"}

var bxToolNames = []string{"grindctl", "vexport", "quorra", "tallyman", "zenops", "nimbus-cli", "braksync", "orbital", "kelpie",
	"miractl", "daxter", "pylon", "rhodium", "sablectl", "ternary", "vintner", "wexler", "yarrow", "lumen", "kratos-cli", "plinth",
	"quillpen", "sorbet", "tavern", "ulmctl", "zephyr", "hadrian", "ferret", "gantry", "joltctl", "moxie", "nerva", "opalctl", "praxis",
	"riverbed", "strata", "halyard", "cinder", "belfry", "arcadia", "fleetctl", "shipit", "relayd", "bastionctl", "corpctl", "infractl"}

// bxTool draws an invented command-line tool name.
func bxTool(s *sample) string {
	switch s.intn(5) {
	case 0, 1:
		return bxToolNames[s.intn(len(bxToolNames))]
	case 2:
		return bxSyllables[s.intn(len(bxSyllables))] + bxSyllables[s.intn(len(bxSyllables))] +
			s.pick("ctl", "", "-cli", "d", "adm", "x", "er", "ify", "-ops", "kit")
	case 3:
		return s.pick("acme", "corp", "ops", "plat", "infra", "data", "sre", "eng", "int") + "-" +
			bxSyllables[s.intn(len(bxSyllables))] + s.pick("", "ctl", "-agent", "-tool", "-sync")
	default:
		return bxSyllables[s.intn(len(bxSyllables))] + s.pick("ctl", "-cli", "adm", "ops", "sh", "run")
	}
}

// bxWinTool draws an invented Windows program name.
func bxWinTool(s *sample) string {
	syl := bxSyllables[s.intn(len(bxSyllables))]
	name := strings.ToUpper(syl[:1]) + syl[1:]
	switch s.intn(4) {
	case 0:
		return name + s.pick("Agent", "Sync", "Ctl", "Admin", "Deploy", "Report", "Tool", "Svc", "Helper", "Manager") + ".exe"
	case 1:
		return s.pick("Acme", "Contoso", "Fabrikam", "Corp", "Northwind") + "." + name + s.pick("", ".Cli", ".Console") + ".exe"
	case 2:
		return `"C:\Program Files\` + s.pick("Acme", "Contoso", "Fabrikam", "Northwind Traders") + `\` + name + `\` + name + s.pick("", "Cli", "Console") + `.exe"`
	default:
		return strings.ToLower(name) + s.pick("ctl", "cli", "adm", "") + ".exe"
	}
}

func addBenignSlotsMore(m map[string]slotFunc) {
	m["bxtool"] = bxTool
	m["bxwintool"] = bxWinTool
	m["bxsyl"] = func(s *sample) string { return bxSyllables[s.intn(len(bxSyllables))] }
	m["bxenv"] = oneOf("prod", "staging", "dev", "qa", "sandbox", "uat", "perf", "eu-prod", "us-prod", "preprod")
	m["bxflag"] = oneOf("--env {{bxenv}}", "--dry-run", "-v", "--verbose", "--region {{region}}", "--profile {{word}}", "-o json",
		"--output yaml", "--no-color", "--yes", "--timeout {{n}}m", "--tenant {{word}}", "--cluster {{proj}}-{{bxenv}}", "--force",
		"--parallel {{n}}", "--log-level debug", "--since 24h", "--format table", "-q", "--config ./{{word}}.yaml", "--team {{word}}",
		"--disable-{{bxfeat}}", "--no-{{bxfeat}}", "--skip-{{bxfeat}}", "--{{bxfeat}}=false", "--disable-{{bxfeat}} --disable-{{bxfeat}}")
	// Features that everyday tools let one switch off; none of them is a security control.
	m["bxfeat"] = oneOf("updates", "update-check", "version-check", "confirmation", "prompts", "interactive", "color", "colors", "cache",
		"progress", "animations", "banner", "notifications", "hooks", "plugins", "gpu", "emoji", "pager", "spinner", "auto-update",
		"autostart", "tray", "sound", "thumbnails", "watch", "hot-reload", "minify", "sourcemaps", "compression", "retries", "tls-sni",
		"dns-cache", "ipv6", "wrap", "delete-confirmation", "auto-save", "history-sync", "crash-reporter", "usage-stats", "cloud-sync")
	m["bxyaml"] = oneOf("{{word}}.yaml", "deploy/{{bxenv}}.yaml", "manifests/{{proj}}.yml", "config/{{bxenv}}/{{word}}.yaml", "./{{proj}}.yaml", "pipeline.yml")
	// Services that are not security products: safe to stop, disable or mask.
	m["bxlinsvc"] = oneOf("nginx", "apache2", "httpd", "docker", "postgresql", "mysql", "mariadb", "redis-server", "cups", "cups-browsed",
		"bluetooth", "avahi-daemon", "ModemManager", "snapd", "packagekit", "colord", "memcached", "rabbitmq-server", "mongod", "jenkins",
		"gitlab-runner", "tomcat9", "php8.2-fpm", "grafana-server", "prometheus", "node_exporter", "elasticsearch", "kibana", "haproxy",
		"postfix", "smbd", "nmbd", "nfs-server", "libvirtd", "whoopsie", "apport", "kerneloops", "speech-dispatcher", "cockpit", "containerd",
		"{{proj}}", "{{proj}}-worker", "{{proj}}-api", "celery", "gunicorn", "uwsgi", "vsftpd", "xinetd", "rpcbind", "iscsid", "multipathd")
	m["bxlinunit"] = oneOf("sleep.target", "suspend.target", "hibernate.target", "hybrid-sleep.target", "ctrl-alt-del.target",
		"apt-daily.timer", "apt-daily-upgrade.timer", "systemd-networkd-wait-online.service", "NetworkManager-wait-online.service",
		"motd-news.timer", "man-db.timer", "fstrim.timer", "packagekit.service", "snapd.service", "bluetooth.service", "cups.service",
		"avahi-daemon.socket", "tmp.mount", "systemd-resolved.service", "getty@tty1.service", "plymouth-quit-wait.service")
	m["bxrmpkg"] = oneOf("vim-tiny", "nano", "apache2", "nginx", "snapd", "cups", "libreoffice-core", "thunderbird", "firefox-esr",
		"popularity-contest", "ubuntu-advantage-tools", "telnet", "rsh-client", "xinetd", "php7.4", "python2", "openjdk-11-jdk",
		"docker.io", "nodejs", "golang-go", "gnome-games", "aisleriot", "{{word}}", "mysql-server", "postgresql-14", "tmux", "htop")
	m["bxwinsvc"] = oneOf("Spooler", "XblGameSave", "XblAuthManager", "Fax", "DiagTrack", "dmwappushservice", "MapsBroker", "RemoteRegistry",
		"wuauserv", "BITS", "W3SVC", "WAS", "MSSQLSERVER", "SQLSERVERAGENT", "Tomcat9", "Apache2.4", "nginx", "MySQL80", "postgresql-x64-16",
		"RetailDemo", "WSearch", "SysMain", "lfsvc", "TabletInputService", "WbioSrvc", "bthserv", "icssvc", "PhoneSvc",
		"Jenkins", "gupdate", "gupdatem", "AdobeARMservice", "edgeupdate", "TeamViewer", "AnyDesk", "VMTools", "vmicheartbeat", "QEMU-GA",
		"{{proj}}Svc", "{{word}}Service", "CertPropSvc", "SCardSvr", "WerSvc", "stisvc", "upnphost", "SSDPSRV")
	m["bxapp"] = oneOf(`Notepad++`, `Microsoft VS Code`, `7-Zip`, `Google\Chrome\Application`, `Mozilla Firefox`, `Git`, `nodejs`,
		`Microsoft Office\root\Office16`, `VideoLAN\VLC`, `PuTTY`, `WinSCP`, `Python312`, `Docker\Docker`, `JetBrains\IntelliJ IDEA 2024.1\bin`,
		`Microsoft SQL Server Management Studio 19\Common7\IDE`, `Wireshark`, `Oracle\VirtualBox`, `Adobe\Acrobat DC\Acrobat`, `Zoom\bin`, `Postman`)
	m["bxwdir"] = oneOf(`C:\Program Files\{{bxapp}}`, `C:\Program Files (x86)\{{bxapp}}`, `%ProgramFiles%\{{bxapp}}`, `%LOCALAPPDATA%\Programs\{{bxapp}}`,
		`C:\Users\{{user}}\OneDrive - Contoso\Documents`, `C:\Users\{{user}}\Documents\Visual Studio 2022\Projects\{{proj}}`, `D:\Shared Files\{{word}}`,
		`"%APPDATA%\Microsoft\Windows\Start Menu\Programs"`, `C:\ProgramData\{{word}}\Logs`, `%USERPROFILE%\source\repos\{{proj}}`)
	m["bxctr"] = oneOf("{{proj}}", "{{proj}}-db", "{{proj}}_web_1", "{{proj}}-redis", "postgres", "redis", "nginx-proxy", "minio", "grafana", "jenkins", "{{word}}")
	m["bxmedia"] = oneOf("input.mp4", "video.mov", "clip.mkv", "{{word}}.mp4", "recording.webm", "talk-{{date}}.mp4", "IMG_{{num}}.MOV", "screencast.mkv")
	m["bximg"] = oneOf("photo.jpg", "IMG_{{num}}.JPG", "logo.png", "{{word}}.png", "scan-{{date}}.tiff", "banner.webp", "diagram.svg", "avatar.jpeg", "DSC_{{num}}.NEF")
	m["bxdoc"] = oneOf("README.md", "report.md", "notes.md", "{{word}}.md", "thesis.tex", "manual.rst", "CHANGELOG.md", "slides.md", "spec.docx", "minutes-{{date}}.md")
	m["bxpdf"] = oneOf("report.pdf", "invoice-{{num}}.pdf", "{{word}}.pdf", "scan.pdf", "contract_{{date}}.pdf", "manual.pdf", "slides.pdf")
	m["bxcidr"] = func(s *sample) string { return fmt.Sprintf("10.%d.%d.0/%d", s.intn(256), s.intn(256), 16+8*s.intn(2)) }
	m["bxzone"] = oneOf("us-east-1a", "us-west-2b", "eu-west-1c", "europe-west4-a", "us-central1-b", "asia-east1-a")
	m["bxinst"] = func(s *sample) string { return "i-0" + randStr(s, hexdig, 16, 16) }
	m["bxacct"] = func(s *sample) string { return fmt.Sprintf("%012d", 100000000000+s.intn(899999999)*1000+s.intn(1000)) }
	m["bxsha"] = func(s *sample) string { return randStr(s, hexdig, 40, 40) }
	m["bxsha256"] = func(s *sample) string { return randStr(s, hexdig, 64, 64) }
	m["bxdnszone"] = oneOf("corp.local", "contoso.com", "ad.example.org", "lab.local", "internal.example.net", "fabrikam.com")
	m["bxou"] = oneOf("OU=Users,OU=HQ,DC=corp,DC=local", "OU=Servers,DC=contoso,DC=com", "OU=Workstations,DC=corp,DC=local",
		"OU=Service Accounts,DC=ad,DC=example,DC=org", "OU=Disabled Users,DC=contoso,DC=com", "CN=Computers,DC=lab,DC=local")
	m["bxvm"] = oneOf("{{proj}}-vm{{n}}", "web{{n}}", "build-agent-{{n}}", "sql{{n}}", "dc{{n}}", "lab-{{word}}", "win11-test", "ubuntu-{{n}}", "{{host}}")
	m["bxsite"] = oneOf("Default Web Site", "{{proj}}", "{{proj}}-api", "Intranet", "{{word}}.contoso.com", "WebApp{{n}}")
	m["bxpool"] = oneOf("DefaultAppPool", "{{proj}}Pool", "{{proj}}-api", ".NET v4.5", "IntranetPool")
	m["bxmailbox"] = oneOf("{{user}}@contoso.com", "{{user}}", "sales@contoso.com", "helpdesk@{{bxdnszone}}", "\"{{user}}\"")
	m["bxgo"] = oneOf("./...", "./cmd/{{word}}", "./internal/{{word}}/...", "./pkg/...", ".")
	m["bxcrate"] = oneOf("serde", "tokio", "clap", "anyhow", "reqwest", "rayon", "tracing", "thiserror", "regex", "chrono", "sqlx", "axum", "itertools", "once_cell")
	m["bxgem"] = oneOf("rails", "rake", "rspec", "puma", "sidekiq", "nokogiri", "rubocop", "bundler", "pry", "devise", "jekyll", "faraday")
	m["bxnuget"] = oneOf("Newtonsoft.Json", "Serilog", "Dapper", "xunit", "Moq", "AutoMapper", "Polly", "FluentValidation", "Microsoft.EntityFrameworkCore", "Swashbuckle.AspNetCore")
	m["bxmvn"] = oneOf("org.springframework.boot:spring-boot-starter-web", "com.google.guava:guava", "junit:junit", "org.slf4j:slf4j-api", "com.fasterxml.jackson.core:jackson-databind")
	m["bxtask"] = oneOf("Nightly Backup", "{{proj}} report", "Cleanup Temp", "Rotate Logs", "Sync {{word}}", "GoogleUpdateTaskMachineCore", "Inventory Export", "{{word}}-maintenance")
	m["bxdmp"] = oneOf("lsass.dmp", "lsass.DMP", "l.dmp", "out.dmp", "{{word}}.dmp", "debug.bin", "lsass_{{pid}}.dmp", "mem.dmp", "proc.dmp", "{{hex8}}.dmp", "1.dmp")
	m["bxasr"] = oneOf(bxAsrRules...)
	m["bxhive"] = oneOf("sam.save", "system.save", "security.save", "sam.hiv", "system.hiv", "security.hiv", "SAM", "SYSTEM", "SECURITY", "sam", "system", "sam.bak", "sys.bak", "hklm_sam")
}

// Attack surface reduction rule ids (enabling them is protective).
var bxAsrRules = []string{"9e6c4e1f-7d60-472f-ba1a-a39ef669e4b2", "d4f940ab-401b-4efc-aadc-ad5f3c50688a", "3b576869-a4ec-4529-8536-b80a7769e899",
	"be9ba2d9-53ea-4cdc-84e5-9b1eeee46550", "5beb7efe-fd9a-4556-801d-275e5ffc04cc", "d3e037e1-3eb8-44c8-a917-57927947596d",
	"92e97fa1-2edf-4476-bdd6-9dd0b4dddc7b", "01443614-cd74-433a-b99e-2ecdc07bfc25", "c1db55ab-c21a-4637-bb3f-a12568109d35",
	"d1e49aac-8f56-4280-b9ba-993a6d77406c", "b2b3f03d-6a65-4f7b-a9c7-1c7ef74a9ba4", "56a863a9-875e-4185-98a7-b882c64b5ce5",
	"e6db77e5-3df2-4cf1-b95a-636979351e5b", "26190899-1602-49e8-8b27-eb1d0a1ce869", "7674ba52-37eb-4a4f-a9a1-f0f9a1619a2c"}

func benignFamiliesMore() []Family {
	var fs []Family
	fs = append(fs, bxLinuxFamilies()...)
	fs = append(fs, bxDevFamilies()...)
	fs = append(fs, bxCloudFamilies()...)
	fs = append(fs, bxWindowsFamilies()...)
	fs = append(fs, bxMacFamilies()...)
	fs = append(fs, bxMadeUpFamilies()...)
	fs = append(fs, shortUtilFamilies()...)
	fs = append(fs, manFamilies()...)
	fs = append(fs, bxHardNegFamilies()...)
	fs = append(fs, bxScriptFamilies()...)
	return fs
}

func bxLinuxFamilies() []Family {
	return []Family{
		bf("sh-coreutils-more", "linux", Sh,
			`ls -ltrh {{ltemp}}`, `ls -1 /etc/{{nginx|apache2|systemd/system|cron.d|apt/sources.list.d}}`, `ls -laSh /var/log | head -n {{n}}`,
			`cp -a /srv/{{proj}} /srv/{{proj}}.{{date}}`, `cp --preserve=all {{lfile}} /backup/`, `mv -v {{ltemp}}/{{file}} /srv/{{proj}}/`,
			`rm -i {{ltemp}}/{{word}}.{{log|tmp|bak|old}}`, `rm -rf ./node_modules ./dist`, `mkdir -pv /opt/{{proj}}/{{bin|conf|logs|releases/{{ver}}}}`,
			`install -m 0755 ./bin/{{proj}} /usr/local/bin/{{proj}}`, `install -d -o {{user}} -g {{user}} -m 0750 /var/lib/{{proj}}`,
			`ln -sfn /opt/{{proj}}/releases/{{ver}} /opt/{{proj}}/current`, `readlink -f /opt/{{proj}}/current`, `realpath {{file}}`,
			`basename {{lfile}} .conf`, `dirname {{lfile}}`, `touch -d "{{date}} 12:00" {{ltemp}}/{{file}}`, `truncate -s {{n}}G /var/lib/{{proj}}/disk.img`,
			`dd if=/dev/zero of={{ltemp}}/test.img bs=1M count={{num}} status=progress`, `dd if=ubuntu-24.04-live-server-amd64.iso of=/dev/{{sdb|sdc}} bs=4M conv=fsync status=progress`,
			`df -hT -x tmpfs -x devtmpfs`, `df -i /`, `du -h --max-depth=1 /var | sort -hr | head`, `du -sh ~/.cache/*`, `date -u +%Y-%m-%dT%H:%M:%SZ`,
			`date -d @{{num}}{{num}}{{num}}`, `cal -3`, `seq 1 {{num}}`, `yes | head -n {{n}}`, `sleep {{n}}`, `nproc`, `uname -a`, `uname -r`, `arch`,
			`printenv PATH`, `env -i bash --noprofile --norc`, `tee -a {{ltemp}}/{{word}}.log`, `split -b 100M {{word}}.tar.gz {{word}}.part.`,
			`cat {{word}}.part.* > {{word}}.tar.gz`, `shuf -n {{n}} {{lfile}}`, `nl -ba {{lfile}}`, `fold -w 80 {{lfile}}`, `stat -c '%U %G %a %n' {{lfile}}`,
			`chmod -R u+rwX,go-w /srv/{{proj}}`, `chgrp -R www-data /var/www/{{proj}}`, `mktemp -d`, `sync && echo 3 > /proc/sys/vm/drop_caches`),
		bf("sh-text-tools-more", "linux", Sh,
			`grep -rIl --exclude-dir=.git "{{word}}" .`, `grep -c "{{HTTP/1.1\" 500| 404 |ERROR|WARN}}" /var/log/nginx/access.log`, `grep -v '^#' /etc/{{ssh/sshd_config|nginx/nginx.conf|fstab|sysctl.conf}} | grep -v '^$'`,
			`zgrep -h "{{word}}" /var/log/{{linsvc}}/*.gz | wc -l`, `egrep -o '[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+' /var/log/nginx/access.log | sort | uniq -c | sort -nr | head -20`,
			`awk -F, 'NR>1 {sum+=$3} END {print sum}' {{word}}.csv`, `awk '$9 == 500 {print $7}' /var/log/nginx/access.log | sort | uniq -c`, `awk -F: '$3 >= 1000 {print $1}' /etc/passwd`,
			`sed -n '{{n}},{{num}}p' {{lfile}}`, `sed -e 's/\r$//' -i {{file}}`, `sed -i.bak '/^{{word}}=/d' .env`, `sed 's/^/    /' {{lfile}}`,
			`cut -f1,3 -d$'\t' {{word}}.tsv`, `paste -sd, {{lfile}}`, `join -t, <(sort a.csv) <(sort b.csv)`, `comm -13 <(sort old.txt) <(sort new.txt)`,
			`uniq -d {{lfile}}`, `sort -t, -k2 -n {{word}}.csv`, `sort -h sizes.txt`, `wc -lw {{lfile}}`, `tr -d '\r' < {{file}} > {{file}}.unix`, `tr -s ' ' < {{lfile}}`,
			`jq -r '.items[] | .metadata.name' {{word}}.json`, `jq -c 'select(.level == "error")' {{proj}}.log`, `jq '.dependencies | keys' package.json`, `jq --arg v {{ver}} '.version = $v' package.json > tmp.json`,
			`yq '.spec.replicas' deploy.yaml`, `yq -i '.image.tag = "{{ver}}"' values.yaml`, `xmllint --format {{word}}.xml`, `csvlook {{word}}.csv`, `mlr --icsv --opprint sort -f name {{word}}.csv`,
			`diff -u {{lfile}}.orig {{lfile}}`, `diff -rq dir1/ dir2/`, `colordiff -y a.txt b.txt`, `patch -p1 < {{word}}.patch`, `iconv -f latin1 -t utf-8 {{file}} -o {{file}}.utf8`,
			`dos2unix {{file}}`, `expand -t 4 {{file}}`, `rev {{file}}`, `strings -n 8 ./{{word}} | grep -i version`, `look {{word}}`, `fmt -w 72 {{bxdoc}}`, `tac {{lfile}} | head`),
		bf("sh-find-xargs-more", "linux", Sh,
			`find . -name '*.pyc' -delete`, `find /var/log -type f -name '*.log' -size +{{num}}M`, `find {{ltemp}} -type f -mtime +{{n}} -print`, `find . -type d -name node_modules -prune -exec rm -rf {} +`,
			`find /srv/{{proj}} -type f -newer /srv/{{proj}}/.deployed`, `find / -xdev -type f -size +1G 2>/dev/null`, `find . -iname '*{{word}}*'`, `find . -type f -perm -o+w -ls`,
			`find ~/Downloads -name '*.iso' -mtime +30 -delete`, `find . -name '*.go' | xargs wc -l | tail -1`, `find . -type f -print0 | xargs -0 sha256sum > SHA256SUMS`,
			`find /etc -name '*.conf' -exec grep -l "{{word}}" {} \;`, `find . -maxdepth 2 -type f -name 'Dockerfile*'`, `find . -empty -type d -delete`, `find /home -user {{user}} -type f | wc -l`,
			`locate {{word}}.conf`, `updatedb`, `fd -e {{go|py|ts|rs}} {{word}}`, `fd --hidden --no-ignore '\.env$'`, `rg --files | rg {{word}}`, `rg -tpy "def {{word}}"`, `rg -S "TODO|FIXME" --glob '!vendor'`,
			`ls *.log | xargs -I{} gzip {}`, `cat hosts.txt | xargs -P {{n}} -I{} ping -c1 -W1 {}`, `git ls-files '*.sh' | xargs shellcheck`, `which {{word}}`, `type -a python3`, `whereis nginx`,
			`command -v docker`, `ag "{{word}}" --ignore-dir vendor`, `ack --python "{{word}}"`),
		bf("sh-pkg-linux-more", "linux", Sh,
			`apt-get update && apt-get install -y --no-install-recommends {{pkg}}`, `apt list --installed | grep {{pkg}}`, `apt list --upgradable`, `apt show {{pkg}}`, `apt-cache search {{word}}`,
			`apt-get purge -y {{bxrmpkg}}`, `apt-mark hold {{linux-image-generic|docker-ce|kubelet kubeadm kubectl|postgresql-16}}`, `apt-mark unhold {{kubelet kubeadm kubectl|docker-ce}}`,
			`add-apt-repository ppa:{{deadsnakes/ppa|ondrej/php|git-core/ppa}}`, `dpkg -i ./{{word}}_{{ver}}_amd64.deb`, `dpkg -L {{pkg}}`, `dpkg -S /usr/bin/{{word}}`, `dpkg --configure -a`,
			`unattended-upgrade --dry-run --debug`, `do-release-upgrade -c`, `dnf install -y {{pkg}}`, `dnf search {{word}}`, `dnf info {{pkg}}`, `dnf history list`, `dnf history undo {{num}}`,
			`dnf module enable -y {{nodejs:20|postgresql:16|php:8.2}}`, `dnf config-manager --add-repo https://download.docker.com/linux/centos/docker-ce.repo`, `dnf clean all && dnf makecache`,
			`dnf remove {{bxrmpkg}}`, `yum check-update`, `yum list installed | grep {{pkg}}`, `yum provides '*/{{word}}'`, `yum localinstall -y {{word}}-{{ver}}.rpm`, `yum-config-manager --enable {{epel|powertools|crb}}`,
			`rpm -qi {{pkg}}`, `rpm -ql {{pkg}}`, `rpm -qf /etc/{{word}}.conf`, `rpm --import https://packages.{{word}}.com/gpg.key`, `zypper refresh`, `zypper search {{word}}`,
			`zypper install -y {{pkg}}`, `zypper update`, `zypper rm {{bxrmpkg}}`, `zypper lr -u`, `pacman -S --needed {{pkg}}`, `pacman -Qs {{word}}`, `pacman -Rns {{bxrmpkg}}`, `pacman -Qdtq`,
			`pacman -Sc`, `yay -S {{word}}-bin`, `paru -Syu`, `apk update && apk upgrade`, `apk add --virtual .build-deps gcc musl-dev`, `apk del .build-deps`, `apk info -vv | sort`,
			`snap list`, `snap refresh`, `snap install {{code|slack|helm|kubectl|go|node}} --classic`, `snap remove {{bxrmpkg}}`, `flatpak install -y flathub {{org.gimp.GIMP|com.spotify.Client|org.videolan.VLC|com.slack.Slack}}`,
			`flatpak update -y`, `flatpak list --app`, `flatpak uninstall --unused`, `nix-env -iA nixpkgs.{{pkg}}`, `nix-shell -p {{pkg}} {{pkg2}}`, `nix develop`, `nix flake update`,
			`nix-collect-garbage -d`, `nixos-rebuild switch`, `emerge --ask {{word}}`, `xbps-install -S {{pkg}}`, `eopkg it {{pkg}}`),
		bf("sh-systemd-queries-more", "linux", Sh,
			`systemctl list-timers --all`, `systemctl list-units --failed`, `systemctl list-dependencies {{linsvc}}`, `systemctl show {{linsvc}} -p {{MainPID|ActiveState|ExecStart|MemoryCurrent|Restart}}`,
			`systemctl is-enabled {{linsvc}}`, `systemctl is-failed {{linsvc}}`, `systemctl reset-failed`, `systemctl get-default`, `systemctl set-default {{multi-user.target|graphical.target}}`,
			`systemctl try-restart {{linsvc}}`, `systemctl reload-or-restart {{linsvc}}`, `systemctl --user status {{syncthing|pipewire|gpg-agent|podman}}`, `systemctl --user enable --now {{syncthing|podman.socket}}`,
			`systemd-analyze blame | head -n 20`, `systemd-analyze critical-chain`, `systemd-analyze verify /etc/systemd/system/{{proj}}.service`, `systemd-cgtop`, `systemd-cgls`,
			`systemd-run --unit={{proj}}-oneshot --on-calendar=daily /opt/{{proj}}/bin/cleanup.sh`, `systemd-resolve --statistics`, `journalctl -u {{linsvc}} --since today --until "1 hour ago"`,
			`journalctl -k -p warning`, `journalctl _PID={{pid}}`, `journalctl --list-boots`, `journalctl -b -1 -e`, `journalctl -o json-pretty -n {{n}} -u {{linsvc}}`, `journalctl --user -f`,
			`journalctl --since "{{date}} 09:00" --until "{{date}} 10:00" -u {{linsvc}}`, `journalctl SYSLOG_IDENTIFIER=sudo --since yesterday`, `journalctl --verify`,
			`loginctl list-sessions`, `loginctl show-session {{n}} -p Type`, `loginctl enable-linger {{user}}`, `loginctl terminate-user {{user}}`, `loginctl lock-sessions`,
			`timedatectl`, `timedatectl set-timezone {{Europe/Berlin|America/New_York|UTC|Asia/Tokyo}}`, `timedatectl set-ntp true`, `timedatectl timesync-status`,
			`hostnamectl`, `hostnamectl set-hostname {{host}}`, `localectl status`, `localectl set-locale LANG=en_US.UTF-8`, `localectl set-keymap de`, `networkctl status`, `networkctl list`,
			`resolvectl query {{host}}`, `resolvectl flush-caches`, `busctl list`, `coredumpctl info {{pid}}`, `bootctl status`, `machinectl list`, `homectl list`, `udevadm info /dev/{{sda|nvme0n1}}`),
		bf("sh-service-stop-mask-nonsec", "linux", Sh,
			`systemctl stop {{bxlinsvc}}`, `systemctl disable {{bxlinsvc}}`, `systemctl disable --now {{bxlinsvc}}`, `systemctl mask {{bxlinunit}}`, `systemctl mask --now {{bxlinunit}}`,
			`systemctl stop {{bxlinsvc}} && systemctl disable {{bxlinsvc}}`, `systemctl kill -s HUP {{bxlinsvc}}`, `systemctl kill {{bxlinsvc}}`, `service {{bxlinsvc}} stop`, `/etc/init.d/{{bxlinsvc}} stop`,
			`systemctl unmask {{bxlinunit}}`, `rc-service {{bxlinsvc}} stop`, `rc-update del {{bxlinsvc}} default`, `update-rc.d {{bxlinsvc}} disable`, `chkconfig {{bxlinsvc}} off`,
			`pkill -f '{{gunicorn: master|celery worker|node dist/server.js|puma 6|sidekiq 7}}'`, `killall -HUP {{nginx|haproxy|dnsmasq}}`, `kill -TERM $(cat /run/{{bxlinsvc}}.pid)`,
			`kill -9 $(pgrep -f '{{proj}}-worker')`, `docker stop $(docker ps -q --filter name={{proj}})`, `supervisorctl stop {{proj}}:*`, `pm2 stop {{proj}}`, `pm2 delete all`),
		bf("sh-network-more", "linux", Sh,
			`ip -br a`, `ip -s link show {{eth0|ens5|wlan0}}`, `ip route get {{ip}}`, `ip route add {{bxcidr}} via {{ip}} dev {{eth0|ens5}}`, `ip neigh show`, `ip -6 addr`, `ip netns list`,
			`ip link add br0 type bridge`, `ip addr flush dev {{eth1|ens6}}`, `ss -s`, `ss -tanp state established`, `ss -lntp | grep :{{goodport}}`, `ss -o state time-wait | wc -l`,
			`dig +trace {{host}}`, `dig @{{ip}} {{bxdnszone}} {{SOA|NS|TXT|AAAA|SRV}}`, `dig -x {{ip}}`, `host -t mx {{bxdnszone}}`, `nslookup -type=txt {{bxdnszone}}`, `drill {{host}}`,
			`curl -fsSL {{url}} -o {{ltemp}}/{{file}}`, `curl -w '%{http_code} %{time_total}\n' -o /dev/null -s {{url}}`, `curl -k --cert client.crt --key client.key https://{{host}}:8443/`,
			`curl -H "Accept: application/json" {{url}} | jq .`, `curl -u {{user}} -T {{file}} https://nexus.{{bxdnszone}}/repository/raw/{{file}}`, `curl --resolve {{host}}:443:{{ip}} https://{{host}}/`,
			`curl -x http://proxy.{{bxdnszone}}:3128 {{url}}`, `wget -c {{url}}`, `wget -r -np -nH --cut-dirs=2 https://mirror.{{bxdnszone}}/pub/{{word}}/`, `wget --spider {{url}}`, `http GET {{url}}`,
			`openssl s_client -connect {{host}}:443 -servername {{host}} </dev/null 2>/dev/null | openssl x509 -noout -dates`, `openssl x509 -in {{word}}.pem -noout -subject -issuer -enddate`,
			`openssl req -x509 -newkey rsa:4096 -sha256 -days 365 -nodes -keyout {{host}}.key -out {{host}}.crt -subj "/CN={{host}}"`, `openssl pkcs12 -export -out {{word}}.pfx -inkey {{word}}.key -in {{word}}.crt`,
			`openssl rand -base64 {{24|32|48}}`, `openssl verify -CAfile ca.pem {{word}}.pem`, `openssl genpkey -algorithm ed25519 -out {{word}}.key`, `openssl enc -aes-256-cbc -pbkdf2 -in {{file}} -out {{file}}.enc`,
			`nmap -sn {{bxcidr}}`, `nmap -p {{goodport}} {{host}}`, `ping -c 4 -i 0.2 {{host}}`, `ping6 -c 3 {{host}}`, `traceroute -n -T -p 443 {{host}}`, `tracepath {{host}}`, `mtr -rwc 50 {{host}}`,
			`tcpdump -i any -nn -c {{num}} host {{ip}}`, `tcpdump -i {{eth0|ens5}} -s0 -w {{ltemp}}/{{proj}}-{{date}}.pcap port {{goodport}}`, `tcpdump -nnvvXS -r {{word}}.pcap 'tcp[tcpflags] & tcp-syn != 0'`,
			`tshark -i {{eth0|any}} -f "port 53" -c 100`, `tshark -r {{word}}.pcap -Y http.request -T fields -e http.host`, `iperf3 -c {{host}} -t 30`, `iperf3 -s`, `ethtool -S {{eth0|ens5}}`,
			`nmcli con show`, `nmcli con up "{{word}}"`, `nmcli dev wifi list`, `iw dev wlan0 link`, `arping -I eth0 {{ip}}`, `whois {{bxdnszone}}`, `socat - TCP:{{host}}:{{goodport}}`, `nc -vz -w 3 {{host}} {{goodport}}`),
		bf("sh-ssh-rsync-more", "linux", Sh,
			`ssh -J {{user}}@bastion.{{bxdnszone}} {{user}}@{{host}}`, `ssh -o ConnectTimeout=5 {{host}} 'df -h /'`, `ssh -N -L 5432:{{host}}:5432 {{user}}@bastion.{{bxdnszone}}`, `ssh -D 1080 -N {{user}}@{{host}}`,
			`ssh-keygen -lf ~/.ssh/id_ed25519.pub`, `ssh-keygen -R {{host}}`, `ssh-keyscan -H {{host}} >> ~/.ssh/known_hosts`, `ssh-keygen -t rsa -b 4096 -f ~/.ssh/{{proj}}_deploy -N ""`,
			`ssh -T git@github.com`, `ssh-agent -s`, `ssh-add -l`, `scp -r {{user}}@{{host}}:/var/log/{{linsvc}} ./logs/`, `scp -P 2222 {{file}} {{user}}@{{host}}:~`, `sftp -b batch.txt {{user}}@{{host}}`,
			`rsync -aHAX --info=progress2 /data/ /mnt/backup/data/`, `rsync -az --exclude '.git' --exclude node_modules ./ {{user}}@{{host}}:/srv/{{proj}}/`, `rsync -avn --delete src/ dst/`,
			`rsync -e "ssh -p 2222" -av {{user}}@{{host}}:/home/{{user}}/{{word}} .`, `rclone sync ./backups remote:{{bucket}} --progress`, `rclone ls remote:{{bucket}}`, `sshfs {{user}}@{{host}}:/srv /mnt/{{word}}`,
			`mosh {{user}}@{{host}}`, `autossh -M 0 -f -N -R 2222:localhost:22 {{user}}@{{host}}`, `pssh -h hosts.txt -i uptime`, `clush -w web[1-{{n}}] 'systemctl is-active nginx'`),
		bf("sh-archive-compress-more", "linux", Sh,
			`tar --zstd -cf {{proj}}-{{date}}.tar.zst {{proj}}/`, `tar -I 'zstd -19 -T0' -cf {{word}}.tar.zst {{word}}/`, `tar -xJf {{word}}-{{ver}}.tar.xz`, `tar -cvpzf /backup/home-{{date}}.tgz --exclude=.cache /home/{{user}}`,
			`tar -tzf {{word}}.tar.gz | head`, `tar --exclude-vcs -czf src.tgz .`, `tar -C /opt -xzf {{proj}}-{{ver}}-linux-amd64.tar.gz`, `zstd -T0 -19 {{word}}.sql`, `zstd -d {{word}}.tar.zst`,
			`zstdcat {{word}}.log.zst | grep ERROR`, `pigz -p {{n}} {{word}}.tar`, `xz -T0 -9 {{word}}.img`, `bzip2 -k {{file}}`, `lz4 {{word}}.img`, `zip -r -9 {{proj}}.zip . -x '*.git*'`,
			`zip -e secret-{{date}}.zip {{file}}`, `unzip -l {{word}}.zip`, `unzip -q {{word}}.zip -d /opt/{{word}}`, `7z a -t7z -mx=9 {{word}}.7z {{word}}/`, `7z l {{word}}.7z`, `7z x -o{{ltemp}}/out {{word}}.zip`,
			`unrar x {{word}}.rar`, `cpio -idmv < {{word}}.cpio`, `ar x {{word}}.deb`, `gzip -dc {{word}}.sql.gz | psql {{db}}`, `zcat access.log.*.gz | goaccess -`),
		bf("sh-media-docs", "linux", Sh,
			`ffmpeg -i {{bxmedia}} -c:v libx264 -crf 23 -preset medium -c:a aac out.mp4`, `ffmpeg -i {{bxmedia}} -vn -acodec libmp3lame -q:a 2 audio.mp3`, `ffmpeg -ss 00:01:30 -i {{bxmedia}} -t 30 -c copy clip.mp4`,
			`ffmpeg -i {{bxmedia}} -vf scale=1280:-2 -c:a copy {{word}}-720p.mp4`, `ffmpeg -framerate 30 -pattern_type glob -i '*.png' -c:v libx264 -pix_fmt yuv420p timelapse.mp4`, `ffprobe -v error -show_format -show_streams {{bxmedia}}`,
			`ffmpeg -i {{bxmedia}} -vf "fps=10,scale=480:-1" {{word}}.gif`, `ffmpeg -f concat -safe 0 -i list.txt -c copy merged.mp4`, `convert {{bximg}} -resize 50% small.jpg`, `convert {{bximg}} -quality 85 {{word}}.webp`,
			`magick mogrify -resize 1024x1024\> -path thumbs/ *.jpg`, `magick identify -verbose {{bximg}}`, `montage *.png -tile 4x -geometry +2+2 sheet.png`, `convert -density 150 {{bxpdf}} -quality 90 page-%02d.png`,
			`pandoc {{bxdoc}} -o {{word}}.pdf --pdf-engine=xelatex`, `pandoc -s {{bxdoc}} -t html5 -o index.html --toc`, `pandoc {{word}}.docx -t gfm -o {{word}}.md`, `pdftk {{bxpdf}} cat 1-{{n}} output first.pdf`,
			`pdftk a.pdf b.pdf cat output merged.pdf`, `pdftk {{bxpdf}} burst`, `qpdf --decrypt {{bxpdf}} decrypted.pdf`, `pdftotext -layout {{bxpdf}} -`, `pdfinfo {{bxpdf}}`, `pdfunite a.pdf b.pdf out.pdf`,
			`gs -sDEVICE=pdfwrite -dPDFSETTINGS=/ebook -dNOPAUSE -dBATCH -sOutputFile=small.pdf {{bxpdf}}`, `exiftool {{bximg}}`, `exiftool -all= -overwrite_original {{bximg}}`, `exiftool -DateTimeOriginal -s3 *.jpg`,
			`exiftool '-FileName<CreateDate' -d %Y%m%d_%H%M%S.%%e .`, `optipng -o5 {{word}}.png`, `jpegoptim --max=85 *.jpg`, `sox in.wav -r 16000 -c 1 out.wav`, `lame -V2 in.wav out.mp3`,
			`yt-dlp -f bestaudio -x --audio-format mp3 "{{url}}"`, `libreoffice --headless --convert-to pdf {{word}}.docx`, `tesseract scan.png out -l eng`, `inkscape {{word}}.svg --export-type=png -w 512`),
		bf("sh-oneliner-loops", "linux", Sh,
			`for f in *.{{jpg|png|log|csv}}; do echo "$f"; done`, `for h in web{1..{{n}}}; do ssh $h uptime; done`, `for i in $(seq 1 {{n}}); do curl -s -o /dev/null -w '%{http_code}\n' {{url}}; done`,
			`while read -r line; do echo "${line}"; done < {{lfile}}`, `for f in *.mp4; do ffmpeg -i "$f" -vn "${f%.mp4}.m4a"; done`, `for d in */; do (cd "$d" && git pull --ff-only); done`,
			`for ns in $(kubectl get ns -o name); do kubectl get pods -n ${ns#namespace/} --no-headers | wc -l; done`, `while true; do date; sleep {{n}}; done`, `until pg_isready -h {{host}}; do sleep 2; done`,
			`for u in $(cut -d: -f1 /etc/passwd); do crontab -l -u $u 2>/dev/null; done`, `find . -name '*.tar.gz' | while read f; do tar -tzf "$f" > /dev/null || echo "bad: $f"; done`,
			`ls /srv | xargs -n1 -I{} du -sh /srv/{}`, `for svc in {{linsvc}} {{linsvc2}}; do systemctl is-active $svc; done`, `for i in {1..5}; do docker run --rm {{image}} echo $i; done`,
			`cat urls.txt | while read u; do wget -q "$u"; done`, `for f in $(git diff --name-only HEAD~1); do echo "changed: $f"; done`, `watch -n1 'ss -s'`, `time (for i in {1..100}; do ./{{word}} > /dev/null; done)`,
			`printf '%s\n' {{word}} {{word2}} | sort`, `[ -f {{lfile}} ] && echo exists || echo missing`, `test -d /opt/{{proj}} || mkdir -p /opt/{{proj}}`, `if systemctl is-active --quiet {{linsvc}}; then echo up; fi`,
			`awk 'BEGIN{for(i=0;i<{{n}};i++) print i}'`, `for f in *.csv; do tail -n +2 "$f"; done > all.csv`, `parallel -j{{n}} gzip ::: *.log`),
		bf("sh-storage-more", "linux", Sh,
			`lsblk -f`, `lsblk -o NAME,SIZE,TYPE,MOUNTPOINT`, `findmnt -t ext4,xfs`, `mount | column -t`, `mount -o remount,rw /`, `mount -t nfs {{host}}:/export/{{word}} /mnt/{{word}}`,
			`mount -t cifs //{{host}}/{{word}} /mnt/{{word}} -o credentials=/root/.smbcred,vers=3.0`, `parted /dev/{{sdb|nvme1n1}} print`, `parted -s /dev/sdb mklabel gpt mkpart primary ext4 0% 100%`,
			`sgdisk -p /dev/sda`, `mkfs.xfs /dev/{{sdb1|nvme1n1p1}}`, `mkswap /swapfile && swapon /swapfile`, `fallocate -l {{n}}G /swapfile`, `tune2fs -l /dev/sda1 | grep -i 'mount count'`,
			`xfs_info /`, `btrfs filesystem usage /`, `btrfs subvolume snapshot /home /snapshots/home-{{date}}`, `zpool status`, `zfs list -t snapshot`, `zfs snapshot tank/{{word}}@{{date}}`,
			`lvcreate -L {{n}}0G -n {{word}} vg0`, `lvs -a`, `vgextend vg0 /dev/sdc`, `cryptsetup luksOpen /dev/sdb1 {{word}}`, `cryptsetup status {{word}}`, `mdadm --detail /dev/md0`, `cat /proc/mdstat`,
			`iostat -dx 2`, `iotop -oPa`, `hdparm -Tt /dev/sda`, `nvme smart-log /dev/nvme0`, `fstrim -av`, `ncdu /var`, `quota -u {{user}}`, `exportfs -ra`, `showmount -e {{host}}`),
		bf("sh-perf-observability", "linux", Sh,
			`top -o %MEM`, `htop -u {{user}}`, `atop 5`, `glances`, `sar -u 1 5`, `sar -r -f /var/log/sa/sa{{n}}`, `mpstat -P ALL 1`, `pidstat -d 1`, `free -m -s 5`,
			`cat /proc/meminfo | head`, `cat /proc/loadavg`, `cat /proc/{{pid}}/status`, `ls -l /proc/{{pid}}/fd | wc -l`, `pmap -x {{pid}} | tail -1`, `slabtop -o | head`,
			`perf top -p {{pid}}`, `perf stat -e cycles,instructions ./{{word}}`, `bpftrace -e 'tracepoint:syscalls:sys_enter_openat { @[comm] = count(); }'`, `execsnoop-bpfcc`, `biolatency-bpfcc 1 5`,
			`strace -c -p {{pid}}`, `strace -f -e trace=file -o trace.log ./{{word}}`, `ltrace -c ./{{word}}`, `lsof +D /var/log`, `lsof -nP -iTCP -sTCP:LISTEN`, `fuser -vm /mnt/{{word}}`,
			`dmesg --level=err,warn`, `dmesg -w`, `lscpu`, `lsmem`, `lspci -nnk`, `lsusb -t`, `dmidecode -t {{system|memory|bios}}`, `sensors`, `numactl --hardware`, `nvidia-smi`, `nvidia-smi --query-gpu=name,memory.used --format=csv`,
			`sysctl -a | grep {{vm.swappiness|net.core.somaxconn|fs.file-max}}`, `sysctl -w vm.swappiness=10`, `ulimit -n 65535`, `prlimit --pid {{pid}}`, `vmstat -s`, `uptime -p`, `tuned-adm profile throughput-performance`),
		bf("sh-users-sudo-more", "linux", Sh,
			`id -Gn`, `getent group {{docker|sudo|wheel|developers}}`, `groupadd {{word}}`, `gpasswd -a {{user}} {{docker|developers|www-data}}`, `usermod -L {{user}}`, `usermod -U {{user}}`,
			`usermod -s /usr/sbin/nologin {{user}}`, `chage -M 90 -W 7 {{user}}`, `chage -d 0 {{user}}`, `passwd -l {{user}}`, `useradd -r -s /bin/false {{proj}}`, `adduser --disabled-password --gecos "" {{user}}`,
			`deluser {{user}} {{docker|sudo}}`, `sudo -iu postgres psql`, `sudo -u www-data php artisan migrate`, `sudo !!`, `sudo -k`, `sudoedit /etc/{{hosts|nginx/nginx.conf}}`, `visudo -c`,
			`echo '{{user}} ALL=(ALL) NOPASSWD: /usr/bin/systemctl restart {{linsvc}}' > /etc/sudoers.d/{{user}}`, `last -x reboot | head`, `lastb | head`, `faillock --user {{user}} --reset`,
			`pam_tally2 --user {{user}} --reset`, `finger {{user}}`, `newgrp docker`, `runuser -l {{user}} -c 'whoami'`, `getfacl /srv/{{proj}}`, `setfacl -m u:{{user}}:rwx /srv/{{proj}}`),
	}
}

func bxDevFamilies() []Family {
	return []Family{
		bf("dev-go-rust-more", "any", Sh,
			`go test -cover -coverprofile=cover.out {{bxgo}}`, `go tool cover -html=cover.out`, `go build -trimpath -ldflags "-s -w -X main.version={{ver}}" -o bin/{{proj}} ./cmd/{{proj}}`,
			`go mod why {{gomod}}`, `go mod graph | grep {{word}}`, `go mod vendor`, `go clean -cache -testcache`, `go version -m ./bin/{{proj}}`, `go doc {{gomod}}`, `go list -m -u all`,
			`go test -run '^Test{{word}}$' -v -count=1 {{bxgo}}`, `go test -short -timeout 5m {{bxgo}}`, `go vet -vettool=$(which shadow) ./...`, `govulncheck ./...`, `staticcheck ./...`, `dlv debug ./cmd/{{word}} -- --port {{goodport}}`,
			`dlv test ./internal/{{word}}`, `dlv attach {{pid}}`, `go work init ./{{word}} ./{{word2}}`, `go env -w GOPRIVATE=github.com/{{word}}/*`, `CGO_ENABLED=0 go build -o /out/app .`,
			`cargo new {{word}} --lib`, `cargo add {{bxcrate}}{{| --features derive| -F full}}`, `cargo build --release --target x86_64-unknown-linux-musl`, `cargo test -- --nocapture`, `cargo test --workspace --all-features`,
			`cargo clippy --all-targets -- -D warnings`, `cargo fmt --all -- --check`, `cargo update -p {{bxcrate}}`, `cargo tree -d`, `cargo doc --open`, `cargo bench`, `cargo audit`, `cargo install {{ripgrep|cargo-watch|cargo-edit|sqlx-cli|just}}`,
			`cargo run --bin {{word}} -- --config {{word}}.toml`, `cargo publish --dry-run`, `rustup toolchain install nightly`, `rustup target add {{wasm32-unknown-unknown|aarch64-unknown-linux-gnu|x86_64-pc-windows-gnu}}`,
			`rustup component add {{clippy|rustfmt|rust-src|rust-analyzer}}`, `rustup default stable`, `rustc --version --verbose`, `cross build --target aarch64-unknown-linux-gnu --release`, `wasm-pack build --target web`),
		bf("dev-js-more", "any", Sh,
			`npm init -y`, `npm i -D {{npmpkg}}@latest`, `npm uninstall {{npmpkg}}`, `npm update {{npmpkg}}`, `npm run build -- --mode production`, `npm run test -- --coverage`, `npm pack`, `npm version {{patch|minor|major}}`,
			`npm dedupe`, `npm cache clean --force`, `npm view {{npmpkg}} versions --json`, `npm whoami`, `npm login --registry {{url}}`, `npm token revoke {{hex8}}`, `npm exec -- {{eslint --fix .|tsc -p .}}`,
			`npm link ../{{word}}`, `npm prune --production`, `npm explain {{npmpkg}}`, `npm doctor`, `yarn install --frozen-lockfile`, `yarn workspace {{word}} add {{npmpkg}}`, `yarn why {{npmpkg}}`, `yarn upgrade-interactive`,
			`yarn dlx {{create-vite|@nestjs/cli new}} {{proj}}`, `yarn cache clean`, `pnpm install --frozen-lockfile`, `pnpm -r build`, `pnpm --filter {{word}} test`, `pnpm store prune`, `pnpm dlx {{npmpkg}}`,
			`npx tsc --init`, `npx playwright test --project=chromium`, `npx cypress run --spec "cypress/e2e/{{word}}.cy.ts"`, `npx prisma migrate dev --name {{word}}`, `npx next build`, `npx jest --runInBand {{word}}`,
			`npx webpack --config webpack.prod.js`, `npx vitest run`, `npx turbo run build --filter={{word}}`, `npx lerna publish from-package`, `npx storybook dev -p 6006`, `node --max-old-space-size=4096 build.js`,
			`node -e "console.log(process.versions)"`, `node --test`, `node --heapsnapshot-signal=SIGUSR2 server.js`, `corepack enable`, `nvm install --lts`, `nvm alias default 20`, `fnm use`, `volta install node@20`,
			`bun run dev`, `bun test`, `deno task dev`, `deno fmt`, `tsc -w`, `eslint --ext .ts,.tsx src/`, `prettier --check "src/**/*.{ts,tsx}"`, `vite preview --port {{goodport}}`),
		bf("dev-python-more", "any", Sh,
			`python3 -m pip install --upgrade pip setuptools wheel`, `pip install -e ".[dev]"`, `pip install {{pypkg}}=={{ver}}`, `pip uninstall -y {{pypkg}}`, `pip show {{pypkg}}`, `pip check`, `pip index versions {{pypkg}}`,
			`pip wheel -w wheels/ -r requirements.txt`, `pip install --no-index --find-links=wheels -r requirements.txt`, `pip config set global.index-url {{url}}`, `pip cache purge`,
			`pipx install {{black|poetry|httpie|pre-commit|ruff|tox|cookiecutter}}`, `pipx upgrade-all`, `pipx run {{cowsay|pycowsay|black --version}}`, `pipx list`,
			`poetry new {{word}}`, `poetry lock --no-update`, `poetry add --group dev {{pypkg}}`, `poetry run python -m {{word}}`, `poetry build`, `poetry publish -r {{word}}`, `poetry env info`, `poetry export -f requirements.txt -o requirements.txt`,
			`uv venv`, `uv pip install -r requirements.txt`, `uv sync --frozen`, `uv add {{pypkg}}`, `uv run pytest -q`, `uv lock --upgrade`, `uv tool install {{ruff|black|mypy}}`, `uv python install 3.12`,
			`conda create -n {{word}} python=3.11 -y`, `conda env export > environment.yml`, `conda install -c conda-forge {{pypkg}}`, `mamba env update -f environment.yml`, `conda deactivate`,
			`python3 -m pytest tests/ -n auto --maxfail=1`, `python -m unittest discover -s tests -v`, `python -m cProfile -o prof.out {{word}}.py`, `python -m pdb {{word}}.py`, `python3 -X importtime -c "import {{pypkg}}"`,
			`python3 -m json.tool {{word}}.json`, `python3 -m zipfile -l {{word}}.zip`, `python3 -c "import sys; print(sys.version)"`, `python -m build`, `twine upload dist/*`, `pre-commit run --all-files`,
			`ruff format .`, `isort .`, `flake8 src/`, `pylint {{word}}`, `bandit -r src/`, `coverage run -m pytest && coverage report -m`, `sphinx-build -b html docs docs/_build`, `mkdocs serve`,
			`django-admin startproject {{word}}`, `python manage.py makemigrations {{word}}`, `python manage.py dumpdata {{word}}.{{table}} --indent 2 > fixtures.json`, `python manage.py loaddata fixtures.json`,
			`python manage.py shell -c "from django.contrib.auth.models import User; print(User.objects.count())"`, `alembic upgrade head`, `alembic revision --autogenerate -m "{{word}}"`, `celery -A {{proj}} worker -l info`,
			`gunicorn -w {{n}} -b 0.0.0.0:{{goodport}} {{proj}}.wsgi`, `streamlit run app.py`, `jupyter lab --no-browser --port 8888`, `jupyter nbconvert --to html {{word}}.ipynb`),
		bf("dev-ruby-jvm-dotnet", "any", Sh,
			`gem install {{bxgem}}`, `gem list {{bxgem}}`, `gem update --system`, `gem uninstall {{bxgem}}`, `bundle install --jobs {{n}}`, `bundle exec rspec spec/{{word}}_spec.rb`, `bundle exec rake db:migrate`,
			`bundle update {{bxgem}}`, `bundle config set --local path vendor/bundle`, `bundle exec rubocop -A`, `rails new {{word}} --database=postgresql`, `rails generate model {{word}} name:string`, `rails db:seed`,
			`rails console -e production`, `rails routes | grep {{word}}`, `rake -T`, `rbenv install 3.3.0`, `rvm use 3.2`, `jekyll build`, `bundle exec jekyll serve`,
			`mvn -B package --file pom.xml`, `mvn test -Dtest={{word}}Test`, `mvn versions:display-dependency-updates`, `mvn dependency:resolve`, `mvn spring-boot:run -Dspring-boot.run.profiles={{bxenv}}`,
			`mvn deploy -DskipTests -P release`, `mvn help:effective-pom`, `mvn -q dependency:copy-dependencies -DoutputDirectory=lib`, `./mvnw clean verify`, `gradle tasks --all`, `./gradlew test --tests '*{{word}}*'`,
			`./gradlew bootRun --args='--spring.profiles.active={{bxenv}}'`, `./gradlew dependencies --configuration runtimeClasspath`, `./gradlew clean build -x test`, `./gradlew --stop`, `./gradlew wrapper --gradle-version 8.7`,
			`java -Xmx2g -jar target/{{proj}}-{{ver}}.jar`, `java -XX:+PrintFlagsFinal -version | grep HeapSize`, `jps -lv`, `jcmd {{jvm}} Thread.print`, `jcmd {{jvm}} VM.flags`, `jstat -gcutil {{jvm}} 1000`, `keytool -list -keystore {{word}}.jks`,
			`keytool -importcert -alias {{word}} -file ca.crt -keystore truststore.jks`, `sdk install java 21.0.2-tem`, `kotlinc {{word}}.kt -include-runtime -d {{word}}.jar`, `sbt compile`, `lein test`,
			`dotnet new console -o {{proj}}`, `dotnet add package {{bxnuget}}`, `dotnet remove package {{bxnuget}}`, `dotnet list package --outdated`, `dotnet test --filter "FullyQualifiedName~{{word}}"`,
			`dotnet publish -c Release -r {{linux-x64|win-x64|osx-arm64}} --self-contained`, `dotnet tool install -g {{dotnet-ef|dotnet-format|dotnet-trace|dotnet-counters}}`, `dotnet ef migrations add {{word}}`,
			`dotnet user-secrets set "ConnectionStrings:Default" "Server=localhost;Database={{db}}"`, `dotnet user-secrets list`, `dotnet dev-certs https --trust`, `dotnet nuget locals all --clear`,
			`dotnet counters monitor -p {{pid}}`, `dotnet trace collect -p {{pid}} --duration 00:00:30`, `dotnet watch run`, `dotnet format`, `dotnet sln add src/{{proj}}/{{proj}}.csproj`, `nuget restore {{proj}}.sln`),
		bf("dev-c-build-more", "any", Sh,
			`gcc -Wall -Wextra -g -o {{word}} {{word}}.c`, `gcc -shared -fPIC -o lib{{word}}.so {{word}}.c`, `g++ -std=c++20 -O2 -o {{word}} main.cpp`, `clang -fsanitize=address -g {{word}}.c -o {{word}}`,
			`clang++ -std=c++17 -I include -c src/{{word}}.cpp -o build/{{word}}.o`, `clang-tidy src/*.cpp -- -Iinclude`, `cc -E {{word}}.c | less`, `ld --verbose | head`, `ar rcs lib{{word}}.a *.o`,
			`nm -C lib{{word}}.so | grep {{word}}`, `readelf -h ./{{word}}`, `readelf -d ./{{word}} | grep NEEDED`, `ldd ./{{word}}`, `objdump -h ./{{word}}`, `strip --strip-unneeded ./{{word}}`, `size ./{{word}}`,
			`make -C build -j$(nproc)`, `make V=1`, `make distclean`, `make check`, `make install PREFIX=$HOME/.local`, `./configure --prefix=/usr/local --enable-shared`, `autoreconf -fi`,
			`cmake -G Ninja -B build -DCMAKE_EXPORT_COMPILE_COMMANDS=ON`, `cmake --install build --prefix /opt/{{proj}}`, `ctest --test-dir build --output-on-failure`, `cmake --build build --target {{word}} --config Release`,
			`ninja -C build -t targets`, `meson setup builddir`, `meson compile -C builddir`, `bazel test //...`, `bazel query 'deps(//{{word}}:{{word2}})'`, `buck2 build //{{word}}:{{word2}}`,
			`pkg-config --cflags --libs openssl`, `ccache -s`, `gdb -q ./{{word}} core`, `gdb --args ./{{word}} --config test.conf`, `valgrind --tool=massif ./{{word}}`, `cppcheck --enable=all src/`, `conan install . --build=missing`, `vcpkg install {{zlib|openssl|fmt|boost}}`,
			`zig build -Doptimize=ReleaseSafe`, `tcc -run {{word}}.c`, `swift build -c release`, `xcodebuild -scheme {{proj}} -configuration Release build`, `emcc {{word}}.c -o {{word}}.html`),
		bf("vcs-more", "any", Sh,
			`git log --graph --decorate --oneline --all`, `git log --since="2 weeks ago" --author="{{user}}" --pretty=format:'%h %s'`, `git log -p -S '{{word}}' -- {{file}}`, `git shortlog -sn --no-merges`,
			`git diff --cached`, `git diff --name-status {{branch}}...HEAD`, `git add -p`, `git restore --staged {{file}}`, `git restore {{file}}`, `git commit --amend --no-edit`, `git commit -m "{{feat|fix|chore|docs}}({{word}}): {{word2}}"`,
			`git reflog | head -n 20`, `git reset --soft HEAD~1`, `git revert --no-edit {{hex8}}`, `git branch -vv`, `git branch -d {{branch}}`, `git push origin --delete {{branch}}`, `git fetch origin pull/{{num}}/head:pr-{{num}}`,
			`git remote add upstream https://github.com/{{word}}/{{proj}}.git`, `git rebase upstream/main`, `git rebase --continue`, `git merge --abort`, `git stash push -m "{{word}}" -- {{file}}`, `git stash drop`,
			`git tag -l 'v*' --sort=-v:refname | head`, `git describe --tags --always`, `git archive --format=tar.gz -o {{proj}}-{{ver}}.tar.gz HEAD`, `git bundle create {{proj}}.bundle --all`, `git sparse-checkout set {{word}}`,
			`git clone --depth 1 --branch {{branch}} https://github.com/{{word}}/{{proj}}.git`, `git config --global pull.rebase true`, `git config --list --show-origin`, `git config --global credential.helper cache`,
			`git filter-repo --path {{word}}/ --invert-paths`, `git fsck --full`, `git count-objects -vH`, `git verify-commit HEAD`, `git log --show-signature -1`, `git notes add -m "{{word}}"`, `git range-diff main@{u} main`,
			`git lfs track "*.{{psd|bin|zip}}"`, `git submodule foreach git pull origin main`, `git maintenance start`, `git switch -c {{branch}} origin/{{branch}}`, `git ls-remote --tags origin`, `git grep -n "{{word}}"`,
			`gh pr list --state open --author @me`, `gh pr checkout {{num}}`, `gh pr merge {{num}} --squash --delete-branch`, `gh issue create --title "{{word}}" --label bug`, `gh release create v{{ver}} --generate-notes`,
			`gh workflow run {{word}}.yml -f env={{bxenv}}`, `gh run watch`, `gh secret set {{NPM_TOKEN|DOCKERHUB_TOKEN|SLACK_WEBHOOK|SENTRY_AUTH_TOKEN}} < token.txt`, `gh api repos/{{word}}/{{proj}}/pulls`, `glab mr create --fill`, `glab ci status`,
			`hg clone https://hg.{{bxdnszone}}/{{proj}}`, `hg pull -u`, `hg status`, `hg log -l {{n}}`, `hg commit -m "{{word}}"`, `hg push`, `hg update {{branch}}`, `hg diff -r tip`, `hg shelve`,
			`svn checkout https://svn.{{bxdnszone}}/repos/{{proj}}/trunk {{proj}}`, `svn update`, `svn status`, `svn log -l {{n}} -v`, `svn diff -r HEAD`, `svn commit -m "{{word}}"`, `svn add {{file}}`, `svn info`, `svn revert -R .`,
			`svnadmin dump /srv/svn/{{proj}} > {{proj}}.svndump`, `svnadmin load /srv/svn/{{proj}} < {{proj}}.svndump`, `svnadmin hotcopy /srv/svn/{{proj}} /backup/svn/{{proj}}`, `fossil status`, `p4 sync //depot/{{proj}}/...`),
		bf("containers-more", "any", Sh,
			`docker ps --filter status=exited -q`, `docker ps --format json | jq -r .Names`, `docker image ls --filter dangling=true`, `docker image prune -f`, `docker image prune -a --filter "until=168h"`,
			`docker container prune -f`, `docker volume prune -f`, `docker builder prune --all`, `docker system df -v`, `docker buildx build --platform linux/amd64,linux/arm64 -t {{image}} --push .`, `docker buildx ls`,
			`docker build --no-cache -f Dockerfile.{{bxenv}} -t {{image}} .`, `docker build --build-arg VERSION={{ver}} --target runtime -t {{image}} .`, `docker run --rm -v "$PWD":/work -w /work {{image}} make test`,
			`docker run --rm -e POSTGRES_PASSWORD=postgres -p 5432:5432 postgres:16`, `docker run -d --restart unless-stopped --name {{bxctr}} {{image}}`, `docker run --rm --network host {{image}} curl -s localhost:{{goodport}}`,
			`docker logs --since 10m --tail 200 {{bxctr}}`, `docker top {{bxctr}}`, `docker restart {{bxctr}}`, `docker kill --signal=HUP {{bxctr}}`, `docker pause {{bxctr}}`, `docker unpause {{bxctr}}`, `docker wait {{bxctr}}`,
			`docker exec {{bxctr}} pg_dump -U postgres {{db}} > {{db}}.sql`, `docker exec -i {{bxctr}} psql -U postgres < schema.sql`, `docker cp ./{{file}} {{bxctr}}:/tmp/`, `docker diff {{bxctr}}`, `docker export {{bxctr}} > {{bxctr}}.tar`,
			`docker load -i {{word}}.tar`, `docker save -o images.tar {{image}} {{image2}}`, `docker history {{image}}`, `docker manifest inspect {{image}}`, `docker scout cves {{image}}`, `docker context use {{word}}`, `docker logout`,
			`docker compose ps`, `docker compose pull`, `docker compose restart {{word}}`, `docker compose exec {{word}} sh`, `docker compose -f docker-compose.{{bxenv}}.yml config`, `docker compose stop`, `docker compose run --rm {{word}} {{npm test|pytest|rake}}`,
			`docker network ls`, `docker network inspect bridge`, `docker volume inspect {{word}}_data`, `docker swarm init`, `docker service ls`, `docker stack deploy -c stack.yml {{proj}}`, `docker secret create {{word}}_db_password ./db_password.txt`,
			`podman ps -a`, `podman build -t {{image}} .`, `podman pod create --name {{proj}} -p {{goodport}}:{{goodport}}`, `podman generate systemd --new --name {{bxctr}} > ~/.config/systemd/user/{{bxctr}}.service`,
			`podman system prune -a`, `podman login quay.io`, `podman machine start`, `buildah from {{image}}`, `buildah commit {{word}} {{image}}`, `buildah push {{image}} docker://{{image}}`, `skopeo inspect docker://{{image}}`,
			`skopeo copy docker://{{image}} oci-archive:{{word}}.tar`, `nerdctl run -d --name {{bxctr}} {{image}}`, `nerdctl compose up -d`, `nerdctl images`, `crictl ps`, `crictl pods`, `crictl logs {{hex8}}`, `crictl images`, `crictl rmi --prune`,
			`ctr -n k8s.io images ls`, `dive {{image}}`, `hadolint Dockerfile`, `trivy image {{image}}`, `grype {{image}}`, `syft {{image}} -o spdx-json > sbom.json`, `cosign verify --key cosign.pub {{image}}`),
		bf("k8s-more", "any", Sh,
			`kubectl get pods -n {{ns}} -o wide --sort-by=.status.startTime`, `kubectl get pods -A --field-selector=status.phase!=Running`, `kubectl get events -n {{ns}} --sort-by=.lastTimestamp`,
			`kubectl get deploy {{proj}} -n {{ns}} -o yaml > {{proj}}-backup.yaml`, `kubectl get nodes -L topology.kubernetes.io/zone`, `kubectl get pvc -A`, `kubectl get crd`, `kubectl api-resources --namespaced=true`,
			`kubectl explain deployment.spec.strategy`, `kubectl diff -f {{bxyaml}}`, `kubectl apply -k overlays/{{bxenv}}`, `kubectl apply --server-side -f {{bxyaml}}`, `kubectl delete -f {{bxyaml}} --ignore-not-found`,
			`kubectl rollout history deploy/{{proj}} -n {{ns}}`, `kubectl rollout undo deploy/{{proj}} -n {{ns}} --to-revision={{n}}`, `kubectl rollout pause deploy/{{proj}}`, `kubectl set image deploy/{{proj}} {{proj}}={{image}} -n {{ns}}`,
			`kubectl set env deploy/{{proj}} LOG_LEVEL=debug -n {{ns}}`, `kubectl autoscale deploy {{proj}} --min=2 --max={{n}}0 --cpu-percent=70`, `kubectl debug -it {{pod}} --image=busybox --target={{proj}} -n {{ns}}`,
			`kubectl debug node/{{host}} -it --image=ubuntu`, `kubectl cp {{ns}}/{{pod}}:/tmp/{{file}} ./{{file}}`, `kubectl logs -l app={{proj}} -n {{ns}} --all-containers --since=1h`, `kubectl logs {{pod}} -n {{ns}} --previous`,
			`kubectl top nodes`, `kubectl uncordon {{host}}`, `kubectl taint nodes {{host}} dedicated={{word}}:NoSchedule`, `kubectl annotate deploy {{proj}} kubernetes.io/change-cause="{{word}}"`,
			`kubectl create secret generic {{proj}}-db --from-literal=username={{user}} --from-file=password=./pw.txt -n {{ns}}`, `kubectl create secret docker-registry regcred --docker-server=ghcr.io --docker-username={{user}}`,
			`kubectl create configmap {{proj}}-config --from-file=config.yaml -n {{ns}} --dry-run=client -o yaml`, `kubectl create serviceaccount {{proj}}-ci -n {{ns}}`, `kubectl create token {{proj}}-ci -n {{ns}} --duration=10m`,
			`kubectl create job {{word}}-manual --from=cronjob/{{word}} -n {{ns}}`, `kubectl delete job -l app={{proj}} -n {{ns}}`, `kubectl get secret {{proj}}-tls -n {{ns}} -o jsonpath='{.data.tls\.crt}' | base64 -d | openssl x509 -noout -enddate`,
			`kubectl auth can-i --list --as=system:serviceaccount:{{ns}}:{{proj}}`, `kubectl auth whoami`, `kubectl get --raw /readyz?verbose`, `kubectl cluster-info`, `kubectl cluster-info dump --output-directory=./cluster-state`,
			`kubectl config get-contexts`, `kubectl config set-context --current --namespace={{ns}}`, `kubectl config view --minify`, `kubectl wait --for=condition=available deploy/{{proj}} -n {{ns}} --timeout=120s`,
			`kubectl port-forward pod/{{pod}} 8080:{{goodport}} -n {{ns}}`, `kubectl proxy --port=8001`, `kubectl patch deploy {{proj}} -n {{ns}} -p '{"spec":{"replicas":3}}'`, `kubectl replace --force -f {{bxyaml}}`,
			`helm template {{proj}} ./charts/{{proj}} -f values-{{bxenv}}.yaml`, `helm lint ./charts/{{proj}}`, `helm dependency update ./charts/{{proj}}`, `helm history {{proj}} -n {{ns}}`, `helm rollback {{proj}} {{n}} -n {{ns}}`,
			`helm get values {{proj}} -n {{ns}}`, `helm repo add {{bitnami https://charts.bitnami.com/bitnami|prometheus-community https://prometheus-community.github.io/helm-charts|jetstack https://charts.jetstack.io}}`,
			`helm search repo {{word}}`, `helm package ./charts/{{proj}}`, `helm push {{proj}}-{{ver}}.tgz oci://ghcr.io/{{word}}/charts`, `kustomize build overlays/{{bxenv}} | kubectl apply -f -`, `kustomize edit set image {{proj}}={{image}}`,
			`k9s -n {{ns}}`, `k9s --context {{word}}`, `kind create cluster --name {{word}}`, `kind load docker-image {{image}}`, `minikube start --driver=docker --cpus 4`, `minikube service {{proj}} --url`, `k3d cluster create {{word}}`,
			`kubens {{ns}}`, `stern {{proj}} -n {{ns}}`, `argocd app sync {{proj}}`, `argocd app get {{proj}}`, `flux reconcile kustomization {{proj}} --with-source`, `flux get helmreleases -A`, `kubeadm token list`,
			`kubeadm token create --print-join-command`, `kubeadm upgrade plan`, `etcdctl endpoint health --cluster`, `velero backup create {{ns}}-{{date}} --include-namespaces {{ns}}`, `velero restore create --from-backup {{ns}}-{{date}}`),
	}
}

func bxCloudFamilies() []Family {
	return []Family{
		bf("cloud-aws-more", "cloud", Sh,
			`aws s3 ls s3://{{bucket}}/{{word}}/ --recursive --human-readable --summarize`, `aws s3 mb s3://{{bucket}} --region {{region}}`, `aws s3 rm s3://{{bucket}}/tmp/ --recursive`,
			`aws s3 presign s3://{{bucket}}/{{file}} --expires-in 3600`, `aws s3api get-bucket-versioning --bucket {{bucket}}`, `aws s3api put-bucket-versioning --bucket {{bucket}} --versioning-configuration Status=Enabled`,
			`aws s3api put-public-access-block --bucket {{bucket}} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true`,
			`aws s3api get-bucket-encryption --bucket {{bucket}}`, `aws s3api list-object-versions --bucket {{bucket}} --prefix {{word}}/`, `aws ec2 describe-instances --query 'Reservations[].Instances[].[InstanceId,State.Name]' --output table`,
			`aws ec2 start-instances --instance-ids {{bxinst}}`, `aws ec2 stop-instances --instance-ids {{bxinst}}`, `aws ec2 reboot-instances --instance-ids {{bxinst}}`, `aws ec2 describe-security-groups --group-ids sg-{{hex8}}`,
			`aws ec2 describe-vpcs --region {{region}}`, `aws ec2 describe-images --owners self --query 'Images[].Name'`, `aws ec2 create-snapshot --volume-id vol-{{hex8}}{{hex8}} --description "{{proj}} {{date}}"`,
			`aws ec2 describe-volumes --filters Name=status,Values=available`, `aws ec2 create-tags --resources {{bxinst}} --tags Key=Owner,Value={{user}}`, `aws ec2 get-console-output --instance-id {{bxinst}}`,
			`aws iam list-roles --query 'Roles[].RoleName'`, `aws iam get-user --user-name {{user}}`, `aws iam list-attached-user-policies --user-name {{user}}`, `aws iam list-access-keys --user-name {{user}}`,
			`aws iam create-access-key --user-name svc-{{proj}}`, `aws iam delete-access-key --user-name {{user}} --access-key-id AKIA{{hex8}}{{hex8}}`, `aws iam update-access-key --access-key-id AKIA{{hex8}}{{hex8}} --status Inactive --user-name {{user}}`,
			`aws iam generate-credential-report && aws iam get-credential-report`, `aws iam get-account-password-policy`, `aws sts get-session-token --serial-number arn:aws:iam::{{bxacct}}:mfa/{{user}} --token-code {{num}}{{num}}`,
			`aws sts decode-authorization-message --encoded-message "$MSG"`, `aws sso login --profile {{word}}`, `aws configure list-profiles`, `aws configure set region {{region}} --profile {{word}}`,
			`aws secretsmanager get-secret-value --secret-id {{proj}}/{{bxenv}}/db --query SecretString --output text`, `aws secretsmanager rotate-secret --secret-id {{proj}}/{{bxenv}}/db`, `aws ssm get-parameter --name /{{proj}}/{{bxenv}}/{{word}} --with-decryption`,
			`aws ssm put-parameter --name /{{proj}}/{{word}} --value "{{word2}}" --type SecureString --overwrite`, `aws kms list-keys`, `aws kms encrypt --key-id alias/{{proj}} --plaintext fileb://{{file}} --output text --query CiphertextBlob`,
			`aws rds describe-db-instances --query 'DBInstances[].DBInstanceIdentifier'`, `aws rds create-db-snapshot --db-instance-identifier {{proj}}-{{bxenv}} --db-snapshot-identifier {{proj}}-{{date}}`,
			`aws rds generate-db-auth-token --hostname {{proj}}.cluster-{{hex8}}.{{region}}.rds.amazonaws.com --port 5432 --username {{user}}`, `aws dynamodb scan --table-name {{table}} --max-items 10`,
			`aws dynamodb describe-table --table-name {{table}}`, `aws lambda list-functions --region {{region}}`, `aws lambda update-function-code --function-name {{proj}} --zip-file fileb://function.zip`,
			`aws ecs list-services --cluster {{proj}}-{{bxenv}}`, `aws ecs update-service --cluster {{proj}} --service {{proj}}-api --force-new-deployment`, `aws ecr describe-repositories`, `aws eks list-clusters`,
			`aws cloudwatch get-metric-statistics --namespace AWS/EC2 --metric-name CPUUtilization --dimensions Name=InstanceId,Value={{bxinst}} --start-time {{date}}T00:00:00Z --end-time {{date}}T23:59:59Z --period 3600 --statistics Average`,
			`aws logs describe-log-groups --log-group-name-prefix /aws/lambda`, `aws logs filter-log-events --log-group-name /ecs/{{proj}} --filter-pattern ERROR`, `aws route53 list-hosted-zones`, `aws acm list-certificates`,
			`aws organizations list-accounts`, `aws ce get-cost-and-usage --time-period Start={{date}},End={{date2}} --granularity MONTHLY --metrics UnblendedCost`, `aws cloudtrail get-trail-status --name {{cloudtrail}}`,
			`aws cloudtrail update-trail --name {{cloudtrail}} --enable-log-file-validation`, `aws guardduty get-findings --detector-id {{hex32}} --finding-ids {{hex32}}`, `aws securityhub enable-security-hub`,
			`aws securityhub get-findings --max-items 20`, `aws inspector2 enable --resource-types EC2 ECR`, `aws configservice describe-configuration-recorder-status`, `aws accessanalyzer list-analyzers`,
			`aws cloudformation describe-stack-events --stack-name {{proj}}`, `aws cloudformation delete-stack --stack-name {{proj}}-{{word}}`, `aws sqs purge-queue --queue-url https://sqs.{{region}}.amazonaws.com/{{bxacct}}/{{word}}`,
			`aws sns publish --topic-arn arn:aws:sns:{{region}}:{{bxacct}}:{{word}} --message "{{word}}"`, `sam build && sam deploy --guided`, `cdk deploy {{proj}}Stack --require-approval never`, `cdk diff`, `copilot svc deploy --name {{proj}}`),
		bf("cloud-azure-more", "cloud", Sh,
			`az vm list -d -o table --query "[].{name:name, state:powerState}"`, `az vm start -g {{rg}} -n {{bxvm}}`, `az vm stop -g {{rg}} -n {{bxvm}}`, `az vm deallocate -g {{rg}} -n {{bxvm}}`, `az vm restart -g {{rg}} -n {{bxvm}}`,
			`az vm show -g {{rg}} -n {{bxvm}} --query hardwareProfile.vmSize`, `az vm resize -g {{rg}} -n {{bxvm}} --size Standard_D4s_v5`, `az vm run-command invoke -g {{rg}} -n {{bxvm}} --command-id RunShellScript --scripts "df -h"`,
			`az vm create -g {{rg}} -n {{bxvm}} --image Ubuntu2204 --admin-username azureuser --generate-ssh-keys`, `az vm image list --publisher Canonical --all -o table`, `az disk list -g {{rg}} -o table`,
			`az snapshot create -g {{rg}} -n {{bxvm}}-snap-{{date}} --source {{bxvm}}-osdisk`, `az group list -o table`, `az group delete -n {{rg}} --yes --no-wait`, `az resource list -g {{rg}} --query "[].type"`,
			`az storage account list -o table`, `az storage account create -n {{word}}sa -g {{rg}} --sku Standard_LRS --min-tls-version TLS1_2`, `az storage container create --account-name {{word}}sa -n {{word2}}`,
			`az storage blob upload --account-name {{word}}sa -c {{word2}} -f {{file}} -n {{file}}`, `az storage blob download-batch -d ./out --account-name {{word}}sa -s {{word2}}`, `az storage account keys list -g {{rg}} -n {{word}}sa`,
			`az storage blob generate-sas --account-name {{word}}sa -c {{word2}} -n {{file}} --permissions r --expiry {{date}}`, `az network vnet list -o table`, `az network nsg list -g {{rg}}`, `az network public-ip list -o table`,
			`az network nsg rule list -g {{rg}} --nsg-name {{word}}-nsg -o table`, `az network nsg rule create -g {{rg}} --nsg-name {{word}}-nsg -n deny-rdp-internet --priority 100 --access Deny --protocol Tcp --destination-port-ranges 3389 --source-address-prefixes Internet`,
			`az aks list -o table`, `az aks nodepool scale -g {{rg}} --cluster-name {{proj}} -n nodepool1 --node-count {{n}}`, `az aks upgrade -g {{rg}} -n {{proj}} --kubernetes-version 1.29.2`, `az acr repository list -n {{word}}`,
			`az acr build -r {{word}} -t {{proj}}:{{ver}} .`, `az webapp list -o table`, `az webapp log tail -g {{rg}} -n {{proj}}`, `az webapp restart -g {{rg}} -n {{proj}}`, `az functionapp list -o table`,
			`az keyvault list -o table`, `az keyvault secret set --vault-name {{word}}-kv --name {{word2}} --value "$VALUE"`, `az keyvault secret list --vault-name {{word}}-kv -o table`, `az keyvault certificate show --vault-name {{word}}-kv -n {{word2}}`,
			`az ad user show --id {{user}}@contoso.com`, `az ad group member list --group "{{word}}-admins" -o table`, `az ad app list --display-name {{proj}}`, `az ad sp list --display-name {{proj}} --query "[].appId"`,
			`az role assignment create --assignee {{user}}@contoso.com --role Reader --scope /subscriptions/{{guid}}/resourceGroups/{{rg}}`, `az role definition list --name Contributor`, `az account list -o table`,
			`az account get-access-token --resource https://database.windows.net --query accessToken -o tsv`, `az account get-access-token --scope https://graph.microsoft.com/.default`, `az login --service-principal -u {{guid}} -p $SECRET --tenant {{guid}}`,
			`az logout`, `az monitor metrics list --resource {{bxvm}} --metric "Percentage CPU"`, `az monitor log-analytics query -w {{guid}} --analytics-query "Heartbeat | summarize count() by Computer"`,
			`az monitor diagnostic-settings create --name send-to-law --resource /subscriptions/{{guid}}/resourceGroups/{{rg}}/providers/Microsoft.KeyVault/vaults/{{word}}-kv --workspace {{word}}-law --logs '[{"categoryGroup":"allLogs","enabled":true}]'`,
			`az security pricing create -n {{VirtualMachines|StorageAccounts|KeyVaults|Containers}} --tier Standard`, `az security auto-provisioning-setting update --name default --auto-provision On`, `az security assessment list -o table`,
			`az policy assignment list -o table`, `az policy state summarize`, `az sql db list -g {{rg}} -s {{word}}-sql -o table`, `az sql db export -g {{rg}} -s {{word}}-sql -n {{db}} --storage-uri https://{{word}}sa.blob.core.windows.net/bak/{{db}}.bacpac --storage-key-type StorageAccessKey --storage-key $KEY --admin-user sqladmin --admin-password $PW`,
			`az cosmosdb list -o table`, `az bicep build -f main.bicep`, `az deployment sub what-if -l {{region}} -f main.bicep`, `az extension add -n {{aks-preview|azure-devops|ssh}}`, `az upgrade`, `az devops login`, `az pipelines run --name {{proj}}-ci`),
		bf("cloud-gcp-more", "cloud", Sh,
			`gcloud compute instances start {{bxvm}} --zone {{bxzone}}`, `gcloud compute instances stop {{bxvm}} --zone {{bxzone}}`, `gcloud compute instances describe {{bxvm}} --zone {{bxzone}} --format="value(status)"`,
			`gcloud compute instances create {{bxvm}} --machine-type e2-medium --image-family debian-12 --image-project debian-cloud --zone {{bxzone}}`, `gcloud compute disks snapshot {{bxvm}} --zone {{bxzone}} --snapshot-names {{bxvm}}-{{date}}`,
			`gcloud compute ssh {{bxvm}} --tunnel-through-iap --zone {{bxzone}}`, `gcloud compute scp {{file}} {{bxvm}}:~ --zone {{bxzone}}`, `gcloud compute firewall-rules list --format="table(name,sourceRanges.list(),allowed[].map().firewall_rule().list())"`,
			`gcloud compute firewall-rules create deny-telnet --action deny --rules tcp:23 --source-ranges 0.0.0.0/0 --priority 100`, `gcloud compute networks list`, `gcloud compute addresses list`,
			`gcloud storage ls gs://{{bucket}}/`, `gcloud storage cp -r ./dist gs://{{bucket}}/`, `gcloud storage buckets update gs://{{bucket}} --versioning`, `gcloud storage rm gs://{{bucket}}/tmp/**`,
			`gsutil -m rsync -r ./public gs://{{bucket}}`, `gsutil du -sh gs://{{bucket}}`, `gsutil iam get gs://{{bucket}}`, `gsutil signurl -d 1h key.json gs://{{bucket}}/{{file}}`,
			`gcloud projects list`, `gcloud projects get-iam-policy {{proj}} --format=json`, `gcloud projects add-iam-policy-binding {{proj}} --member=user:{{user}}@example.com --role=roles/viewer`, `gcloud config list`,
			`gcloud config configurations activate {{word}}`, `gcloud auth list`, `gcloud auth revoke --all`, `gcloud auth print-identity-token --audiences=https://{{proj}}-{{hex8}}.a.run.app`,
			`gcloud auth application-default print-access-token`, `gcloud storage ls --impersonate-service-account={{proj}}-deployer@{{proj}}.iam.gserviceaccount.com`, `gcloud config set auth/impersonate_service_account {{proj}}-ci@{{proj}}.iam.gserviceaccount.com`,
			`gcloud iam service-accounts create {{proj}}-ci --display-name "CI for {{proj}}"`, `gcloud iam service-accounts keys list --iam-account {{proj}}-ci@{{proj}}.iam.gserviceaccount.com`, `gcloud iam roles describe roles/{{storage.admin|viewer|run.invoker}}`,
			`gcloud container clusters list`, `gcloud container clusters resize {{proj}} --node-pool default-pool --num-nodes {{n}} --region {{region}}`, `gcloud container images list-tags gcr.io/{{proj}}/{{word}}`,
			`gcloud artifacts repositories list`, `gcloud auth configure-docker {{region}}-docker.pkg.dev`, `gcloud run services list`, `gcloud run services logs read {{proj}} --region {{region}} --limit 50`,
			`gcloud functions deploy {{word}} --runtime python312 --trigger-http --region {{region}}`, `gcloud builds submit --tag gcr.io/{{proj}}/{{word}}`, `gcloud sql instances list`, `gcloud sql export sql {{proj}}-db gs://{{bucket}}/{{db}}-{{date}}.sql --database={{db}}`,
			`gcloud sql connect {{proj}}-db --user=postgres`, `gcloud secrets versions access latest --secret={{proj}}-db-password`, `gcloud secrets create {{word}} --data-file=./{{word}}.txt`,
			`gcloud logging read 'resource.type="k8s_container" AND severity>=WARNING' --limit 20 --freshness 1h`, `gcloud logging sinks describe {{word}}`, `gcloud logging buckets update _Default --location=global --retention-days=90`,
			`gcloud monitoring dashboards list`, `gcloud pubsub topics publish {{word}} --message '{"event":"{{word2}}"}'`, `gcloud pubsub subscriptions pull {{word}}-sub --auto-ack --limit 5`, `gcloud scheduler jobs list --location {{region}}`,
			`gcloud services list --enabled`, `gcloud services enable {{securitycenter|cloudasset|artifactregistry|run|secretmanager}}.googleapis.com`, `gcloud components update`, `gcloud billing accounts list`),
		bf("iac-tools-more", "any", Sh,
			`terraform init -upgrade`, `terraform init -backend-config=backend-{{bxenv}}.hcl -reconfigure`, `terraform plan -target=module.{{word}} -out plan.tfplan`, `terraform show -json plan.tfplan | jq '.resource_changes | length'`,
			`terraform apply plan.tfplan`, `terraform state show 'module.{{word}}.aws_instance.this[0]'`, `terraform state mv aws_s3_bucket.{{word}} module.storage.aws_s3_bucket.{{word}}`, `terraform state rm 'aws_iam_role.{{word}}'`,
			`terraform taint aws_instance.{{word}}`, `terraform refresh -var-file={{bxenv}}.tfvars`, `terraform console`, `terraform providers lock -platform=linux_amd64 -platform=darwin_arm64`, `terraform graph | dot -Tsvg > graph.svg`,
			`terraform force-unlock {{guid}}`, `terraform workspace new {{bxenv}}`, `terraform output -raw {{word}}_endpoint`, `terragrunt run-all plan`, `tfsec .`, `checkov -d .`, `infracost breakdown --path .`, `tofu plan`,
			`pulumi stack select {{bxenv}}`, `pulumi preview --diff`, `pulumi config set --secret dbPassword`, `pulumi stack output --json`, `pulumi refresh --yes`, `pulumi destroy --yes --stack {{word}}`,
			`ansible-playbook site.yml -i inventories/{{bxenv}}/hosts --tags {{nginx|users|ntp|patching}} --diff`, `ansible-playbook {{word}}.yml --syntax-check`, `ansible-playbook -i hosts.ini reboot.yml --limit '{{host}}' -b`,
			`ansible {{webservers|dbservers|all}} -i inventory -m shell -a "uptime"`, `ansible all -m setup -a 'filter=ansible_distribution*'`, `ansible-inventory -i inventory --graph`, `ansible-galaxy install -r requirements.yml`,
			`ansible-galaxy collection install community.general`, `ansible-vault encrypt_string '{{word}}' --name 'db_password'`, `ansible-vault view group_vars/{{bxenv}}/vault.yml`, `ansible-lint playbooks/`, `molecule test`,
			`packer init .`, `packer validate {{word}}.pkr.hcl`, `packer build -var "version={{ver}}" -only=amazon-ebs.{{word}} .`, `vagrant ssh`, `vagrant halt`, `vagrant destroy -f`, `vagrant box update`,
			`vault status`, `vault login -method=userpass username={{user}}`, `vault kv put secret/{{proj}}/{{bxenv}} db_user={{user}}`, `vault kv list secret/{{proj}}`, `vault kv metadata get secret/{{proj}}`,
			`vault token renew`, `vault token revoke -self`, `vault token create -period=24h -policy={{proj}}-read`, `vault write auth/approle/role/{{proj}}/secret-id ttl=10m`, `vault read database/creds/{{proj}}-ro`,
			`vault secrets list`, `vault policy read {{proj}}-read`, `vault operator raft snapshot save {{ltemp}}/vault-{{date}}.snap`, `vault audit list`, `vault audit enable file file_path=/var/log/vault_audit.log`,
			`consul kv get -recurse {{proj}}/`, `consul kv put {{proj}}/config/{{word}} {{word2}}`, `consul catalog services`, `consul snapshot save backup-{{date}}.snap`, `consul acl token list`, `nomad job status`, `nomad job run {{proj}}.nomad.hcl`,
			`nomad alloc logs -f {{hex8}}`, `boundary connect ssh -target-id ttcp_{{hex8}}`, `waypoint up`, `chef-client --once`, `knife node list`, `puppet agent -t --noop`, `salt '*' test.ping`, `salt-call state.apply {{word}}`),
		bf("db-clients-more", "any", Sh,
			`psql "postgresql://{{user}}@{{host}}:5432/{{db}}?sslmode=require" -c '\dt'`, `psql -d {{db}} -c '\du'`, `psql -d {{db}} -c "SELECT pid, state, query FROM pg_stat_activity WHERE state <> 'idle';"`,
			`psql -d {{db}} -c "SELECT pg_size_pretty(pg_database_size('{{db}}'));"`, `psql -d {{db}} -f migrations/{{num}}_{{word}}.sql`, `psql -d {{db}} -c "VACUUM (VERBOSE, ANALYZE) {{table}};"`, `psql -l`,
			`psql -d {{db}} -c "\copy {{table}} TO '{{table}}.csv' CSV HEADER"`, `pg_dump -d {{db}} -t {{table}} --data-only > {{table}}.sql`, `pg_dump -Fd -j {{n}} -f /backup/{{db}}-{{date}} {{db}}`, `pg_basebackup -D /backup/base -Ft -z -P`,
			`pg_restore -l {{db}}.dump | head`, `pg_restore -j {{n}} --clean --if-exists -d {{db}} {{db}}.dump`, `pg_isready -h {{host}}`, `pg_ctl -D /var/lib/postgresql/data status`, `pg_upgrade --check -b /usr/lib/postgresql/15/bin -B /usr/lib/postgresql/16/bin`,
			`createdb -O {{user}} {{db}}`, `dropdb --if-exists {{db}}_test`, `createuser --interactive {{user}}`, `vacuumdb --all --analyze-in-stages`, `reindexdb {{db}}`, `pgbench -c 10 -T 60 {{db}}`,
			`mysql -h {{host}} -u {{user}} -p -e "SHOW PROCESSLIST;"`, `mysql -e "SELECT table_schema, ROUND(SUM(data_length+index_length)/1024/1024) MB FROM information_schema.tables GROUP BY table_schema;"`,
			`mysql {{db}} < {{db}}.sql`, `mysqldump --single-transaction --routines --triggers {{db}} | gzip > {{db}}-{{date}}.sql.gz`, `mysqldump -d {{db}} > schema.sql`, `mysqldump {{db}} {{table}} --where="created_at > '{{date}}'" > {{table}}.sql`,
			`mysqladmin -u root -p status`, `mysqladmin flush-logs`, `mysqlcheck --all-databases --check`, `mysql_upgrade`, `mariadb-dump --all-databases > all.sql`, `mysqlsh --sql -e "SHOW DATABASES"`, `xtrabackup --backup --target-dir=/backup/{{date}}`,
			`redis-cli -n {{n}} KEYS '{{word}}:*'`, `redis-cli --latency -h {{host}}`, `redis-cli INFO replication`, `redis-cli CONFIG GET maxmemory`, `redis-cli BGSAVE`, `redis-cli -c -h {{host}} CLUSTER NODES`, `redis-cli --bigkeys`,
			`redis-cli DEL session:{{hex8}}`, `redis-cli TTL {{word}}:{{num}}`, `redis-cli SLOWLOG GET 10`, `redis-cli --scan --pattern 'cache:*' | xargs redis-cli UNLINK`,
			`mongosh --eval "db.adminCommand({listDatabases: 1})"`, `mongosh {{db}} --eval "db.{{table}}.find().limit(5)"`, `mongosh --quiet --eval "rs.status().ok"`, `mongoexport --db {{db}} --collection {{table}} --out {{table}}.json`,
			`mongoimport --db {{db}} --collection {{table}} --file {{table}}.json --jsonArray`, `mongodump --db {{db}} --gzip --archive={{db}}-{{date}}.gz`, `mongorestore --gzip --archive={{db}}-{{date}}.gz --drop`,
			`sqlite3 {{db}}.db "SELECT count(*) FROM {{table}};"`, `sqlite3 {{db}}.db ".schema {{table}}"`, `sqlite3 -header -csv {{db}}.db "SELECT * FROM {{table}};" > {{table}}.csv`, `sqlite3 {{db}}.db "VACUUM;"`,
			`sqlite3 {{db}}.db ".backup backup.db"`, `sqlcmd -S {{host}} -U sa -Q "SELECT name FROM sys.databases"`, `sqlcmd -S {{host}} -d {{db}} -i {{word}}.sql -o out.txt`, `bcp {{db}}.dbo.{{table}} out {{table}}.dat -S {{host}} -T -c`,
			`cqlsh -e "SELECT * FROM {{db}}.{{table}} LIMIT 10"`, `nodetool status`, `clickhouse-client -q "SHOW TABLES FROM {{db}}"`, `duckdb -c "SELECT * FROM '{{word}}.parquet' LIMIT 10"`, `influx bucket list`,
			`curl -s localhost:9200/_cat/indices?v`, `curl -s -XPUT localhost:9200/_snapshot/backup/snap-{{date}}`, `curl -s localhost:9200/_cluster/health?pretty`, `etcdctl get --prefix /{{proj}}/ --keys-only`, `memcached-tool {{host}}:11211 stats`),
	}
}

func bxWindowsFamilies() []Family {
	return []Family{
		bf("win-cmd-builtins-more", "windows", Cmd,
			`dir /s /b "{{bxwdir}}\*.{{log|config|json|xml}}"`, `dir /a:h {{wtemp}}`, `dir /o:-s /a-d "{{bxwdir}}"`, `cd /d "{{bxwdir}}" && dir`, `pushd \\{{host}}\{{word}}$ && dir && popd`,
			`copy /b part1.bin + part2.bin {{word}}.bin`, `copy /y "{{bxwdir}}\{{file}}" "%USERPROFILE%\Desktop\"`, `xcopy "{{bxwdir}}" "E:\Backup\{{word}}" /s /e /y /d`, `move /y "%USERPROFILE%\Downloads\*.pdf" "D:\Docs\"`,
			`del /s /q "%LOCALAPPDATA%\Temp\*"`, `del /f /q "%USERPROFILE%\AppData\Local\Microsoft\Windows\INetCache\*.*"`, `rd /s /q "%LOCALAPPDATA%\{{word}}\Cache"`, `md "{{bxwdir}}\{{word}}"`,
			`type "{{bxwdir}}\{{file}}" | find /c /v ""`, `find /i "error" "C:\ProgramData\{{word}}\Logs\{{word}}.log"`, `findstr /s /n /i /c:"{{word}}" *.cs`, `findstr /r "^[0-9][0-9]*$" {{wfile}}`,
			`fc /b {{wfile}} {{wfile}}.bak`, `comp {{file}} {{file}}.orig /m`, `echo %DATE% %TIME%`, `echo %COMPUTERNAME% %USERDOMAIN% %USERNAME%`, `echo %PROCESSOR_ARCHITECTURE%`, `set /a {{n}}*1024`,
			`set /p VERSION=<version.txt`, `setlocal enabledelayedexpansion`, `path %PATH%;C:\tools\bin`, `for /d %d in (C:\Projects\*) do @echo %d`, `for /f "tokens=1,2 delims=," %a in ({{word}}.csv) do @echo %a %b`,
			`for /r %f in (*.bak) do del "%f"`, `for /l %i in (1,1,{{n}}) do ping -n 1 {{host}}`, `if not exist "{{bxwdir}}\{{word}}" md "{{bxwdir}}\{{word}}"`, `if %ERRORLEVEL% neq 0 exit /b 1`,
			`chcp 65001`, `color 0a`, `prompt $P$G`, `doskey ll=dir /w $*`, `start /wait msiexec /i "{{wtemp}}\{{word}}.msi" /qn`, `start "" /b "{{goodprog}}"`, `start https://{{word}}.contoso.com`,
			`explorer.exe "{{bxwdir}}"`, `notepad "%WINDIR%\System32\drivers\etc\hosts"`, `control printers`, `control /name Microsoft.ProgramsAndFeatures`, `mmc devmgmt.msc`, `compmgmt.msc`, `services.msc`, `eventvwr.msc`,
			`taskmgr`, `resmon`, `perfmon /report`, `msconfig`, `mstsc /v:{{host}}{{| /admin| /f}}`, `mstsc /v:{{host}}:3389 /w:1920 /h:1080`, `label D: DATA`, `vol C:`, `subst X: "{{bxwdir}}"`, `subst X: /d`,
			`expand {{word}}.cab -F:* {{wtemp}}\{{word}}`, `extrac32 /y /e {{word}}.cab`, `makecab {{file}} {{file}}.cab`, `tar -xf {{word}}.zip -C "{{bxwdir}}"`, `curl.exe -L -o {{wtemp}}\{{word}}.zip {{url}}`),
		bf("win-admin-tools-queries", "windows", Cmd,
			`wmic os get lastbootuptime`, `wmic service where "startmode='auto' and state='stopped'" get name,displayname`, `wmic process where "name='{{proc}}'" get processid,commandline`,
			`wmic nic where netenabled=true get name,speed`, `wmic diskdrive get model,size,status`, `wmic useraccount where "localaccount=true" get name,disabled`, `wmic startup get caption,command`,
			`wmic printer list brief`, `wmic memorychip get capacity,speed`, `wmic /node:{{host}} os get caption,csdversion`, `wmic path win32_networkadapterconfiguration get ipaddress,macaddress`,
			`wmic product where "name like '%{{Java|Adobe Reader|7-Zip|Notepad++|Chrome}}%'" get name,version`, `wmic csproduct get uuid`, `wmic timezone get caption`, `wmic share get name,path`,
			`dism /online /get-features /format:table`, `dism /online /get-packages`, `dism /online /enable-feature /featurename:{{NetFx3|Microsoft-Windows-Subsystem-Linux|VirtualMachinePlatform|TelnetClient|IIS-WebServerRole}} /all /norestart`,
			`dism /online /cleanup-image /scanhealth`, `dism /online /cleanup-image /startcomponentcleanup /resetbase`, `dism /get-wiminfo /wimfile:D:\sources\install.wim`, `dism /online /get-currentedition`,
			`dism /mount-wim /wimfile:install.wim /index:1 /mountdir:C:\mount`, `dism /image:C:\mount /add-driver /driver:C:\drivers /recurse`, `dism /unmount-wim /mountdir:C:\mount /commit`,
			`sfc /verifyonly`, `sfc /scanfile=C:\Windows\System32\{{kernel32|user32|shell32}}.dll`, `chkdsk {{C:|D:}}`, `chkdsk D: /scan`, `chkdsk E: /r /x`, `chkntfs C:`,
			`bcdedit /enum {current}`, `bcdedit /enum firmware`, `bcdedit /v`, `bcdedit /export C:\bcdbackup\bcd-{{date}}`, `bcdedit /set {current} description "Windows 11 {{word}}"`, `bcdboot C:\Windows /s S: /f UEFI`,
			`reagentc /info`, `reagentc /enable`, `powercfg /list`, `powercfg /getactivescheme`, `powercfg /setactive SCHEME_MIN`, `powercfg /energy /output {{wtemp}}\energy.html`, `powercfg /sleepstudy`,
			`powercfg /requests`, `powercfg /hibernate off`, `powercfg /lastwake`, `powercfg /change monitor-timeout-ac 15`, `gpresult /z > {{wtemp}}\gpresult.txt`, `gpresult /user {{domain}}\{{user}} /v`,
			`gpresult /h "%USERPROFILE%\Desktop\gp-{{host}}.html" /f`, `gpupdate /target:user /force`, `gpupdate /force /boot`, `certutil -hashfile "{{bxwdir}}\{{word}}.msi" SHA256`, `certutil -hashfile %USERPROFILE%\Downloads\{{word}}.iso SHA256`,
			`certutil -user -store My`, `certutil -repairstore my {{hex8}}`, `certutil -CRL`, `certutil -ping`, `certutil -config - -ping`, `certutil -verifystore Root`,
			`bitsadmin /list /allusers /verbose`, `bitsadmin /info {{bguid}} /verbose`, `bitsadmin /util /version`, `bitsadmin /reset /allusers`, `bitsadmin /cancel {{bguid}}`,
			`w32tm /config /manualpeerlist:"{{0.pool.ntp.org|time.windows.com|{{host}}}}" /syncfromflags:manual /update`, `w32tm /stripchart /computer:{{host}} /samples:5`, `w32tm /tz`, `tzutil /g`, `tzutil /s "W. Europe Standard Time"`,
			`driverquery /v /fo csv`, `pnputil /enum-drivers`, `pnputil /add-driver C:\drivers\*.inf /subdirs /install`, `pnputil /enum-devices /problem`, `diskpart /s {{wtemp}}\{{word}}.txt`, `fsutil fsinfo drives`,
			`fsutil behavior query DisableDeleteNotify`, `fsutil dirty query C:`, `fsutil volume diskfree D:`, `manage-bde -protectors -get C:`, `manage-bde -on D: -RecoveryPassword`, `repadmin /replsummary`,
			`repadmin /showrepl {{host}}`, `dcdiag /v /c /e /q`, `nltest /sc_query:{{domain}}`, `nltest /dsgetdc:{{domain}}`, `dfsutil /pktinfo`, `setspn -L {{host}}`, `klist tickets`,
			`net config workstation`, `net file`, `net print \\{{host}}\{{word}}`, `net localgroup "Remote Desktop Users" {{domain}}\{{user}} /add`, `net user {{user}} /active:no`, `net user {{user}} /expires:{{date}}`,
			`query session /server:{{host}}`, `logoff {{n}} /server:{{host}}`, `msg * /time:60 "Server {{host}} will restart at {{time}}"`, `shutdown /r /m \\{{host}} /t 300 /c "Patching"`, `shutdown /s /t 0`),
		bf("win-netsh-network-queries", "windows", Cmd,
			`netsh interface show interface`, `netsh interface ipv4 show addresses`, `netsh interface ipv4 show dnsservers`, `netsh interface ip set address "Ethernet" static {{ip}} 255.255.255.0 {{ip2}}`,
			`netsh interface ip set dns "Ethernet" static {{ip}}`, `netsh interface ip set address "Ethernet" dhcp`, `netsh int ip reset`, `netsh winsock reset`, `netsh winhttp set proxy proxy.{{bxdnszone}}:8080 "<local>"`,
			`netsh winhttp reset proxy`, `netsh wlan show interfaces`, `netsh wlan show networks mode=bssid`, `netsh wlan connect name="{{word}}"`, `netsh wlan export profile folder={{wtemp}}`, `netsh wlan show drivers`,
			`netsh http show urlacl`, `netsh http add urlacl url=http://+:{{goodport}}/ user={{domain}}\{{user}}`, `netsh http show sslcert`, `netsh interface portproxy show all`, `netsh interface tcp show global`,
			`netsh advfirewall firewall show rule name="{{rulename}}" verbose`, `netsh advfirewall show allprofiles state`, `netsh advfirewall show global`, `netsh advfirewall monitor show firewall`,
			`netsh trace start capture=yes tracefile={{wtemp}}\net.etl maxsize=512`, `netsh trace stop`, `netsh dhcp server show scope`, `netsh lan show interfaces`, `netsh bridge show adapter`,
			`ipconfig /registerdns`, `ipconfig /all | findstr /i "DNS Servers"`, `nslookup -type=srv _ldap._tcp.dc._msdcs.{{bxdnszone}}`, `nslookup -debug {{host}} {{ip}}`, `tracert -d -h 15 {{host}}`, `pathping -n {{host}}`,
			`ping -a {{ip}}`, `ping -l 1472 -f {{host}}`, `netstat -rn`, `netstat -e -s`, `netstat -abno`, `nbtstat -n`, `nbtstat -A {{ip}}`, `route add {{bxcidr}} mask 255.255.0.0 {{ip}} -p`, `route delete {{ip}}`,
			`arp -d *`, `hostname`, `curl -I https://{{host}}`, `curl.exe -s -o NUL -w "%{http_code}" {{url}}`, `Test-NetConnection -ComputerName {{host}} -Port 443`, `telnet {{host}} {{goodport}}`, `ftp -s:{{word}}.txt {{host}}`),
		bf("win-pkg-managers-more", "windows", Cmd,
			`winget search {{word}}`, `winget list --upgrade-available`, `winget show --id {{Git.Git|Microsoft.PowerShell|Docker.DockerDesktop|Notepad++.Notepad++|JetBrains.IntelliJIDEA.Community}}`,
			`winget install --id {{Microsoft.PowerToys|Microsoft.WindowsTerminal|Postman.Postman|OpenJS.NodeJS.LTS|GoLang.Go|Microsoft.DotNet.SDK.8|WinSCP.WinSCP|PuTTY.PuTTY}} -e --accept-package-agreements --accept-source-agreements`,
			`winget upgrade --id {{Git.Git|Microsoft.Edge|Zoom.Zoom|SlackTechnologies.Slack}} --silent`, `winget uninstall --id {{Microsoft.Teams.Classic|Spotify.Spotify|Microsoft.OneDrive|9WZDNCRFJ3TJ}}`, `winget export -o {{wtemp}}\apps.json`,
			`winget import -i apps.json --accept-package-agreements`, `winget source update`, `winget settings`, `choco list --local-only`, `choco outdated`, `choco install {{git|vscode|7zip|googlechrome|firefox|nodejs-lts|python|golang|sysinternals|notepadplusplus}} -y --no-progress`,
			`choco upgrade {{git|vscode|googlechrome|firefox}} -y`, `choco uninstall {{adobereader|skype|javaruntime|flashplayerplugin}} -y`, `choco pin add -n={{git|vscode|python}}`, `choco source list`, `choco feature enable -n allowGlobalConfirmation`,
			`choco install {{word}} --version {{ver}} -y --source "https://nexus.{{bxdnszone}}/repository/choco/"`, `scoop bucket add extras`, `scoop update *`, `scoop install {{git|7zip|nodejs|python|jq|ripgrep|fzf|neovim}}`,
			`scoop uninstall {{nodejs|python|vscode}}`, `scoop list`, `scoop cleanup *`, `scoop status`, `py -m pip install --user {{pypkg}}`, `py -0p`, `npm install -g {{npmpkg}}`, `nvm install 20.11.0 && nvm use 20.11.0`,
			`Add-AppxPackage -Path {{wtemp}}\{{word}}.msixbundle`, `wsl --install -d {{Ubuntu|Debian|Ubuntu-22.04}}`, `wsl --list --verbose`, `wsl --set-default-version 2`, `wsl --shutdown`, `wsl -d Ubuntu -u root -- apt update`,
			`wsl --export Ubuntu D:\wsl\ubuntu-{{date}}.tar`, `wsl --update`, `msiexec /a {{word}}.msi /qb TARGETDIR=C:\extract`, `msiexec /fa {{bguid}}`, `"{{bxwdir}}\unins000.exe" /VERYSILENT /NORESTART`,
			`{{word}}-setup-{{ver}}.exe /S /D=C:\Program Files\{{word}}`, `setup.exe /configure configuration-Office365-x64.xml`, `OfficeC2RClient.exe /update user`, `vs_installer.exe update --passive --norestart`),
		bf("win-paths-quoted-env", "windows", Cmd,
			`"C:\Program Files\Notepad++\notepad++.exe" "%USERPROFILE%\Documents\{{file}}"`, `"%ProgramFiles%\7-Zip\7z.exe" a -tzip "%USERPROFILE%\Desktop\{{word}}.zip" "{{bxwdir}}\*"`,
			`"C:\Program Files\7-Zip\7z.exe" x "%USERPROFILE%\Downloads\{{word}}.7z" -o"D:\Extracted\{{word}}" -y`, `"C:\Program Files\Git\bin\bash.exe" --login -i`, `"C:\Program Files\Git\cmd\git.exe" -C "{{bxwdir}}" pull`,
			`"C:\Program Files\Microsoft VS Code\Code.exe" --new-window "%USERPROFILE%\source\repos\{{proj}}"`, `code --install-extension {{ms-python.python|golang.go|esbenp.prettier-vscode|ms-vscode.powershell}}`,
			`"C:\Program Files\Mozilla Firefox\firefox.exe" -private-window {{url}}`, `"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe" --profile-directory="Profile 1"`,
			`"C:\Program Files\Google\Chrome\Application\chrome.exe" --incognito {{url}}`, `"C:\Program Files\VideoLAN\VLC\vlc.exe" "%USERPROFILE%\Videos\{{bxmedia}}"`,
			`"C:\Program Files\PuTTY\plink.exe" -ssh {{user}}@{{host}} -batch "uptime"`, `"C:\Program Files (x86)\WinSCP\WinSCP.com" /script="{{wtemp}}\upload.txt" /log="{{wtemp}}\winscp.log"`,
			`"C:\Program Files\Oracle\VirtualBox\VBoxManage.exe" list runningvms`, `"C:\Program Files\Oracle\VirtualBox\VBoxManage.exe" startvm "{{bxvm}}" --type headless`,
			`"C:\Program Files\Microsoft SQL Server\Client SDK\ODBC\170\Tools\Binn\SQLCMD.EXE" -S {{host}} -E -Q "SELECT @@VERSION"`, `"C:\Program Files\PostgreSQL\16\bin\pg_dump.exe" -U postgres -F c -f "D:\Backup\{{db}}.dump" {{db}}`,
			`"C:\Program Files\MySQL\MySQL Server 8.0\bin\mysqldump.exe" -u root -p {{db}} > "D:\Backup\{{db}}-{{date}}.sql"`, `"%ProgramFiles%\Microsoft Office\root\Office16\OUTLOOK.EXE" /safe`, `"%ProgramFiles%\Microsoft Office\root\Office16\EXCEL.EXE" "{{wfile}}"`,
			`"%LOCALAPPDATA%\Programs\Microsoft VS Code\bin\code.cmd" --diff a.txt b.txt`, `"%LOCALAPPDATA%\Microsoft\Teams\Update.exe" --processStart "Teams.exe"`, `"%APPDATA%\Zoom\bin\Zoom.exe" --url=zoommtg://zoom.us/join?confno={{num}}{{num}}`,
			`"C:\Program Files\Adobe\Acrobat DC\Acrobat\Acrobat.exe" /A "page=1" "{{bxwdir}}\{{bxpdf}}"`, `"C:\Program Files\Wireshark\tshark.exe" -D`, `"C:\Program Files\Wireshark\dumpcap.exe" -i 1 -a duration:60 -w "{{wtemp}}\capture.pcapng"`,
			`"C:\Program Files\Docker\Docker\Docker Desktop.exe"`, `"C:\Program Files\Docker\Docker\DockerCli.exe" -SwitchDaemon`, `"%ProgramFiles%\Windows Defender\MpCmdRun.exe" -Scan -ScanType 1`,
			`"C:\Program Files\Common Files\microsoft shared\ClickToRun\OfficeC2RClient.exe" /update user updatepromptuser=true`, `"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" -NoProfile -File "C:\Scripts\{{word}}.ps1"`,
			`"%SystemRoot%\System32\mstsc.exe" "%USERPROFILE%\Documents\{{host}}.rdp"`, `cmd /c ""C:\Program Files\{{word}}\bin\{{word}}.bat" --start"`, `"C:\Program Files\Java\jdk-21\bin\keytool.exe" -list -cacerts`),
		bf("ps-admin-more", "windows", PS,
			`Get-CimInstance -ClassName Win32_LogicalDisk -Filter "DriveType=3" | Select-Object DeviceID, @{n='FreeGB';e={[math]::Round($_.FreeSpace/1GB,1)}}`, `Get-CimInstance Win32_BIOS | Select SerialNumber, SMBIOSBIOSVersion`,
			`Get-CimInstance Win32_ComputerSystem | Select Manufacturer, Model, TotalPhysicalMemory`, `Get-CimInstance Win32_Product | Where Name -like '*{{word}}*'`, `Get-Package -ProviderName Programs | Sort Name`,
			`Get-ItemProperty HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\* | Select DisplayName, DisplayVersion, Publisher | Sort DisplayName`, `Get-WindowsUpdateLog`,
			`Get-HotFix | Sort-Object InstalledOn -Descending | Select -First {{n}}`, `Install-Module PSWindowsUpdate -Scope CurrentUser; Get-WindowsUpdate`, `Get-ChildItem -Path "{{pstemp}}" -Recurse -File | Where-Object LastWriteTime -lt (Get-Date).AddDays(-{{n}}0) | Remove-Item -WhatIf`,
			`Get-ChildItem C:\Users -Directory | ForEach-Object { "{0} {1:N0} MB" -f $_.Name, ((Get-ChildItem $_.FullName -Recurse -File -ErrorAction SilentlyContinue | Measure-Object Length -Sum).Sum / 1MB) }`,
			`Get-Counter '\Processor(_Total)\% Processor Time' -SampleInterval 2 -MaxSamples 5`, `Get-Counter -ListSet *memory* | Select CounterSetName`, `Get-PhysicalDisk | Select FriendlyName, HealthStatus, Size`,
			`Get-StoragePool`, `Optimize-Volume -DriveLetter C -ReTrim -Verbose`, `Repair-Volume -DriveLetter D -Scan`, `Resize-Partition -DriveLetter D -Size (Get-PartitionSupportedSize -DriveLetter D).SizeMax`,
			`Get-NetAdapter | Where Status -eq 'Up' | Select Name, LinkSpeed, MacAddress`, `Get-NetRoute -AddressFamily IPv4`, `Get-NetIPConfiguration -Detailed`, `Get-DnsClientServerAddress -AddressFamily IPv4`,
			`Set-NetIPInterface -InterfaceAlias Ethernet -Dhcp Enabled`, `New-NetIPAddress -InterfaceAlias Ethernet -IPAddress {{ip}} -PrefixLength 24 -DefaultGateway {{ip2}}`, `Get-NetConnectionProfile`,
			`Set-NetConnectionProfile -InterfaceAlias Ethernet -NetworkCategory Private`, `Get-SmbShare`, `New-SmbShare -Name {{word}} -Path D:\Shares\{{word}} -ReadAccess "{{domain}}\Domain Users"`, `Get-SmbSession`, `Get-SmbOpenFile | Where Path -like '*{{word}}*'`,
			`Close-SmbOpenFile -FileId {{num}} -Force`, `Set-SmbServerConfiguration -EnableSMB1Protocol $false -Force`, `Get-SmbServerConfiguration | Select EnableSMB1Protocol, EnableSMB2Protocol`,
			`Get-Printer | Select Name, DriverName, PortName`, `Remove-Printer -Name "{{word}} (Copy 1)"`, `Add-Printer -ConnectionName \\printsrv\{{word}}`, `Get-PrintJob -PrinterName "{{word}}" | Remove-PrintJob`,
			`Get-TimeZone`, `Set-TimeZone -Id "{{W. Europe Standard Time|Eastern Standard Time|UTC|Tokyo Standard Time}}"`, `Get-Date -Format o`, `Get-Culture`, `Set-WinUserLanguageList -LanguageList en-US, de-DE -Force`,
			`Rename-Computer -NewName {{host}} -Restart`, `Add-Computer -DomainName {{bxdnszone}} -Credential {{domain}}\{{user}} -Restart`, `Test-ComputerSecureChannel -Repair`, `Reset-ComputerMachinePassword -Server {{host}}`,
			`Get-LocalGroupMember -Group "Remote Desktop Users"`, `Add-LocalGroupMember -Group "Administrators" -Member "{{domain}}\{{user}}"`, `Remove-LocalGroupMember -Group Administrators -Member {{user}}`,
			`Set-LocalUser -Name {{user}} -PasswordNeverExpires $false`, `Get-LocalUser | Where Enabled | Select Name, LastLogon`, `Get-Acl -Path "{{pstemp}}\{{word}}" | Format-List`, `Set-Acl -Path D:\Shares\{{word}} -AclObject $acl`,
			`Get-PSDrive -PSProvider FileSystem`, `New-PSDrive -Name S -PSProvider FileSystem -Root \\{{host}}\{{word}} -Persist`, `Get-Clipboard`, `Set-Clipboard -Value "{{word}}"`, `Get-Uptime`, `Get-WmiObject Win32_Battery`),
		bf("ps-ad-exchange-more", "windows", PS,
			`Get-ADUser -Filter "Department -eq '{{Finance|Sales|IT|HR|Engineering}}'" -Properties Title, Manager | Select Name, Title`, `Get-ADUser -SearchBase "{{bxou}}" -Filter * | Measure-Object`,
			`Get-ADUser -Filter {LastLogonTimeStamp -lt $cutoff} -Properties LastLogonTimeStamp`, `Get-ADUser {{user}} -Properties PasswordLastSet, PasswordExpired, LockedOut`, `Set-ADUser {{user}} -Title "{{word}}" -Department "{{word2}}"`,
			`Set-ADUser -Identity {{user}} -ChangePasswordAtLogon $true`, `Enable-ADAccount -Identity {{user}}`, `Move-ADObject -Identity "CN={{user}},{{bxou}}" -TargetPath "{{bxou}}"`, `Remove-ADUser -Identity {{user}} -Confirm:$false`,
			`Get-ADGroup -Filter 'Name -like "*{{word}}*"'`, `New-ADGroup -Name "{{word}}-readers" -GroupScope Global -Path "{{bxou}}"`, `Remove-ADGroupMember -Identity "{{word}}-users" -Members {{user}} -Confirm:$false`,
			`Get-ADPrincipalGroupMembership {{user}} | Select Name`, `Get-ADComputer {{host}} -Properties OperatingSystem, LastLogonDate`, `Get-ADComputer -Filter 'OperatingSystem -like "*Server 2012*"' | Select Name`,
			`Get-ADOrganizationalUnit -Filter * | Select DistinguishedName`, `Get-ADDomain | Select PDCEmulator, RIDMaster`, `Get-ADForest | Select ForestMode, Domains`, `Get-ADDefaultDomainPasswordPolicy`, `Get-ADFineGrainedPasswordPolicy -Filter *`,
			`Get-ADReplicationPartnerMetadata -Target {{host}}`, `Get-ADObject -Filter 'isDeleted -eq $true' -IncludeDeletedObjects`, `Restore-ADObject -Identity {{guid}}`, `Get-GPO -All | Select DisplayName, ModificationTime`,
			`Get-GPOReport -Name "{{word}} Policy" -ReportType Html -Path {{pstemp}}\gpo.html`, `Backup-GPO -All -Path \\{{host}}\gpo-backup`, `New-GPLink -Name "{{word}} Policy" -Target "{{bxou}}"`, `Invoke-GPUpdate -Computer {{host}} -Force`,
			`Connect-ExchangeOnline -UserPrincipalName {{user}}@contoso.com`, `Get-Mailbox -ResultSize Unlimited | Select DisplayName, PrimarySmtpAddress`, `Get-Mailbox {{bxmailbox}} | Get-MailboxStatistics | Select TotalItemSize, ItemCount`,
			`Set-Mailbox {{bxmailbox}} -ProhibitSendQuota 49GB -IssueWarningQuota 45GB`, `Add-MailboxPermission -Identity sales@contoso.com -User {{user}} -AccessRights FullAccess -AutoMapping $false`,
			`Get-MessageTrace -SenderAddress {{user}}@contoso.com -StartDate (Get-Date).AddDays(-2) -EndDate (Get-Date)`, `Get-DistributionGroupMember -Identity "{{word}}-team"`, `Set-MailboxAutoReplyConfiguration {{bxmailbox}} -AutoReplyState Enabled -InternalMessage "Out of office"`,
			`New-MailboxExportRequest -Mailbox {{user}} -FilePath \\{{host}}\pst\{{user}}.pst`, `Get-MailboxExportRequest | Get-MailboxExportRequestStatistics`, `Get-TransportRule | Select Name, State`, `Get-ExchangeServer | Select Name, AdminDisplayVersion`,
			`Get-MailboxDatabaseCopyStatus *`, `Test-ServiceHealth`, `Get-Queue | Where MessageCount -gt 0`, `Set-CASMailbox {{bxmailbox}} -OWAEnabled $true`, `Disconnect-ExchangeOnline -Confirm:$false`,
			`Connect-MgGraph -Scopes "User.Read.All","Group.Read.All"`, `Get-MgUser -Filter "startswith(displayName,'{{word}}')" -All`, `Get-MgGroupMember -GroupId {{guid}}`, `Connect-MicrosoftTeams; Get-Team | Select DisplayName`,
			`Get-AzureADUser -ObjectId {{user}}@contoso.com`, `Get-MsolUser -UserPrincipalName {{user}}@contoso.com | Select StrongAuthenticationMethods`, `Set-MsolUserLicense -UserPrincipalName {{user}}@contoso.com -AddLicenses "contoso:ENTERPRISEPACK"`),
		bf("ps-iis-hyperv-more", "windows", PS,
			`Import-Module WebAdministration; Get-Website`, `Get-IISSite`, `Start-WebAppPool -Name "{{bxpool}}"`, `Stop-WebAppPool -Name "{{bxpool}}"`, `Restart-WebAppPool "{{bxpool}}"`, `Get-WebAppPoolState -Name "{{bxpool}}"`,
			`New-Website -Name "{{bxsite}}" -Port 443 -PhysicalPath "C:\inetpub\{{proj}}" -ApplicationPool "{{bxpool}}" -Ssl`, `Stop-Website -Name "{{bxsite}}"`, `Start-Website -Name "{{bxsite}}"`, `Remove-Website -Name "{{bxsite}}"`,
			`New-WebBinding -Name "{{bxsite}}" -Protocol https -Port 443 -HostHeader {{word}}.contoso.com -SslFlags 1`, `Get-WebBinding -Name "{{bxsite}}"`, `Set-ItemProperty "IIS:\AppPools\{{bxpool}}" -Name processModel.identityType -Value ApplicationPoolIdentity`,
			`Set-ItemProperty "IIS:\AppPools\{{bxpool}}" -Name recycling.periodicRestart.time -Value 1.05:00:00`, `Get-WebConfigurationProperty -Filter system.webServer/security/requestFiltering/requestLimits -Name maxAllowedContentLength -PSPath "IIS:\Sites\{{bxsite}}"`,
			`Backup-WebConfiguration -Name "before-{{date}}"`, `Get-ChildItem C:\inetpub\logs\LogFiles\W3SVC1 | Sort LastWriteTime | Select -Last 3`, `iisreset /noforce`, `iisreset /status`,
			`& "$env:windir\system32\inetsrv\appcmd.exe" list apppool`, `& "$env:windir\system32\inetsrv\appcmd.exe" recycle apppool /apppool.name:"{{bxpool}}"`, `& "$env:windir\system32\inetsrv\appcmd.exe" list site /state:Started`,
			`Get-VM`, `Get-VM | Where State -eq Running | Select Name, CPUUsage, MemoryAssigned, Uptime`, `Start-VM -Name "{{bxvm}}"`, `Stop-VM -Name "{{bxvm}}" -Force`, `Stop-VM -Name "{{bxvm}}" -TurnOff`, `Restart-VM "{{bxvm}}" -Force`,
			`Save-VM -Name "{{bxvm}}"`, `Suspend-VM -Name "{{bxvm}}"`, `Checkpoint-VM -Name "{{bxvm}}" -SnapshotName "pre-patch-{{date}}"`, `Get-VMSnapshot -VMName "{{bxvm}}"`, `Restore-VMSnapshot -VMName "{{bxvm}}" -Name "pre-patch-{{date}}" -Confirm:$false`,
			`Remove-VMSnapshot -VMName "{{bxvm}}" -Name "pre-patch-*"`, `New-VM -Name "{{bxvm}}" -MemoryStartupBytes 4GB -Generation 2 -NewVHDPath "D:\Hyper-V\{{bxvm}}.vhdx" -NewVHDSizeBytes 60GB -SwitchName "External"`,
			`Set-VMProcessor -VMName "{{bxvm}}" -Count {{n}}`, `Set-VMMemory -VMName "{{bxvm}}" -DynamicMemoryEnabled $true -MaximumBytes 8GB`, `Export-VM -Name "{{bxvm}}" -Path E:\VMExports`, `Import-VM -Path "E:\VMExports\{{bxvm}}\Virtual Machines\{{guid}}.vmcx" -Copy -GenerateNewId`,
			`Get-VMSwitch`, `Get-VMNetworkAdapter -VMName "{{bxvm}}"`, `Resize-VHD -Path "D:\Hyper-V\{{bxvm}}.vhdx" -SizeBytes 120GB`, `Optimize-VHD -Path "D:\Hyper-V\{{bxvm}}.vhdx" -Mode Full`, `Move-VM -Name "{{bxvm}}" -DestinationHost {{host}}`,
			`Enable-VMIntegrationService -VMName "{{bxvm}}" -Name "Guest Service Interface"`, `Get-VMReplication`, `Measure-VM -Name "{{bxvm}}"`, `Get-ClusterNode`, `Get-ClusterGroup | Where State -ne Online`, `Move-ClusterGroup -Name "{{word}}" -Node {{host}}`,
			`Suspend-ClusterNode -Name {{host}} -Drain`, `Resume-ClusterNode -Name {{host}} -Failback Immediate`, `Test-Cluster -Node {{host}},{{host2}}`),
		bf("ps-dns-dhcp-print-more", "windows", PS,
			`Get-DnsServerZone -ComputerName {{host}}`, `Get-DnsServerResourceRecord -ZoneName {{bxdnszone}} -Name {{word}}`, `Add-DnsServerResourceRecordA -ZoneName {{bxdnszone}} -Name {{word}} -IPv4Address {{ip}} -CreatePtr`,
			`Add-DnsServerResourceRecordCName -ZoneName {{bxdnszone}} -Name {{word}} -HostNameAlias {{word2}}.{{bxdnszone}}`, `Remove-DnsServerResourceRecord -ZoneName {{bxdnszone}} -RRType A -Name {{word}} -Force`,
			`Get-DnsServerForwarder`, `Set-DnsServerForwarder -IPAddress 1.1.1.1, 8.8.8.8`, `Clear-DnsServerCache -Force`, `Get-DnsServerStatistics | Select -ExpandProperty QueryStatistics`, `Add-DnsServerPrimaryZone -Name {{word}}.{{bxdnszone}} -ReplicationScope Forest`,
			`Get-DnsServerScavenging`, `Start-DnsServerScavenging -Force`, `Resolve-DnsName -Name {{host}} -Type {{A|AAAA|MX|TXT|SRV}} -Server {{ip}}`, `Get-DnsClientNrptPolicy`, `Register-DnsClient`,
			`Get-DhcpServerv4Scope -ComputerName {{host}}`, `Get-DhcpServerv4Lease -ScopeId {{ip}} | Where HostName -like '*{{word}}*'`, `Add-DhcpServerv4Reservation -ScopeId {{ip}} -IPAddress {{ip2}} -ClientId "00-15-5d-{{n}}{{n}}-{{n}}{{n}}-{{n}}{{n}}" -Description "{{word}} printer"`,
			`Get-DhcpServerv4ScopeStatistics`, `Set-DhcpServerv4OptionValue -ScopeId {{ip}} -DnsServer {{ip2}} -Router {{ip3}}`, `Get-DhcpServerv4Failover`, `Invoke-DhcpServerv4FailoverReplication -Force`, `Export-DhcpServer -File C:\dhcp-backup.xml -Leases`,
			`Get-DhcpServerInDC`, `Remove-DhcpServerv4Lease -ScopeId {{ip}} -ClientId "{{hex8}}"`, `Get-PrinterDriver`, `Add-PrinterDriver -Name "HP Universal Printing PCL 6"`, `Add-PrinterPort -Name "IP_{{ip}}" -PrinterHostAddress {{ip}}`,
			`Add-Printer -Name "{{word}}-Floor{{n}}" -DriverName "HP Universal Printing PCL 6" -PortName "IP_{{ip}}" -Shared -ShareName "{{word}}{{n}}"`, `Set-Printer -Name "{{word}}" -Comment "Moved to room {{num}}"`, `Get-PrintConfiguration -PrinterName "{{word}}"`,
			`Restart-Service Spooler`, `Get-Service Spooler | Select Status, StartType`, `Get-WindowsFeature -Name Print-Services`, `Get-NetNeighbor -State Reachable`, `Get-NetTCPConnection -RemotePort 443 | Group-Object OwningProcess`, `Get-NetUDPEndpoint -LocalPort 53`),
		bf("ps-eventlog-queries-more", "windows", PS,
			`Get-WinEvent -LogName System -MaxEvents 50 | Where-Object LevelDisplayName -eq Error`, `Get-WinEvent -FilterHashtable @{LogName='System'; ProviderName='Microsoft-Windows-Kernel-Power'; Id=41} -MaxEvents 5`,
			`Get-WinEvent -FilterHashtable @{LogName='Application'; Level=2; StartTime=(Get-Date).AddHours(-{{n}})}`, `Get-WinEvent -FilterHashtable @{LogName='Security'; Id=4740} | Select TimeCreated, @{n='User';e={$_.Properties[0].Value}}`,
			`Get-WinEvent -FilterHashtable @{LogName='Security'; Id=4625; StartTime=(Get-Date).AddDays(-1)} | Group-Object {$_.Properties[5].Value} | Sort Count -Desc`, `Get-WinEvent -LogName 'Microsoft-Windows-GroupPolicy/Operational' -MaxEvents 20`,
			`Get-WinEvent -LogName 'Microsoft-Windows-TaskScheduler/Operational' -MaxEvents 30 | Where Message -like '*{{word}}*'`, `Get-WinEvent -ListProvider *{{Kernel|Disk|WindowsUpdate|DNS}}* | Select Name`, `Get-WinEvent -ComputerName {{host}} -LogName System -MaxEvents 10`,
			`Get-WinEvent -Path "{{pstemp}}\{{word}}.evtx" -MaxEvents 100`, `Get-WinEvent -FilterXml $xml`, `Get-WinEvent -LogName 'Microsoft-Windows-Sysmon/Operational' -MaxEvents 20 | Format-Table TimeCreated, Id, Message -Wrap`,
			`Get-WinEvent -FilterHashtable @{LogName='Microsoft-Windows-Windows Defender/Operational'; Id=1116,1117} -MaxEvents 20`, `Get-WinEvent -FilterHashtable @{LogName='Microsoft-Windows-PowerShell/Operational'; Id=4104} -MaxEvents 10`,
			`Get-EventLog -LogName System -EntryType Error -After (Get-Date).AddDays(-{{n}}) | Group Source | Sort Count -Desc`, `Get-EventLog -List`, `Get-EventLog -LogName Application -Source "{{proj}}" -Newest 20`,
			`Get-WinEvent -LogName Security -MaxEvents 1000 | Export-Csv {{pstemp}}\sec-{{date}}.csv -NoTypeInformation`, `(Get-WinEvent -ListLog Security).MaximumSizeInBytes`, `Get-WinEvent -ListLog Application | Format-List *`,
			`wevtutil qe System /c:20 /rd:true /f:text /q:"*[System[(Level=1 or Level=2)]]"`, `wevtutil qe Application /q:"*[System[Provider[@Name='{{word}}']]]" /c:10 /f:xml`, `wevtutil qe "{{evlog}}" /c:{{num}} /f:text /e:Events`,
			`wevtutil qe Security /q:"*[System[(EventID=4720 or EventID=4726)]]" /c:20 /rd:true /f:text`, `wevtutil qe {{evlog}} /lf:true /q:* /f:text "{{pstemp}}\{{word}}.evtx"`, `wevtutil gp Microsoft-Windows-Kernel-Power`, `wevtutil enum-logs`),
		bf("ps-tasks-services-nonsec", "windows", PS,
			`Get-ScheduledTask | Where State -eq Ready | Select TaskName, TaskPath`, `Get-ScheduledTaskInfo -TaskName "{{bxtask}}"`, `Start-ScheduledTask -TaskName "{{bxtask}}"`, `Stop-ScheduledTask -TaskName "{{bxtask}}"`,
			`Enable-ScheduledTask -TaskName "{{bxtask}}"`, `Disable-ScheduledTask -TaskName "{{bxtask}}"`, `Unregister-ScheduledTask -TaskName "{{bxtask}}" -Confirm:$false`, `Export-ScheduledTask -TaskName "{{bxtask}}" | Out-File {{pstemp}}\{{word}}.xml`,
			`Set-ScheduledTask -TaskName "{{bxtask}}" -Trigger (New-ScheduledTaskTrigger -Daily -At {{n}}am)`, `$a = New-ScheduledTaskAction -Execute "C:\Scripts\{{word}}.cmd"; Register-ScheduledTask -TaskName "{{bxtask}}" -Action $a -User "NT AUTHORITY\SYSTEM"`,
			`Stop-Service -Name {{bxwinsvc}}`, `Stop-Service -Name {{bxwinsvc}} -Force -NoWait`, `Set-Service -Name {{bxwinsvc}} -StartupType Disabled`, `Set-Service -Name {{bxwinsvc}} -StartupType Manual -Status Stopped`,
			`Get-Service {{bxwinsvc}} | Stop-Service -PassThru | Set-Service -StartupType Disabled`, `Restart-Service -Name {{bxwinsvc}} -Force`, `Get-Service -DependentServices {{bxwinsvc}}`, `Get-Service | Where {$_.StartType -eq 'Automatic' -and $_.Status -ne 'Running'}`,
			`New-Service -Name "{{proj}}Svc" -BinaryPathName "C:\Program Files\{{proj}}\{{proj}}.exe --service" -DisplayName "{{proj}} Service" -StartupType Automatic`, `Remove-Service -Name "{{proj}}Svc"`,
			`Get-CimInstance Win32_Service | Where PathName -notmatch 'C:\\Windows' | Select Name, PathName, StartName`, `(Get-Service {{bxwinsvc}}).WaitForStatus('Stopped','00:00:30')`, `Suspend-Service -Name {{bxwinsvc}}`,
			`Stop-Process -Name {{notepad|msedge|chrome|Teams|OneDrive|excel|winword|java}} -Force -ErrorAction SilentlyContinue`, `Get-Process {{chrome|java|node|w3wp|sqlservr}} | Sort WS -Desc | Select -First 5 Id, ProcessName, @{n='MB';e={$_.WS/1MB}}`,
			`Get-Process -Id {{pid}} | Stop-Process -Force`, `Get-Process | Where Responding -eq $false | Stop-Process`, `Start-Process -FilePath msiexec.exe -ArgumentList "/i {{word}}.msi /qn" -Wait -NoNewWindow`, `Start-Process "https://{{word}}.contoso.com"`),
	}
}

func bxMacFamilies() []Family {
	return []Family{
		bf("macos-admin-more", "macos", Sh,
			`defaults read com.apple.dock persistent-apps`, `defaults write com.apple.dock autohide -bool true && killall Dock`, `defaults write com.apple.screencapture location ~/Pictures/Screenshots`,
			`defaults write NSGlobalDomain AppleShowAllExtensions -bool true`, `defaults write com.apple.finder ShowPathbar -bool true && killall Finder`, `defaults write com.googlecode.iterm2 PromptOnQuit -bool false`,
			`defaults read /Applications/{{Safari|Xcode|Slack|Docker}}.app/Contents/Info.plist CFBundleShortVersionString`, `defaults delete com.{{word}}.{{word2}}`, `defaults domains | tr ',' '\n' | grep {{word}}`,
			`defaults write com.apple.desktopservices DSDontWriteNetworkStores -bool true`, `defaults -currentHost read com.apple.screensaver idleTime`, `plutil -p ~/Library/Preferences/com.apple.{{finder|dock|Terminal}}.plist`,
			`plutil -lint /Library/LaunchDaemons/com.{{word}}.{{word2}}.plist`, `launchctl list | grep -v com.apple`, `launchctl print gui/$(id -u)/com.{{word}}.agent`, `launchctl bootstrap gui/$(id -u) ~/Library/LaunchAgents/com.{{word}}.sync.plist`,
			`launchctl kickstart -k gui/$(id -u)/com.{{word}}.agent`, `launchctl bootout gui/$(id -u)/homebrew.mxcl.{{postgresql@16|redis|nginx|mysql}}`, `launchctl enable system/com.openssh.sshd`, `brew services list`,
			`brew services start {{postgresql@16|redis|nginx|mysql|mongodb-community}}`, `brew services stop {{postgresql@16|redis|nginx|mysql}}`, `brew install --cask {{visual-studio-code|iterm2|docker|rectangle|firefox|slack|1password}}`,
			`brew uninstall --cask {{zoom|skype|google-chrome}}`, `brew outdated`, `brew cleanup --prune=all`, `brew doctor`, `brew tap {{hashicorp/tap|homebrew/cask-fonts}}`, `brew bundle dump --file=~/Brewfile`, `brew bundle --file=~/Brewfile`,
			`brew info {{pkg}}`, `brew pin {{python@3.12|node|postgresql@16}}`, `brew list --versions`, `port selfupdate`, `port install {{pkg}}`, `port upgrade outdated`, `mas list`, `mas upgrade`,
			`diskutil info disk0`, `diskutil verifyVolume /`, `diskutil apfs list`, `diskutil eraseDisk APFS "{{word}}" GPT /dev/disk{{n}}`, `diskutil unmountDisk /dev/disk{{n}}`, `diskutil mount disk{{n}}s1`, `hdiutil attach ~/Downloads/{{word}}.dmg`,
			`hdiutil detach /Volumes/{{word}}`, `hdiutil create -volname {{word}} -srcfolder ./{{word}} -ov -format UDZO {{word}}.dmg`, `asr restore --source {{word}}.dmg --target /Volumes/{{word}} --erase`,
			`softwareupdate --list`, `softwareupdate --install --all --restart`, `softwareupdate --fetch-full-installer --full-installer-version 14.4`, `softwareupdate --install-rosetta --agree-to-license`, `softwareupdate --history`,
			`mdfind "kMDItemKind == 'PDF'" -onlyin ~/Documents`, `mdfind -name "{{word}}" | head`, `mdutil -s /`, `mdutil -E /Volumes/{{word}}`, `mdls -name kMDItemWhereFroms ~/Downloads/{{file}}`, `xattr -l ~/Downloads/{{file}}`,
			`xattr -d com.apple.quarantine /Applications/{{word}}.app`, `pmset -g`, `pmset -g assertions`, `pmset -a displaysleep 10`, `pmset sleepnow`, `caffeinate -dims -t 3600`, `sudo pmset -b lowpowermode 1`,
			`scutil --dns`, `scutil --proxy`, `scutil --set HostName {{host}}`, `scutil --get LocalHostName`, `networksetup -listallnetworkservices`, `networksetup -getinfo Wi-Fi`, `networksetup -setdnsservers Wi-Fi 1.1.1.1 9.9.9.9`,
			`networksetup -setairportpower en0 on`, `networksetup -getairportnetwork en0`, `networksetup -setwebproxy Wi-Fi proxy.{{bxdnszone}} 8080`, `networksetup -switchtolocation "{{word}}"`, `ipconfig getifaddr en0`,
			`dscacheutil -flushcache; killall -HUP mDNSResponder`, `system_profiler SPSoftwareDataType SPHardwareDataType`, `system_profiler SPUSBDataType`, `system_profiler SPStorageDataType -json`, `system_profiler SPPowerDataType | grep -i cycle`,
			`sysctl -n machdep.cpu.brand_string`, `sysctl hw.memsize`, `vm_stat`, `top -l 1 -o cpu | head -20`, `powermetrics --samplers cpu_power -i 1000 -n 5`, `ioreg -l | grep -i battery`, `sw_vers -productVersion`,
			`tmutil listbackups`, `tmutil startbackup --auto`, `tmutil latestbackup`, `tmutil addexclusion ~/Downloads`, `tmutil listlocalsnapshots /`, `fdesetup list`, `profiles status -type enrollment`, `profiles list`,
			`dscl . -list /Users UniqueID | awk '$2 > 500'`, `dscl . -read /Groups/admin GroupMembership`, `dseditgroup -o edit -a {{user}} -t user admin`, `sysadminctl -addUser {{user}} -fullName "{{user}}" -admin`,
			`id -Gn {{user}}`, `createhomedir -c -u {{user}}`, `kextstat | grep -v com.apple`, `systemextensionsctl list`, `spctl --assess --verbose /Applications/{{word}}.app`, `codesign -dv --verbose=4 /Applications/{{word}}.app`,
			`csrutil status`, `csrutil enable`, `spctl --master-enable`, `/usr/libexec/ApplicationFirewall/socketfilterfw --setstealthmode on`, `/usr/libexec/ApplicationFirewall/socketfilterfw --listapps`,
			`/usr/libexec/ApplicationFirewall/socketfilterfw --blockapp /Applications/{{word}}.app`, `security list-keychains`, `security find-identity -v -p codesigning`, `security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ca.crt`,
			`log stream --predicate 'subsystem == "com.{{word}}.{{word2}}"' --level debug`, `log show --last 30m --predicate 'eventMessage contains "error"'`, `log collect --last 1h --output ~/Desktop/logs.logarchive`, `sysdiagnose -f ~/Desktop`,
			`open -a "{{Visual Studio Code|Safari|Terminal|Xcode|Preview}}" .`, `open ~/Library/Logs`, `osascript -e 'display notification "Build finished" with title "{{proj}}"'`, `osascript -e 'tell application "Finder" to empty trash'`,
			`pbpaste | jq .`, `pbcopy < ~/.ssh/id_ed25519.pub`, `say "deploy complete"`, `screencapture -x ~/Desktop/shot.png`, `sips -Z 800 {{bximg}}`, `qlmanage -p {{bxpdf}}`, `ditto -c -k --keepParent ./{{word}} {{word}}.zip`,
			`xcode-select --install`, `xcrun simctl list devices`, `xcrun notarytool submit {{word}}.zip --keychain-profile "AC_PASSWORD" --wait`, `xcodebuild -showsdks`, `pkgutil --pkgs | grep -v com.apple`, `installer -pkg {{word}}.pkg -target /`),
	}
}

func bxMadeUpFamilies() []Family {
	return []Family{
		bf("madeup-cli-subcommands", "any", Sh,
			`{{bxtool}} sync --env {{bxenv}}{{| --dry-run}}`, `{{bxtool}} apply -f {{bxyaml}}{{| --prune}}`, `{{bxtool}} deploy {{proj}} {{bxflag}}`, `{{bxtool}} rollout status {{proj}} --watch`, `{{bxtool}} status{{| --all| -o wide}}`,
			`{{bxtool}} dump --table {{table}} --format {{csv|json|parquet}} > {{table}}.{{csv|json|parquet}}`, `{{bxtool}} config dump {{bxflag}}`, `{{bxtool}} dump-state --cluster {{proj}}-{{bxenv}} -o state.json`,
			`{{bxtool}} hash --algo {{sha256|blake3|xxh64}} {{file}}`, `{{bxtool}} hash-passwords --migrate --batch-size {{num}}`, `{{bxtool}} token create --scope {{read|ci|deploy|metrics}} --ttl {{n}}h`,
			`{{bxtool}} token revoke --id {{hex8}}`, `{{bxtool}} tokens list --expired`, `{{bxtool}} disable --feature {{word}}{{| --env {{bxenv}}}}`, `{{bxtool}} flags disable {{word}}-beta`, `{{bxtool}} schedule disable nightly-{{word}}`,
			`{{bxtool}} plugin unload {{word}}`, `{{bxtool}} module unload {{word}} --graceful`, `{{bxtool}} mask --columns email,phone,iban --input {{word}}.csv`, `{{bxtool}} data mask --profile gdpr {{db}}`,
			`{{bxtool}} kill job-{{num}}`, `{{bxtool}} jobs kill {{num}} --reason "stuck"`, `{{bxtool}} stop {{proj}}-worker`, `{{bxtool}} stop --all {{bxflag}}`, `{{bxtool}} export --since {{date}} -o export-{{date}}.ndjson`,
			`{{bxtool}} export metrics --to prometheus`, `{{bxtool}} save --snapshot {{word}}`, `{{bxtool}} config save --global`, `{{bxtool}} secret set DB_PASSWORD --from-file .env.{{bxenv}}`,
			`{{bxtool}} secrets pull --env {{bxenv}} > .env`, `{{bxtool}} secret rotate {{proj}}/api-key`, `{{bxtool}} credential rotate --service {{proj}} --notify #ops`, `{{bxtool}} credentials refresh{{| --profile {{word}}}}`,
			`{{bxtool}} impersonate --user {{user}}@example.com --readonly --ttl 15m`, `{{bxtool}} support impersonate {{user}} --ticket INC{{num}}{{num}}`, `{{bxtool}} sam report --licenses --vendor {{word}}`, `{{bxtool}} sam reconcile --month {{date}}`,
			`{{bxtool}} debug bundle -o {{word}}.tgz`, `{{bxtool}} debug --pprof --port 6060`, `{{bxtool}} cache purge{{| --all| --prefix {{word}}}}`, `{{bxtool}} logs {{proj}} --follow --since 1h`, `{{bxtool}} db migrate{{| --to {{num}}}}`,
			`{{bxtool}} db dump {{db}} > {{db}}.sql`, `{{bxtool}} snapshot save --name {{word}}-{{date}}`, `{{bxtool}} lint {{bxyaml}}`, `{{bxtool}} test --shard {{n}}/8`, `{{bxtool}} build --target {{linux|windows|darwin}}/{{amd64|arm64}}`,
			`{{bxtool}} release --tag v{{ver}} --notes CHANGELOG.md`, `{{bxtool}} init --template {{word}}`, `{{bxtool}} login --sso`, `{{bxtool}} whoami`, `{{bxtool}} env list`, `{{bxtool}} queue drain {{word}} --timeout {{n}}m`,
			`{{bxtool}} shutdown --graceful --timeout 30s`, `{{bxtool}} audit export --since 7d`, `{{bxtool}} keys rotate --kms alias/{{proj}}`, `{{bxtool}} cert renew --domain {{word}}.example.com`, `{{bxtool}} backup run --job nightly`,
			`{{bxtool}} restore --from {{date}} --target {{db}}_restore`, `{{bxtool}} scale {{proj}} --replicas {{n}}`, `{{bxtool}} version`, `{{bxtool}} --help`, `{{bxtool}} completion {{bash|zsh|fish}} > /etc/bash_completion.d/{{bxtool}}`,
			`{{bxtool}} upgrade --check`, `{{bxtool}} doctor`, `{{bxtool}} diff {{bxenv}} {{bxenv2}}`, `{{bxtool}} promote {{proj}} --from staging --to prod`, `{{bxtool}} rollback {{proj}} --to v{{ver}}`, `{{bxtool}} unlock --run-id {{hex8}}`,
			`{{bxtool}} agent stop && {{bxtool}} agent start`, `{{bxtool}} service disable {{proj}}-legacy`, `{{bxtool}} watchdog kill-stale --older-than 2h`, `{{bxtool}} dump-heap --service {{proj}} --out /tmp/{{proj}}.heap`,
			`{{bxtool}} session kill {{hex8}}`, `{{bxtool}} policy export --format rego`, `{{bxtool}} user disable {{user}} --reason offboarding`, `{{bxtool}} token exchange --audience {{proj}}-api`, `{{bxtool}} tail -n 100 {{proj}}`),
		bf("madeup-cli-pipelines", "any", Sh,
			`{{bxtool}} list --json | jq -r '.[].name'`, `{{bxtool}} export --since {{date}} | gzip > {{word}}-{{date}}.json.gz`, `{{bxtool}} dump --all | {{bxtool2}} import --dry-run`, `{{bxtool}} get {{word}} -o yaml | yq '.spec'`,
			`{{bxtool}} logs {{proj}} 2>&1 | grep -i error | tail -n 50`, `{{bxtool}} hash {{file}} | tee {{file}}.sha256`, `{{bxtool}} token create --scope ci | gh secret set {{CI_TOKEN|DEPLOY_TOKEN|REGISTRY_TOKEN}}`, `{{bxtool}} status -o json > status-{{date}}.json`,
			`{{bxtool}} stop {{proj}} && {{bxtool}} start {{proj}}`, `{{bxtool}} disable {{word}} || echo "already disabled"`, `{{bxtool}} sync --env {{bxenv}} && {{bxtool}} verify --env {{bxenv}}`, `watch -n {{n}} {{bxtool}} status`,
			`for env in dev staging prod; do {{bxtool}} diff $env; done`, `{{bxtool}} ls | xargs -n1 {{bxtool}} describe`, `time {{bxtool}} build --release`, `{{bxtool}} --version 2>/dev/null || pip install {{bxtool}}`,
			`curl -fsSL https://get.{{bxsyl}}.dev/install.sh | sh`, `go install github.com/{{word}}/{{bxtool}}@latest`, `cargo install {{bxtool}}`, `npm i -g @{{word}}/{{bxsyl}}-cli`, `brew install {{word}}/tap/{{bxtool}}`,
			`docker run --rm -v $PWD:/src ghcr.io/{{word}}/{{bxtool}}:latest scan /src`, `export {{APP_ENV|TOOL_ENV|DEPLOY_ENV}}={{bxenv}} && {{bxtool}} run`, `{{bxtool}} run -- ./scripts/{{word}}.sh`, `{{bxtool}} exec {{proj}} -- env`,
			`./bin/{{bxtool}} serve --listen :{{goodport}} --config /etc/{{bxsyl}}/config.toml`, `/opt/{{bxsyl}}/bin/{{bxtool}} --config /etc/{{bxsyl}}/{{bxsyl}}.yaml check`, `/usr/local/bin/{{bxtool}} report --weekly --mail ops@example.com`),
		bf("madeup-windows-cli", "windows", Cmd,
			`{{bxwintool}} /status`, `{{bxwintool}} /sync /profile:{{user}}`, `{{bxwintool}} --export "{{bxwdir}}\export-{{date}}.csv"`, `{{bxwintool}} /dump "{{wtemp}}\{{word}}-config.xml"`, `{{bxwintool}} /hash "{{wfile}}"`,
			`{{bxwintool}} /token:refresh`, `{{bxwintool}} --disable-telemetry`, `{{bxwintool}} /unload /plugin:{{word}}`, `{{bxwintool}} /kill {{word}}-worker`, `{{bxwintool}} stop {{word}}`, `{{bxwintool}} /save /out:{{wtemp}}\settings.json`,
			`{{bxwintool}} secret set ApiKey --vault "{{word}}"`, `{{bxwintool}} /credential:update /user:{{domain}}\{{user}}`, `{{bxwintool}} /debug /log:"{{wtemp}}\{{word}}.log"`, `{{bxwintool}} /mask:pii /in:{{wfile}}`,
			`{{bxwintool}} /impersonate:{{user}} /readonly /ticket:INC{{num}}`, `{{bxwintool}} /sam /report:licenses`, `{{bxwintool}} /install /quiet /norestart`, `{{bxwintool}} /uninstall /quiet`, `{{bxwintool}} /repair`,
			`{{bxwintool}} -c "{{bxwdir}}\{{word}}.ini" -v`, `{{bxwintool}} --server https://{{word}}.contoso.com --tenant {{word2}}`, `{{bxwintool}} /restart /delay:{{n}}0`, `{{bxwintool}} /collect /zip:"{{wtemp}}\support.zip"`,
			`start "" {{bxwintool}} /minimized`, `{{bxwintool}} > "{{wtemp}}\{{word}}.out" 2>&1`, `{{bxwintool}} /register /site:{{word}}`, `{{bxwintool}} /purge /olderthan:{{n}}0`),
		bf("madeup-ps-modules", "windows", PS,
			`Import-Module {{Acme|Contoso|Corp}}.{{Deploy|Inventory|Reporting|Tools}}; Invoke-{{Acme|Contoso}}Deploy -Environment {{bxenv}} -WhatIf`, `Get-{{Acme|Corp|Contoso}}Token -Scope {{read|deploy}} -Tenant {{word}}`,
			`Invoke-{{Acme|Corp}}Sync -Source \\{{host}}\{{word}} -Destination D:\{{word}} -Verbose`, `Export-{{Acme|Contoso}}Report -Month {{date}} -Path {{pstemp}}\report.xlsx`, `Disable-{{Corp|Acme}}Feature -Name {{word}} -Environment {{bxenv}}`,
			`Stop-{{Acme|Contoso}}Worker -Name {{word}} -Graceful`, `Save-{{Corp|Acme}}Config -Path C:\ProgramData\{{word}}\config.json`, `Set-{{Acme|Contoso}}Secret -Name {{word}} -Value (Read-Host -AsSecureString)`,
			`Remove-{{Acme|Corp}}Cache -All -Force`, `Get-{{Contoso|Acme}}Credential -Target {{word}}-api | Test-{{Contoso|Acme}}Connection`, `New-{{Acme|Corp}}DumpReport -InputPath C:\CrashDumps -OutHtml {{pstemp}}\dumps.html`,
			`Invoke-{{Acme|Contoso}}HashCheck -Path "{{pstemp}}\{{word}}.zip" -Expected {{bxsha256}}`, `Unregister-{{Corp|Acme}}Agent -Force`, `Install-Module {{Acme|Contoso}}.{{Ops|Tools}} -Repository {{Internal|CorpGallery}} -Scope CurrentUser`,
			`& "C:\Program Files\{{Acme|Contoso}}\{{bxsyl}}\{{bxsyl}}.exe" --export --path "$env:USERPROFILE\Documents\{{word}}.csv"`, `& .\{{bxsyl}}.ps1 -Mode {{Sync|Export|Cleanup|Report}} -Env {{bxenv}}`),
	}
}

func bxHardNegFamilies() []Family {
	return []Family{
		bf("hardneg-win-service-stop-nonsec", "windows", Cmd,
			`{{sc}} stop {{bxwinsvc}}`, `{{sc}} config {{bxwinsvc}} start= disabled`, `{{sc}} stop {{bxwinsvc}} {{amp}} {{sc}} config {{bxwinsvc}} start= disabled`, `{{sc}} \\{{host}} stop {{bxwinsvc}}`,
			`{{sc}} config {{bxwinsvc}} start= demand`, `{{sc}} pause {{bxwinsvc}}`, `{{sc}} continue {{bxwinsvc}}`, `{{sc}} sdshow {{bxwinsvc}}`, `{{sc}} qfailure {{bxwinsvc}}`, `{{sc}} qtriggerinfo {{bxwinsvc}}`,
			`net stop {{bxwinsvc}} /y`, `net stop "{{Print Spooler|Windows Search|Windows Update|Background Intelligent Transfer Service|World Wide Web Publishing Service|Xbox Live Auth Manager|Fax}}"`,
			`net stop {{bxwinsvc}} && net start {{bxwinsvc}}`, `taskkill /f /im {{proc}} /t`, `taskkill /fi "services eq {{bxwinsvc}}" /f`, `taskkill /f /fi "imagename eq {{proc}}" /fi "memusage gt 2000000"`,
			`wmic service where name="{{bxwinsvc}}" call stopservice`, `wmic service where name="{{bxwinsvc}}" call changestartmode disabled`, `wmic process where name="{{proc}}" call terminate`,
			`{{sc}} config wuauserv start= disabled {{amp}} {{sc}} stop wuauserv`, `{{sc}} config DiagTrack start= disabled`, `{{sc}} stop WSearch {{amp}} {{sc}} config WSearch start= disabled`,
			`schtasks /change /tn "\Microsoft\Windows\{{Application Experience\ProgramDataUpdater|Customer Experience Improvement Program\Consolidator|Defrag\ScheduledDefrag|Autochk\Proxy}}" /disable`),
		bf("hardneg-reg-export-save-more", "windows", Cmd,
			`{{reg}} export HKCU\Software\{{word}} "%USERPROFILE%\Desktop\{{word}}-settings.reg" /y`, `{{reg}} export "HKCU\Software\Microsoft\Office\16.0\Outlook\Profiles" {{wtemp}}\outlook-profiles.reg`,
			`{{reg}} export "HKCU\Software\Microsoft\Windows\CurrentVersion\Explorer\Shell Folders" shellfolders.reg`, `{{reg}} export HKCU\Printers {{wtemp}}\printers.reg /y`, `{{reg}} export "HKCU\Software\Microsoft\Terminal Server Client" rdp-mru.reg`,
			`{{reg}} save HKCU\Software\{{word}} {{wtemp}}\{{word}}.hiv /y`, `{{reg}} save "HKLM\SOFTWARE\{{Microsoft\Office|Adobe|Citrix|VMware, Inc.|Oracle|Google\Chrome}}" {{wtemp}}\{{word}}.hiv /y`, `{{reg}} save HKLM\SOFTWARE D:\RegBackup\SOFTWARE-{{date}}.hiv`,
			`{{reg}} save HKU\.DEFAULT {{wtemp}}\default-user.hiv`, `{{reg}} export "HKLM\SOFTWARE\Policies\Microsoft\Windows Defender" {{wtemp}}\defender-policy-backup.reg /y`,
			`{{reg}} export HKLM\SYSTEM\CurrentControlSet\Services\{{bxwinsvc}} {{wtemp}}\{{bxwinsvc}}-svc.reg /y`, `{{reg}} export "HKLM\SOFTWARE\ODBC\ODBC.INI" odbc-dsn.reg`,
			`{{reg}} export "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Print\Printers" printers-{{host}}.reg`, `{{reg}} load HKU\TempProfile "C:\Users\{{user}}\NTUSER.DAT"`, `{{reg}} unload HKU\TempProfile`,
			`{{reg}} copy HKCU\Software\{{word}} HKCU\Software\{{word}}.bak /s /f`, `{{reg}} compare HKLM\SOFTWARE\{{word}} \\{{host}}\HKLM\SOFTWARE\{{word}} /s`, `{{reg}} query \\{{host}}\HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall /s /f {{word}}`,
			`{{reg}} restore HKCU\Software\{{word}} {{wtemp}}\{{word}}.hiv`, `{{reg}} query "HKLM\SYSTEM\CurrentControlSet\Control\TimeZoneInformation"`, `{{reg}} query HKLM\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName`,
			`regedit /e "{{wtemp}}\{{word}}.reg" "HKEY_CURRENT_USER\Software\{{word}}"`, `regedit /s "\\{{host}}\deploy\{{word}}-settings.reg"`, `{{reg}} flags HKLM\SOFTWARE\{{word}} QUERY`),
		bf("hardneg-ps-reg-export", "windows", PS,
			`& reg export HKCU\Software\{{word}} "$env:USERPROFILE\Desktop\{{word}}.reg" /y`, `reg.exe export "HKCU\Software\Microsoft\Office\16.0\Word" "$env:TEMP\word-settings.reg" /y | Out-Null`,
			`Start-Process reg -ArgumentList 'export', 'HKCU\Software\{{word}}', "$env:TEMP\{{word}}.reg", '/y' -Wait -NoNewWindow`, `Get-ChildItem HKCU:\Software\{{word}} -Recurse | Export-Clixml {{pstemp}}\{{word}}-reg.xml`,
			`Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' | Select ProductName, ReleaseId, CurrentBuild`, `Copy-Item -Path HKCU:\Software\{{word}} -Destination HKCU:\Software\{{word}}_old -Recurse`,
			`Remove-Item -Path HKCU:\Software\{{word}} -Recurse -Force`, `New-Item -Path "HKLM:\SOFTWARE\{{Acme|Contoso}}\{{word}}" -Force | New-ItemProperty -Name Version -Value "{{ver}}"`,
			`Get-ItemPropertyValue 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa' -Name RunAsPPL`, `Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Services\{{bxwinsvc}}' | Select Start, ImagePath`,
			`Set-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\WDigest' -Name UseLogonCredential -Value 0`, `Set-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Lsa' -Name RunAsPPL -Value 1 -Type DWord`),
		bf("hardneg-process-dumps-nonlsass", "windows", Cmd,
			`{{procdump}} -accepteula -ma {{proc}} C:\Dumps\{{proc}}_{{date}}.dmp`, `{{procdump}} -e 1 -f "OutOfMemoryException" -ma {{proc}} C:\CrashDumps`, `{{procdump}} -ma -w {{proc}} {{wtemp}}\{{word}}-startup.dmp`,
			`procdump64 -accepteula -c 80 -s 5 -n 3 -ma {{proc}} D:\dumps`, `procdump -m 2048 -ma {{proc}} C:\Dumps\highmem.dmp`, `procdump -x C:\Dumps "C:\Program Files\{{proj}}\{{proj}}.exe" --debug`,
			`procdump -ma w3wp.exe C:\Dumps\w3wp_{{pid}}.dmp`, `procdump -accepteula -ma -e -f "" java.exe C:\dumps\java.dmp`, `procdump -i C:\CrashDumps -ma`, `procdump -mp {{proc}} C:\Dumps`,
			`Adplus.exe -hang -pn w3wp.exe -o C:\Dumps -quiet`, `adplus -crash -pn {{proc}} -o D:\dumps`, `cdb -pv -pn w3wp.exe -c ".dump /ma C:\dumps\w3wp.dmp;qd"`, `windbg -pn {{proc}}`, `windbg -y srv*C:\symbols*https://msdl.microsoft.com/download/symbols -z C:\Dumps\{{word}}.dmp`,
			`"C:\Program Files\DebugDiag\DebugDiag.Collection.exe" -dump full {{pid}}`, `dotnet-dump collect -n {{proj}} --type Full -o C:\dumps\{{proj}}.dmp`, `dotnet-dump ps`, `dotnet-gcdump collect -n {{proj}}`,
			`tttracer.exe -attach {{pid}} -out C:\traces`, `wpr -start GeneralProfile -filemode`, `wpr -stop C:\traces\{{word}}.etl`, `xperf -on PROC_THREAD+LOADER -f C:\traces\kernel.etl`, `perfview collect /MaxCollectSec:30 {{word}}.etl.zip`,
			`{{reg}} add "HKLM\SOFTWARE\Microsoft\Windows\Windows Error Reporting\LocalDumps\{{proc}}" /v DumpType /t REG_DWORD /d 2 /f`, `{{reg}} add "HKLM\SOFTWARE\Microsoft\Windows\Windows Error Reporting\LocalDumps" /v DumpFolder /t REG_EXPAND_SZ /d "C:\CrashDumps" /f`,
			`{{reg}} add "HKLM\SYSTEM\CurrentControlSet\Control\CrashControl" /v CrashDumpEnabled /t REG_DWORD /d 7 /f`, `dir C:\Windows\Minidump`, `dir "%LOCALAPPDATA%\CrashDumps"`, `del /q "%LOCALAPPDATA%\CrashDumps\{{proc}}.*.dmp"`,
			`"C:\Program Files (x86)\Windows Kits\10\Debuggers\x64\kd.exe" -z C:\Windows\MEMORY.DMP -c "!analyze -v;q"`, `dumpchk C:\Windows\Minidump\{{num}}{{num}}-01.dmp`, `symchk /r "C:\Program Files\{{proj}}" /s srv*C:\symbols*https://msdl.microsoft.com/download/symbols`),
		bf("hardneg-ps-dumps-nonlsass", "windows", PS,
			`Get-Process {{w3wp|java|sqlservr|dotnet|node|MyApp}} | Select Id, ProcessName, WorkingSet64`, `& procdump64.exe -accepteula -ma (Get-Process w3wp | Select -First 1).Id C:\Dumps\w3wp.dmp`,
			`Get-ChildItem C:\CrashDumps -Filter *.dmp | Sort LastWriteTime -Desc | Select -First 5`, `Get-ChildItem "$env:LOCALAPPDATA\CrashDumps" | Remove-Item -Force`, `Get-ChildItem C:\Windows\Minidump | Measure-Object -Property Length -Sum`,
			`Debug-Process -Id {{pid}}`, `Get-CimInstance Win32_OSRecoveryConfiguration | Select DebugInfoType, DebugFilePath`, `Set-CimInstance -Query "SELECT * FROM Win32_OSRecoveryConfiguration" -Property @{DebugInfoType=7}`,
			`New-Item -Path "HKLM:\SOFTWARE\Microsoft\Windows\Windows Error Reporting\LocalDumps\{{proc}}" -Force | New-ItemProperty -Name DumpCount -Value 5 -PropertyType DWord`,
			`Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='Application Error'} -MaxEvents 20 | Select TimeCreated, Message`, `Get-WinEvent -FilterHashtable @{LogName='Application'; ProviderName='Windows Error Reporting'} -MaxEvents 10`,
			`dotnet-dump analyze C:\dumps\{{proj}}.dmp -c "clrstack -all" -c exit`, `dotnet-counters collect -p {{pid}} --format csv -o counters.csv`, `Compress-Archive -Path C:\Dumps\{{proc}}*.dmp -DestinationPath \\{{host}}\support\case{{num}}.zip`),
		bf("hardneg-defender-protective", "windows", PS,
			`{{setmp}} -DisableRealtimeMonitoring $false -DisableBehaviorMonitoring $false -DisableIOAVProtection $false`, `{{setmp}} -DisableScriptScanning $false`, `{{setmp}} -DisableArchiveScanning $false -DisableEmailScanning $false`,
			`{{setmp}} -DisableRemovableDriveScanning $false`, `{{setmp}} -DisableBlockAtFirstSeen $false`, `{{setmp}} -MAPSReporting Advanced -SubmitSamplesConsent {{SendAllSamples|SendSafeSamples}}`, `{{setmp}} -PUAProtection {{Enabled|1}}`,
			`{{setmp}} -EnableNetworkProtection Enabled`, `{{setmp}} -EnableControlledFolderAccess Enabled`, `Add-MpPreference -ControlledFolderAccessProtectedFolders "{{D:\Finance|C:\Users\Public\Documents|\\{{host}}\projects}}"`,
			`Add-MpPreference -AttackSurfaceReductionRules_Ids {{bxasr}} -AttackSurfaceReductionRules_Actions Enabled`, `{{setmp}} -AttackSurfaceReductionRules_Ids {{bxasr}},{{bxasr2}} -AttackSurfaceReductionRules_Actions Enabled,Enabled`,
			`Get-MpPreference | Select-Object -ExpandProperty AttackSurfaceReductionRules_Ids`, `{{setmp}} -CloudBlockLevel {{High|HighPlus|ZeroTolerance}} -CloudExtendedTimeout {{20|50}}`, `{{setmp}} -SignatureUpdateInterval {{1|2|4}}`,
			`{{setmp}} -CheckForSignaturesBeforeRunningScan $true`, `{{setmp}} -ScanAvgCPULoadFactor {{20|30|50}}`, `{{setmp}} -SevereThreatDefaultAction Remove -HighThreatDefaultAction Quarantine -ModerateThreatDefaultAction Quarantine`,
			`{{setmp}} -RealTimeScanDirection Both`, `{{setmp}} -EnableFileHashComputation $true`, `{{setmp}} -ScanScheduleQuickScanTime 12:00:00`, `{{setmp}} -DisableCatchupQuickScan $false`,
			`Remove-MpPreference -ExclusionExtension {{exclext}}`, `Remove-MpPreference -ExclusionIpAddress {{ip}}`, `Remove-MpPreference -ExclusionPath (Get-MpPreference).ExclusionPath`, `Remove-MpPreference -ExclusionProcess (Get-MpPreference).ExclusionProcess`,
			`Update-MpSignature -UpdateSource {{MMPC|MicrosoftUpdateServer|InternalDefinitionUpdateServer}}`, `Start-MpScan -ScanType QuickScan -AsJob`, `Start-MpScan -ScanPath "{{pstemp}}" -ScanType CustomScan`, `Get-MpThreatDetection | Select ThreatID, ActionSuccess, InitialDetectionTime`,
			`Get-MpComputerStatus | Select RealTimeProtectionEnabled, IsTamperProtected, AntivirusSignatureAge`, `Get-MpComputerStatus | Format-List AMRunningMode, AMServiceEnabled, BehaviorMonitorEnabled`, `Get-MpPreference | Select Disable*`,
			`Set-ItemProperty -Path '{{psdefkey}}\Real-Time Protection' -Name {{rtpval}} -Value 0`, `Remove-ItemProperty -Path '{{psdefkey}}\Real-Time Protection' -Name {{rtpval}} -ErrorAction SilentlyContinue`,
			`Invoke-Command -ComputerName {{host}} -ScriptBlock { Set-MpPreference -DisableRealtimeMonitoring $false; Update-MpSignature }`, `Set-Service -Name WinDefend -StartupType Automatic; Start-Service WinDefend`),
		bf("hardneg-defense-reenable-win", "windows", Cmd,
			`{{sc}} config {{edrwin}} start= auto`, `{{sc}} start {{edrwin}} {{amp}} {{sc}} query {{edrwin}}`, `{{sc}} start Sysmon64`, `{{sc}} config Sysmon64 start= auto`, `{{sc}} start SysmonDrv`, `net start mpssvc`, `{{sc}} config mpssvc start= auto`,
			`{{sc}} start EventLog`, `{{sc}} config EventLog start= auto`, `net start "Windows Event Log"`, `netsh advfirewall set allprofiles state on {{amp}} netsh advfirewall show allprofiles state`,
			`netsh advfirewall set {{fwprofile}} firewallpolicy blockinbound,allowoutbound`, `netsh advfirewall set allprofiles settings inboundusernotification enable`, `netsh advfirewall set allprofiles logging filename %systemroot%\system32\LogFiles\Firewall\pfirewall.log`,
			`auditpol /set /subcategory:"Process Creation" /success:enable /failure:enable`, `auditpol /set /category:"Account Logon","Logon/Logoff" /success:enable /failure:enable`, `auditpol /set /option:CrashOnAuditFail /value:disable`,
			`wevtutil sl Microsoft-Windows-Sysmon/Operational /e:true`, `wevtutil sl Security /ms:{{1073741824|2147483648|4194304000}}`, `wevtutil sl "Microsoft-Windows-PowerShell/Operational" /e:true /ms:268435456`,
			`{{reg}} add "HKLM\SOFTWARE\Policies\Microsoft\Windows\PowerShell\ModuleLogging" /v EnableModuleLogging /t REG_DWORD /d 1 /f`, `{{reg}} add "HKLM\SOFTWARE\Policies\Microsoft\Windows\PowerShell\Transcription" /v EnableTranscripting /t REG_DWORD /d 1 /f`,
			`{{reg}} add "HKLM\SOFTWARE\Policies\Microsoft\Windows\PowerShell\Transcription" /v OutputDirectory /t REG_SZ /d "\\{{host}}\transcripts$" /f`, `{{reg}} add "HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\Audit" /v ProcessCreationIncludeCmdLine_Enabled /t REG_DWORD /d 1 /f`,
			`{{reg}} delete "HKCU\Software\Microsoft\Windows Script\Settings" /v AmsiEnable /f`, `{{reg}} add "HKLM\SOFTWARE\Policies\Microsoft\Windows\System" /v EnableSmartScreen /t REG_DWORD /d 1 /f`,
			`{{reg}} add "HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Explorer" /v SmartScreenEnabled /t REG_SZ /d {{RequireAdmin|Warn}} /f`, `{{reg}} delete "HKLM\SOFTWARE\Policies\Microsoft\Windows Defender\Real-Time Protection" /f`,
			`{{reg}} add "HKLM\SYSTEM\CurrentControlSet\Services\EventLog" /v Start /t REG_DWORD /d 2 /f`, `bcdedit /deletevalue {default} safeboot`, `bcdedit /deletevalue {current} safebootalternateshell`,
			`Sysmon64.exe -c C:\Sysmon\{{sysmonconfig|sysmonconfig-export|config-v15}}.xml`, `Sysmon64.exe -accepteula -i C:\Tools\Sysmon\sysmonconfig-export.xml`, `sysmon.exe -c "\\{{host}}\netlogon\sysmon\config.xml"`,
			`"%ProgramFiles%\Windows Defender\MpCmdRun.exe" -SignatureUpdate -MMPC`, `"%ProgramFiles%\Windows Defender\MpCmdRun.exe" -Trace -Grouping 0xFF -Level 0x3F`, `fltmc load SysmonDrv {{amp}} fltmc filters`),
		bf("hardneg-defense-reenable-unix", "linux", Sh,
			`systemctl unmask auditd && systemctl start auditd`, `systemctl restart rsyslog`, `systemctl enable --now rsyslog`, `systemctl enable --now fail2ban`, `systemctl enable --now firewalld && firewall-cmd --state`,
			`ufw --force enable`, `ufw enable && ufw status verbose`, `setenforce Enforcing`, `sed -i 's/^SELINUX=disabled/SELINUX=enforcing/' /etc/selinux/config && touch /.autorelabel`, `aa-enforce /etc/apparmor.d/*`,
			`auditctl -e 2`, `auditctl -R /etc/audit/rules.d/audit.rules`, `augenrules --check`, `apt-get install -y auditd audispd-plugins && systemctl enable --now auditd`, `dnf install -y aide && aide --init`, `aide --check`,
			`rkhunter --update && rkhunter --check --sk`, `chkrootkit`, `lynis audit system`, `clamscan --infected --recursive /home`, `freshclam && systemctl restart clamav-daemon`, `osqueryctl start`,
			`/opt/CrowdStrike/falconctl -s --cid={{hex32}}-{{n}}{{n}} && systemctl start falcon-sensor`, `mdatp config cloud --value enabled`, `mdatp config behavior-monitoring --value enabled`, `mdatp connectivity test`,
			`mdatp exclusion folder remove --path {{ltemp}}/ --scope global`, `mdatp exclusion process remove --name {{word}}`, `sed -i 's/^#\?Storage=.*/Storage=persistent/' /etc/systemd/journald.conf && systemctl restart systemd-journald`,
			`mkdir -p /var/log/journal && systemd-tmpfiles --create --prefix /var/log/journal`, `export HISTSIZE=50000 HISTFILESIZE=100000`, `export HISTFILE=~/.bash_history`, `export PROMPT_COMMAND='history -a'`,
			`setopt INC_APPEND_HISTORY SHARE_HISTORY`, `readonly HISTFILE`, `export HISTCONTROL=ignoreboth`, `echo 'export HISTTIMEFORMAT="%F %T "' >> /etc/profile.d/history.sh`,
			`aws cloudtrail put-event-selectors --trail-name {{cloudtrail}} --event-selectors '[{"ReadWriteType":"All","IncludeManagementEvents":true}]'`, `aws guardduty update-detector --detector-id {{hex32}} --enable`,
			`aws configservice start-configuration-recorder --configuration-recorder-name {{default|{{word}}}}`, `gcloud services enable logging.googleapis.com securitycenter.googleapis.com`, `az security auto-provisioning-setting update --name default --auto-provision On`,
			`helm upgrade --install falco falcosecurity/falco -n falco --create-namespace`, `kubectl rollout restart ds/falco -n falco`, `kubectl scale deploy gatekeeper-controller-manager --replicas=3 -n gatekeeper-system`,
			`kubectl label ns {{ns}} pod-security.kubernetes.io/enforce=restricted --overwrite`, `kubectl apply -f https://raw.githubusercontent.com/falcosecurity/deploy-kubernetes/main/kubernetes/falco/templates/daemonset.yaml`),
		bf("hardneg-defense-reenable-macos", "macos", Sh,
			`sudo launchctl load -w /Library/LaunchDaemons/{{edrmac}}.plist`, `sudo launchctl bootstrap system /Library/LaunchDaemons/com.crowdstrike.falcond.plist`, `/Applications/Falcon.app/Contents/Resources/falconctl load`,
			`/usr/libexec/ApplicationFirewall/socketfilterfw --setglobalstate on && /usr/libexec/ApplicationFirewall/socketfilterfw --setloggingmode on`, `defaults write /Library/Preferences/com.apple.alf globalstate -int 1`,
			`pfctl -e -f /etc/pf.conf`, `pfctl -s rules`, `spctl --global-enable`, `csrutil enable`, `fdesetup enable`, `sudo mdatp config real-time-protection --value enabled`, `mdatp health --field healthy`,
			`softwareupdate --schedule on`, `defaults write /Library/Preferences/com.apple.SoftwareUpdate AutomaticCheckEnabled -bool true`, `/usr/libexec/ApplicationFirewall/socketfilterfw --setallowsigned on`,
			`launchctl print system/com.apple.auditd`, `systemextensionsctl list | grep -i {{crowdstrike|sentinel|microsoft}}`, `profiles show -type configuration`),
		bf("hardneg-firewall-block-rules", "windows", Cmd,
			`netsh advfirewall firewall add rule name="Block SMB Outbound" dir=out action=block protocol=TCP remoteport=445`, `netsh advfirewall firewall add rule name="Block Telnet" dir=in action=block protocol=TCP localport=23`,
			`netsh advfirewall firewall add rule name="Block {{ip}}" dir=in action=block remoteip={{ip}}`, `netsh advfirewall firewall add rule name="Block {{bxcidr}}" dir={{in|out}} action=block remoteip={{bxcidr}}`,
			`netsh advfirewall firewall add rule name="Block NetBIOS" dir=in action=block protocol=UDP localport=137-138`, `netsh advfirewall firewall add rule name="Block RDP from Internet" dir=in action=block protocol=TCP localport=3389 remoteip=any profile=public`,
			`netsh advfirewall firewall add rule name="Block {{word}} outbound" dir=out action=block program="C:\Program Files\{{bxapp}}\{{word}}.exe" enable=yes`, `netsh advfirewall firewall add rule name="Block WinRM public" dir=in action=block protocol=TCP localport=5985,5986 profile=public`,
			`netsh advfirewall firewall add rule name="Allow {{proj}} HTTPS" dir=in action=allow protocol=TCP localport=443 program="C:\Program Files\{{proj}}\{{proj}}.exe"`, `netsh advfirewall firewall add rule name="ICMP Allow" protocol=icmpv4:8,any dir=in action=allow`,
			`netsh advfirewall firewall set rule group="Remote Desktop" new enable=yes`, `netsh advfirewall firewall set rule group="File and Printer Sharing" new enable=no`, `netsh advfirewall firewall delete rule name=all program="{{badprog}}"`,
			`netsh advfirewall firewall show rule name="Block {{word}} outbound"`, `netsh advfirewall import "\\{{host}}\gpo\baseline.wfw"`),
		bf("hardneg-ps-firewall-block-rules", "windows", PS,
			`New-NetFirewallRule -DisplayName "Block SMB Outbound" -Direction Outbound -Protocol TCP -RemotePort 445 -Action Block -Profile Any`, `New-NetFirewallRule -DisplayName "Block {{ip}}" -Direction Inbound -RemoteAddress {{ip}} -Action Block`,
			`New-NetFirewallRule -DisplayName "Block LLMNR" -Direction Outbound -Protocol UDP -RemotePort 5355 -Action Block`, `New-NetFirewallRule -DisplayName "Block {{word}} app" -Program "C:\Program Files\{{bxapp}}\{{word}}.exe" -Direction Outbound -Action Block`,
			`New-NetFirewallRule -DisplayName "{{proj}} web" -Direction Inbound -Protocol TCP -LocalPort 80,443 -Action Allow -Profile Domain`, `Set-NetFirewallRule -DisplayName "Block {{word}} app" -Enabled True`,
			`Get-NetFirewallRule -Action Block -Enabled True | Select DisplayName, Direction`, `Get-NetFirewallRule -DisplayName "*{{word}}*" | Get-NetFirewallPortFilter`, `Remove-NetFirewallRule -DisplayName "Allow {{rulename}}" -ErrorAction SilentlyContinue`,
			`Get-NetFirewallApplicationFilter | Where Program -like '*Temp*' | Get-NetFirewallRule | Remove-NetFirewallRule`, `Set-NetFirewallProfile -All -Enabled True -DefaultInboundAction Block -DefaultOutboundAction Allow -LogBlocked True`,
			`Set-NetFirewallProfile -Profile Domain,Private -LogFileName %SystemRoot%\System32\LogFiles\Firewall\pfirewall.log -LogMaxSizeKilobytes 16384`, `Copy-NetFirewallRule -DisplayName "{{rulename}}" -NewName "{{rulename}} copy"`),
		bf("hardneg-linux-firewall-block", "linux", Sh,
			`ufw deny from {{ip}} to any`, `ufw deny out 25/tcp`, `ufw limit ssh/tcp`, `ufw reject 23/tcp`, `ufw insert 1 deny from {{bxcidr}}`, `ufw allow from {{bxcidr}} to any port 5432 proto tcp`, `ufw route deny in on eth0 out on eth1`,
			`iptables -I INPUT -s {{ip}} -j DROP`, `iptables -A OUTPUT -p tcp --dport 25 -j REJECT`, `iptables -A INPUT -p tcp --dport 22 -m conntrack --ctstate NEW -m recent --update --seconds 60 --hitcount 4 -j DROP`,
			`iptables -P INPUT DROP && iptables -A INPUT -i lo -j ACCEPT && iptables -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`, `iptables -D INPUT -s {{ip}} -j ACCEPT`, `iptables -L INPUT --line-numbers`,
			`ip6tables -A INPUT -s 2001:db8:{{n}}::/48 -j DROP`, `nft add rule inet filter input ip saddr {{ip}} drop`, `nft add element inet filter blocklist { {{ip}} }`, `nft list table inet filter`,
			`firewall-cmd --permanent --add-rich-rule='rule family="ipv4" source address="{{ip}}" reject' && firewall-cmd --reload`, `firewall-cmd --permanent --zone=drop --add-source={{bxcidr}}`, `firewall-cmd --permanent --remove-service=telnet`,
			`firewall-cmd --get-active-zones`, `fail2ban-client set sshd banip {{ip}}`, `fail2ban-client status sshd`, `fail2ban-client set sshd unbanip {{ip}}`, `ipset add blocklist {{ip}}`, `ipset create blocklist hash:ip`,
			`csf -d {{ip}} "brute force"`, `pfctl -t badhosts -T add {{ip}}`, `aws ec2 revoke-security-group-ingress --group-id sg-{{hex8}} --protocol tcp --port 3389 --cidr 0.0.0.0/0`,
			`aws ec2 create-network-acl-entry --network-acl-id acl-{{hex8}} --ingress --rule-number 90 --protocol tcp --port-range From=22,To=22 --cidr-block {{ip}}/32 --rule-action deny`,
			`gcloud compute firewall-rules update {{word}} --source-ranges={{bxcidr}}`, `az network nsg rule update -g {{rg}} --nsg-name {{word}}-nsg -n allow-ssh --source-address-prefixes {{ip}}/32`),
		bf("hardneg-token-names-sh", "any", Sh,
			`gh auth token | docker login ghcr.io -u {{user}} --password-stdin`, `gh auth refresh -s read:packages`, `gh auth login --with-token < token.txt`, `glab auth status`, `vault token lookup -accessor {{hex8}}`,
			`vault token capabilities secret/data/{{proj}}`, `gcloud auth print-access-token | docker login -u oauth2accesstoken --password-stdin https://{{region}}-docker.pkg.dev`, `curl -H "Authorization: Bearer $(gcloud auth print-identity-token)" {{url}}`,
			`az account get-access-token --query expiresOn -o tsv`, `aws sts get-session-token --duration-seconds 900 --profile {{word}}`, `aws ecr get-authorization-token --query 'authorizationData[].proxyEndpoint'`,
			`aws codeartifact get-authorization-token --domain {{word}} --query authorizationToken --output text`, `export CODEARTIFACT_AUTH_TOKEN=$(aws codeartifact get-authorization-token --domain {{word}} --domain-owner {{bxacct}} --query authorizationToken --output text)`,
			`npm token list`, `npm token create --cidr={{bxcidr}}`, `heroku auth:token`, `op read "op://{{word}}/{{proj}}/token"`, `kubectl config set-credentials {{user}} --token=$TOKEN`, `kubectl --token=$SA_TOKEN get pods -n {{ns}}`,
			`oc whoami -t`, `oc login --token=sha256~{{hex32}} --server=https://api.{{word}}.example.com:6443`, `step ca token {{host}}`, `consul acl token create -description "{{proj}} agent" -policy-name {{proj}}`, `nomad acl token self`,
			`terraform login app.terraform.io`, `pulumi login --local`, `firebase login:ci`, `netlify deploy --prod --auth $NETLIFY_AUTH_TOKEN`, `snyk auth $SNYK_TOKEN`, `sentry-cli --auth-token $SENTRY_AUTH_TOKEN releases new {{ver}}`,
			`cf oauth-token`, `ibmcloud iam oauth-tokens`, `doctl auth init --access-token $DO_TOKEN`, `jwt decode $ID_TOKEN`, `echo $TOKEN | cut -d. -f2 | base64 -d 2>/dev/null | jq .`, `curl -s -X POST {{url}}/oauth/token -d grant_type=client_credentials -u "$CLIENT_ID:$CLIENT_SECRET"`,
			`git config --global url."https://oauth2:${GITLAB_TOKEN}@gitlab.com/".insteadOf "https://gitlab.com/"`, `docker login -u {{user}} --password-stdin registry.{{bxdnszone}} < ~/.registry-token`, `kubeadm token create --ttl 2h`,
			`python3 -c "import secrets; print(secrets.token_urlsafe(32))"`, `openssl rand -hex 32 > .session_token`),
		bf("hardneg-token-names-ps", "windows", PS,
			`Get-AzAccessToken -ResourceTypeName {{MSGraph|KeyVault|Storage|Arm}}`, `$tok = Get-AzAccessToken -ResourceUrl https://management.azure.com; $tok.ExpiresOn`, `Connect-MgGraph -AccessToken ($token | ConvertTo-SecureString -AsPlainText -Force)`,
			`$t = Get-MsalToken -ClientId {{guid}} -TenantId {{guid}} -Interactive; $t.AccessToken.Length`, `Invoke-RestMethod -Uri https://graph.microsoft.com/v1.0/me -Headers @{Authorization = "Bearer $($t.AccessToken)"}`,
			`$body = @{grant_type='client_credentials'; client_id=$id; client_secret=$secret; scope='https://graph.microsoft.com/.default'}; Invoke-RestMethod -Method Post -Uri "https://login.microsoftonline.com/$tenant/oauth2/v2.0/token" -Body $body`,
			`Get-PnPAccessToken`, `New-AzStorageContainerSASToken -Name {{word}} -Permission rl -ExpiryTime (Get-Date).AddHours(4) -Context $ctx`, `New-AzStorageAccountSASToken -Service Blob -ResourceType Container,Object -Permission r -Context $ctx`,
			`Get-Secret -Name {{word}} -Vault {{word2}} -AsPlainText`, `Set-Secret -Name {{proj}}-api-token -Secret $token -Vault LocalStore`, `Register-SecretVault -Name LocalStore -ModuleName Microsoft.PowerShell.SecretStore -DefaultVault`,
			`Get-AzKeyVaultSecret -VaultName {{word}}-kv -Name {{word2}} -AsPlainText`, `Get-AzContext | Select Account, Subscription, Tenant`, `Disconnect-AzAccount`, `whoami /priv | findstr /i "SeShutdownPrivilege SeTimeZonePrivilege"`,
			`whoami /groups | findstr /i "Mandatory Label"`, `[System.Security.Principal.WindowsIdentity]::GetCurrent().Groups | ForEach-Object { $_.Translate([System.Security.Principal.NTAccount]) }`,
			`Start-Process powershell.exe -Verb RunAs -ArgumentList '-NoProfile -File C:\Scripts\{{word}}.ps1'`, `Start-Process -FilePath mmc.exe -ArgumentList dsa.msc -Credential (Get-Credential {{domain}}\adm-{{user}})`,
			`$cred = Get-Credential; Invoke-Command -ComputerName {{host}} -Credential $cred -ScriptBlock { Get-Service {{bxwinsvc}} }`, `Enter-PSSession -ComputerName {{host}} -Credential {{domain}}\{{user}}`),
		bf("hardneg-runas-plain", "windows", Cmd,
			`runas /user:{{domain}}\adm-{{user}} "mmc dsa.msc"`, `runas /user:{{domain}}\adm-{{user}} "powershell_ise.exe"`, `runas /user:{{host}}\Administrator "cmd /k cd /d C:\Tools"`, `runas /env /user:{{domain}}\{{user}} "{{goodprog}}"`,
			`runas /noprofile /user:{{domain}}\{{user}} "mmc gpmc.msc"`, `runas /user:{{user}}@{{bxdnszone}} "C:\Program Files\Microsoft SQL Server Management Studio 19\Common7\IDE\Ssms.exe"`, `runas /showtrustlevels`),
		bf("hardneg-rundll32-ordinary", "windows", Cmd,
			`rundll32 printui.dll,PrintUIEntry /in /n "\\{{host}}\{{word}}"`, `rundll32 printui.dll,PrintUIEntry /dl /n "{{word}}"`, `rundll32 printui.dll,PrintUIEntry /y /n "{{word}}"`, `rundll32 printui.dll,PrintUIEntry /Ss /n "{{word}}" /a "{{wtemp}}\printer.dat"`,
			`rundll32.exe shell32.dll,Control_RunDLL {{desk.cpl|sysdm.cpl|inetcpl.cpl|appwiz.cpl|ncpa.cpl|mmsys.cpl|timedate.cpl|powercfg.cpl}}`, `rundll32 user32.dll,LockWorkStation`, `rundll32 sysdm.cpl,EditEnvironmentVariables`,
			`rundll32.exe inetcpl.cpl,ClearMyTracksByProcess {{8|2|255}}`, `rundll32 url.dll,FileProtocolHandler {{url}}`, `rundll32 shell32.dll,OpenAs_RunDLL {{wfile}}`, `rundll32 setupapi.dll,InstallHinfSection DefaultInstall 132 C:\drivers\{{word}}.inf`,
			`rundll32.exe dfshim.dll,ShOpenVerbApplication https://{{word}}.contoso.com/{{proj}}.application`, `rundll32.exe keymgr.dll,KRShowKeyMgr`, `rundll32.exe shell32.dll,Options_RunDLL 0`, `rundll32 powrprof.dll,SetSuspendState 0,1,0`,
			`rundll32.exe shell32.dll,SHHelpShortcuts_RunDLL AddPrinter`, `rundll32.exe netplwiz.dll,UsersRunDll`, `rundll32 tsworkspace,TaskUpdateWorkspaces2`, `rundll32.exe "C:\Windows\System32\migration\WininetPlugin.dll",MigrateCacheForUser /m /0`),
		bf("hardneg-cleanup-win-more", "windows", Cmd,
			`del /f /q {{wtemp}}\{{bxdmp}}`, `del /f /q {{wtemp}}\{{bxhive}}`, `del /f \\{{host}}\c$\Windows\Temp\{{bxhive}}`, `del /f /q C:\Windows\Temp\{{bxdmp}} C:\Windows\Temp\{{bxhive}}`, `if exist {{wtemp}}\{{bxhive}} del /f {{wtemp}}\{{bxhive}}`,
			`del /f /q {{wtemp}}\{{mimikatz.exe|procdump64.exe|nanodump.x64.exe|PrintSpoofer64.exe|JuicyPotato.exe|SharpHound.exe}}`, `rmdir /s /q {{wtemp}}\{{word}} 2>nul`, `rmdir C:\{{word}}_shadow`,
			`net user {{user}} /delete`, `net localgroup administrators {{user}} /delete`, `net localgroup "Remote Desktop Users" {{user}} /delete`, `{{sc}} stop {{word}}Svc {{amp}} {{sc}} delete {{word}}Svc`,
			`schtasks /delete /tn "\{{taskname}}" /f`, `{{reg}} delete "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Image File Execution Options\lsass.exe" /f`, `{{reg}} delete "HKLM\SOFTWARE\Microsoft\Windows\Windows Error Reporting\LocalDumps\lsass.exe" /f`,
			`{{reg}} delete "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\SilentProcessExit\lsass.exe" /v ReportingMode /f`, `{{reg}} delete HKCU\Software\Microsoft\Windows\CurrentVersion\Run /v {{word}} /f`, `{{reg}} delete "HKLM\SYSTEM\CurrentControlSet\Services\{{word}}" /f`,
			`netsh advfirewall firewall delete rule name="{{rulename}}" program="{{badprog}}"`, `netsh interface portproxy delete v4tov4 listenport={{goodport}} listenaddress=0.0.0.0`, `vssadmin delete shadows /shadow={{bguid}} /quiet`,
			`wmic shadowcopy where "ID='{{bguid}}'" delete`, `bcdedit /deletevalue {default} safeboot`, `klist purge`, `cmdkey /delete:{{host}}`, `net use \\{{host}}\c$ /delete /y`, `wmic useraccount where name="{{user}}" rename {{user}}_disabled`),
		bf("hardneg-cleanup-ps-more", "windows", PS,
			`Remove-Item -Path {{pstemp}}\{{bxdmp}} -Force -ErrorAction SilentlyContinue`, `Remove-Item "{{pstemp}}\{{bxhive}}", "{{pstemp}}\{{bxhive2}}" -Force -ErrorAction Ignore`, `Get-ChildItem {{pstemp}} -Include *.dmp,*.hiv,*.save -Recurse | Remove-Item -Force`,
			`Remove-LocalUser -Name {{user}}`, `Remove-LocalGroupMember -Group Administrators -Member {{user}} -ErrorAction SilentlyContinue`, `Get-ScheduledTask -TaskName "{{taskname}}" | Unregister-ScheduledTask -Confirm:$false`,
			`Remove-Service -Name {{word}}Svc`, `Remove-Item -Path "HKLM:\SYSTEM\CurrentControlSet\Services\{{word}}" -Recurse -Force`, `Remove-ItemProperty -Path HKCU:\Software\Microsoft\Windows\CurrentVersion\Run -Name {{word}}`,
			`Remove-Item -Path "HKLM:\SOFTWARE\Microsoft\Windows\Windows Error Reporting\LocalDumps\lsass.exe" -Recurse -ErrorAction SilentlyContinue`, `Remove-MpPreference -ExclusionPath "{{exclpath}}"`, `Remove-MpPreference -ExclusionProcess "{{exclproc}}"`,
			`Get-NetFirewallRule -DisplayName "{{rulename}}" | Remove-NetFirewallRule`, `Remove-WmiObject -Namespace root\subscription -Class __EventFilter -Filter "Name='{{word}}'"`, `Get-CimInstance -Namespace root/subscription -ClassName __EventConsumer | Where Name -eq '{{word}}' | Remove-CimInstance`,
			`Set-ItemProperty -Path "HKLM:\SOFTWARE\Policies\Microsoft\Windows\PowerShell\ScriptBlockLogging" -Name EnableScriptBlockLogging -Value 1`, `Stop-Process -Name {{word}} -Force -ErrorAction SilentlyContinue; Remove-Item {{pstemp}}\{{word}}.exe -Force`,
			`Get-ChildItem C:\Users\*\AppData\Local\Temp\*.dmp -ErrorAction SilentlyContinue | Remove-Item -Force`, `Clear-RecycleBin -DriveLetter C -Force`, `Remove-SmbShare -Name {{word}}$ -Force`, `Remove-PSDrive -Name {{word}}`),
		bf("hardneg-cleanup-linux", "linux", Sh,
			`rm -f {{ltemp}}/{{bxdmp}}`, `shred -u {{ltemp}}/{{bxhive}}`, `rm -f sam.save system.save security.save`, `rm -rf {{ltemp}}/{{word}} {{ltemp}}/{{bxhive}}`, `find /tmp -name '*.dmp' -mmin -120 -delete`,
			`userdel -r {{user}}`, `crontab -r -u {{user}}`, `rm -f /etc/sudoers.d/{{user}}`, `sed -i '/{{user}}@{{host}}/d' ~/.ssh/authorized_keys`, `rm -f /etc/systemd/system/{{word}}.service && systemctl daemon-reload`,
			`systemctl disable --now {{word}}.timer && rm /etc/systemd/system/{{word}}.timer`, `iptables -D INPUT -p tcp --dport {{c2port}} -j ACCEPT`, `docker rm -f {{word}} && docker rmi {{image}}`, `kill %1`, `pkill -f 'python3 -m http.server'`,
			`mdatp exclusion folder remove --path {{ltemp}}/{{word}} --scope global`, `rm -rf ~/.cache/{{word}} /tmp/.{{word}}`, `sed -i '/{{word}}/d' /etc/hosts`, `ip link delete {{word}}0`, `rm -f /etc/ld.so.preload`),
		bf("hardneg-hash-checksum", "any", Sh,
			`sha256sum -c SHA256SUMS --ignore-missing`, `sha512sum {{lfile}}`, `shasum -a 256 {{file}}`, `md5 -q {{file}}`, `b3sum {{file}}`, `cksum {{file}}`, `xxhsum {{file}}`, `gpg --print-md SHA256 {{file}}`,
			`openssl sha1 {{file}}`, `rhash --sha256 --bsd {{file}}`, `hashdeep -c sha256 -r ./release > manifest.txt`, `hashdeep -a -k manifest.txt -r ./release`, `nix hash file {{file}}`, `git hash-object -w {{file}}`,
			`git rev-parse HEAD:{{file}}`, `docker images --digests`, `crane digest {{image}}`, `sha256sum *.iso > SHA256SUMS && gpg --clearsign SHA256SUMS`, `echo "{{bxsha256}}  {{file}}" | sha256sum -c -`,
			`python3 -c "import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())" {{file}}`, `find . -type f -exec md5sum {} + | sort -k2 > checksums.md5`, `hashcat --benchmark -m 1400`, `john --test=10`,
			`mkpasswd --method=yescrypt`, `openssl passwd -6`, `htpasswd -B -C 12 .htpasswd {{user}}`, `argon2 somesalt -id -t 3 -m 16 < /dev/null`, `sha256sum {{lfile}} | awk '{print $1}' > {{file}}.sha256`),
		bf("hardneg-hash-checksum-win", "windows", PS,
			`Get-FileHash -Algorithm {{SHA256|SHA512|SHA1|MD5}} "{{pstemp}}\{{file}}"`, `Get-ChildItem -Recurse -File | Get-FileHash -Algorithm SHA256 | Export-Csv hashes.csv -NoTypeInformation`,
			`(Get-FileHash .\{{word}}.msi).Hash -eq '{{bxsha256}}'`, `Get-FileHash \\{{host}}\deploy\{{word}}.zip | Format-List`, `if ((Get-FileHash $f -Algorithm SHA256).Hash -ne $expected) { throw "checksum mismatch" }`,
			`certutil -hashfile "$env:USERPROFILE\Downloads\{{word}}-{{ver}}.exe" SHA256`, `Get-AuthenticodeSignature "C:\Program Files\{{bxapp}}\{{word}}.exe" | Select Status, SignerCertificate`,
			`Compare-Object (Get-Content old-hashes.txt) (Get-Content new-hashes.txt)`, `[BitConverter]::ToString([Security.Cryptography.SHA256]::Create().ComputeHash([IO.File]::ReadAllBytes("{{pstemp}}\{{file}}"))).Replace('-','')`,
			`Get-AppLockerFileInformation -Path "C:\Program Files\{{bxapp}}\*.exe" | Select Path, Hash`, `signtool verify /pa /v "C:\Program Files\{{bxapp}}\{{word}}.exe"`, `sigcheck -accepteula -h "C:\Program Files\{{bxapp}}\{{word}}.exe"`),
		bf("hardneg-sam-words", "any", Sh,
			`sam build{{| --use-container}}`, `sam deploy --guided`, `sam deploy --stack-name {{proj}}-{{bxenv}} --capabilities CAPABILITY_IAM --no-confirm-changeset`, `sam local invoke {{word}}Function -e events/{{word}}.json`,
			`sam local start-api --port {{goodport}}`, `sam logs -n {{word}}Function --stack-name {{proj}} --tail`, `sam validate --lint`, `sam init --runtime python3.12 --name {{proj}}`, `sam sync --watch --stack-name {{proj}}-dev`, `sam delete --stack-name {{proj}}-{{word}}`,
			`samtools view -bS {{word}}.sam > {{word}}.bam`, `samtools sort -@ {{n}} -o {{word}}.sorted.bam {{word}}.bam`, `samtools index {{word}}.sorted.bam`, `samtools flagstat {{word}}.sorted.bam`, `samtools faidx ref.fa`,
			`bwa mem -t {{n}} ref.fa R1.fq.gz R2.fq.gz > {{word}}.sam`, `samba-tool user list`, `samba-tool domain level show`, `samba-tool user create {{user}}`, `smbstatus -S`, `testparm -s`, `pdbedit -L`, `smbclient -L //{{host}} -U {{user}}`,
			`systemctl status smbd nmbd`, `cat /etc/samba/smb.conf | grep -v '^#'`, `sambamba markdup -t {{n}} in.bam out.bam`),
		bf("hardneg-sam-words-win", "windows", PS,
			`Get-ADUser -LDAPFilter "(sAMAccountName={{user}})"`, `Get-ADUser -Filter * -Properties SamAccountName, UserPrincipalName | Export-Csv {{pstemp}}\users.csv -NoTypeInformation`, `Get-ADComputer -Filter "SamAccountName -like '{{word}}*'"`,
			`dsquery user -samid {{user}}`, `Get-Service SamSs | Select Status, StartType`, `Get-LocalUser | Select Name, SID`, `Get-CimInstance Win32_UserAccount -Filter "LocalAccount=True" | Select Name, SID, Disabled`,
			`Get-ADUser {{user}} | Select SamAccountName, SID, DistinguishedName`, `Rename-ADObject -Identity (Get-ADUser {{user}}).DistinguishedName -NewName "{{user}}"; Set-ADUser {{user}} -SamAccountName {{user}}2`,
			`secedit /analyze /db {{pstemp}}\secedit.sdb /cfg C:\Baseline\hardening.inf /log {{pstemp}}\secedit.log`, `secedit /configure /db secedit.sdb /cfg C:\Baseline\hardening.inf /areas SECURITYPOLICY`,
			`Get-Item C:\Windows\System32\config\SYSTEM | Select Length, LastWriteTime`, `Get-Acl C:\Windows\System32\config\SAM | Format-List AccessToString`),
		bf("hardneg-security-queries", "windows", Cmd,
			`auditpol /get /category:"{{Logon/Logoff|Detailed Tracking|Object Access|Account Management|Policy Change}}"`, `auditpol /get /subcategory:"Process Creation" /r`, `auditpol /list /user`, `auditpol /get /option:CrashOnAuditFail`,
			`fltmc filters {{pipe}} findstr /i "WdFilter SysmonDrv"`, `{{sc}} query WinDefend`, `{{sc}} query type= driver {{pipe}} findstr /i sysmon`, `{{sc}} qc Sysmon64`, `wevtutil gl Security`, `wevtutil gl Microsoft-Windows-Sysmon/Operational`,
			`{{reg}} query "HKLM\SOFTWARE\Policies\Microsoft\Windows Defender" /s`, `{{reg}} query HKLM\SYSTEM\CurrentControlSet\Control\Lsa /v RunAsPPL`, `{{reg}} query "HKLM\SOFTWARE\Microsoft\Windows Defender\Exclusions" /s`,
			`{{reg}} query "HKLM\SOFTWARE\Policies\Microsoft\Windows\PowerShell\ScriptBlockLogging"`, `logman query -ets`, `logman query providers {{pipe}} findstr /i {{Kernel|PowerShell|DNS}}`, `logman create counter Perf{{word}} -c "\Processor(_Total)\% Processor Time" -si 00:00:15 -o C:\PerfLogs\{{word}}`,
			`logman start Perf{{word}}`, `manage-bde -status C:`, `netsh advfirewall show allprofiles`, `"%ProgramFiles%\Windows Defender\MpCmdRun.exe" -GetFiles`, `sysmon64 -c`, `Sysmon64.exe -s > {{wtemp}}\sysmon-schema.xml`,
			`wmic /namespace:\\root\SecurityCenter2 path FirewallProduct get displayName`, `powershell -c "Get-MpComputerStatus | Select AMServiceEnabled, RealTimeProtectionEnabled"`, `whoami /priv`, `whoami /all /fo list`,
			`tasklist /svc /fi "imagename eq MsMpEng.exe"`, `tasklist /m /fi "imagename eq lsass.exe"`),
		bf("hardneg-security-queries-ps", "windows", PS,
			`Get-MpComputerStatus | Select AntivirusEnabled, RealTimeProtectionEnabled, IoavProtectionEnabled, NISEnabled`, `Get-MpPreference | Select-Object Exclusion*, Disable*`, `Get-CimInstance -Namespace root/SecurityCenter2 -ClassName AntivirusProduct`,
			`Get-CimInstance -ClassName Win32_DeviceGuard -Namespace root\Microsoft\Windows\DeviceGuard | Select SecurityServicesRunning`, `Confirm-SecureBootUEFI`, `Get-AppLockerPolicy -Effective -Xml`,
			`Get-NetFirewallProfile | Select Name, Enabled, DefaultInboundAction, LogBlocked`, `Get-Service Sysmon64, WinDefend, Sense, MpsSvc, EventLog | Select Name, Status, StartType`, `Get-WinEvent -ListLog Microsoft-Windows-Sysmon/Operational | Select IsEnabled, MaximumSizeInBytes`,
			`Get-ItemProperty 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\PowerShell\*' -ErrorAction SilentlyContinue`, `Get-EtwTraceSession -Name *`, `Get-EtwTraceProvider -SessionName EventLog-Application | Select Guid`,
			`Get-Process lsass | Select Id, @{n='Protected';e={$_.ProtectionLevel}}`, `Get-ProcessMitigation -Name lsass.exe`, `Get-ProcessMitigation -System`,
			`Get-ComputerInfo | Select DeviceGuard*`, `Get-BitLockerVolume | Select MountPoint, ProtectionStatus`, `Get-Tpm | Select TpmReady, TpmPresent`, `Get-LocalGroupMember -Group "Event Log Readers"`),
	}
}

func bxScriptFamilies() []Family {
	return []Family{
		bf("ps-script-admin-blocks", "windows", Script,
			`$threshold = {{10|15|20}}
$report = foreach ($d in Get-CimInstance Win32_LogicalDisk -Filter "DriveType=3") {
    $pct = [math]::Round(($d.FreeSpace / $d.Size) * 100, 1)
    [pscustomobject]@{ Drive = $d.DeviceID; FreeGB = [math]::Round($d.FreeSpace / 1GB, 1); FreePct = $pct }
}
$low = $report | Where-Object FreePct -lt $threshold
if ($low) {
    Send-MailMessage -To "ops@contoso.com" -From "$env:COMPUTERNAME@contoso.com" -Subject "Low disk on $env:COMPUTERNAME" -Body ($low | Out-String) -SmtpServer smtp.contoso.com
}`,
			`Add-Type @"
using System;
using System.Runtime.InteropServices;
public static class WinPos {
    [DllImport("user32.dll")] public static extern IntPtr GetForegroundWindow();
    [DllImport("user32.dll")] public static extern bool SetWindowPos(IntPtr hWnd, IntPtr after, int x, int y, int cx, int cy, uint flags);
}
"@
$p = Get-Process {{notepad|msedge|Teams|excel|code}} | Where-Object MainWindowHandle -ne 0 | Select-Object -First 1
[WinPos]::SetWindowPos($p.MainWindowHandle, [IntPtr]::Zero, 0, 0, 1280, 800, 0x0040) | Out-Null`,
			`Add-Type -Namespace Native -Name Kernel -MemberDefinition @"
[DllImport("kernel32.dll")] public static extern ulong GetTickCount64();
"@
$up = [TimeSpan]::FromMilliseconds([Native.Kernel]::GetTickCount64())
"{0} has been up for {1:dd} days {1:hh}h {1:mm}m" -f $env:COMPUTERNAME, $up`,
			`Add-Type -TypeDefinition @"
using System.Runtime.InteropServices;
public class Msg {
    [DllImport("user32.dll", CharSet = CharSet.Unicode)]
    public static extern int MessageBox(System.IntPtr h, string text, string caption, uint type);
}
"@
[Msg]::MessageBox([System.IntPtr]::Zero, "The {{proj}} update finished. Please restart {{notepad|Outlook|Teams|the application}}.", "IT Notice", 0x40) | Out-Null`,
			`Add-Type -MemberDefinition '[DllImport("kernel32.dll")] public static extern uint SetThreadExecutionState(uint esFlags);' -Name Power -Namespace Win32
# keep the machine awake while the {{proj}} export runs
[Win32.Power]::SetThreadExecutionState(0x80000001) | Out-Null
& "C:\Program Files\{{proj}}\export.exe" --out "D:\exports\{{date}}"
[Win32.Power]::SetThreadExecutionState(0x80000000) | Out-Null`,
			`Add-Type @"
using System; using System.Runtime.InteropServices;
public static class Idle {
    [StructLayout(LayoutKind.Sequential)] public struct LASTINPUTINFO { public uint cbSize; public uint dwTime; }
    [DllImport("user32.dll")] public static extern bool GetLastInputInfo(ref LASTINPUTINFO plii);
    public static uint Seconds() { var l = new LASTINPUTINFO(); l.cbSize = (uint)Marshal.SizeOf(l); GetLastInputInfo(ref l); return ((uint)Environment.TickCount - l.dwTime) / 1000; }
}
"@
if ([Idle]::Seconds() -gt {{600|900|1800}}) { Restart-Computer -Force }`,
			`$logDir = "C:\inetpub\logs\LogFiles\W3SVC{{n}}"
$archive = "D:\LogArchive\$(Get-Date -Format yyyyMM)"
New-Item -ItemType Directory -Path $archive -Force | Out-Null
Get-ChildItem $logDir -Filter *.log | Where-Object LastWriteTime -lt (Get-Date).AddDays(-{{n}}0) | ForEach-Object {
    Compress-Archive -Path $_.FullName -DestinationPath (Join-Path $archive ($_.BaseName + ".zip")) -Update
    Remove-Item $_.FullName
}`,
			`Import-Module ActiveDirectory
$cutoff = (Get-Date).AddDays(-{{60|90|120}})
Get-ADUser -Filter { Enabled -eq $true -and LastLogonDate -lt $cutoff } -SearchBase "{{bxou}}" -Properties LastLogonDate, Department |
    Select-Object SamAccountName, Name, Department, LastLogonDate |
    Sort-Object LastLogonDate |
    Export-Csv "\\{{host}}\reports\stale-accounts-$(Get-Date -Format yyyyMMdd).csv" -NoTypeInformation`,
			`$services = '{{bxwinsvc}}', '{{bxwinsvc2}}'
foreach ($name in $services) {
    $svc = Get-Service -Name $name -ErrorAction SilentlyContinue
    if ($svc -and $svc.Status -ne 'Running') {
        Write-EventLog -LogName Application -Source "{{proj}}Monitor" -EventId 1001 -EntryType Warning -Message "$name was $($svc.Status), restarting"
        Start-Service -Name $name
    }
}`,
			`$store = New-Object System.Security.Cryptography.X509Certificates.X509Store("My", "LocalMachine")
$store.Open("ReadOnly")
$soon = $store.Certificates | Where-Object { $_.NotAfter -lt (Get-Date).AddDays({{30|45|60}}) }
$store.Close()
$soon | Select-Object Subject, Thumbprint, NotAfter | Format-Table -AutoSize`,
			`$url = "https://downloads.example.org/{{proj}}/{{proj}}-{{ver}}-x64.msi"
$out = Join-Path $env:TEMP "{{proj}}-{{ver}}-x64.msi"
Invoke-WebRequest -Uri $url -OutFile $out -UseBasicParsing
$expected = "{{bxsha256}}"
if ((Get-FileHash $out -Algorithm SHA256).Hash -ne $expected) { throw "hash mismatch for $out" }
Start-Process msiexec.exe -ArgumentList @('/i', $out, '/qn', '/norestart') -Wait`,
			`$keys = 'HKCU:\Software\{{word}}', 'HKCU:\Software\Microsoft\Office\16.0\Outlook\Options'
$dest = "\\{{host}}\profiles$\$env:USERNAME"
foreach ($k in $keys) {
    $name = ($k -replace '[:\\]', '_') + '.reg'
    reg export ($k -replace 'HKCU:', 'HKCU') (Join-Path $dest $name) /y | Out-Null
}`,
			`Add-Type -AssemblyName System.Windows.Forms
$dialog = New-Object System.Windows.Forms.OpenFileDialog
$dialog.InitialDirectory = [Environment]::GetFolderPath('MyDocuments')
$dialog.Filter = "CSV files (*.csv)|*.csv"
if ($dialog.ShowDialog() -eq 'OK') {
    Import-Csv $dialog.FileName | Group-Object {{Department|Status|Region}} | Sort-Object Count -Descending | Format-Table Name, Count
}`,
			`$since = (Get-Date).AddHours(-{{n}}{{n}})
$events = Get-WinEvent -FilterHashtable @{ LogName = 'System', 'Application'; Level = 1, 2; StartTime = $since } -ErrorAction SilentlyContinue
$events | Group-Object ProviderName | Sort-Object Count -Descending | Select-Object -First 10 Name, Count |
    ConvertTo-Html -Title "Errors on $env:COMPUTERNAME" | Out-File "C:\Reports\errors-$(Get-Date -Format yyyyMMdd).html"`,
			`$sw = [System.Diagnostics.Stopwatch]::StartNew()
$client = New-Object System.Net.Http.HttpClient
$client.Timeout = [TimeSpan]::FromSeconds(10)
$resp = $client.GetAsync("{{url}}").GetAwaiter().GetResult()
$sw.Stop()
"{0} {1} {2}ms" -f (Get-Date -Format s), [int]$resp.StatusCode, $sw.ElapsedMilliseconds | Add-Content C:\Monitoring\{{proj}}-latency.log`,
			`$computers = Get-Content C:\Scripts\servers.txt
$results = Invoke-Command -ComputerName $computers -ScriptBlock {
    [pscustomobject]@{
        Host      = $env:COMPUTERNAME
        LastBoot  = (Get-CimInstance Win32_OperatingSystem).LastBootUpTime
        PendingKB = (Get-HotFix | Measure-Object).Count
        FreeC     = [math]::Round((Get-PSDrive C).Free / 1GB, 1)
    }
} -ErrorAction SilentlyContinue
$results | Sort-Object Host | Export-Csv C:\Reports\inventory-{{date}}.csv -NoTypeInformation`,
			`$zip = [System.IO.Compression.ZipFile]
Add-Type -AssemblyName System.IO.Compression.FileSystem
$src = "D:\Projects\{{proj}}\publish"
$dst = "\\{{host}}\releases\{{proj}}-{{ver}}.zip"
if (Test-Path $dst) { Remove-Item $dst }
$zip::CreateFromDirectory($src, $dst, [System.IO.Compression.CompressionLevel]::Optimal, $false)
Write-Host "Packaged {{proj}} {{ver}} to $dst"`),
		bf("ps-script-oneliner-loops", "windows", PS,
			`foreach ($s in Get-Content .\servers.txt) { Test-Connection $s -Count 1 -Quiet | ForEach-Object { "{0}: {1}" -f $s, $_ } }`, `1..{{n}} | ForEach-Object { Start-Sleep -Seconds 1; Write-Progress -Activity "Waiting" -PercentComplete ($_ * 10) }`,
			`Get-ChildItem *.log | ForEach-Object { Rename-Item $_ -NewName ($_.BaseName + "-{{date}}.log") }`, `Get-Content .\users.csv | ConvertFrom-Csv | ForEach-Object { Get-ADUser $_.SamAccountName -Properties Mail | Select Name, Mail }`,
			`Get-ChildItem -Path "{{pstemp}}" -Recurse -File | Group-Object Extension | Sort-Object Count -Descending | Select -First 10`, `while (-not (Test-NetConnection {{host}} -Port {{goodport}} -InformationLevel Quiet)) { Start-Sleep 5 }`,
			`$env:Path -split ';' | Where-Object { $_ -and -not (Test-Path $_) }`, `Get-Service | Where-Object { $_.Status -eq 'Running' } | Sort-Object DisplayName | Format-Table -AutoSize`, `Measure-Command { Invoke-WebRequest {{url}} -UseBasicParsing | Out-Null }`,
			`Get-Process | Group-Object Company | Sort Count -Desc | Select -First 10 Name, Count`, `Get-ChildItem Cert:\LocalMachine\My | Where-Object { $_.NotAfter -lt (Get-Date).AddDays(30) } | Select Subject, NotAfter`,
			`Import-Csv .\{{word}}.csv | Where-Object { [int]$_.Amount -gt {{num}} } | Export-Csv .\filtered.csv -NoTypeInformation`, `Get-ADComputer -Filter * | ForEach-Object { if (Test-Connection $_.Name -Count 1 -Quiet) { $_.Name } }`,
			`[System.IO.File]::ReadAllLines("{{pstemp}}\{{file}}") | Select-Object -Last {{n}}0`, `[System.Net.Dns]::GetHostAddresses("{{host}}")`, `[System.Environment]::OSVersion.Version`, `[System.IO.DriveInfo]::GetDrives() | Select Name, AvailableFreeSpace`,
			`[System.Net.ServicePointManager]::SecurityProtocol = [System.Net.SecurityProtocolType]::Tls12; Invoke-RestMethod {{url}}`, `[guid]::NewGuid().ToString()`, `[Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes("{{user}}:{{word}}"))`,
			`[datetime]::FromFileTimeUtc({{num}}{{num}}{{num}}{{num}}{{num}})`, `(New-Object System.Net.WebClient).DownloadFile("{{url}}", "$env:TEMP\{{file}}")`, `Get-Date -UFormat %s`),
	}
}
