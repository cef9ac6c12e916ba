package main

import (
	"github.com/spf13/pflag"

	"github.com/ttpscope/ttpscope/shared/esbulk"
)

// esConnFlags are the Elasticsearch connection flags of setup, ship and backfill.
type esConnFlags struct {
	esURL, esAPIKey, esUser, esPassword, esCAFile string
	esInsecure                                    bool
}

func (c *esConnFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.esURL, "es-url", esbulk.DefaultAddress, "Elasticsearch URL [$ELASTICSEARCH_URL]")
	fs.StringVar(&c.esAPIKey, "es-api-key", "", "Elasticsearch API key, base64 id:key [$ES_API_KEY]")
	fs.StringVar(&c.esUser, "es-user", "", "Elasticsearch basic-auth user [$ES_USER]")
	fs.StringVar(&c.esPassword, "es-password", "", "Elasticsearch basic-auth password [$ES_PASSWORD]")
	fs.StringVar(&c.esCAFile, "es-ca-file", "", "PEM CA certificate(s) to verify Elasticsearch's TLS certificate [$ES_CA_FILE]")
	fs.BoolVar(&c.esInsecure, "es-insecure", false, "do not verify Elasticsearch's TLS certificate (test clusters only)")
}

// esConnEnv maps the Elasticsearch connection flags, which every command that talks to Elasticsearch
// shares (serve included), to the environment variables read when a flag is not given.
func esConnEnv() map[string]string {
	return map[string]string{
		"es-url":      "ELASTICSEARCH_URL",
		"es-api-key":  "ES_API_KEY",
		"es-user":     "ES_USER",
		"es-password": "ES_PASSWORD",
		"es-ca-file":  "ES_CA_FILE",
	}
}

// withEnv returns esConnEnv plus a command's own flag-to-variable pairs.
func withEnv(extra map[string]string) map[string]string {
	env := esConnEnv()
	for k, v := range extra {
		env[k] = v
	}
	return env
}
