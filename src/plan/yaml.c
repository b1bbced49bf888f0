/*
 * yaml: libfyaml's event parser turned into kvpt_ynode trees.  See yaml.h.
 * Events (rather than libfyaml's document API) give start marks for every
 * node, including mappings and sequences, and let us stop at the first
 * error with bounded memory.
 */
#include "yaml.h"
#include "base/xalloc.h"

#include <libfyaml.h>
#include <stdlib.h>
#include <string.h>

struct frame {
	struct kvpt_ynode *node;
	struct kvpt_ynode **items;	/* growing item list, heap */
	size_t n, cap;
};

/*
 * Allocation for the tree.  A national-scale plan has millions of nodes
 * and scalars, and building the tree costs mostly in touching fresh
 * memory, so small objects are carved out of larger pieces of the arenas:
 * nodes and item lists in batches, scalar texts packed end to end (the
 * arena aligns every allocation for any type, which for short ids wastes
 * about a third), and map keys — a few dozen distinct words repeated
 * millions of times — stored once per parse.
 */
#define NODE_BATCH 128
#define PIECE 4096		/* bytes of texts or item lists per piece */
#define PACK_MAX 256		/* longer texts get their own allocation */
#define KEY_MAX 32		/* longer keys are not shared */
#define KEY_SLOTS 256		/* power of two; at most 3/4 filled */

struct key_slot {
	const char *s;		/* packed text, or NULL */
	size_t len;
	unsigned hash;
};

struct tree_alloc {
	struct kvpt_arena *nodes, *strings;
	struct kvpt_ynode *node_next;
	int node_left;
	char *str_next;
	size_t str_left;
	struct kvpt_ynode **item_next;
	size_t item_left;
	struct key_slot keys[KEY_SLOTS];
	int nkeys;
};

/* A node whose every field the caller sets. */
static struct kvpt_ynode *new_node(struct tree_alloc *ta)
{
	if (!ta->node_left) {
		ta->node_next = kvpt_arena_alloc_raw(ta->nodes, NODE_BATCH *
						 sizeof(*ta->node_next));
		ta->node_left = NODE_BATCH;
	}
	ta->node_left--;
	return ta->node_next++;
}

static struct kvpt_ynode **new_items(struct tree_alloc *ta, size_t n)
{
	struct kvpt_ynode **v;

	if (!n)
		n = 1;
	if (n > PIECE / sizeof(*v) / 8)
		return kvpt_arena_alloc_raw(ta->nodes, n * sizeof(*v));
	if (n > ta->item_left) {
		ta->item_next = kvpt_arena_alloc_raw(ta->nodes, PIECE);
		ta->item_left = PIECE / sizeof(*v);
	}
	v = ta->item_next;
	ta->item_next += n;
	ta->item_left -= n;
	return v;
}

static const char *pack_text(struct tree_alloc *ta, const char *s, size_t len)
{
	char *d;

	if (len >= PACK_MAX)
		return kvpt_arena_strndup(ta->strings, s, len);
	if (len + 1 > ta->str_left) {
		ta->str_next = kvpt_arena_alloc_raw(ta->strings, PIECE);
		ta->str_left = PIECE;
	}
	d = ta->str_next;
	memcpy(d, s, len);
	d[len] = '\0';
	ta->str_next += len + 1;
	ta->str_left -= len + 1;
	return d;
}

/* A map key's text, shared with the earlier keys of the same spelling. */
static const char *key_text(struct tree_alloc *ta, const char *s, size_t len)
{
	unsigned h = 2166136261u;
	size_t i, j;

	if (len > KEY_MAX)
		return pack_text(ta, s, len);
	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	for (j = h & (KEY_SLOTS - 1); ta->keys[j].s;
	     j = (j + 1) & (KEY_SLOTS - 1))
		if (ta->keys[j].hash == h && ta->keys[j].len == len &&
		    !memcmp(ta->keys[j].s, s, len))
			return ta->keys[j].s;
	if (ta->nkeys >= KEY_SLOTS / 4 * 3)
		return pack_text(ta, s, len);
	ta->keys[j].s = pack_text(ta, s, len);
	ta->keys[j].len = len;
	ta->keys[j].hash = h;
	ta->nkeys++;
	return ta->keys[j].s;
}

/* Where the tree's allocation stands, to reuse what follows. */
struct tree_mark {
	struct kvpt_arena_mark arena;
	struct kvpt_ynode *node_next;
	int node_left;
	struct kvpt_ynode **item_next;
	size_t item_left;
};

static void tree_mark(struct tree_alloc *ta, struct tree_mark *m)
{
	kvpt_arena_mark(ta->nodes, &m->arena);
	m->node_next = ta->node_next;
	m->node_left = ta->node_left;
	m->item_next = ta->item_next;
	m->item_left = ta->item_left;
}

static void tree_rewind(struct tree_alloc *ta, const struct tree_mark *m)
{
	kvpt_arena_rewind(ta->nodes, &m->arena);
	ta->node_next = m->node_next;
	ta->node_left = m->node_left;
	ta->item_next = m->item_next;
	ta->item_left = m->item_left;
}

static void add_item(struct frame *f, struct kvpt_ynode *n)
{
	XGROW(f->items, f->cap, f->n + 1);
	f->items[f->n++] = n;
}

static void close_frame(struct frame *f, struct tree_alloc *ta)
{
	struct kvpt_ynode *node = f->node;

	node->items = new_items(ta, f->n);
	if (f->n)
		memcpy(node->items, f->items, sizeof(*node->items) * f->n);
	node->len = node->type == KVPT_Y_MAP ? f->n / 2 : f->n;
	f->n = 0;
}

/* Whether a plain scalar of len bytes is YAML's null. */
static int is_null(const char *s, size_t len)
{
	switch (len) {
	case 0:
		return 1;
	case 1:
		return s[0] == '~';
	case 4:
		return !memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
		       !memcmp(s, "NULL", 4);
	default:
		return 0;
	}
}

static void mark_pos(struct kvpt_ynode *n, const struct fy_mark *m)
{
	n->line = m ? m->line + 1 : 0;
	n->col = m ? m->column + 1 : 0;
}

static struct kvpt_pos ypos(int file, int line, int col)
{
	struct kvpt_pos p = { file, line, col };

	return p;
}

int kvpt_yaml_parse(const char *text, size_t len, int file, int max_depth,
		    struct kvpt_arena *arena, struct kvpt_arena *strings,
		    struct kvpt_ynode **root,
		    const struct kvpt_yaml_stream *stream,
		    struct kvpt_diags *diags)
{
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;
	struct fy_parse_cfg cfg;
	struct fy_parser *fyp;
	struct fy_event *ev;
	struct frame *stack = NULL;
	struct tree_alloc *ta;
	struct tree_mark item_mark;
	size_t depth = 0, cap = 0, i;
	int err = 0, docs = 0;

	*root = NULL;
	fy_diag_cfg_default(&dcfg);
	dcfg.fp = NULL;
	dcfg.output_fn = NULL;
	diag = fy_diag_create(&dcfg);
	if (!diag)
		return KVPT_EINVAL;
	fy_diag_set_collect_errors(diag, true);
	ta = xcalloc(1, sizeof(*ta));
	ta->nodes = arena;
	ta->strings = strings;
	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET | FYPCF_DEFAULT_VERSION_1_2;
	cfg.diag = diag;
	fyp = fy_parser_create(&cfg);
	if (!fyp || fy_parser_set_string(fyp, text, len)) {
		err = KVPT_EINVAL;
		kvpt_diag(diags, KVPT_SEV_ERROR, ypos(file, 0, 0), "yaml-syntax",
			  "cannot start the YAML parser");
		goto out_parser;
	}
	while (!err && (ev = fy_parser_parse(fyp)) != NULL) {
		struct kvpt_ynode *n = NULL;
		const struct fy_mark *m = fy_event_start_mark(ev);

		if (stream && stream->item && depth == 2 &&
		    (ev->type == FYET_SCALAR || ev->type == FYET_MAPPING_START ||
		     ev->type == FYET_SEQUENCE_START))
			tree_mark(ta, &item_mark);

		switch (ev->type) {
		case FYET_DOCUMENT_START:
			if (++docs > 1) {
				kvpt_diag(diags, KVPT_SEV_ERROR,
					  ypos(file, m ? m->line + 1 : 0,
					       m ? m->column + 1 : 0),
					  "yaml-syntax", "a plan file holds one "
					  "YAML document; found a second one");
				err = KVPT_EINVAL;
			}
			break;
		case FYET_ALIAS:
			kvpt_diag(diags, KVPT_SEV_ERROR,
				  ypos(file, m ? m->line + 1 : 0,
				       m ? m->column + 1 : 0), "yaml-alias",
				  "YAML aliases (*name) are not allowed in "
				  "plans; write the value out");
			err = KVPT_EINVAL;
			break;
		case FYET_SCALAR: {
			size_t l = 0;
			const char *s = fy_token_get_text(ev->scalar.value, &l);
			enum fy_scalar_style st =
				fy_token_scalar_style(ev->scalar.value);

			if (ev->scalar.anchor) {
				kvpt_diag(diags, KVPT_SEV_ERROR,
					  ypos(file, m ? m->line + 1 : 0,
					       m ? m->column + 1 : 0),
					  "yaml-alias", "YAML anchors (&name) "
					  "are not allowed in plans");
				err = KVPT_EINVAL;
				break;
			}
			if (!s)
				l = 0;
			n = new_node(ta);
			n->type = KVPT_Y_SCALAR;
			/* Keys are the even items of the innermost mapping. */
			if (depth &&
			    stack[depth - 1].node->type == KVPT_Y_MAP &&
			    !(stack[depth - 1].n & 1))
				n->str = key_text(ta, s ? s : "", l);
			else
				n->str = pack_text(ta, s ? s : "", l);
			n->len = l;
			n->plain = st == FYSS_PLAIN || st == FYSS_ANY;
			n->null = n->plain && is_null(n->str, l);
			n->items = NULL;
			mark_pos(n, m);
			break;
		}
		case FYET_MAPPING_START:
		case FYET_SEQUENCE_START:
			if ((ev->type == FYET_MAPPING_START ?
			     ev->mapping_start.anchor :
			     ev->sequence_start.anchor) != NULL) {
				kvpt_diag(diags, KVPT_SEV_ERROR,
					  ypos(file, m ? m->line + 1 : 0,
					       m ? m->column + 1 : 0),
					  "yaml-alias", "YAML anchors (&name) "
					  "are not allowed in plans");
				err = KVPT_EINVAL;
				break;
			}
			if (depth >= (size_t)max_depth) {
				kvpt_diag(diags, KVPT_SEV_ERROR,
					  ypos(file, m ? m->line + 1 : 0,
					       m ? m->column + 1 : 0),
					  "too-deep", "nesting deeper than %d "
					  "levels", max_depth);
				err = KVPT_EINVAL;
				break;
			}
			n = new_node(ta);
			n->type = ev->type == FYET_MAPPING_START ? KVPT_Y_MAP :
								    KVPT_Y_SEQ;
			n->str = NULL;
			n->len = 0;
			n->plain = n->null = 0;
			n->items = NULL;
			mark_pos(n, m);
			if (depth == cap) {
				XGROW(stack, cap, depth + 1);
				memset(stack + depth, 0,
				       (cap - depth) * sizeof(*stack));
			}
			stack[depth].node = n;
			stack[depth].n = 0;
			depth++;
			n = NULL;	/* attached when closed */
			break;
		case FYET_MAPPING_END:
		case FYET_SEQUENCE_END:
			depth--;
			close_frame(&stack[depth], ta);
			n = stack[depth].node;
			break;
		default:
			break;
		}
		fy_parser_event_free(fyp, ev);
		if (n && stream && depth == 2 && stream->item &&
		    stack[1].node->type == KVPT_Y_SEQ &&
		    stack[0].node->type == KVPT_Y_MAP && (stack[0].n & 1) &&
		    stream->item(stream->user, stack[0].items[stack[0].n - 1]->str,
				 n)) {
			tree_rewind(ta, &item_mark);
			n = NULL;
		}
		if (n && stream && stream->section && depth == 1 &&
		    stack[0].node->type == KVPT_Y_MAP && (stack[0].n & 1) &&
		    stack[0].items[stack[0].n - 1]->type == KVPT_Y_SCALAR)
			stream->section(stream->user,
					stack[0].items[stack[0].n - 1]->str, n);
		if (n) {
			if (depth)
				add_item(&stack[depth - 1], n);
			else if (!*root)
				*root = n;
		}
	}
	if (!err && fy_parser_get_stream_error(fyp))
		err = KVPT_EINVAL;
	if (err) {
		struct fy_diag_error *de;
		void *it = NULL;
		int reported = 0;

		while ((de = fy_diag_errors_iterate(diag, &it)) != NULL) {
			if (de->type < FYET_ERROR)
				continue;
			kvpt_diag(diags, KVPT_SEV_ERROR,
				  ypos(file, de->line + 1, de->column + 1),
				  "yaml-syntax", "%s", de->msg);
			reported = 1;
			break;	/* later errors are consequences */
		}
		if (!reported && fy_parser_get_stream_error(fyp))
			kvpt_diag(diags, KVPT_SEV_ERROR, ypos(file, 0, 0),
				  "yaml-syntax", "the YAML could not be parsed");
		*root = NULL;
	}
	for (i = 0; i < cap; i++)
		free(stack[i].items);
	free(stack);
out_parser:
	free(ta);
	if (fyp)
		fy_parser_destroy(fyp);
	fy_diag_destroy(diag);
	return err;
}

int kvpt_yaml_parse_only(const char *text, size_t len)
{
	struct fy_parse_cfg cfg;
	struct fy_parser *fyp;
	struct fy_event *ev;
	int err;

	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET;
	fyp = fy_parser_create(&cfg);
	if (!fyp)
		return -1;
	if (fy_parser_set_string(fyp, text, len)) {
		fy_parser_destroy(fyp);
		return -1;
	}
	while ((ev = fy_parser_parse(fyp)) != NULL)
		fy_parser_event_free(fyp, ev);
	err = fy_parser_get_stream_error(fyp) ? -1 : 0;
	fy_parser_destroy(fyp);
	return err;
}

int kvpt_yaml_document_only(const char *text, size_t len)
{
	struct fy_parse_cfg cfg;
	struct fy_document *fyd;

	memset(&cfg, 0, sizeof(cfg));
	cfg.flags = FYPCF_QUIET;
	fyd = fy_document_build_from_string(&cfg, text, len);
	if (!fyd)
		return -1;
	fy_document_destroy(fyd);
	return 0;
}
