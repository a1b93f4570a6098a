# tests/http.mk - the HTTP mode's pure parts, their unit tests and fuzzers
src_libpreforkd_a_SOURCES += \
	src/http_parse.c src/http_parse.h \
	src/http_path.c src/http_path.h \
	src/http_date.c src/http_date.h \
	src/mime.c src/mime.h

if HAVE_CMOCKA
HTTP_UNIT_TESTS = tests/test_http_parse tests/test_http_parse_scalar \
	tests/test_http_chunked tests/test_http_range tests/test_http_path \
	tests/test_http_date tests/test_http_mime
check_PROGRAMS += $(HTTP_UNIT_TESTS)
TESTS += $(HTTP_UNIT_TESTS)
HTTP_TEST_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
HTTP_TEST_LDADD = $(PREFORKD_LIBS) $(CMOCKA_LIBS)

tests_test_http_parse_SOURCES = tests/test_http_parse.c tests/test_http_guard.c
tests_test_http_parse_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_parse_LDADD = $(HTTP_TEST_LDADD)

# The same tests against the portable (non-SSE2) scanning code.
tests_test_http_parse_scalar_SOURCES = tests/test_http_parse.c \
	tests/test_http_guard.c src/http_parse.c
tests_test_http_parse_scalar_CPPFLAGS = $(AM_CPPFLAGS) -DHTTP_PARSE_SCALAR
tests_test_http_parse_scalar_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_parse_scalar_LDADD = $(CMOCKA_LIBS)

tests_test_http_chunked_SOURCES = tests/test_http_chunked.c \
	tests/test_http_guard.c
tests_test_http_chunked_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_chunked_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_range_SOURCES = tests/test_http_range.c
tests_test_http_range_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_range_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_path_SOURCES = tests/test_http_path.c tests/test_http_guard.c
tests_test_http_path_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_path_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_date_SOURCES = tests/test_http_date.c
tests_test_http_date_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_date_LDADD = $(HTTP_TEST_LDADD)

tests_test_http_mime_SOURCES = tests/test_http_mime.c
tests_test_http_mime_CFLAGS = $(HTTP_TEST_CFLAGS)
tests_test_http_mime_LDADD = $(HTTP_TEST_LDADD)
endif
