package bulkproxy

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestParseBulk(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want string // action:key:line:index:id:hasSource per op, space-separated
		err  string
	}{
		{"empty", "", "", ""},
		{"all actions", `{"index":{"_index":"a","_id":"1"}}` + "\n{}\n" + `{"create":{"_id":7}}` + "\n{}\n\n" +
			`{"update":{"_id":"u"}}` + "\n" + `{"doc":{}}` + "\n" + `{"delete":{"_index":"d","_id":"x"}}` + "\n",
			"index:index:1:a:1:true create:create:3:_:7:true update:update:6:_:u:true delete:delete:8:d:x:false", ""},
		{"op_type create", `{"index":{"op_type":"create"}}` + "\n{}\n", "create:create:1:_:_:true", ""},
		{"action without source at end", `{"index":{}}` + "\n", "index:index:1:_:_:false", ""},
		{"crlf", `{"index":{}}` + "\r\n{}\r\n", "index:index:1:_:_:true", ""},
		{"no final newline", `{"delete":{"_id":"1"}}`, "", "The bulk request must be terminated by a newline"},
		{"unknown action", `{"upsert":{}}` + "\n", "", "expected field [create], [delete], [index] or [update] but found [upsert]"},
		{"array action", "[]\n", "", "expected START_OBJECT but found [START_ARRAY]"},
		{"string metadata", `{"index":"a"}` + "\n{}\n", "", "expected START_OBJECT"},
		{"two actions on a line", `{"index":{},"delete":{}}` + "\n{}\n", "", "expected END_OBJECT"},
		{"not json", "nope\n", "", "x_content_parse_exception"},
		{"truncated", `{"index":{` + "\n", "", "Unexpected end-of-input"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops, err := ParseBulk([]byte(tc.body))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || err.Status != 400 {
					t.Fatalf("error %v, want 400 with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, op := range ops {
				f := func(s string) string {
					if s == "" {
						return "_"
					}
					return s
				}
				got = append(got, strings.Join([]string{string(op.Action), op.Key, itoa(op.Line), f(op.Index), f(op.ID), boolStr(op.HasSource)}, ":"))
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("ops %q\nwant %q", strings.Join(got, " "), tc.want)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func TestEncodeSourceKeepsBytes(t *testing.T) {
	enr := newEnricher(t)
	for _, tc := range []struct {
		name, src, prefix string
		reencoded         bool
	}{
		{"appends", `{"message":"ipconfig /all" , "n": 1.0e2 }`, `{"message":"ipconfig /all" , "n": 1.0e2,"ttpscope":{`, false},
		{"empty object", `{}`, `{"ttpscope":{"`, false},
		{"existing threat re-encodes", `{"threat":{"x":1},"message":"reg save hklm\\sam c:\\t\\s","z":"<&>"}`, `{"message":"reg save hklm\\sam c:\\t\\s","threat":{`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ops, perr := ParseBulk([]byte(`{"index":{"_index":"a"}}` + "\n" + tc.src + "\n"))
			if perr != nil {
				t.Fatal(perr)
			}
			rw, err := rewriteBulk(context.Background(), nil, ops, "", enr, "ttpscope", "document_parsing_exception")
			if err != nil {
				t.Fatal(err)
			}
			lines := bytes.Split(rw.body, []byte("\n"))
			if len(lines) != 3 || !bytes.HasPrefix(lines[1], []byte(tc.prefix)) {
				t.Fatalf("body %s\nwant source prefix %s", rw.body, tc.prefix)
			}
			var m map[string]any
			if err := json.Unmarshal(lines[1], &m); err != nil {
				t.Fatalf("enriched source is not JSON: %v: %s", err, lines[1])
			}
			if _, ok := m["ttpscope"].(map[string]any)["status"]; !ok {
				t.Errorf("no ttpscope.status in %s", lines[1])
			}
			if tc.reencoded && !bytes.Contains(lines[1], []byte(`"z":"<&>"`)) {
				t.Errorf("HTML characters escaped: %s", lines[1])
			}
		})
	}
}

func TestFilterPath(t *testing.T) {
	doc := `{"took":3,"errors":true,"items":[{"index":{"_id":"1","status":201}},{"create":{"_id":"2","status":400,"error":{"type":"x","reason":"y"}}}]}`
	for _, tc := range []struct{ expr, want string }{
		{"errors,items.*.error,items.*.status", `{"errors":true,"items":[{"index":{"status":201}},{"create":{"error":{"reason":"y","type":"x"},"status":400}}]}`},
		{"items.*.error", `{"items":[{"create":{"error":{"reason":"y","type":"x"}}}]}`},
		{"took", `{"took":3}`},
		{"**.reason", `{"items":[{"create":{"error":{"reason":"y"}}}]}`},
		{"nothing", `{}`},
		{"-took", doc},
	} {
		if got := string(filterPath([]byte(doc), tc.expr)); got != tc.want {
			t.Errorf("%s: %s\nwant %s", tc.expr, got, tc.want)
		}
	}
}

// FuzzParseBulk: the parser never panics, and without an enricher the forwarded body holds exactly the
// non-blank lines of the input that Elasticsearch would act on, in order.
func FuzzParseBulk(f *testing.F) {
	for _, s := range []string{
		`{"index":{"_index":"a"}}` + "\n{}\n",
		`{"delete":{"_id":"1"}}` + "\n" + `{"update":{"_id":"1"}}` + "\n" + `{"doc":{}}` + "\n",
		`{"create":{}}` + "\nnot json\n",
		"\n\n{\"index\":{}}\n",
		`{"index":{"op_type":"create","_id":1}}` + "\n[1]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ops, perr := ParseBulk(body)
		if perr != nil {
			if perr.Status != 400 || perr.Type == "" {
				t.Fatalf("bad error %+v", perr)
			}
			return
		}
		rw, err := rewriteBulk(context.Background(), body, ops, "i", nil, "ttpscope", "document_parsing_exception")
		if err != nil {
			t.Fatal(err)
		}
		if len(rw.fwdPos)+len(rw.local) != rw.total {
			t.Fatalf("%d forwarded + %d local != %d items", len(rw.fwdPos), len(rw.local), rw.total)
		}
		// Re-parsing the forwarded body gives the forwarded ops, unchanged.
		again, perr := ParseBulk(rw.body)
		if perr != nil {
			t.Fatalf("forwarded body does not parse: %v\n%q", perr, rw.body)
		}
		if len(again) != len(rw.fwdPos) {
			t.Fatalf("forwarded body has %d ops, want %d", len(again), len(rw.fwdPos))
		}
		if !bytes.Contains(append([]byte("\n"), body...), bytes.TrimSuffix(firstLine(rw.body), []byte("\n"))) {
			t.Fatalf("forwarded line not from the input: %q", firstLine(rw.body))
		}
	})
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i+1]
	}
	return b
}

// FuzzFilterPath: never panics, and the result is JSON.
func FuzzFilterPath(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[{"c":1}]}}`), "a.**.c,x")
	f.Fuzz(func(t *testing.T, doc []byte, expr string) {
		out := filterPath(doc, expr)
		if json.Valid(doc) && !json.Valid(out) {
			t.Fatalf("filterPath(%s, %q) = %s: not JSON", doc, expr, out)
		}
	})
}

func TestRewriteLeavesOtherLinesAlone(t *testing.T) {
	in := []string{
		`{"update":{"_index":"a","_id":"1","retry_on_conflict":3}}`,
		`{"doc":{"message":"reg save hklm\\sam c:\\t\\s"} , "doc_as_upsert":true}`,
		` {"delete" : {"_index":"a","_id":"2"}}`,
		`{"index":{"_index":"a","pipeline":"p"}}`,
		`{"message":"reg save hklm\\sam c:\\t\\s"}`,
		`{"create":{"_index":"a","_id":"3"}}`,
	}
	body := strings.Join(in, "\n") + "\n"
	ops, perr := ParseBulk([]byte(body))
	if perr != nil {
		t.Fatal(perr)
	}
	rw, err := rewriteBulk(context.Background(), []byte(body), ops, "", newEnricher(t), "ttpscope", "document_parsing_exception")
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Split(strings.TrimSuffix(string(rw.body), "\n"), "\n")
	// The create on the last line has no source: Elasticsearch ignores it, so it is not forwarded.
	if len(out) != 5 || rw.total != 3 {
		t.Fatalf("forwarded %d lines, %d items:\n%s", len(out), rw.total, rw.body)
	}
	for i := 0; i < 4; i++ {
		if out[i] != in[i] {
			t.Errorf("line %d changed:\n got %s\nwant %s", i+1, out[i], in[i])
		}
	}
	if !strings.HasPrefix(out[4], in[4][:len(in[4])-1]+`,"threat":{`) && !strings.HasPrefix(out[4], in[4][:len(in[4])-1]+`,"ttpscope":{`) {
		t.Errorf("index source not enriched in place: %s", out[4])
	}
}
