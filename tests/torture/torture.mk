# The torture (root): concurrent container lifecycles with random kills of the hook (torture.sh).
#   make check-torture     TORTURE_OPS=1000 (part of make check)
#   make torture           TORTURE_OPS=10000 (override: make torture TORTURE_OPS=50000)
TORTURE_OPS ?= 10000

.PHONY: check-torture torture
check-torture: all tools
	@TORTURE_OPS=1000 bash tests/torture/torture.sh

torture: all tools
	@TORTURE_OPS=$(TORTURE_OPS) bash tests/torture/torture.sh
