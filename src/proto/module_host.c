/* module_host.c - what preforkd offers a handler module (struct pfd_host):
 * replies framed by the core, raw writes, per-connection state, the
 * module's settings while its conf hook runs, logging; and the report
 * that names the module and hook a worker crashed in */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "module.h"

#define IOV_MAX_REPLY 62 /* conn_writev queues up to 64 pieces behind output */

const char *volatile module_cur_hook;
const struct module *volatile module_cur;

static bool closing(const struct conn *c)
{
	return (c->flags & (CONN_CLOSED | CONN_LINGER | CONN_DONE)) != 0;
}

static int host_write(struct pfd_conn *pc, const struct iovec *iov, int iovcnt)
{
	struct conn *c = (struct conn *)pc;

	if (closing(c) || iovcnt < 0 || iovcnt > IOV_MAX_REPLY + 2)
		return -1;
	return conn_writev(c, iov, iovcnt);
}

static int host_reply(struct pfd_conn *pc, const struct iovec *iov, int iovcnt)
{
	struct conn *c = (struct conn *)pc;
	const struct framing *f = &module_lsn_of(c)->inst->framing;
	struct iovec all[IOV_MAX_REPLY + 2];
	struct framing_wire w;
	size_t total = 0;
	int n = 0;

	if (f->kind == FRAMING_NONE)
		return host_write(pc, iov, iovcnt);
	if (closing(c) || iovcnt < 0 || iovcnt > IOV_MAX_REPLY)
		return -1;
	for (int i = 0; i < iovcnt; i++)
		total += iov[i].iov_len;
	if (framing_encode(f, total, &w) < 0)
		return -1;
	if (w.head_len > 0)
		all[n++] = (struct iovec){w.head, w.head_len};
	for (int i = 0; i < iovcnt; i++)
		all[n++] = iov[i];
	if (w.tail_len > 0)
		all[n++] = (struct iovec){(void *)w.tail, w.tail_len};
	return conn_writev(c, all, n);
}

static void *host_state(struct pfd_conn *pc)
{
	return ((struct conn *)pc)->proto;
}

static void *host_worker(struct pfd_conn *pc)
{
	return module_lsn_of((struct conn *)pc)->worker;
}

static int host_peer(struct pfd_conn *pc, char *buf, size_t len)
{
	struct conn *c = (struct conn *)pc;
	struct sockaddr_storage ss;
	socklen_t sl;
	char addr[INET6_ADDRSTRLEN];
	int n;

	if (conn_peer(c, &ss, &sl) < 0)
		return -1;
	if (ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof(addr));
		n = snprintf(buf, len, "%s:%u", addr, ntohs(s4->sin_port));
	} else if (ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof(addr));
		n = snprintf(buf, len, "[%s]:%u", addr, ntohs(s6->sin6_port));
	} else
		n = snprintf(buf, len, "local");
	return n >= 0 && (size_t)n < len ? 0 : -1;
}

static int host_defer(struct pfd_conn *pc, void (*work)(void *arg),
		      enum pfd_next (*done)(struct pfd_conn *c, void *arg,
					    enum pfd_end end),
		      void *arg)
{
	return module_defer((struct conn *)pc, work, done, arg);
}

static const struct module_setting *setting(const struct module_conf *mc,
					    const char *key)
{
	for (size_t i = 0; i < mc->nsettings; i++)
		if (strcmp(mc->settings[i].key, key) == 0)
			return &mc->settings[i];
	return NULL;
}

static void cfg_report(struct module_cfg *cfg, int line, const char *msg)
{
	conf_errors_add(cfg->errs, CONF_ERR_MODULE, cfg->mc->file, line,
			"module '%s': %s",
			module_cur != NULL ? module_cur->h.name : "?", msg);
	cfg->nerr++;
}

/* The pfd_cfg a module gets is the host's struct module_cfg. */
static int host_cfg_str(const struct pfd_cfg *g, const char *key,
			const char **val)
{
	struct module_cfg *cfg = (struct module_cfg *)g;
	const struct module_setting *s = setting(cfg->mc, key);

	if (s == NULL)
		return -1;
	if (s->type != SETTING_STRING) {
		char msg[200];

		snprintf(msg, sizeof(msg), "setting '%s' must be a string, not %s",
			 key, s->what);
		cfg_report(cfg, s->line, msg);
		return -1;
	}
	*val = s->str;
	return 0;
}

static int host_cfg_int(const struct pfd_cfg *g, const char *key,
			int64_t *val)
{
	struct module_cfg *cfg = (struct module_cfg *)g;
	const struct module_setting *s = setting(cfg->mc, key);

	if (s == NULL)
		return -1;
	if (s->type != SETTING_INT) {
		char msg[200];

		snprintf(msg, sizeof(msg),
			 "setting '%s' must be an integer, not %s", key, s->what);
		cfg_report(cfg, s->line, msg);
		return -1;
	}
	*val = s->num;
	return 0;
}

static void host_cfg_error(const struct pfd_cfg *g, const char *key,
			   const char *why)
{
	struct module_cfg *cfg = (struct module_cfg *)g;
	const struct module_setting *s = key != NULL ? setting(cfg->mc, key) : NULL;
	char msg[300];

	if (key == NULL) {
		cfg_report(cfg, cfg->mc->settings_line, why);
		return;
	}
	snprintf(msg, sizeof(msg), "setting '%s': %s", key, why);
	cfg_report(cfg, s != NULL ? s->line : cfg->mc->settings_line, msg);
}

static void host_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void host_log(int level, const char *fmt, ...)
{
	const struct module *m = module_cur;
	char msg[1024];
	va_list ap;

	if (level < LOG_ERR)
		level = LOG_ERR;
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	if (level > log_get_level())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_write(level, "module %s: %s", m != NULL ? m->h.name : "?", msg);
}

const struct pfd_host module_host = {
	.size = sizeof(struct pfd_host),
	.abi_minor = PFD_ABI_MINOR,
	.reply = host_reply,
	.write = host_write,
	.state = host_state,
	.worker = host_worker,
	.peer = host_peer,
	.defer = host_defer,
	.cfg_str = host_cfg_str,
	.cfg_int = host_cfg_int,
	.cfg_error = host_cfg_error,
	.log = host_log,
};

/* ---- crash reports ----------------------------------------------------- */

static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};

static pid_t master_pid; /* SIGABRT from it: a hang, not a crash */

static size_t put(char *line, size_t n, const char *s)
{
	while (*s != '\0' && n < 360)
		line[n++] = *s++;
	return n;
}

/* Async-signal-safe: names the module and the hook, then dies of sig; or,
 * when the master sent SIGABRT because the loop stopped turning, says so
 * and dies of SIGKILL (no core for a hang). */
static void on_crash(int sig, siginfo_t *si, void *uc)
{
	const struct module *m = module_cur;
	const char *hook = module_cur_hook;
	bool hung = sig == SIGABRT && si->si_code == SI_USER &&
		    si->si_pid == master_pid;

	if (m != NULL && hook != NULL) {
		const char *name = sigabbrev_np(sig);
		char line[400];
		size_t n = 0;

		n = put(line, n, "module '");
		n = put(line, n, m->h.name);
		n = put(line, n, "' ");
		n = put(line, n, m->h.version);
		if (hung) {
			n = put(line, n, " was stopped in ");
			n = put(line, n, hook);
			n = put(line, n, ": it blocked the worker's loop past "
				       "worker_timeout");
		} else {
			n = put(line, n, " crashed in ");
			n = put(line, n, hook);
			n = put(line, n, ": SIG");
			n = put(line, n, name != NULL ? name : "?");
		}
		line[n] = '\0';
		log_write_signal_safe(LOG_ERR, line);
	}
	/* SA_RESETHAND made the action the default again. */
	raise(hung ? SIGKILL : sig);
}

int module_crash_report_install(void)
{
	static char altstack[64 * 1024];
	static bool done;
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof(altstack)};
	struct sigaction sa = {.sa_sigaction = on_crash,
			       .sa_flags = SA_RESETHAND | SA_ONSTACK | SA_SIGINFO};

	if (done)
		return 0;
	master_pid = getppid();
	sigemptyset(&sa.sa_mask);
	if (sigaltstack(&ss, NULL) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(crash_signals) / sizeof(crash_signals[0]); i++)
		if (sigaction(crash_signals[i], &sa, NULL) < 0)
			return -1;
	done = true;
	return 0;
}
