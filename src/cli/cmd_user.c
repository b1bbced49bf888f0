/*
 * cmd_user: `kvpt user add|list|passwd` — manage the server's users in its
 * store from the command line (the first administrator is created this
 * way; later ones through the API as well).
 */
#include "cli.h"
#include "auth/auth.h"
#include "model/model.h"
#include "store/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

const char kvpt_usage_user[] =
	"usage: kvpt user add [--db PATH] [--admin] [--display NAME]\n"
	"                     [--clearance LEVEL] [--password-stdin | --random]\n"
	"                     NAME\n"
	"       kvpt user passwd [--db PATH] [--password-stdin | --random] NAME\n"
	"       kvpt user list [--db PATH]\n"
	"\n"
	"Manages the users of a kvpt server's database (default kvpt.db).\n"
	"Passwords are hashed with argon2id; they are asked for on the\n"
	"terminal (twice), read from the first line of standard input with\n"
	"--password-stdin, or made up with --random and printed once.  A\n"
	"password has at least 10 characters.  There are no default\n"
	"passwords.  Run these while the server is stopped, or manage users\n"
	"through the API (docs/api.md) while it runs.\n"
	"\n"
	"  --admin            an administrator (users, exercises, audit)\n"
	"  --display NAME     the full name shown in the UI\n"
	"  --clearance LEVEL  none, mat, toi-mat or tuyet-mat (default none)\n"
	"\n"
	"Exit status: 0 done, 1 refused (name taken, password too short),\n"
	"2 usage or store error.\n";

#define PASSWORD_MIN 10

static int read_password(int from_stdin, char *out, size_t n)
{
	struct termios old, quiet;
	char again[KVPT_AUTH_PASSWORD_MAX + 2];
	int tty = !from_stdin && isatty(0);
	size_t len;

	if (tty) {
		fprintf(stderr, "Password: ");
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	if (!fgets(out, (int)n, stdin))
		out[0] = '\0';
	if (tty) {
		fprintf(stderr, "\nAgain: ");
		if (!fgets(again, sizeof(again), stdin))
			again[0] = '\0';
		tcsetattr(0, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	len = strcspn(out, "\r\n");
	out[len] = '\0';
	if (tty) {
		again[strcspn(again, "\r\n")] = '\0';
		if (strcmp(out, again)) {
			fprintf(stderr, "kvpt user: the passwords differ\n");
			return -1;
		}
	}
	if (len < PASSWORD_MIN) {
		fprintf(stderr, "kvpt user: a password needs at least %d "
			"characters\n", PASSWORD_MIN);
		return -1;
	}
	return 0;
}

static int list_cb(void *arg, const struct kvpt_user_rec *u)
{
	printf("%-20s %-30s %-6s %-10s%s\n", u->name,
	       u->display ? u->display : "", u->admin ? "admin" : "",
	       u->clearance ? kvpt_enum_id(kvpt_classifications, u->clearance)
			    : "none", u->disabled ? " disabled" : "");
	return 0;
}

struct find_ctx {
	const char *name;
	struct kvpt_user_rec found;
	char display[256], hash[KVPT_AUTH_HASH_MAX];
	int ok;
};

static int find_cb(void *arg, const struct kvpt_user_rec *u)
{
	struct find_ctx *c = arg;

	if (strcmp(u->name, c->name))
		return 0;
	c->found = *u;
	snprintf(c->display, sizeof(c->display), "%s",
		 u->display ? u->display : "");
	c->found.display = c->display;
	c->found.name = c->name;
	c->ok = 1;
	return 1;
}

KVPT_CMD(user)
{
	const struct kvpt_cmd *self = kvpt_cli_find("user");
	const char *db = "kvpt.db", *display = NULL, *name = NULL, *sub;
	int admin = 0, clearance = KVPT_CLASS_NONE, from_stdin = 0;
	int random = 0, i, rc = KVPT_EXIT_OK;
	char pw[KVPT_AUTH_PASSWORD_MAX + 2], hash[KVPT_AUTH_HASH_MAX];
	struct kvpt_store *st;
	struct kvpt_buf err = KVPT_BUF_INIT;

	if (argc < 2)
		return kvpt_cli_usage_error(self, "add, passwd or list?");
	sub = argv[1];
	if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "passwd"))
		return kvpt_cli_usage_error(self, "unknown '%s'", sub);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) {
			db = argv[++i];
		} else if (!strcmp(argv[i], "--admin")) {
			admin = 1;
		} else if (!strcmp(argv[i], "--display") && i + 1 < argc) {
			display = argv[++i];
		} else if (!strcmp(argv[i], "--clearance") && i + 1 < argc) {
			i++;
			clearance = kvpt_enum_parse(kvpt_classifications,
						    argv[i]);
			if (!strcmp(argv[i], "mat"))
				clearance = KVPT_CLASS_CONFIDENTIAL;
			else if (!strcmp(argv[i], "toi-mat"))
				clearance = KVPT_CLASS_SECRET;
			else if (!strcmp(argv[i], "tuyet-mat"))
				clearance = KVPT_CLASS_TOP_SECRET;
			if (clearance < 0)
				return kvpt_cli_usage_error(
					self, "--clearance: none, mat, "
					"toi-mat or tuyet-mat");
		} else if (!strcmp(argv[i], "--password-stdin")) {
			from_stdin = 1;
		} else if (!strcmp(argv[i], "--random")) {
			random = 1;
		} else if (argv[i][0] != '-' && !name) {
			name = argv[i];
		} else {
			return kvpt_cli_usage_error(self, "unexpected '%s'",
						    argv[i]);
		}
	}
	if (strcmp(sub, "list") && !name)
		return kvpt_cli_usage_error(self, "which user?");
	if (name && (strlen(name) > 64 ||
		     strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-") !=
		     strlen(name)))
		return kvpt_cli_usage_error(self, "a user name is 1 to 64 of "
					    "a-z 0-9 . _ -");
	if (kvpt_auth_init()) {
		fprintf(stderr, "kvpt user: libsodium cannot start\n");
		return KVPT_EXIT_USAGE;
	}
	if (kvpt_store_open(db, NULL, &st, &err)) {
		fprintf(stderr, "kvpt user: %s\n", err.s);
		kvpt_buf_release(&err);
		return KVPT_EXIT_USAGE;
	}
	if (!strcmp(sub, "list")) {
		if (st->ops->user_load_all(st, list_cb, NULL, &err))
			rc = KVPT_EXIT_USAGE;
		goto out;
	}
	if (random) {
		kvpt_auth_random_password(pw, 16);
	} else if (read_password(from_stdin, pw, sizeof(pw))) {
		rc = KVPT_EXIT_FOUND;
		goto out;
	}
	if (kvpt_auth_hash_password(pw, hash)) {
		fprintf(stderr, "kvpt user: cannot hash the password (out of "
			"memory?)\n");
		rc = KVPT_EXIT_USAGE;
		goto out;
	}
	if (st->ops->begin(st, &err)) {
		rc = KVPT_EXIT_USAGE;
		goto out;
	}
	if (!strcmp(sub, "add")) {
		struct kvpt_user_rec u;

		memset(&u, 0, sizeof(u));
		u.name = name;
		u.display = display ? display : name;
		u.pass_hash = hash;
		u.admin = admin;
		u.clearance = clearance;
		u.created_ms = (int64_t)time(NULL) * 1000;
		i = st->ops->user_insert(st, &u, &err);
	} else {
		struct find_ctx c;

		memset(&c, 0, sizeof(c));
		c.name = name;
		st->ops->user_load_all(st, find_cb, &c, &err);
		if (!c.ok) {
			kvpt_buf_addf(&err, "no user '%s'", name);
			i = KVPT_ENOTFOUND;
		} else {
			c.found.pass_hash = hash;
			i = st->ops->user_update(st, &c.found, &err);
		}
	}
	if (i || st->ops->commit(st, &err)) {
		st->ops->rollback(st);
		rc = i == KVPT_ESTATE || i == KVPT_ENOTFOUND ? KVPT_EXIT_FOUND
							      : KVPT_EXIT_USAGE;
		goto out;
	}
	if (random)
		printf("%s %s\n", name, pw);
	else
		fprintf(stderr, "kvpt user: %s %s\n", name,
			!strcmp(sub, "add") ? "added" : "password changed");
out:
	memset(pw, 0, sizeof(pw));
	if (err.len)
		fprintf(stderr, "kvpt user: %s\n", err.s);
	kvpt_buf_release(&err);
	kvpt_store_close(st);
	return rc;
}
