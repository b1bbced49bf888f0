/*
 * fuzz_msel: libFuzzer target for the inject-schedule importer
 * (plan/msel.h): its CSV reader, column matching, row checks, the YAML it
 * writes and the include: edit.  The input is the CSV, imported into a
 * small fixed plan; an input whose first byte is 0x01 starts with a line
 * holding a JSON mapping.  Any input must give a result or an error —
 * never a crash, a leak or an unbounded allocation — and a result with
 * files must load without error.
 */
#include "check/check.h"
#include "plan/msel.h"
#include "plan/plan.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char plan_text[] =
	"exercise:\n"
	"  code: F-1\n"
	"  name: Fuzz\n"
	"  kind: xã\n"
	"  start: 2026-12-10T07:00:00+07:00\n"
	"  duration: 2 ngày\n"
	"bodies:\n"
	"  - id: xa\n"
	"    name: Xã\n"
	"    kind: xã\n"
	"    units:\n"
	"      - { id: ubnd, name: UBND xã, kind: UBND }\n"
	"      - { id: bchqs, name: Ban CHQS xã, kind: cơ quan quân sự }\n"
	"people:\n"
	"  - { id: an, name: Nguyễn An, clearance: Mật }\n"
	"  - { id: chi, name: Lê Chi }\n"
	"roles:\n"
	"  - { id: ct-ubnd, name: Chủ tịch UBND xã, body: ubnd, person: an }\n"
	"  - { id: van-thu, name: Văn thư, body: ubnd, person: chi }\n"
	"committees:\n"
	"  - { id: bdd, name: Ban Đạo diễn, kind: BĐD, head: an }\n"
	"include: [phan.yaml]\n"
	"phases:\n"
	"  - { id: gd-1, title: Một, start: N 07:00, end: N 12:00 }\n"
	"  - { id: gd-2, title: Hai, start: N+1 07:00, end: N+1 17:00 }\n";

static const char part_text[] =
	"roles:\n"
	"  - { id: cht-qs, name: Chỉ huy trưởng, body: bchqs, person: an }\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvpt_plan_file files[4] = {
		{ "dir/plan.yaml", plan_text, sizeof(plan_text) - 1 },
		{ "dir/phan.yaml", part_text, sizeof(part_text) - 1 },
	};
	struct kvpt_msel_input in;
	struct kvpt_buf err = KVPT_BUF_INIT;
	json_t *out = NULL, *mapping = NULL, *got;
	const char *csv = (const char *)data;
	size_t len = size;

	if (size && data[0] == 0x01) {
		const char *nl = memchr(data, '\n', size);
		size_t ml = nl ? (size_t)(nl - csv) - 1 : size - 1;

		mapping = json_loadb(csv + 1, ml, JSON_DISABLE_EOF_CHECK, NULL);
		len = nl ? size - (size_t)(nl - csv) - 1 : 0;
		csv = nl ? nl + 1 : csv + size;
	}
	memset(&in, 0, sizeof(in));
	in.main_path = "dir/plan.yaml";
	in.files = files;
	in.nfiles = 2;
	in.csv = csv;
	in.csv_len = len;
	in.mapping = mapping;
	in.new_path = "msel-1.yaml";
	in.source_name = "fuzz.csv";
	if (!kvpt_msel_import(&in, &out, &err) &&
	    (got = json_object_get(out, "files")) != NULL) {
		/* what would be stored must load and check cleanly */
		json_t *nt = json_object_get(got, "dir/msel-1.yaml");
		json_t *mt = json_object_get(got, "dir/plan.yaml");
		struct kvpt_load_opts lo = { 0 };
		struct kvpt_diags d;
		struct kvpt_plan *p = NULL;

		files[0].text = json_string_value(mt);
		files[0].len = json_string_length(mt);
		files[2].path = "dir/msel-1.yaml";
		files[2].text = json_string_value(nt);
		files[2].len = json_string_length(nt);
		lo.files = files;
		lo.nfiles = 3;
		kvpt_diags_init(&d);
		kvpt_plan_load_file("dir/plan.yaml", &lo, &p, &d);
		if (p)
			kvpt_check(p, &d);
		if (!p || d.nerrors)
			abort();
		kvpt_plan_free(p);
		kvpt_diags_release(&d);
	}
	json_decref(out);
	json_decref(mapping);
	kvpt_buf_release(&err);
	return 0;
}
