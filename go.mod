module github.com/ttpscope/ttpscope

go 1.24

require (
	github.com/hashicorp/golang-lru/v2 v2.0.7
	github.com/spf13/cobra v1.10.2
	github.com/spf13/pflag v1.0.9
	github.com/yalue/onnxruntime_go v1.27.0
)

require github.com/inconshreveable/mousetrap v1.1.0 // indirect
