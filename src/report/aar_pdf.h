/*
 * aar_pdf: the after-action report as a document for report/pdf — the
 * composition (which sections, tables, charts and in what words), apart
 * from the rendering.  The server's GET …/aar.pdf hands it the report it
 * also answers as JSON (docs/api.md, "The after-action report").
 */
#ifndef KVPT_AAR_PDF_H
#define KVPT_AAR_PDF_H

#include <jansson.h>

#include "model/model.h"

/*
 * The report/pdf description of the after-action report aar:
 *   {"exercise": {"code", "name", …}, "measures": (report/measures),
 *    "verdicts": [{"body", "body_name", "proposed": {"label", "reason"},
 *                  "confirmed": {"label", "reason", "user": {"name"}}
 *                  | null}],
 *    "lessons": [{"n", "text"}], "observations": [{"t_text", "display",
 *    "evaluator", "body", "criterion", "score", "strengths",
 *    "weaknesses", "text"}], "actions": [task objects], "generated_ms"}
 * over plan (for the committees, the scale, the machines and the time
 * zone).  Sections: I. overview, II. how the expectations were met (per
 * body table, response-time chart), III. the course of the exercise
 * (planned-vs-actual timeline, state ladders, refused transitions),
 * IV. assessment (verdicts, observations), V. numbered lessons,
 * VI. corrective actions; the signature of the organising committee's
 * head.  Returns a new reference the caller owns; aar and plan are only
 * read.
 */
json_t *kvpt_aar_pdf_doc(const json_t *aar, const struct kvpt_plan *plan);

#endif
