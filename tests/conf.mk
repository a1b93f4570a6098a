# tests/conf.mk - end-to-end tests of the configuration loader and the
# command line (the loader's unit tests, tests/test_conf, are in local.mk)
TESTS += tests/e2e/conf-check.sh
EXTRA_DIST += tests/e2e/conf-check.sh
