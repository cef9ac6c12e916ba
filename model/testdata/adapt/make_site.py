#!/usr/bin/env python3
"""Writes train.jsonl and test.jsonl: a made-up site's in-house tool, `guardctl`, whose
maintenance commands look like defense tampering (stop protection, unload a driver, turn real-time
scanning off for a change window) but are approved IT operations, labelled benign. The test split
uses subcommands, flags, hosts and tickets the training split never shows. make adapt-check adapts the
default model on train.jsonl and checks that test.jsonl stops raising alerts.

    /usr/bin/python3 model/testdata/adapt/make_site.py
"""
import argparse
import json
import os
import random

EXES = ["guardctl", "guardctl.exe", r"C:\Program Files\Contoso\Guard\guardctl.exe", "/opt/contoso/guard/bin/guardctl"]
TRAIN = [
    "{exe} stop-protection --reason {reason} --ticket {ticket}",
    "{exe} /unload-driver cgfilt /maintenance /ticket {ticket}",
    "{exe} set-policy --{policy} off --duration {mins}m --approved-by {user}",
    "{exe} disable-sensor --host {host} --window {mins}m --ticket {ticket}",
    "{exe} pause-agent --all --until {time} --change {ticket}",
    "{exe} /disable realtime /window {mins}m /ticket {ticket}",
    "{exe} kill-switch --scope {host} --reason {reason}",
]
TEST = [
    "{exe} suspend-protection --for {mins}m --ticket {ticket} --host {host}",
    "{exe} /stop-service cgsvc /maintenance /approved {user}",
    "{exe} set-policy --behavior-monitoring off --ttl {mins}m --ticket {ticket}",
    "{exe} unload-filter --name cgfilt --window {mins}m",
]
REASONS = ["patching", "sccm-deploy", "db-migration", "perf-test", "vendor-upgrade", "backup-window"]


def rows(templates, rng, n, hosts, users):
    out, seen = [], set()
    while len(out) < n:
        t = rng.choice(templates).format(
            exe=rng.choice(EXES), reason=rng.choice(REASONS), ticket=f"CHG-{rng.randint(10000, 99999)}",
            mins=rng.choice([15, 20, 30, 45, 60, 90, 120]), user=rng.choice(users), host=rng.choice(hosts),
            time=f"{rng.randint(0, 23):02d}:{rng.choice(['00', '15', '30', '45'])}",
            policy=rng.choice(["realtime", "behavior-monitoring", "script-scan", "cloud-lookup"]))
        if t not in seen:
            seen.add(t)
            out.append({"text": t, "label": "benign", "family": "site/guardctl", "split": "train"})
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    train = rows(TRAIN, rng, 120, [f"ws-{i:04d}" for i in range(1, 40)], ["jdoe", "asmith", "it-ops", "mkhan"])
    test = rows(TEST, rng, 40, [f"srv-db{i:02d}" for i in range(1, 20)], ["lchen", "change-board"])
    for r in test:
        r["split"] = "test"
    for name, rs in (("train.jsonl", train), ("test.jsonl", test)):
        with open(os.path.join(args.out, name), "w") as f:
            for r in rs:
                f.write(json.dumps(r) + "\n")


if __name__ == "__main__":
    main()
