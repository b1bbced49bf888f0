/*
 * yaml: the one module that includes libfyaml.  It turns a YAML text into a
 * small tree of nodes the loader walks (struct kvpt_ynode), each with its
 * line and column, and reports syntax errors as diagnostics.  Aliases and
 * anchors are refused: a plan is plain data.
 */
#ifndef KVPT_YAML_H
#define KVPT_YAML_H

#include <stddef.h>

#include "base/arena.h"
#include "model/diag.h"

enum kvpt_ynode_type {
	KVPT_Y_SCALAR,
	KVPT_Y_SEQ,
	KVPT_Y_MAP,
};

struct kvpt_ynode {
	const char *str;		/* SCALAR: NUL-terminated text */
	struct kvpt_ynode **items;	/* SEQ: items; MAP: key,value,key,… */
	unsigned len;			/* SCALAR: bytes; SEQ: items; MAP: pairs */
	int line, col;			/* 1-based */
	unsigned char type;		/* enum kvpt_ynode_type */
	unsigned char plain;		/* SCALAR: unquoted */
	unsigned char null;		/* SCALAR: ~, null or empty plain */
};

/*
 * Optional streaming: the loader may take the items of a top-level list
 * (each phase of `phases:`, say) as soon as they are parsed, so the tree of
 * a national-scale plan never exists whole.
 */
struct kvpt_yaml_stream {
	/* A top-level section's value is complete (called for every key of
	 * the root mapping, in order). */
	void (*section)(void *user, const char *key,
			const struct kvpt_ynode *value);
	/* An item of the top-level list `section` is complete.  Return 1
	 * when it was consumed: it is then left out of the tree and its
	 * nodes are reused, so it must not be referenced afterwards. */
	int (*item)(void *user, const char *section,
		    const struct kvpt_ynode *item);
	void *user;
};

/*
 * Parse text (len bytes, need not be NUL-terminated) into a tree whose nodes
 * are allocated in `nodes` and whose scalar strings go to `strings` (so the
 * nodes can be dropped while the strings live on in a plan).  Returns the root (NULL for an empty document) and 0, or
 * KVPT_EINVAL after adding diagnostics for file index `file`.  Nesting
 * deeper than max_depth is an error.
 */
int kvpt_yaml_parse(const char *text, size_t len, int file, int max_depth,
		    struct kvpt_arena *nodes, struct kvpt_arena *strings,
		    struct kvpt_ynode **root,
		    const struct kvpt_yaml_stream *stream,
		    struct kvpt_diags *diags);

/* Parse with libfyaml's event parser only, building nothing: the
 * baseline the checker benchmark compares against.  Returns 0 or -1. */
int kvpt_yaml_parse_only(const char *text, size_t len);

/* Build and drop libfyaml's own document tree of text: a second baseline
 * for the benchmark (what a loader built on libfyaml's document API pays
 * before reading anything).  Returns 0 or -1. */
int kvpt_yaml_document_only(const char *text, size_t len);

#endif
