package main

/*
#include "abi.h"

static char *ttp_get_property(struct flbgo_output_plugin *p, char *key) {
	if (p == NULL || p->api == NULL || p->api->output_get_property == NULL) {
		return NULL;
	}
	return p->api->output_get_property(key, p->o_ins);
}
*/
import "C"

import (
	"errors"
	"runtime/cgo"
	"unsafe"
)

// pluginName is the name Fluent Bit configurations use: [OUTPUT] Name ttpscope.
const pluginName = "ttpscope"

const pluginDescription = "classify command lines with ttpscope (ATT&CK T1003.002, T1562, T1134) and index, forward or print them"

// register fills Fluent Bit's registration struct.
func register(def unsafe.Pointer) error {
	if def == nil {
		return errors.New("registration struct is NULL")
	}
	d := (*C.struct_flb_plugin_proxy_def)(def)
	d._type = C.FLB_PROXY_OUTPUT_PLUGIN
	d.proxy = C.FLB_PROXY_GOLANG
	d.flags = 0
	d.name = C.CString(pluginName)
	d.description = C.CString(pluginDescription)
	return nil
}

// unregister frees what register allocated.
func unregister(def unsafe.Pointer) {
	if def == nil {
		return
	}
	d := (*C.struct_flb_plugin_proxy_def)(def)
	C.free(unsafe.Pointer(d.name))
	C.free(unsafe.Pointer(d.description))
	d.name, d.description = nil, nil
}

// property reads one configuration key of the instance being initialized; ok is false when unset.
func property(plugin unsafe.Pointer, key string) (string, bool) {
	ckey := C.CString(key)
	defer C.free(unsafe.Pointer(ckey))
	v := C.ttp_get_property((*C.struct_flbgo_output_plugin)(plugin), ckey)
	if v == nil {
		return "", false
	}
	return C.GoString(v), true
}

// setContext stores h as the instance's remote context: a C cell holding the handle, because Fluent
// Bit keeps the pointer and Go pointers must not live in C memory.
func setContext(plugin unsafe.Pointer, h cgo.Handle) error {
	p := (*C.struct_flbgo_output_plugin)(plugin)
	if p == nil || p.context == nil {
		return errors.New("plugin struct has no proxy context")
	}
	cell := (*C.uintptr_t)(C.malloc(C.size_t(unsafe.Sizeof(C.uintptr_t(0)))))
	*cell = C.uintptr_t(h)
	p.context.remote_context = unsafe.Pointer(cell)
	return nil
}

// handleOf reads the handle back from a remote context.
func handleOf(ctx unsafe.Pointer) (cgo.Handle, bool) {
	if ctx == nil {
		return 0, false
	}
	h := cgo.Handle(*(*C.uintptr_t)(ctx))
	return h, h != 0
}

// freeContext releases the cell made by setContext.
func freeContext(ctx unsafe.Pointer) { C.free(ctx) }
