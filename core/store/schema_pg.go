package store

import (
	"context"
	"fmt"
)

// A PostgreSQL history is made by the same migrations as a file, their
// DDL translated (dialect.ddl); TestSchemasAgree compares the two schemas
// column by column. fapiao_history marks the database as a Fapiao history
// and holds its schema version, where SQLite keeps them in the file header.
const pgHistoryTable = `CREATE TABLE fapiao_history (
	application BIGINT NOT NULL,
	version     BIGINT NOT NULL
)`

// The places where the two keep the schema's version and the mark of a
// Fapiao history, and how each tells an empty database.

func (s *Store) schemaVersion(ctx context.Context, q querier) (int, error) {
	var v int
	if !s.d.postgres {
		err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
		return v, err
	}
	var exists bool
	if err := q.QueryRowContext(ctx, "SELECT to_regclass('fapiao_history') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return 0, err
	}
	err := q.QueryRowContext(ctx, "SELECT coalesce(max(version), 0) FROM fapiao_history").Scan(&v)
	return v, err
}

func (s *Store) setSchemaVersion(ctx context.Context, tx *dbTx, v int) error {
	q := fmt.Sprintf("PRAGMA user_version = %d", v)
	if s.d.postgres {
		q = fmt.Sprintf("UPDATE fapiao_history SET version = %d", v)
	}
	_, err := tx.ExecContext(ctx, q)
	return err
}

// tables counts the tables of the file, or of the database's schema.
func (s *Store) tables(ctx context.Context, q querier) (int64, error) {
	return s.number(ctx, q, "SELECT count(*) FROM sqlite_schema",
		"SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()")
}

// number runs the dialect's query of one number.
func (s *Store) number(ctx context.Context, q querier, sqlite, postgres string) (int64, error) {
	query := sqlite
	if s.d.postgres {
		query = postgres
	}
	var n int64
	err := q.QueryRowContext(ctx, query).Scan(&n)
	return n, err
}

// create marks an empty file or database as a Fapiao history of version
// 0, for the migrations to build.
func (s *Store) create(ctx context.Context, tx *dbTx) error {
	if !s.d.postgres {
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", applicationID))
		return err
	}
	if _, err := tx.ExecContext(ctx, pgHistoryTable); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO fapiao_history (application, version) VALUES (%d, 0)", applicationID))
	return err
}

func (s *Store) applicationID(ctx context.Context, q querier) (int64, error) {
	return s.number(ctx, q, "PRAGMA application_id", "SELECT coalesce(max(application), 0) FROM fapiao_history")
}

// searchIndexes are the indexes the history screen's filters use, with
// their columns. An SQLite index ends with the row's ID, its rowid: a page
// of IDs comes from the index alone. A PostgreSQL index points at the row
// instead, so from version 9 the server's end with the ID explicitly (the
// same names, so TestSchemasAgree holds): a filter's IDs are then read from
// the index alone (an index-only scan), and an index whose other columns
// are all given (a seller and a state) hands them over newest first.
var searchIndexes = []struct{ name, table, columns string }{
	{"invoices_state_date", "invoices", "state, date"},
	{"invoices_seller_state", "invoices", "seller_id, state"},
	{"invoices_buyer", "invoices", "buyer_id"},
	{"invoices_date", "invoices", "date"},
	{"invoices_type_worst", "invoices", "type_code, worst"},
	{"invoices_worst", "invoices", "worst"},
	{"invoices_number", "invoices", "number"},
	{"invoices_number_rev", "invoices", "number_rev"},
	{"invoices_code", "invoices", "code"},
	{"invoices_check_outcome", "invoices", "check_outcome"},
	{"scans_clerk", "scans", "clerk"},
}

// migrateV9 rebuilds the server's search indexes with the ID last, and
// refreshes the planner's statistics; a file's indexes have it already.
func migrateV9(ctx context.Context, tx *dbTx) error {
	if !tx.d.postgres {
		return nil
	}
	// Building them over millions of invoices may take longer than one
	// statement is allowed; the migration holds the write lock meanwhile.
	if _, err := tx.ExecContext(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
		return err
	}
	for _, ix := range searchIndexes {
		q := fmt.Sprintf("DROP INDEX IF EXISTS %s; CREATE INDEX %s ON %s (%s, id)", ix.name, ix.name, ix.table, ix.columns)
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, "ANALYZE invoices; ANALYZE scans; ANALYZE parties")
	return err
}
