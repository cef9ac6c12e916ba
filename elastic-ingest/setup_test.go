package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ttpscope/ttpscope/shared/estemplate"
	"github.com/ttpscope/ttpscope/test/esfake"
)

// setupEnvVars are cleared for every setup test, so a developer's
// environment does not leak in.
var setupEnvVars = []string{"ELASTICSEARCH_URL", "ES_API_KEY", "ES_USER", "ES_PASSWORD", "ES_CA_FILE",
	"TTPSCOPE_RESULT_KEY", "KIBANA_URL", "KIBANA_SPACE", "KIBANA_API_KEY", "KIBANA_USER", "KIBANA_PASSWORD"}

// runSetupCmd runs "elastic-ingest setup args..." and returns the error,
// its exit code as run() maps it, and standard output.
func runSetupCmd(t *testing.T, env map[string]string, args ...string) (int, string, error) {
	t.Helper()
	for _, k := range setupEnvVars {
		t.Setenv(k, "")
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	root := newRootCmd(strings.NewReader(""), &out, &errb)
	if c, _, err := root.Find([]string{"setup"}); err != nil || c == root {
		root.AddCommand(newSetupCmd())
	}
	root.SetArgs(append([]string{"setup"}, args...))
	err := root.ExecuteContext(context.Background())
	code := exitOK
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		code = exitUsage
	case err != nil:
		code = exitFatal
	}
	return code, out.String(), err
}

// setupEnv is the environment that points setup at a test target: its URL and credentials, under the
// command's variable names.
func setupEnv(tg esfake.Target) map[string]string {
	return map[string]string{"ELASTICSEARCH_URL": tg.URL, "ES_API_KEY": tg.APIKey, "ES_USER": tg.Username,
		"ES_PASSWORD": tg.Password, "ES_CA_FILE": tg.CAFile}
}

// setupPriority is the index template priority of the setup tests: one a cluster's own templates are
// unlikely to share, since overlapping patterns of the same priority are refused.
const setupPriority = "4250"

// TestSetupTemplates installs the templates, under names and patterns of the test's own, into the
// target (a fake that requires an API key, or the cluster of ES_URL), and reads them back over HTTP.
func TestSetupTemplates(t *testing.T) {
	const key = "c2VjcmV0OmtleQ=="
	tg := esfake.NewTarget(t, esfake.WithAPIKey(key))
	name := tg.TempName(t)
	component := name + "-mappings"
	patterns := name + "-sec-*," + name + "-edr-*"
	args := []string{"--template-only", "--component-template", component, "--index-template", name,
		"--index-pattern", patterns, "--priority", setupPriority}
	for run := 1; run <= 2; run++ { // the second run must succeed and leave the same state
		code, out, err := runSetupCmd(t, setupEnv(tg), args...)
		if code != exitOK {
			t.Fatalf("run %d: exit %d: %v", run, code, err)
		}
		for _, want := range []string{"component template " + component + " installed", "index template " + name + " [" + patterns + "] installed"} {
			if !strings.Contains(out, want) {
				t.Errorf("run %d: output %q lacks %q", run, out, want)
			}
		}
		ct, ok := tg.ComponentTemplate(t, component)
		if !ok {
			t.Fatalf("run %d: no component template", run)
		}
		wantCT, _ := estemplate.ComponentTemplate(estemplate.TemplateOptions{})
		if a, b := jsonOf(t, ct), jsonOf(t, wantCT); a != b {
			t.Errorf("run %d: component template stored %s, want %s", run, a, b)
		}
		it, ok := tg.IndexTemplate(t, name)
		if !ok {
			t.Fatalf("run %d: no index template", run)
		}
		want := `["` + name + `-sec-*","` + name + `-edr-*"]` + setupPriority + `["` + component + `"]`
		if got := jsonOf(t, it["index_patterns"]) + jsonOf(t, it["priority"]) + jsonOf(t, it["composed_of"]); got != want {
			t.Errorf("run %d: index template %s, want %s", run, got, want)
		}
	}
	if tg.Fake != nil { // the key went with every request
		puts := 0
		for _, r := range tg.Fake.Requests() {
			if r.Method != http.MethodPut {
				continue
			}
			puts++
			if got := r.Header.Get("Authorization"); got != "APIKey "+key && got != "ApiKey "+key {
				t.Errorf("%s %s: Authorization %q", r.Method, r.Path, got)
			}
		}
		if puts != 4 {
			t.Errorf("%d PUT requests, want 4 (2 templates × 2 runs)", puts)
		}
	}
	// The installed templates map a matching index the way our records need:
	// the dotted probability key is accepted, a string score is refused.
	index := name + "-sec-1"
	for _, tc := range []struct {
		body   string
		status int
	}{
		{`{"ttpscope":{"class":"T1003.002","score":0.9,"probabilities":{"benign":0.1,"T1003.002":0.9}}}`, http.StatusCreated},
		{`{"ttpscope":{"score":"high"}}`, http.StatusBadRequest},
	} {
		if status, body := tg.Do(t, http.MethodPost, "/"+index+"/_doc", []byte(tc.body)); status != tc.status {
			t.Errorf("index %s into %s: %d, want %d: %s", tc.body, index, status, tc.status, body)
		}
	}
	mb := jsonOf(t, tg.Mappings(t, index))
	for _, want := range []string{`"002":{"type":"float"}`, `"score":{"type":"float"}`, `"class":{`} {
		if !strings.Contains(mb, want) {
			t.Errorf("mappings of %s lack %s: %s", index, want, mb)
		}
	}
	if n := tg.Count(t, index); n != 1 {
		t.Errorf("%s holds %d documents, want 1", index, n)
	}
}

func TestSetupBasicAuthAndErrors(t *testing.T) {
	fake := esfake.Start(t, esfake.WithBasicAuth("elastic", "changeme"))
	code, _, err := runSetupCmd(t, nil, "--template-only", "--component-only", "--es-url", fake.URL(), "--es-user", "elastic", "--es-password", "changeme")
	if code != exitOK {
		t.Fatalf("exit %d: %v", code, err)
	}
	if _, ok := fake.ComponentTemplate(estemplate.ComponentTemplateName); !ok {
		t.Error("component template not installed")
	}
	if _, ok := fake.IndexTemplate(estemplate.IndexTemplateName); ok {
		t.Error("--component-only installed the index template")
	}
	want := "Basic " + base64.StdEncoding.EncodeToString([]byte("elastic:changeme"))
	for _, r := range fake.Requests() {
		if r.Header.Get("Authorization") != want {
			t.Errorf("%s %s: Authorization %q", r.Method, r.Path, r.Header.Get("Authorization"))
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"wrong password", []string{"--template-only", "--es-url", fake.URL(), "--es-user", "elastic", "--es-password", "nope"}, exitFatal, "401"},
		{"template clash surfaced", []string{"--template-only", "--es-url", fake.URL(), "--es-user", "elastic", "--es-password", "changeme", "--index-pattern", "logs-*-*", "--priority", "100"},
			exitFatal, "install index template ttpscope [logs-*-*] at " + fake.URL() + ": 400 Bad Request: illegal_argument_exception: index template [ttpscope] has index patterns [logs-*-*] matching patterns from existing templates [logs]"},
		{"nothing listening", []string{"--template-only", "--es-url", "http://127.0.0.1:1"}, exitFatal, "component template ttpscope-mappings at http://127.0.0.1:1"},
		{"password redacted", []string{"--template-only", "--es-url", "http://u:hunter2@127.0.0.1:1"}, exitFatal, "u:xxxxx@127.0.0.1:1"},
		{"bad url", []string{"--es-url", "localhost:9200"}, exitUsage, "--es-url"},
		{"only flags clash", []string{"--template-only", "--rules-only"}, exitUsage, "exclude each other"},
		{"rules-only needs a target", []string{"--rules-only"}, exitUsage, "--kibana-url or --export-rules"},
		{"api key and user", []string{"--es-api-key", "k", "--es-user", "u"}, exitUsage, "not both"},
		{"threshold range", []string{"--rule-threshold", "1.5", "--dry-run"}, exitUsage, "--rule-threshold"},
		{"priority zero", []string{"--priority", "0", "--dry-run"}, exitUsage, "--priority 0"},
		{"bad result key", []string{"--result-key", "threat.x", "--dry-run"}, exitUsage, "threat"},
		{"bad pattern", []string{"--index-pattern", "a b", "--dry-run"}, exitUsage, "index pattern"},
		{"missing CA", []string{"--template-only", "--es-ca-file", "/no/such/ca.pem"}, exitFatal, "/no/such/ca.pem"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, err := runSetupCmd(t, nil, tc.args...)
			if code != tc.code || err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("exit %d (want %d), error %v; want mention of %q", code, tc.code, err, tc.msg)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("password in error: %v", err)
			}
		})
	}
}

func TestSetupTLSWithCAFile(t *testing.T) {
	fake := esfake.Start(t, esfake.WithTLS())
	ca, err := fake.WriteCAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if code, _, err := runSetupCmd(t, nil, "--template-only", "--es-url", fake.URL()); code != exitFatal || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("unverifiable certificate: exit %d, %v; want a certificate error", code, err)
	}
	if code, _, err := runSetupCmd(t, map[string]string{"ES_CA_FILE": ca}, "--template-only", "--es-url", fake.URL()); code != exitOK {
		t.Errorf("with the CA file: exit %d, %v", code, err)
	}
}

// kibanaFake records rule import requests and answers with a canned reply.
type kibanaFake struct {
	mu     sync.Mutex
	reqs   []*http.Request
	bodies [][]byte // the NDJSON file of each request
	files  []string // its file name
	status int
	reply  string
}

func (k *kibanaFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.reqs = append(k.reqs, r)
	var file []byte
	name := ""
	if mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err == nil && mt == "multipart/form-data" {
		mr := multipart.NewReader(r.Body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			if p.FormName() == "file" {
				name = p.FileName()
				file, _ = io.ReadAll(p)
			}
		}
	}
	k.bodies = append(k.bodies, file)
	k.files = append(k.files, name)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(k.status)
	io.WriteString(w, k.reply)
}

const importOK = `{"success":true,"success_count":4,"rules_count":4,"errors":[],"exceptions_errors":[],"exceptions_success":true,"exceptions_success_count":0,"action_connectors_success":true,"action_connectors_success_count":0,"action_connectors_errors":[],"action_connectors_warnings":[]}`

func TestSetupKibanaImport(t *testing.T) {
	kb := &kibanaFake{status: 200, reply: importOK}
	srv := httptest.NewServer(kb)
	defer srv.Close()
	code, out, err := runSetupCmd(t, map[string]string{"ES_API_KEY": "a2V5"}, "--rules-only", "--kibana-url", srv.URL+"/", "--kibana-space", "soc")
	if code != exitOK {
		t.Fatalf("exit %d: %v", code, err)
	}
	if !strings.Contains(out, "kibana: 4 detection rules imported (disabled)") {
		t.Errorf("output %q", out)
	}
	if len(kb.reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(kb.reqs))
	}
	r := kb.reqs[0]
	if r.Method != http.MethodPost || r.URL.Path != "/s/soc/api/detection_engine/rules/_import" || r.URL.RawQuery != "overwrite=true" {
		t.Errorf("request %s %s", r.Method, r.URL)
	}
	for h, want := range map[string]string{"Kbn-Xsrf": "true", "Authorization": "ApiKey a2V5", "Elastic-Api-Version": kibanaAPIVersion} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("header %s = %q, want %q", h, got, want)
		}
	}
	want, _ := estemplate.RulesNDJSON(estemplate.RuleOptions{})
	if !bytes.Equal(kb.bodies[0], want) || !strings.HasSuffix(kb.files[0], ".ndjson") {
		t.Errorf("multipart file %q:\n%s\nwant the generated rules", kb.files[0], kb.bodies[0])
	}

	// Basic auth for Kibana, enabled rules, the default space.
	kb2 := &kibanaFake{status: 200, reply: importOK}
	srv2 := httptest.NewServer(kb2)
	defer srv2.Close()
	if code, _, err := runSetupCmd(t, nil, "--rules-only", "--kibana-url", srv2.URL, "--kibana-user", "elastic", "--kibana-password", "pw", "--enable-rules"); code != exitOK {
		t.Fatalf("exit %d: %v", code, err)
	}
	r = kb2.reqs[0]
	if u, p, ok := r.BasicAuth(); !ok || u != "elastic" || p != "pw" || r.URL.Path != "/api/detection_engine/rules/_import" {
		t.Errorf("basic auth %q %q %v, path %s", u, p, ok, r.URL.Path)
	}
	if !bytes.Contains(kb2.bodies[0], []byte(`"enabled":true`)) || bytes.Contains(kb2.bodies[0], []byte(`"enabled":false`)) {
		t.Error("--enable-rules did not enable the rules")
	}
}

func TestSetupKibanaErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		reply  string
		msg    string
	}{
		{"rule rejected", 200, `{"success":false,"success_count":3,"rules_count":4,"errors":[{"rule_id":"78fb7b6b-3d80-5eb8-a636-b2f5575eb0c6","error":{"status_code":400,"message":"invalid query"}}]}`,
			"imported 3 of 4 rules at " + "URL" + "/api/detection_engine/rules/_import?overwrite=true: rule 78fb7b6b-3d80-5eb8-a636-b2f5575eb0c6: 400 invalid query"},
		{"unauthorized", 401, `{"statusCode":401,"error":"Unauthorized","message":"[security_exception] unable to authenticate"}`, "401 Unauthorized: [security_exception] unable to authenticate"},
		{"missing space", 404, `{"statusCode":404,"error":"Not Found","message":"Not Found"}`, "404 Not Found"},
		{"not json", 200, `<html>proxy</html>`, "unexpected response"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kb := &kibanaFake{status: tc.status, reply: tc.reply}
			srv := httptest.NewServer(kb)
			defer srv.Close()
			code, _, err := runSetupCmd(t, nil, "--rules-only", "--kibana-url", srv.URL)
			msg := strings.ReplaceAll(tc.msg, "URL", srv.URL)
			if code != exitFatal || err == nil || !strings.Contains(err.Error(), msg) {
				t.Errorf("exit %d, error %v; want %q", code, err, msg)
			}
		})
	}
}

func TestSetupExportAndFullRun(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	kb := &kibanaFake{status: 200, reply: importOK}
	srv := httptest.NewServer(kb)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "rules.ndjson")
	code, out, err := runSetupCmd(t, setupEnv(tg), "--es-url", tg.URL, "--kibana-url", srv.URL, "--export-rules", path,
		"--component-template", name+"-mappings", "--index-template", name, "--index-pattern", name+"-*", "--priority", setupPriority)
	if code != exitOK {
		t.Fatalf("exit %d: %v", code, err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../examples/kibana/ttpscope-rules.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, committed) {
		t.Error("exported rules differ from examples/kibana/ttpscope-rules.ndjson")
	}
	for _, want := range []string{"exported 4 rules to " + path, "component template", "index template", "kibana: 4 detection rules imported"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q lacks %q", out, want)
		}
	}
	if _, ok := tg.IndexTemplate(t, name); !ok || len(kb.reqs) != 1 {
		t.Errorf("full run: index template installed %v, kibana requests %d", ok, len(kb.reqs))
	}
	if _, ok := tg.ComponentTemplate(t, name+"-mappings"); !ok {
		t.Error("full run: component template not installed")
	}

	// To standard output, with a custom result key and threshold; nothing contacted.
	code, out, err = runSetupCmd(t, nil, "--rules-only", "--export-rules", "-", "--result-key", "labels.ttpscope", "--rule-threshold", "0.95")
	if code != exitOK {
		t.Fatalf("exit %d: %v", code, err)
	}
	if n := strings.Count(out, "\n"); n != 4 || !strings.Contains(out, `labels.ttpscope.class:\"T1562\" and labels.ttpscope.score >= 0.95`) {
		t.Errorf("stdout export (%d lines):\n%s", n, out)
	}
}

func TestSetupDryRun(t *testing.T) {
	fake := esfake.Start(t)
	kb := &kibanaFake{status: 500}
	srv := httptest.NewServer(kb)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "rules.ndjson")
	code, out, err := runSetupCmd(t, nil, "--dry-run", "--es-url", fake.URL(), "--kibana-url", srv.URL, "--export-rules", path, "--data-stream")
	if code != exitOK {
		t.Fatalf("exit %d: %v", code, err)
	}
	if n := len(fake.Requests()); n != 0 || len(kb.reqs) != 0 {
		t.Errorf("dry run sent %d requests to Elasticsearch and %d to Kibana", n, len(kb.reqs))
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("dry run wrote %s", path)
	}
	for _, want := range []string{
		"PUT " + fake.URL() + "/_component_template/ttpscope-mappings\n{",
		"PUT " + fake.URL() + "/_index_template/ttpscope\n{",
		`"data_stream": {}`,
		"POST " + srv.URL + "/api/detection_engine/rules/_import?overwrite=true\n",
		"would write 4 rules to " + path,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("dry-run output lacks %q:\n%s", want, out)
		}
	}
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func FuzzESErrorText(f *testing.F) {
	f.Add(400, []byte(`{"error":{"type":"x_content_parse_exception","reason":"bad"},"status":400}`))
	f.Add(405, []byte(`{"error":"Incorrect HTTP method","status":405}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		s := esErrorText(status, bytes.NewReader(body))
		if s == "" {
			t.Fatal("empty error text")
		}
	})
}
