/* HTML escaping, which links may be links, and rating bands from the
 * configuration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html.h"
#include "report.h"
#include "util.h"

static char *render_text(const char *s)
{
	strbuf sb;
	sb_init(&sb, 0);
	html_text(&sb, s);
	sb_appends(&sb, "");
	return sb_take(&sb);
}

static char *render_link(const char *url, const char *label)
{
	strbuf sb;
	sb_init(&sb, 0);
	html_link(&sb, url, label);
	sb_appends(&sb, "");
	return sb_take(&sb);
}

static void test_escape(void **state)
{
	char *s;
	(void)state;
	s = render_text("<script>alert('x')</script> & \"Độc\"");
	assert_string_equal(
		s, "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Độc&quot;");
	free(s);
	s = render_text("Xã Lạc Đạo");
	assert_string_equal(s, "Xã Lạc Đạo");
	free(s);
	s = render_text("");
	assert_string_equal(s, "");
	free(s);
}

static void test_links(void **state)
{
	char *s;
	(void)state;
	assert_true(html_url_ok("https://example.org/x"));
	assert_true(html_url_ok("HTTP://example.org"));
	assert_false(html_url_ok("javascript:alert(1)"));
	assert_false(html_url_ok("JaVaScRiPt:alert(1)"));
	assert_false(html_url_ok(" https://example.org"));
	assert_false(html_url_ok("https://exa mple.org"));
	assert_false(html_url_ok("https://"));
	assert_false(html_url_ok("https:///etc/passwd"));
	assert_false(html_url_ok("//evil.example"));
	assert_false(html_url_ok("data:text/html,<script>"));
	assert_false(html_url_ok("file:///etc/passwd"));
	assert_false(html_url_ok("https://a.example/\x01"));
	assert_false(html_url_ok(NULL));

	s = render_link("javascript:alert(1)", NULL);
	assert_string_equal(s, "javascript:alert(1)");
	free(s);
	s = render_link("https://a.example/?q=\"><script>", "xem <minh chứng>");
	assert_string_equal(
		s,
		"<a rel=\"noopener noreferrer nofollow\" "
		"href=\"https://a.example/?q=&quot;&gt;&lt;script&gt;\">xem &lt;minh chứng&gt;</a>");
	free(s);
}

static void test_bands(void **state)
{
	json_error_t e;
	json_t *cfg = json_loads(
		"{\"rating_bands\": [{\"min\": 500, \"label\": \"Trung bình\"},"
		"{\"min\": 800, \"label\": \"Tốt\"}, {\"min\": 650, \"label\": \"Khá\"}]}",
		0, &e);
	rating_bands b;
	dti_diag d;
	(void)state;

	assert_int_equal(report_bands_load(cfg, &b, &d), DTI_EOK);
	assert_int_equal(b.n, 3);
	assert_string_equal(b.items[0].label, "Tốt");
	assert_string_equal(report_band(&b, 800), "Tốt");
	assert_string_equal(report_band(&b, 799.99), "Khá");
	assert_string_equal(report_band(&b, 650), "Khá");
	assert_string_equal(report_band(&b, 500), "Trung bình");
	assert_null(report_band(&b, 499.5));
	report_bands_free(&b);
	json_decref(cfg);

	/* none configured: no band */
	cfg = json_loads("{}", 0, &e);
	assert_int_equal(report_bands_load(cfg, &b, &d), DTI_EOK);
	assert_int_equal(b.n, 0);
	assert_null(report_band(&b, 900));
	json_decref(cfg);

	/* refused: no label, bad min, duplicate min, not a list */
	cfg = json_loads("{\"rating_bands\": [{\"min\": 1, \"label\": \"A\"}, {\"min\": 2}]}", 0,
			 &e);
	assert_int_equal(report_bands_load(cfg, &b, &d), DTI_ECONFIG);
	assert_non_null(strstr(d.msg, "entry 2"));
	json_decref(cfg);
	cfg = json_loads("{\"rating_bands\": [{\"min\": -5, \"label\": \"A\"}]}", 0, &e);
	assert_int_equal(report_bands_load(cfg, &b, &d), DTI_ECONFIG);
	json_decref(cfg);
	cfg = json_loads(
		"{\"rating_bands\": [{\"min\": 5, \"label\": \"A\"}, {\"min\": 5, \"label\": \"B\"}]}",
		0, &e);
	assert_int_equal(report_bands_load(cfg, &b, &d), DTI_ECONFIG);
	json_decref(cfg);
	cfg = json_loads("{\"rating_bands\": {\"min\": 5}}", 0, &e);
	assert_int_equal(report_bands_load(cfg, &b, &d), DTI_ECONFIG);
	json_decref(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_bands),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
