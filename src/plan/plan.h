/*
 * plan: loading an exercise plan from YAML (libfyaml) into the model.
 * The loader follows `include:` files, checks syntax, keys, types and
 * values, resolves every reference by id, and reports what is wrong as
 * diagnostics with file:line:col.  Doctrine and consistency rules that need
 * the whole plan are the checker's (check/check.h).
 *
 * The format is documented in docs/plan-format.md.
 */
#ifndef KVPT_PLAN_H
#define KVPT_PLAN_H

#include <stddef.h>

#include "model/diag.h"
#include "model/model.h"

/* A plan file held in memory, named by the path the loader uses for it. */
struct kvpt_plan_file {
	const char *path;
	const char *text;
	size_t len;
};

struct kvpt_load_opts {
	size_t max_file_size;	/* bytes per file; 0 = default (64 MiB) */
	int max_files;		/* main file + includes; 0 = default (256) */
	int max_depth;		/* YAML nesting; 0 = default (64) */
	/* When set, every file (the main one and its includes) is read from
	 * here, never from the disk; a path not in the list cannot be read.
	 * A server keeps a plan's files this way (plan->files names them). */
	const struct kvpt_plan_file *files;
	int nfiles;
};

#define KVPT_MAX_FILE_SIZE_DEFAULT ((size_t)64 << 20)

/*
 * Load the plan in file path (and its includes).  On return *out holds the
 * plan (even when errors were found, so the checker can report more; the
 * caller frees it with kvpt_plan_free), or NULL when the main file could
 * not be read.  Returns 0 when no error diagnostic was added, KVPT_EINVAL
 * when some were, KVPT_EIO when the main file could not be read (a
 * diagnostic says why).  opts may be NULL.
 */
int kvpt_plan_load_file(const char *path, const struct kvpt_load_opts *opts,
			struct kvpt_plan **out, struct kvpt_diags *diags);

/*
 * The same for a plan held in memory (an upload, a fuzz input); name is the
 * file name used in diagnostics; includes are read relative to base_dir, or
 * refused when base_dir is NULL.
 */
int kvpt_plan_load_string(const char *name, const char *text, size_t len,
			  const char *base_dir,
			  const struct kvpt_load_opts *opts,
			  struct kvpt_plan **out, struct kvpt_diags *diags);

#endif
