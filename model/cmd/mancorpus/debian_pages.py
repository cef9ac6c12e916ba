#!/usr/bin/python3
"""Fetch the section 1 and 8 manual pages of a broad set of Debian packages for mancorpus.

The packages are those of Debian's main archive that ship such pages, in the sections a SOC's benign
command lines come from (utilities, networking, development, administration, text, web, databases,
version control, editors, mail, interpreters, language tool chains), under --max-size bytes, less
the defenses and attack tools the labelling policy (model/POLICY.md) gives to the attack classes or
to out-of-scope tools: anti-virus, firewalls, audit, SELinux/AppArmor, system loggers, intrusion
detection, hive readers and password crackers, shells and privilege switchers. mancorpus skips such
program names again, page by page.

    /usr/bin/python3 model/cmd/mancorpus/debian_pages.py --out /tmp/debman
    go run ./model/cmd/mancorpus -out model/datagen/data/manprogs.tsv /usr/share/man/man1 \\
        /usr/share/man/man8 /tmp/debman/root/usr/share/man/man1 /tmp/debman/root/usr/share/man/man8

Needs apt (a Debian machine with the suite in its sources) and the mirror; about 1.4 GB of packages
are downloaded (about 10 minutes here) and only their pages are kept.
"""
import argparse
import gzip
import os
import re
import subprocess
import sys
import urllib.request

SECTIONS = {
    "utils", "net", "devel", "admin", "text", "web", "database", "vcs", "editors", "httpd", "misc",
    "interpreters", "mail", "otherosfs", "golang", "javascript", "ruby", "perl", "python", "rust",
    "java", "shells", "kernel", "embedded",
}

DENY = re.compile(
    r"clamav|clamtk|fail2ban|rkhunter|chkrootkit|^aide|tripwire|lynis|ossec|osquery|snort|suricata|zeek|"
    r"audit|apparmor|selinux|firewall|^ufw|nftables|iptables|ebtables|arptables|shorewall|^ferm$|firehol|"
    r"rsyslog|syslog|sysklogd|socklog|metalog|logcheck|logwatch|psad|fwknop|portsentry|^tiger$|"
    r"samdump|chntpw|creddump|bkhive|pwdump|hivex|reglookup|regripper|^john|hashcat|hydra|ophcrack|medusa|"
    r"ncrack|dsniff|ettercap|aircrack|sqlmap|nikto|wapiti|impacket|responder|crackmapexec|netexec|mimikatz|"
    r"^gdb|procdump|sudo|^doas|^super$|calife|^zsh|^fish$|mksh|^yash|^posh$|busybox|^sash$|^tcsh|^csh|^ksh|"
    r"^bash|^dash|falco|sysdig|tetragon|wazuh|beat$|fluent|journal|tcpdump|volatility|yara|^lime|forensic|"
    r"sleuthkit|autopsy|foremost|bulk-extractor|dc3dd|guymager|^p0f|masscan|zmap|^nmap|^zenmap|metasploit|"
    r"^hping|^scapy|macchanger|weevely|^set$|beef|^evil|bettercap|mitmproxy|sslsplit|sslstrip|kismet|reaver|"
    r"pixiewps|^crunch$|^cewl|wordlists|patator|^thc|onesixtyone|sipvicious|smbmap|enum4linux|nbtscan|"
    r"polenum|winexe|^pth-|evil-winrm|certipy|bloodhound|kerberoast")

PAGE = re.compile(r"^usr/share/man/man[18]/\S+\s+(\S+)$")


def packages_with_pages(mirror, suite):
    """Package name -> section, for the packages of suite/main with pages in man1 or man8."""
    url = f"{mirror}/dists/{suite}/main/Contents-amd64.gz"
    out = {}
    with urllib.request.urlopen(url) as resp, gzip.open(resp, "rt", errors="replace") as f:
        for line in f:
            m = PAGE.match(line.rstrip("\n"))
            if not m:
                continue
            for qualified in m.group(1).split(","):
                section, _, name = qualified.rpartition("/")
                out[name] = section.split("/")[-1]
    return out


def package_sizes():
    """Package name -> .deb size, from apt's index of available packages."""
    text = subprocess.run(["apt-cache", "dumpavail"], check=True, capture_output=True, text=True).stdout
    sizes = {}
    for block in text.split("\n\n"):
        name = size = None
        for line in block.splitlines():
            if line.startswith("Package: "):
                name = line[9:].strip()
            elif line.startswith("Size: "):
                size = int(line[6:])
        if name and size is not None:
            sizes[name] = size
    return sizes


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, help="work folder: debs/ and root/ are made under it")
    ap.add_argument("--mirror", default="http://deb.debian.org/debian")
    ap.add_argument("--suite", default="bookworm")
    ap.add_argument("--max-size", type=int, default=3_000_000, help="largest .deb fetched, in bytes")
    ap.add_argument("--list-only", action="store_true", help="print the selected packages and stop")
    args = ap.parse_args()

    sections = packages_with_pages(args.mirror, args.suite)
    sizes = package_sizes()
    selected = sorted(p for p, s in sections.items()
                      if s in SECTIONS and p in sizes and sizes[p] < args.max_size and not DENY.search(p))
    print(f"{len(selected)} packages, {sum(sizes[p] for p in selected) / 1e9:.2f} GB", file=sys.stderr)
    if args.list_only:
        print("\n".join(selected))
        return

    debs, root = os.path.join(args.out, "debs"), os.path.join(args.out, "root")
    os.makedirs(debs, exist_ok=True)
    os.makedirs(root, exist_ok=True)
    for i in range(0, len(selected), 200):
        # A batch with a package apt cannot fetch fails whole; the rest of the run goes on.
        r = subprocess.run(["apt-get", "download", "-q", *selected[i:i + 200]], cwd=debs)
        if r.returncode != 0:
            print(f"batch {i // 200}: apt-get download exited {r.returncode}", file=sys.stderr)
    extract(debs, root)
    print(f"pages under {root}/usr/share/man", file=sys.stderr)


def extract(debs, root):
    """Unpack the man1 and man8 pages of every .deb in debs under root."""
    for deb in sorted(os.listdir(debs)):
        tar = subprocess.Popen(["dpkg-deb", "--fsys-tarfile", os.path.join(debs, deb)], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", root, "--wildcards", "./usr/share/man/man1/*", "./usr/share/man/man8/*"],
                       stdin=tar.stdout, stderr=subprocess.DEVNULL)
        tar.stdout.close()
        tar.wait()
    # Alias pages whose target another package ships would stop mancorpus.
    subprocess.run(["find", root, "-xtype", "l", "-delete"], check=True)


if __name__ == "__main__":
    main()
