package main

import (
	"slices"
	"strings"
	"testing"
)

const troffPage = `.TH FROB 1
.SH NAME
frob \- frobnicate files
.SH SYNOPSIS
.B frob
[\fB\-v\fR] [\fB\-\-output\fR=\fIFILE\fR] \fISOURCE\fR ...
.SH DESCRIPTION
Frob reads SOURCE and writes it again; see \-\-not\-an\-option in prose.
.SH OPTIONS
.TP
\fB\-n\fR, \fB\-\-dry\-run\fR
Do nothing.
.IP "\fB\-q\fR"
Quiet.
.SH "GCLOUD WIDE FLAGS"
.TP
\fB\-\-project\fR
`

const mdocPage = `.Dd 2024
.Dt ZAP 1
.Sh SYNOPSIS
.Nm zap
.Op Fl l
.Ar TARGET
.Sh DESCRIPTION
.Bl -tag
.It Fl f Ar file
Read from file.
.El
`

func TestParse(t *testing.T) {
	tests := []struct {
		name, page string
		opts, args []string
	}{
		{"troff", troffPage, []string{"-v", "--output", "-n", "--dry-run", "-q"}, []string{"FILE", "SOURCE"}},
		{"mdoc", mdocPage, []string{"-l", "-f"}, []string{"TARGET"}},
	}
	for _, tt := range tests {
		opts, args := parse(tt.page, 24)
		if !slices.Equal(opts, tt.opts) || !slices.Equal(args, tt.args) {
			t.Errorf("%s: options %q args %q, want %q %q", tt.name, opts, args, tt.opts, tt.args)
		}
	}
	if opts, _ := parse(troffPage, 2); len(opts) != 2 {
		t.Errorf("max-options 2: %q", opts)
	}
}

func TestCommandPath(t *testing.T) {
	tests := []struct {
		page string
		want string
		ok   bool
	}{
		{"curl", "curl", true},
		{"git-log", "git log", true},
		{"iptables-save", "", false},
		{"ufw", "", false},
		{"auditctl", "", false},
		{"sudo", "", false},
		{"bash", "", false},
		{"gcloud_alpha_compute_disks_list", "", false},
		{"gcloud_logging_sinks_delete", "", false},
		{"gcloud_compute_firewall-rules_create", "", false},
		{"gcloud_kms_keys_list", "", false},
		// Whole names only: these begin like a skipped shell or switcher but are ordinary programs.
		{"sha256sum", "sha256sum", true},
		{"shutdown", "shutdown", true},
		{"sum", "sum", true},
		{"gdbus", "gdbus", true},
		{"bashbug", "bashbug", true},
		{"dashboard-cli", "dashboard-cli", true},
		{"sudoreplay", "", false},
		{"aa-status", "", false},
		// Pages of Debian's archive: names the attack families use (Windows net, the SAM hive) and
		// anti-virus are left out; ordinary programs that share a prefix with them are kept.
		{"net", "", false},
		{"netstat", "netstat", true},
		{"sam", "", false},
		{"clamdscan", "", false},
		{"dump", "dump", true},
	}
	for _, tt := range tests {
		got, ok := commandPath(tt.page, 1)
		if got != tt.want || ok != tt.ok {
			t.Errorf("commandPath(%q) = %q, %v; want %q, %v", tt.page, got, ok, tt.want, tt.ok)
		}
	}
	// Kept gcloud pages become the command path; -gcloud-keep thins them deterministically.
	if got, ok := commandPath("gcloud_compute_disks_resize", 1); !ok || got != "gcloud compute disks resize" {
		t.Errorf("gcloud page: %q %v", got, ok)
	}
	kept := 0
	for _, p := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"} {
		if _, ok := commandPath("gcloud_x_"+p, 4); ok {
			kept++
		}
	}
	if kept == 0 || kept == 12 {
		t.Errorf("gcloud-keep 4 kept %d of 12", kept)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(troffPage)
	f.Add(mdocPage)
	f.Fuzz(func(t *testing.T, page string) {
		opts, args := parse(page, 24)
		if len(opts) > 24 || len(args) > 6 {
			t.Fatalf("%d options, %d args", len(opts), len(args))
		}
		for _, o := range opts {
			if !strings.HasPrefix(o, "-") || strings.ContainsAny(o, " \t\n") {
				t.Fatalf("option %q", o)
			}
		}
	})
}
