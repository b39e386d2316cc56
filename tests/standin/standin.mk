# A stand-in SR-IOV PF that stays (root): `make standin-up [NUMVFS=4]` makes the PF standin0p with
# VFs (veth devices behind a fake sysfs tree) and a configuration of its own in
# /run/sriov-hook-standin (never /etc/sriov-hook), so that the README's quickstarts can be followed
# by hand without an SR-IOV NIC; `make standin-down` removes all of it. check-standin tests both, and
# the README's docker route on the stand-in (tests/standin/docker.sh).
.PHONY: standin-up standin-down check-standin
standin-up:
	@scripts/standin-pf.sh up $(NUMVFS)

standin-down:
	@scripts/standin-pf.sh down

check-standin: all hooksd
	@tests/standin/run.sh
	@tests/standin/docker.sh
