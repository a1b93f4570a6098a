/* module_load.c - loading handler modules in the master before it forks:
 * a sealed private copy of the file's current contents (so a reload sees
 * a rebuilt or overwritten file even at the same path), one load per
 * content hash, ABI checks, and the module's conf hook on its settings */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "module.h"

#define MODULE_MAX_SIZE (256 << 20)

_Static_assert((int)CONF_FRAMING_NONE == (int)FRAMING_NONE &&
		       (int)CONF_FRAMING_DELIMITER == (int)FRAMING_DELIMITER &&
		       (int)CONF_FRAMING_LENGTH32 == (int)FRAMING_LENGTH32 &&
		       (int)CONF_FRAMING_NETSTRING == (int)FRAMING_NETSTRING,
	       "conf/ and proto/ number the framings alike");

/* Every build this process loaded; never unloaded. */
static struct module *loaded;

/* Threads of this process, to catch a module that starts one before the
 * workers fork (fork copies only the calling thread). */
static int count_threads(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Reads the whole file at path into a malloc'd buffer. */
static char *read_all(const char *path, size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *data = NULL;
	size_t got = 0;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot open \"%s\": %s", path,
			 strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > MODULE_MAX_SIZE) {
		snprintf(err, errlen, "\"%s\" is not a shared object file "
			 "(a regular file of 1 byte to 256 MiB)", path);
		goto out;
	}
	if ((data = malloc((size_t)st.st_size)) == NULL) {
		snprintf(err, errlen, "out of memory reading \"%s\"", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
		if (n <= 0) {
			snprintf(err, errlen, "cannot read \"%s\": %s", path,
				 n < 0 ? strerror(errno) : "it shrank");
			free(data);
			data = NULL;
			goto out;
		}
		got += (size_t)n;
	}
	*len = got;
out:
	if (fd >= 0)
		close(fd);
	return data;
}

/* dlopen()s a sealed memfd holding data: the file can change afterwards
 * without touching what runs, and glibc cannot hand back an older load
 * of the same path. The memfd stays open in the master for as long as the
 * build is loaded (*fdp): glibc matches loads by name, and a closed fd's
 * /proc/self/fd/N would name the next build too. Workers close it. */
static void *open_sealed(const char *data, size_t len, int *fdp, char *err,
			 size_t errlen)
{
	int fd = memfd_create("preforkd-module", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	char proc[64];
	size_t off = 0;
	void *dl = NULL;

	if (fd < 0) {
		snprintf(err, errlen, "memfd_create: %s", strerror(errno));
		return NULL;
	}
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "copying the module: %s",
				 strerror(errno));
			goto out;
		}
		off += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
					   F_SEAL_SEAL) < 0) {
		snprintf(err, errlen, "sealing the module: %s", strerror(errno));
		goto out;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if ((dl = dlopen(proc, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		const char *why = dlerror(), *p = why;

		/* "/proc/self/fd/N: reason": the path is the caller's to say. */
		if (why != NULL && strncmp(why, proc, strlen(proc)) == 0 &&
		    strncmp(why + strlen(proc), ": ", 2) == 0)
			p = why + strlen(proc) + 2;
		snprintf(err, errlen, "%s", p != NULL ? p : "dlopen failed");
	}
out:
	if (dl != NULL)
		*fdp = fd;
	else
		close(fd);
	return dl;
}

/* Takes the module's table: the major must match; an older minor's
 * shorter table gets its missing hooks as NULL. */
static int check_abi(struct module *m, const struct pfd_handler *h,
		     char *err, size_t errlen)
{
	size_t n;

	if (h == NULL) {
		snprintf(err, errlen, "preforkd_handler_1() returned NULL");
		return -1;
	}
	if (h->abi_major != PFD_ABI_MAJOR) {
		snprintf(err, errlen, "it was built for handler ABI %u.%u; this "
			 "preforkd speaks ABI %d.%d (the major must match)",
			 h->abi_major, h->abi_minor, PFD_ABI_MAJOR, PFD_ABI_MINOR);
		return -1;
	}
	if (h->size < offsetof(struct pfd_handler, conf)) {
		snprintf(err, errlen, "its handler table is %u bytes, too short "
			 "for ABI %d.x", h->size, PFD_ABI_MAJOR);
		return -1;
	}
	n = h->size < sizeof(m->h) ? h->size : sizeof(m->h);
	memset(&m->h, 0, sizeof(m->h));
	memcpy(&m->h, h, n);
	if (m->h.name == NULL || m->h.name[0] == '\0') {
		snprintf(err, errlen, "its handler table has no name");
		return -1;
	}
	if (m->h.version == NULL)
		m->h.version = "?";
	return 0;
}

/* The loaded build with these contents, loading it if it is new. */
static struct module *load_build(const char *path, char *err, size_t errlen)
{
	uint8_t digest[SHA256_LEN];
	struct sha256 sh;
	struct module *m;
	const struct pfd_handler *(*entry)(const struct pfd_host *);
	size_t len;
	char *data = read_all(path, &len, err, errlen);
	char hash[2 * SHA256_LEN + 1];
	int threads;

	if (data == NULL)
		return NULL;
	sha256_init(&sh);
	sha256_update(&sh, data, len);
	sha256_final(&sh, digest);
	sha256_hex(digest, hash);
	for (m = loaded; m != NULL; m = m->next)
		if (strcmp(m->hash, hash) == 0) {
			free(data);
			return m;
		}
	if ((m = calloc(1, sizeof(*m))) == NULL || (m->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	memcpy(m->hash, hash, sizeof(hash));
	threads = count_threads();
	if ((m->dl = open_sealed(data, len, &m->fd, err, errlen)) == NULL)
		goto fail;
	if (count_threads() != threads) {
		/* Never dlclose it: its thread runs its code. */
		snprintf(err, errlen, "its constructor started a thread; a module "
			 "may start threads only in worker_init");
		m->dl = NULL;
		m->next = loaded; /* keeps its memfd's name taken */
		loaded = m;
		m->hash[0] = '\0';
		free(data);
		return NULL;
		goto fail;
	}
	*(void **)&entry = dlsym(m->dl, "preforkd_handler_1");
	if (entry == NULL) {
		snprintf(err, errlen, "it exports no preforkd_handler_1 (not a "
			 "preforkd module, or one for another ABI major)");
		goto fail;
	}
	if (check_abi(m, entry(&module_host), err, errlen) < 0)
		goto fail;
	free(data);
	m->next = loaded;
	loaded = m;
	return m;
fail:
	if (m != NULL && m->dl != NULL) {
		dlclose(m->dl); /* none of its code can still run */
		close(m->fd);
	}
	if (m != NULL)
		free(m->path);
	free(m);
	free(data);
	return NULL;
}

/* The hooks the listener's framing needs. */
static const char *missing_hook(const struct module *m, enum conf_framing f)
{
	if (f == CONF_FRAMING_NONE && m->h.on_bytes == NULL)
		return "framing = \"none\" needs its on_bytes hook";
	if (f != CONF_FRAMING_NONE && m->h.on_message == NULL)
		return "framed messages need its on_message hook";
	return NULL;
}

static void inst_free(void *p)
{
	struct module_inst *inst = p;

	if (inst->mod->h.conf_free != NULL && inst->conf != NULL)
		inst->mod->h.conf_free(inst->conf);
	free(inst);
}

/* Runs the module's conf hook on the settings; 0, or -1 after reporting. */
static int run_conf(struct module_inst *inst, struct conf_errors *errs)
{
	const struct module_conf *mc = inst->mc;
	struct module_cfg cfg = {.mc = mc, .errs = errs};
	const struct module *m = inst->mod;
	int threads = count_threads(), rc;

	if (m->h.conf == NULL)
		return 0;
	module_cur = m;
	rc = m->h.conf((const struct pfd_cfg *)&cfg, &inst->conf);
	module_cur = NULL;
	if (count_threads() != threads) {
		conf_errors_add(errs, CONF_ERR_MODULE, mc->file, mc->line,
				"module '%s': its conf hook started a thread; a "
				"module may start threads only in worker_init",
				m->h.name);
		return -1;
	}
	if (rc < 0 && cfg.nerr == 0)
		conf_errors_add(errs, CONF_ERR_MODULE, mc->file, mc->settings_line,
				"module '%s' refused its settings without saying "
				"why", m->h.name);
	return rc < 0 || cfg.nerr > 0 ? -1 : 0;
}

int module_prepare(struct listener_conf *lc, struct conf_errors *errs)
{
	const struct module_conf *mc = &lc->module;
	struct module_inst *inst;
	struct module *m;
	const char *why;
	char err[400];

	if ((m = load_build(mc->path, err, sizeof(err))) == NULL) {
		conf_errors_add(errs, CONF_ERR_MODULE, mc->file, mc->line,
				"module \"%s\": %s", mc->path, err);
		return -1;
	}
	if ((why = missing_hook(m, mc->framing)) != NULL) {
		conf_errors_add(errs, CONF_ERR_MODULE, mc->file, mc->line,
				"module '%s': %s", m->h.name, why);
		return -1;
	}
	if ((inst = calloc(1, sizeof(*inst))) == NULL) {
		conf_errors_add(errs, CONF_ERR_MODULE, mc->file, mc->line,
				"out of memory");
		return -1;
	}
	inst->mod = m;
	inst->mc = mc;
	inst->framing = (struct framing){
		.kind = (enum framing_kind)mc->framing,
		.delim = mc->delimiter,
		.delim_len = mc->delimiter_len,
		.max_message = (size_t)mc->max_message,
	};
	if (run_conf(inst, errs) < 0) {
		inst->conf = inst->conf != NULL && m->h.conf_free ? inst->conf : NULL;
		inst_free(inst);
		return -1;
	}
	lc->prepared = inst;
	lc->prepared_free = inst_free;
	log_info("listener %s: module %s %s (sha256 %s) from %s", lc->name,
		 m->h.name, m->h.version, m->hash, mc->path);
	return 0;
}
