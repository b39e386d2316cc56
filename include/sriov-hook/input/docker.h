/* What docker says about a container beyond its config.json: whether docker will connect the
 * container to a network (and so add its eth0) after the createRuntime hooks have run. */
#ifndef SRIOV_HOOK_DOCKER_H
#define SRIOV_HOOK_DOCKER_H

#include <stdbool.h>

#include "sriov-hook/input/oci.h"

/* Whether the container is docker's, in a network namespace of its own that docker has not
 * connected yet but will (docker >= 28 on any network but "none"): its eth0 is then to come. */
bool sh_docker_adds_eth0_later(const struct sh_state *st, const struct sh_spec *spec);

#endif
