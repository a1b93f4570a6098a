# etc/local.mk - the default configuration, installed unless one exists
preforkdconfdir = $(sysconfdir)/preforkd
dist_preforkdconf_DATA = etc/preforkd.conf
