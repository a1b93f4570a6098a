# tests/http.mk - the HTTP mode's pure parts, their unit tests and fuzzers
src_libpreforkd_a_SOURCES += \
	src/http_parse.c src/http_parse.h

if HAVE_CMOCKA
HTTP_UNIT_TESTS = tests/test_http_parse tests/test_http_parse_scalar
check_PROGRAMS += $(HTTP_UNIT_TESTS)
TESTS += $(HTTP_UNIT_TESTS)

tests_test_http_parse_SOURCES = tests/test_http_parse.c tests/test_http_guard.c
tests_test_http_parse_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_http_parse_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)

# The same tests against the portable (non-SSE2) scanning code.
tests_test_http_parse_scalar_SOURCES = tests/test_http_parse.c \
	tests/test_http_guard.c src/http_parse.c
tests_test_http_parse_scalar_CPPFLAGS = $(AM_CPPFLAGS) -DHTTP_PARSE_SCALAR
tests_test_http_parse_scalar_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_test_http_parse_scalar_LDADD = $(CMOCKA_LIBS)
endif
