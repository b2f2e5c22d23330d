package config

import (
	"os"

	"github.com/fapiaoscanner/fapiao/core/store"
)

// EnvDB is the environment variable naming the history file, for the window
// and the command line alike.
const EnvDB = "FAPIAO_DB"

// HistoryPath names the history the window opens and a command uses when
// given no --db: $FAPIAO_DB, else the default location in the user's data
// folder (store.DefaultPath).
func HistoryPath() (string, error) {
	if p := os.Getenv(EnvDB); p != "" {
		return p, nil
	}
	return store.DefaultPath()
}
