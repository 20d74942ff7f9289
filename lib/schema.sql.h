/* schema.sql.h — the staging database's migrations, in order.  Migration N
 * brings a database from PRAGMA user_version N-1 to N.  Never edit a
 * migration that has shipped; add the next one.  docs/analyst.md "The staging database" documents
 * every table and view for analysts. */
#ifndef DTI_SCHEMA_SQL_H
#define DTI_SCHEMA_SQL_H

/* Migration 1: staging, provenance, appraisal, scoring results, views. */
static const char *const migration_1[] = {
	"CREATE TABLE meta(\n"
	"  key TEXT PRIMARY KEY,\n"
	"  value TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE TABLE commune(\n"
	"  code TEXT PRIMARY KEY,\n"
	"  name TEXT NOT NULL,\n"
	"  district_code TEXT, district_name TEXT,\n"
	"  province_code TEXT, province_name TEXT,\n"
	"  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),\n"
	"  updated_at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE TABLE variable(\n"
	"  name TEXT PRIMARY KEY,\n"
	"  type TEXT NOT NULL CHECK (type IN ('count', 'amount', 'yesno', 'enum')),\n"
	"  aggregate TEXT NOT NULL CHECK (aggregate IN ('latest', 'sum')),\n"
	"  source TEXT NOT NULL,\n"
	"  label TEXT NOT NULL,\n"
	"  unit TEXT\n"
	") STRICT;\n",
	"CREATE TABLE source(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE,\n"
	"  kind TEXT NOT NULL,\n"
	"  etag TEXT,\n"
	"  last_modified TEXT,\n"
	"  max_age_hours REAL,\n"
	"  created_at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE TABLE run(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  source_id INTEGER REFERENCES source(id),\n"
	"  program TEXT NOT NULL,\n"
	"  year INTEGER,\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT,\n"
	"  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'unchanged', 'dry_run')),\n"
	"  records_read INTEGER NOT NULL DEFAULT 0,\n"
	"  records_stored INTEGER NOT NULL DEFAULT 0,\n"
	"  records_skipped INTEGER NOT NULL DEFAULT 0,\n"
	"  records_rejected INTEGER NOT NULL DEFAULT 0,\n"
	"  input TEXT,\n"
	"  payload_sha256 TEXT,\n"
	"  forced INTEGER NOT NULL DEFAULT 0,\n"
	"  user TEXT,\n"
	"  error TEXT\n"
	") STRICT;\n",
	"CREATE INDEX run_source ON run(source_id, id);\n",
	"CREATE TABLE payload(\n"
	"  sha256 TEXT PRIMARY KEY,\n"
	"  size INTEGER NOT NULL,\n"
	"  bytes BLOB NOT NULL,\n"
	"  stored_at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE TABLE observation(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  commune_code TEXT NOT NULL REFERENCES commune(code),\n"
	"  year INTEGER NOT NULL,\n"
	"  variable TEXT NOT NULL REFERENCES variable(name),\n"
	"  value TEXT NOT NULL,\n"
	"  num REAL,\n"
	"  source_id INTEGER NOT NULL REFERENCES source(id),\n"
	"  run_id INTEGER NOT NULL REFERENCES run(id),\n"
	"  observed_at TEXT NOT NULL,\n"
	"  proof_url TEXT,\n"
	"  note TEXT\n"
	") STRICT;\n",
	"CREATE INDEX observation_key ON observation(year, commune_code, variable, source_id, observed_at, id);\n",
	"CREATE INDEX observation_run ON observation(run_id);\n",
	"CREATE TABLE appraisal(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  observation_id INTEGER NOT NULL REFERENCES observation(id),\n"
	"  action TEXT NOT NULL CHECK (action IN ('verify', 'reject', 'correct')),\n"
	"  value TEXT,\n"
	"  num REAL,\n"
	"  by TEXT NOT NULL,\n"
	"  at TEXT NOT NULL,\n"
	"  reason TEXT\n"
	") STRICT;\n",
	"CREATE INDEX appraisal_observation ON appraisal(observation_id, id);\n",
	"CREATE TABLE framework(\n"
	"  sha256 TEXT PRIMARY KEY,\n"
	"  edition TEXT NOT NULL,\n"
	"  body TEXT NOT NULL,\n"
	"  loaded_at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE TABLE scoring_run(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  year INTEGER NOT NULL,\n"
	"  framework_sha256 TEXT NOT NULL REFERENCES framework(sha256),\n"
	"  edition TEXT NOT NULL,\n"
	"  mode TEXT NOT NULL CHECK (mode IN ('provisional', 'official')),\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT,\n"
	"  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed')),\n"
	"  communes INTEGER NOT NULL DEFAULT 0\n"
	") STRICT;\n",
	"CREATE TABLE score(\n"
	"  scoring_run_id INTEGER NOT NULL REFERENCES scoring_run(id),\n"
	"  commune_code TEXT NOT NULL,\n"
	"  item TEXT NOT NULL,\n"
	"  level TEXT NOT NULL CHECK (level IN ('indicator', 'pillar', 'total')),\n"
	"  points REAL NOT NULL,\n"
	"  max_points REAL NOT NULL,\n"
	"  fraction REAL NOT NULL,\n"
	"  ratio REAL,\n"
	"  flags TEXT NOT NULL DEFAULT '',\n"
	"  rank INTEGER,\n"
	"  PRIMARY KEY (scoring_run_id, commune_code, item)\n"
	") STRICT, WITHOUT ROWID;\n",
	"CREATE TABLE score_input(\n"
	"  scoring_run_id INTEGER NOT NULL REFERENCES scoring_run(id),\n"
	"  commune_code TEXT NOT NULL,\n"
	"  variable TEXT NOT NULL,\n"
	"  value TEXT,\n"
	"  num REAL,\n"
	"  state TEXT NOT NULL,\n"
	"  observation_ids TEXT,\n"
	"  PRIMARY KEY (scoring_run_id, commune_code, variable)\n"
	") STRICT, WITHOUT ROWID;\n",
	/* The value-resolution rule, in one place: observation_state,
	 * source_value and current_input. */
	"CREATE VIEW observation_state AS\n"
	"SELECT o.id, o.year, o.commune_code, o.variable, o.source_id, o.run_id, o.observed_at,\n"
	"       o.value AS raw_value, o.num AS raw_num, o.proof_url, o.note,\n"
	"       a.id AS appraisal_id, a.by AS appraised_by, a.at AS appraised_at, a.reason AS appraisal_reason,\n"
	"       CASE a.action WHEN 'correct' THEN a.value ELSE o.value END AS value,\n"
	"       CASE a.action WHEN 'correct' THEN a.num ELSE o.num END AS num,\n"
	"       CASE a.action WHEN 'verify' THEN 'verified' WHEN 'correct' THEN 'corrected'\n"
	"                     WHEN 'reject' THEN 'rejected' ELSE 'raw' END AS state\n"
	"FROM observation o\n"
	"LEFT JOIN appraisal a ON a.id = (SELECT max(x.id) FROM appraisal x WHERE x.observation_id = o.id);\n",
	/* The latest observation of each source: the last one stored. */
	"CREATE VIEW source_value AS\n"
	"SELECT s.* FROM observation_state s\n"
	"WHERE NOT EXISTS (SELECT 1 FROM observation n\n"
	"                  WHERE n.year = s.year AND n.commune_code = s.commune_code\n"
	"                    AND n.variable = s.variable AND n.source_id = s.source_id\n"
	"                    AND n.id > s.id);\n",
	/* One row per year, commune and variable.  Summed variables add the
	 * sources' values; the others take one source's: verified or corrected
	 * before raw, then the last stored ("pick"; SQLite gives the bare
	 * columns of the row holding the single max()). */
	"CREATE VIEW current_input AS\n"
	"SELECT year, commune_code, variable,\n"
	"       CASE WHEN aggregate = 'sum' THEN\n"
	"              CASE WHEN n_ok > 0 THEN\n"
	"                CASE WHEN total = CAST(total AS INTEGER) THEN CAST(CAST(total AS INTEGER) AS TEXT)\n"
	"                     ELSE CAST(total AS TEXT) END END\n"
	"            WHEN state <> 'rejected' THEN value END AS value,\n"
	"       CASE WHEN aggregate = 'sum' THEN total\n"
	"            WHEN state <> 'rejected' THEN num END AS num,\n"
	"       CASE WHEN aggregate = 'sum' THEN\n"
	"              CASE WHEN n_ok = 0 THEN 'rejected' WHEN n_raw = 0 THEN 'verified' ELSE 'raw' END\n"
	"            ELSE state END AS state,\n"
	"       CASE WHEN aggregate = 'sum' THEN n_ok ELSE 1 END AS sources,\n"
	"       CASE WHEN aggregate = 'sum' THEN ids\n"
	"            WHEN state <> 'rejected' THEN CAST(id AS TEXT) END AS observation_ids,\n"
	"       observed_at\n"
	"FROM (\n"
	"  SELECT s.year, s.commune_code, s.variable, s.id, s.value, s.num, s.state, s.observed_at,\n"
	"         v.aggregate,\n"
	"         count(CASE WHEN s.state <> 'rejected' THEN 1 END) AS n_ok,\n"
	"         count(CASE WHEN s.state = 'raw' THEN 1 END) AS n_raw,\n"
	"         sum(CASE WHEN s.state <> 'rejected' THEN s.num END) AS total,\n"
	"         group_concat(CASE WHEN s.state <> 'rejected' THEN s.id END) AS ids,\n"
	"         max((CASE s.state WHEN 'rejected' THEN 0 WHEN 'raw' THEN 1 ELSE 2 END)\n"
	"             * 1125899906842624 + s.id) AS pick\n"
	"  FROM source_value s JOIN variable v ON v.name = s.variable\n"
	"  GROUP BY s.year, s.commune_code, s.variable);\n",
	"CREATE VIEW latest_scoring_run AS\n"
	"SELECT r.* FROM scoring_run r\n"
	"WHERE r.status = 'ok' AND r.id = (SELECT max(x.id) FROM scoring_run x\n"
	"                                  WHERE x.year = r.year AND x.status = 'ok');\n",
	"CREATE VIEW current_score AS\n"
	"SELECT r.year, r.mode, s.scoring_run_id, s.commune_code, c.name AS commune_name, s.item, s.level,\n"
	"       s.points, s.max_points, s.fraction, s.ratio, s.flags, s.rank\n"
	"FROM score s JOIN latest_scoring_run r ON r.id = s.scoring_run_id\n"
	"LEFT JOIN commune c ON c.code = s.commune_code;\n",
	"CREATE VIEW current_ranking AS\n"
	"SELECT year, commune_code, commune_name, points AS total, rank\n"
	"FROM current_score WHERE level = 'total';\n",
	"CREATE VIEW missing_input AS\n"
	"SELECT r.year, i.commune_code, c.name AS commune_name, i.variable, v.source, i.state\n"
	"FROM score_input i JOIN latest_scoring_run r ON r.id = i.scoring_run_id\n"
	"LEFT JOIN commune c ON c.code = i.commune_code\n"
	"LEFT JOIN variable v ON v.name = i.variable\n"
	"WHERE i.state IN ('missing', 'rejected', 'unverified');\n",
	"CREATE VIEW source_freshness AS\n"
	"SELECT s.id AS source_id, s.name AS source, s.kind, s.max_age_hours,\n"
	"       (SELECT max(r.finished_at) FROM run r WHERE r.source_id = s.id\n"
	"          AND r.status IN ('ok', 'unchanged')) AS last_success,\n"
	"       (SELECT r.status FROM run r WHERE r.source_id = s.id AND r.status <> 'dry_run'\n"
	"          ORDER BY r.id DESC LIMIT 1) AS last_status,\n"
	"       (SELECT r.error FROM run r WHERE r.source_id = s.id AND r.status = 'failed'\n"
	"          ORDER BY r.id DESC LIMIT 1) AS last_error,\n"
	"       round((julianday('now') - julianday((SELECT max(r.finished_at) FROM run r\n"
	"          WHERE r.source_id = s.id AND r.status IN ('ok', 'unchanged')))) * 24, 2) AS age_hours\n"
	"FROM source s;\n",
	NULL,
};

/* Migration forms: the contact block of commune forms (history kept: one
 * row per submission), the current contact, and disagreements between
 * commune-supplied values and feeds beyond the configured tolerance (kept
 * in meta by the commands that read the configuration). */
static const char *const migration_forms[] = {
	"CREATE TABLE commune_contact(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  commune_code TEXT NOT NULL REFERENCES commune(code),\n"
	"  year INTEGER NOT NULL,\n"
	"  role TEXT NOT NULL CHECK (role IN ('officer', 'approver')),\n"
	"  name TEXT NOT NULL,\n"
	"  unit TEXT,\n"
	"  position TEXT,\n"
	"  phone TEXT,\n"
	"  email TEXT,\n"
	"  run_id INTEGER NOT NULL REFERENCES run(id),\n"
	"  submitted_at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE INDEX commune_contact_key ON commune_contact(commune_code, year, role, id);\n",
	"CREATE VIEW current_contact AS\n"
	"SELECT * FROM commune_contact k\n"
	"WHERE k.id = (SELECT max(x.id) FROM commune_contact x WHERE x.commune_code = k.commune_code\n"
	"              AND x.year = k.year AND x.role = k.role);\n",
	"CREATE VIEW disagreement AS\n"
	"WITH tol AS (\n"
	"  SELECT coalesce((SELECT CAST(value AS REAL) FROM meta WHERE key = 'disagreement_absolute'), 0) AS abs_tol,\n"
	"         coalesce((SELECT CAST(value AS REAL) FROM meta WHERE key = 'disagreement_relative'), 0) AS rel_tol),\n"
	"sv AS (\n"
	"  SELECT s.*, src.name AS source, src.kind, v.aggregate\n"
	"  FROM source_value s JOIN source src ON src.id = s.source_id JOIN variable v ON v.name = s.variable\n"
	"  WHERE s.state <> 'rejected'),\n"
	"feed AS (\n"
	"  SELECT year, commune_code, variable, CAST(id AS TEXT) AS ids, source, value, num, state\n"
	"  FROM sv WHERE kind <> 'form' AND aggregate = 'latest'\n"
	"  UNION ALL\n"
	"  SELECT year, commune_code, variable, group_concat(id), 'sum of ' || count(*) || ' sources',\n"
	"         CAST(sum(num) AS TEXT), sum(num),\n"
	"         CASE WHEN min(state) = max(state) THEN min(state) ELSE 'mixed' END\n"
	"  FROM sv WHERE kind <> 'form' AND aggregate = 'sum'\n"
	"  GROUP BY year, commune_code, variable)\n"
	"SELECT f.year, f.commune_code, c.name AS commune_name, f.variable,\n"
	"       f.id AS form_observation_id, f.source AS form_source, f.value AS form_value,\n"
	"       f.state AS form_state, x.ids AS feed_observation_ids, x.source AS feed_source,\n"
	"       x.value AS feed_value, x.state AS feed_state,\n"
	"       CASE WHEN f.num IS NOT NULL AND x.num IS NOT NULL THEN abs(f.num - x.num) END AS difference\n"
	"FROM sv f\n"
	"JOIN feed x ON x.year = f.year AND x.commune_code = f.commune_code AND x.variable = f.variable\n"
	"CROSS JOIN tol\n"
	"LEFT JOIN commune c ON c.code = f.commune_code\n"
	"WHERE f.kind = 'form'\n"
	"  AND ((f.num IS NULL OR x.num IS NULL) AND f.value IS NOT x.value\n"
	"       OR (f.num IS NOT NULL AND x.num IS NOT NULL\n"
	"           AND abs(f.num - x.num) > max(tol.abs_tol, tol.rel_tol * max(abs(f.num), abs(x.num)))));\n",
	NULL,
};

/* Migration 3 (operations): the nightly entry point's own record, and the
 * fingerprint of the inputs each scoring run used (so an unchanged input
 * set is not rescored: backfills are idempotent). */
static const char *const migration_ops[] = {
	"ALTER TABLE scoring_run ADD COLUMN input_sha256 TEXT;\n",
	"CREATE TABLE nightly_run(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  year INTEGER NOT NULL,\n"
	"  only_source TEXT,\n"
	"  started_at TEXT NOT NULL,\n"
	"  finished_at TEXT,\n"
	"  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),\n"
	"  exit_code INTEGER,\n"
	"  sources_ok INTEGER NOT NULL DEFAULT 0,\n"
	"  sources_failed INTEGER NOT NULL DEFAULT 0,\n"
	"  failed_sources TEXT,\n"
	"  scoring_run_id INTEGER REFERENCES scoring_run(id),\n"
	"  published_at TEXT,\n"
	"  publish_program TEXT,\n"
	"  backup_file TEXT,\n"
	"  summary TEXT\n"
	") STRICT;\n",
	/* Each source's state as dti status and the report show it: stale when
	 * it never succeeded or its last success is older than max_age_hours
	 * (kept in step with the configuration by each nightly run), failing
	 * when its last run failed. */
	"CREATE VIEW source_status AS\n"
	"SELECT f.source_id, f.source, f.kind, f.last_success, f.last_status, f.last_error,\n"
	"       f.age_hours, f.max_age_hours,\n"
	"       CASE WHEN f.last_status = 'failed' THEN\n"
	"              CASE WHEN f.stale THEN 'failing,stale' ELSE 'failing' END\n"
	"            WHEN f.stale THEN 'stale' ELSE 'ok' END AS state\n"
	"FROM (SELECT x.*, (x.last_success IS NULL OR (x.max_age_hours IS NOT NULL\n"
	"                   AND x.age_hours > x.max_age_hours)) AS stale\n"
	"      FROM source_freshness x) f;\n",
	NULL,
};

/* Migration 4 (speed): observations are no longer indexed by run.  No
 * program looks them up that way, and the index cost a third of a national
 * import; a run's observations are one transaction, so their ids form one
 * range. */
static const char *const migration_lean[] = {
	"DROP INDEX observation_run;\n",
	NULL,
};

/* Migration 5 (input sets): the inputs of a scoring run are kept as one
 * JSON document per commune, shared by the runs that read the same inputs
 * (the key is the commune's input digest; migrated runs get a key of their
 * own).  score_input, the table of earlier versions, becomes a view with
 * the same columns. */
static const char *const migration_input_sets[] = {
	"CREATE TABLE input_set(\n"
	"  sha256 TEXT PRIMARY KEY,\n"
	"  inputs TEXT NOT NULL CHECK (json_valid(inputs))\n"
	") STRICT;\n",
	"CREATE TABLE scoring_input(\n"
	"  scoring_run_id INTEGER NOT NULL REFERENCES scoring_run(id),\n"
	"  commune_code TEXT NOT NULL,\n"
	"  input_set TEXT NOT NULL REFERENCES input_set(sha256),\n"
	"  PRIMARY KEY (scoring_run_id, commune_code)\n"
	") STRICT, WITHOUT ROWID;\n",
	"INSERT INTO input_set(sha256, inputs)\n"
	"SELECT 'run ' || scoring_run_id || ' ' || commune_code,\n"
	"       json_group_object(variable, json_array(value, num, state, observation_ids))\n"
	"FROM (SELECT * FROM score_input ORDER BY scoring_run_id, commune_code, variable)\n"
	"GROUP BY scoring_run_id, commune_code;\n",
	"INSERT INTO scoring_input(scoring_run_id, commune_code, input_set)\n"
	"SELECT scoring_run_id, commune_code, 'run ' || scoring_run_id || ' ' || commune_code\n"
	"FROM score_input GROUP BY scoring_run_id, commune_code;\n",
	"DROP VIEW missing_input;\n",
	"DROP TABLE score_input;\n",
	"CREATE VIEW score_input AS\n"
	"SELECT s.scoring_run_id, s.commune_code, j.key AS variable,\n"
	"       j.value ->> 0 AS value, CAST(j.value ->> 1 AS REAL) AS num,\n"
	"       j.value ->> 2 AS state, j.value ->> 3 AS observation_ids\n"
	"FROM scoring_input s JOIN input_set i ON i.sha256 = s.input_set, json_each(i.inputs) j;\n",
	"CREATE VIEW missing_input AS\n"
	"SELECT r.year, i.commune_code, c.name AS commune_name, i.variable, v.source, i.state\n"
	"FROM score_input i JOIN latest_scoring_run r ON r.id = i.scoring_run_id\n"
	"LEFT JOIN commune c ON c.code = i.commune_code\n"
	"LEFT JOIN variable v ON v.name = i.variable\n"
	"WHERE i.state IN ('missing', 'rejected', 'unverified');\n",
	NULL,
};

/* Migration 6 (speed): the resolution index keys on year, commune,
 * variable and source only.  Its implicit last column, the observation id,
 * is the order the rule uses ("the last one stored"), so "the latest of a
 * source" is one step down the index instead of a sort of the source's
 * rows by time; the index is a third smaller and a national import spends
 * less on it. */
static const char *const migration_key[] = {
	"DROP INDEX observation_key;\n",
	"CREATE INDEX observation_key ON observation(year, commune_code, variable, source_id);\n",
	NULL,
};

/* Migration 7 (run area): the name of the area a scoring run assessed
 * ("Huyện Văn Lâm, tỉnh Hưng Yên"), as configured when it ran.  Its report
 * and JSON are titled with it, whatever the configuration says later; NULL
 * for the runs scored before (they are titled with today's name). */
static const char *const migration_run_area[] = {
	"ALTER TABLE scoring_run ADD COLUMN area_name TEXT;\n",
	NULL,
};

/* Migration 8 (run basis): what a collector run's values were
 * read with, and the warning of a run that stored without a value.
 * basis_sha256 hashes the communes assessed, the source's configuration
 * block (or a sheet's format) and the framework edition: a payload is
 * "unchanged" only when its bytes and its basis are the last stored run's.
 * warning says why an 'ok' run gave no value for a commune assessed (every
 * record outside the set, or none read); source_status shows such a source
 * as 'warning' until a run gives values again. */
static const char *const migration_run_basis[] = {
	"ALTER TABLE run ADD COLUMN basis_sha256 TEXT;\n",
	"ALTER TABLE run ADD COLUMN warning TEXT;\n",
	"DROP VIEW source_status;\n",
	"DROP VIEW source_freshness;\n",
	"CREATE VIEW source_freshness AS\n"
	"SELECT s.id AS source_id, s.name AS source, s.kind, s.max_age_hours,\n"
	"       (SELECT max(r.finished_at) FROM run r WHERE r.source_id = s.id\n"
	"          AND r.status IN ('ok', 'unchanged')) AS last_success,\n"
	"       (SELECT r.status FROM run r WHERE r.source_id = s.id AND r.status <> 'dry_run'\n"
	"          ORDER BY r.id DESC LIMIT 1) AS last_status,\n"
	"       (SELECT r.error FROM run r WHERE r.source_id = s.id AND r.status = 'failed'\n"
	"          ORDER BY r.id DESC LIMIT 1) AS last_error,\n"
	"       round((julianday('now') - julianday((SELECT max(r.finished_at) FROM run r\n"
	"          WHERE r.source_id = s.id AND r.status IN ('ok', 'unchanged')))) * 24, 2) AS age_hours,\n"
	"       (SELECT r.warning FROM run r WHERE r.source_id = s.id AND r.status = 'ok'\n"
	"          ORDER BY r.id DESC LIMIT 1) AS last_warning\n"
	"FROM source s;\n",
	"CREATE VIEW source_status AS\n"
	"SELECT f.source_id, f.source, f.kind, f.last_success, f.last_status, f.last_error,\n"
	"       f.age_hours, f.max_age_hours,\n"
	"       CASE WHEN f.last_status = 'failed' THEN\n"
	"              CASE WHEN f.stale THEN 'failing,stale' ELSE 'failing' END\n"
	"            WHEN f.stale THEN 'stale'\n"
	"            WHEN f.last_warning IS NOT NULL THEN 'warning' ELSE 'ok' END AS state,\n"
	"       f.last_warning\n"
	"FROM (SELECT x.*, (x.last_success IS NULL OR (x.max_age_hours IS NOT NULL\n"
	"                   AND x.age_hours > x.max_age_hours)) AS stale\n"
	"      FROM source_freshness x) f;\n",
	NULL,
};

/* Migration 9 (the official result): a scoring run can be voided (kept,
 * with who voided it, when and why; a voided run counts nowhere), and the
 * province approves one run as the year's official result by a decision.
 * One current approval a year (approval_current); approving another run
 * ends the current one, which is kept with the approval that superseded
 * it.  latest_scoring_run leaves voided runs out, and with it every view
 * built on it. */
static const char *const migration_official[] = {
	"CREATE TABLE scoring_run_void(\n"
	"  scoring_run_id INTEGER PRIMARY KEY REFERENCES scoring_run(id),\n"
	"  reason TEXT NOT NULL CHECK (reason <> ''),\n"
	"  by TEXT NOT NULL,\n"
	"  at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE TABLE approval(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  scoring_run_id INTEGER NOT NULL REFERENCES scoring_run(id),\n"
	"  year INTEGER NOT NULL,\n"
	"  decision TEXT NOT NULL CHECK (decision <> ''),\n"
	"  decision_date TEXT NOT NULL,\n"
	"  by TEXT NOT NULL,\n"
	"  at TEXT NOT NULL,\n"
	"  ended_at TEXT,\n"
	"  superseded_by INTEGER REFERENCES approval(id)\n"
	") STRICT;\n",
	"CREATE UNIQUE INDEX approval_current ON approval(year) WHERE ended_at IS NULL;\n",
	"DROP VIEW latest_scoring_run;\n",
	"CREATE VIEW latest_scoring_run AS\n"
	"SELECT r.* FROM scoring_run r\n"
	"WHERE r.id = (SELECT max(x.id) FROM scoring_run x\n"
	"              WHERE x.year = r.year AND x.status = 'ok'\n"
	"                AND x.id NOT IN (SELECT v.scoring_run_id FROM scoring_run_void v));\n",
	"CREATE VIEW official_result AS\n"
	"SELECT a.year, a.scoring_run_id, a.id AS approval_id, a.decision, a.decision_date,\n"
	"       a.by AS approved_by, a.at AS approved_at\n"
	"FROM approval a WHERE a.ended_at IS NULL;\n",
	NULL,
};

/* Migration 10 (unit lists as editions): meta 'unit_list' names the
 * edition of the national unit list the database's commune codes belong to
 * (lib/editions.h), recorded at the first start-up and compared at every
 * one after (lib/app.c).  A database made before knew one list only, the
 * one of 1 March 2025. */
static const char *const migration_unit_list[] = {
	"INSERT INTO meta(key, value) SELECT 'unit_list', '2025-03-01'\n"
	"WHERE EXISTS (SELECT 1 FROM commune) AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'unit_list');\n",
	NULL,
};

/* Migration 11 (feeds keyed to old codes): run.old_codes says how a run
 * of a source keyed to the unit list before the deployment's converted its
 * codes (lib/oldcodes.h): how many old units were mapped into how many
 * communes, and which communes got no value and why.  NULL for the runs of
 * every other source. */
static const char *const migration_old_codes[] = {
	"ALTER TABLE run ADD COLUMN old_codes TEXT;\n",
	NULL,
};

/* Migration 12 (applicability): the commune's unit type as its unit list
 * writes it (Xã, Phường, Thị trấn, Đặc khu tại hải đảo), written with
 * the commune, for the indicators a framework scores for some types only
 * ("applies_to").  NULL for a commune stored before, until the set is
 * stored again (lib/app.c fills it when a framework needs it). */
static const char *const migration_unit_type[] = {
	"ALTER TABLE commune ADD COLUMN unit_type TEXT;\n",
	NULL,
};

/* Migration 13 (dti-web accounts): the people who sign in to dti-web and
 * what they did.  account: a name, one role, a commune for a commune
 * officer, verifying units for an appraiser (account_unit, as the
 * framework's "verifiers" name them); a password hash (Argon2id, libsodium's
 * crypto_pwhash_str) or NULL until an invitation is taken.  session and
 * invite keep only the SHA-256 of their tokens; times there are seconds
 * since the epoch.  login_attempt counts failed logins per account and per
 * address, one row a key (lib/auth.c bounds the table).  audit: every write
 * of dti-web and `dti user`, with the account that made it.  round: a
 * year's round as the admin set it (lib/appraisal.c appraisal_round_deadline
 * reads it before the configuration's "rounds"). */
static const char *const migration_accounts[] = {
	"CREATE TABLE account(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  name TEXT NOT NULL UNIQUE CHECK (name <> ''),\n"
	"  role TEXT NOT NULL CHECK (role IN ('commune', 'appraiser', 'viewer', 'admin')),\n"
	"  commune_code TEXT REFERENCES commune(code),\n"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),\n"
	"  password_hash TEXT,\n"
	"  created TEXT NOT NULL,\n"
	"  CHECK ((role = 'commune') = (commune_code IS NOT NULL))\n"
	") STRICT;\n",
	"CREATE TABLE account_unit(\n"
	"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
	"  unit TEXT NOT NULL CHECK (unit <> ''),\n"
	"  PRIMARY KEY (account_id, unit)\n"
	") STRICT;\n",
	"CREATE TABLE session(\n"
	"  token_hash TEXT PRIMARY KEY,\n"
	"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
	"  created INTEGER NOT NULL,\n"
	"  last_seen INTEGER NOT NULL\n"
	") STRICT;\n",
	"CREATE INDEX session_account ON session(account_id);\n",
	"CREATE TABLE invite(\n"
	"  token_hash TEXT PRIMARY KEY,\n"
	"  account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,\n"
	"  expires INTEGER NOT NULL\n"
	") STRICT;\n",
	"CREATE TABLE login_attempt(\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('account', 'address')),\n"
	"  key TEXT NOT NULL,\n"
	"  failures INTEGER NOT NULL,\n"
	"  first_at INTEGER NOT NULL,\n"
	"  last_at INTEGER NOT NULL,\n"
	"  PRIMARY KEY (kind, key)\n"
	") STRICT;\n",
	"CREATE INDEX login_attempt_last ON login_attempt(last_at);\n",
	"CREATE TABLE audit(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  account TEXT NOT NULL,\n"
	"  action TEXT NOT NULL,\n"
	"  what TEXT NOT NULL,\n"
	"  at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE TABLE round(\n"
	"  year INTEGER PRIMARY KEY,\n"
	"  deadline TEXT,\n"
	"  closed_at TEXT,\n"
	"  by TEXT NOT NULL,\n"
	"  at TEXT NOT NULL\n"
	") STRICT;\n",
	NULL,
};

/* Migration 14 (the web declaration): what a commune declares online
 * between submissions, and its evidence.  declaration_item holds the
 * working answer of each item (canonical, '' for an answer cleared) and
 * declaration_contact the working contact block; each row carries the
 * version it was saved at (the commune's declaration revision is the
 * largest), so a save made from an older page is refused instead of
 * overwriting.  A submission stores the answers as a form import does
 * (observations of source form:CODE, the contact block in
 * commune_contact) and marks the rows it submitted with its run; the
 * account that submitted is in declaration_submission.  evidence is the
 * metadata of each file uploaded: the bytes are kept outside the database,
 * content-addressed by their SHA-256. */
static const char *const migration_declaration[] = {
	"CREATE TABLE declaration_item(\n"
	"  commune_code TEXT NOT NULL REFERENCES commune(code),\n"
	"  year INTEGER NOT NULL,\n"
	"  variable TEXT NOT NULL REFERENCES variable(name),\n"
	"  answer TEXT NOT NULL,\n"
	"  proof_url TEXT,\n"
	"  note TEXT,\n"
	"  version INTEGER NOT NULL CHECK (version > 0),\n"
	"  saved_by TEXT NOT NULL,\n"
	"  saved_at TEXT NOT NULL,\n"
	"  submitted_run_id INTEGER REFERENCES run(id),\n"
	"  PRIMARY KEY (commune_code, year, variable)\n"
	") STRICT;\n",
	"CREATE TABLE declaration_contact(\n"
	"  commune_code TEXT NOT NULL REFERENCES commune(code),\n"
	"  year INTEGER NOT NULL,\n"
	"  role TEXT NOT NULL CHECK (role IN ('officer', 'approver')),\n"
	"  name TEXT, unit TEXT, position TEXT, phone TEXT, email TEXT,\n"
	"  version INTEGER NOT NULL CHECK (version > 0),\n"
	"  saved_by TEXT NOT NULL,\n"
	"  saved_at TEXT NOT NULL,\n"
	"  submitted_run_id INTEGER REFERENCES run(id),\n"
	"  PRIMARY KEY (commune_code, year, role)\n"
	") STRICT;\n",
	"CREATE TABLE declaration_submission(\n"
	"  run_id INTEGER PRIMARY KEY REFERENCES run(id),\n"
	"  commune_code TEXT NOT NULL REFERENCES commune(code),\n"
	"  year INTEGER NOT NULL,\n"
	"  account TEXT NOT NULL,\n"
	"  revision INTEGER NOT NULL,\n"
	"  submitted_at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE INDEX declaration_submission_key ON declaration_submission(commune_code, year, run_id);\n",
	"CREATE TABLE evidence(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  commune_code TEXT NOT NULL REFERENCES commune(code),\n"
	"  year INTEGER NOT NULL,\n"
	"  variable TEXT NOT NULL REFERENCES variable(name),\n"
	"  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),\n"
	"  size INTEGER NOT NULL CHECK (size > 0),\n"
	"  type TEXT NOT NULL CHECK (type IN ('application/pdf', 'image/jpeg', 'image/png')),\n"
	"  original_name TEXT NOT NULL,\n"
	"  uploaded_by TEXT NOT NULL,\n"
	"  uploaded_at TEXT NOT NULL\n"
	") STRICT;\n",
	"CREATE INDEX evidence_key ON evidence(commune_code, year, variable, id);\n",
	"CREATE INDEX evidence_sha ON evidence(commune_code, sha256);\n",
	NULL,
};

/* Migration 15 (current values): which value is scored is resolved when it
 * is written, and a scoring run keeps a marker of what it read.  Every writer that can change it (an import, a collector run,
 * a form, an appraisal act, a framework that changes a variable's
 * aggregate) calls the store's one resolution function
 * (store_current_resolve, lib/store_current.h) in its own transaction, and
 * the function writes the key's row of current_value from the history as
 * current_input_resolved reads it.  current_input, the view analysts know,
 * keeps its columns and reads the table; the full reasoning over the
 * history, current_input's body until now, is current_input_resolved, and
 * `dti check` compares the two. */
static const char *const migration_current[] = {
	"DROP VIEW current_input;\n",
	"CREATE VIEW current_input_resolved AS\n"
	"SELECT year, commune_code, variable,\n"
	"       CASE WHEN aggregate = 'sum' THEN\n"
	"              CASE WHEN n_ok > 0 THEN\n"
	"                CASE WHEN total = CAST(total AS INTEGER) THEN CAST(CAST(total AS INTEGER) AS TEXT)\n"
	"                     ELSE CAST(total AS TEXT) END END\n"
	"            WHEN state <> 'rejected' THEN value END AS value,\n"
	"       CASE WHEN aggregate = 'sum' THEN total\n"
	"            WHEN state <> 'rejected' THEN num END AS num,\n"
	"       CASE WHEN aggregate = 'sum' THEN\n"
	"              CASE WHEN n_ok = 0 THEN 'rejected' WHEN n_raw = 0 THEN 'verified' ELSE 'raw' END\n"
	"            ELSE state END AS state,\n"
	"       CASE WHEN aggregate = 'sum' THEN n_ok ELSE 1 END AS sources,\n"
	"       CASE WHEN aggregate = 'sum' THEN ids\n"
	"            WHEN state <> 'rejected' THEN CAST(id AS TEXT) END AS observation_ids,\n"
	"       observed_at\n"
	"FROM (\n"
	"  SELECT s.year, s.commune_code, s.variable, s.id, s.value, s.num, s.state, s.observed_at,\n"
	"         v.aggregate,\n"
	"         count(CASE WHEN s.state <> 'rejected' THEN 1 END) AS n_ok,\n"
	"         count(CASE WHEN s.state = 'raw' THEN 1 END) AS n_raw,\n"
	"         sum(CASE WHEN s.state <> 'rejected' THEN s.num END) AS total,\n"
	"         group_concat(CASE WHEN s.state <> 'rejected' THEN s.id END) AS ids,\n"
	"         max((CASE s.state WHEN 'rejected' THEN 0 WHEN 'raw' THEN 1 ELSE 2 END)\n"
	"             * 1125899906842624 + s.id) AS pick\n"
	"  FROM source_value s JOIN variable v ON v.name = s.variable\n"
	"  GROUP BY s.year, s.commune_code, s.variable);\n",
	"CREATE TABLE current_value(\n"
	"  year INTEGER NOT NULL,\n"
	"  commune_code TEXT NOT NULL,\n"
	"  variable TEXT NOT NULL,\n"
	"  value TEXT,\n"
	"  num REAL,\n"
	"  state TEXT NOT NULL,\n"
	"  sources INTEGER NOT NULL,\n"
	"  observation_ids TEXT,\n"
	"  observed_at TEXT,\n"
	"  PRIMARY KEY (year, commune_code, variable)\n"
	") STRICT, WITHOUT ROWID;\n",
	"INSERT INTO current_value(year, commune_code, variable, value, num, state, sources,\n"
	"                          observation_ids, observed_at)\n"
	"SELECT year, commune_code, variable, value, num, state, sources, observation_ids, observed_at\n"
	"FROM current_input_resolved;\n",
	"CREATE VIEW current_input AS\n"
	"SELECT year, commune_code, variable, value, num, state, sources, observation_ids, observed_at\n"
	"FROM current_value;\n",
	/* What a scoring run's inputs were as of, cheaply: the last
	 * observation and appraisal ids, the communes assessed, the framework,
	 * the unit list, the year and mode (scorer/rescore.h).  NULL for the
	 * runs before. */
	"ALTER TABLE scoring_run ADD COLUMN marker TEXT;\n",
	/* A commune's scores are kept once for the runs that gave it the
	 * same scores: score_rows holds a set of rows, score_set names it by
	 * the digest of its rows (migrated runs get a key of their own),
	 * score_result says which set each commune had in a run, with its
	 * rank.  score, the table of earlier versions, becomes a view with the
	 * same columns. */
	"CREATE TABLE score_set(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  sha256 TEXT NOT NULL UNIQUE\n"
	") STRICT;\n",
	"CREATE TABLE score_rows(\n"
	"  score_set INTEGER NOT NULL REFERENCES score_set(id),\n"
	"  item TEXT NOT NULL,\n"
	"  level TEXT NOT NULL CHECK (level IN ('indicator', 'pillar', 'total')),\n"
	"  points REAL NOT NULL,\n"
	"  max_points REAL NOT NULL,\n"
	"  fraction REAL NOT NULL,\n"
	"  ratio REAL,\n"
	"  flags TEXT NOT NULL DEFAULT '',\n"
	"  PRIMARY KEY (score_set, item)\n"
	") STRICT, WITHOUT ROWID;\n",
	"CREATE TABLE score_result(\n"
	"  scoring_run_id INTEGER NOT NULL REFERENCES scoring_run(id),\n"
	"  commune_code TEXT NOT NULL,\n"
	"  score_set INTEGER NOT NULL REFERENCES score_set(id),\n"
	"  rank INTEGER,\n"
	"  PRIMARY KEY (scoring_run_id, commune_code)\n"
	") STRICT, WITHOUT ROWID;\n",
	"INSERT INTO score_set(id, sha256)\n"
	"SELECT row_number() OVER (ORDER BY scoring_run_id, commune_code),\n"
	"       'run ' || scoring_run_id || ' ' || commune_code\n"
	"FROM (SELECT DISTINCT scoring_run_id, commune_code FROM score);\n",
	"INSERT INTO score_result(scoring_run_id, commune_code, score_set, rank)\n"
	"SELECT s.scoring_run_id, s.commune_code, x.id, max(s.rank)\n"
	"FROM score s JOIN score_set x ON x.sha256 = 'run ' || s.scoring_run_id || ' ' || s.commune_code\n"
	"GROUP BY s.scoring_run_id, s.commune_code;\n",
	"INSERT INTO score_rows(score_set, item, level, points, max_points, fraction, ratio, flags)\n"
	"SELECT r.score_set, s.item, s.level, s.points, s.max_points, s.fraction, s.ratio, s.flags\n"
	"FROM score s JOIN score_result r ON r.scoring_run_id = s.scoring_run_id\n"
	"  AND r.commune_code = s.commune_code;\n",
	"DROP VIEW current_ranking;\n",
	"DROP VIEW current_score;\n",
	"DROP TABLE score;\n",
	"CREATE VIEW score AS\n"
	"SELECT r.scoring_run_id, r.commune_code, s.item, s.level, s.points, s.max_points,\n"
	"       s.fraction, s.ratio, s.flags, CASE WHEN s.level = 'total' THEN r.rank END AS rank\n"
	"FROM score_result r JOIN score_rows s ON s.score_set = r.score_set;\n",
	"CREATE VIEW current_score AS\n"
	"SELECT r.year, r.mode, s.scoring_run_id, s.commune_code, c.name AS commune_name, s.item, s.level,\n"
	"       s.points, s.max_points, s.fraction, s.ratio, s.flags, s.rank\n"
	"FROM score s JOIN latest_scoring_run r ON r.id = s.scoring_run_id\n"
	"LEFT JOIN commune c ON c.code = s.commune_code;\n",
	"CREATE VIEW current_ranking AS\n"
	"SELECT year, commune_code, commune_name, points AS total, rank\n"
	"FROM current_score WHERE level = 'total';\n",
	NULL,
};

/* Migration 16: failed and throttled logins in the audit trail (lib/store_user.c
 * store_audit_login_failure): found by action and time, at most one row a
 * (name, address) a minute, the oldest removed past a cap. */
static const char *const migration_audit_login[] = {
	"CREATE INDEX audit_action_at ON audit(action, at);\n",
	NULL,
};

/* Migration 17 (speed): score_rows checks its level by comparisons instead
 * of IN.  SQLite (3.40) builds the IN list of a CHECK as a temporary table
 * again for every row inserted, which was a third of a national scoring run.
 * Same columns, same rule, same rows; the views over it are made again as
 * they were. */
static const char *const migration_score_rows_check[] = {
	"CREATE TABLE score_rows_new(\n"
	"  score_set INTEGER NOT NULL REFERENCES score_set(id),\n"
	"  item TEXT NOT NULL,\n"
	"  level TEXT NOT NULL CHECK (level = 'indicator' OR level = 'pillar' OR level = 'total'),\n"
	"  points REAL NOT NULL,\n"
	"  max_points REAL NOT NULL,\n"
	"  fraction REAL NOT NULL,\n"
	"  ratio REAL,\n"
	"  flags TEXT NOT NULL DEFAULT '',\n"
	"  PRIMARY KEY (score_set, item)\n"
	") STRICT, WITHOUT ROWID;\n",
	"INSERT INTO score_rows_new(score_set, item, level, points, max_points, fraction, ratio, flags)\n"
	"SELECT score_set, item, level, points, max_points, fraction, ratio, flags FROM score_rows;\n",
	"DROP VIEW current_ranking;\n",
	"DROP VIEW current_score;\n",
	"DROP VIEW score;\n",
	"DROP TABLE score_rows;\n",
	"ALTER TABLE score_rows_new RENAME TO score_rows;\n",
	"CREATE VIEW score AS\n"
	"SELECT r.scoring_run_id, r.commune_code, s.item, s.level, s.points, s.max_points,\n"
	"       s.fraction, s.ratio, s.flags, CASE WHEN s.level = 'total' THEN r.rank END AS rank\n"
	"FROM score_result r JOIN score_rows s ON s.score_set = r.score_set;\n",
	"CREATE VIEW current_score AS\n"
	"SELECT r.year, r.mode, s.scoring_run_id, s.commune_code, c.name AS commune_name, s.item, s.level,\n"
	"       s.points, s.max_points, s.fraction, s.ratio, s.flags, s.rank\n"
	"FROM score s JOIN latest_scoring_run r ON r.id = s.scoring_run_id\n"
	"LEFT JOIN commune c ON c.code = s.commune_code;\n",
	"CREATE VIEW current_ranking AS\n"
	"SELECT year, commune_code, commune_name, points AS total, rank\n"
	"FROM current_score WHERE level = 'total';\n",
	NULL,
};

/* Migration 18 (speed): a commune's score rows are one JSON text in
 * score_set.rows, [item, level, points, max_points, fraction, ratio or
 * null, flags] each, instead of a B-tree row a score in score_rows (a
 * third of a national scoring run went into those rows).  Written by
 * lib/store_score.c, by item, each number as it reads back as the same
 * double (here printf('%!.17g'), seventeen digits); read back by it, and
 * by the score view, which keeps its columns and rows. */
static const char *const migration_score_sets[] = {
	"DROP VIEW current_ranking;\n",
	"DROP VIEW current_score;\n",
	"DROP VIEW score;\n",
	"ALTER TABLE score_set ADD COLUMN rows TEXT NOT NULL DEFAULT '[]';\n",
	"UPDATE score_set SET rows = coalesce((\n"
	"  SELECT '[' || group_concat('[' || json_quote(r.item) || ',' || json_quote(r.level) || ','\n"
	"           || printf('%!.17g', r.points) || ',' || printf('%!.17g', r.max_points) || ','\n"
	"           || printf('%!.17g', r.fraction) || ','\n"
	"           || CASE WHEN r.ratio IS NULL THEN 'null' ELSE printf('%!.17g', r.ratio) END || ','\n"
	"           || json_quote(r.flags) || ']', ',') || ']'\n"
	"  FROM score_rows r WHERE r.score_set = score_set.id), '[]');\n",
	"DROP TABLE score_rows;\n",
	"CREATE VIEW score AS\n"
	"SELECT r.scoring_run_id, r.commune_code,\n"
	"       json_extract(j.value, '$[0]') AS item,\n"
	"       json_extract(j.value, '$[1]') AS level,\n"
	"       CAST(json_extract(j.value, '$[2]') AS REAL) AS points,\n"
	"       CAST(json_extract(j.value, '$[3]') AS REAL) AS max_points,\n"
	"       CAST(json_extract(j.value, '$[4]') AS REAL) AS fraction,\n"
	"       CAST(json_extract(j.value, '$[5]') AS REAL) AS ratio,\n"
	"       json_extract(j.value, '$[6]') AS flags,\n"
	"       CASE WHEN json_extract(j.value, '$[1]') = 'total' THEN r.rank END AS rank\n"
	"FROM score_result r JOIN score_set s ON s.id = r.score_set, json_each(s.rows) j;\n",
	"CREATE VIEW current_score AS\n"
	"SELECT r.year, r.mode, s.scoring_run_id, s.commune_code, c.name AS commune_name, s.item, s.level,\n"
	"       s.points, s.max_points, s.fraction, s.ratio, s.flags, s.rank\n"
	"FROM score s JOIN latest_scoring_run r ON r.id = s.scoring_run_id\n"
	"LEFT JOIN commune c ON c.code = s.commune_code;\n",
	"CREATE VIEW current_ranking AS\n"
	"SELECT year, commune_code, commune_name, points AS total, rank\n"
	"FROM current_score WHERE level = 'total';\n",
	NULL,
};

/* Migration 19 (speed): an input document names its variables once for
 * all of them.  input_layout holds, once, the JSON array of the variables
 * a scoring run's documents hold, in order; a document of a layout
 * (input_set.layout) is the array of their [value, num, state,
 * observation_ids], without the names that were 40 % of every document.
 * The documents stored before keep their form (layout NULL: an object by
 * variable); score_input reads both, with the same columns. */
static const char *const migration_input_layout[] = {
	"CREATE TABLE input_layout(\n"
	"  id INTEGER PRIMARY KEY,\n"
	"  variables TEXT NOT NULL UNIQUE CHECK (json_valid(variables))\n"
	") STRICT;\n",
	"ALTER TABLE input_set ADD COLUMN layout INTEGER REFERENCES input_layout(id);\n",
	"DROP VIEW missing_input;\n",
	"DROP VIEW score_input;\n",
	"CREATE VIEW score_input AS\n"
	"SELECT s.scoring_run_id, s.commune_code, j.key AS variable,\n"
	"       j.value ->> 0 AS value, CAST(j.value ->> 1 AS REAL) AS num,\n"
	"       j.value ->> 2 AS state, j.value ->> 3 AS observation_ids\n"
	"FROM scoring_input s JOIN input_set i ON i.sha256 = s.input_set, json_each(i.inputs) j\n"
	"WHERE i.layout IS NULL\n"
	"UNION ALL\n"
	"SELECT s.scoring_run_id, s.commune_code, l.variables ->> j.key AS variable,\n"
	"       j.value ->> 0 AS value, CAST(j.value ->> 1 AS REAL) AS num,\n"
	"       j.value ->> 2 AS state, j.value ->> 3 AS observation_ids\n"
	"FROM scoring_input s JOIN input_set i ON i.sha256 = s.input_set\n"
	"JOIN input_layout l ON l.id = i.layout, json_each(i.inputs) j;\n",
	"CREATE VIEW missing_input AS\n"
	"SELECT r.year, i.commune_code, c.name AS commune_name, i.variable, v.source, i.state\n"
	"FROM score_input i JOIN latest_scoring_run r ON r.id = i.scoring_run_id\n"
	"LEFT JOIN commune c ON c.code = i.commune_code\n"
	"LEFT JOIN variable v ON v.name = i.variable\n"
	"WHERE i.state IN ('missing', 'rejected', 'unverified');\n",
	NULL,
};

/* Migration 20 (import speed).  A run keeps the digest of the whole batch
 * it was given (batch_sha256, lib/batch.h): the same batch again from the
 * same source is known unchanged without comparing figure by figure.  And
 * compact current values: current_value keeps the observation a key's
 * value is as of (observation_id, an integer: the one the rule picks)
 * instead of its time, which current_input reads from the observation.  A
 * national table is a quarter smaller, and so is the work of writing it;
 * the columns the scorer reads stay as they are stored.  current_input
 * keeps its columns; current_input_resolved gains observation_id, the
 * picked observation, which the writers store.  The table is filled again
 * from the history. */
static const char *const migration_current_compact[] = {
	"ALTER TABLE run ADD COLUMN batch_sha256 TEXT;\n",
	"DROP VIEW current_input;\n",
	"DROP VIEW current_input_resolved;\n",
	"CREATE VIEW current_input_resolved AS\n"
	"SELECT year, commune_code, variable,\n"
	"       CASE WHEN aggregate = 'sum' THEN\n"
	"              CASE WHEN n_ok > 0 THEN\n"
	"                CASE WHEN total = CAST(total AS INTEGER) THEN CAST(CAST(total AS INTEGER) AS TEXT)\n"
	"                     ELSE CAST(total AS TEXT) END END\n"
	"            WHEN state <> 'rejected' THEN value END AS value,\n"
	"       CASE WHEN aggregate = 'sum' THEN total\n"
	"            WHEN state <> 'rejected' THEN num END AS num,\n"
	"       CASE WHEN aggregate = 'sum' THEN\n"
	"              CASE WHEN n_ok = 0 THEN 'rejected' WHEN n_raw = 0 THEN 'verified' ELSE 'raw' END\n"
	"            ELSE state END AS state,\n"
	"       CASE WHEN aggregate = 'sum' THEN n_ok ELSE 1 END AS sources,\n"
	"       CASE WHEN aggregate = 'sum' THEN ids\n"
	"            WHEN state <> 'rejected' THEN CAST(id AS TEXT) END AS observation_ids,\n"
	"       observed_at, id AS observation_id\n"
	"FROM (\n"
	"  SELECT s.year, s.commune_code, s.variable, s.id, s.value, s.num, s.state, s.observed_at,\n"
	"         v.aggregate,\n"
	"         count(CASE WHEN s.state <> 'rejected' THEN 1 END) AS n_ok,\n"
	"         count(CASE WHEN s.state = 'raw' THEN 1 END) AS n_raw,\n"
	"         sum(CASE WHEN s.state <> 'rejected' THEN s.num END) AS total,\n"
	"         group_concat(CASE WHEN s.state <> 'rejected' THEN s.id END) AS ids,\n"
	"         max((CASE s.state WHEN 'rejected' THEN 0 WHEN 'raw' THEN 1 ELSE 2 END)\n"
	"             * 1125899906842624 + s.id) AS pick\n"
	"  FROM source_value s JOIN variable v ON v.name = s.variable\n"
	"  GROUP BY s.year, s.commune_code, s.variable);\n",
	"DROP TABLE current_value;\n",
	"CREATE TABLE current_value(\n"
	"  year INTEGER NOT NULL,\n"
	"  commune_code TEXT NOT NULL,\n"
	"  variable TEXT NOT NULL,\n"
	"  value TEXT,\n"
	"  num REAL,\n"
	"  state TEXT NOT NULL,\n"
	"  sources INTEGER NOT NULL,\n"
	"  observation_ids TEXT,\n"
	"  observation_id INTEGER NOT NULL,\n"
	"  PRIMARY KEY (year, commune_code, variable)\n"
	") STRICT, WITHOUT ROWID;\n",
	"INSERT INTO current_value(year, commune_code, variable, value, num, state, sources,\n"
	"                          observation_ids, observation_id)\n"
	"SELECT year, commune_code, variable, value, num, state, sources, observation_ids, observation_id\n"
	"FROM current_input_resolved;\n",
	"CREATE VIEW current_input AS\n"
	"SELECT c.year, c.commune_code, c.variable, c.value, c.num, c.state, c.sources, c.observation_ids,\n"
	"       (SELECT o.observed_at FROM observation o WHERE o.id = c.observation_id) AS observed_at\n"
	"FROM current_value c;\n",
	NULL,
};

/* Migration 21 (re-import speed).  What a source's last batch held, item
 * by item: a 64-bit hash of each item's key and figure (lib/batch.c), in
 * the batch's order, with the digest of that batch (run.batch_sha256).  A
 * re-import whose source's last ok run was given that batch compares its
 * items with these hashes instead of reading the source's figures again;
 * without them (a database older than this) it reads the figures, and the
 * run keeps its own for the next. */
static const char *const migration_batch_items[] = {
	"CREATE TABLE source_batch(\n"
	"  source_id INTEGER PRIMARY KEY REFERENCES source(id),\n"
	"  batch_sha256 TEXT NOT NULL,\n"
	"  item_hashes BLOB NOT NULL\n"
	") STRICT;\n",
	NULL,
};

/* Migration 22 (status speed).  A scoring run's number of inputs and of
 * those missing, rejected or unverified, kept by the run when it is
 * scored: `dti status` reads them where counting them through score_input
 * expands every commune's input document (seconds for a national run).
 * NULL for a run scored before this, which is counted that way still. */
static const char *const migration_run_input_counts[] = {
	"ALTER TABLE scoring_run ADD COLUMN inputs INTEGER",
	"ALTER TABLE scoring_run ADD COLUMN inputs_missing INTEGER",
	NULL,
};

/* Migration 23 (one commune's disagreements): the view `disagreement` reads
 * source_value three times (the forms' side and the feeds' two), so SQLite
 * computed it once for the whole country, a commune named or not: 3.4 s for
 * an item's page nationally.  Not materialised, a commune (and year) asked
 * for reaches each of the three reads, which search the index for it
 * (2.5 ms); the rows are the same.  The whole country's listing reads it
 * three times instead of once. */
static const char *const migration_disagreement_commune[] = {
	"DROP VIEW disagreement;\n",
	"CREATE VIEW disagreement AS\n"
	"WITH tol AS (\n"
	"  SELECT coalesce((SELECT CAST(value AS REAL) FROM meta WHERE key = 'disagreement_absolute'), 0) AS abs_tol,\n"
	"         coalesce((SELECT CAST(value AS REAL) FROM meta WHERE key = 'disagreement_relative'), 0) AS rel_tol),\n"
	"sv AS NOT MATERIALIZED (\n"
	"  SELECT s.*, src.name AS source, src.kind, v.aggregate\n"
	"  FROM source_value s JOIN source src ON src.id = s.source_id JOIN variable v ON v.name = s.variable\n"
	"  WHERE s.state <> 'rejected'),\n"
	"feed AS (\n"
	"  SELECT year, commune_code, variable, CAST(id AS TEXT) AS ids, source, value, num, state\n"
	"  FROM sv WHERE kind <> 'form' AND aggregate = 'latest'\n"
	"  UNION ALL\n"
	"  SELECT year, commune_code, variable, group_concat(id), 'sum of ' || count(*) || ' sources',\n"
	"         CAST(sum(num) AS TEXT), sum(num),\n"
	"         CASE WHEN min(state) = max(state) THEN min(state) ELSE 'mixed' END\n"
	"  FROM sv WHERE kind <> 'form' AND aggregate = 'sum'\n"
	"  GROUP BY year, commune_code, variable)\n"
	"SELECT f.year, f.commune_code, c.name AS commune_name, f.variable,\n"
	"       f.id AS form_observation_id, f.source AS form_source, f.value AS form_value,\n"
	"       f.state AS form_state, x.ids AS feed_observation_ids, x.source AS feed_source,\n"
	"       x.value AS feed_value, x.state AS feed_state,\n"
	"       CASE WHEN f.num IS NOT NULL AND x.num IS NOT NULL THEN abs(f.num - x.num) END AS difference\n"
	"FROM sv f\n"
	"JOIN feed x ON x.year = f.year AND x.commune_code = f.commune_code AND x.variable = f.variable\n"
	"CROSS JOIN tol\n"
	"LEFT JOIN commune c ON c.code = f.commune_code\n"
	"WHERE f.kind = 'form'\n"
	"  AND ((f.num IS NULL OR x.num IS NULL) AND f.value IS NOT x.value\n"
	"       OR (f.num IS NOT NULL AND x.num IS NOT NULL\n"
	"           AND abs(f.num - x.num) > max(tol.abs_tol, tol.rel_tol * max(abs(f.num), abs(x.num)))));\n",
	NULL,
};

/* Each migration is a NULL-terminated list of statements. */
/* One migration a line, in order. */
/* clang-format off */
static const char *const *const staging_migrations[] = {
	migration_1,
	migration_forms,
	migration_ops,
	migration_lean,
	migration_input_sets,
	migration_key,
	migration_run_area,
	migration_run_basis,
	migration_official,
	migration_unit_list,
	migration_old_codes,
	migration_unit_type,
	migration_accounts,
	migration_declaration,
	migration_current,
	migration_audit_login,
	migration_score_rows_check,
	migration_score_sets,
	migration_input_layout,
	migration_current_compact,
	migration_batch_items,
	migration_run_input_counts,
	migration_disagreement_commune,
};
/* clang-format on */

#endif
