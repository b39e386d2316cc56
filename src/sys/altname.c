/* Alternative interface names (IFLA_PROP_LIST / IFLA_ALT_IFNAME), which libnl-route-3 does not
 * model: built and parsed with libnl-3's message and attribute API. A VF that went through a
 * container can come back with altnames it did not have (added in the container, or by udev on
 * the host when it reappears); the hook removes those. */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <string.h>

#include "sriov-hook/sys/nl-internal.h"
#include "sriov-hook/sys/nl.h"

static int parse_altnames(struct nl_msg *msg, void *data)
{
	struct sh_altnames *out = data;
	struct nlattr *tb[IFLA_MAX + 1], *a;
	int rem;

	if (nlmsg_hdr(msg)->nlmsg_type != RTM_NEWLINK ||
	    nlmsg_parse(nlmsg_hdr(msg), sizeof(struct ifinfomsg), tb, IFLA_MAX, NULL) < 0)
		return NL_SKIP;
	if (!tb[IFLA_PROP_LIST])
		return NL_OK;
	nla_for_each_nested(a, tb[IFLA_PROP_LIST], rem)
	{
		if (nla_type(a) != IFLA_ALT_IFNAME || out->n >= SH_ARRAY_SIZE(out->name))
			continue;
		nla_strlcpy(out->name[out->n++], a, sizeof(out->name[0]));
	}
	return NL_OK;
}

int sh_link_get_altnames(struct nl_sock *sk, int ifindex, struct sh_altnames *out, struct sh_error *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_GETLINK, 0);
	int r = -NLE_NOMEM;

	memset(out, 0, sizeof(*out));
	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0)
		r = sh_nl_request(sk, sh_steal_ptr(&msg), parse_altnames, out);
	nlmsg_free(msg);
	return r < 0 ? sh_nl_err(err, r, "read alternative names of interface %d", ifindex) : 0;
}

int sh_link_del_altname(struct nl_sock *sk, int ifindex, const char *name, struct sh_error *err)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC, .ifi_index = ifindex};
	struct nl_msg *msg = nlmsg_alloc_simple(RTM_DELLINKPROP, NLM_F_REQUEST);
	struct nlattr *list;
	int r = -NLE_NOMEM;

	if (msg && nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) == 0 &&
	    (list = nla_nest_start(msg, IFLA_PROP_LIST)) && nla_put_string(msg, IFLA_ALT_IFNAME, name) == 0) {
		nla_nest_end(msg, list);
		r = nl_send_sync(sk, sh_steal_ptr(&msg)); /* which frees it */
	}
	nlmsg_free(msg);
	return r < 0 ? sh_nl_err(err, r, "remove alternative name %s", name) : 0;
}
