/* digest.h — SHA-256 through OpenSSL's libcrypto (EVP), as lowercase hex.
 * Identifies payloads, framework editions and input sets. */
#ifndef DTI_DIGEST_H
#define DTI_DIGEST_H

#include <stddef.h>

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
void sha256_update(sha256_ctx *c, const void *data, size_t len);
void sha256_final_hex(sha256_ctx *c, char out[65]);

#endif
