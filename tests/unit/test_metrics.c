/* The Prometheus text of a listing (families, one-hot states, label escaping, counters only where
 * a source reported them) and its atomic write. */
#define _GNU_SOURCE /* nftw */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "testutil.h"
#include "sriov-hook/ctl/metrics.h"

/* One PF with two VFs: VF 0 free with PF counters, VF 1 held by a container whose name needs
 * escaping, with its netdev's counters only. */
static void make_listing(struct sh_listing *l, struct sh_list_pf *pf, struct sh_list_vf vfs[2])
{
	memset(pf, 0, sizeof(*pf));
	memset(vfs, 0, 2 * sizeof(*vfs));
	snprintf(pf->inv.pf.name, sizeof(pf->inv.pf.name), "ens1f0");
	snprintf(pf->inv.pf.pci, sizeof(pf->inv.pf.pci), "0000:3b:00.0");
	snprintf(pf->inv.driver, sizeof(pf->inv.driver), "ice");
	pf->inv.pf.numvfs = 2;
	pf->inv.totalvfs = 64;
	pf->inv.admin_up = true;
	pf->inv.carrier = -1;
	pf->n_vfs = 2;
	for (unsigned i = 0; i < 2; i++) {
		snprintf(vfs[i].inv.vf.pf_name, sizeof(vfs[i].inv.vf.pf_name), "ens1f0");
		vfs[i].inv.vf.index = i;
		snprintf(vfs[i].inv.vf.pci, sizeof(vfs[i].inv.vf.pci), "0000:3b:02.%u", i);
	}
	vfs[0].state = SH_VF_FREE;
	vfs[0].stats.v[SH_VF_TX_PACKETS] = 12345678901ULL;
	vfs[0].stats.present = (1u << SH_VF_TX_PACKETS) | (1u << SH_VF_RX_PACKETS);
	vfs[1].state = SH_VF_HELD;
	vfs[1].has_claim = true;
	snprintf(vfs[1].claim.rec.id, sizeof(vfs[1].claim.rec.id), "3f2a");
	snprintf(vfs[1].claim.rec.name, sizeof(vfs[1].claim.rec.name), "we\"b\\1\n");
	vfs[1].claim.since = 1700000000;
	vfs[1].netdev_stats.v[SH_VF_TX_PACKETS] = 7;
	vfs[1].netdev_stats.present = 1u << SH_VF_TX_PACKETS;
	l->pfs = pf;
	l->n_pfs = 1;
	l->vfs = vfs;
	l->n_vfs = 2;
}

static void has_line(const char *text, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("no line '%s' in:\n%s", line, text);
}

static void test_format(void **state)
{
	struct sh_listing l;
	struct sh_list_pf pf;
	struct sh_list_vf vfs[2];
	struct sh_error err = {0};
	char *text = NULL;

	(void)state;
	make_listing(&l, &pf, vfs);
	assert_int_equal(sh_metrics_format(&l, &text, &err), 0);
	has_line(text, "# TYPE sriov_pf_numvfs gauge");
	has_line(text, "sriov_pf_info{pf=\"ens1f0\",pci=\"0000:3b:00.0\",driver=\"ice\"} 1");
	has_line(text, "sriov_pf_numvfs{pf=\"ens1f0\"} 2");
	has_line(text, "sriov_pf_totalvfs{pf=\"ens1f0\"} 64");
	has_line(text, "sriov_pf_up{pf=\"ens1f0\"} 1");
	assert_null(strstr(text, "sriov_pf_carrier{")); /* unknown: no sample */
	has_line(text, "sriov_vfs{pf=\"ens1f0\",state=\"free\"} 1");
	has_line(text, "sriov_vfs{pf=\"ens1f0\",state=\"held\"} 1");
	has_line(text, "sriov_vfs{pf=\"ens1f0\",state=\"stale\"} 0");
	has_line(text, "sriov_vf_state{pf=\"ens1f0\",vf=\"1\",pci=\"0000:3b:02.1\",state=\"held\"} 1");
	has_line(text, "sriov_vf_state{pf=\"ens1f0\",vf=\"1\",pci=\"0000:3b:02.1\",state=\"free\"} 0");
	has_line(text, "sriov_vf_claim_info{pf=\"ens1f0\",vf=\"1\",pci=\"0000:3b:02.1\",container=\"3f2a\","
		       "container_name=\"we\\\"b\\\\1\\n\"} 1");
	has_line(text, "sriov_vf_claimed_since_seconds{pf=\"ens1f0\",vf=\"1\",pci=\"0000:3b:02.1\"} 1700000000");
	has_line(text, "# TYPE sriov_vf_tx_packets_total counter");
	has_line(text, "sriov_vf_tx_packets_total{pf=\"ens1f0\",vf=\"0\",pci=\"0000:3b:02.0\"} 12345678901");
	has_line(text, "sriov_vf_rx_packets_total{pf=\"ens1f0\",vf=\"0\",pci=\"0000:3b:02.0\"} 0");
	/* A counter the source did not report has no sample. */
	assert_null(strstr(text, "sriov_vf_rx_bytes_total{"));
	assert_null(strstr(text, "sriov_vf_tx_packets_total{pf=\"ens1f0\",vf=\"1\""));
	has_line(text, "sriov_vf_netdev_tx_packets_total{pf=\"ens1f0\",vf=\"1\",pci=\"0000:3b:02.1\"} 7");
	free(text);
}

static int count_entries(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

static void test_write_file(void **state)
{
	struct sh_error err = {0};
	char path[PATH_MAX], bad[PATH_MAX], buf[64] = {0};
	struct stat sb;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sriov.prom", (char *)*state);
	write_text(path, "old\n");
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(sh_metrics_write_file("sriov_pf_numvfs{pf=\"a\"} 1\n", path, &err), 0);
	assert_non_null(f = fopen(path, "r"));
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	assert_string_equal(buf, "sriov_pf_numvfs{pf=\"a\"} 1\n");
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0644);  /* the collector runs as another user */
	assert_int_equal(count_entries(*state), 1); /* no temporary file left */

	snprintf(bad, sizeof(bad), "%s/no-such-dir/sriov.prom", (char *)*state);
	assert_int_equal(sh_metrics_write_file("x 1\n", bad, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no-such-dir/sriov.prom: create temporary file"));
}

static int setup(void **state)
{
	return tmpdir_setup_for(state, "metrics");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_write_file),
	};

	return cmocka_run_group_tests(tests, setup, tmpdir_teardown);
}
