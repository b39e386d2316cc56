/* Qdiscs through rtnetlink (RTM_GETQDISC, RTM_DELQDISC), built with libnl-3's message API: the
 * kernel's default qdiscs carry handle 0 and cannot be deleted, so a root qdisc with a handle is
 * one somebody added. */
#include "sriov-hook/sys/qdisc.h"

#include <errno.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <string.h>

#include "sriov-hook/sys/nl-internal.h"

struct seen {
	int ifindex;
	bool root, ingress;
};

static int parse_qdisc(struct nl_msg *msg, void *data)
{
	struct seen *s = data;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct tcmsg *t;

	if (h->nlmsg_type != RTM_NEWQDISC || !nlmsg_valid_hdr(h, sizeof(*t)))
		return NL_SKIP;
	t = nlmsg_data(h);
	if (t->tcm_ifindex != s->ifindex)
		return NL_OK;
	if (t->tcm_parent == TC_H_ROOT && t->tcm_handle != 0)
		s->root = true;
	else if (t->tcm_parent == TC_H_INGRESS)
		s->ingress = true;
	return NL_OK;
}

int sh_qdisc_read(struct nl_sock *sk, int ifindex, bool *root, bool *ingress, struct sh_error *err)
{
	struct tcmsg t = {.tcm_family = AF_UNSPEC, .tcm_ifindex = ifindex};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETQDISC, NLM_F_DUMP);
	struct seen s = {.ifindex = ifindex};
	int r = -NLE_NOMEM;

	if (msg && nlmsg_append(msg, &t, sizeof(t), NLMSG_ALIGNTO) == 0)
		r = sh_nl_dump(sk, sh_steal_ptr(&msg), parse_qdisc, &s);
	nlmsg_free(msg);
	if (r < 0)
		return sh_nl_err(err, r, "read the qdiscs of interface %d", ifindex);
	*root = s.root;
	*ingress = s.ingress;
	return 0;
}

int sh_qdisc_delete(struct nl_sock *sk, int ifindex, bool ingress, struct sh_error *err)
{
	struct tcmsg t = {.tcm_family = AF_UNSPEC,
			  .tcm_ifindex = ifindex,
			  .tcm_parent = ingress ? TC_H_INGRESS : TC_H_ROOT,
			  .tcm_handle = ingress ? TC_H_MAKE(TC_H_INGRESS, 0) : 0};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELQDISC, 0);
	int r = -NLE_NOMEM;

	if (msg && nlmsg_append(msg, &t, sizeof(t), NLMSG_ALIGNTO) == 0)
		r = sh_nl_request(sk, sh_steal_ptr(&msg), NULL, NULL);
	nlmsg_free(msg);
	if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NOADDR)
		return 0; /* nothing of anyone's there */
	return r < 0 ? sh_nl_err(err, r, "delete the %s qdisc of interface %d", ingress ? "ingress" : "root", ifindex)
		     : 0;
}
