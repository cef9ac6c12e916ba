package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runArgs(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestExitCodesAndEnv(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		code int
		msg  string
	}{
		{"version", nil, []string{"version"}, exitOK, "elastic-ingest"},
		{"unknown command", nil, []string{"frobnicate"}, exitUsage, "unknown command"},
		{"bad flag value", nil, []string{"classify", "--batch-size", "x"}, exitUsage, "--batch-size"},
		{"bad env value names the variable", map[string]string{"TTPSCOPE_BATCH_SIZE": "many"}, []string{"classify"}, exitUsage, "TTPSCOPE_BATCH_SIZE"},
		{"env out of range", map[string]string{"TTPSCOPE_ALERT_THRESHOLD": "1.5"}, []string{"classify"}, exitUsage, "--alert-threshold 1.5"},
		{"flag wins over env", map[string]string{"TTPSCOPE_ALERT_THRESHOLD": "1.5"}, []string{"classify", "--alert-threshold", "0.7", "--workers", "0"}, exitUsage, "--workers 0"},
		{"missing model dir from env", map[string]string{"TTPSCOPE_MODEL_DIR": "/no/such/model"}, []string{"classify"}, exitFatal, "/no/such/model"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runArgs(t, tc.env, tc.args...)
			if code != tc.code || !strings.Contains(out+errs, tc.msg) {
				t.Errorf("exit %d (want %d), output %q, stderr %q; want mention of %q", code, tc.code, out, errs, tc.msg)
			}
		})
	}
}
