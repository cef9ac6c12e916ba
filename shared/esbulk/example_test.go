package esbulk_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ttpscope/ttpscope/shared/esbulk"
	"github.com/ttpscope/ttpscope/test/esfake"
)

// The Fluent Bit plugin's flush: one synchronous Write per chunk, with
// deterministic ids, a deadline under Fluent Bit's grace period, and
// FLB_RETRY unless nothing is left to retry.
func ExampleWriter_Write() {
	es := esfake.New()
	defer es.Close()
	es.MappingErrorOn("bad") // one document the cluster will refuse for good

	dir, _ := os.MkdirTemp("", "esbulk-example")
	defer os.RemoveAll(dir)
	w, err := esbulk.New(esbulk.Config{
		Addresses:      []string{es.URL()},
		Index:          "logs-%Y.%m.%d",
		Deadline:       4 * time.Second,
		DeadLetterPath: filepath.Join(dir, "dead.ndjson"),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer w.Close()

	tag, ts := []byte("sysmon"), []byte("1714564800.000000001")
	record := []byte(`{"@timestamp":"2024-05-01T12:00:00Z","process":{"command_line":"reg save HKLM\\SAM sam.hive"}}`)
	docs := []esbulk.Doc{
		{ID: esbulk.HashID(tag, ts, record), Body: record},
		{Body: []byte(`{"@timestamp":"2024-05-01T12:00:01Z","bad":{"x":1}}`)},
	}
	for attempt := 1; attempt <= 2; attempt++ { // Fluent Bit resends the chunk on FLB_RETRY
		out, err := w.Write(context.Background(), docs)
		verdict := "FLB_OK"
		if err != nil {
			verdict = "FLB_RETRY"
		}
		fmt.Printf("attempt %d: indexed %d, duplicates %d, dead-lettered %d, retryable %d -> %s\n",
			attempt, out.Indexed, out.Duplicates, out.DeadLettered, out.Retryable, verdict)
	}
	fmt.Println("documents in logs-2024.05.01:", es.Count("logs-2024.05.01"))
	// Output:
	// attempt 1: indexed 1, duplicates 0, dead-lettered 1, retryable 0 -> FLB_OK
	// attempt 2: indexed 0, duplicates 1, dead-lettered 1, retryable 0 -> FLB_OK
	// documents in logs-2024.05.01: 1
}
