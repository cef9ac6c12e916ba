package ortenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	ort "github.com/yalue/onnxruntime_go"
)

// state is the one piece of process-wide state in ttpscope: the ONNX Runtime environment is
// global to the process (onnxruntime_go keeps it in package variables), so its owner is too.
var state struct {
	mu     sync.Mutex
	refs   int
	path   string // library path that was loaded
	source string // Locate rule that produced path
}

// Acquire makes sure the ONNX Runtime environment is initialized and takes a reference on it.
//
// The first caller locates the library (see Locate; libPath is the explicit rule, "" skips it),
// loads it and initializes the environment with ORT logging at error level. Later callers share
// that environment; a later caller that names a different library (a different file, not merely
// a different spelling or a symlink) gets an error, because one process can hold only one ORT
// environment. "" always means "whatever is loaded". The returned release drops the reference;
// the last release destroys the environment and unloads the library. release is idempotent and
// safe to call from any goroutine. Acquire is safe for concurrent use.
func Acquire(libPath string) (release func() error, err error) {
	state.mu.Lock()
	defer state.mu.Unlock()

	if state.refs > 0 {
		if libPath != "" && !sameLibrary(libPath, state.path) {
			return nil, fmt.Errorf("ONNX Runtime already initialized from %s (%s); cannot also load %s: "+
				"one process holds one ORT environment, use the same library everywhere",
				state.path, state.source, libPath)
		}
		state.refs++
		return releaser(), nil
	}
	if ort.IsInitialized() {
		return nil, errors.New("ONNX Runtime was initialized outside package ortenv; " +
			"use ortenv.Acquire for every ORT user in the process")
	}

	res, err := Locate(libPath)
	if err != nil {
		return nil, fmt.Errorf("locate ONNX Runtime: %w", err)
	}
	candidates := []string{res.Path}
	if res.Source == "system loader" {
		candidates = []string{LibraryName, "libonnxruntime.so"}
	}
	var errs []string
	for _, p := range candidates {
		ort.SetSharedLibraryPath(p)
		initErr := ort.InitializeEnvironment(ort.WithLogLevelError())
		if initErr == nil {
			state.refs = 1
			state.path, state.source = p, res.Source
			return releaser(), nil
		}
		errs = append(errs, fmt.Sprintf("%s: %v", p, initErr))
	}
	ort.SetSharedLibraryPath("")
	return nil, fmt.Errorf("load ONNX Runtime (%s): %s; tried: %s; run `make ort` or set %s to the "+
		"absolute path of %s", res.Source, strings.Join(errs, "; "), res.TriedString(), EnvVar, LibraryName)
}

// releaser returns a release function for one reference. It must be called with state.mu held.
func releaser() func() error {
	var once sync.Once
	var err error
	return func() error {
		once.Do(func() {
			state.mu.Lock()
			defer state.mu.Unlock()
			state.refs--
			if state.refs > 0 {
				return
			}
			lib := state.path
			state.refs, state.path, state.source = 0, "", ""
			if derr := ort.DestroyEnvironment(); derr != nil {
				err = fmt.Errorf("destroy ONNX Runtime environment (%s): %w", lib, derr)
			}
		})
		return err
	}
}

// Loaded reports the library the environment was initialized from and the Locate rule that
// chose it; ok is false when no reference is held.
func Loaded() (path, source string, ok bool) {
	state.mu.Lock()
	defer state.mu.Unlock()
	return state.path, state.source, state.refs > 0
}

// Version returns the ONNX Runtime version string, or "" when the environment is not held.
func Version() string {
	state.mu.Lock()
	defer state.mu.Unlock()
	if state.refs == 0 {
		return ""
	}
	return ort.GetVersion()
}

// sameLibrary reports whether a (as a user would pass it) names the library b that is loaded.
func sameLibrary(a, b string) bool {
	if a == b {
		return true
	}
	if !strings.ContainsRune(a, '/') || !strings.ContainsRune(b, '/') {
		return false // loader names only match themselves
	}
	absA, err := filepath.Abs(a)
	if err != nil {
		return false
	}
	if absA == b {
		return true
	}
	sa, errA := os.Stat(absA)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
