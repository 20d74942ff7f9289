/* digest.c — SHA-256 from libcrypto rather than our own: OpenSSL's is
 * reviewed, tested against the standard's vectors and uses the CPU's SHA
 * instructions where there are any.  libcrypto is already on every machine
 * that has libcurl (Debian's libcurl is built on OpenSSL). */
#include "digest.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void digest_fatal(const char *what)
{
	fprintf(stderr, "dti: libcrypto: %s failed\n", what);
	abort();
}

void sha256_init(sha256_ctx *c)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	if (!md)
		digest_fatal("EVP_MD_CTX_new");
	if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1)
		digest_fatal("EVP_DigestInit_ex(sha256)");
	c->md = md;
	c->used = 0;
}

static void flush(sha256_ctx *c)
{
	if (c->used && EVP_DigestUpdate(c->md, c->buf, c->used) != 1)
		digest_fatal("EVP_DigestUpdate");
	c->used = 0;
}

void sha256_update_big(sha256_ctx *c, const void *data, size_t len)
{
	flush(c);
	if (len >= sizeof c->buf) {
		if (EVP_DigestUpdate(c->md, data, len) != 1)
			digest_fatal("EVP_DigestUpdate");
		return;
	}
	memcpy(c->buf, data, len);
	c->used = len;
}

static void to_hex(const unsigned char d[32], char out[65])
{
	static const char hex[] = "0123456789abcdef";

	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void sha256_final_hex(sha256_ctx *c, char out[65])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	flush(c);
	if (EVP_DigestFinal_ex(c->md, d, &n) != 1 || n != 32)
		digest_fatal("EVP_DigestFinal_ex");
	EVP_MD_CTX_free(c->md);
	c->md = NULL;
	to_hex(d, out);
}

void sha256_hex(const void *data, size_t len, char out[65])
{
	unsigned char d[32];

	if (!EVP_Digest(data, len, d, NULL, EVP_sha256(), NULL))
		digest_fatal("EVP_Digest(sha256)");
	to_hex(d, out);
}
