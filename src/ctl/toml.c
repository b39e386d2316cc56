/* A line-oriented reader for one key of one TOML table: enough of the grammar (comments, the two
 * kinds of single-line string, arrays across lines) that a file an engine reads the same way is
 * read the same here, without a TOML library for two settings. */
#include "sriov-hook/ctl/toml.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sriov-hook/core/fileio.h"

#define TOML_MAX_BYTES (1u << 20)

struct reader {
	const char *p;
};

/* Spaces, tabs, and with newlines also line ends and comments (inside an array). */
static void skip_space(struct reader *r, bool newlines)
{
	for (;;) {
		while (*r->p == ' ' || *r->p == '\t' || *r->p == '\r' || (newlines && *r->p == '\n'))
			r->p++;
		if (!newlines || *r->p != '#')
			return;
		while (*r->p && *r->p != '\n')
			r->p++;
	}
}

static void skip_line(struct reader *r)
{
	while (*r->p && *r->p != '\n')
		r->p++;
	if (*r->p)
		r->p++;
}

/* A basic ("...", with escapes) or literal ('...') string on one line into out (cut to len);
 * false when there is none here or it does not end on its line. */
static bool read_string(struct reader *r, char *out, size_t len)
{
	char quote = *r->p;
	size_t o = 0;
	char c;

	if (quote != '"' && quote != '\'')
		return false;
	for (r->p++; *r->p && *r->p != '\n' && *r->p != quote; r->p++) {
		c = *r->p;
		if (quote == '"' && c == '\\' && r->p[1] && r->p[1] != '\n') {
			r->p++;
			c = *r->p == 'n' ? '\n' : *r->p == 't' ? '\t' : *r->p == 'r' ? '\r' : *r->p;
		}
		if (o + 1 < len)
			out[o++] = c;
	}
	out[o] = '\0';
	if (*r->p != quote)
		return false;
	r->p++;
	return true;
}

/* A bare or quoted key (one part; a dotted key is read whole as written). */
static bool read_key(struct reader *r, char *out, size_t len)
{
	size_t o = 0;

	if (*r->p == '"' || *r->p == '\'')
		return read_string(r, out, len);
	while (isalnum((unsigned char)*r->p) || *r->p == '_' || *r->p == '-' || *r->p == '.') {
		if (o + 1 < len)
			out[o++] = *r->p;
		r->p++;
	}
	out[o] = '\0';
	return o > 0;
}

/* [table] or [[table]] at r->p: its name, trimmed, brackets of an array of tables kept out. */
static void read_table(struct reader *r, char *out, size_t len)
{
	const char *end;
	size_t n;

	end = strchr(r->p, '\n');
	end = end ? end : r->p + strlen(r->p);
	while (*r->p == '[' || *r->p == ' ' || *r->p == '\t')
		r->p++;
	n = 0;
	while (r->p < end && *r->p != ']' && *r->p != '#') {
		if (n + 1 < len && *r->p != ' ' && *r->p != '\t')
			out[n++] = *r->p;
		r->p++;
	}
	out[n] = '\0';
	skip_line(r);
}

/* The value at r->p: strings into out when keep (the array's or the one string), else skipped. */
static bool read_value(struct reader *r, bool keep, char out[][PATH_MAX], size_t max, size_t *n)
{
	char s[PATH_MAX];
	size_t got = 0;

	if (*r->p == '"' || *r->p == '\'') {
		if (!read_string(r, s, sizeof(s)))
			return false;
		if (keep && max) {
			snprintf(out[0], PATH_MAX, "%s", s);
			*n = 1;
		}
		return keep;
	}
	if (*r->p != '[')
		return false; /* a number, a boolean, an inline table: not what is asked */
	r->p++;
	for (;;) {
		skip_space(r, true);
		if (*r->p == ']') {
			r->p++;
			break;
		}
		if (!read_string(r, s, sizeof(s)))
			return false; /* not an array of strings, or cut short */
		if (keep && got < max)
			snprintf(out[got++], PATH_MAX, "%s", s);
		skip_space(r, true);
		if (*r->p == ',')
			r->p++;
	}
	if (keep)
		*n = got;
	return keep;
}

/* Whether the table named current is the one asked for: table exactly, or, when table begins with
 * '*', any name that holds the rest (containerd's runtimes sit under plugin names that changed
 * between its config versions 2 and 3). */
static bool table_is(const char *current, const char *table)
{
	return table[0] == '*' ? strstr(current, table + 1) != NULL : !strcmp(current, table);
}

int sh_toml_strings(const char *text, const char *table, const char *key, char out[][PATH_MAX], size_t max, size_t *n)
{
	struct reader r = {.p = text};
	char current[256] = "", name[256];
	int found = 0;

	while (*r.p) {
		skip_space(&r, false);
		if (*r.p == '\n' || *r.p == '#') {
			skip_line(&r);
			continue;
		}
		if (*r.p == '[') {
			read_table(&r, current, sizeof(current));
			continue;
		}
		if (!read_key(&r, name, sizeof(name))) {
			skip_line(&r);
			continue;
		}
		skip_space(&r, false);
		if (*r.p != '=') {
			skip_line(&r);
			continue;
		}
		r.p++;
		skip_space(&r, false);
		if (read_value(&r, table_is(current, table) && !strcmp(name, key), out, max, n))
			found = 1;
		skip_line(&r); /* what follows the value: a comment */
	}
	return found;
}

int sh_toml_file_strings(const char *path, const char *table, const char *key, char out[][PATH_MAX], size_t max,
			 size_t *n, struct sh_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int r;

	if ((r = sh_read_regular_file(path, TOML_MAX_BYTES, &text, &len, err)) < 0)
		return r == -ENOENT ? 0 : r;
	if (memchr(text, '\0', len))
		return sh_err(err, EINVAL, "%s: a NUL byte: not a TOML file", path);
	return sh_toml_strings(text, table, key, out, max, n);
}
