# make check-valgrind: the integration suite under valgrind memcheck.
