// Package model holds ttpscope's default model, embedded into every binary that imports it, and (in its
// sub-packages and scripts) the pipeline that builds it. See model/README.md and model/default/MODEL_CARD.md.
package model

import (
	"embed"
	"io/fs"
)

//go:embed default/model.onnx default/tokenizer.json default/config.json default/ngram.bin default/cascade.json
var files embed.FS

// Default returns the default model directory: model.onnx, tokenizer.json, config.json, and the cascade
// first stage (ngram.bin, cascade.json; see shared/cascade).
func Default() fs.FS {
	sub, err := fs.Sub(files, "default")
	if err != nil { // fs.Sub fails only on an invalid path name, and "default" is valid
		panic(err)
	}
	return sub
}
