package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ttpscope/ttpscope/shared/estemplate"
	"github.com/ttpscope/ttpscope/shared/schema"
)

// kibanaAPIVersion is the elastic-api-version of Kibana's detection engine API.
const kibanaAPIVersion = "2023-10-31"

type setupFlags struct {
	esConnFlags

	resultKey     string
	componentName string
	templateName  string
	indexPatterns []string
	priority      int
	dataStream    bool
	componentOnly bool
	templateOnly  bool
	rulesOnly     bool

	kibanaURL, kibanaSpace, kibanaAPIKey, kibanaUser, kibanaPassword, kibanaCAFile string
	kibanaInsecure                                                                 bool

	exportRules        string
	ruleIndex          []string
	ruleThreshold      float64
	maliciousThreshold float64
	enableRules        bool

	dryRun  bool
	timeout time.Duration
}

// setupEnvFallbacks maps setup's flag names to the environment variables
// read when the flag is not given.
func setupEnvFallbacks() map[string]string {
	return withEnv(map[string]string{
		"result-key":      "TTPSCOPE_RESULT_KEY",
		"kibana-url":      "KIBANA_URL",
		"kibana-space":    "KIBANA_SPACE",
		"kibana-api-key":  "KIBANA_API_KEY",
		"kibana-user":     "KIBANA_USER",
		"kibana-password": "KIBANA_PASSWORD",
	})
}

func newSetupCmd() *cobra.Command {
	var f setupFlags
	cmd := &cobra.Command{
		Use:   "setup",
		Short: "Install the Elasticsearch templates and the Kibana detection rules for ttpscope's fields",
		Long: `setup prepares a cluster for ttpscope-enriched records:

 1. Elasticsearch: PUTs the component template "ttpscope-mappings" (the ttpscope.* result fields and the
    ECS threat.* fields) and an index template "ttpscope" that applies it to --index-pattern (default
    ttpscope-*, priority 200). Your own templates are never touched: to enrich logs-* or filebeat-*
    indices, add "ttpscope-mappings" to their composed_of, or give --index-pattern and a --priority above
    theirs. --component-only installs just the component template.
 2. Kibana (with --kibana-url): imports the detection rules, one per ATT&CK technique plus one on a high
    malicious_score, through the detection engine's import API with overwrite, so re-running updates them.
    They are imported disabled unless --enable-rules.
 3. --export-rules FILE writes the same rules as NDJSON (for Kibana's Rules > Import, or "-" for stdout).

Every step is idempotent. --dry-run prints the requests without sending them. Credentials for Kibana
default to the Elasticsearch ones.`,
		Example: `  elastic-ingest setup --es-url https://localhost:9200 --es-ca-file http_ca.crt --es-api-key $KEY \
      --kibana-url https://localhost:5601
  elastic-ingest setup --index-pattern 'winlogbeat-*' --priority 300 --template-only
  elastic-ingest setup --rules-only --export-rules ttpscope-rules.ndjson
  elastic-ingest setup --dry-run`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := applySetupEnv(cmd.Flags()); err != nil {
				return err
			}
			return runSetup(cmd.Context(), f, cmd.Flags(), cmd.OutOrStdout())
		},
	}
	fs := cmd.Flags()
	f.esConnFlags.register(fs)
	fs.StringVar(&f.resultKey, "result-key", schema.DefaultKey, "key (dotted path allowed) the result is written under, as given to classify/ship [$TTPSCOPE_RESULT_KEY]")
	fs.StringVar(&f.componentName, "component-template", estemplate.ComponentTemplateName, "name of the component template")
	fs.StringVar(&f.templateName, "index-template", estemplate.IndexTemplateName, "name of the index template")
	fs.StringSliceVar(&f.indexPatterns, "index-pattern", []string{estemplate.DefaultIndexPattern}, "index patterns of the index template")
	fs.IntVar(&f.priority, "priority", estemplate.DefaultPriority, "priority of the index template (Elasticsearch's built-in ones use 100)")
	fs.BoolVar(&f.dataStream, "data-stream", false, "the index template creates data streams (writes must then use op_type create and carry @timestamp)")
	fs.BoolVar(&f.componentOnly, "component-only", false, "install only the component template, to compose into your own index templates")
	fs.BoolVar(&f.templateOnly, "template-only", false, "install only the Elasticsearch templates, no rules")
	fs.BoolVar(&f.rulesOnly, "rules-only", false, "only import or export the rules, do not contact Elasticsearch")
	fs.StringVar(&f.kibanaURL, "kibana-url", "", "Kibana URL; when set the rules are imported there [$KIBANA_URL]")
	fs.StringVar(&f.kibanaSpace, "kibana-space", "", "Kibana space to import the rules into (default space when empty) [$KIBANA_SPACE]")
	fs.StringVar(&f.kibanaAPIKey, "kibana-api-key", "", "Kibana API key (default: --es-api-key) [$KIBANA_API_KEY]")
	fs.StringVar(&f.kibanaUser, "kibana-user", "", "Kibana basic-auth user (default: --es-user) [$KIBANA_USER]")
	fs.StringVar(&f.kibanaPassword, "kibana-password", "", "Kibana basic-auth password (default: --es-password) [$KIBANA_PASSWORD]")
	fs.StringVar(&f.kibanaCAFile, "kibana-ca-file", "", "PEM CA certificate(s) to verify Kibana's TLS certificate (default: --es-ca-file)")
	fs.BoolVar(&f.kibanaInsecure, "kibana-insecure", false, "do not verify Kibana's TLS certificate (test setups only)")
	fs.StringVar(&f.exportRules, "export-rules", "", "write the rules as Kibana import NDJSON to this file (\"-\": standard output)")
	fs.StringSliceVar(&f.ruleIndex, "rule-index", estemplate.DefaultRuleIndex(), "index patterns the rules search")
	fs.Float64Var(&f.ruleThreshold, "rule-threshold", estemplate.DefaultRuleThreshold, "class score at or above which a technique rule alerts")
	fs.Float64Var(&f.maliciousThreshold, "malicious-threshold", estemplate.DefaultMaliciousThreshold, "malicious_score at or above which the any-technique rule alerts")
	fs.BoolVar(&f.enableRules, "enable-rules", false, "import the rules enabled (default: disabled, for review)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print what would be sent and written, send and write nothing")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "timeout of each request")
	return cmd
}

// applySetupEnv fills every setup flag the user did not set from its
// environment variable, if that is set.
func applySetupEnv(fs *pflag.FlagSet) error {
	var err error
	env := setupEnvFallbacks()
	fs.VisitAll(func(fl *pflag.Flag) {
		name, ok := env[fl.Name]
		if !ok || fl.Changed || err != nil {
			return
		}
		v, set := os.LookupEnv(name)
		if !set || v == "" {
			return
		}
		if serr := fs.Set(fl.Name, v); serr != nil {
			err = &usageError{fmt.Errorf("environment %s: %w", name, serr)}
		}
	})
	return err
}

func (f *setupFlags) validate() error {
	bad := func(format string, args ...any) error { return &usageError{fmt.Errorf(format, args...)} }
	switch {
	case f.templateOnly && f.rulesOnly:
		return bad("--template-only and --rules-only exclude each other")
	case f.rulesOnly && f.kibanaURL == "" && f.exportRules == "":
		return bad("--rules-only needs --kibana-url or --export-rules")
	case f.templateOnly && f.exportRules != "":
		return bad("--template-only and --export-rules exclude each other")
	case f.esAPIKey != "" && f.esUser != "":
		return bad("give --es-api-key or --es-user, not both")
	case f.esPassword != "" && f.esUser == "":
		return bad("--es-password needs --es-user")
	case f.kibanaAPIKey != "" && f.kibanaUser != "":
		return bad("give --kibana-api-key or --kibana-user, not both")
	case f.kibanaPassword != "" && f.kibanaUser == "":
		return bad("--kibana-password needs --kibana-user")
	case f.priority < 0:
		return bad("--priority %d: must not be negative", f.priority)
	case f.timeout <= 0:
		return bad("--timeout %v: must be positive", f.timeout)
	case f.componentName == "" || f.templateName == "":
		return bad("--component-template and --index-template must not be empty")
	}
	if !f.rulesOnly {
		if err := checkHTTPURL("--es-url", f.esURL); err != nil {
			return err
		}
	}
	if f.kibanaURL != "" {
		if err := checkHTTPURL("--kibana-url", f.kibanaURL); err != nil {
			return err
		}
	}
	if strings.ContainsAny(f.kibanaSpace, "/?#") {
		return bad("--kibana-space %q: not a space id", f.kibanaSpace)
	}
	return nil
}

func checkHTTPURL(flag, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &usageError{fmt.Errorf("%s %q: want an http(s) URL such as https://localhost:9200", flag, redact(raw))}
	}
	return nil
}

// redact hides the password of a URL with user:password@.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}

// setupPlan is what a setup run sends and writes.
type setupPlan struct {
	component, index []byte // template bodies; index nil with --component-only
	rules            []byte // NDJSON
	nRules           int
}

func buildSetupPlan(f setupFlags) (setupPlan, error) {
	var p setupPlan
	topt := estemplate.TemplateOptions{
		ResultKey: f.resultKey, ComponentName: f.componentName, IndexPatterns: f.indexPatterns,
		Priority: f.priority, DataStream: f.dataStream,
	}
	ct, err := estemplate.ComponentTemplate(topt)
	if err != nil {
		return p, &usageError{err}
	}
	if p.component, err = json.Marshal(ct); err != nil {
		return p, fmt.Errorf("encode component template: %w", err)
	}
	if !f.componentOnly {
		it, err := estemplate.IndexTemplate(topt)
		if err != nil {
			return p, &usageError{err}
		}
		if p.index, err = json.Marshal(it); err != nil {
			return p, fmt.Errorf("encode index template: %w", err)
		}
	}
	ropt := estemplate.RuleOptions{
		ResultKey: f.resultKey, Index: f.ruleIndex, Threshold: f.ruleThreshold,
		MaliciousThreshold: f.maliciousThreshold, Enabled: f.enableRules,
	}
	rules, err := estemplate.Rules(ropt)
	if err != nil {
		return p, &usageError{err}
	}
	p.nRules = len(rules)
	if p.rules, err = estemplate.RulesNDJSON(ropt); err != nil {
		return p, err
	}
	return p, nil
}

func runSetup(ctx context.Context, f setupFlags, fs *pflag.FlagSet, out io.Writer) error {
	if err := f.validate(); err != nil {
		return err
	}
	// The rule thresholds are checked by estemplate; a flag set to 0 would mean "default" there.
	for _, name := range []string{"rule-threshold", "malicious-threshold"} {
		v, _ := fs.GetFloat64(name)
		if fs.Changed(name) && !(v > 0 && v <= 1) {
			return &usageError{fmt.Errorf("--%s %v: must be in (0, 1]", name, v)}
		}
	}
	if fs.Changed("priority") && f.priority == 0 {
		return &usageError{errors.New("--priority 0: give at least 1 (0 would tie with other catch-all templates)")}
	}
	plan, err := buildSetupPlan(f)
	if err != nil {
		return err
	}
	if f.dryRun {
		return printDryRun(f, plan, out)
	}
	if f.exportRules != "" {
		if err := writeRules(f.exportRules, plan.rules, out); err != nil {
			return err
		}
		if f.exportRules != "-" {
			fmt.Fprintf(out, "exported %d rules to %s\n", plan.nRules, f.exportRules)
		}
	}
	if !f.rulesOnly {
		if err := installTemplates(ctx, f, plan, out); err != nil {
			return err
		}
	}
	if f.kibanaURL != "" && !f.templateOnly {
		if err := importRules(ctx, f, plan, out); err != nil {
			return err
		}
	}
	return nil
}

func printDryRun(f setupFlags, plan setupPlan, out io.Writer) error {
	var b bytes.Buffer
	section := func(method, target string, body []byte) {
		fmt.Fprintf(&b, "%s %s\n", method, target)
		if json.Valid(body) {
			var ind bytes.Buffer
			if json.Indent(&ind, body, "", "  ") == nil {
				body = ind.Bytes()
			}
		}
		b.Write(body)
		if len(body) > 0 && body[len(body)-1] != '\n' {
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	fmt.Fprintln(&b, "# dry run: nothing is sent or written")
	if f.exportRules != "" {
		fmt.Fprintf(&b, "# would write %d rules to %s\n", plan.nRules, f.exportRules)
	}
	if !f.rulesOnly {
		base := strings.TrimRight(redact(f.esURL), "/")
		section("PUT", base+"/_component_template/"+url.PathEscape(f.componentName), plan.component)
		if plan.index != nil {
			section("PUT", base+"/_index_template/"+url.PathEscape(f.templateName), plan.index)
		}
	}
	if f.kibanaURL != "" && !f.templateOnly {
		fmt.Fprintf(&b, "# %d rules, as multipart file ttpscope-rules.ndjson\n", plan.nRules)
		section("POST", redact(kibanaImportURL(f.kibanaURL, f.kibanaSpace)), plan.rules)
	}
	_, err := out.Write(b.Bytes())
	return err
}

// writeRules writes the NDJSON to path atomically, or to out for "-".
func writeRules(path string, data []byte, out io.Writer) error {
	if path == "-" {
		_, err := out.Write(data)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export rules to %s: %w", path, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("export rules to %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("export rules to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("export rules to %s: %w", path, err)
	}
	return nil
}

// httpTransport returns a transport that trusts caFile (when set) or the
// system roots, verifying certificates unless insecure.
func httpTransport(caFile string, insecure bool) (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure} //nolint:gosec // only on request
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, fmt.Errorf("read CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s: no PEM certificate in it", caFile)
		}
		tr.TLSClientConfig.RootCAs = pool
	}
	return tr, nil
}

func installTemplates(ctx context.Context, f setupFlags, plan setupPlan, out io.Writer) error {
	tr, err := httpTransport(f.esCAFile, f.esInsecure)
	if err != nil {
		return fmt.Errorf("elasticsearch: %w", err)
	}
	es, err := elasticsearch.NewClient(elasticsearch.Config{
		Addresses: []string{f.esURL}, APIKey: f.esAPIKey, Username: f.esUser, Password: f.esPassword,
		Transport: tr, MaxRetries: 2,
	})
	if err != nil {
		return fmt.Errorf("elasticsearch client for %s: %w", redact(f.esURL), err)
	}
	put := func(what, name string, do func(context.Context) (*esapi.Response, error)) error {
		rctx, cancel := context.WithTimeout(ctx, f.timeout)
		defer cancel()
		res, err := do(rctx)
		if err != nil {
			return fmt.Errorf("install %s %s at %s: %w", what, name, redact(f.esURL), err)
		}
		defer res.Body.Close()
		if res.IsError() {
			return fmt.Errorf("install %s %s at %s: %s", what, name, redact(f.esURL), esErrorText(res.StatusCode, res.Body))
		}
		fmt.Fprintf(out, "elasticsearch: %s %s installed (version %d)\n", what, name, estemplate.TemplateVersion)
		return nil
	}
	if err := put("component template", f.componentName, func(c context.Context) (*esapi.Response, error) {
		return es.Cluster.PutComponentTemplate(f.componentName, bytes.NewReader(plan.component), es.Cluster.PutComponentTemplate.WithContext(c))
	}); err != nil {
		return err
	}
	if plan.index == nil {
		fmt.Fprintf(out, "elasticsearch: add %q to the composed_of of your index templates to use it\n", f.componentName)
		return nil
	}
	return put("index template", f.templateName+" ["+strings.Join(f.indexPatterns, ",")+"]", func(c context.Context) (*esapi.Response, error) {
		return es.Indices.PutIndexTemplate(f.templateName, bytes.NewReader(plan.index), es.Indices.PutIndexTemplate.WithContext(c))
	})
}

// esErrorText turns an Elasticsearch error response into "status: type: reason".
func esErrorText(status int, body io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(body, 64<<10))
	var e struct {
		Error json.RawMessage `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && len(e.Error) > 0 {
		var obj struct {
			Type   string `json:"type"`
			Reason string `json:"reason"`
		}
		if json.Unmarshal(e.Error, &obj) == nil && obj.Reason != "" {
			return fmt.Sprintf("%d %s: %s: %s", status, http.StatusText(status), obj.Type, obj.Reason)
		}
		var s string
		if json.Unmarshal(e.Error, &s) == nil {
			return fmt.Sprintf("%d %s: %s", status, http.StatusText(status), s)
		}
	}
	return fmt.Sprintf("%d %s: %s", status, http.StatusText(status), truncateText(string(b), 300))
}

func truncateText(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// kibanaImportURL is the rule import endpoint of a space.
func kibanaImportURL(base, space string) string {
	base = strings.TrimRight(base, "/")
	if space != "" && space != "default" {
		base += "/s/" + url.PathEscape(space)
	}
	return base + "/api/detection_engine/rules/_import?overwrite=true"
}

// kibanaImportResponse is the body of a 200 from the rule import API.
type kibanaImportResponse struct {
	Success      bool `json:"success"`
	SuccessCount int  `json:"success_count"`
	RulesCount   int  `json:"rules_count"`
	Errors       []struct {
		RuleID string `json:"rule_id"`
		Error  struct {
			StatusCode int    `json:"status_code"`
			Message    string `json:"message"`
		} `json:"error"`
	} `json:"errors"`
}

func importRules(ctx context.Context, f setupFlags, plan setupPlan, out io.Writer) error {
	caFile := f.kibanaCAFile
	if caFile == "" {
		caFile = f.esCAFile
	}
	tr, err := httpTransport(caFile, f.kibanaInsecure)
	if err != nil {
		return fmt.Errorf("kibana: %w", err)
	}
	client := &http.Client{Transport: tr, Timeout: f.timeout}
	defer tr.CloseIdleConnections()

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, err := mw.CreateFormFile("file", "ttpscope-rules.ndjson")
	if err != nil {
		return fmt.Errorf("kibana: build import request: %w", err)
	}
	if _, err := part.Write(plan.rules); err != nil {
		return fmt.Errorf("kibana: build import request: %w", err)
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("kibana: build import request: %w", err)
	}
	target := kibanaImportURL(f.kibanaURL, f.kibanaSpace)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, &body)
	if err != nil {
		return fmt.Errorf("kibana: %w", err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("kbn-xsrf", "true")
	req.Header.Set("elastic-api-version", kibanaAPIVersion)
	apiKey, user, password := f.kibanaAPIKey, f.kibanaUser, f.kibanaPassword
	if apiKey == "" && user == "" {
		apiKey, user, password = f.esAPIKey, f.esUser, f.esPassword
	}
	switch {
	case apiKey != "":
		req.Header.Set("Authorization", "ApiKey "+apiKey)
	case user != "":
		req.SetBasicAuth(user, password)
	}
	shown := redact(target)
	res, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("kibana: import rules at %s: %w", shown, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("kibana: import rules at %s: read response: %w", shown, err)
	}
	if res.StatusCode != http.StatusOK {
		var ke struct {
			Message string `json:"message"`
		}
		msg := truncateText(string(b), 300)
		if json.Unmarshal(b, &ke) == nil && ke.Message != "" {
			msg = ke.Message
		}
		return fmt.Errorf("kibana: import rules at %s: %d %s: %s", shown, res.StatusCode, http.StatusText(res.StatusCode), msg)
	}
	var r kibanaImportResponse
	if err := json.Unmarshal(b, &r); err != nil {
		return fmt.Errorf("kibana: import rules at %s: unexpected response %q: %w", shown, truncateText(string(b), 200), err)
	}
	if !r.Success || len(r.Errors) > 0 || r.SuccessCount != plan.nRules {
		msgs := make([]string, 0, len(r.Errors))
		for _, e := range r.Errors {
			msgs = append(msgs, fmt.Sprintf("rule %s: %d %s", e.RuleID, e.Error.StatusCode, e.Error.Message))
		}
		return fmt.Errorf("kibana: imported %d of %d rules at %s: %s", r.SuccessCount, plan.nRules, shown, strings.Join(msgs, "; "))
	}
	state := "disabled"
	if f.enableRules {
		state = "enabled"
	}
	fmt.Fprintf(out, "kibana: %d detection rules imported (%s) at %s\n", r.SuccessCount, state, shown)
	return nil
}
