// Package ortenv owns the process-wide ONNX Runtime environment: it finds the shared library
// (Locate), initializes the environment for the first user and shares it with later ones
// (Acquire, reference-counted), and tears it down when the last user releases it. It holds the
// only package-level mutable state in ttpscope, guarded by a mutex.
//
// A binary can carry a default library path, set at link time:
//
//	go build -ldflags "-X github.com/ttpscope/ttpscope/shared/ortenv.defaultLibrary=$(realpath third_party/onnxruntime/libonnxruntime.so.1)" ./...
//
// Resolution order (first hit wins): explicit path (a flag or plugin key), $ORT_LIBRARY, the
// link-time default, libonnxruntime.so.1 next to the executable or in ../lib/ from it,
// third_party/onnxruntime/libonnxruntime.so.1 in the working directory or any parent, and finally
// the system loader names libonnxruntime.so.1 and libonnxruntime.so.
package ortenv
