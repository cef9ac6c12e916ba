package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigKeys: the plugin reads the configuration Fluent Bit was started with from the process's
// command line (here the harness's, which ignores the arguments after its own) and fails Init on an
// unknown key in any ttpscope output, naming the key, the file and the line; the shipped examples pass;
// a file it cannot parse is only a warning.
func TestConfigKeys(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	classic := write("typo.conf", "[INPUT]\n    Name dummy\n\n@INCLUDE outputs.conf\n")
	outputs := write("outputs.conf", "[OUTPUT]\n    Name  ttpscope\n    Match *\n    Sink  null\n"+
		"[OUTPUT]\n    Name  ttpscope\n    Match x\n    sink  null\n    Cache_Sise 10\n")
	yml := write("typo.yaml", "pipeline:\n  outputs:\n    - name: ttpscope\n      match: '*'\n      sink: null\n      http_user: elastic\n")
	broken := write("broken.yaml", "pipeline:\n  outputs: [\n")

	fails := map[string]struct {
		args []string
		msg  string
	}{
		"classic include": {[]string{"-c", classic}, `unknown key "Cache_Sise" in [OUTPUT] ttpscope at ` + outputs + `:9 (did you mean "cache_size"?)`},
		"yaml":            {[]string{"-c", yml}, `unknown key "http_user" in [OUTPUT] ttpscope at ` + yml + `:6 (did you mean "es_user"?)`},
		"command line": {[]string{"-i", "dummy", "-o", "ttpscope", "-p", "sink=null", "-p", "sinc=stdout", "-m", "*"},
			`unknown key "sinc" in [OUTPUT] ttpscope at command line argument 11 (did you mean "sink"?)`},
	}
	for name, tc := range fails {
		t.Run(name, func(t *testing.T) {
			var p plan
			p.instance("a", map[string]string{"sink": "null"}) // valid on its own: the file is what fails
			p.exit()
			r := runHarnessArgs(t, t.TempDir(), &p, tc.args)
			if in := r.line(t, "init a "); field(t, in, "rc") != "0" || field(t, in, "context") != "0" {
				t.Errorf("init with an unknown key in the configuration: %s", in)
			}
			if !strings.Contains(strings.ReplaceAll(r.stderr, `\"`, `"`), tc.msg) {
				t.Errorf("stderr does not name the unknown key (%s):\n%s", tc.msg, tail(r.stderr, 3000))
			}
		})
	}

	examples, _ := filepath.Glob(filepath.Join(repoRoot, "examples/fluent-bit/*.conf"))
	yamls, _ := filepath.Glob(filepath.Join(repoRoot, "examples/fluent-bit/*.yaml"))
	examples = append(examples, yamls...)
	if len(examples) < 6 {
		t.Fatalf("examples: %v", examples)
	}
	for _, conf := range append(examples, broken) {
		t.Run(filepath.Base(conf), func(t *testing.T) {
			var p plan
			p.instance("a", map[string]string{"sink": "null"})
			p.exit()
			r := runHarnessArgs(t, t.TempDir(), &p, []string{"-e", pluginPath, "-c", conf})
			checkLifecycle(t, r, "a")
			if conf == broken {
				if !strings.Contains(r.stderr, "unknown keys could not be checked") || !strings.Contains(r.stderr, broken) {
					t.Errorf("no warning for a configuration that does not parse:\n%s", tail(r.stderr, 3000))
				}
				return
			}
			if !strings.Contains(r.stderr, "configuration keys checked") || !strings.Contains(r.stderr, "outputs=1") ||
				strings.Contains(r.stderr, "could not be checked") {
				t.Errorf("example not checked:\n%s", tail(r.stderr, 3000))
			}
		})
	}
}
