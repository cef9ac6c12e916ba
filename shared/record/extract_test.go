package record

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func mustJSON(t *testing.T, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return m
}

func TestExtract(t *testing.T) {
	tests := []struct {
		name      string
		rec       string
		fields    []string
		wantText  string
		wantField string
		wantKind  SkipKind
		wantErr   string
	}{
		{name: "ecs nested", rec: `{"process":{"command_line":"reg save HKLM\\SAM s","args":["x"]},"message":"m"}`,
			wantText: `reg save HKLM\SAM s`, wantField: "process.command_line"},
		{name: "ecs flattened", rec: `{"process.command_line":"vssadmin delete shadows","message":"m"}`,
			wantText: "vssadmin delete shadows", wantField: "process.command_line"},
		{name: "mixed flattened inside nested", rec: `{"winlog":{"event_data.CommandLine":"sc stop WinDefend"}}`,
			wantText: "sc stop WinDefend", wantField: "winlog.event_data.CommandLine"},
		{name: "mixed nested inside flattened", rec: `{"winlog.event_data":{"CommandLine":"sc stop WinDefend"}}`,
			wantText: "sc stop WinDefend", wantField: "winlog.event_data.CommandLine"},
		{name: "flattened wins over nested", rec: `{"process.command_line":"flat","process":{"command_line":"nested"}}`,
			wantText: "flat", wantField: "process.command_line"},
		{name: "args joined", rec: `{"process":{"args":["procdump.exe","-ma","lsass.exe","out.dmp"]}}`,
			wantText: "procdump.exe -ma lsass.exe out.dmp", wantField: "process.args"},
		{name: "args with numbers and bools, nulls dropped", rec: `{"process.args":["kill","-9",1234,true,null,{"a":1},[2]]}`,
			wantText: "kill -9 1234 true", wantField: "process.args"},
		{name: "args big number keeps text", rec: `{"process.args":["sleep",12345678901234567890]}`,
			wantText: "sleep 12345678901234567890", wantField: "process.args"},
		{name: "sysmon CommandLine", rec: `{"EventID":1,"CommandLine":"\"C:\\Windows\\system32\\rundll32.exe\" comsvcs.dll MiniDump 624 l.dmp full"}`,
			wantText: `"C:\Windows\system32\rundll32.exe" comsvcs.dll MiniDump 624 l.dmp full`, wantField: "CommandLine"},
		{name: "winlogbeat", rec: `{"winlog":{"event_id":4688,"event_data":{"CommandLine":"wevtutil cl Security"}},"message":"A new process has been created."}`,
			wantText: "wevtutil cl Security", wantField: "winlog.event_data.CommandLine"},
		{name: "command_line", rec: `{"command_line":"a"}`, wantText: "a", wantField: "command_line"},
		{name: "cmdline", rec: `{"cmdline":"b"}`, wantText: "b", wantField: "cmdline"},
		{name: "fluent bit log", rec: `{"log":"sudo auditctl -D\n","stream":"stdout"}`, wantText: "sudo auditctl -D\n", wantField: "log"},
		{name: "number falls through", rec: `{"process":{"command_line":42},"message":"net stop mpssvc"}`,
			wantText: "net stop mpssvc", wantField: "message"},
		{name: "empty falls through", rec: `{"process":{"command_line":"  "},"message":"x"}`,
			wantText: "x", wantField: "message"},
		{name: "intermediate not object", rec: `{"process":"p","message":"x"}`, wantText: "x", wantField: "message"},
		{name: "custom fields", rec: `{"data":{"cmd":"whoami /priv"},"message":"m"}`, fields: []string{"data.cmd"},
			wantText: "whoami /priv", wantField: "data.cmd"},

		{name: "message is number", rec: `{"message":12}`, wantKind: SkipNotText, wantErr: "field message is a number, not text"},
		{name: "message is bool", rec: `{"message":true}`, wantKind: SkipNotText, wantErr: "field message is a boolean, not text"},
		{name: "message is null", rec: `{"message":null}`, wantKind: SkipNotText, wantErr: "field message is null, not text"},
		{name: "message is object", rec: `{"message":{"a":"b"}}`, wantKind: SkipNotText, wantErr: "field message is an object, not text"},
		{name: "args without text", rec: `{"process":{"args":[null,{}]}}`, wantKind: SkipNotText,
			wantErr: "field process.args is an array without text elements, not text"},
		{name: "empty array", rec: `{"process":{"args":[]}}`, wantKind: SkipNotText,
			wantErr: "field process.args is an array without text elements, not text"},
		{name: "first unusable reported", rec: `{"process":{"command_line":null},"message":""}`, wantKind: SkipNotText,
			wantErr: "field process.command_line is null, not text"},
		{name: "empty text", rec: `{"message":" \t\n"}`, wantKind: SkipEmpty, wantErr: "empty text"},
		{name: "empty args strings", rec: `{"process":{"args":["",""]}}`, wantKind: SkipEmpty, wantErr: "empty text"},
		{name: "no field", rec: `{"host":{"name":"h"}}`, wantKind: SkipNoField,
			wantErr: "no text field (tried process.command_line, process.args, CommandLine, winlog.event_data.CommandLine, command_line, cmdline, message, log)"},
		{name: "no custom field", rec: `{"message":"m"}`, fields: []string{"a.b", "c"}, wantKind: SkipNoField,
			wantErr: "no text field (tried a.b, c)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, field, err := Extract(mustJSON(t, tt.rec), tt.fields)
			if tt.wantErr == "" {
				if err != nil || text != tt.wantText || field != tt.wantField {
					t.Fatalf("Extract = %q, %q, %v; want %q, %q", text, field, err, tt.wantText, tt.wantField)
				}
				return
			}
			var skip *SkipError
			if !errors.As(err, &skip) {
				t.Fatalf("Extract = %q, %q, %v; want SkipError %q", text, field, err, tt.wantErr)
			}
			if skip.Kind != tt.wantKind || err.Error() != tt.wantErr || text != "" || field != "" {
				t.Fatalf("Extract = %q, %q, kind %d %q; want kind %d %q", text, field, skip.Kind, err, tt.wantKind, tt.wantErr)
			}
		})
	}
}

func TestExtractNilRecord(t *testing.T) {
	_, _, err := Extract(nil, []string{"message"})
	var skip *SkipError
	if !errors.As(err, &skip) || skip.Kind != SkipNoField {
		t.Fatalf("Extract(nil) err = %v", err)
	}
}

func TestDefaultFieldsIsACopy(t *testing.T) {
	a := DefaultFields()
	a[0] = "changed"
	if b := DefaultFields(); b[0] != "process.command_line" || len(b) != 8 {
		t.Fatalf("DefaultFields() = %q", b)
	}
}

func TestLookup(t *testing.T) {
	rec := mustJSON(t, `{"a":{"b.c":{"d":1}},"a.b":{"c":{"e":2}},"x.y":3,"x":{"y":4}}`)
	tests := []struct {
		path string
		want string
		ok   bool
	}{
		{"a.b.c.d", "1", true},
		{"a.b.c.e", "2", true},
		{"x.y", "3", true},
		{"a.b.c.f", "", false},
		{"", "", false},
		{"a.", "", false},
	}
	for _, tt := range tests {
		v, ok := Lookup(rec, tt.path)
		if ok != tt.ok {
			t.Errorf("Lookup(%q) ok = %v", tt.path, ok)
			continue
		}
		if ok && v.(json.Number).String() != tt.want {
			t.Errorf("Lookup(%q) = %v, want %s", tt.path, v, tt.want)
		}
	}
}
