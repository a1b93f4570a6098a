# etc/local.mk - the default configuration. The installed copy names the
# configured control socket (--with-control-socket) where the checkout's
# names one next to the file.
preforkdconfdir = $(sysconfdir)/preforkd
nodist_preforkdconf_DATA = etc/installed/preforkd.conf
EXTRA_DIST += etc/preforkd.conf
CLEANFILES += etc/installed/preforkd.conf

etc/installed/preforkd.conf: $(srcdir)/etc/preforkd.conf Makefile
	$(AM_V_GEN)$(MKDIR_P) etc/installed && rm -f $@ $@.tmp && \
	sed -e 's|^\(  socket = \)"control\.sock";|\1"$(PREFORKD_CONTROL_SOCKET)";|' \
	    $(srcdir)/etc/preforkd.conf >$@.tmp && \
	if ! grep -q '^  socket = "$(PREFORKD_CONTROL_SOCKET)";' $@.tmp; then \
		echo "$@: no control socket line to rewrite" >&2; \
		rm -f $@.tmp; exit 1; \
	fi && mv $@.tmp $@
