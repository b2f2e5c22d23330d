// Package cli is the fapiao command line: the same core pipeline as the
// window, for batch work and scripts. Run is called by the main package with
// the services it built and the arguments after the program name.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/fapiaoscanner/fapiao/core/config"
	"github.com/fapiaoscanner/fapiao/core/secrets"
)

// Exit codes shared by every command.
const (
	exitOK    = 0
	exitFail  = 1 // the work was done and found a failure (e.g. --strict)
	exitUsage = 2 // the command line was wrong, or input could not be read
)

// Services are what the commands share with the window, built by the main
// package. A nil field gets the default named beside it.
type Services struct {
	// HistoryPath names the history a command uses when given no --db
	// (config.HistoryPath: $FAPIAO_DB, else the default location).
	HistoryPath func() (string, error)
	// Secrets opens the secret store of a history's data folder
	// (secrets.Open: the system keyring, else a file).
	Secrets func(dataDir string) secrets.Store
}

func (s *Services) fill() {
	if s.HistoryPath == nil {
		s.HistoryPath = config.HistoryPath
	}
	if s.Secrets == nil {
		s.Secrets = secrets.Open
	}
}

// env is what a command runs with; tests give their own.
type env struct {
	svc            Services
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time
	lang           string
}

type command struct {
	name    string
	summary string
	usage   string // arguments after the command name
	run     func(e *env, args []string) int
}

// commands is filled by register, from each command's own file.
var commands []command

// register adds a command; the list stays sorted by name for the usage text.
func register(c command) {
	i := 0
	for i < len(commands) && commands[i].name < c.name {
		i++
	}
	commands = slices.Insert(commands, i, c)
}

// Run runs the command named by args[0] with svc and returns the process
// exit code.
func Run(svc Services, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	svc.fill()
	e := &env{svc: svc, stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now, lang: defaultLang()}
	return e.run(args)
}

func (e *env) run(args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		if len(args) > 1 {
			if c := find(args[1]); c != nil {
				return c.run(e, []string{"--help"})
			}
		}
		e.mainUsage(e.stdout)
		return exitOK
	}
	if args[0] == "--version" {
		return runVersion(e, nil)
	}
	c := find(args[0])
	if c == nil {
		fmt.Fprintf(e.stderr, "fapiao: unknown command %q\n", args[0])
		e.mainUsage(e.stderr)
		return exitUsage
	}
	return c.run(e, args[1:])
}

func find(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func (e *env) mainUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: fapiao [COMMAND] [ARGS]")
	fmt.Fprintln(w, "\nWith no command, fapiao opens the window. Commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'fapiao COMMAND --help' for a command's options.")
}

// flags makes a flag set for c that prints c's usage and never exits.
func (e *env) flags(c string) *flag.FlagSet {
	fs := flag.NewFlagSet("fapiao "+c, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseFlags parses args; on --help it prints usage and returns exitOK with
// done set, on a usage error a short message and exitUsage.
func (e *env) parseFlags(fs *flag.FlagSet, args []string) (code int, done bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return exitOK, false
	case errors.Is(err, flag.ErrHelp):
		e.commandUsage(e.stdout, fs)
		return exitOK, true
	}
	fmt.Fprintf(e.stderr, "%s: %s\n", fs.Name(), errText(err))
	fmt.Fprintf(e.stderr, "Run '%s --help' for usage.\n", fs.Name())
	return exitUsage, true
}

func (e *env) commandUsage(w io.Writer, fs *flag.FlagSet) {
	name := strings.TrimPrefix(fs.Name(), "fapiao ")
	c := find(name)
	fmt.Fprintf(w, "Usage: fapiao %s %s\n\n%s.\n", name, c.usage, capitalise(c.summary))
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n > 0 {
		fmt.Fprintln(w, "\nOptions:")
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
}

func (e *env) usageError(name, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "fapiao %s: %s\n", name, clean(fmt.Sprintf(format, args...)))
	fmt.Fprintf(e.stderr, "Run 'fapiao %s --help' for usage.\n", name)
	return exitUsage
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// defaultLang is Chinese unless FAPIAO_LANG says "en".
func defaultLang() string {
	if strings.HasPrefix(strings.ToLower(os.Getenv("FAPIAO_LANG")), "en") {
		return "en"
	}
	return "zh"
}

// langFlag adds --lang to fs, bound to e.lang.
func (e *env) langFlag(fs *flag.FlagSet) {
	fs.Func("lang", "language of messages: zh or en (default zh, or $FAPIAO_LANG)", func(s string) error {
		if s != "zh" && s != "en" {
			return fmt.Errorf("want zh or en, not %q", s)
		}
		e.lang = s
		return nil
	})
}
