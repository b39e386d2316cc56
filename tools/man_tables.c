/* sriov-hook(8)'s annotation tables in troff, rendered from the key tables (src/input/request.c,
 * src/core/vfsetting.c). A build tool's code: `make man` writes them into man/sriov-hook.8 and
 * tests/unit/test_request.c checks the page against them; no shipped binary links it. */
#include "man_tables.h"

#include <ctype.h>
#include <stdbool.h>

#include "sriov-hook/input/request.h"

/* Help text in troff: *word* in bold, a range's dash an en dash, other dashes minus signs. */
static void man_text(FILE *out, const char *s)
{
	bool bold = false;
	const char *p;

	for (p = s; *p; p++) {
		if (*p == '*') {
			fputs(bold ? "\\fR" : "\\fB", out);
			bold = !bold;
		} else if (*p == '-' && p > s && isdigit((unsigned char)p[-1]) && isdigit((unsigned char)p[1])) {
			fputs("\\(en", out);
		} else if (*p == '-') {
			fputs("\\-", out);
		} else if (*p == '\\') {
			fputs("\\e", out);
		} else {
			fputc(*p, out);
		}
	}
}

static void man_row(FILE *out, const char *key, const char *help)
{
	fprintf(out, "\\fB" SH_ANNOTATION_PREFIX "%s\\fR\tT{\n", key);
	man_text(out, help);
	fprintf(out, "\nT}\n");
}

void sh_man_request_tables(FILE *out)
{
	fprintf(out, ".\\\" Generated from the key tables by tools/man_tables.c (make man);\n"
		     ".\\\" tests/unit/test_request.c checks it.\n"
		     ".TS\nl lx.\n");
	sh_request_help_rows(out, false, man_row);
	fprintf(out, ".TE\n.PP\nPF\\-side settings of the VF, with the names and units of\n"
		     ".BI \"ip link set \" PF \" vf \" N \" ...\"\nin\n.BR ip\\-link (8);\n"
		     "a setting that is not given stays as the VF has it:\n.TS\nl lx.\n");
	sh_request_help_rows(out, true, man_row);
	fprintf(out, ".TE\n.\\\" End of the generated tables.\n");
}
