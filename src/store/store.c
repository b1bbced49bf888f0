/*
 * store: choosing a backend for a store location.  See store.h.  Every
 * location is a SQLite file path for now; a PostgreSQL backend would be
 * chosen here by the form of `where` (a "postgresql://" URI).
 */
#include "store.h"
#include "model/model.h"

int kvpt_store_open(const char *where, const struct kvpt_store_opts *opts,
		    struct kvpt_store **out, struct kvpt_buf *err)
{
	*out = NULL;
	/* SQLite would take "" for a private temporary database, which
	 * keeps nothing across a restart. */
	if (!where || !*where) {
		if (err)
			kvpt_buf_adds(err, "store: no database path given");
		return KVPT_EIO;
	}
	return kvpt_store_sqlite_open(where, opts, out, err);
}
