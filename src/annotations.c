/* Annotations as a small ordered list: few entries, so lookups scan. */
#include "sriov-hook/annotations.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sh_annotations_add(struct sh_annotations *a, const char *key, const char *value)
{
	struct sh_kv *items = realloc(a->items, (a->n + 1) * sizeof(*items));

	if (!items)
		return -ENOMEM;
	a->items = items;
	items[a->n].key = strdup(key);
	items[a->n].value = strdup(value);
	if (!items[a->n].key || !items[a->n].value) {
		free(items[a->n].key);
		free(items[a->n].value);
		return -ENOMEM;
	}
	a->n++;
	return 0;
}

const char *sh_annotations_get(const struct sh_annotations *a, const char *key)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!strcmp(a->items[i].key, key))
			return a->items[i].value;
	return NULL;
}

void sh_annotations_free(struct sh_annotations *a)
{
	size_t i;

	for (i = 0; i < a->n; i++) {
		free(a->items[i].key);
		free(a->items[i].value);
	}
	free(a->items);
	a->items = NULL;
	a->n = 0;
}
