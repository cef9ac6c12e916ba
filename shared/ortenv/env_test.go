package ortenv

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	ort "github.com/yalue/onnxruntime_go"
)

// acquire takes a reference with discovery and fails (not skips) when the library is missing:
// `make ort` fetches it, and every ORT-dependent test must run.
func acquire(t *testing.T) func() error {
	t.Helper()
	release, err := Acquire("")
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	return release
}

// useEnv proves the environment is live by creating and destroying a tensor.
func useEnv() error {
	tensor, err := ort.NewTensor(ort.NewShape(1, 3), []int64{1, 2, 3})
	if err != nil {
		return err
	}
	return tensor.Destroy()
}

func assertReleased(t *testing.T) {
	t.Helper()
	if _, _, ok := Loaded(); ok {
		t.Fatal("Loaded reports a held environment after the last release")
	}
	if ort.IsInitialized() {
		t.Fatal("ORT still initialized after the last release")
	}
}

func TestAcquireRelease(t *testing.T) {
	release := acquire(t)
	path, source, ok := Loaded()
	if !ok || path == "" || source == "" {
		t.Fatalf("Loaded() = %q, %q, %v", path, source, ok)
	}
	if v := Version(); !strings.HasPrefix(v, "1.") {
		t.Fatalf("Version() = %q, want 1.x", v)
	}
	if err := useEnv(); err != nil {
		t.Fatalf("tensor after Acquire: %v", err)
	}
	// A second reference by the same path, spelled differently (via a symlink), is shared.
	link := filepath.Join(t.TempDir(), LibraryName)
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	release2, err := Acquire(link)
	if err != nil {
		t.Fatalf("Acquire(symlink to loaded library): %v", err)
	}
	if err := release(); err != nil {
		t.Fatalf("release: %v", err)
	}
	if err := release(); err != nil { // idempotent: must not drop release2's reference
		t.Fatalf("second release: %v", err)
	}
	if err := useEnv(); err != nil {
		t.Fatalf("tensor while second reference held: %v", err)
	}
	if err := release2(); err != nil {
		t.Fatalf("release2: %v", err)
	}
	assertReleased(t)
	if Version() != "" {
		t.Fatal("Version() non-empty after release")
	}
	// The environment can be brought up again after a full release.
	release3 := acquire(t)
	if err := useEnv(); err != nil {
		t.Fatalf("tensor after re-Acquire: %v", err)
	}
	if err := release3(); err != nil {
		t.Fatal(err)
	}
	assertReleased(t)
}

func TestAcquireDifferentLibrary(t *testing.T) {
	release := acquire(t)
	defer func() {
		if err := release(); err != nil {
			t.Error(err)
		}
		assertReleased(t)
	}()
	loaded, _, _ := Loaded()
	other := touch(t, filepath.Join(t.TempDir(), LibraryName))
	_, err := Acquire(other)
	if err == nil {
		t.Fatal("Acquire(other library) succeeded while initialized")
	}
	for _, want := range []string{"already initialized from " + loaded, other} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if _, err := Acquire("libonnxruntime.so"); err == nil {
		t.Error("Acquire(loader name) succeeded while an absolute path is loaded")
	}
}

func TestAcquireBadLibrary(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope", LibraryName)
	_, err := Acquire(missing)
	if err == nil {
		t.Fatal("Acquire(missing file) succeeded")
	}
	for _, want := range []string{missing, "not found", "make ort", EnvVar} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	notALib := touch(t, filepath.Join(t.TempDir(), LibraryName))
	_, err = Acquire(notALib)
	if err == nil {
		t.Fatal("Acquire(non-library file) succeeded")
	}
	for _, want := range []string{"load ONNX Runtime (explicit)", notALib, "tried: explicit " + notALib, "make ort"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	assertReleased(t)
	// A failed load leaves nothing behind: discovery still works afterwards.
	release := acquire(t)
	if err := useEnv(); err != nil {
		t.Fatal(err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	assertReleased(t)
}

func TestAcquireEnvVar(t *testing.T) {
	res, err := Locate("")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv(EnvVar, filepath.Join(t.TempDir(), LibraryName))
	if _, err := Acquire(""); err == nil || !strings.Contains(err.Error(), EnvVar+" ") {
		t.Fatalf("Acquire with ORT_LIBRARY pointing nowhere: err = %v", err)
	}
	t.Setenv(EnvVar, res.Path)
	release := acquire(t)
	if _, source, _ := Loaded(); source != EnvVar && res.Source != "system loader" {
		t.Errorf("source = %q, want %s", source, EnvVar)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
}

func TestAcquireConcurrent(t *testing.T) {
	const goroutines, rounds = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, goroutines*rounds)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				release, err := Acquire("")
				if err != nil {
					errs <- err
					return
				}
				if err := useEnv(); err != nil {
					errs <- err
				}
				if err := release(); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	assertReleased(t)
}

func TestAcquireConcurrentHeld(t *testing.T) {
	outer := acquire(t)
	const goroutines = 16
	var wg sync.WaitGroup
	errs := make(chan error, goroutines)
	releases := make(chan func() error, goroutines)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			release, err := Acquire("")
			if err != nil {
				errs <- err
				return
			}
			releases <- release
		}()
	}
	wg.Wait()
	close(errs)
	close(releases)
	for err := range errs {
		t.Fatal(err)
	}
	state.mu.Lock()
	refs := state.refs
	state.mu.Unlock()
	if refs != goroutines+1 {
		t.Fatalf("refs = %d, want %d", refs, goroutines+1)
	}
	for release := range releases {
		if err := release(); err != nil {
			t.Fatal(err)
		}
	}
	if err := useEnv(); err != nil {
		t.Fatalf("environment gone while outer reference held: %v", err)
	}
	if err := outer(); err != nil {
		t.Fatal(err)
	}
	assertReleased(t)
}
