/* The claim store: a flock()ed lock file per VF serialises every hook acting on that VF, and a
 * record written atomically (temp file + rename) says who holds it and what to restore. */
#include "sriov-hook/claim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sriov-hook/fileio.h"
#include "sriov-hook/json.h"

#define RECORD_MAX_BYTES (64u << 10)

static const char *const subdirs[] = {"locks", "claims", "netns", "owners"};

int sh_claim_store_init(const char *state_dir, struct sh_error *err)
{
	char path[PATH_MAX];
	size_t i;

	if (mkdir(state_dir, 0700) < 0 && errno != EEXIST)
		return sh_err_errno(err, errno, "create state directory %s", state_dir);
	for (i = 0; i < SH_ARRAY_SIZE(subdirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", state_dir, subdirs[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return sh_err_errno(err, errno, "create %s", path);
	}
	return 0;
}

int sh_claim_lock(const char *state_dir, const char *pci, bool wait, struct sh_claim *c, struct sh_error *err)
{
	struct stat fd_st, path_st;
	int fd;

	c->lock_fd = -1;
	c->owner[0] = '\0';
	snprintf(c->pci, sizeof(c->pci), "%s", pci);
	snprintf(c->state_dir, sizeof(c->state_dir), "%s", state_dir);
	snprintf(c->lock_path, sizeof(c->lock_path), "%s/locks/%s.lock", state_dir, pci);
	snprintf(c->rec_path, sizeof(c->rec_path), "%s/claims/%s.json", state_dir, pci);
	/* A releaser unlinks the lock file while holding it: after locking, make sure the file we
	 * hold is still the one at the path, else retry on the new one. */
	for (;;) {
		fd = open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			return sh_err_errno(err, errno, "open lock %s", c->lock_path);
		if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
			int e = errno;
			close(fd);
			if (e == EWOULDBLOCK)
				return sh_err(err, EBUSY, "another sriov-hook is acting on VF %s", pci);
			if (e == EINTR)
				continue;
			return sh_err_errno(err, e, "lock %s", c->lock_path);
		}
		if (fstat(fd, &fd_st) == 0 && stat(c->lock_path, &path_st) == 0 && fd_st.st_ino == path_st.st_ino &&
		    fd_st.st_dev == path_st.st_dev)
			break;
		close(fd);
	}
	c->lock_fd = fd;
	return 0;
}

void sh_claim_unlock(struct sh_claim *c)
{
	if (c->lock_fd >= 0)
		close(c->lock_fd);
	c->lock_fd = -1;
}

static int index_path(char *out, size_t len, const char *state_dir, const char *id, const char *pci)
{
	int n = pci ? snprintf(out, len, "%s/owners/%s/%s", state_dir, id, pci)
		    : snprintf(out, len, "%s/owners/%s", state_dir, id);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int index_add(const char *state_dir, const char *id, const char *pci)
{
	char path[PATH_MAX];
	int fd;

	if (index_path(path, sizeof(path), state_dir, id, NULL) < 0)
		return -ENAMETOOLONG;
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (index_path(path, sizeof(path), state_dir, id, pci) < 0)
		return -ENAMETOOLONG;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

void sh_claim_index_del(const char *state_dir, const char *id, const char *pci)
{
	char path[PATH_MAX];

	if (index_path(path, sizeof(path), state_dir, id, pci) == 0)
		unlink(path);
	if (index_path(path, sizeof(path), state_dir, id, NULL) == 0)
		rmdir(path); /* fails while other VFs of the container are listed */
}

void sh_claim_index_drop(const char *state_dir, const char *id)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct dirent *e;
	DIR *d;

	if (index_path(dir, sizeof(dir), state_dir, id, NULL) < 0 || !(d = opendir(dir)))
		return;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) < (int)sizeof(path))
			unlink(path);
	closedir(d);
	rmdir(dir);
}

int sh_claim_release_record(struct sh_claim *c, struct sh_error *err)
{
	if (unlink(c->rec_path) < 0 && errno != ENOENT)
		return sh_err_errno(err, errno, "remove claim %s", c->rec_path);
	if (c->owner[0] && c->state_dir[0])
		sh_claim_index_del(c->state_dir, c->owner, c->pci);
	c->owner[0] = '\0';
	return 0;
}

int sh_claim_release(struct sh_claim *c, struct sh_error *err)
{
	int r = sh_claim_release_record(c, err);

	if (unlink(c->lock_path) < 0 && errno != ENOENT && r == 0)
		r = sh_err_errno(err, errno, "remove lock %s", c->lock_path);
	sh_claim_unlock(c);
	return r;
}

static const char *phase_name(enum sh_claim_phase p)
{
	return p == SH_PHASE_ATTACHED ? "attached" : "attaching";
}

static void gen_vf_cfg(yajl_gen g, const struct sh_vf_cfg *v)
{
	char mac[18];

	yajl_gen_map_open(g);
	sh_json_gen_kv_str(g, "mac", sh_format_mac(v->mac, mac));
	sh_json_gen_kv_int(g, "vlan", v->vlan);
	sh_json_gen_kv_int(g, "qos", v->qos);
	sh_json_gen_kv_int(g, "vlan_proto", v->vlan_proto);
	sh_json_gen_kv_int(g, "spoofchk", v->spoofchk);
	sh_json_gen_kv_int(g, "trust", v->trust);
	sh_json_gen_kv_int(g, "link_state", v->link_state);
	sh_json_gen_kv_int(g, "min_tx_rate", v->min_tx_rate);
	sh_json_gen_kv_int(g, "max_tx_rate", v->max_tx_rate);
	yajl_gen_map_close(g);
}

int sh_record_to_json(const struct sh_record *r, char **out)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf;
	char mac[18];
	size_t len;

	if (!g)
		return -ENOMEM;
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_map_open(g);
	sh_json_gen_kv_str(g, "id", r->id);
	sh_json_gen_kv_str(g, "phase", phase_name(r->phase));
	sh_json_gen_kv_int(g, "pid", r->pid);
	sh_json_gen_kv_int(g, "pid_start", (long long)r->pid_start);
	sh_json_gen_kv_int(g, "netns_dev", (long long)r->netns_dev);
	sh_json_gen_kv_int(g, "netns_ino", (long long)r->netns_ino);
	sh_json_gen_kv_str(g, "pin", r->pin);
	sh_json_gen_kv_str(g, "pf_name", r->pf_name);
	sh_json_gen_kv_str(g, "pf_pci", r->pf_pci);
	sh_json_gen_kv_int(g, "pf_ifindex", r->pf_ifindex);
	sh_json_gen_kv_int(g, "vf_index", r->vf_index);
	sh_json_gen_kv_str(g, "vf_pci", r->vf_pci);
	sh_json_gen_kv_str(g, "host_name", r->host_name);
	sh_json_gen_kv_int(g, "host_ifindex", r->host_ifindex);
	sh_json_gen_kv_str(g, "host_mac", sh_format_mac(r->host_mac, mac));
	sh_json_gen_kv_int(g, "host_mtu", r->host_mtu);
	sh_json_gen_str(g, "host_up");
	yajl_gen_bool(g, r->host_up);
	sh_json_gen_str(g, "host_altnames");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < r->n_host_altnames; i++)
		sh_json_gen_str(g, r->host_altnames[i]);
	yajl_gen_array_close(g);
	sh_json_gen_kv_str(g, "cont_name", r->cont_name);
	sh_json_gen_kv_int(g, "cont_ifindex", r->cont_ifindex);
	sh_json_gen_kv_int(g, "knobs", r->knobs);
	sh_json_gen_str(g, "orig");
	gen_vf_cfg(g, &r->orig);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	*out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return *out ? 0 : -ENOMEM;
}

static int get_str(yajl_val root, const char *key, char *dst, size_t len)
{
	const char *s;

	if (sh_json_get_string(root, key, &s) < 0 || strlen(s) >= len)
		return -EINVAL;
	snprintf(dst, len, "%s", s);
	return 0;
}

static int get_num(yajl_val root, const char *key, long long *out)
{
	return sh_json_get_int(root, key, out) < 0 ? -EINVAL : 0;
}

static int parse_vf_cfg(yajl_val v, struct sh_vf_cfg *c)
{
	long long n[8];
	char mac[18];

	if (get_str(v, "mac", mac, sizeof(mac)) < 0 || sh_parse_mac(mac, c->mac) < 0 || get_num(v, "vlan", &n[0]) < 0 ||
	    get_num(v, "qos", &n[1]) < 0 || get_num(v, "vlan_proto", &n[2]) < 0 || get_num(v, "spoofchk", &n[3]) < 0 ||
	    get_num(v, "trust", &n[4]) < 0 || get_num(v, "link_state", &n[5]) < 0 ||
	    get_num(v, "min_tx_rate", &n[6]) < 0 || get_num(v, "max_tx_rate", &n[7]) < 0)
		return -EINVAL;
	c->vlan = (unsigned)n[0];
	c->qos = (unsigned)n[1];
	c->vlan_proto = (unsigned)n[2];
	c->spoofchk = (unsigned)n[3];
	c->trust = (unsigned)n[4];
	c->link_state = (unsigned)n[5];
	c->min_tx_rate = (unsigned)n[6];
	c->max_tx_rate = (unsigned)n[7];
	return 0;
}

static int parse_altnames(yajl_val a, struct sh_record *r)
{
	size_t i;

	if (!YAJL_IS_ARRAY(a) || a->u.array.len > SH_ARRAY_SIZE(r->host_altnames))
		return -EINVAL;
	for (i = 0; i < a->u.array.len; i++) {
		const char *s = YAJL_GET_STRING(a->u.array.values[i]);

		if (!s || strlen(s) >= sizeof(r->host_altnames[0]))
			return -EINVAL;
		snprintf(r->host_altnames[i], sizeof(r->host_altnames[0]), "%s", s);
	}
	r->n_host_altnames = i;
	return 0;
}

static int record_from_tree(yajl_val t, struct sh_record *r)
{
	long long n[12];
	char phase[16], mac[18];
	int up;

	if (get_str(t, "id", r->id, sizeof(r->id)) < 0 || get_str(t, "phase", phase, sizeof(phase)) < 0 ||
	    get_num(t, "pid", &n[0]) < 0 || get_num(t, "pid_start", &n[1]) < 0 || get_num(t, "netns_dev", &n[2]) < 0 ||
	    get_num(t, "netns_ino", &n[3]) < 0 || get_str(t, "pin", r->pin, sizeof(r->pin)) < 0 ||
	    get_str(t, "pf_name", r->pf_name, sizeof(r->pf_name)) < 0 ||
	    get_str(t, "pf_pci", r->pf_pci, sizeof(r->pf_pci)) < 0 || get_num(t, "pf_ifindex", &n[4]) < 0 ||
	    get_num(t, "vf_index", &n[5]) < 0 || get_str(t, "vf_pci", r->vf_pci, sizeof(r->vf_pci)) < 0 ||
	    get_str(t, "host_name", r->host_name, sizeof(r->host_name)) < 0 || get_num(t, "host_ifindex", &n[6]) < 0 ||
	    get_str(t, "host_mac", mac, sizeof(mac)) < 0 || sh_parse_mac(mac, r->host_mac) < 0 ||
	    get_num(t, "host_mtu", &n[7]) < 0 || sh_json_get_bool(t, "host_up", &up) < 0 ||
	    parse_altnames(sh_json_get(t, "host_altnames"), r) < 0 ||
	    get_str(t, "cont_name", r->cont_name, sizeof(r->cont_name)) < 0 || get_num(t, "cont_ifindex", &n[8]) < 0 ||
	    get_num(t, "knobs", &n[9]) < 0 || parse_vf_cfg(sh_json_get(t, "orig"), &r->orig) < 0)
		return -EINVAL;
	r->phase = strcmp(phase, "attached") ? SH_PHASE_ATTACHING : SH_PHASE_ATTACHED;
	r->pid = (int)n[0];
	r->pid_start = (unsigned long long)n[1];
	r->netns_dev = (uint64_t)n[2];
	r->netns_ino = (uint64_t)n[3];
	r->pf_ifindex = (int)n[4];
	r->vf_index = (unsigned)n[5];
	r->host_ifindex = (int)n[6];
	r->host_mtu = (unsigned)n[7];
	r->host_up = up;
	r->cont_ifindex = (int)n[8];
	r->knobs = (unsigned)n[9];
	return 0;
}

int sh_record_from_json(const char *json, struct sh_record *r, struct sh_error *err)
{
	yajl_val t;
	int ret;

	memset(r, 0, sizeof(*r));
	if ((ret = sh_json_parse(json, "claim record", &t, err)) < 0)
		return ret;
	ret = record_from_tree(t, r);
	yajl_tree_free(t);
	return ret < 0 ? sh_err(err, EINVAL, "claim record is incomplete or corrupt") : 0;
}

int sh_claim_read(struct sh_claim *c, struct sh_record *r, struct sh_error *err)
{
	_cleanup_free_ char *buf = NULL;
	_cleanup_close_ int fd = open(c->rec_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	if (fd < 0)
		return sh_err_errno(err, errno, "open %s", c->rec_path);
	if (sh_json_read_fd(fd, RECORD_MAX_BYTES, &buf, err) < 0 || sh_record_from_json(buf, r, err) < 0)
		return sh_err_ctx(err, "read %s", c->rec_path);
	snprintf(c->owner, sizeof(c->owner), "%s", r->id);
	return 0;
}

int sh_claim_write(struct sh_claim *c, const struct sh_record *r, struct sh_error *err)
{
	_cleanup_free_ char *json = NULL;
	char tmp[PATH_MAX + 32];
	int fd, ret;

	if (sh_record_to_json(r, &json) < 0)
		return sh_err(err, ENOMEM, "out of memory");
	/* The index entry comes first: the index may list a VF without a record, never the reverse. */
	if (c->state_dir[0] && (ret = index_add(c->state_dir, r->id, c->pci)) < 0)
		return sh_err_errno(err, -ret, "index the claim of %s for %s", c->pci, r->id);
	snprintf(c->owner, sizeof(c->owner), "%s", r->id);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", c->rec_path, (int)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return sh_err_errno(err, errno, "create %s", tmp);
	ret = sh_write_all(fd, json, strlen(json));
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	close(fd);
	if (ret == 0 && rename(tmp, c->rec_path) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(tmp);
		return sh_err_errno(err, -ret, "write claim %s", c->rec_path);
	}
	return 0;
}

unsigned long long sh_proc_start_time(int pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, field;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: count fields after the last ')'. */
	p = strrchr(buf, ')');
	/* A zombie has exited: it only waits for a parent that may never reap it. */
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	for (field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p)
		sscanf(p + 1, "%llu", &start);
	return start;
}

bool sh_record_is_stale(const struct sh_record *r)
{
	/* We hold the lock: a record still "attaching" belongs to a hook that died mid-way. */
	if (r->phase == SH_PHASE_ATTACHING)
		return true;
	if (r->pid > 0)
		return sh_proc_start_time(r->pid) != r->pid_start;
	return false;
}

int sh_claim_foreach(const char *state_dir, int (*fn)(const char *pci, void *data), void *data, struct sh_error *err)
{
	char path[PATH_MAX], pci[SH_PCI_LEN];
	struct dirent *e;
	DIR *d;
	int r = 0;

	snprintf(path, sizeof(path), "%s/claims", state_dir);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : sh_err_errno(err, errno, "open %s", path);
	while (r == 0 && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= 5 || len - 5 >= sizeof(pci) || strcmp(e->d_name + len - 5, ".json"))
			continue;
		snprintf(pci, sizeof(pci), "%.*s", (int)(len - 5), e->d_name);
		r = fn(pci, data);
	}
	closedir(d);
	return r;
}

int sh_claim_list_owned(const char *state_dir, const char *id, char (*pci)[SH_PCI_LEN], size_t max, size_t *n,
		     struct sh_error *err)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;

	*n = 0;
	if (index_path(dir, sizeof(dir), state_dir, id, NULL) < 0)
		return sh_err(err, ENAMETOOLONG, "container id too long");
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : sh_err_errno(err, errno, "open %s", dir);
	while ((e = readdir(d))) {
		struct sh_claim c = SH_CLAIM_INIT;
		struct sh_record r;
		struct sh_error ignored;

		if (e->d_name[0] == '.' || strlen(e->d_name) >= SH_PCI_LEN)
			continue;
		snprintf(c.rec_path, sizeof(c.rec_path), "%s/claims/%s.json", state_dir, e->d_name);
		if (sh_claim_read(&c, &r, &ignored) < 0 || strcmp(r.id, id))
			continue; /* an entry whose record is gone or another's: poststop drops it */
		if (*n < max)
			memcpy(pci[*n], e->d_name, strlen(e->d_name) + 1);
		(*n)++;
	}
	closedir(d);
	return 0;
}
