/* gen-man: prints sriov-hook(8)'s generated annotation tables (tools/man_tables.c) on stdout.
 * `make man` splices them into man/sriov-hook.8. */
#include <stdio.h>

#include "man_tables.h"

int main(void)
{
	sh_man_request_tables(stdout);
	return fflush(stdout) == 0 ? 0 : 1;
}
