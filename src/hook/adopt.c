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

	return r->mode == SH_MODE_VFIO && r->slot == (int)slot && !strcmp(r->device, v->device) &&
	       !strcmp(r->id, a->self.id) && r->phase == SH_PHASE_ATTACHED && !sh_record_held_by(r, &a->self) &&
	       !sh_record_holder_gone(r) && r->bundle[0] && same_bundle(r->bundle, a->ctx->state->bundle);
}

struct slot_of {
	const struct sh_attach_run *a;
	size_t slot;
};

/* Still as find_held saw it, under the lock. */
static bool still_prepared(const struct sh_record *r, void *data)
{
	const struct slot_of *s = data;

	return sh_adopt_prepared_for(s->a, s->slot, r);
}

int sh_adopt(struct sh_attach_run *a, size_t slot, struct sh_error *err)
{
	struct sh_claim *c = &a->claims[a->n];
	struct slot_of s = {a, slot};
	int ret;

	if (!a->prepared[slot][0])
		return -ENOENT;
	if ((ret = sh_claim_adopt(&a->store, a->prepared[slot], &a->self, still_prepared, &s, c, err)) < 0)
		return ret;
	a->n++; /* from here on, rollback gives it back */
	sh_log_set_vf(c->rec.pf_name, c->rec.vf_pci);
	sh_log_msg(LOG_INFO, "VF %u (%s) of %s, bound to vfio-pci by sriov-runc (IOMMU group %d), is the container's",
		   c->rec.vf_index, c->rec.vf_pci, c->rec.pf_name, c->rec.iommu_group);
	return 0;
}
