/* One raw netlink request and its replies, for what libnl-route-3 does not model (alternative
 * names, XDP, qdiscs, the link's residue): built and parsed with libnl-3's message API. */
#include <netlink/msg.h>
#include <stdbool.h>
#include <netlink/netlink.h>

#include "sriov-hook/sys/nl-internal.h"

/* A private copy of the socket's callbacks, so that the reply handler is set for this request
 * only. nl_socket_get_cb hands out a reference of its own: put it once the copy is made. */
static struct nl_cb *clone_socket_cb(struct nl_sock *sk)
{
	struct nl_cb *orig = nl_socket_get_cb(sk), *cb;

	if (!orig)
		return NULL;
	cb = nl_cb_clone(orig);
	nl_cb_put(orig);
	return cb;
}

static int request(struct nl_sock *sk, struct nl_msg *msg, int (*parse)(struct nl_msg *, void *), void *data, bool dump)
{
	struct nl_cb *cb;
	int r;

	if (!(cb = clone_socket_cb(sk))) {
		nlmsg_free(msg);
		return -NLE_NOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, parse, data);
	r = nl_send_auto(sk, msg);
	/* The reply and the ACK come as two datagrams: read one, then wait for the other. A dump's
	 * replies end with NLMSG_DONE, which nl_recvmsgs waits for. */
	if (r >= 0)
		r = nl_recvmsgs(sk, cb);
	if (r >= 0 && !dump)
		r = nl_wait_for_ack(sk);
	nl_cb_put(cb);
	nlmsg_free(msg);
	return r;
}

int sh_nl_dump(struct nl_sock *sk, struct nl_msg *msg, int (*parse)(struct nl_msg *, void *), void *data)
{
	return request(sk, msg, parse, data, true);
}

int sh_nl_request(struct nl_sock *sk, struct nl_msg *msg, int (*parse)(struct nl_msg *, void *), void *data)
{
	if (!parse)
		return nl_send_sync(sk, msg); /* which frees it */
	return request(sk, msg, parse, data, false);
}
