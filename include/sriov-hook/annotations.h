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
};

int sh_annotations_add(struct sh_annotations *a, const char *key, const char *value);
const char *sh_annotations_get(const struct sh_annotations *a, const char *key);
void sh_annotations_free(struct sh_annotations *a);

#endif
