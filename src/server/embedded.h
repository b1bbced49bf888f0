/*
 * embedded: files built into the binary by cmake/embed.cmake (the OpenAPI
 * document, and the web front when there is one), so a server needs
 * nothing beside its executable and its database.
 */
#ifndef KVPT_EMBEDDED_H
#define KVPT_EMBEDDED_H

#include <stddef.h>

struct kvpt_embedded {
	const char *path;		/* as served, e.g. "openapi.json",
					 * "static/app.js" */
	const unsigned char *data;
	size_t len;			/* filled in on first lookup */
	const unsigned char *end;	/* one past the data */
	char etag[20];			/* filled in on first lookup */
};

/* Ends with an entry whose path is NULL. */
extern struct kvpt_embedded kvpt_embedded[];

/* The embedded file at path (len and etag set), or NULL. */
const struct kvpt_embedded *kvpt_embedded_find(const char *path);

#endif
