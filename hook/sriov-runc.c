/* sriov-runc: a runtime for docker's daemon.json "runtimes" that adds sriov-hook to the bundle of a
 * container asking for SR-IOV, then becomes the real runc (sh_wrapper_run). */
#include <stdio.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/core/types.h"
#include "sriov-hook/runc/wrapper.h"

int main(int argc, char **argv)
{
	struct sh_error err = {0};

	/* Returns only when it could not exec runc, or with runc's status when it ran it as a child. */
	int r = sh_wrapper_run(argc, argv, &err);

	char line[SH_ERR_MAX * 4];

	if (r >= 0)
		return r;
	/* values quoted from annotations must not forge a second line or reach the terminal */
	fprintf(stderr, "sriov-runc: %s\n", sh_text_escape(err.msg, line, sizeof(line)));
	return 1;
}
