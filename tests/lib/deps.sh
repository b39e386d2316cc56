#!/bin/sh
# Installs, on Debian 12 as root, every package the build, the demo and the tests use; quiet when
# all are present already.
set -e
pkgs="build-essential pkg-config libyajl-dev libnl-3-dev libnl-route-3-dev libseccomp-dev libcmocka-dev
      iproute2 runc busybox-static podman docker.io containernetworking-plugins time"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q $missing >/dev/null
