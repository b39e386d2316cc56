/* sriovctl attach and detach: a ctx built from a running container's id and process instead of an
 * OCI state, then sh_attach or sh_detach. The request takes the first slot the container's records
 * leave free, the slots before it marked as other runs' so that attach leaves them alone. */
#include "sriov-hook/hook/live.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/hook/attach.h"
#include "sriov-hook/hook/detach.h"
#include "sriov-hook/store/claim.h"

struct slots {
	bool used[SH_MAX_VFS];
	size_t n;	 /* records seen */
	const char *pci; /* find: the record of this VF */
	int slot;	 /* find: the record of this slot */
	struct sh_record *out;
	bool found;
};

static int note_record(const char *pci, const struct sh_record *r, void *data)
{
	struct slots *s = data;

	s->n++;
	if (r->slot >= 0 && r->slot < SH_MAX_VFS)
		s->used[r->slot] = true;
	if (s->out && ((s->pci && !strcmp(pci, s->pci)) || (!s->pci && r->slot == s->slot))) {
		*s->out = *r;
		s->found = true;
	}
	return 0;
}

static int scan(const struct sh_config *cfg, const char *id, struct slots *s, struct sh_error *err)
{
	_cleanup_store_ struct sh_store store = SH_STORE_INIT;
	int r;

	if ((r = sh_store_open(cfg->state_dir, false, &store, err)) < 0)
		return r;
	return sh_store_each_record_of(&store, id, note_record, s, err);
}

int sh_live_attach(const struct sh_live *l, const struct sh_vf_request *v, struct sh_record *out, struct sh_error *err)
{
	struct sh_request req;
	struct sh_state state = {.id = (char *)l->id, .status = (char *)"running", .pid = l->pid, .bundle = (char *)""};
	struct sh_ctx ctx = {.cfg = l->cfg, .state = &state, .req = &req};
	struct slots s = {0};
	size_t i, slot;
	int r;

	if ((r = scan(l->cfg, l->id, &s, err)) < 0)
		return r;
	for (slot = 0; slot < SH_MAX_VFS && s.used[slot]; slot++)
		;
	if (slot == SH_MAX_VFS)
		return sh_err(err, E2BIG, "container %s holds %d VFs already, the most one may", l->id, SH_MAX_VFS);
	memset(&req, 0, sizeof(req));
	for (i = 0; i < slot; i++)
		req.vf[i].elsewhere = true;
	req.vf[slot] = *v;
	req.vf[slot].slot = (unsigned)slot;
	req.vf[slot].device[0] = '\0'; /* the annotations' key: the container's poststop returns it */
	req.vf[slot].elsewhere = false;
	req.n = slot + 1;
	if (l->netns_path)
		snprintf(ctx.netns_path, sizeof(ctx.netns_path), "%s", l->netns_path);
	else
		snprintf(ctx.netns_path, sizeof(ctx.netns_path), "/proc/%d/ns/net", l->pid);
	if ((r = sh_attach(&ctx, err)) < 0)
		return r;
	/* attach succeeds without acting when the namespace's VFs are another container's */
	s = (struct slots){.slot = (int)slot, .out = out};
	if ((r = scan(l->cfg, l->id, &s, err)) < 0)
		return r;
	if (!s.found)
		return sh_err(err, EEXIST, "the network namespace's VFs are another container's: attach to it instead");
	return 0;
}

int sh_live_detach(const struct sh_live *l, const char *vf_pci, size_t *n, struct sh_error *err)
{
	struct sh_state state = {.id = (char *)l->id, .status = (char *)"running", .pid = l->pid, .bundle = (char *)""};
	struct sh_ctx ctx = {.cfg = l->cfg, .state = &state, .any_device = true, .vf_pci = vf_pci};
	struct slots before = {0}, after = {0};
	struct sh_record one;
	int r;

	*n = 0;
	before = (struct slots){.pci = vf_pci, .out = vf_pci ? &one : NULL};
	if ((r = scan(l->cfg, l->id, &before, err)) < 0)
		return r;
	if (vf_pci && !before.found)
		return sh_err(err, ENOENT, "container %s does not hold VF %s", l->id, vf_pci);
	if (!before.n)
		return sh_err(err, ENOENT, "container %s holds no VF", l->id);
	r = sh_detach(&ctx, err);
	if (scan(l->cfg, l->id, &after, err) == 0)
		*n = vf_pci ? (size_t)(after.n < before.n) : before.n - after.n;
	return r;
}
