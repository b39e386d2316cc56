/* sriov-hook(8)'s generated tables (tools/man_tables.c): a build tool's, not the library's. */
#ifndef SRIOV_HOOK_TOOLS_MAN_TABLES_H
#define SRIOV_HOOK_TOOLS_MAN_TABLES_H

#include <stdio.h>

/* The tbl(1) tables of sriov-hook(8)'s ANNOTATIONS section, between the markers that
 * tests/unit/test_request.c checks man/sriov-hook.8 against and `make man` replaces. */
void sh_man_request_tables(FILE *out);

#endif
