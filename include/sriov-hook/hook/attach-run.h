/* One attach run's state (a createRuntime, or sriov-runc preparing vfio VFs), shared by the
 * modules attach is made of: pick (with usable and census), knobs and adopt. attach.c runs the
 * steps; the store keeps the rules of claims and pins to itself (store/claim.h, store/pin.h). */
#ifndef SRIOV_HOOK_ATTACH_RUN_H
#define SRIOV_HOOK_ATTACH_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/hook/ctx.h"
#include "sriov-hook/store/claim.h"
#include "sriov-hook/store/pin.h"
#include "sriov-hook/sys/netns.h"

struct nl_sock;

/* The claims one run may make: a VF per slot, and with a vfio VF the other VFs of its IOMMU group
 * (claimed with it, store/record.h's group_of). */
#define SH_ATTACH_MAX_CLAIMS (SH_MAX_VFS * 4)

struct sh_attach_run {
	const struct sh_ctx *ctx;
	/* sriov-runc before runc create: the vfio VFs only, bound to vfio-pci here, held by this
	 * process until the container's createRuntime adopts them. */
	bool prepare;
	bool netdev;	       /* the run moves netdevs: a namespace, a pin, a socket in it */
	enum sh_vf_mode mode;  /* the mode of the VF being picked */
	struct sh_record *out; /* prepare: the records of the VFs claimed, in slot order */
	size_t out_max, *out_n;
	struct sh_netns_target ns;
	struct sh_holder self;
	struct sh_store store;
	struct sh_pin pin;
	struct nl_sock *host_sk, *cont_sk;
	bool held[SH_MAX_VFS]; /* slots held in this namespace already: by this container, or by another of its pod */
	char prepared[SH_MAX_VFS][SH_PCI_LEN]; /* the VF sriov-runc bound for a slot, "" none */
	struct sh_claim *claims; /* SH_ATTACH_MAX_CLAIMS, each with its record: on the heap (~450 KiB) */
	size_t n;			       /* VFs claimed by this run so far, records written */
};

/* The run: the store opened, every slot this run acts on attached (or, on a failure, everything
 * this run did given back), then what crashed hooks left swept. Closes what it opened. */
int sh_attach_run(struct sh_attach_run *a, struct sh_error *err);

#endif
