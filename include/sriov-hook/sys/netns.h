/* Network namespaces: the container's, opened and checked before anything is touched, and how
 * namespaces and processes are identified. Pins (bind mounts under state_dir) are the store's. */
#ifndef SRIOV_HOOK_NETNS_H
#define SRIOV_HOOK_NETNS_H

#include <stdint.h>

#include "sriov-hook/core/error.h"

/* The namespace a createRuntime hands VFs to, and the process it belongs to. */
struct sh_netns_target {
	int fd; /* O_RDONLY, for setns() and moves */
	uint64_t dev, ino;
	int pid;		      /* the container's init (the state's pid), 0 if none was given */
	unsigned long long pid_start; /* its start time, 0 when pid is 0 */
};

/* Opens path and refuses, with one message naming it, anything but the network namespace of a
 * container: a file that is not a namespace, a namespace of another type, the host's (the one the
 * hook runs in, or pid 1's where readable), or one whose process is gone or was replaced since
 * the hook started (/proc/<pid>/ns/net, and the state's pid). */
int sh_netns_open_target(const char *path, int pid, struct sh_netns_target *t, struct sh_error *err);
/* The namespace of the container's process pid, whatever it is, checked and identified as
 * sh_netns_open_target does but not refused for being the host's: a container whose VFs are all
 * vfio gets no netdev, and DPDK containers often share the host's network. */
int sh_netns_open_holder(int pid, struct sh_netns_target *t, struct sh_error *err);
/* (st_dev, st_ino) of an open namespace. */
int sh_netns_identity(int fd, uint64_t *dev, uint64_t *ino, struct sh_error *err);
/* Checks that fd is a namespace of type nstype (CLONE_NEW*), what naming it in the message. */
int sh_netns_check_type(int fd, int nstype, const char *what, struct sh_error *err);
/* Start time of a process (/proc/<pid>/stat field 22), 0 when it does not exist or is a zombie. */
unsigned long long sh_proc_start_time(int pid);

/* The PID namespace the kernel gives to a process first created in no other: pid numbers read in
 * it mean the same in every tool of the host. */
#define SH_PIDNS_INIT_INO 0xEFFFFFFCULL
/* (st_dev, st_ino) of this process's PID namespace: the one the pids it is given are in. */
int sh_pidns_self(uint64_t *dev, uint64_t *ino);
/* (st_dev, st_ino) of the PID namespace /proc shows: the one a pid is looked up in. -EXDEV when
 * /proc was mounted for another namespace than this process's own. */
int sh_pidns_of_proc(uint64_t *dev, uint64_t *ino);

#endif
