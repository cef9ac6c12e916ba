package ortenv

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvVar is the environment variable that names the ONNX Runtime shared library.
const EnvVar = "ORT_LIBRARY"

// LibraryName is the file name of the ONNX Runtime shared library on Linux.
const LibraryName = "libonnxruntime.so.1"

// repoLibrary is where `make ort` puts the library, relative to the repository root.
const repoLibrary = "third_party/onnxruntime/" + LibraryName

// defaultLibrary is an absolute library path baked in at link time:
//
//	go build -ldflags "-X github.com/ttpscope/ttpscope/shared/ortenv.defaultLibrary=/abs/libonnxruntime.so.1"
//
// It is written only by the linker and never at run time.
var defaultLibrary string

// ErrNotFound is wrapped by Locate's error when no library could be found.
var ErrNotFound = errors.New("ONNX Runtime shared library not found")

// Resolution says which library Locate picked and how.
type Resolution struct {
	// Path is an absolute file path, or a bare file name handed to the system loader
	// (dlopen searches LD_LIBRARY_PATH, the ld.so cache and the default directories).
	Path string
	// Source names the rule that produced Path ("explicit", "ORT_LIBRARY", "built-in",
	// "executable dir", "repository", "system loader").
	Source string
	// Tried lists every place looked at, in order, with what was found there.
	Tried []string
}

// TriedString renders the Tried list for error messages.
func (r Resolution) TriedString() string {
	return strings.Join(r.Tried, "; ")
}

// Locate finds the ONNX Runtime shared library. The first rule that yields a path wins:
//
//  1. explicit (a --ort-library flag or plugin key), if non-empty;
//  2. the ORT_LIBRARY environment variable, if non-empty;
//  3. the path baked in at link time (defaultLibrary), if that file exists;
//  4. libonnxruntime.so.1 next to the running executable, then in ../lib/ from it;
//  5. third_party/onnxruntime/libonnxruntime.so.1 in the current working directory or any
//     directory above it (this is how `go test` in any package finds the one `make ort` fetched);
//  6. the bare name libonnxruntime.so.1 for the system loader.
//
// An explicit path or ORT_LIBRARY that names a missing file is an error rather than a reason to
// fall through: a setting that is wrong should fail loudly. A value without a slash is taken as
// a loader name and passed through as is. Rule 6 cannot be checked without loading the library,
// so Locate only fails for rules 1 and 2; Acquire reports the full list when loading fails.
func Locate(explicit string) (Resolution, error) {
	exe, err := os.Executable()
	if err != nil {
		exe = ""
	}
	cwd, err := os.Getwd()
	if err != nil {
		cwd = ""
	}
	return locate(explicit, os.Getenv(EnvVar), defaultLibrary, exe, cwd)
}

// locate is Locate with every input passed in, so tests can drive each rule.
func locate(explicit, env, builtin, exe, cwd string) (Resolution, error) {
	var r Resolution
	configured := func(source, value string) (Resolution, error) {
		if !strings.ContainsRune(value, '/') {
			r.Tried = append(r.Tried, fmt.Sprintf("%s %q (loader name)", source, value))
			r.Path, r.Source = value, source
			return r, nil
		}
		abs, err := filepath.Abs(value)
		if err != nil {
			return r, fmt.Errorf("%s %q: %w", source, value, err)
		}
		if err := isFile(abs); err != nil {
			r.Tried = append(r.Tried, fmt.Sprintf("%s %s (%v)", source, abs, err))
			return r, fmt.Errorf("%w: %s %s: %v (fix the path, or run `make ort` and point %s at its library or unset it)",
				ErrNotFound, source, abs, err, EnvVar)
		}
		r.Tried = append(r.Tried, fmt.Sprintf("%s %s (found)", source, abs))
		r.Path, r.Source = abs, source
		return r, nil
	}
	if explicit != "" {
		return configured("explicit", explicit)
	}
	r.Tried = append(r.Tried, "explicit (not set)")
	if env != "" {
		return configured(EnvVar, env)
	}
	r.Tried = append(r.Tried, EnvVar+" (not set)")

	candidate := func(source, path string) bool {
		if err := isFile(path); err != nil {
			r.Tried = append(r.Tried, fmt.Sprintf("%s %s (%v)", source, path, err))
			return false
		}
		r.Tried = append(r.Tried, fmt.Sprintf("%s %s (found)", source, path))
		r.Path, r.Source = path, source
		return true
	}
	if builtin != "" {
		if candidate("built-in", builtin) {
			return r, nil
		}
	} else {
		r.Tried = append(r.Tried, "built-in (not set)")
	}
	if exe != "" {
		if resolved, err := filepath.EvalSymlinks(exe); err == nil {
			exe = resolved
		}
		dir := filepath.Dir(exe)
		if candidate("executable dir", filepath.Join(dir, LibraryName)) ||
			candidate("executable dir", filepath.Join(filepath.Dir(dir), "lib", LibraryName)) {
			return r, nil
		}
	} else {
		r.Tried = append(r.Tried, "executable dir (unknown)")
	}
	if cwd != "" {
		found := false
		for dir := cwd; ; dir = filepath.Dir(dir) {
			p := filepath.Join(dir, repoLibrary)
			if isFile(p) == nil {
				r.Tried = append(r.Tried, fmt.Sprintf("repository %s (found)", p))
				r.Path, r.Source = p, "repository"
				found = true
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
		if found {
			return r, nil
		}
		r.Tried = append(r.Tried, fmt.Sprintf("repository %s in %s and every directory above (not found)",
			repoLibrary, cwd))
	} else {
		r.Tried = append(r.Tried, "repository (working directory unknown)")
	}
	r.Tried = append(r.Tried, fmt.Sprintf("system loader %q (not checked until loaded)", LibraryName))
	r.Path, r.Source = LibraryName, "system loader"
	return r, nil
}

func isFile(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errors.New("not found")
		}
		return err
	}
	if st.IsDir() {
		return errors.New("is a directory")
	}
	return nil
}
