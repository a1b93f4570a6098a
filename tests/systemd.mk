# tests/systemd.mk - the systemd unit and the man pages: how they are built
# and installed, and their tests (make check)

# The unit: paths filled in at make time, so that `make prefix=...` and the
# configured directories agree (autoconf's advice for installation paths).
systemdsystemunit_DATA = systemd/preforkd.service
EXTRA_DIST += systemd/preforkd.service.in
CLEANFILES += systemd/preforkd.service

systemd/preforkd.service: $(srcdir)/systemd/preforkd.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && rm -f $@ $@.tmp && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	    -e 's|@controlsocket[@]|$(PREFORKD_CONTROL_SOCKET)|g' \
	    $(srcdir)/systemd/preforkd.service.in >$@.tmp && \
	if grep -n '@[a-zA-Z_]*@' $@.tmp; then \
		echo "$@: a placeholder is left" >&2; rm -f $@.tmp; exit 1; \
	fi && mv $@.tmp $@

# distcheck installs under its own prefix: keep the unit there too, even
# when configure was told an absolute --with-systemdsystemunitdir.
AM_DISTCHECK_CONFIGURE_FLAGS = \
	--with-systemdsystemunitdir='$${dc_install_base}/$(systemdsystemunitdir)'

dist_man_MANS = doc/preforkd.8 doc/preforkd.conf.5 doc/preforkd-handler.3

# doc-man.sh: both pages render with no groff warning and document every
# option and setting. systemd-unit.sh: systemd-analyze verify and security
# (exposure <= 2.0). systemd-nspawn.sh: the whole service life cycle under a
# real systemd in a throw-away container (root only, else skipped).
SYSTEMD_TESTS = \
	tests/doc-man.sh \
	tests/e2e/systemd-unit.sh \
	tests/e2e/systemd-nspawn.sh
TESTS += $(SYSTEMD_TESTS)
EXTRA_DIST += $(SYSTEMD_TESTS)
