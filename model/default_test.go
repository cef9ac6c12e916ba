package model_test

import (
	"context"
	"testing"

	"github.com/ttpscope/ttpscope/model"
	"github.com/ttpscope/ttpscope/shared/classifier"
	"github.com/ttpscope/ttpscope/shared/normalize"
)

// TestDefaultModel loads the embedded model through the production classifier and checks plain cases
// every release must get right.
func TestDefaultModel(t *testing.T) {
	c, err := classifier.New(context.Background(), classifier.Options{FS: model.Default()})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	info := c.Info()
	if info.Name != "ttpscope-tiny" || info.Version == "" || info.MaxTokens != 128 {
		t.Errorf("info %+v", info)
	}
	cases := []struct{ text, class string }{
		{`reg save hklm\sam c:\t\s`, "T1003.002"},
		{`rundll32.exe C:\windows\System32\comsvcs.dll, MiniDump 624 C:\Users\Public\lsass.dmp full`, "T1003.002"},
		{`Set-MpPreference -DisableRealtimeMonitoring $true`, "T1562"},
		{`netsh advfirewall set allprofiles state off`, "T1562"},
		{`ipconfig /all`, "benign"},
		{`git pull --rebase origin main`, "benign"},
		{`sc stop spooler`, "benign"},
	}
	texts := make([]string, len(cases))
	for i, tc := range cases {
		texts[i] = normalize.Text(tc.text).Text
	}
	preds, err := c.Classify(context.Background(), texts)
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range cases {
		if preds[i].Err != nil || preds[i].Class != tc.class || preds[i].Score < 0.5 {
			t.Errorf("%q: class %s score %.3f err %v; want %s", tc.text, preds[i].Class, preds[i].Score, preds[i].Err, tc.class)
		}
	}
}
