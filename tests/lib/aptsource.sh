# shellcheck shell=bash
# The archive this machine's apt uses, read from its own sources (deb822 .sources files or one-line
# .list files): tests that build a Debian root take their mirror from here, so that no host name is
# written into the repository.
#   apt_suite_uri bookworm    # prints the URI of the first "deb" source that serves that suite

apt_suite_uri() {
	local suite=$1 f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk -v want="$suite" 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; deb = 0; hit = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^#/) continue
				n = split($i, w, /[ \t]+/)
				if (w[1] == "Types:") for (j = 2; j <= n; j++) if (w[j] == "deb") deb = 1
				if (w[1] == "URIs:" && uri == "") uri = w[2]
				if (w[1] == "Suites:") for (j = 2; j <= n; j++) if (w[j] == want) hit = 1
			}
			if (deb && hit && uri != "") { print uri; found = 1; exit }
		}
		END { exit !found }' "$f" && return 0
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/\[[^]]*\]//' "$f" | awk -v want="$suite" '$1 == "deb" && $3 == want { print $2; found = 1; exit }
			END { exit !found }' && return 0
	done
	return 1
}
