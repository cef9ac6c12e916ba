/*
 * The slice of Fluent Bit's Go proxy ABI this plugin uses, as Fluent Bit 5.1 lays it out
 * (include/fluent-bit/flb_plugin_proxy.h, src/proxy/go/go.h, include/fluent-bit/flb_api.h).
 * Declarations only: exports.go includes this file, and cgo forbids definitions there.
 */
#ifndef TTPSCOPE_FLB_ABI_H
#define TTPSCOPE_FLB_ABI_H

#include <stdint.h>
#include <stdlib.h>

#define FLB_ERROR 0
#define FLB_OK    1
#define FLB_RETRY 2

#define FLB_PROXY_OUTPUT_PLUGIN 2
#define FLB_PROXY_GOLANG        11

/* Filled by FLBPluginRegister; Fluent Bit zeroes it first. */
struct flb_plugin_proxy_def {
    int type;
    int proxy;
    int flags;
    char *name;
    char *description;
    int event_type;
    void *config_map;
};

/* The API table; only its first entry is used. Later entries (input_get_property, cmetrics and log
 * helpers) vary between Fluent Bit versions and are not declared. */
struct flb_api {
    char *(*output_get_property)(char *key, void *o_ins);
};

/* Per instance; the plugin sets remote_context in Init and gets it back in FlushCtx and ExitCtx. */
struct flb_plugin_proxy_context {
    void *remote_context;
    void *proxy;
};

/* One per loaded plugin, shared by all its instances: Fluent Bit sets api, o_ins and context before
 * each FLBPluginInit call. Fluent Bit's own struct continues with its callback pointers. */
struct flbgo_output_plugin {
    char *name;
    struct flb_api *api;
    void *o_ins;
    struct flb_plugin_proxy_context *context;
};

#endif
