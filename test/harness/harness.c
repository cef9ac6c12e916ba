//go:build ignore

/*
 * harness drives a Fluent Bit Go output plugin (.so) the way Fluent Bit 5.1's Go proxy does
 * (src/flb_plugin_proxy.c, src/proxy/go/go.c), so the plugin can be tested without Fluent Bit:
 *
 *   dlopen(RTLD_LAZY); FLBPluginPreRegister(0) if present; FLBPluginRegister(def) on a zeroed
 *   struct flb_plugin_proxy_def, then type must be 2 (output) and proxy 11 (Go);
 *   FLBPluginInit(plugin) once per instance, one after another, with the same struct
 *   flbgo_output_plugin each time: only o_ins and context change; the API table's
 *   output_get_property(key, o_ins) matches keys case-insensitively and returns NULL when unset;
 *   FLBPluginFlushCtx(remote_context, data, size, tag) from several threads at once, with data in
 *   a fresh buffer that is scribbled over and freed after the call (it is valid only during it);
 *   RETRY re-sends the same bytes after a back-off, up to the retry limit;
 *   FLBPluginOutputPreExit and FLBPluginExitCtx per instance, FLBPluginUnregister, dlclose.
 *
 * Usage: harness PLUGIN.so PLAN RESULTS [FLUENT-BIT ARGUMENTS...]
 *
 * The arguments after RESULTS are ignored: they are there for the plugin, which reads the process's
 * command line (/proc/self/cmdline) to find the configuration Fluent Bit was started with, e.g.
 * `-c fluent-bit.conf` or `-i dummy -o ttpscope -p key=value -m '*'`.
 *
 * PLAN has one tab-separated command per line:
 *   instance NAME                 start declaring an instance
 *   set KEY VALUE                 a property of the instance being declared
 *   init                          FLBPluginInit for it
 *   flush NAME TAG THREADS RETRY_LIMIT BACKOFF_MS FILE...
 *                                 flush the chunk files (raw msgpack) on THREADS threads: thread i
 *                                 sends files i, i+THREADS, ... in order
 *   exit                          pre-exit and exit every initialized instance, unregister, dlclose
 *
 * RESULTS gets one line per event (register, init, flush, group, exit, ...) and finally rss_kb.
 *
 * This file is compiled by the Go tests in this directory with the system C compiler; the build
 * constraint above keeps the Go tool from compiling it into the test package.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define FLB_ERROR 0
#define FLB_OK 1
#define FLB_RETRY 2

/* include/fluent-bit/flb_plugin_proxy.h */
struct flb_plugin_proxy_def {
    int type;
    int proxy;
    int flags;
    char *name;
    char *description;
    int event_type;
    void *config_map;
};

struct flb_plugin_proxy_context {
    void *remote_context;
    void *proxy;
};

/* include/fluent-bit/flb_api.h */
struct flb_api {
    const char *(*output_get_property)(const char *, void *);
    const char *(*input_get_property)(const char *, void *);
    void *(*output_get_cmt_instance)(void *);
    void *(*input_get_cmt_instance)(void *);
    void (*log_print)(int, const char *, int, const char *, ...);
    int (*input_log_check)(void *, int);
    int (*output_log_check)(void *, int);
};

/* src/proxy/go/go.h */
struct flbgo_output_plugin {
    char *name;
    void *api;
    void *o_ins;
    struct flb_plugin_proxy_context *context;
    int (*cb_init)(void *);
    int (*cb_flush)(const void *, size_t, const char *);
    int (*cb_flush_ctx)(void *, const void *, size_t, char *);
    int (*cb_exit)(void);
    int (*cb_exit_ctx)(void *);
};

/* Our stand-in for struct flb_output_instance: its properties. */
#define MAX_PROPS 64
#define MAX_INSTANCES 16
struct instance {
    char name[128];
    int nprops;
    char *keys[MAX_PROPS];
    char *values[MAX_PROPS];
    struct flb_plugin_proxy_context ctx;
    int initialized;
};

static struct instance instances[MAX_INSTANCES];
static int ninstances;
static FILE *results;
static pthread_mutex_t results_mu = PTHREAD_MUTEX_INITIALIZER;

static int (*fn_flush_ctx)(void *, const void *, int, char *);

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&results_mu);
    va_start(ap, fmt);
    vfprintf(results, fmt, ap);
    va_end(ap);
    fputc('\n', results);
    fflush(results);
    pthread_mutex_unlock(&results_mu);
}

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "harness: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(2);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* flb_output_get_property: case-insensitive, NULL when unset. */
static int property_calls;
static const char *output_get_property(const char *key, void *o_ins)
{
    struct instance *ins = o_ins;
    __atomic_add_fetch(&property_calls, 1, __ATOMIC_RELAXED);
    for (int i = 0; i < ins->nprops; i++) {
        if (strcasecmp(ins->keys[i], key) == 0) {
            return ins->values[i];
        }
    }
    return NULL;
}

static struct instance *find(const char *name)
{
    for (int i = 0; i < ninstances; i++) {
        if (strcmp(instances[i].name, name) == 0) {
            return &instances[i];
        }
    }
    die("no instance %s", name);
    return NULL;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        die("cannot open %s", path);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc(n > 0 ? n : 1);
    if (n > 0 && fread(buf, 1, n, f) != (size_t)n) {
        die("cannot read %s", path);
    }
    fclose(f);
    *len = n;
    return buf;
}

struct chunk {
    const char *path;
    char *data;
    size_t len;
};

struct job {
    struct instance *ins;
    char *tag;
    struct chunk *chunks;
    int nchunks;
    int first, step;
    int retry_limit;
    int backoff_ms;
    int ok, retry, error;
    double max_call_ms;
};

static void *flush_thread(void *arg)
{
    struct job *j = arg;
    for (int i = j->first; i < j->nchunks; i += j->step) {
        struct chunk *c = &j->chunks[i];
        int rc = FLB_ERROR, tries = 0;
        double start = now_ms();
        for (;;) {
            /* Fluent Bit hands a buffer that is only valid during the call. */
            char *buf = malloc(c->len > 0 ? c->len : 1);
            memcpy(buf, c->data, c->len);
            char *tag = strdup(j->tag);
            double t0 = now_ms();
            rc = fn_flush_ctx(j->ins->ctx.remote_context, buf, (int)c->len, tag);
            double took = now_ms() - t0;
            memset(buf, 0xAA, c->len);
            memset(tag, 'X', strlen(tag));
            free(buf);
            free(tag);
            tries++;
            if (took > j->max_call_ms) {
                j->max_call_ms = took;
            }
            if (rc != FLB_RETRY || tries > j->retry_limit) {
                break;
            }
            usleep((useconds_t)j->backoff_ms * 1000 * (tries < 4 ? tries : 4));
        }
        out("flush %s %s rc=%d tries=%d ms=%.1f", j->ins->name, c->path, rc, tries, now_ms() - start);
        if (rc == FLB_OK) {
            j->ok++;
        } else if (rc == FLB_RETRY) {
            j->retry++;
        } else {
            j->error++;
        }
    }
    return NULL;
}

static char *fields[256];
static int split(char *line)
{
    int n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(line, "\t", &save); tok && n < 256; tok = strtok_r(NULL, "\t", &save)) {
        fields[n++] = tok;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: harness PLUGIN.so PLAN RESULTS [FLUENT-BIT ARGUMENTS...]\n");
        return 2;
    }
    results = fopen(argv[3], "w");
    if (!results) {
        die("cannot write %s", argv[3]);
    }

    void *so = dlopen(argv[1], RTLD_LAZY);
    if (!so) {
        die("dlopen: %s", dlerror());
    }
    int (*pre_register)(int) = (int (*)(int))dlsym(so, "FLBPluginPreRegister");
    int (*reg)(struct flb_plugin_proxy_def *) = (int (*)(struct flb_plugin_proxy_def *))dlsym(so, "FLBPluginRegister");
    int (*init)(void *) = (int (*)(void *))dlsym(so, "FLBPluginInit");
    fn_flush_ctx = (int (*)(void *, const void *, int, char *))dlsym(so, "FLBPluginFlushCtx");
    int (*pre_exit)(void) = (int (*)(void))dlsym(so, "FLBPluginOutputPreExit");
    int (*exit_ctx)(void *) = (int (*)(void *))dlsym(so, "FLBPluginExitCtx");
    int (*exit_plain)(void) = (int (*)(void))dlsym(so, "FLBPluginExit");
    int (*flush_plain)(const void *, int, char *) = (int (*)(const void *, int, char *))dlsym(so, "FLBPluginFlush");
    void (*unreg)(struct flb_plugin_proxy_def *) = (void (*)(struct flb_plugin_proxy_def *))dlsym(so, "FLBPluginUnregister");
    if (!reg || !init || !fn_flush_ctx || !exit_ctx || !unreg) {
        die("missing export in %s", argv[1]);
    }
    out("symbols pre_register=%d pre_exit=%d exit=%d flush=%d", pre_register != NULL, pre_exit != NULL,
        exit_plain != NULL, flush_plain != NULL);

    if (pre_register) {
        out("pre_register rc=%d", pre_register(0));
    }
    struct flb_plugin_proxy_def *def = calloc(1, sizeof(*def));
    int rc = reg(def);
    out("register rc=%d type=%d proxy=%d flags=%d event_type=%d config_map=%d name=%s", rc, def->type, def->proxy,
        def->flags, def->event_type, def->config_map != NULL, def->name ? def->name : "(null)");
    if (def->type != 2 || def->proxy != 11) {
        die("%s", "registration: want type 2 (output) and proxy 11 (Go)");
    }

    struct flb_api api = {.output_get_property = output_get_property};
    /* One plugin struct per loaded plugin, reused for every instance. */
    struct flbgo_output_plugin plugin = {.name = def->name, .api = &api};

    FILE *plan = fopen(argv[2], "r");
    if (!plan) {
        die("cannot open plan %s", argv[2]);
    }
    char line[65536];
    struct instance *declaring = NULL;
    while (fgets(line, sizeof line, plan)) {
        line[strcspn(line, "\r\n")] = 0;
        int n = split(line);
        if (n == 0) {
            continue;
        }
        if (strcmp(fields[0], "instance") == 0 && n == 2) {
            if (ninstances == MAX_INSTANCES) {
                die("%s", "too many instances");
            }
            declaring = &instances[ninstances++];
            snprintf(declaring->name, sizeof declaring->name, "%s", fields[1]);
        } else if (strcmp(fields[0], "set") == 0 && n >= 2 && declaring) {
            if (declaring->nprops == MAX_PROPS) {
                die("%s", "too many properties");
            }
            declaring->keys[declaring->nprops] = strdup(fields[1]);
            declaring->values[declaring->nprops] = strdup(n >= 3 ? fields[2] : "");
            declaring->nprops++;
        } else if (strcmp(fields[0], "init") == 0 && declaring) {
            plugin.o_ins = declaring;
            plugin.context = &declaring->ctx;
            double t0 = now_ms();
            int calls0 = property_calls;
            rc = init(&plugin);
            declaring->initialized = rc > 0;
            out("init %s rc=%d context=%d ms=%.0f property_calls=%d", declaring->name, rc,
                declaring->ctx.remote_context != NULL, now_ms() - t0, property_calls - calls0);
            /* Fluent Bit reuses the struct: the next Init must not depend on what this one left. */
            plugin.o_ins = NULL;
            plugin.context = NULL;
        } else if (strcmp(fields[0], "flush") == 0 && n >= 7) {
            struct instance *ins = find(fields[1]);
            int threads = atoi(fields[3]);
            int nchunks = n - 6;
            struct chunk *chunks = calloc(nchunks, sizeof *chunks);
            for (int i = 0; i < nchunks; i++) {
                chunks[i].path = fields[6 + i];
                chunks[i].data = read_file(fields[6 + i], &chunks[i].len);
            }
            struct job *jobs = calloc(threads, sizeof *jobs);
            pthread_t *tids = calloc(threads, sizeof *tids);
            double t0 = now_ms();
            for (int t = 0; t < threads; t++) {
                jobs[t] = (struct job){.ins = ins, .tag = fields[2], .chunks = chunks, .nchunks = nchunks, .first = t,
                                       .step = threads, .retry_limit = atoi(fields[4]), .backoff_ms = atoi(fields[5])};
                pthread_create(&tids[t], NULL, flush_thread, &jobs[t]);
            }
            int ok = 0, retry = 0, error = 0;
            double max_call = 0;
            for (int t = 0; t < threads; t++) {
                pthread_join(tids[t], NULL);
                ok += jobs[t].ok;
                retry += jobs[t].retry;
                error += jobs[t].error;
                if (jobs[t].max_call_ms > max_call) {
                    max_call = jobs[t].max_call_ms;
                }
            }
            out("group %s chunks=%d ok=%d retry=%d error=%d ms=%.1f max_call_ms=%.1f", ins->name, nchunks, ok, retry,
                error, now_ms() - t0, max_call);
            for (int i = 0; i < nchunks; i++) {
                free(chunks[i].data);
            }
            free(chunks);
            free(jobs);
            free(tids);
        } else if (strcmp(fields[0], "exit") == 0) {
            /* Workers have stopped; per instance: pre-exit, then exit with its context. */
            for (int i = 0; i < ninstances; i++) {
                if (!instances[i].initialized) {
                    continue;
                }
                if (pre_exit) {
                    out("pre_exit %s rc=%d", instances[i].name, pre_exit());
                }
                out("exit %s rc=%d", instances[i].name, exit_ctx(instances[i].ctx.remote_context));
            }
            if (exit_plain) {
                out("exit_plain rc=%d", exit_plain());
            }
            unreg(def);
            out("unregister name_freed=%d", def->name == NULL);
            out("dlclose rc=%d", dlclose(so));
            free(def);
        } else {
            die("bad plan line starting with %s", fields[0]);
        }
    }
    fclose(plan);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    out("rss_kb=%ld", ru.ru_maxrss);
    fclose(results);
    return 0;
}
