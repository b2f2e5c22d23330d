package export_test

import (
	"os"
	"testing"

	"github.com/fapiaoscanner/fapiao/core/store/pgtest"
)

// TestMain stops the PostgreSQL server the server benchmarks start.
func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }
