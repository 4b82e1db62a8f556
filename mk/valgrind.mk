# make check-valgrind: the integration suite with every dsmirror process
# (forked workers included) under valgrind memcheck. It fails when a scenario
# fails or when any valgrind log reports a memory error or a definite leak.
#
#   - its own build, -O1 -g (readable stacks), in build/valgrind: a sub-make
#     with BUILD and BIN set, so that it never mixes with build/default or
#     build/asan;
#   - DSMIRROR is tests/valgrind/dsmirror, a wrapper that runs that build
#     under valgrind (options and suppressions: tests/valgrind/), one log per
#     process in build/valgrind/logs (emptied first);
#   - DSMIRROR_SLOW=10: the scenarios give dsmirror 10 times longer where they
#     time it (tests/common.sh), and each scenario may take 15 min;
#   - then tests/valgrind/check-logs.sh reads every log. Exit statuses alone
#     are not enough: scenarios expect some failures, and workers' leaks never
#     reach an exit status.
#
# `make check-valgrind TESTS="t_noop t_lock"` runs only those scenarios.

VG_BUILD = build/valgrind
VG_LOGS  = $(VG_BUILD)/logs

.PHONY: check-valgrind
check-valgrind:
	$(MAKE) BUILD=$(VG_BUILD) BIN=$(VG_BUILD)/dsmirror CFLAGS='-O1 -g' SANITIZE= \
	    $(VG_BUILD)/dsmirror
	rm -rf $(VG_LOGS)
	mkdir -p $(VG_LOGS)
	@rc=0; \
	DSMIRROR=$(abspath tests/valgrind/dsmirror) \
	DSMIRROR_VALGRIND_BIN=$(abspath $(VG_BUILD)/dsmirror) \
	DSMIRROR_VALGRIND_LOGS=$(abspath $(VG_LOGS)) \
	DSMIRROR_SLOW=10 SCENARIO_TIMEOUT=900 \
	    tests/run-integration.sh $(TESTS) || rc=1; \
	tests/valgrind/check-logs.sh $(VG_LOGS) || rc=1; \
	exit $$rc
