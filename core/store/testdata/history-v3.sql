-- A history as Fapiao wrote it with schema version 3, when typed values were
-- written over the stored ones: a scanner-gun invoice whose amount, total and
-- seller were typed, then verified; a 数电 invoice whose seller name was
-- corrected, then locked.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) STRICT;
INSERT INTO settings VALUES('clerk','老会计');
INSERT INTO settings VALUES('audit.head','8:d3a385d8f8f5c4bf641d7b4c4a6e3bdf58201654edc59dbaf5665f08122d23a9');
CREATE TABLE parties (
	id     INTEGER PRIMARY KEY,
	tax_id TEXT NOT NULL,
	name   TEXT NOT NULL,
	UNIQUE (tax_id, name)
) STRICT;
INSERT INTO parties VALUES(1,'','深圳某某有限公司');
INSERT INTO parties VALUES(2,'91310000MA1FL8XK3Q','上海某某科技有限公司');
INSERT INTO parties VALUES(3,'91310000MA1FL8XK3Q','上海某某科技公司');
CREATE TABLE scans (
	id     INTEGER PRIMARY KEY,
	file   TEXT NOT NULL,
	sha256 TEXT NOT NULL,
	source TEXT NOT NULL CHECK (source IN ('file','folder','paste','gun','camera','gateway')),
	at     INTEGER NOT NULL
) STRICT;
INSERT INTO scans VALUES(1,'','','gun',1717405380000000000);
INSERT INTO scans VALUES(2,'/home/clerk/a.pdf','','file',1717405860000000000);
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
, worst INTEGER NOT NULL DEFAULT 0, number_rev TEXT NOT NULL DEFAULT '') STRICT;
INSERT INTO invoices VALUES(1,'044031600111-02407312','10','044031600111','02407312','2017-11-04','582.26','','681.50','80883429292637169951',1,NULL,'{"amount":"582.26","seller_name":"深圳某某有限公司","total":"681.50"}','[{"code":"verify_too_old","severity":"info","message":"开票日期早于5年前，官方查验平台已不能查验","message_en":"issued more than 5 years ago: the official service no longer verifies it","field":"date"}]','new',0,'',1,0,1,1717405680000000000,'张三','info',1,'21370420');
INSERT INTO invoices VALUES(2,'24312000000136634917','32','','24312000000136634917','2024-05-14','0.01','0.00','0.01','',3,NULL,'{"amount":"0.01","date":"2024年05月14日","number":"24312000000136634917","seller_name":"上海某某科技公司","seller_tax_id":"91310000MA1FL8XK3Q","tax":"0.00","total":"0.01"}','[]','locked',1717405980000000000,'李四',2,0,1,0,'','',0,'71943663100000021342');
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
INSERT INTO sightings VALUES(1,1,1,0,'01,10,044031600111,02407312,582.52,20171104,80883429292637169951,D8EA,','invoice','10','044031600111','02407312','582.52','2017-11-04','80883429292637169951','','{}','[{"code":"verify_too_old","severity":"info","message":"开票日期早于5年前，官方查验平台已不能查验","message_en":"issued more than 5 years ago: the official service no longer verifies it","field":"date"}]',0);
INSERT INTO sightings VALUES(2,2,2,0,'01,32,,24312000000136634917,0.01,20240514,,1DD6','invoice','32','','24312000000136634917','0.01','2024-05-14','','','{"amount":"0.01","date":"2024年05月14日","number":"24312000000136634917","seller_name":"上海某某科技有限公司","seller_tax_id":"91310000MA1FL8XK3Q","tax":"0.00","total":"0.01"}','[]',0);
CREATE TABLE notes (
	id         INTEGER PRIMARY KEY,
	invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
	at         INTEGER NOT NULL,
	clerk      TEXT NOT NULL,
	text       TEXT NOT NULL
) STRICT;
INSERT INTO notes VALUES(1,2,1717405980000000000,'李四','BX-7');
CREATE TABLE verifications (
	id         INTEGER PRIMARY KEY,
	invoice_id INTEGER NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
	at         INTEGER NOT NULL,
	clerk      TEXT NOT NULL,
	result     TEXT NOT NULL
) STRICT;
INSERT INTO verifications VALUES(1,1,1717405680000000000,'张三','info');
CREATE TABLE blacklist (
	tax_id   TEXT PRIMARY KEY,
	reason   TEXT NOT NULL,
	added_at INTEGER NOT NULL,
	added_by TEXT NOT NULL
) STRICT;
CREATE TABLE audit_log (
	seq     INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	actor   TEXT NOT NULL,
	action  TEXT NOT NULL,
	target  TEXT NOT NULL,
	details TEXT NOT NULL,
	hash    TEXT NOT NULL
) STRICT;
INSERT INTO audit_log VALUES(1,'2024-06-03T09:01:00Z','老会计','setting','clerk','{"new":"老会计","old":""}','d1caabe23595344a97bff450a8c9b49e306312b59f15f7b3e703dd3a7594ef8c');
INSERT INTO audit_log VALUES(2,'2024-06-03T09:04:00Z','张三','edit','044031600111-02407312','{"key":"amount","new":"582.25","old":""}','4abf6161bdceb606a6ae4b995f164dd57fa7a4b089b156ea65f3e62f9540154c');
INSERT INTO audit_log VALUES(3,'2024-06-03T09:05:00Z','张三','edit','044031600111-02407312','{"key":"total","new":"681.50","old":""}','229d1f1c8280a50413a163f34eb27e9d78eb0d3d2cce799e7106ddbd1786235b');
INSERT INTO audit_log VALUES(4,'2024-06-03T09:06:00Z','张三','edit','044031600111-02407312','{"key":"seller_name","new":"深圳某某有限公司","old":""}','d2c867c58166bb4bbbcaede9f887eb088ed20495abff0f17c7a24b07d740e6cc');
INSERT INTO audit_log VALUES(5,'2024-06-03T09:07:00Z','张三','edit','044031600111-02407312','{"key":"amount","new":"582.26","old":"582.25"}','87ca4653d61515cc2bb9230f8e74622f7e3a20e5c6576a2ba36c5775319f9e93');
INSERT INTO audit_log VALUES(6,'2024-06-03T09:09:00Z','张三','verify','044031600111-02407312','{"findings":["verify_too_old"],"result":"info"}','b667f5a6afae770055426c7c4f51c2cf894f397412f227d790749a82622f80fa');
INSERT INTO audit_log VALUES(7,'2024-06-03T09:12:00Z','李四','edit','24312000000136634917','{"key":"seller_name","new":"上海某某科技公司","old":"上海某某科技有限公司"}','ed662e00bbfe92a53a9a99384563ed4de09a06132605e61564bfd661e0dfde74');
INSERT INTO audit_log VALUES(8,'2024-06-03T09:14:00Z','李四','state','24312000000136634917','{"from":"new","note":"BX-7","to":"locked"}','d3a385d8f8f5c4bf641d7b4c4a6e3bdf58201654edc59dbaf5665f08122d23a9');
CREATE TABLE scan_frames (
	scan_id INTEGER PRIMARY KEY REFERENCES scans (id) ON DELETE CASCADE,
	type    TEXT NOT NULL,
	data    BLOB NOT NULL
) STRICT;
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
ANALYZE sqlite_schema;
INSERT INTO sqlite_stat1 VALUES('verifications','verifications_invoice','1 1');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_code','2 1');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_number_rev','2 1');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_number','2 1');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_worst','2 1');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_type_worst','2 1 1');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_date','2 1');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_buyer','2 2');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_seller_state','2 1 1');
INSERT INTO sqlite_stat1 VALUES('invoices','invoices_state_date','2 1 1');
INSERT INTO sqlite_stat1 VALUES('invoices','sqlite_autoindex_invoices_1','2 1');
INSERT INTO sqlite_stat1 VALUES('sightings','sightings_scan','2 1');
INSERT INTO sqlite_stat1 VALUES('sightings','sightings_invoice','2 1');
INSERT INTO sqlite_stat1 VALUES('settings','sqlite_autoindex_settings_1','2 1');
INSERT INTO sqlite_stat1 VALUES('notes','notes_invoice','1 1');
INSERT INTO sqlite_stat1 VALUES('parties','sqlite_autoindex_parties_1','3 2 1');
INSERT INTO sqlite_stat1 VALUES('scans','scans_sha256','0 0');
INSERT INTO sqlite_stat1 VALUES('scans',NULL,'2');
CREATE INDEX scans_sha256 ON scans (sha256) WHERE sha256 <> '';
CREATE INDEX sightings_invoice ON sightings (invoice_id);
CREATE INDEX sightings_scan ON sightings (scan_id);
CREATE INDEX notes_invoice ON notes (invoice_id);
CREATE INDEX verifications_invoice ON verifications (invoice_id);
CREATE INDEX invoices_state_date ON invoices (state, date);
CREATE INDEX invoices_seller_state ON invoices (seller_id, state);
CREATE INDEX invoices_buyer ON invoices (buyer_id);
CREATE INDEX invoices_date ON invoices (date);
CREATE INDEX invoices_type_worst ON invoices (type_code, worst);
CREATE INDEX invoices_worst ON invoices (worst);
CREATE INDEX invoices_number ON invoices (number);
CREATE INDEX invoices_number_rev ON invoices (number_rev);
CREATE INDEX invoices_code ON invoices (code);
CREATE INDEX orders_updated ON orders (updated_at);
CREATE INDEX order_attempts_order ON order_attempts (order_id);
COMMIT;
PRAGMA user_version = 3;
PRAGMA application_id = 1179666515;
