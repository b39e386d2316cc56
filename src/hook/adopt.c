/* createRuntime of a container that sriov-runc prepared: the vfio VFs it bound and claimed for
 * the container's slots (held by its process, the container not yet running) become the
 * container's, its init process and namespace their holder. */
#include "sriov-hook/hook/adopt.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "sriov-hook/core/log.h"

/* Whether the bundle paths a and b name the same directory (sriov-runc records the bundle as it
 * resolved it; the runtime's state may spell it otherwise). */
static bool same_bundle(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (!strcmp(a, b))
		return true;
	return realpath(a, ra) && realpath(b, rb) && !strcmp(ra, rb);
}

/* Whether r is a vfio VF that sriov-runc bound for this container's slot and still holds. */
bool sh_adopt_prepared_for(const struct sh_attach_run *a, size_t slot, const struct sh_record *r)
{
	const struct sh_vf_request *v = &a->ctx->req->vf[slot];

	return r->mode == SH_MODE_VFIO && !r->group_of[0] && r->slot == (int)slot && !strcmp(r->device, v->device) &&
	       !strcmp(r->id, a->self.id) && r->phase == SH_PHASE_ATTACHED && !sh_record_held_by(r, &a->self) &&
	       !sh_record_holder_gone(r) && r->bundle[0] && same_bundle(r->bundle, a->ctx->state->bundle);
}

struct slot_of {
	const struct sh_attach_run *a;
	size_t slot;
	const char *lead; /* the VF adopted, whose IOMMU group's other VFs come with it */
};

/* Still as find_held saw it, under the lock. */
static bool still_prepared(const struct sh_record *r, void *data)
{
	const struct slot_of *s = data;

	return sh_adopt_prepared_for(s->a, s->slot, r);
}

/* A VF sriov-runc claimed with the adopted one (its IOMMU group's), still as it left it. */
static bool companion_prepared(const struct sh_record *r, void *data)
{
	const struct slot_of *s = data;
	const struct sh_attach_run *a = s->a;

	return r->mode == SH_MODE_VFIO && !strcmp(r->group_of, s->lead) && !strcmp(r->id, a->self.id) &&
	       r->phase == SH_PHASE_ATTACHED && !sh_record_held_by(r, &a->self) && !sh_record_holder_gone(r) &&
	       r->bundle[0] && same_bundle(r->bundle, a->ctx->state->bundle);
}

static int note_companion(const char *pci, const struct sh_record *r, void *data)
{
	struct slot_of *s = data;
	struct sh_attach_run *a = (struct sh_attach_run *)s->a;
	struct sh_error err;

	if (!companion_prepared(r, s) || a->n >= SH_ATTACH_MAX_CLAIMS)
		return 0;
	/* one not adopted stays the wrapper's, given back with what it prepared once it is gone */
	if (sh_claim_adopt(&a->store, pci, &a->self, companion_prepared, s, &a->claims[a->n], &err) == 0)
		a->n++;
	return 0;
}

int sh_adopt(struct sh_attach_run *a, size_t slot, struct sh_error *err)
{
	struct sh_claim *c = &a->claims[a->n];
	struct slot_of s = {a, slot, NULL};
	struct sh_error ignored;
	int ret;

	if (!a->prepared[slot][0])
		return -ENOENT;
	if ((ret = sh_claim_adopt(&a->store, a->prepared[slot], &a->self, still_prepared, &s, c, err)) < 0)
		return ret;
	a->n++; /* from here on, rollback gives it back */
	sh_log_set_vf(c->rec.pf_name, c->rec.vf_pci);
	sh_log_msg(LOG_INFO, "VF %u (%s) of %s, bound to vfio-pci by sriov-runc (IOMMU group %d), is the container's",
		   c->rec.vf_index, c->rec.vf_pci, c->rec.pf_name, c->rec.iommu_group);
	/* the other VFs of its IOMMU group, which sriov-runc claimed with it */
	s.lead = c->pci;
	sh_store_each_record_of(&a->store, a->self.id, note_companion, &s, &ignored);
	return 0;
}
