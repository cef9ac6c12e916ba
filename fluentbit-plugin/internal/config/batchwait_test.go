package config

import (
	"strings"
	"testing"
	"time"
)

func TestBatchWait(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  time.Duration
		err   string
	}{
		{"", 0, ""}, // unset: off
		{"0", 0, ""},
		{"2ms", 2 * time.Millisecond, ""},
		{"0.005", 5 * time.Millisecond, ""}, // seconds, as Fluent Bit writes times
		{"1s", time.Second, ""},
		{"2s", 0, "batch_wait"},
		{"-1ms", 0, "batch_wait"},
		{"soon", 0, "batch_wait"},
	} {
		kv := map[string]string{}
		if tc.value != "" {
			kv["batch_wait"] = tc.value
		}
		c, err := Parse(props(kv), env(nil))
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("batch_wait %q: err %v, want one naming %s", tc.value, err, tc.err)
			}
		case err != nil:
			t.Errorf("batch_wait %q: %v", tc.value, err)
		case c.BatchWait != tc.want:
			t.Errorf("batch_wait %q = %v, want %v", tc.value, c.BatchWait, tc.want)
		}
	}
	for _, probe := range []string{"batch-wait", "batchwait"} {
		if got := probes()[probe]; got != "batch_wait" {
			t.Errorf("probe %q -> %q", probe, got)
		}
	}
}
