/* SHA-256 (lib/digest.c) against the known answers of FIPS 180-2's
 * appendix B and the NIST examples: the empty message, "abc", the 448-bit
 * two-block message and one million 'a' fed in uneven pieces; the
 * incremental digest equals the one-shot one at every split. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "digest.h"

static void test_known_answers(void **state)
{
	static const struct {
		const char *msg, *hex;
	} cases[] = {
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		 "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	};
	char out[65];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		sha256_hex(cases[i].msg, strlen(cases[i].msg), out);
		assert_string_equal(out, cases[i].hex);
	}
}

static void test_million_a_in_pieces(void **state)
{
	char piece[997], out[65];
	sha256_ctx c;
	size_t left = 1000000;

	(void)state;
	memset(piece, 'a', sizeof piece);
	sha256_init(&c);
	while (left) {
		size_t n = left < sizeof piece ? left : sizeof piece;
		sha256_update(&c, piece, n);
		left -= n;
	}
	sha256_final_hex(&c, out);
	assert_string_equal(out,
			    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_incremental_equals_one_shot(void **state)
{
	const char *msg =
		"Phường Như Quỳnh, 2024: một chuỗi dài hơn một khối 64 byte để thử mọi chỗ cắt.";
	size_t len = strlen(msg);
	char whole[65], split[65];

	(void)state;
	sha256_hex(msg, len, whole);
	for (size_t cut = 0; cut <= len; cut++) {
		sha256_ctx c;
		sha256_init(&c);
		sha256_update(&c, msg, cut);
		sha256_update(&c, msg + cut, len - cut);
		sha256_final_hex(&c, split);
		assert_string_equal(split, whole);
	}
}

/* Updates of every size around the context's gathering buffer (short ones
 * gathered, long ones given through, one that fills it exactly) give the
 * digest of the whole. */
static void test_pieces_around_the_buffer(void **state)
{
	static unsigned char msg[20000];
	static const size_t sizes[] = {1, 0, 7, 1023, 1, 1024, 1025, 3000, 2, 1021, 3, 64, 5000};
	char whole[65], pieces[65];
	size_t at = 0, k = 0;
	sha256_ctx c;

	(void)state;
	for (size_t i = 0; i < sizeof msg; i++)
		msg[i] = (unsigned char)(i * 131 + 7);
	sha256_hex(msg, sizeof msg, whole);
	sha256_init(&c);
	while (at < sizeof msg) {
		size_t n = sizes[k++ % (sizeof sizes / sizeof sizes[0])];
		if (n > sizeof msg - at)
			n = sizeof msg - at;
		sha256_update(&c, msg + at, n);
		at += n;
	}
	sha256_final_hex(&c, pieces);
	assert_string_equal(pieces, whole);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_answers),
		cmocka_unit_test(test_million_a_in_pieces),
		cmocka_unit_test(test_incremental_equals_one_shot),
		cmocka_unit_test(test_pieces_around_the_buffer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
