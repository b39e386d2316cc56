/* `sriovctl metrics`: the listing's states and counters in the Prometheus text exposition format,
 * for node_exporter's textfile collector (which reads *.prom files: written atomically). */
#ifndef SRIOV_HOOK_METRICS_H
#define SRIOV_HOOK_METRICS_H

#include <stdio.h>

#include "sriov-hook/core/error.h"
#include "sriov-hook/ctl/listing.h"

/* The whole exposition, malloc'd and NUL-terminated, in *text. */
int sh_metrics_format(const struct sh_listing *l, char **text, struct sh_error *err);
/* Writes it to path atomically: a temporary file beside it (not named *.prom, so the collector
 * never reads it half-written), fsync'd, mode 0644, renamed over path. */
int sh_metrics_write_file(const char *text, const char *path, struct sh_error *err);

#endif
