/* Helpers of util.c: the JSON writers against jansson (the scorer writes
 * its input documents with them; they must be what jansson would write and
 * read back to the same values), and files written in pieces. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "json_scan.h"
#include "text.h"
#include "util.h"

/* The next of a pseudo-random sequence (Marsaglia's xorshift). */
static unsigned long long xorshift(unsigned long long *x)
{
	*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;
	return *x;
}

static void expect_like_jansson(json_t *j, const strbuf *mine)
{
	char *theirs = json_dumps(j, JSON_ENCODE_ANY | JSON_COMPACT | JSON_REAL_PRECISION(17));

	assert_non_null(theirs);
	assert_string_equal(mine->data, theirs);
	free(theirs);
	json_decref(j);
}

static void test_strings(void **state)
{
	static const char *const cases[] = {
		"",
		"plain",
		"Phường Như Quỳnh",
		"say \"có\"",
		"back\\slash",
		"tab\there",
		"line\nbreak\r\n",
		"\b\f",
		"\x01\x1f end",
		"/ slash",
		"ký tự 'đ' và €",
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strbuf sb;
		sb_init(&sb, 0);
		assert_int_equal(sb_json_string(&sb, cases[i]), DTI_EOK);
		expect_like_jansson(json_string(cases[i]), &sb);
		sb_free(&sb);
	}
}

static void test_numbers(void **state)
{
	static const double cases[] = {
		0.0,
		1.0,
		7799.0,
		16557.0,
		5120.5,
		0.1,
		794.2,
		1.0 / 3.0,
		1e14,
		999999999999999.0,
		1e15,
		1e16,
		123456789012345678.0,
		2.5e-7,
		1e-300,
		DBL_MAX,
		-3.0,
		-0.25,
		4503599627370497.0,
		-0.0,
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		strbuf sb;
		json_t *back;
		sb_init(&sb, 0);
		assert_int_equal(sb_json_number(&sb, cases[i]), DTI_EOK);
		back = json_loads(sb.data, JSON_DECODE_ANY, NULL);
		assert_non_null(back);
		assert_true(json_number_value(back) == cases[i]);
		assert_int_equal(signbit(json_number_value(back)) != 0, signbit(cases[i]) != 0);
		json_decref(back);
		expect_like_jansson(json_real(cases[i]), &sb);
		sb_free(&sb);
	}
}

static void test_format_whole(void **state)
{
	char buf[24];

	(void)state;
	assert_int_equal(format_whole(buf, 0), 1);
	assert_string_equal(buf, "0");
	assert_int_equal(format_whole(buf, -12), 3);
	assert_string_equal(buf, "-12");
	format_whole(buf, 9007199254740993LL);
	assert_string_equal(buf, "9007199254740993");
	format_whole(buf, LLONG_MIN);
	assert_string_equal(buf, "-9223372036854775808");
	format_whole(buf, LLONG_MAX);
	assert_string_equal(buf, "9223372036854775807");
	/* Written two digits at a time: every length, each side of every
	 * power of ten, and random numbers, as printf writes them. */
	{
		unsigned long long x = 88172645463325252ULL;
		char want[24];
		for (int e = 0; e <= 18; e++) {
			long long p = 1;
			for (int k = 0; k < e; k++)
				p *= 10;
			for (long long v = p - 2; v <= p + 1; v++)
				for (int sign = -1; sign <= 1; sign += 2) {
					snprintf(want, sizeof want, "%lld", sign * v);
					assert_int_equal(format_whole(buf, sign * v), strlen(want));
					assert_string_equal(buf, want);
				}
		}
		for (int i = 0; i < 100000; i++) {
			long long v = (long long)xorshift(&x) >> (i % 63);
			snprintf(want, sizeof want, "%lld", v);
			assert_int_equal(format_whole(buf, v), strlen(want));
			assert_string_equal(buf, want);
		}
	}
}

/* format_roundtrip: every finite double reads back (strtod) as itself,
 * bit for bit — random bit patterns, values on grids and ratios as the
 * scorer makes them, and edges — whole numbers as integers, the others as
 * "%.17g" writes them. */
static void expect_roundtrip(double v)
{
	char got[40], want[40];
	size_t n = format_roundtrip(got, v);
	double back = strtod(got, NULL);

	assert_int_equal(n, strlen(got));
	if (memcmp(&back, &v, sizeof v) != 0)
		fail_msg("%.17g written as %s reads back as %.17g", v, got, back);
	if (v != floor(v) || fabs(v) >= 1e15) {
		snprintf(want, sizeof want, "%.17g", v);
		if (strcmp(got, want) != 0)
			fail_msg("%.17g written as %s", v, got);
	}
}

static void test_format_roundtrip(void **state)
{
	static const double edges[] = {0.0,
				       -0.0,
				       0.5,
				       1.5,
				       -2.5,
				       0.1,
				       0.2,
				       0.3,
				       1e-10,
				       1e-11,
				       9.99999999999e-11,
				       1e15,
				       1e15 - 0.5,
				       999999999999999.9,
				       0.99999999999999989,
				       1.0000000000000002,
				       13.333333333333334,
				       2.0 / 3,
				       1.0 / 3,
				       100.0 / 7,
				       5e-7,
				       123456789.123456789,
				       DBL_MAX,
				       DBL_MIN,
				       4.9e-324,
				       -1e300};
	static const struct {
		double v;
		const char *text;
	} shown[] = {{20.0, "20"},     {-3.0, "-3"},
		     {0.5, "0.5"},     {-0.0, "-0.0"},
		     {0.25, "0.25"},   {0.05, "0.050000000000000003"},
		     {123.5, "123.5"}, {13.333333333333334, "13.333333333333334"}};
	unsigned long long x = 88172645463325252ULL;
	char got[40];

	(void)state;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		expect_roundtrip(edges[i]);
	for (size_t i = 0; i < sizeof shown / sizeof shown[0]; i++) {
		format_roundtrip(got, shown[i].v);
		assert_string_equal(got, shown[i].text);
	}
	for (long i = 0; i < 1000000; i++) {
		double v;
		unsigned long long bits = xorshift(&x);
		switch (i % 5) {
		case 0:
			memcpy(&v, &bits, sizeof v);
			if (!isfinite(v))
				continue;
			break;
		case 1: v = (double)(bits % 2000000) / 1000.0 - 1000.0; break;
		case 2: v = (double)(bits % 201) / (double)(bits % 300 + 1) * 20.0; break;
		case 3: v = ldexp((double)((bits >> 8) % 100000), -(int)(bits % 40)); break;
		default:
			v = (double)(bits >> 11) / 9007199254740992.0 *
			    pow(10, (int)(bits % 26) - 11);
		}
		expect_roundtrip(v);
	}
}

/* json_scan reads back what dti writes: numbers from format_roundtrip,
 * sb_json_number and "%.17g" as the same doubles, bit for bit (random
 * values of every magnitude); strings with the escapes sb_json_string
 * writes; and refuses what it does not know rather than guess. */
static double scan_number_of(const char *text)
{
	json_scan c = {text};
	double v = 0;

	if (!json_scan_number(&c, &v))
		fail_msg("%s not read as a number", text);
	if (*c.p)
		fail_msg("%s read up to %s", text, c.p);
	return v;
}

static void expect_number_back(double v, const char *text)
{
	double back = scan_number_of(text);

	if (memcmp(&back, &v, sizeof v) != 0)
		fail_msg("%.17g written as %s read back as %.17g", v, text, back);
}

static void test_json_scan(void **state)
{
	static const char *const refused[] = {"", "abc", "-", ".5", "1.", "+1", "nul"};
	unsigned long long x = 2463534242ULL;
	char text[48];
	strbuf sb;
	json_scan c;
	double v;
	bool is_null;

	(void)state;
	for (long i = 0; i < 600000; i++) {
		unsigned long long bits = xorshift(&x);
		switch (i % 3) {
		case 0:
			memcpy(&v, &bits, sizeof v);
			if (!isfinite(v))
				continue;
			break;
		case 1: v = (double)(bits % 201) / (double)(bits % 300 + 1) * 20.0; break;
		default:
			v = (double)(bits >> 11) / 9007199254740992.0 *
			    pow(10, (int)(bits % 26) - 11);
		}
		format_roundtrip(text, v);
		expect_number_back(v, text);
		snprintf(text, sizeof text, "%.17g", v);
		expect_number_back(v, text);
	}
	/* Whole numbers, read without division up to 2^53, as strtod reads
	 * them on either side of it. */
	for (long i = 0; i < 200000; i++) {
		unsigned long long bits = xorshift(&x);
		unsigned long long whole =
			i < 64 ? (1ULL << 53) - 32 + (unsigned long long)i : bits >> (bits % 64);
		snprintf(text, sizeof text, "%s%llu", i % 2 ? "-" : "", whole);
		expect_number_back(strtod(text, NULL), text);
	}
	v = scan_number_of("-0");
	assert_true(v == 0 && signbit(v));
	sb_init(&sb, 0);
	assert_int_equal(sb_json_number(&sb, 2.0 / 3), DTI_EOK);
	expect_number_back(2.0 / 3, sb.data);
	assert_true(isnan(scan_number_of("null")));
	v = scan_number_of("-0.0");
	assert_true(v == 0 && signbit(v));
	assert_true(scan_number_of("2.5e-7") == 2.5e-7);
	assert_true(scan_number_of("123456789012345678901234") == 123456789012345678901234.0);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		c.p = refused[i];
		if (json_scan_number(&c, &v) && *c.p == '\0')
			fail_msg("'%s' read as the number %g", refused[i], v);
	}
	c.p = "\"a\\\"b\\u001f\\n\\/\",";
	assert_true(json_scan_string(&c, &sb, &is_null));
	assert_false(is_null);
	assert_string_equal(sb.data, "a\"b\x1f\n/");
	assert_true(json_scan_char(&c, ','));
	assert_false(json_scan_char(&c, ','));
	c.p = "\"\"";
	assert_true(json_scan_string(&c, &sb, &is_null));
	assert_string_equal(sb.data, "");
	c.p = "null";
	assert_true(json_scan_string(&c, &sb, &is_null));
	assert_true(is_null);
	c.p = "\"\\u00e9\"";
	assert_false(json_scan_string(&c, &sb, &is_null));
	c.p = "\"open";
	assert_false(json_scan_string(&c, &sb, &is_null));
	c.p = "\"a\tb\"";
	assert_false(json_scan_string(&c, &sb, &is_null));
	sb_free(&sb);
}

/* format_fixed against the printf it replaces: random doubles of every
 * magnitude (NaN, infinities and huge ones go to printf), values on a
 * decimal grid, exact ties (…5 at the last decimal, rounded to even) and
 * the edges format_number meets. */

/* A number from bits: any double, a score, a power of two's fraction or a
 * ratio, by turns. */
static double any_scale(unsigned long long bits, long turn)
{
	double v;

	if (turn % 4 == 0)
		memcpy(&v, &bits, sizeof v);
	else if (turn % 4 == 1)
		v = (double)(bits % 2000000000) / 1e6 - 1000.0;
	else if (turn % 4 == 2)
		v = ldexp((double)(bits >> 11), -(int)(bits % 110));
	else
		v = (double)(bits % 100000) / (double)(1 + (bits >> 40) % 997);
	return v;
}

/* format_general against snprintf's %.16G and %.17g: edges (powers of
 * ten and the numbers beside them, ties, the bounds of the path without
 * printf) and a million pseudo-random numbers of every scale. */
static void test_format_general(void **state)
{
	static const double edges[] = {1e-5,
				       9.9999999999999991e-06,
				       1.0000000000000002e-05,
				       1e-4,
				       9.9999999999999991e-05,
				       0.1,
				       0.5,
				       1.0 / 3,
				       2.0 / 3,
				       0.30000000000000004,
				       13.333333333333334,
				       744.26548277885342,
				       999999999999999.88,
				       1e15,
				       99999.999999999985,
				       0.99999999999999989,
				       9.9999999999999982,
				       123456789.12345679,
				       1e-7,
				       2.5e-7,
				       1e300,
				       5e-324,
				       0.0,
				       -0.0,
				       1e16,
				       -3.5};
	unsigned long long x = 88172645463325252ULL;
	char want[64], got[64];

	(void)state;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		for (int p = 16; p <= 17; p++)
			for (int sign = 0; sign < 2; sign++) {
				double v = sign ? -edges[i] : edges[i];
				snprintf(want, sizeof want, p == 16 ? "%.*G" : "%.*g", p, v);
				assert_int_equal(format_general(got, v, p, p == 16), strlen(want));
				assert_string_equal(got, want);
			}
	for (long i = 0; i < 1000000; i++) {
		unsigned long long bits = xorshift(&x);
		int p = 16 + (int)(bits & 1);
		double v = any_scale(bits, i);
		if (isnan(v))
			continue;
		snprintf(want, sizeof want, p == 16 ? "%.*G" : "%.*g", p, v);
		format_general(got, v, p, p == 16);
		if (strcmp(got, want) != 0)
			fail_msg("%.17g at precision %d: %s, not %s", v, p, got, want);
	}
}

static void test_format_fixed(void **state)
{
	static const double edges[] = {0.0,
				       -0.0,
				       0.5,
				       1.5,
				       2.5,
				       0.125,
				       0.375,
				       1e-320,
				       -1e-320,
				       5e-7,
				       -5e-7,
				       4.9999999999999996e-7,
				       999999999999.9999,
				       1e12,
				       -1e12,
				       0.9999995,
				       123.4565};
	unsigned long long x = 88172645463325252ULL;
	char want[64], got[64];

	(void)state;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		for (int dec = 0; dec <= 6; dec++) {
			snprintf(want, sizeof want, "%.*f", dec, edges[i]);
			assert_int_equal(format_fixed(got, edges[i], dec), strlen(want));
			assert_string_equal(got, want);
		}
	for (long i = 0; i < 400000; i++) {
		double v;
		unsigned long long bits;
		int dec;
		bits = xorshift(&x);
		dec = (int)(bits % 7);
		switch (i % 4) {
		case 0: memcpy(&v, &bits, sizeof v); break;
		case 1: v = (double)(bits % 2000000) / 1000.0 - 1000.0; break;
		case 2: v = ldexp((double)((bits >> 8) % 100000), -(int)(bits % 20)); break;
		default:
			v = (double)(bits >> 11) / 9007199254740992.0 *
			    pow(10, (int)(bits % 16) - 4);
		}
		snprintf(want, sizeof want, "%.*f", dec, v);
		format_fixed(got, v, dec);
		assert_string_equal(got, want);
	}
}

/* A bounded buffer refuses what does not fit and keeps what it had. */
static void test_bounded(void **state)
{
	strbuf sb;

	(void)state;
	sb_init(&sb, 8);
	assert_int_equal(sb_json_string(&sb, "abc"), DTI_EOK);
	assert_string_equal(sb.data, "\"abc\"");
	assert_int_equal(sb_json_string(&sb, "too long"), DTI_ELIMIT);
	assert_string_equal(sb.data, "\"abc\"");
	assert_int_equal(sb.len, 5);
	assert_int_equal(sb_json_string(&sb, "\n"), DTI_ELIMIT); /* 4 bytes: would reach 9 */
	assert_string_equal(sb.data, "\"abc\"");
	assert_int_equal(sb_json_number(&sb, NAN), DTI_EINVALID);
	assert_int_equal(sb_json_number(&sb, INFINITY), DTI_EINVALID);
	assert_string_equal(sb.data, "\"abc\"");
	sb_free(&sb);
}

static size_t files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A file written in pieces appears whole under its name at commit, and
 * not at all after an abort; no temporary file stays behind. */
static void test_output_file(void **state)
{
	char dir[] = "/tmp/dti-test-output-XXXXXX", *path, *text = NULL;
	output_file o = {0};
	strbuf sb;
	size_t len = 0;
	dti_diag d;
	FILE *paths;
	char listed[256] = "";

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/out.csv", dir);
	assert_int_equal(output_open(&o, path, &d), DTI_EOK);
	sb_init(&sb, 0);
	sb_appends(&sb, "a,b\n");
	assert_int_equal(output_flush(&o, &sb, &d), DTI_EOK);
	assert_int_equal(sb.len, 0);
	assert_int_equal(access(path, F_OK), -1); /* not there before commit */
	sb_appends(&sb, "1,2\n");
	assert_int_equal(output_flush(&o, &sb, &d), DTI_EOK);
	paths = tmpfile();
	assert_int_equal(output_commit(&o, paths, &d), DTI_EOK);
	rewind(paths);
	assert_non_null(fgets(listed, sizeof listed, paths));
	fclose(paths);
	assert_int_equal(strncmp(listed, path, strlen(path)), 0);
	assert_int_equal(read_file(path, 1024, &text, &len, &d), DTI_EOK);
	assert_string_equal(text, "a,b\n1,2\n");
	free(text);
	assert_int_equal(files_in(dir), 1);

	/* An aborted rewrite leaves the old file as it was. */
	assert_int_equal(output_open(&o, path, &d), DTI_EOK);
	sb_appends(&sb, "half");
	assert_int_equal(output_flush(&o, &sb, &d), DTI_EOK);
	output_abort(&o);
	assert_int_equal(read_file(path, 1024, &text, &len, &d), DTI_EOK);
	assert_string_equal(text, "a,b\n1,2\n");
	free(text);
	assert_int_equal(files_in(dir), 1);
	unlink(path);
	free(path);

	/* The same bytes into two files: held below OUTPUT_HELD, then into
	 * both at the end. */
	{
		output_file two[2] = {{0}, {0}};
		char *p2[2] = {xasprintf("%s/one.csv", dir), xasprintf("%s/two.csv", dir)};
		for (size_t k = 0; k < 2; k++)
			assert_int_equal(output_open(&two[k], p2[k], &d), DTI_EOK);
		sb_appends(&sb, "x,y\n");
		assert_int_equal(output_flush_past(two, 2, &sb, false, &d), DTI_EOK);
		assert_int_equal(sb.len, 4); /* held */
		assert_int_equal(output_flush_past(two, 2, &sb, true, &d), DTI_EOK);
		assert_int_equal(sb.len, 0);
		for (size_t k = 0; k < 2; k++) {
			assert_int_equal(output_commit(&two[k], NULL, &d), DTI_EOK);
			assert_int_equal(read_file(p2[k], 1024, &text, &len, &d), DTI_EOK);
			assert_string_equal(text, "x,y\n");
			free(text);
			unlink(p2[k]);
			free(p2[k]);
		}
	}

	/* A folder that does not exist: an error naming the file. */
	path = xasprintf("%s/missing/out.csv", dir);
	assert_int_equal(output_open(&o, path, &d), DTI_EIO);
	assert_non_null(strstr(d.msg, "missing/out.csv"));
	assert_null(o.f);
	free(path);
	sb_free(&sb);
	assert_int_equal(rmdir(dir), 0);
}

/* A folder written over (output_sync_later): of what was there, only the
 * files recorded as written this time stay, and the folders left empty
 * go; 600 files in two folders, recorded out of order, names sharing
 * their beginnings, one path outside the folder not recorded. */
static void test_remove_unwritten(void **state)
{
	char dir[] = "/tmp/dti-test-unwritten-XXXXXX";
	char *sub[3], *outside;
	dti_diag d;
	strbuf sb;

	(void)state;
	assert_non_null(mkdtemp(dir));
	sub[0] = xasprintf("%s/report", dir);
	sub[1] = xasprintf("%s/excel", dir);
	sub[2] = xasprintf("%s/old", dir);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(mkdir(sub[k], 0755), 0);
	sb_init(&sb, 0);
	sb_appends(&sb, "x");
	/* Before: 300 files in each of report and excel, one in old. */
	for (int i = 0; i < 600; i++) {
		char name[32];
		snprintf(name, sizeof name, "c-%d.html", i / 2);
		assert_int_equal(write_output(sub[i % 2], name, &sb, NULL, &d), DTI_EOK);
	}
	assert_int_equal(write_output(sub[2], "gone.html", &sb, NULL, &d), DTI_EOK);
	output_sync_later(dir);
	/* Written again: the even ones of report, from the last down, and
	 * excel's c-1.html only; a path that only begins like the folder. */
	for (int i = 298; i >= 0; i -= 2) {
		char *path = xasprintf("%s/c-%d.html", sub[0], i);
		output_written(path);
		free(path);
	}
	outside = xasprintf("%sx/report/c-1.html", dir);
	output_written(outside);
	free(outside);
	{
		char *path = xasprintf("%s/c-1.html", sub[1]);
		output_written(path);
		free(path);
	}
	output_remove_unwritten();
	output_sync_later(NULL);
	assert_int_equal(files_in(sub[0]), 150);
	assert_int_equal(files_in(sub[1]), 1);
	for (int i = 0; i < 300; i++) {
		char *path = xasprintf("%s/c-%d.html", sub[0], i);
		assert_int_equal(access(path, F_OK) == 0, i % 2 == 0);
		free(path);
	}
	assert_int_equal(access(sub[2], F_OK), -1); /* left empty: gone */
	for (int i = 0; i < 300; i += 2) {
		char *path = xasprintf("%s/c-%d.html", sub[0], i);
		unlink(path);
		free(path);
	}
	{
		char *path = xasprintf("%s/c-1.html", sub[1]);
		unlink(path);
		free(path);
	}
	for (size_t k = 0; k < 2; k++)
		assert_int_equal(rmdir(sub[k]), 0);
	for (size_t k = 0; k < 3; k++)
		free(sub[k]);
	sb_free(&sb);
	assert_int_equal(rmdir(dir), 0);
}

/* Stored times (UTC) shown in Vietnam time, the Vietnamese way. */
static void test_time_vn(void **state)
{
	char out[TIME_VN_MAX], long_text[200];
	time_t t = 0;

	(void)state;
	assert_true(time_vn("2026-12-01T07:05:59.123Z", out));
	assert_string_equal(out, "14:05 ngày 01/12/2026 (giờ Việt Nam)");
	/* Past midnight in Vietnam: the next day, month and year. */
	assert_true(time_vn("2025-12-31T17:30:00Z", out));
	assert_string_equal(out, "00:30 ngày 01/01/2026 (giờ Việt Nam)");
	/* A time given with its own zone means the same instant. */
	assert_true(time_vn("2024-12-31T17:00:00+07:00", out));
	assert_string_equal(out, "17:00 ngày 31/12/2024 (giờ Việt Nam)");
	assert_true(time_vn("2024-03-01 10:00-00:30", out));
	assert_string_equal(out, "17:30 ngày 01/03/2024 (giờ Việt Nam)");
	assert_true(time_parse_iso("1970-01-01T00:01Z", &t));
	assert_int_equal((long long)t, 60);
	/* Not a time: no zone, junk, NULL — shown as it is, never invented. */
	assert_false(time_parse_iso("2024-12-31T17:00:00", &t));
	assert_false(time_parse_iso("2024-13-01T00:00Z", &t));
	assert_false(time_parse_iso("2024-12-31T17:00:00Zjunk", &t));
	assert_false(time_vn("chưa có", out));
	assert_string_equal(out, "chưa có");
	assert_false(time_vn(NULL, out));
	assert_string_equal(out, "");
	memset(long_text, 0, sizeof long_text);
	for (size_t i = 0; i + 3 < sizeof long_text; i += 3)
		memcpy(long_text + i, "ạ", 3);
	assert_false(time_vn(long_text, out));
	assert_true(strlen(out) < TIME_VN_MAX && strlen(out) % 3 == 0);
}

/* open_below reaches a file below its folder through no link: a linked
 * folder or file, "..", "." and a folder named as a file are refused. */
static void test_open_below(void **state)
{
	char dir[] = "/tmp/dti-test-below-XXXXXX", *p, *text = NULL;
	const char *refused[] = {"link/f.txt",  "sub/link.txt", "../x",       "sub/../sub/f.txt",
				 "./sub/f.txt", "sub",          "sub//f.txt", "sub/missing.txt"};
	size_t len = 0;
	dti_diag d;
	int fd = -1;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	p = xasprintf("%s/sub", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	p = xasprintf("%s/sub/f.txt", dir);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs("inside", f);
	fclose(f);
	free(p);
	p = xasprintf("%s/link", dir);
	assert_int_equal(symlink("sub", p), 0);
	free(p);
	p = xasprintf("%s/sub/link.txt", dir);
	assert_int_equal(symlink("f.txt", p), 0);
	free(p);

	assert_int_equal(open_below(dir, "sub/f.txt", &fd, &d), DTI_EOK);
	assert_int_equal(read_fd(fd, "sub/f.txt", 1024, &text, &len, &d), DTI_EOK);
	assert_string_equal(text, "inside");
	free(text);
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		fd = -1;
		assert_int_equal(open_below(dir, refused[i], &fd, &d), DTI_ENOTFOUND);
		assert_int_equal(fd, -1);
	}
	p = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
	free(p);
}

/* parse_nonneg_decimal: the plain digits read without strtod give what
 * strtod gives, and everything else still goes the long way. */
static void test_nonneg_decimal(void **state)
{
	static const struct {
		const char *text;
		double want;
	} good[] = {{"0", 0},
		    {"007", 7},
		    {"18651", 18651},
		    {"999999999999999", 999999999999999.0},
		    {"1234567890123456", 1234567890123456.0},
		    {"9007199254740993", 9007199254740992.0},
		    {" 12", 12},
		    {"12 ", 12},
		    {"12.5", 12.5},
		    {"12,5", 12.5}};
	static const char *const bad[] = {"",    " ",  "-1",  "+1",  "1e3",
					  "12.", ".5", "1 2", "12a", "0x10"};
	double x;

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		x = -1;
		assert_true(parse_nonneg_decimal(good[i].text, ',', &x));
		assert_true(x == good[i].want);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		x = -1;
		assert_false(parse_nonneg_decimal(bad[i], ',', &x));
		assert_true(x == -1);
	}
	assert_false(parse_nonneg_decimal("12,5", '.', &x));
}

/* text_yesno: the words read without folding answer as the folded ones. */
static void test_yesno(void **state)
{
	static const struct {
		const char *text;
		int want;
	} cases[] = {{"c\xC3\xB3", 1},
		     {"kh\xC3\xB4ng", 0},
		     {" c\xC3\xB3", 1},
		     {"c\xC3\xB3 ", 1},
		     {"C\xC3\x93", 1},
		     {"KH\xC3\x94NG", 0},
		     {"co\xCC\x81", 1},
		     {"kho\xCC\x82ng", 0},
		     {"yes", 1},
		     {"No", 0},
		     {"1", 1},
		     {"0", 0},
		     {"co", 1},
		     {"khong", 0},
		     {"c\xC3\xB3 kh\xC3\xB4ng", -1},
		     {"c\xC3\xB3"
		      "c\xC3\xB3",
		      -1},
		     {"", -1},
		     {"maybe", -1}};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (text_yesno(cases[i].text) != cases[i].want)
			fail_msg("text_yesno(\"%s\") is %d, not %d", cases[i].text,
				 text_yesno(cases[i].text), cases[i].want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strings),          cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_format_whole),     cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_output_file),      cmocka_unit_test(test_time_vn),
		cmocka_unit_test(test_open_below),       cmocka_unit_test(test_format_fixed),
		cmocka_unit_test(test_nonneg_decimal),   cmocka_unit_test(test_yesno),
		cmocka_unit_test(test_format_roundtrip), cmocka_unit_test(test_json_scan),
		cmocka_unit_test(test_format_general),   cmocka_unit_test(test_remove_unwritten),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
