/* report_area.c — the report of a province: the ranking read by group
 * (unit type, former district), and the year before across the 2025
 * reorganisation (docs/report.md).  Everything from outside is escaped. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "editions.h"
#include "html.h"
#include "report_int.h"
#include "strmap.h"

/* ---- groups ----------------------------------------------------------- */

/* A unit type or a former district and its communes in the run. */
typedef struct area_group {
	const char *key;  /* the type's name or the district's code (borrowed) */
	const char *name; /* the words shown */
	char file[64];    /* its ranking page */
	size_t n;
} area_group;

typedef struct area_groups {
	area_group *types, *districts;
	size_t n_types, n_districts;
} area_groups;

/* The known types in the order shown, with their pages' names; another
 * type comes after them, its page ranking-loai-N.html. */
static const char *const type_slugs[][2] = {{"Xã", "xa"},
					    {"Phường", "phuong"},
					    {"Đặc khu tại hải đảo", "dac-khu"},
					    {"Thị trấn", "thi-tran"}};
enum { KNOWN_TYPES = sizeof type_slugs / sizeof type_slugs[0] };

static size_t type_order(const char *type)
{
	size_t k = 0;

	while (k < KNOWN_TYPES && strcmp(type_slugs[k][0], type) != 0)
		k++;
	return k;
}

static void type_file(char out[64], const char *type, size_t i)
{
	size_t k = type_order(type);

	if (k < KNOWN_TYPES)
		snprintf(out, 64, "ranking-%s.html", type_slugs[k][1]);
	else
		snprintf(out, 64, "ranking-loai-%zu.html", i + 1);
}

static int cmp_type(const void *a, const void *b)
{
	size_t x = type_order(((const area_group *)a)->key);
	size_t y = type_order(((const area_group *)b)->key);

	return x != y ? (x > y) - (x < y)
		      : strcmp(((const area_group *)a)->key, ((const area_group *)b)->key);
}

static area_group *group_add(area_group **list, size_t *n)
{
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	memset(&(*list)[*n], 0, sizeof **list);
	return &(*list)[(*n)++];
}

static int cmp_group_key(const void *a, const void *b)
{
	return strcmp(((const area_group *)a)->key, ((const area_group *)b)->key);
}

/* The groups of the run's communes.  Former districts group the communes
 * of one province, the assessing body: a run over several provinces (the
 * national list) has none.  A district code that could not name a file
 * (not digits) has no page. */
static void groups_collect(const report_input *in, area_groups *g)
{
	const char *province = NULL;
	bool one_province = true;
	strmap seen;

	memset(g, 0, sizeof *g);
	if (!in->history)
		return;
	strmap_init(&seen);
	for (size_t c = 0; c < in->now->n; c++) {
		history_place pl;
		size_t t;
		history_place_of(in->history, in->now->communes[c].code, &pl);
		if (pl.province && province && strcmp(pl.province, province) != 0)
			one_province = false;
		if (pl.province)
			province = pl.province;
		for (t = 0; pl.type && t < g->n_types; t++)
			if (strcmp(g->types[t].key, pl.type) == 0)
				break;
		if (pl.type && t == g->n_types) {
			area_group *x = group_add(&g->types, &g->n_types);
			x->key = x->name = pl.type;
			type_file(x->file, pl.type, t);
		}
		if (pl.type)
			g->types[t].n++;
		for (size_t k = 0; k < pl.n_districts; k++) {
			const char *code = pl.district_code[k];
			intptr_t at;
			if (strspn(code, "0123456789") != strlen(code) || strlen(code) > 16)
				continue;
			if (!strmap_get(&seen, code, &at)) {
				area_group *x = group_add(&g->districts, &g->n_districts);
				x->key = code;
				x->name = pl.district_name[k];
				snprintf(x->file, sizeof x->file, "ranking-huyen-%s.html", code);
				at = (intptr_t)(g->n_districts - 1);
				strmap_put(&seen, code, at);
			}
			g->districts[at].n++;
		}
	}
	strmap_free(&seen);
	if (!one_province) {
		free(g->districts);
		g->districts = NULL;
		g->n_districts = 0;
	}
	if (g->n_types > 1)
		qsort(g->types, g->n_types, sizeof *g->types, cmp_type);
	if (g->n_districts > 1)
		qsort(g->districts, g->n_districts, sizeof *g->districts, cmp_group_key);
}

static void groups_free(area_groups *g)
{
	free(g->types);
	free(g->districts);
}

const char *report_units_words(const report_input *in, bool heading)
{
	const unit_edition *e = in->history ? edition_find(history_list(in->history)) : NULL;

	if (e && e->predecessor)
		return heading ? "Xã, phường, đặc khu" : "xã, phường, đặc khu";
	return heading ? "Xã, thị trấn" : "xã, thị trấn";
}

static void groups_links(strbuf *sb, const char *words, const area_group *g, size_t n,
			 const area_group *current)
{
	sb_appendf(sb, "<p class=\"filters\">%s: ", words);
	sb_appends(sb, current ? "<a href=\"index.html\">tất cả</a>" : "<strong>tất cả</strong>");
	for (size_t i = 0; i < n; i++) {
		sb_appends(sb, " · ");
		if (&g[i] == current) {
			sb_appends(sb, "<strong>");
			html_text(sb, g[i].name);
			sb_appendf(sb, " (%zu)</strong>", g[i].n);
			continue;
		}
		sb_appendf(sb, "<a href=\"%s\">", g[i].file);
		html_text(sb, g[i].name);
		sb_appendf(sb, " (%zu)</a>", g[i].n);
	}
	sb_appends(sb, "</p>\n");
}

/* The most former districts whose links every group page repeats (a
 * province had up to 30); beyond, as for the national list, a group page
 * links the index, which lists them all, so the pages stay small. */
#define NAV_DISTRICTS_MAX 60

static void groups_nav(strbuf *sb, const area_groups *g, const area_group *current)
{
	if (g->n_types > 1)
		groups_links(sb, "Xem theo loại đơn vị", g->types, g->n_types, current);
	if (g->n_districts > 1 && (!current || g->n_districts <= NAV_DISTRICTS_MAX))
		groups_links(sb, "Xem theo huyện cũ (trước ngày 01/07/2025)", g->districts,
			     g->n_districts, current);
	else if (g->n_districts > 1)
		sb_appendf(
			sb,
			"<p class=\"filters\">Xem theo huyện cũ (trước ngày 01/07/2025): %zu "
			"huyện, danh sách ở <a href=\"index.html\">bảng xếp hạng chung</a></p>\n",
			g->n_districts);
}

/* ---- the comparison in words ------------------------------------------ */

static void basis_words(strbuf *sb, const history_cmp *c, int year)
{
	if (c->basis == HISTORY_NONE)
		sb_appendf(sb, "không có kết quả chính thức năm %d", year);
	else if (c->direct)
		sb_appends(sb, "cùng đơn vị");
	else if (c->basis == HISTORY_WEIGHTED)
		sb_appendf(sb, "bình quân theo dân số của %zu đơn vị cũ", c->n_scored);
	else
		sb_appendf(sb, "trung bình cộng của %zu đơn vị cũ (thiếu số liệu dân số)",
			   c->n_scored);
	if (c->basis != HISTORY_NONE && c->n_scored < c->n)
		sb_appendf(sb, "; %zu/%zu đơn vị cũ có kết quả", c->n_scored, c->n);
	if (c->partial)
		sb_appends(sb, "; <span class=\"flag\">Nhập một phần</span>");
}

/* ---- the ranking -------------------------------------------------------- */

static void ranking_head(strbuf *sb, const report_input *in, const area_groups *g, bool group)
{
	int y = in->prev ? in->prev->year : history_prev_year(in->history);

	sb_appends(sb, "<table id=\"ranking\" class=\"narrow\">\n<thead><tr>");
	sb_appends(sb, group ? "<th class=\"n\">Hạng trong nhóm</th><th class=\"n\">Hạng chung</th>"
			     : "<th class=\"n\">Hạng</th>");
	sb_appendf(sb, "<th>%s</th>", report_units_words(in, true));
	if (g->n_types)
		sb_appends(sb, "<th>Loại</th>");
	if (g->n_districts > 1)
		sb_appends(sb, "<th>Huyện cũ</th>");
	sb_appends(sb, "<th class=\"n\">Tổng điểm</th>");
	if (in->bands && in->bands->n)
		sb_appends(sb, "<th>Xếp loại</th>");
	if (in->prev)
		sb_appendf(
			sb,
			"<th class=\"n\">Thay đổi so với năm %d</th><th class=\"n\">Hạng năm %d</th>",
			y, y);
	else if (in->past)
		sb_appendf(
			sb,
			"<th class=\"n\">Thay đổi so với năm %d</th><th class=\"n\">Điểm so sánh "
			"năm %d</th>",
			y, y);
	sb_appends(sb, "</tr></thead>\n<tbody>\n");
}

/* The columns of the year before of one commune. */
static dti_err ranking_before(strbuf *sb, const report_input *in, const res_commune *rc,
			      dti_diag *d)
{
	char b[64];
	history_cmp cmp;
	dti_err err;

	if (in->prev) {
		long p = results_find(in->prev, rc->code);
		if (p < 0) {
			sb_appends(sb, "<td class=\"n\">mới</td><td class=\"n\">—</td>");
			return DTI_EOK;
		}
		report_change_cell(sb, rc->total - in->prev->communes[p].total);
		sb_appendf(sb, "<td class=\"n\">%ld</td>", in->prev->communes[p].rank);
		return DTI_EOK;
	}
	if (!in->past)
		return DTI_EOK;
	err = history_compare(in->history, rc->code, &cmp, d);
	if (!err && isnan(cmp.figure)) {
		sb_appends(sb, "<td class=\"n\">—</td><td class=\"n\">—</td>");
	} else if (!err) {
		report_change_cell(sb, rc->total - cmp.figure);
		sb_appendf(sb, "<td class=\"n\">%s%s</td>", report_num(b, cmp.figure),
			   cmp.partial ? " <span class=\"flag\">(nhập một phần)</span>" : "");
	}
	history_cmp_free(&cmp);
	return err;
}

/* A commune's cells after its rank(s), the same in every ranking: name,
 * type, former districts, total, band, the year before; appended to sb. */
static dti_err commune_cells(strbuf *sb, const report_input *in, const area_groups *g,
			     const res_commune *x, const history_place *pl, dti_diag *d)
{
	sb_appends(sb, "<td><a href=\"commune-");
	html_text(sb, x->code);
	sb_appends(sb, ".html\">");
	html_text(sb, x->name);
	sb_appends(sb, "</a></td>");
	if (g->n_types) {
		sb_appends(sb, "<td>");
		html_text(sb, pl->type ? pl->type : "—");
		sb_appends(sb, "</td>");
	}
	if (g->n_districts > 1) {
		sb_appends(sb, "<td>");
		for (size_t k = 0; k < pl->n_districts; k++) {
			sb_appends(sb, k ? "; " : "");
			html_text(sb, pl->district_name[k]);
		}
		sb_appends(sb, pl->n_districts ? "</td>" : "—</td>");
	}
	report_total_cell(sb, in->now, x);
	if (in->bands && in->bands->n) {
		const char *band = report_commune_band(in->bands, in->now, x);
		sb_appends(sb, "<td>");
		html_text(sb, band ? band : "—");
		sb_appends(sb, "</td>");
	}
	return ranking_before(sb, in, x, d);
}

/* The rank given in one ranking as its rows are written. */
typedef struct ranking {
	size_t k;
	long last_rank, rank;
} ranking;

/* Commune x's row of ranking r (the communes come in rank order) into the
 * page, which writes itself out past a megabyte; in a group (group) its
 * rank in the group first: equal totals share a rank in the group as in
 * the whole. */
static dti_err ranking_row(report_page *po, ranking *r, bool group, const report_input *in,
			   const area_groups *g, const res_commune *x)
{
	strbuf *sb = po->sb;
	history_place pl = {0};
	dti_err rc;

	if (in->history)
		history_place_of(in->history, x->code, &pl);
	r->k++;
	if (x->rank != r->last_rank)
		r->rank = (long)r->k;
	r->last_rank = x->rank;
	sb_appends(sb, "<tr>");
	if (group)
		sb_appendf(sb, "<td class=\"n\">%ld</td>", r->rank);
	sb_appendf(sb, "<td class=\"n\">%ld</td>", x->rank);
	rc = commune_cells(sb, in, g, x, &pl, po->d);
	sb_appends(sb, "</tr>\n");
	report_page_flush(po);
	return rc;
}

static void past_basis(strbuf *sb, const report_input *in)
{
	const char *decision, *date;
	int y = history_prev_year(in->history);

	if (history_prev_official(in->history, &decision, &date))
		sb_appendf(sb,
			   "<p class=\"muted\">Năm %d: so với điểm so sánh tính từ kết quả chính "
			   "thức của các đơn vị năm %d (<a href=\"year-over-year.html\">cách "
			   "tính</a>).</p>\n",
			   y, y);
	else
		sb_appendf(sb, "<p class=\"muted\">Năm %d chưa có kết quả chính thức.</p>\n", y);
}

dti_err report_ranking(report_page *po, const report_input *in)
{
	strbuf *sb = po->sb;
	area_groups g;
	ranking all = {0};
	dti_err rc = DTI_EOK;

	groups_collect(in, &g);
	groups_nav(sb, &g, NULL);
	if (in->past)
		past_basis(sb, in);
	ranking_head(sb, in, &g, false);
	for (size_t c = 0; !rc && c < in->now->n; c++)
		rc = ranking_row(po, &all, false, in, &g, &in->now->communes[c]);
	sb_appends(sb, "</tbody>\n</table>\n");
	groups_free(&g);
	return rc;
}

/* The groups with pages: the types when more than one, then the
 * districts when more than one; each with its communes, by their index in
 * the run (in rank order), so that its page is written row by row. */
typedef struct group_pages {
	area_group **group; /* [n] */
	bool *is_type;      /* [n] */
	size_t **members;   /* [n][group->n] */
	size_t *n_members;  /* [n] */
	size_t n, n_types;
	strmap district_at; /* district code -> index in group */
} group_pages;

static void pages_init(group_pages *p, area_groups *g)
{
	size_t types = g->n_types > 1 ? g->n_types : 0;
	size_t districts = g->n_districts > 1 ? g->n_districts : 0;

	memset(p, 0, sizeof *p);
	strmap_init(&p->district_at);
	p->n = types + districts;
	p->n_types = types;
	p->group = xcalloc(p->n + 1, sizeof *p->group);
	p->is_type = xcalloc(p->n + 1, sizeof *p->is_type);
	p->members = xcalloc(p->n + 1, sizeof *p->members);
	p->n_members = xcalloc(p->n + 1, sizeof *p->n_members);
	for (size_t i = 0; i < p->n; i++) {
		p->is_type[i] = i < types;
		p->group[i] = i < types ? &g->types[i] : &g->districts[i - types];
		p->members[i] = xcalloc(p->group[i]->n + 1, sizeof *p->members[i]);
		if (!p->is_type[i])
			strmap_put(&p->district_at, p->group[i]->key, (intptr_t)i);
	}
}

static void pages_free(group_pages *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->members[i]);
	free(p->group);
	free(p->is_type);
	free(p->members);
	free(p->n_members);
	strmap_free(&p->district_at);
}

/* Commune c a member of group i (groups_collect counted it there). */
static void member_add(group_pages *p, size_t i, size_t c)
{
	if (p->n_members[i] < p->group[i]->n)
		p->members[i][p->n_members[i]++] = c;
}

/* Every commune into the groups it is ranked in, in one pass. */
static void pages_fill(group_pages *p, const report_input *in)
{
	for (size_t c = 0; c < in->now->n; c++) {
		history_place pl;
		history_place_of(in->history, in->now->communes[c].code, &pl);
		for (size_t t = 0; pl.type && t < p->n_types; t++)
			if (strcmp(p->group[t]->key, pl.type) == 0)
				member_add(p, t, c);
		for (size_t k = 0; k < pl.n_districts; k++) {
			intptr_t at;
			if (strmap_get(&p->district_at, pl.district_code[k], &at))
				member_add(p, (size_t)at, c);
		}
	}
}

/* Group i's ranking page, written row by row. */
static dti_err group_page(report_page *po, const report_input *in, const area_groups *g,
			  const group_pages *p, size_t i)
{
	const area_group *only = p->group[i];
	bool type_group = p->is_type[i];
	strbuf *sb = po->sb, h;
	ranking r = {0};
	dti_err rc = DTI_EOK;

	sb_init(&h, 0);
	sb_appends(&h, type_group ? "Bảng xếp hạng: " : "Bảng xếp hạng: các đơn vị từ ");
	sb_appends(&h, only->name);
	report_page_start(sb, in, h.data);
	sb_appendf(sb,
		   "<p class=\"summary\">%zu trong %zu đơn vị; hạng trong nhóm và hạng chung "
		   "của cả %zu đơn vị.",
		   only->n, in->now->n, in->now->n);
	if (!type_group)
		sb_appends(sb, " Một đơn vị mới hợp thành từ đơn vị cũ của nhiều huyện có "
			       "trong bảng của từng huyện.");
	sb_appends(sb, "</p>\n");
	groups_nav(sb, g, only);
	if (in->prev)
		report_prev_basis(sb, in);
	else if (in->past)
		past_basis(sb, in);
	ranking_head(sb, in, g, true);
	for (size_t m = 0; !rc && m < p->n_members[i]; m++)
		rc = ranking_row(po, &r, true, in, g, &in->now->communes[p->members[i][m]]);
	sb_appends(sb, "</tbody>\n</table>\n");
	report_page_end(sb, in);
	sb_free(&h);
	return rc;
}

dti_err report_write_groups(const report_input *in, const char *dir, FILE *paths, dti_diag *d)
{
	area_groups g;
	group_pages p;
	strbuf sb;
	dti_err rc = DTI_EOK;

	groups_collect(in, &g);
	pages_init(&p, &g);
	sb_init(&sb, 0);
	if (p.n) /* none without in->history */
		pages_fill(&p, in);
	for (size_t i = 0; !rc && i < p.n; i++) {
		report_page po;
		rc = report_page_open(&po, dir, p.group[i]->file, &sb, d);
		if (!rc)
			rc = group_page(&po, in, &g, &p, i);
		rc = report_page_close(&po, rc, paths);
	}
	sb_free(&sb);
	pages_free(&p);
	groups_free(&g);
	return rc;
}

/* ---- the year before, across the reorganisation ------------------------ */

/* Which result of the earlier year, and the rule, in words. */
static void past_intro(strbuf *sb, const report_input *in)
{
	const history *h = in->history;
	const char *decision, *date;
	int64_t run = history_prev_official(h, &decision, &date);
	int y = history_prev_year(h);

	sb_appendf(sb, "<p>Năm %d (danh mục đơn vị hành chính ", in->now->year);
	html_text(sb, history_list(h));
	sb_appendf(sb, ") so với năm %d (danh mục ", y);
	html_text(sb, history_prev_list(h));
	sb_appendf(sb, "), đọc từ cơ sở dữ liệu của năm %d.</p>\n", y);
	if (!run) {
		sb_appendf(
			sb,
			"<p id=\"past-official\">Năm %d chưa có kết quả chính thức: chưa có điểm "
			"để so sánh.</p>\n",
			y);
		return;
	}
	sb_appendf(sb,
		   "<p id=\"past-official\">Năm %d: so với kết quả chính thức theo Quyết định số ",
		   y);
	html_text(sb, decision);
	if (strlen(date) == 10) {
		char vn[16];
		snprintf(vn, sizeof vn, "%.2s/%.2s/%.4s", date + 8, date + 5, date);
		sb_appendf(sb, " ngày %s", vn);
	}
	sb_appendf(sb, " (lần chấm điểm số %lld).</p>\n", (long long)run);
	if (strcmp(history_list(h), history_prev_list(h)) == 0) {
		sb_appends(sb, "<p id=\"rule\">Cùng một danh mục đơn vị hành chính: mỗi đơn vị so "
			       "với tổng điểm chính thức của chính nó.</p>\n");
		return;
	}
	sb_appendf(
		sb,
		"<p id=\"rule\">Điểm so sánh của một đơn vị mới là trung bình tổng điểm chính thức "
		"năm %d của các đơn vị cũ hợp thành nó (theo bảng chuyển đổi đơn vị hành chính), "
		"có trọng số là dân số năm %d của từng đơn vị cũ (số liệu dân số đã dùng để chấm "
		"điểm). Đơn vị cũ nhập một phần vào nhiều đơn vị mới được tính cả điểm và toàn bộ "
		"dân số ở mỗi đơn vị mới nhận nó, và kết quả được đánh dấu “Nhập một phần”. Khi một "
		"đơn vị cũ có điểm mà thiếu dân số, điểm so sánh là trung bình cộng. Đơn vị giữ "
		"nguyên so sánh trực tiếp.</p>\n",
		y, y);
}

/* One predecessor as a line of words. */
static void pred_words(strbuf *sb, const history_pred *p)
{
	char b[64];

	html_text(sb, p->name);
	sb_appends(sb, " <span class=\"muted\">(");
	html_text(sb, p->code);
	if (*p->district) {
		sb_appends(sb, ", ");
		html_text(sb, p->district);
	}
	sb_appends(sb, ")</span>");
	if (*p->change) {
		sb_appends(sb, p->split ? " — <span class=\"flag\">" : " — ");
		html_text(sb, p->change);
		sb_appends(sb, p->split ? "</span>" : "");
	}
	if (p->unchecked) {
		sb_appends(sb, ": <span class=\"flag\">mã cũ trong bảng chuyển đổi không khớp tên "
			       "(dti units check), không dùng</span>");
		return;
	}
	if (!p->scored) {
		sb_appends(sb, ": không có kết quả");
		return;
	}
	sb_appendf(sb, ": <span class=\"total\">%s</span> điểm, hạng %ld", report_num(b, p->total),
		   p->rank);
	if (isnan(p->population))
		sb_appends(sb, ", thiếu dân số");
	else
		sb_appendf(sb, ", dân số <span class=\"pop\">%s</span>",
			   report_num(b, p->population));
}

dti_err report_past_page(strbuf *sb, const report_input *in, dti_diag *d)
{
	const results *r = in->now;
	int y = history_prev_year(in->history);
	char b[64], m[64];
	dti_err rc = DTI_EOK;

	report_page_start(sb, in, "So sánh với năm trước");
	past_intro(sb, in);
	sb_appendf(sb,
		   "<table id=\"yoy-past\">\n<thead><tr><th>%s</th><th class=\"n\">Tổng %d</th>"
		   "<th class=\"n\">Điểm so sánh %d</th><th class=\"n\">Thay đổi</th>"
		   "<th>Cách tính</th><th>Đơn vị năm %d</th></tr></thead>\n<tbody>\n",
		   report_units_words(in, true), r->year, y, y);
	for (size_t c = 0; !rc && c < r->n; c++) {
		const res_commune *x = &r->communes[c];
		history_cmp cmp;
		rc = history_compare(in->history, x->code, &cmp, d);
		if (!rc) {
			sb_appends(sb, "<tr id=\"c");
			html_text(sb, x->code);
			sb_appends(sb, "\"><td><a href=\"commune-");
			html_text(sb, x->code);
			sb_appends(sb, ".html\">");
			html_text(sb, x->name);
			sb_appendf(sb,
				   "</a></td><td class=\"n\">%s</td><td class=\"n figure\">%s</td>",
				   report_num(b, x->total),
				   isnan(cmp.figure) ? "—" : report_num(m, cmp.figure));
			if (isnan(cmp.figure))
				sb_appends(sb, "<td class=\"n\">—</td>");
			else
				report_change_cell(sb, x->total - cmp.figure);
			sb_appends(sb, "<td>");
			basis_words(sb, &cmp, y);
			sb_appends(sb, "</td><td>");
			for (size_t i = 0; i < cmp.n; i++) {
				sb_appends(sb, i ? "<br><span class=\"pred\" id=\"p"
						 : "<span class=\"pred\" id=\"p");
				html_text(sb, x->code);
				sb_appends(sb, "-");
				html_text(sb, cmp.preds[i].code);
				sb_appends(sb, "\">");
				pred_words(sb, &cmp.preds[i]);
				sb_appends(sb, "</span>");
			}
			sb_appends(sb, cmp.n ? "</td></tr>\n"
					     : "không có trong bảng chuyển đổi</td></tr>\n");
		}
		history_cmp_free(&cmp);
	}
	sb_appends(sb, "</tbody>\n</table>\n");
	report_page_end(sb, in);
	return rc;
}

void report_past_summary(strbuf *sb, const report_input *in, const res_commune *rc,
			 const history_cmp *cmp)
{
	int y = history_prev_year(in->history);
	double delta = rc->total - cmp->figure;
	char b[64];

	if (isnan(cmp->figure))
		return;
	sb_appendf(sb, " · So với năm %d: <span class=\"%s\">%s%s</span> (", y,
		   delta >= 0 ? "up" : "down", delta > 0 ? "+" : "", report_num(b, delta));
	basis_words(sb, cmp, y);
	sb_appends(sb, ")");
}

void report_past_section(strbuf *sb, const report_input *in, const history_cmp *cmp)
{
	int y = history_prev_year(in->history);
	char b[64];

	sb_appendf(sb, "<h2>So với năm %d</h2>\n<p id=\"past\">", y);
	if (isnan(cmp->figure))
		sb_appends(sb, "Chưa có điểm so sánh");
	else
		sb_appendf(sb, "Điểm so sánh năm %d: <strong>%s</strong>", y,
			   report_num(b, cmp->figure));
	sb_appends(sb, " (");
	basis_words(sb, cmp, y);
	sb_appends(sb, cmp->n ? "). Đơn vị năm trước:</p>\n<ul>\n"
			      : "). Không có trong bảng chuyển đổi.</p>\n");
	for (size_t i = 0; i < cmp->n; i++) {
		sb_appends(sb, "<li>");
		pred_words(sb, &cmp->preds[i]);
		sb_appends(sb, "</li>\n");
	}
	if (cmp->n)
		sb_appends(sb, "</ul>\n<p class=\"muted\"><a href=\"year-over-year.html\">Cách "
			       "tính điểm so sánh</a>.</p>\n");
}
