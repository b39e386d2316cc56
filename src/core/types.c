/* Value types: parsing and formatting of MACs, IP addresses, PCI addresses and interface names.
 * Strict: what is accepted here is exactly what the kernel and sysfs spell. (The fields of
 * struct sh_vf_cfg are listed by the VF settings table, vfsetting.c.) */
#include "sriov-hook/core/types.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/core/error.h"

int sh_parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 10)
		return -EINVAL;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return -EINVAL;
		v = v * 10 + (*s - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

const char *sh_vf_mode_name(enum sh_vf_mode mode)
{
	return mode == SH_MODE_VFIO ? "vfio" : "netdev";
}

bool sh_vf_mode_from_name(const char *name, enum sh_vf_mode *mode)
{
	if (!strcmp(name, "netdev"))
		*mode = SH_MODE_NETDEV;
	else if (!strcmp(name, "vfio"))
		*mode = SH_MODE_VFIO;
	else
		return false;
	return true;
}

const char *sh_release_mode_name(enum sh_release_mode mode)
{
	return mode == SH_RELEASE_REBIND ? "rebind" : mode == SH_RELEASE_RESTORE ? "restore" : "";
}

bool sh_release_mode_from_name(const char *name, enum sh_release_mode *mode)
{
	if (!strcmp(name, "restore"))
		*mode = SH_RELEASE_RESTORE;
	else if (!strcmp(name, "rebind"))
		*mode = SH_RELEASE_REBIND;
	else
		return false;
	return true;
}

bool sh_ifname_valid(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".") || !strcmp(name, ".."))
		return false;
	for (; *name; name++)
		if (*name == '/' || *name == ':' || isspace((unsigned char)*name) || !isprint((unsigned char)*name))
			return false;
	return true;
}

bool sh_pci_addr_valid(const char *s)
{
	/* dddd:bb:dd.f, every d/b a hex digit: sscanf's %x would also take signs, spaces and 0x. */
	static const char shape[] = "xxxx:xx:xx.x";
	unsigned dev, fn;
	size_t i;

	if (strlen(s) != sizeof(shape) - 1)
		return false;
	for (i = 0; shape[i]; i++)
		if (shape[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != shape[i])
			return false;
	sscanf(s + 8, "%2x.%1x", &dev, &fn);
	return dev < 32 && fn < 8;
}

int sh_parse_pci_addr(const char *s, char out[SH_PCI_LEN])
{
	size_t i;

	if (!sh_pci_addr_valid(s))
		return -EINVAL;
	for (i = 0; s[i]; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
	return 0;
}

int sh_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned b[6];
	char tail;
	int i;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[i * 3]) || !isxdigit((unsigned char)s[i * 3 + 1]))
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

bool sh_mac_is_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

const char *sh_format_mac(const uint8_t mac[6], char buf[18])
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

int sh_parse_ip(const char *s, bool cidr, struct sh_ip *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;
	unsigned long prefix;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (cidr != !!slash)
		return -EINVAL;
	if (slash)
		*slash = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, buf, &out->a.v4) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, buf, &out->a.v6) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	if (!cidr)
		return 0;
	if (sh_parse_uint(slash + 1, out->family == AF_INET ? 32 : 128, &prefix) < 0)
		return -EINVAL;
	out->prefix = (unsigned)prefix;
	return 0;
}

const char *sh_format_ip(const struct sh_ip *ip, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(ip->family, &ip->a, a, sizeof(a));
	if (ip->prefix)
		snprintf(buf, len, "%s/%u", a, ip->prefix);
	else
		snprintf(buf, len, "%s", a);
	return buf;
}

bool sh_ip_in_subnet(const struct sh_ip *ip, const struct sh_ip *cidr)
{
	const uint8_t *a = (const uint8_t *)&ip->a, *b = (const uint8_t *)&cidr->a;
	unsigned bits = cidr->prefix, i;

	if (ip->family != cidr->family)
		return false;
	for (i = 0; i < bits / 8; i++)
		if (a[i] != b[i])
			return false;
	if (bits % 8) {
		uint8_t mask = (uint8_t)(0xff << (8 - bits % 8));
		if ((a[i] & mask) != (b[i] & mask))
			return false;
	}
	return true;
}

/* The id names files and directories under state_dir and goes into every log line: only the
 * characters runtimes use in ids, so no "/", no control character, and never "." or "..". */
int sh_container_id_validate(const char *id, struct sh_error *err)
{
	size_t i, len = strlen(id);

	if (len == 0)
		return sh_err(err, EINVAL, "container id is empty");
	if (len > SH_ID_MAX)
		return sh_err(err, EINVAL, "container id \"%.32s...\" is longer than %d characters", id,
			      SH_ID_MAX);
	for (i = 0; i < len; i++) {
		char c = id[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.' || c == '+'))
			return sh_err(err, EINVAL,
				      "container id \"%.64s\" has a character other than "
				      "[A-Za-z0-9_.+-]",
				      id);
	}
	if (id[0] == '.')
		return sh_err(err, EINVAL, "container id \"%.64s\" begins with a dot", id);
	return 0;
}

size_t sh_text_unsafe_len(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;

	if (*c < 0x20 || *c == 0x7f)
		return *c ? 1 : 0;
	/* U+0080..U+009F: C1 controls, CSI (U+009B) among them */
	if (c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
		return 2;
	/* U+202A..U+202E (embeddings, overrides) and U+2066..U+2069 (isolates) */
	if (c[0] == 0xe2 &&
	    ((c[1] == 0x80 && c[2] >= 0xaa && c[2] <= 0xae) || (c[1] == 0x81 && c[2] >= 0xa6 && c[2] <= 0xa9)))
		return 3;
	return 0;
}

const char *sh_text_escape(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, n;

	for (; *s && o + 13 < len; s += n ? n : 1) {
		if (!(n = sh_text_unsafe_len(s))) {
			out[o++] = *s;
			continue;
		}
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];

			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 0xf];
		}
	}
	if (len)
		out[o < len ? o : len - 1] = '\0';
	return out;
}

bool sh_text_printable(const char *s)
{
	for (; *s; s++)
		if (sh_text_unsafe_len(s))
			return false;
	return true;
}

bool sh_pool_name_valid(const char *name)
{
	size_t i, len = strlen(name);

	/* As CDI spells a device name, so that each pool is a device of the generated spec. */
	if (len == 0 || len > SH_POOL_NAME_MAX || !isalnum((unsigned char)name[0]) ||
	    !isalnum((unsigned char)name[len - 1]))
		return false;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.:-", name[i]))
			return false;
	return true;
}
