// Command elastic-ingest classifies security log records with ttpscope's model and ships them to
// Elasticsearch. Run `elastic-ingest --help` for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, as documented in --help.
const (
	exitOK       = 0
	exitFatal    = 1
	exitUsage    = 2
	exitPartial  = 3 // the run finished, but some records were unreadable or could not be classified
	exitCanceled = 130
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// partialError reports a run that finished with some records in error; main maps it to exitPartial.
type partialError struct{ msg string }

func (e *partialError) Error() string { return e.msg }

// usageError marks bad flags or arguments; main maps it to exitUsage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command line and returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRootCmd(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "elastic-ingest:", err)
	var pe *partialError
	var ue *usageError
	switch {
	case errors.As(err, &pe):
		return exitPartial
	case errors.As(err, &ue), strings.HasPrefix(err.Error(), "unknown command"): // cobra's own usage error
		return exitUsage
	case errors.Is(err, context.Canceled):
		return exitCanceled
	default:
		return exitFatal
	}
}

func newRootCmd(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "elastic-ingest",
		Short: "Classify security log records for ATT&CK techniques and enrich them for Elasticsearch",
		Long: `elastic-ingest reads security log records (process command lines from Sysmon, Windows 4688, auditd,
shell history, ECS documents…), classifies each with ttpscope's transformer model into benign, T1003.002
(OS credential dumping: SAM/LSASS), T1562 (impair defenses) or T1134 (access token manipulation), and writes
the class and scores into the record under "ttpscope" (plus ECS threat.* fields for alerts).

Exit status: 0 success; 1 fatal error; 2 bad usage; 3 finished, but some records were unreadable or
could not be classified (each is reported on stderr and still written out); 130 interrupted.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	root.AddCommand(newClassifyCmd())
	root.AddCommand(newShipCmd())
	root.AddCommand(newEvalCmd())
	root.AddCommand(newSetupCmd())
	root.AddCommand(newServeCmd())
	root.AddCommand(newBackfillCmd())
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "Print the version of elastic-ingest and of the embedded model",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(cmd.OutOrStdout(), "elastic-ingest %s\n", version)
			return nil
		},
	})
	return root
}
