package esfake_test

import (
	"encoding/json"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ttpscope/ttpscope/test/esfake"
)

// TestTargetReadBack runs the read-back helpers against the target: the real
// cluster of ES_URL when set, else a fake.
func TestTargetReadBack(t *testing.T) {
	tg := esfake.NewTarget(t)
	name := tg.TempName(t)
	if !regexp.MustCompile(`^ttpscope-test-[0-9a-f]{10}$`).MatchString(name) {
		t.Fatalf("TempName %q", name)
	}
	if other := esfake.UniqueName(t); other == name {
		t.Fatalf("UniqueName repeated %q", name)
	}
	idx := name + "-docs"
	if n := tg.Count(t, idx); n != 0 {
		t.Errorf("count of a missing index = %d", n)
	}
	if docs := tg.Docs(t, idx); len(docs) != 0 {
		t.Errorf("docs of a missing index = %v", docs)
	}
	if _, ok := tg.Doc(t, idx, "1"); ok {
		t.Error("doc in a missing index found")
	}
	tg.CreateIndex(t, idx, `{"mappings":{"properties":{"n":{"type":"long"},"tag":{"type":"keyword"}}}}`)
	tg.Bulk(t, `{"index":{"_index":"`+idx+`","_id":"1"}}`+"\n"+`{"n":1,"tag":"a"}`+"\n"+
		`{"index":{"_index":"`+idx+`","_id":"2","routing":"r1"}}`+"\n"+`{"n":2,"tag":"b"}`+"\n"+
		`{"index":{"_index":"`+idx+`","_id":"1"}}`+"\n"+`{"n":1,"tag":"a2"}`+"\n")
	// Written without refresh: Count and Docs refresh first.
	tg.DoOK(t, "PUT", "/"+idx+"/_doc/3", []byte(`{"n":3}`), http.StatusCreated)
	if n := tg.Count(t, idx); n != 3 {
		t.Errorf("count = %d, want 3", n)
	}
	docs := tg.Docs(t, idx)
	if len(docs) != 3 || docs["1"].Version != 2 || docs["2"].Version != 1 || docs["2"].Routing != "r1" || docs["1"].Index != idx {
		t.Errorf("docs = %+v", docs)
	}
	if f, err := docs["1"].Fields(); err != nil || f["tag"] != "a2" {
		t.Errorf("doc 1 fields %v %v", f, err)
	}
	d, ok := tg.Doc(t, idx, "2")
	if !ok || d.Version != 1 || d.Routing != "r1" || string(d.Source) != `{"n":2,"tag":"b"}` || d.Index != idx || d.ID != "2" {
		t.Errorf("doc 2 = %+v %v", d, ok)
	}
	if _, ok := tg.Doc(t, idx, "nope"); ok {
		t.Error("missing doc found")
	}
	mb, _ := json.Marshal(tg.Mappings(t, idx))
	if !strings.Contains(string(mb), `"n":{"type":"long"}`) || !strings.Contains(string(mb), `"tag":{"type":"keyword"}`) {
		t.Errorf("mappings %s", mb)
	}
	if status, body := tg.Do(t, "PUT", "/"+idx+"/_doc/4", []byte(`{"n":"not a number"}`)); status != 400 {
		t.Errorf("mapping not in force: %d %s", status, body)
	}

	// Templates and data streams.
	tg.DoOK(t, "PUT", "/_component_template/"+name+"-ct", []byte(`{"template":{"mappings":{"properties":{"@timestamp":{"type":"date"},"x":{"type":"keyword"}}}}}`))
	tg.DoOK(t, "PUT", "/_index_template/"+name+"-it", []byte(`{"index_patterns":["`+name+`-ds-*"],"data_stream":{},"composed_of":["`+name+`-ct"],"priority":4242}`))
	ct, ok := tg.ComponentTemplate(t, name+"-ct")
	if b, _ := json.Marshal(ct); !ok || !strings.Contains(string(b), `"x":{"type":"keyword"}`) {
		t.Errorf("component template %s %v", b, ok)
	}
	it, ok := tg.IndexTemplate(t, name+"-it")
	if b, _ := json.Marshal(it["index_patterns"]); !ok || string(b) != `["`+name+`-ds-*"]` {
		t.Errorf("index template %v %v", it, ok)
	}
	if _, ok := tg.IndexTemplate(t, name+"-nope"); ok {
		t.Error("missing index template found")
	}
	if _, ok := tg.ComponentTemplate(t, name+"-nope"); ok {
		t.Error("missing component template found")
	}
	ds := name + "-ds-app"
	tg.DoOK(t, "POST", "/"+ds+"/_doc", []byte(`{"@timestamp":"2026-01-02T03:04:05Z","x":"y"}`), http.StatusCreated)
	if got := tg.DataStreams(t, name+"-ds-*"); !slices.Equal(got, []string{ds}) {
		t.Errorf("data streams %v", got)
	}
	if got := tg.DataStreams(t, name+"-nope"); len(got) != 0 {
		t.Errorf("missing data stream: %v", got)
	}
	if n := tg.Count(t, ds); n != 1 {
		t.Errorf("data stream count %d", n)
	}
	if mb, _ := json.Marshal(tg.Mappings(t, ds)); !strings.Contains(string(mb), `"x":{"type":"keyword"}`) {
		t.Errorf("data stream mappings %s", mb)
	}
	tg.DeleteIndex(t, idx)
	tg.DeleteIndex(t, idx)
	if n := tg.Count(t, idx); n != 0 {
		t.Errorf("count after delete %d", n)
	}
}

// TestTargetCleanup checks, on a fake, that TempName's cleanup removes
// exactly what carries its name.
func TestTargetCleanup(t *testing.T) {
	fake := esfake.Start(t)
	tg := fake.Target()
	var name string
	t.Run("creates", func(t *testing.T) {
		tg.CreateIndex(t, "keep-me", "")
		tg.DoOK(t, "PUT", "/_index_template/keep-me", []byte(`{"index_patterns":["keep-*"]}`))
		name = tg.TempName(t)
		tg.CreateIndex(t, name, "")
		tg.Bulk(t, `{"index":{"_index":"`+name+`-b"}}`+"\n{}\n")
		tg.DoOK(t, "PUT", "/_component_template/"+name+"-ct", []byte(`{"template":{"mappings":{"properties":{"@timestamp":{"type":"date"}}}}}`))
		tg.DoOK(t, "PUT", "/_index_template/"+name+"-it", []byte(`{"index_patterns":["`+name+`-ds*"],"data_stream":{},"composed_of":["`+name+`-ct"]}`))
		tg.DoOK(t, "POST", "/"+name+"-ds/_doc", []byte(`{"@timestamp":"2026-01-02T03:04:05Z"}`), http.StatusCreated)
		if got := fake.Indices(); len(got) != 4 {
			t.Fatalf("indices %v", got)
		}
	})
	if got := fake.Indices(); !slices.Equal(got, []string{"keep-me"}) {
		t.Errorf("indices after cleanup %v", got)
	}
	if got := fake.DataStreams(); len(got) != 0 {
		t.Errorf("data streams after cleanup %v", got)
	}
	if _, ok := fake.IndexTemplate(name + "-it"); ok {
		t.Error("index template left")
	}
	if _, ok := fake.ComponentTemplate(name + "-ct"); ok {
		t.Error("component template left")
	}
	if _, ok := fake.IndexTemplate("keep-me"); !ok {
		t.Error("an index template without the name was deleted")
	}
	// Nothing was deleted by a wildcard, which ES 8 refuses by default.
	for _, r := range fake.Requests() {
		if r.Method == "DELETE" && strings.Contains(r.Path, "*") {
			t.Errorf("wildcard delete %s", r.Path)
		}
	}
}

func TestTargetAuthAndTLS(t *testing.T) {
	t.Setenv(esfake.EnvURL, "")
	for _, tc := range []struct {
		name string
		opts []esfake.Option
	}{
		{"api key over TLS", []esfake.Option{esfake.WithTLS(), esfake.WithAPIKey("aWQ6a2V5")}},
		{"basic", []esfake.Option{esfake.WithBasicAuth("elastic", "changeme")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg := esfake.NewTarget(t, tc.opts...)
			if tg.Fake.Certificate() != nil && (tg.CAFile == "" || !strings.HasPrefix(tg.URL, "https://")) {
				t.Errorf("TLS target %+v without a CA file", tg)
			}
			if tg.APIKey == "" && tg.Username != "elastic" {
				t.Errorf("target %+v lacks the credentials", tg)
			}
			name := tg.TempName(t)
			tg.Bulk(t, `{"create":{"_index":"`+name+`","_id":"a"}}`+"\n{}\n")
			if n := tg.Count(t, name); n != 1 {
				t.Errorf("count %d", n)
			}
			// Without credentials the fake refuses, so the helpers did send them.
			anon := tg
			anon.APIKey, anon.Username, anon.Password = "", "", ""
			if status, _ := anon.Do(t, "GET", "/", nil); status != 401 {
				t.Errorf("anonymous: %d", status)
			}
			if st := fake(tg).Target(); st.APIKey != tg.APIKey || st.Username != tg.Username || st.Password != tg.Password {
				t.Errorf("Server.Target %+v", st)
			}
		})
	}
}

func fake(tg esfake.Target) *esfake.Server { return tg.Fake }

func TestWithAddr(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := esfake.New(esfake.WithAddr(addr))
	defer s.Close()
	if s.URL() != "http://"+addr {
		t.Fatalf("URL %s, want http://%s", s.URL(), addr)
	}
	if status, _ := s.Target().Do(t, "GET", "/", nil); status != 200 {
		t.Errorf("GET /: %d", status)
	}
}

func TestRefreshAndCountIgnoreUnavailable(t *testing.T) {
	tg := esfake.Start(t).Target()
	for _, path := range []string{"/nope/_refresh", "/nope/_count"} {
		if status, body := tg.Do(t, "POST", path, nil); status != 404 || !strings.Contains(string(body), "index_not_found_exception") {
			t.Errorf("%s: %d %s", path, status, body)
		}
		if status, body := tg.Do(t, "POST", path+"?ignore_unavailable=true", nil); status != 200 {
			t.Errorf("%s?ignore_unavailable=true: %d %s", path, status, body)
		}
	}
}
