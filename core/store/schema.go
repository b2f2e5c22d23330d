package store

import (
	"context"
	"fmt"
	"strings"
)

// SchemaVersion is the schema this code writes. Open migrates older files
// up to it and refuses newer ones. Raise it with every migration added below.
const SchemaVersion = 11

// applicationID marks the file as a Fapiao history ("FPHS") in its header,
// so that Open never migrates some other program's database.
const applicationID = 0x46504853

// migration brings the schema from version-1 to version. Each runs in the
// same transaction as the version bump, so a crash leaves the old schema.
type migration struct {
	version int
	name    string
	up      func(ctx context.Context, tx *dbTx) error
}

var migrations = []migration{
	{1, "scans, invoices, sightings, notes, verifications, blacklist, settings", execSQL(schemaV1)},
	{2, "audit log, search columns and indexes", migrateV2},
	{3, "webcam frames, re-billing orders and attempts", execSQL(schemaV3)},
	{4, "typed values kept apart from values read", migrateV4},
	{5, "checks with the tax authority through a provider", execSQL(schemaV5)},
	// Version 6 changes no table: from it on, the audit log binds the rows
	// (bind.go), and migrate records what an older history holds as its
	// baseline.
	{6, "the audit log binds the history's rows", execSQL("SELECT 1")},
	{7, "an invoice's findings leave out what each sighting found of the history", execSQL(schemaV7)},
	{8, "who saved each scan, and on which machine", execSQL(schemaV8)},
	{9, "on a server, the search's indexes end with the invoice's ID", migrateV9},
	{10, "an invoice typed from the paper, with no code read", migrateV10},
	{11, "how each printed value was read by OCR", execSQL(schemaV11)},
}

// schemaV7 takes the findings of a sighting that say what the history knew
// when it came in (SightingCodes: seen before, already locked, paid …) out
// of the invoices' findings, where each rescan left them for good, and
// works out worst again. The sightings keep them.
var schemaV7 = func() string {
	codes := "'" + strings.Join(SightingCodes, "', '") + "'"
	keep := func(col string) string {
		return "(SELECT coalesce(json_group_array(json(value)), '[]') FROM json_each(invoices." + col +
			") WHERE json_extract(value, '$.code') NOT IN (" + codes + "))"
	}
	return "UPDATE invoices SET base_findings = " + keep("base_findings") + ", findings = " + keep("findings") +
		` WHERE EXISTS (SELECT 1 FROM json_each(invoices.findings) WHERE json_extract(value, '$.code') IN (` + codes + `))
		OR EXISTS (SELECT 1 FROM json_each(invoices.base_findings) WHERE json_extract(value, '$.code') IN (` + codes + `));
	UPDATE invoices SET worst = coalesce((SELECT max(CASE json_extract(value, '$.severity')
		WHEN 'error' THEN 3 WHEN 'warning' THEN 2 WHEN 'info' THEN 1 ELSE 0 END) FROM json_each(invoices.findings)), 0);`
}()

// bindingVersion is the first version whose audit log binds the rows.
const bindingVersion = 6

// schemaV1 is the first schema. Times are Unix nanoseconds; amounts exact
// decimal text; dates YYYY-MM-DD text ("" when unknown).
const schemaV1 = `
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;

-- A seller or buyer as printed: the pair keeps the name the search matches
-- small and indexed, instead of scanning every invoice.
CREATE TABLE parties (
	id     INTEGER PRIMARY KEY,
	tax_id TEXT NOT NULL,
	name   TEXT NOT NULL,
	UNIQUE (tax_id, name)
) STRICT;

-- One file, paste or scanner-gun line taken in.
CREATE TABLE scans (
	id     INTEGER PRIMARY KEY,
	file   TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('file','folder','paste','gun','camera','gateway')),
	at     INTEGER NOT NULL
) STRICT;
CREATE INDEX scans_sha256 ON scans (sha256) WHERE sha256 <> '';

-- One invoice, named by its identity whatever file it came in. The columns
-- merge what every sighting told (the QR first, then printed values).
CREATE TABLE invoices (
	id              INTEGER PRIMARY KEY,
	identity        TEXT NOT NULL UNIQUE,
	type_code       TEXT NOT NULL DEFAULT '',
	code            TEXT NOT NULL DEFAULT '',
	number          TEXT NOT NULL DEFAULT '',
	date            TEXT NOT NULL DEFAULT '',
	amount          TEXT NOT NULL DEFAULT '',
	tax             TEXT NOT NULL DEFAULT '',
	total           TEXT NOT NULL DEFAULT '',
	check_code      TEXT NOT NULL DEFAULT '',
	seller_id       INTEGER REFERENCES parties (id),
	buyer_id        INTEGER REFERENCES parties (id),
	printed         TEXT NOT NULL DEFAULT '{}',
	findings        TEXT NOT NULL DEFAULT '[]',
	state           TEXT NOT NULL DEFAULT 'new'
		CHECK (state IN ('new','locked','reimbursed','voided','red_reversed')),
	state_at        INTEGER NOT NULL DEFAULT 0,
	state_by        TEXT NOT NULL DEFAULT '',
	first_scan_id   INTEGER NOT NULL REFERENCES scans (id),
	first_page      INTEGER NOT NULL DEFAULT 0,
	seen            INTEGER NOT NULL DEFAULT 1,
	verified_at     INTEGER NOT NULL DEFAULT 0,
	verified_by     TEXT NOT NULL DEFAULT '',
	verified_result TEXT NOT NULL DEFAULT ''
) STRICT;

-- One QR code (or one set of printed values) found in a scan. invoice_id is
-- NULL for codes that name no invoice.
CREATE TABLE sightings (
	id            INTEGER PRIMARY KEY,
	scan_id       INTEGER NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
	invoice_id    INTEGER REFERENCES invoices (id) ON DELETE CASCADE,
	page          INTEGER NOT NULL DEFAULT 0,
	raw           TEXT NOT NULL DEFAULT '',
	kind          TEXT NOT NULL DEFAULT '',
	type_code     TEXT NOT NULL DEFAULT '',
	code          TEXT NOT NULL DEFAULT '',
	number        TEXT NOT NULL DEFAULT '',
	amount        TEXT NOT NULL DEFAULT '',
	date          TEXT NOT NULL DEFAULT '',
	check_code    TEXT NOT NULL DEFAULT '',
	seller_tax_id TEXT NOT NULL DEFAULT '',
	printed       TEXT NOT NULL DEFAULT '{}',
	findings      TEXT NOT NULL DEFAULT '[]',
	duplicate     INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX sightings_invoice ON sightings (invoice_id);
CREATE INDEX sightings_scan ON sightings (scan_id);

CREATE TABLE notes (
	id         INTEGER PRIMARY KEY,
	invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
	at         INTEGER NOT NULL,
	clerk      TEXT NOT NULL,
	text       TEXT NOT NULL
) STRICT;
CREATE INDEX notes_invoice ON notes (invoice_id);

CREATE TABLE verifications (
	id         INTEGER PRIMARY KEY,
	invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
	at         INTEGER NOT NULL,
	clerk      TEXT NOT NULL,
	result     TEXT NOT NULL
) STRICT;
CREATE INDEX verifications_invoice ON verifications (invoice_id);

CREATE TABLE blacklist (
	tax_id   TEXT PRIMARY KEY,
	reason   TEXT NOT NULL,
	added_at INTEGER NOT NULL,
	added_by TEXT NOT NULL
) STRICT;
`

// schemaV2 adds the audit log and what the search needs: the worst finding
// as a number, and the invoice number reversed so that "the last digits" is
// an index lookup too.
const schemaV2 = `
CREATE TABLE audit_log (
	seq     INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	target  TEXT NOT NULL,
	details TEXT NOT NULL,
	hash    TEXT NOT NULL
) STRICT;

ALTER TABLE invoices ADD COLUMN worst INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invoices ADD COLUMN number_rev TEXT NOT NULL DEFAULT '';

UPDATE invoices SET worst = coalesce((
	SELECT max(CASE json_extract(f.value, '$.severity')
		WHEN 'error' THEN 3 WHEN 'warning' THEN 2 WHEN 'info' THEN 1 ELSE 0 END)
	FROM json_each(invoices.findings) AS f), 0);

-- Each index serves a filter of the history screen alone and with the
-- state, so that a page of 50 is found in the index without reading rows.
CREATE INDEX invoices_state_date ON invoices (state, date);
CREATE INDEX invoices_seller_state ON invoices (seller_id, state);
CREATE INDEX invoices_buyer ON invoices (buyer_id);
CREATE INDEX invoices_date ON invoices (date);
CREATE INDEX invoices_type_worst ON invoices (type_code, worst);
CREATE INDEX invoices_worst ON invoices (worst);
CREATE INDEX invoices_number ON invoices (number);
CREATE INDEX invoices_number_rev ON invoices (number_rev);
CREATE INDEX invoices_code ON invoices (code);
`

// schemaV3 keeps the webcam frame an invoice was read in, and the fw199
// re-billing orders with every attempt made for them.
const schemaV3 = `
-- The picture a scan was read from when there is no file: a webcam frame,
-- as JPEG. One per scan, deleted with it.
CREATE TABLE scan_frames (
	scan_id INTEGER PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
	type    TEXT NOT NULL,
	data    BLOB NOT NULL
) STRICT;

-- An order whose invoice issue failed and was sent to the gateway again.
-- The columns repeat the latest attempt's outcome, so the list needs no join.
CREATE TABLE orders (
	id          INTEGER PRIMARY KEY,
	order_no    TEXT NOT NULL,
	tax_num     TEXT NOT NULL,
	created_at  INTEGER NOT NULL,
	created_by  TEXT NOT NULL,
	status      TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	invoice_no  TEXT NOT NULL DEFAULT '',
	pdf_url     TEXT NOT NULL DEFAULT '',
	invoice_id  INTEGER REFERENCES invoices (id) ON DELETE SET NULL,
	updated_at  INTEGER NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (order_no, tax_num)
) STRICT;
CREATE INDEX orders_updated ON orders (updated_at);

-- Every re-billing call made, whatever came of it. status is the gateway's
-- outcome, or 'error' when no answer came (error says why).
CREATE TABLE order_attempts (
	id         INTEGER PRIMARY KEY,
	order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
	at         INTEGER NOT NULL,
	clerk      TEXT NOT NULL,
	status     TEXT NOT NULL CHECK (status IN ('accepted','issued','in_progress','failed','error')),
	code       INTEGER NOT NULL DEFAULT 0,
	message    TEXT NOT NULL DEFAULT '',
	invoice_no TEXT NOT NULL DEFAULT '',
	pdf_url    TEXT NOT NULL DEFAULT '',
	requests   INTEGER NOT NULL DEFAULT 0,
	error      TEXT NOT NULL DEFAULT '',
	pdf        TEXT NOT NULL DEFAULT '',
	invoice_id INTEGER REFERENCES invoices (id) ON DELETE SET NULL
) STRICT;
CREATE INDEX order_attempts_order ON order_attempts (order_id);
`

func migrateV2(ctx context.Context, tx *dbTx) error {
	if _, err := tx.ExecContext(ctx, tx.d.ddl(schemaV2)); err != nil {
		return err
	}
	// SQLite has no reverse(): fill number_rev here.
	rows, err := tx.QueryContext(ctx, "SELECT id, number FROM invoices")
	if err != nil {
		return err
	}
	type row struct {
		id     int64
		number string
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.number); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	upd, err := tx.PrepareContext(ctx, "UPDATE invoices SET number_rev = ? WHERE id = ?")
	if err != nil {
		return err
	}
	defer upd.Close()
	for _, r := range all {
		if _, err := upd.ExecContext(ctx, reverse(r.number), r.id); err != nil {
			return err
		}
	}
	return nil
}

// execSQL runs the DDL q, in the transaction's dialect.
func execSQL(q string) func(context.Context, *dbTx) error {
	return func(ctx context.Context, tx *dbTx) error {
		_, err := tx.ExecContext(ctx, tx.d.ddl(q))
		return err
	}
}

// reverse reverses an ASCII digit string (invoice numbers are digits).
func reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

// migrate brings the history to SchemaVersion. Two processes opening an
// old history at once is safe: the second sees the new version inside its
// own write transaction, under the write lock, and does nothing.
func (s *Store) migrate(ctx context.Context) error {
	v, err := s.schemaVersion(ctx, s.db)
	if err != nil {
		return s.fail("read schema version", err)
	}
	if v > SchemaVersion {
		return fmt.Errorf("schema version %d, but this Fapiao supports at most version %d: %w (update Fapiao)", v, SchemaVersion, ErrSchemaTooNew)
	}
	if v == SchemaVersion {
		return s.checkApplicationID(ctx)
	}
	return s.writeTx(ctx, "migrate schema", func(tx *dbTx) error {
		from, err := s.schemaVersion(ctx, tx)
		if err != nil {
			return err
		}
		if from > SchemaVersion {
			return fmt.Errorf("schema version %d, but this Fapiao supports at most version %d: %w (update Fapiao)", from, SchemaVersion, ErrSchemaTooNew)
		}
		if from == 0 {
			n, err := s.tables(ctx, tx)
			if err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("%w: the %s has tables but no Fapiao schema version", ErrNotHistory, s.kind())
			}
			if err := s.create(ctx, tx); err != nil {
				return err
			}
		} else if err := s.checkID(ctx, tx); err != nil {
			return err
		}
		for _, m := range migrations {
			if m.version <= from {
				continue
			}
			if err := m.up(ctx, tx); err != nil {
				return fmt.Errorf("migrate to version %d (%s): %w", m.version, m.name, err)
			}
		}
		if err := s.setSchemaVersion(ctx, tx, SchemaVersion); err != nil {
			return err
		}
		if from > 0 && from < SchemaVersion {
			if err := s.appendAudit(ctx, tx, "fapiao", "schema_upgrade", "history",
				map[string]any{"from": from, "to": SchemaVersion}); err != nil {
				return err
			}
		}
		if from > 0 && from < bindingVersion {
			return s.baseline(ctx, tx)
		}
		return nil
	})
}

// kind names what holds the history, for messages.
func (s *Store) kind() string {
	if s.d.postgres {
		return "database"
	}
	return "file"
}

func (s *Store) checkApplicationID(ctx context.Context) error {
	if err := s.checkID(ctx, s.db); err != nil {
		return s.fail("check "+s.kind(), err)
	}
	return nil
}

func (s *Store) checkID(ctx context.Context, q querier) error {
	id, err := s.applicationID(ctx, q)
	if err != nil {
		return err
	}
	if id != applicationID {
		return fmt.Errorf("%w: application id %#x, want %#x", ErrNotHistory, id, applicationID)
	}
	return nil
}

// schemaV4 keeps what a clerk typed apart from what the QR code and the file
// said: every typed value with who typed it and when, the latest per key on
// the invoice, and the findings of the QR code, the file and the history
// (base_findings) apart from those the typed values add, so that the
// invoice's findings can be computed again after every edit.
const schemaV4 = `
CREATE TABLE typed_values (
	id         INTEGER PRIMARY KEY,
	invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
	key        TEXT NOT NULL,
	value      TEXT NOT NULL, -- '' clears the key
	at         INTEGER NOT NULL,
	clerk      TEXT NOT NULL
) STRICT;
CREATE INDEX typed_values_invoice ON typed_values (invoice_id);

ALTER TABLE invoices ADD COLUMN typed TEXT NOT NULL DEFAULT '{}';
ALTER TABLE invoices ADD COLUMN base_findings TEXT NOT NULL DEFAULT '[]';
UPDATE invoices SET base_findings = findings;

-- The codes of the open errors a clerk confirmed having seen when verifying.
ALTER TABLE verifications ADD COLUMN confirmed TEXT NOT NULL DEFAULT '[]';
`

// schemaV5 keeps every check (查验) of an invoice with the tax authority
// through a cloud provider, whatever its outcome, and the latest answer on
// the invoice for the history's filter.
const schemaV5 = `
CREATE TABLE checks (
	id         INTEGER PRIMARY KEY,
	invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
	provider   TEXT NOT NULL,
	request_id TEXT NOT NULL DEFAULT '',
	at         INTEGER NOT NULL,
	clerk      TEXT NOT NULL,
	outcome    TEXT NOT NULL CHECK (outcome IN
		('authentic','voided','red_reversed','not_found','mismatch','limit_reached','error')),
	reason     TEXT NOT NULL DEFAULT '',
	official   TEXT NOT NULL DEFAULT '{}',
	findings   TEXT NOT NULL DEFAULT '[]'
) STRICT;
CREATE INDEX checks_invoice ON checks (invoice_id, at);

ALTER TABLE invoices ADD COLUMN check_outcome TEXT NOT NULL DEFAULT '';
ALTER TABLE invoices ADD COLUMN checked_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX invoices_check_outcome ON invoices (check_outcome);
`

// schemaV8 records with each scan the clerk who saved it and the name of
// the machine, as a team's shared history needs: an invoice handed to two
// clerks shows whose was first.
const schemaV8 = `
ALTER TABLE scans ADD COLUMN clerk TEXT NOT NULL DEFAULT '';
ALTER TABLE scans ADD COLUMN host TEXT NOT NULL DEFAULT '';
CREATE INDEX scans_clerk ON scans (clerk);
`

// Version 10 lets a scan be an invoice a clerk typed from the paper (source
// 'typed'): its QR code could not be read, or it came with no file. Only
// the scans' CHECK on source widens. The server drops and adds the
// constraint; SQLite cannot alter a CHECK, and rebuilding scans would
// cascade into its sightings, so the table's definition is rewritten in
// place as SQLite documents for constraint changes that leave every row
// as it is on disk (lang_altertable.html, "otherwise"): every row already
// meets the wider CHECK.
const (
	sourcesV1  = "source IN ('file','folder','paste','gun','camera','gateway')"
	sourcesV10 = "source IN ('file','folder','paste','gun','camera','gateway','typed')"
)

func migrateV10(ctx context.Context, tx *dbTx) error {
	if tx.d.postgres {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT conname FROM pg_constraint WHERE conrelid = 'scans'::regclass
			AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%source%'`).Scan(&name); err != nil {
			return fmt.Errorf("the CHECK on scans.source: %w", err)
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`ALTER TABLE scans DROP CONSTRAINT %q;
			ALTER TABLE scans ADD CONSTRAINT scans_source_check CHECK (%s)`, name, sourcesV10))
		return err
	}
	var version int64
	if err := tx.QueryRowContext(ctx, "PRAGMA schema_version").Scan(&version); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA writable_schema = ON"); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE sqlite_schema SET sql = replace(sql, ?, ?)
		WHERE type = 'table' AND name = 'scans' AND instr(sql, ?) > 0`, sourcesV1, sourcesV10, sourcesV1)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n != 1 {
			err = fmt.Errorf("the CHECK on scans.source is not the one of version 1")
		}
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, fmt.Sprintf("PRAGMA schema_version = %d", version+1))
	}
	if _, offErr := tx.ExecContext(ctx, "PRAGMA writable_schema = OFF"); err == nil {
		err = offErr
	}
	return err
}
