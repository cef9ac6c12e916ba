// Command esfake runs the in-memory Elasticsearch fake of package esfake as
// a standalone server, so tests can be pointed at it through ES_URL as if it
// were a real cluster:
//
//	go run ./test/esfake/cmd/esfake -addr 127.0.0.1:0 -timeout 30m
//
// It prints "ES_URL=<url>" on standard output once it listens (and writes
// the URL to -url-file, if given), and stops on SIGINT/SIGTERM or after
// -timeout, so a forgotten one does not run for ever.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/ttpscope/ttpscope/test/esfake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on (port 0: a free one)")
	timeout := flag.Duration("timeout", 30*time.Minute, "stop after this long")
	urlFile := flag.String("url-file", "", "also write the URL to this file")
	apiKey := flag.String("api-key", "", "require this API key (base64 id:key)")
	user := flag.String("user", "", "require basic auth with this user (and -password)")
	password := flag.String("password", "", "basic-auth password")
	tlsOn := flag.Bool("tls", false, "serve HTTPS with a self-signed certificate; its CA file is printed as ES_CA_FILE")
	seed := flag.Uint64("seed", 1, "seed of auto ids and PIT ids")
	flag.Parse()
	if err := run(*addr, *timeout, *urlFile, *apiKey, *user, *password, *tlsOn, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "esfake:", err)
		os.Exit(1)
	}
}

func run(addr string, timeout time.Duration, urlFile, apiKey, user, password string, tlsOn bool, seed uint64) error {
	opts := []esfake.Option{esfake.WithAddr(addr), esfake.WithSeed(seed), esfake.WithRequestLogLimit(1000)}
	if apiKey != "" {
		opts = append(opts, esfake.WithAPIKey(apiKey))
	}
	if user != "" || password != "" {
		opts = append(opts, esfake.WithBasicAuth(user, password))
	}
	if tlsOn {
		opts = append(opts, esfake.WithTLS())
	}
	s := esfake.New(opts...)
	defer s.Close()
	fmt.Printf("ES_URL=%s\n", s.URL())
	if tlsOn {
		dir, err := os.MkdirTemp("", "esfake-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		ca, err := s.WriteCAFile(dir)
		if err != nil {
			return err
		}
		fmt.Printf("ES_CA_FILE=%s\n", ca)
	}
	if urlFile != "" {
		if err := os.WriteFile(urlFile, []byte(s.URL()+"\n"), 0o644); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
		fmt.Fprintln(os.Stderr, "esfake: stopped by signal")
	case <-time.After(timeout):
		fmt.Fprintf(os.Stderr, "esfake: stopped after %v\n", timeout)
	}
	return nil
}
