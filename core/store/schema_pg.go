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
