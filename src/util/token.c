#define _DEFAULT_SOURCE /* getrandom */
#include "util/token.h"

#include "util/error.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <string.h>
#include <sys/random.h>

static void to_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = '\0';
}

int token_new(char hex[TOKEN_HEX_LEN + 1])
{
    unsigned char bytes[TOKEN_HEX_LEN / 2];
    size_t got = 0;
    while (got < sizeof(bytes)) {
        ssize_t n = getrandom(bytes + got, sizeof(bytes) - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return error_errno("getrandom");
        got += (size_t)n;
    }
    to_hex(bytes, sizeof(bytes), hex);
    OPENSSL_cleanse(bytes, sizeof(bytes));
    return 0;
}

bool token_well_formed(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')) || n >= TOKEN_HEX_LEN)
            return false;
    return n == TOKEN_HEX_LEN;
}

void token_hash(const char *token, char out[TOKEN_HASH_LEN + 1])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(token, strlen(token), md, &len, EVP_sha256(), NULL);
    memcpy(out, "sha256:", 7);
    to_hex(md, len, out + 7);
}

bool token_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la != lb)
        return false;
    return CRYPTO_memcmp(a, b, la) == 0;
}

bool token_matches(const char *token, const char *stored)
{
    if (!stored || !token_well_formed(token))
        return false;
    char hash[TOKEN_HASH_LEN + 1];
    token_hash(token, hash);
    return token_equal(hash, stored);
}

void token_hmac(const unsigned char *key, size_t keylen, const char *msg, char out[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)msg, strlen(msg), md, &len);
    to_hex(md, len, out);
}
