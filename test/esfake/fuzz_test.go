package esfake

import (
	"strings"
	"testing"
	"time"
)

func FuzzParseBulk(f *testing.F) {
	seeds := []string{
		"{\"index\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"x\":1}\n",
		"{\"delete\":{\"_index\":\"a\",\"_id\":\"1\"}}\n",
		"{\"update\":{\"_index\":\"a\",\"_id\":\"1\"}}\n{\"doc\":{\"y\":2}}\n",
		"{\"create\":{}}\n{}\n",
		"\n\n",
		"{\"index\":{\"_index\":[1]}}\n{}\n",
		"{\"index\"\n",
		"\"x\"\n",
		"{\"index\":{\"op_type\":\"create\",\"if_seq_no\":1,\"if_primary_term\":1}}\n{}\n",
		"{\"index\":{\"dynamic_templates\":{\"a\":\"b\"}}}\n{}\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s), "dflt")
	}
	f.Fuzz(func(t *testing.T, body []byte, defIndex string) {
		var ops []bulkOp
		var err *apiError
		done := make(chan struct{})
		go func() {
			defer close(done)
			ops, err = parseBulk(body, defIndex, "", "")
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("parseBulk hangs on %q", body)
		}
		if err != nil {
			if err.status != 400 {
				t.Fatalf("parse error with status %d: %v", err.status, err)
			}
			if err.obj.Type == "" || err.obj.Reason == "" {
				t.Fatalf("error without type or reason: %+v", err)
			}
			return
		}
		if len(ops) == 0 {
			t.Fatal("no ops and no error")
		}
		if n := strings.Count(string(body), "\n"); len(ops) > n {
			t.Fatalf("%d ops from %d lines", len(ops), n)
		}
		for _, op := range ops {
			switch op.action {
			case "index", "create", "update", "delete":
			default:
				t.Fatalf("action %q", op.action)
			}
			if op.index == "" {
				t.Fatal("op without index passed validation")
			}
			if (op.action == "update" || op.action == "delete") && op.id == "" {
				t.Fatal("update/delete without id passed validation")
			}
			if op.action == "update" && op.update == nil {
				t.Fatal("update without body")
			}
		}
	})
}

func FuzzFilterPath(f *testing.F) {
	f.Add([]byte(`{"errors":true,"items":[{"index":{"status":201}},{"index":{"error":{"type":"x"}}}]}`), "errors,items.*.error")
	f.Add([]byte(`{"a":{"b":{"c":1}}}`), "**.c")
	f.Fuzz(func(t *testing.T, body []byte, expr string) {
		_ = filterPath(body, expr)
	})
}
