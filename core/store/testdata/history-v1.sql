
-- A history as Fapiao wrote it with schema version 1: no audit log, no
-- worst-finding or reversed-number columns, no search indexes.
PRAGMA application_id = 1179666515;

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

INSERT INTO settings (key, value) VALUES ('clerk', '老会计');
INSERT INTO parties (id, tax_id, name) VALUES (1, '91320621MA1MRHG205', '上海某某科技有限公司');
INSERT INTO scans (id, file, sha256, source, at) VALUES
	(1, '/home/clerk/2023/a.pdf', '', 'file', 1700000000000000000),
	(2, '', '', 'gun', 1700000100000000000);
INSERT INTO invoices (id, identity, type_code, code, number, date, amount, tax, total, check_code, seller_id,
	printed, findings, state, state_at, state_by, first_scan_id, first_page, seen) VALUES
	(1, '24312000000136634917', '32', '', '24312000000136634917', '2024-05-14', '', '', '0.01', '', 1,
	 '{"seller_name":"上海某某科技有限公司","seller_tax_id":"91320621MA1MRHG205"}',
	 '[{"code":"tax_id_check","severity":"error","message":"x","message_en":"x","field":"seller_tax_id"},{"code":"verify_too_old","severity":"info","message":"y","message_en":"y"}]',
	 'reimbursed', 1700000200000000000, '老会计', 1, 1, 1),
	(2, '044031600111-02407312', '10', '044031600111', '02407312', '2017-11-04', '582.52', '', '', '80883429292637169951', NULL,
	 '{}', '[{"code":"duplicate","severity":"warning","message":"重复","message_en":"duplicate"},{"code":"already_locked","severity":"error","message":"已锁定","message_en":"locked"},{"code":"verify_too_old","severity":"info","message":"y","message_en":"y"}]', 'new', 0, '', 2, 0, 1);
INSERT INTO sightings (scan_id, invoice_id, page, raw, kind, type_code, number, amount, date) VALUES
	(1, 1, 1, '01,32,,24312000000136634917,0.01,20240514,,1DD6', 'invoice', '32', '24312000000136634917', '0.01', '2024-05-14'),
	(2, 2, 0, '01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,', 'invoice', '10', '02407312', '582.52', '2017-11-04');
INSERT INTO notes (invoice_id, at, clerk, text) VALUES (1, 1700000200000000000, '老会计', '2023年11月报销');
INSERT INTO blacklist (tax_id, reason, added_at, added_by) VALUES ('91110000600007336E', '虚开', 1700000000000000000, '老会计');
PRAGMA user_version = 1;
