package ortenv

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func touch(t *testing.T, path string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLocate(t *testing.T) {
	root := t.TempDir()
	explicitLib := touch(t, filepath.Join(root, "explicit", LibraryName))
	envLib := touch(t, filepath.Join(root, "env", LibraryName))
	builtinLib := touch(t, filepath.Join(root, "builtin", LibraryName))
	exeDirLib := touch(t, filepath.Join(root, "app1", "bin", LibraryName))
	exeLibDirLib := touch(t, filepath.Join(root, "app2", "lib", LibraryName))
	repoLib := touch(t, filepath.Join(root, "repo", "third_party", "onnxruntime", LibraryName))
	deep := filepath.Join(root, "repo", "shared", "classifier", "sub")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "app2", "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	nowhere := filepath.Join(root, "nowhere")
	missing := filepath.Join(root, "missing", LibraryName)

	tests := []struct {
		name                          string
		explicit, env, builtin, exe   string
		cwd                           string
		wantPath, wantSource, wantErr string
		wantTried                     []string
	}{
		{name: "explicit wins", explicit: explicitLib, env: envLib, builtin: builtinLib,
			wantPath: explicitLib, wantSource: "explicit"},
		{name: "explicit missing is an error", explicit: missing, env: envLib,
			wantErr: "explicit " + missing + ": not found"},
		{name: "explicit directory is an error", explicit: filepath.Join(root, "explicit"),
			wantErr: "is a directory"},
		{name: "explicit loader name", explicit: "libonnxruntime.so.1.30.0",
			wantPath: "libonnxruntime.so.1.30.0", wantSource: "explicit"},
		{name: "env", env: envLib, builtin: builtinLib, wantPath: envLib, wantSource: EnvVar},
		{name: "env missing is an error", env: missing, builtin: builtinLib,
			wantErr: EnvVar + " " + missing + ": not found"},
		{name: "built-in", builtin: builtinLib, exe: filepath.Join(root, "app1", "bin", "prog"),
			wantPath: builtinLib, wantSource: "built-in"},
		{name: "built-in missing falls through", builtin: missing,
			exe: filepath.Join(root, "app1", "bin", "prog"), wantPath: exeDirLib, wantSource: "executable dir",
			wantTried: []string{"built-in " + missing + " (not found)"}},
		{name: "next to executable", exe: filepath.Join(root, "app1", "bin", "prog"), cwd: deep,
			wantPath: exeDirLib, wantSource: "executable dir"},
		{name: "../lib from executable", exe: filepath.Join(root, "app2", "bin", "prog"), cwd: deep,
			wantPath: exeLibDirLib, wantSource: "executable dir"},
		{name: "walk up from cwd", exe: filepath.Join(nowhere, "prog"), cwd: deep,
			wantPath: repoLib, wantSource: "repository"},
		{name: "cwd is repo root", cwd: filepath.Join(root, "repo"), wantPath: repoLib, wantSource: "repository"},
		{name: "system loader last", exe: filepath.Join(nowhere, "prog"), cwd: nowhere,
			wantPath: LibraryName, wantSource: "system loader",
			wantTried: []string{"explicit (not set)", EnvVar + " (not set)", "built-in (not set)",
				"executable dir " + filepath.Join(nowhere, LibraryName) + " (not found)",
				"executable dir " + filepath.Join(root, "lib", LibraryName) + " (not found)",
				"repository " + repoLibrary + " in " + nowhere + " and every directory above (not found)",
				`system loader "libonnxruntime.so.1" (not checked until loaded)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := locate(tc.explicit, tc.env, tc.builtin, tc.exe, tc.cwd)
			if tc.wantErr != "" {
				if err == nil {
					t.Fatalf("locate = %+v, want error containing %q", res, tc.wantErr)
				}
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("error %q: not ErrNotFound", err)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %q does not contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("locate: %v", err)
			}
			if res.Path != tc.wantPath || res.Source != tc.wantSource {
				t.Fatalf("locate = (%q, %q), want (%q, %q); tried %s",
					res.Path, res.Source, tc.wantPath, tc.wantSource, res.TriedString())
			}
			if tc.wantTried != nil {
				got := res.TriedString()
				for _, w := range tc.wantTried {
					if !strings.Contains(got, w) {
						t.Errorf("tried %q lacks %q", got, w)
					}
				}
			}
		})
	}
}

func TestLocateRelativeExplicit(t *testing.T) {
	dir := t.TempDir()
	touch(t, filepath.Join(dir, "lib", LibraryName))
	t.Chdir(dir)
	res, err := locate("./lib/"+LibraryName, "", "", "", "")
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "lib", LibraryName)
	if res.Path != want {
		t.Fatalf("path %q, want absolute %q", res.Path, want)
	}
}
