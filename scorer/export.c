#include "export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

void csv_put(strbuf *sb, const char *field, bool last)
{
	sb_csv_field(sb, field, true);
	sb_append(sb, last ? "\n" : ",", 1);
}

void csv_put_number(strbuf *sb, double v, bool last)
{
	char buf[64];

	format_number(buf, v);
	sb_csv_field(sb, buf, false);
	sb_append(sb, last ? "\n" : ",", 1);
}

/* The scores file is written as it is built, a commune at a time, so that
 * a national export needs neither its size in memory nor the copies of a
 * growing buffer. */
enum { EXPORT_FLUSH = 1 << 20 };

dti_err export_run(staging *st, const scoring_run_info *run, const export_options *o, FILE *paths,
		   dti_diag *d)
{
	sqlite3_stmt *s = NULL;
	strbuf scores, ranking;
	output_file out = {0};
	char name[64], year[16];
	char *path;
	dti_err rc;
	int step;

	sb_init(&scores, 0);
	sb_init(&ranking, 0);
	snprintf(year, sizeof year, "%d", run->year);
	rc = make_dirs(o->out_dir, d);
	if (rc)
		goto out;
	snprintf(name, sizeof name, "scores-%d.csv", run->year);
	path = xasprintf("%s/%s", o->out_dir, name);
	rc = output_open(&out, path, d);
	free(path);
	if (rc)
		goto out;
	if (o->bom) {
		sb_appends(&scores, "\xEF\xBB\xBF");
		sb_appends(&ranking, "\xEF\xBB\xBF");
	}
	sb_appends(&scores, "year,commune_code,commune_name,indicator,level,name,points,max_points,"
			    "fraction,flags\n");
	sb_appends(&ranking, "year,rank,commune_code,commune_name,total\n");
	/* Rows in framework order: indicators of P1, P1, …, TOTAL. */
	rc = staging_prepare(st,
			     "SELECT s.commune_code, coalesce(c.name, ''), s.item, s.level, s.points, "
			     "s.max_points, s.fraction, s.flags, s.rank FROM score s "
			     "LEFT JOIN commune c ON c.code = s.commune_code "
			     "WHERE s.scoring_run_id = ?1 ORDER BY s.commune_code",
			     &s, d);
	if (rc)
		goto out;
	sqlite3_bind_int64(s, 1, run->id);
	{
		/* Collect one commune's rows, then write them in framework order. */
		const framework *fw = run->fw;
		size_t nitems = fw->n_indicators + fw->n_pillars + 1;
		strbuf *lines = xcalloc(nitems, sizeof *lines); /* empty: no row */
		const char **names = xcalloc(nitems, sizeof *names);
		strmap slots; /* item -> its line among the commune's */
		char current[16] = "";
		strmap_init(&slots);
		for (size_t i = 0; i < nitems; i++)
			sb_init(&lines[i], 0);
		/* Indicators of P1, P1, indicators of P2, P2, …, TOTAL. */
		for (size_t p = 0; p < fw->n_pillars; p++) {
			const fw_pillar *pl = &fw->pillars[p];
			for (size_t i = pl->first; i < pl->first + pl->count; i++) {
				strmap_put(&slots, fw->indicators[i].id, (intptr_t)(i + p));
				names[i + p] = fw->indicators[i].name;
			}
			strmap_put(&slots, pl->id, (intptr_t)(pl->first + pl->count + p));
			names[pl->first + pl->count + p] = pl->name;
		}
		strmap_put(&slots, "TOTAL", (intptr_t)(nitems - 1));
		names[nitems - 1] = "Tổng điểm";
		for (;;) {
			const char *code = NULL;
			step = sqlite3_step(s);
			if (step == SQLITE_ROW)
				code = (const char *)sqlite3_column_text(s, 0);
			if (*current && (!code || strcmp(code, current) != 0)) {
				for (size_t i = 0; i < nitems; i++) {
					sb_append(&scores, lines[i].data, lines[i].len);
					sb_reset(&lines[i]);
				}
				if (scores.len >= EXPORT_FLUSH)
					rc = output_flush(&out, &scores, d);
				if (rc)
					break;
			}
			if (step != SQLITE_ROW)
				break;
			snprintf(current, sizeof current, "%s", code);
			{
				const char *item = (const char *)sqlite3_column_text(s, 2);
				const char *level = (const char *)sqlite3_column_text(s, 3);
				intptr_t at;
				size_t slot = nitems - 1;
				strbuf *line;
				if (strmap_get(&slots, item, &at))
					slot = (size_t)at;
				line = &lines[slot];
				sb_reset(line);
				csv_put(line, year, false);
				csv_put(line, code, false);
				csv_put(line, (const char *)sqlite3_column_text(s, 1), false);
				csv_put(line, item, false);
				csv_put(line, level, false);
				csv_put(line, names[slot], false);
				csv_put_number(line, sqlite3_column_double(s, 4), false);
				csv_put_number(line, sqlite3_column_double(s, 5), false);
				csv_put_number(line, sqlite3_column_double(s, 6), false);
				csv_put(line, (const char *)sqlite3_column_text(s, 7), true);
			}
		}
		for (size_t i = 0; i < nitems; i++)
			sb_free(&lines[i]);
		free(lines);
		free(names);
		strmap_free(&slots);
	}
	if (rc)
		goto out;
	if (step != SQLITE_DONE) {
		rc = diag_set(d, DTI_EDB, "cannot read scores: %s", sqlite3_errmsg(staging_db(st)));
		goto out;
	}
	sqlite3_finalize(s);
	s = NULL;
	rc = staging_prepare(st,
			     "SELECT s.rank, s.commune_code, coalesce(c.name, ''), s.points FROM score s "
			     "LEFT JOIN commune c ON c.code = s.commune_code "
			     "WHERE s.scoring_run_id = ?1 AND s.level = 'total' "
			     "ORDER BY s.rank, s.commune_code",
			     &s, d);
	if (rc)
		goto out;
	sqlite3_bind_int64(s, 1, run->id);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		csv_put(&ranking, year, false);
		csv_put(&ranking, (const char *)sqlite3_column_text(s, 0), false);
		csv_put(&ranking, (const char *)sqlite3_column_text(s, 1), false);
		csv_put(&ranking, (const char *)sqlite3_column_text(s, 2), false);
		csv_put_number(&ranking, sqlite3_column_double(s, 3), true);
	}
	if (step != SQLITE_DONE) {
		rc = diag_set(d, DTI_EDB, "cannot read ranking: %s", sqlite3_errmsg(staging_db(st)));
		goto out;
	}
	rc = output_flush(&out, &scores, d);
	if (!rc)
		rc = output_commit(&out, paths, d);
	if (rc)
		goto out;
	snprintf(name, sizeof name, "ranking-%d.csv", run->year);
	rc = write_output(o->out_dir, name, &ranking, paths, d);
out:
	if (out.f)
		output_abort(&out);
	sqlite3_finalize(s);
	sb_free(&scores);
	sb_free(&ranking);
	return rc;
}
