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

static void add_item(struct frame *f, struct kvpt_ynode *n)
{
	XGROW(f->items, f->cap, f->n + 1);
	f->items[f->n++] = n;
}

static void close_frame(struct frame *f, struct kvpt_arena *a)
{
	struct kvpt_ynode *node = f->node;

	node->items = kvpt_arena_alloc(a, sizeof(*node->items) * (f->n ? f->n : 1));
	if (f->n)
		memcpy(node->items, f->items, sizeof(*node->items) * f->n);
	node->len = node->type == KVPT_Y_MAP ? f->n / 2 : f->n;
	f->n = 0;
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
		    struct kvpt_diags *diags)
{
	struct fy_diag_cfg dcfg;
	struct fy_diag *diag;
	struct fy_parse_cfg cfg;
	struct fy_parser *fyp;
	struct fy_event *ev;
	struct frame *stack = NULL;
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
			n = kvpt_arena_alloc(arena, sizeof(*n));
			n->type = KVPT_Y_SCALAR;
			n->str = kvpt_arena_strndup(strings, s ? s : "", s ? l : 0);
			n->len = s ? l : 0;
			n->plain = st == FYSS_PLAIN || st == FYSS_ANY;
			n->null = n->plain && (!l || !strcmp(n->str, "~") ||
					       !strcmp(n->str, "null") ||
					       !strcmp(n->str, "Null") ||
					       !strcmp(n->str, "NULL"));
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
			n = kvpt_arena_alloc(arena, sizeof(*n));
			n->type = ev->type == FYET_MAPPING_START ? KVPT_Y_MAP :
								    KVPT_Y_SEQ;
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
			close_frame(&stack[depth], arena);
			n = stack[depth].node;
			break;
		default:
			break;
		}
		fy_parser_event_free(fyp, ev);
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
