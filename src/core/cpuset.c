/* Sets of CPUs and NUMA nodes in the kernel's list form, parsed strictly: a cpuset is untrusted
 * input (config.json) as much as it is sysfs's output. */
#include "sriov-hook/core/cpuset.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sh_cpuset_add(struct sh_cpuset *s, unsigned i)
{
	if (i < SH_CPUSET_MAX)
		s->bits[i / 64] |= UINT64_C(1) << (i % 64);
}

bool sh_cpuset_has(const struct sh_cpuset *s, unsigned i)
{
	return i < SH_CPUSET_MAX && (s->bits[i / 64] >> (i % 64)) & 1;
}

bool sh_cpuset_empty(const struct sh_cpuset *s)
{
	size_t i;

	for (i = 0; i < SH_CPUSET_MAX / 64; i++)
		if (s->bits[i])
			return false;
	return true;
}

bool sh_cpuset_meets(const struct sh_cpuset *a, const struct sh_cpuset *b)
{
	size_t i;

	for (i = 0; i < SH_CPUSET_MAX / 64; i++)
		if (a->bits[i] & b->bits[i])
			return true;
	return false;
}

/* One number at *p, below SH_CPUSET_MAX; *p moves past it. */
static int number(const char **p, unsigned *out)
{
	unsigned long n = 0;

	if (!isdigit((unsigned char)**p))
		return -EINVAL;
	while (isdigit((unsigned char)**p)) {
		n = n * 10 + (unsigned long)(**p - '0');
		if (n >= SH_CPUSET_MAX)
			return -EINVAL;
		(*p)++;
	}
	*out = (unsigned)n;
	return 0;
}

int sh_cpuset_parse(const char *s, struct sh_cpuset *out)
{
	const char *p = s;
	unsigned first, last, i;

	memset(out, 0, sizeof(*out));
	while (*p == ' ')
		p++;
	if (!*p || !strcmp(p, "\n"))
		return 0;
	for (;;) {
		while (*p == ' ')
			p++;
		if (number(&p, &first) < 0)
			return -EINVAL;
		last = first;
		if (*p == '-') {
			p++;
			if (number(&p, &last) < 0 || last < first)
				return -EINVAL;
		}
		for (i = first; i <= last; i++)
			sh_cpuset_add(out, i);
		while (*p == ' ')
			p++;
		if (*p != ',')
			break;
		p++;
	}
	return (!*p || !strcmp(p, "\n")) ? 0 : -EINVAL;
}

const char *sh_cpuset_format(const struct sh_cpuset *s, char *buf, size_t len)
{
	size_t at = 0;
	unsigned i, j;
	int n;

	buf[0] = '\0';
	for (i = 0; i < SH_CPUSET_MAX; i = j) {
		if (!sh_cpuset_has(s, i)) {
			j = i + 1;
			continue;
		}
		for (j = i + 1; j < SH_CPUSET_MAX && sh_cpuset_has(s, j); j++)
			;
		n = j - 1 > i ? snprintf(buf + at, len - at, "%s%u-%u", at ? "," : "", i, j - 1)
			      : snprintf(buf + at, len - at, "%s%u", at ? "," : "", i);
		if (n < 0 || at + (size_t)n >= len) {
			if (len >= 4)
				snprintf(buf + len - 4, 4, "...");
			return buf;
		}
		at += (size_t)n;
	}
	return buf;
}
