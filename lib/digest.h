/* digest.h — SHA-256 through OpenSSL's libcrypto (EVP), as lowercase hex.
 * Identifies payloads, framework editions and input sets. */
#ifndef DTI_DIGEST_H
#define DTI_DIGEST_H

#include <stddef.h>
#include <string.h>

/* Lowercase hex SHA-256 of a buffer (65 bytes with NUL). */
void sha256_hex(const void *data, size_t len, char out[65]);

/* An incremental digest.  sha256_init allocates, sha256_final_hex writes
 * the digest and frees: every init is followed by one final.  Allocation
 * failure aborts like xmalloc; libcrypto failing on SHA-256 is a broken
 * installation and aborts too. */
typedef struct sha256_ctx {
	void *md; /* EVP_MD_CTX */
	/* Small updates are gathered here and given to libcrypto together:
	 * its per-call cost was most of the scorer's hashing of short fields. */
	size_t used;
	unsigned char buf[1024];
} sha256_ctx;
void sha256_init(sha256_ctx *c);
/* What does not fit in buf (sha256_update, inline, handles the rest). */
void sha256_update_big(sha256_ctx *c, const void *data, size_t len);
/* Inline: the scorer's digests are millions of fields of a few bytes. */
static inline void sha256_update(sha256_ctx *c, const void *data, size_t len)
{
	if (len <= sizeof c->buf - c->used) {
		if (len)
			memcpy(c->buf + c->used, data, len);
		c->used += len;
		return;
	}
	sha256_update_big(c, data, len);
}
void sha256_final_hex(sha256_ctx *c, char out[65]);

#endif
