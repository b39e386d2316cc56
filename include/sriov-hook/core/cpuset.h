/* Sets of small numbers in the kernel's list form ("0-3,8,10-11"): a container's CPUs
 * (linux.resources.cpu.cpus), a NUMA node's CPUs (node<N>/cpulist), the nodes a container runs on. */
#ifndef SRIOV_HOOK_CPUSET_H
#define SRIOV_HOOK_CPUSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel's NR_CPUS of distribution kernels (x86-64: 8192). */
#define SH_CPUSET_MAX 8192

struct sh_cpuset {
	uint64_t bits[SH_CPUSET_MAX / 64];
};

/* Parses "0-3,8": entries a number or first-last (first <= last), separated by commas, spaces and
 * a trailing newline ignored. "" is the empty set. -EINVAL for anything else, or a number at or
 * above SH_CPUSET_MAX. */
int sh_cpuset_parse(const char *s, struct sh_cpuset *out);
void sh_cpuset_add(struct sh_cpuset *s, unsigned i);
bool sh_cpuset_has(const struct sh_cpuset *s, unsigned i);
bool sh_cpuset_empty(const struct sh_cpuset *s);
bool sh_cpuset_meets(const struct sh_cpuset *a, const struct sh_cpuset *b);
/* The set in list form, "0-3,8" ("" when empty); cut short with "..." when len is too small. */
const char *sh_cpuset_format(const struct sh_cpuset *s, char *buf, size_t len);

#endif
