#ifndef JOURNAL_UTIL_TOKEN_H
#define JOURNAL_UTIL_TOKEN_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The secrets in front-desk links. A token is 256 bits from the kernel (getrandom),
 * written as 64 lowercase hex digits; it is only ever mailed, and what the journal keeps
 * is its hash, "sha256:" and 64 hex digits, so that a copy of the repository gives no
 * one a working link.
 */
#define TOKEN_HEX_LEN  64
#define TOKEN_HASH_LEN (7 + 64) /* "sha256:" + hex */

/* A new token into hex (TOKEN_HEX_LEN + 1 bytes). JOURNAL_EINTERNAL when the kernel fails. */
int token_new(char hex[TOKEN_HEX_LEN + 1]);
/* Whether s is a token's form: exactly 64 lowercase hex digits. */
bool token_well_formed(const char *s);
/* The stored form of token: "sha256:<hex>". */
void token_hash(const char *token, char out[TOKEN_HASH_LEN + 1]);
/* Whether token hashes to stored, compared in constant time (NULL stored: never). */
bool token_matches(const char *token, const char *stored);
/* HMAC-SHA-256 of msg under key, in hex (65 bytes). */
void token_hmac(const unsigned char *key, size_t keylen, const char *msg, char out[65]);
/* a and b equal (both NUL-terminated), in time that depends on the length only. */
bool token_equal(const char *a, const char *b);

#endif
