/*
 * outline: the exercise as a tree of text, for `kvpt show` — the header
 * (code, name, kind, format, locality, day N, start, duration, method,
 * classification) and then phases → problems → contents → activities with
 * their times in N-notation, participants, and the expectations of each
 * inject with their deadlines.  Drawn with box-drawing characters; columns
 * are aligned by display width so Vietnamese text lines up.
 */
#ifndef KVPT_OUTLINE_H
#define KVPT_OUTLINE_H

#include "base/buf.h"
#include "export/text.h"
#include "model/model.h"

/* Append the outline of plan to out, labels in lang. */
void kvpt_outline_format(const struct kvpt_plan *plan, enum kvpt_lang lang,
			 struct kvpt_buf *out);

#endif
