/*
 * auth: passwords and session tokens, the only module that includes
 * libsodium.  Passwords are hashed with argon2id at libsodium's
 * "interactive" limits (about 64 MiB and a few tenths of a second: the
 * server runs it on a worker thread); session tokens are 256 random bits
 * given to the browser in hex and stored only as their BLAKE2b-256 hash,
 * so a copy of the database does not let anyone log in.
 */
#ifndef KVPT_AUTH_H
#define KVPT_AUTH_H

#include <stddef.h>
#include <stdint.h>

/* Length of an argon2id hash string, terminating NUL included. */
#define KVPT_AUTH_HASH_MAX 128
/* Hex token length (256 bits), NUL excluded. */
#define KVPT_AUTH_TOKEN_HEX 64
#define KVPT_AUTH_TOKEN_HASH 32
/* Passwords longer than this are refused before hashing. */
#define KVPT_AUTH_PASSWORD_MAX 1024

/* Initialise libsodium; 0, or KVPT_EIO when it cannot start. */
int kvpt_auth_init(void);

/* Hash password into out (KVPT_AUTH_HASH_MAX bytes).  0, or KVPT_EIO when
 * the memory it needs cannot be had. */
int kvpt_auth_hash_password(const char *password,
			    char out[KVPT_AUTH_HASH_MAX]);
/* 1 when password matches hash, else 0. */
int kvpt_auth_verify_password(const char *hash, const char *password);

/* A fresh random token as hex (out has KVPT_AUTH_TOKEN_HEX + 1 bytes). */
void kvpt_auth_token(char out[KVPT_AUTH_TOKEN_HEX + 1]);
/* The hash under which a token is stored.  A token is any string here;
 * the caller checks its shape. */
void kvpt_auth_token_hash(const char *token, size_t len,
			  uint8_t out[KVPT_AUTH_TOKEN_HASH]);
/* Constant-time comparison of two equal-length buffers: 1 when equal. */
int kvpt_auth_equal(const void *a, const void *b, size_t len);
/* A random password of n letters and digits (out has n + 1 bytes). */
void kvpt_auth_random_password(char *out, size_t n);

#endif
