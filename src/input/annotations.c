/* Annotations as an ordered list: appending is amortized O(1) (an image may bring thousands
 * through env_fallback); lookups scan, and callers that look up many keys sort instead. */
#include "sriov-hook/input/annotations.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int sh_annotations_add(struct sh_annotations *a, const char *key, const char *value)
{
	struct sh_kv *items = a->items;

	if (a->n == a->cap) {
		size_t cap = a->cap < 8 ? 8 : a->cap + a->cap / 2;

		if (!(items = reallocarray(a->items, cap, sizeof(*items))))
			return -ENOMEM;
		a->items = items;
		a->cap = cap;
	}
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
	a->cap = 0;
}
