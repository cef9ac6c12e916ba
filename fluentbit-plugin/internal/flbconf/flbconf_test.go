package flbconf

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/config"
)

// spec is the plugin's real key set.
var spec = Spec{Plugin: "ttpscope", Keys: config.KeyNames(), Hint: config.Hint}

func env(kv map[string]string) Env {
	return func(name string) (string, bool) { v, ok := kv[name]; return v, ok }
}

// TestParseAndValidate: each case is a set of files (the first is the one Fluent Bit is started with) and
// what Validate must say: the number of ttpscope outputs and the unknown-key messages, or a syntax error.
func TestParseAndValidate(t *testing.T) {
	cases := []struct {
		name    string
		files   [][2]string // name, content; the first is the main file
		env     map[string]string
		outputs int
		errs    []string // substrings of the Validate error (ending in $: its end); none for no error
		syntax  string   // substring of the parse error (ErrSyntax)
	}{
		{name: "classic valid", files: [][2]string{{"/c/fb.conf", `
[SERVICE]
    Flush 1
[INPUT]
    Name  dummy
    Bogus_Input_Key 1
[OUTPUT]
    Name              ttpscope
    Match             *
    sink              es
    es_url            http://es:9200
    dead_letter_path  /tmp/dl
    Workers           2
    Retry_Limit       no_limits
    tls.verify        off
    net.keepalive     on
    storage.total_limit_size 1G
    log_suppress_interval 10s
[OUTPUT]
    Name   stdout
    Format json_lines
`}}, outputs: 1},
		{name: "classic typo", files: [][2]string{{"/c/fb.conf", "[OUTPUT]\n    Name ttpscope\n    Match *\n    sinc null\n"}},
			outputs: 1, errs: []string{`unknown key "sinc" in [OUTPUT] ttpscope at /c/fb.conf:4 (did you mean "sink"?)`}},
		{name: "classic probe hint and no suggestion", files: [][2]string{{"/c/fb.conf",
			"[OUTPUT]\n  Name ttpscope\n  http_user elastic\n  completely_different 1\n"}}, outputs: 1, errs: []string{
			`unknown key "http_user" in [OUTPUT] ttpscope at /c/fb.conf:3 (did you mean "es_user"?)`,
			`unknown key "completely_different" in [OUTPUT] ttpscope at /c/fb.conf:4$`}},
		{name: "classic suggests a Fluent Bit key", files: [][2]string{{"/c/fb.conf", "[OUTPUT]\n  Name ttpscope\n  Retry_Limt 5\n"}},
			outputs: 1, errs: []string{`unknown key "Retry_Limt" in [OUTPUT] ttpscope at /c/fb.conf:3 (did you mean "retry_limit"?)`}},
		{name: "classic case-insensitive", files: [][2]string{{"/c/fb.conf",
			"[output]\n\tNAME\tTTPScope\n\tSINK\tnull\n\tMATCH_REGEX .*\n\tES_URL http://x\n"}}, outputs: 1},
		{name: "classic comments and blank lines", files: [][2]string{{"/c/fb.conf",
			"\ufeff# top\r\n\r\n[OUTPUT] # trailing\r\n    # Sinc null\r\n    Name ttpscope\r\n  #x\r\n    sink null\r\n"}}, outputs: 1},
		{name: "classic several instances, a typo in the second", files: [][2]string{{"/c/fb.conf",
			"[OUTPUT]\n Name ttpscope\n sink null\n[OUTPUT]\n Name ttpscope\n Alias second\n cache_sise 5\n"}},
			outputs: 2, errs: []string{`unknown key "cache_sise" in [OUTPUT] ttpscope at /c/fb.conf:7 (did you mean "cache_size"?)`}},
		{name: "classic other outputs are not checked", files: [][2]string{{"/c/fb.conf",
			"[OUTPUT]\n Name es\n http_user x\n[FILTER]\n Name ttpscope\n anything 1\n"}}, outputs: 0},
		{name: "classic @SET and ${VAR}", files: [][2]string{{"/c/fb.conf",
			"@SET out=ttpscope\n@set OTHER=es\n[OUTPUT]\n Name ${out}\n sinkk null\n[OUTPUT]\n Name ${OTHER}\n bad 1\n[OUTPUT]\n Name ${FROM_ENV}\n badenv 1\n"}},
			env: map[string]string{"FROM_ENV": "ttpscope", "out": "es"}, outputs: 2,
			errs: []string{`"sinkk" in [OUTPUT] ttpscope at /c/fb.conf:5`, `"badenv" in [OUTPUT] ttpscope at /c/fb.conf:11`}},
		{name: "classic @SET after use still counts", files: [][2]string{{"/c/fb.conf",
			"[OUTPUT]\n Name ${out}\n x 1\n@SET out=ttpscope\n"}}, outputs: 1, errs: []string{`"x" in [OUTPUT] ttpscope at /c/fb.conf:3`}},
		{name: "classic includes, relative and glob", files: [][2]string{
			{"/c/fb.conf", "@INCLUDE inputs.conf\n@INCLUDE out/*.conf\n@INCLUDE /abs/last.conf\n"},
			{"/c/inputs.conf", "[INPUT]\n Name dummy\n"},
			{"/c/out/a.conf", "[OUTPUT]\n Name ttpscope\n sink null\n"},
			{"/c/out/b.conf", "[OUTPUT]\n Name ttpscope\n tresholds 1\n"},
			{"/abs/last.conf", "@INCLUDE nested.conf\n"},
			{"/abs/nested.conf", "[OUTPUT]\n Name ttpscope\n sink null\n"},
		}, outputs: 3, errs: []string{`"tresholds" in [OUTPUT] ttpscope at /c/out/b.conf:3`}},
		{name: "classic include relative to the main file", files: [][2]string{
			{"/c/fb.conf", "@INCLUDE sub/a.conf\n"},
			{"/c/sub/a.conf", "@INCLUDE b.conf\n"},
			{"/c/b.conf", "[OUTPUT]\n Name ttpscope\n"},
		}, outputs: 1},
		{name: "classic section goes on after an include", files: [][2]string{
			{"/c/fb.conf", "[OUTPUT]\n Name ttpscope\n@INCLUDE x.conf\n sinq null\n"},
			{"/c/x.conf", "[INPUT]\n Name dummy\n"},
		}, outputs: 1, errs: []string{`"sinq" in [OUTPUT] ttpscope at /c/fb.conf:4`}},
		{name: "classic glob matching nothing", files: [][2]string{{"/c/fb.conf", "@INCLUDE none/*.conf\n[OUTPUT]\n Name ttpscope\n"}}, outputs: 1},
		{name: "classic missing include", files: [][2]string{{"/c/fb.conf", "@INCLUDE gone.conf\n"}}, syntax: "@INCLUDE gone.conf"},
		{name: "classic include cycle", files: [][2]string{{"/c/fb.conf", "@INCLUDE a.conf\n"}, {"/c/a.conf", "@INCLUDE fb.conf\n"}}, syntax: "include cycle"},
		{name: "classic key outside a section", files: [][2]string{{"/c/fb.conf", "Name ttpscope\n"}}, syntax: "/c/fb.conf:1: key outside a section"},
		{name: "classic key without value", files: [][2]string{{"/c/fb.conf", "[OUTPUT]\n Name ttpscope\n sink\n"}}, syntax: "/c/fb.conf:3"},
		{name: "classic bad header", files: [][2]string{{"/c/fb.conf", "[OUTPUT\n"}}, syntax: "bad section header"},
		{name: "classic bad @SET", files: [][2]string{{"/c/fb.conf", "@SET nothing\n"}}, syntax: "@SET needs name=value"},
		{name: "classic unknown directive", files: [][2]string{{"/c/fb.conf", "@FOO bar\n"}}, syntax: "unknown directive"},
		{name: "classic missing file", files: [][2]string{{"/c/other.conf", ""}}, syntax: "fb.conf"},

		{name: "yaml valid with processors", files: [][2]string{{"/y/fb.yaml", `
service:
  flush: 1
pipeline:
  inputs:
    - name: dummy
      whatever: 1
  outputs:
    - name: ttpscope
      match: '*'
      sink: forward
      forward_address: 127.0.0.1:24224
      Workers: 2
      tls.verify: off
      processors:
        logs:
          - name: content_modifier
            not_a_ttpscope_key: x
    - name: stdout
      format: json_lines
`}}, outputs: 1},
		{name: "yaml typo", files: [][2]string{{"/y/fb.yaml", "pipeline:\n  outputs:\n    - name: ttpscope\n      match: '*'\n      forward_adress: x:1\n"}},
			outputs: 1, errs: []string{`unknown key "forward_adress" in [OUTPUT] ttpscope at /y/fb.yaml:5 (did you mean "forward_address"?)`}},
		{name: "yaml case-insensitive keys and name", files: [][2]string{{"/y/fb.yml", "Pipeline:\n  Outputs:\n    - Name: TTPSCOPE\n      Sink: null\n      Es-Url: x\n"}},
			outputs: 1, errs: []string{`unknown key "Es-Url" in [OUTPUT] ttpscope at /y/fb.yml:5 (did you mean "es_url"?)`}},
		{name: "yaml several instances and list values", files: [][2]string{{"/y/fb.yaml", `pipeline:
  outputs:
    - name: ttpscope
      sink: null
    - name: ttpscope
      fields: [a, b]
      labels: {a: 1}
`}}, outputs: 2, errs: []string{`"labels" in [OUTPUT] ttpscope at /y/fb.yaml:7`}},
		{name: "yaml env and includes", files: [][2]string{
			{"/y/fb.yaml", "includes:\n  - ${DIR}/outputs.yaml\n  - more/*.yaml\nenv:\n  DIR: sub\n  OUT: ttpscope\n"},
			{"/y/sub/outputs.yaml", "pipeline:\n  outputs:\n    - name: ${OUT}\n      sink: null\n"},
			{"/y/more/a.yaml", "pipeline:\n  outputs:\n    - name: ${OUT}\n      bach_size: 4\n"},
		}, outputs: 2, errs: []string{`"bach_size" in [OUTPUT] ttpscope at /y/more/a.yaml:4 (did you mean "batch_size"?)`}},
		{name: "yaml empty file", files: [][2]string{{"/y/fb.yaml", "# nothing\n"}}, outputs: 0},
		{name: "yaml bad syntax", files: [][2]string{{"/y/fb.yaml", "pipeline:\n  outputs: [\n"}}, syntax: "/y/fb.yaml"},
		{name: "yaml not a mapping", files: [][2]string{{"/y/fb.yaml", "- a\n- b\n"}}, syntax: "top level is not a mapping"},
		{name: "yaml entry not a mapping", files: [][2]string{{"/y/fb.yaml", "pipeline:\n  outputs:\n    - ttpscope\n"}}, syntax: "not a mapping"},
		{name: "yaml anchors", files: [][2]string{{"/y/fb.yaml", "x: &a {sink: null}\npipeline:\n  outputs:\n    - name: ttpscope\n      <<: *a\n"}}, syntax: "anchors"},
		{name: "yaml two documents", files: [][2]string{{"/y/fb.yaml", "a: 1\n---\nb: 2\n"}}, syntax: "more than one"},
		{name: "yaml include cycle", files: [][2]string{{"/y/fb.yaml", "includes: [fb.yaml]\n"}}, syntax: "include cycle"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := MapFS{}
			for _, f := range tc.files {
				fsys[f[0]] = f[1]
			}
			main := tc.files[0][0]
			if tc.name == "classic missing file" {
				main = "/c/fb.conf"
			}
			cfg, err := ParseFile(fsys, main, env(tc.env))
			if tc.syntax != "" {
				if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.syntax) {
					t.Fatalf("parse error %v, want ErrSyntax with %q", err, tc.syntax)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n, err := Validate(cfg, spec)
			if n != tc.outputs {
				t.Errorf("%d ttpscope outputs, want %d", n, tc.outputs)
			}
			if len(tc.errs) == 0 {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.errs)
			}
			for _, want := range tc.errs {
				if w, end := strings.CutSuffix(want, "$"); end && !strings.HasSuffix(err.Error(), w) ||
					!end && !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	cases := []struct {
		argv    []string
		config  string
		outputs int
		errs    []string
		bad     string
	}{
		{argv: []string{"fluent-bit", "-c", "fb.conf"}, config: "fb.conf"},
		{argv: []string{"fluent-bit", "-cfb.conf", "-e", "x.so"}, config: "fb.conf"},
		{argv: []string{"fluent-bit", "--config=/a.yaml", "-vv"}, config: "/a.yaml"},
		{argv: []string{"fluent-bit", "--conf", "b.conf", "-c", "last.conf", "-Y"}, config: "last.conf"},
		{argv: []string{"harness", "plugin.so", "plan", "results", "-c", "x.conf"}, config: "x.conf"},
		{argv: []string{"fluent-bit", "-c", "x.conf", "--", "-c", "y.conf"}, config: "x.conf"},
		{argv: []string{"fluent-bit", "-i", "cpu", "-t", "cpu", "-o", "ttpscope", "-p", "sink=null", "-p", "sinc=x", "-m", "*"},
			outputs: 1, errs: []string{`unknown key "sinc" in [OUTPUT] ttpscope at command line argument 10 (did you mean "sink"?)`}},
		{argv: []string{"fluent-bit", "--input=cpu", "--output", "TTPScope", "--prop=Sink=null", "--match=*", "-o", "es://h:9200", "-p", "http_user=x"},
			outputs: 1},
		{argv: []string{"fluent-bit", "-o", "ttpscope", "-pmodel-dir=x", "-F", "grep", "-p", "regex=x"},
			outputs: 1, errs: []string{`"model-dir" in [OUTPUT] ttpscope at command line argument 3 (did you mean "model_dir"?)`}},
		{argv: []string{"fluent-bit", "-o", "ttpscope", "-o", "ttpscope", "-p", "retry_limt=1"}, outputs: 2,
			errs: []string{`"retry_limt" in [OUTPUT] ttpscope at command line argument 6`}},
		{argv: []string{"fluent-bit", "-p", "a=b"}, bad: "before any"},
		{argv: []string{"fluent-bit", "-o", "ttpscope", "-p", "novalue"}, bad: "not key=value"},
		{argv: []string{"fluent-bit", "-X"}, bad: "unknown option -X"},
		{argv: []string{"fluent-bit", "--nope"}, bad: "unknown option --nope"},
		{argv: []string{"fluent-bit", "--http_"}, bad: "ambiguous"},
		{argv: []string{"fluent-bit", "-c"}, bad: "needs a value"},
		{argv: []string{"fluent-bit", "--verbose=1"}, bad: "takes no value"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.argv, " "), func(t *testing.T) {
			a, err := ParseArgs(tc.argv)
			if tc.bad != "" {
				if !errors.Is(err, ErrSyntax) || !strings.Contains(err.Error(), tc.bad) {
					t.Fatalf("error %v, want %q", err, tc.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.ConfigFile != tc.config {
				t.Errorf("config %q, want %q", a.ConfigFile, tc.config)
			}
			n, err := Validate(&Config{Sections: a.Sections}, spec)
			if n != tc.outputs {
				t.Errorf("%d outputs, want %d", n, tc.outputs)
			}
			if (err != nil) != (len(tc.errs) > 0) {
				t.Fatalf("error %v, want %q", err, tc.errs)
			}
			for _, want := range tc.errs {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}

// TestExamples: the shipped Fluent Bit configurations pass.
func TestExamples(t *testing.T) {
	files, _ := filepath.Glob("../../../examples/fluent-bit/*.conf")
	yamls, _ := filepath.Glob("../../../examples/fluent-bit/*.yaml")
	files = append(files, yamls...)
	if len(files) < 6 {
		t.Fatalf("only %d example configurations: %v", len(files), files)
	}
	for _, f := range files {
		cfg, err := ParseFile(OSFS{}, f, env(nil))
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		n, err := Validate(cfg, spec)
		if err != nil || n != 1 {
			t.Errorf("%s: %d ttpscope outputs, error %v", f, n, err)
		}
	}
}

func TestSuggestAndKeys(t *testing.T) {
	for key, want := range map[string]string{
		"sinc": "sink", "snk": "sink", "es_usr": "es_user", "tag": "forward_tag", "model.dir": "model_dir",
		"xyz": "", "fields_": "fields", "matchh": "match", "alert_treshold": "alert_threshold", "a": "",
	} {
		if got := suggest(key, spec); got != want {
			t.Errorf("suggest(%q) = %q, want %q", key, got, want)
		}
	}
	for key, want := range map[string]bool{
		"Match": true, "tls": true, "tls.verify": true, "TLS.CA_File": true, "net.keepalive": true,
		"storage.total_limit_size": true, "tls.": false, "tlsx": false, "sink": false, "workers": true,
	} {
		if got := FluentBitOutputKey(key); got != want {
			t.Errorf("FluentBitOutputKey(%q) = %v", key, got)
		}
	}
}

// TestChecker: the command line is injected; files are real, so the cache sees their changes.
func TestChecker(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.conf", "@INCLUDE out.conf\n")
	out := write("out.conf", "[OUTPUT]\n Name ttpscope\n sink null\n")
	var argv []string
	c := &Checker{
		Cmdline: func() ([]string, error) { return argv, nil },
		Getwd:   func() (string, error) { return dir, nil },
		Env:     env(nil),
	}

	argv = []string{"fluent-bit", "-c", "good.conf"}
	r := c.Check(spec)
	if r.Err != nil || r.Warning != nil || r.Skipped != "" || r.Instances != 1 || r.Source != good || r.Cached {
		t.Fatalf("good config: %+v", r)
	}
	if r = c.Check(spec); !r.Cached || r.Instances != 1 {
		t.Errorf("second check not cached: %+v", r)
	}
	// An included file changes (hot reload after an edit): checked again.
	time.Sleep(10 * time.Millisecond)
	write("out.conf", "[OUTPUT]\n Name ttpscope\n sink null\n Sink_Typo 1\n")
	if r = c.Check(spec); r.Cached || r.Err == nil ||
		!strings.Contains(r.Err.Error(), `unknown key "Sink_Typo" in [OUTPUT] ttpscope at `+out+`:4`) {
		t.Errorf("changed include: %+v", r)
	}
	if r = c.Check(spec); !r.Cached || r.Err == nil {
		t.Errorf("the failure is remembered too: %+v", r)
	}

	argv = []string{"fluent-bit", "-c", write("broken.yaml", "pipeline: [\n")}
	if r = c.Check(spec); r.Err != nil || r.Warning == nil || !errors.Is(r.Warning, ErrSyntax) {
		t.Errorf("broken file must warn, not fail: %+v", r)
	}
	argv = []string{"fluent-bit", "-c", "missing.conf"}
	if r = c.Check(spec); r.Err != nil || r.Warning == nil {
		t.Errorf("missing file must warn: %+v", r)
	}
	argv = []string{"fluent-bit", "-c", write("other.conf", "[OUTPUT]\n Name stdout\n")}
	if r = c.Check(spec); r.Err != nil || r.Warning == nil || !strings.Contains(r.Warning.Error(), "no output named ttpscope") {
		t.Errorf("no ttpscope output must warn: %+v", r)
	}
	argv = []string{"fluent-bit", "-c", "/dev/null/x", "-Q"}
	if r = c.Check(spec); r.Err != nil || r.Warning == nil {
		t.Errorf("bad command line must warn: %+v", r)
	}
	argv = []string{"harness", "plugin.so", "plan", "results"}
	if r = c.Check(spec); r.Skipped == "" || r.Err != nil || r.Warning != nil {
		t.Errorf("no configuration: %+v", r)
	}
	argv = []string{"fluent-bit", "-c", "good.conf", "-o", "ttpscope", "-p", "sinkk=null"}
	if r = c.Check(spec); r.Instances != 2 || r.Err == nil || !strings.Contains(r.Err.Error(), "command line argument 6") ||
		r.Source != good+" and the command line" {
		t.Errorf("file and command line: %+v", r)
	}
	c.Cmdline = func() ([]string, error) { return nil, errors.New("no proc") }
	if r = c.Check(spec); r.Skipped == "" || r.Err != nil {
		t.Errorf("unreadable command line: %+v", r)
	}
}

func TestProcCmdline(t *testing.T) {
	argv, err := ProcCmdline()
	if err != nil {
		t.Skip(err)
	}
	if len(argv) != len(os.Args) || argv[0] != os.Args[0] {
		t.Errorf("ProcCmdline %q, os.Args %q", argv, os.Args)
	}
}

func TestOSFSRefusesSpecialFiles(t *testing.T) {
	if _, err := (OSFS{}).ReadFile("/dev/null"); err == nil {
		t.Error("read /dev/null as a configuration")
	}
}

// FuzzClassic: any text parses or fails with ErrSyntax, and what parses validates without panicking.
func FuzzClassic(f *testing.F) {
	for _, s := range []string{
		"[OUTPUT]\n Name ttpscope\n sinc null\n", "@SET a=b\n[INPUT]\n Name ${a}\n", "@INCLUDE fb.conf\n",
		"@INCLUDE *.conf\n[OUTPUT]\n\tName\tttpscope\n", "[x]\n k v\n@INCLUDE inc.conf\n k2 ${", "\ufeff# c\r\n[OUTPUT] #\r\n",
	} {
		f.Add(s, "[OUTPUT]\n Name ttpscope\n x 1\n")
	}
	f.Fuzz(func(t *testing.T, main, inc string) {
		fsys := MapFS{"/c/fb.conf": main, "/c/inc.conf": inc}
		cfg, err := ParseClassic(fsys, "/c/fb.conf", env(map[string]string{"a": "ttpscope"}))
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error without ErrSyntax: %v", err)
			}
			return
		}
		if _, err := Validate(cfg, spec); err != nil && !strings.Contains(err.Error(), "unknown key") {
			t.Fatal(err)
		}
	})
}

// FuzzYAML: any text parses or fails with ErrSyntax, and what parses validates without panicking.
func FuzzYAML(f *testing.F) {
	for _, s := range []string{
		"pipeline:\n  outputs:\n    - name: ttpscope\n      sinc: null\n", "includes: [inc.yaml]\nenv: {a: b}\n",
		"includes: fb.yaml\n", "a: &x 1\nb: *x\n", "pipeline:\n  outputs:\n    - name: ttpscope\n      processors: {logs: []}\n",
		"---\n...\n", "pipeline: {inputs: [{name: x}], filters: ~, outputs: [{name: ${a}, k: [1, 2]}]}\n",
	} {
		f.Add(s, "pipeline:\n  outputs:\n    - {name: ttpscope, y: 1}\n")
	}
	f.Fuzz(func(t *testing.T, main, inc string) {
		fsys := MapFS{"/y/fb.yaml": main, "/y/inc.yaml": inc}
		cfg, err := ParseYAML(fsys, "/y/fb.yaml", env(map[string]string{"a": "ttpscope"}))
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("error without ErrSyntax: %v", err)
			}
			return
		}
		if _, err := Validate(cfg, spec); err != nil && !strings.Contains(err.Error(), "unknown key") {
			t.Fatal(err)
		}
	})
}
