/* A container's annotations as an ordered list of key/value strings. */
#ifndef SRIOV_HOOK_ANNOTATIONS_H
#define SRIOV_HOOK_ANNOTATIONS_H

#include <stddef.h>

struct sh_kv {
	char *key;
	char *value;
};

struct sh_annotations {
	struct sh_kv *items;
	size_t n;
	size_t cap; /* room in items */
};

/* Appends a copy of key and value: -ENOMEM. Amortized O(1): room grows by half each time. */
int sh_annotations_add(struct sh_annotations *a, const char *key, const char *value);
/* The value of key (the first, if the list has it twice), or NULL. O(n): for a few lookups. */
const char *sh_annotations_get(const struct sh_annotations *a, const char *key);
void sh_annotations_free(struct sh_annotations *a);

#endif
