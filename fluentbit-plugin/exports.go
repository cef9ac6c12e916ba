// Command out_ttpscope is a Fluent Bit output plugin (build with -buildmode=c-shared). This file is the
// whole C surface: each export recovers panics, logs them and returns an error code; the work is in
// plugin.go and the internal packages.
package main

/*
#include "abi.h"
*/
import "C"

import "unsafe"

// FLBPluginPreRegister is called before FLBPluginRegister; hotReload is 1 when a hot reload (SIGHUP with
// -Y) builds a new pipeline next to the running one.
//
//export FLBPluginPreRegister
func FLBPluginPreRegister(hotReload C.int) (rc C.int) {
	defer recovered("FLBPluginPreRegister", &rc, -1)
	preRegister(hotReload != 0)
	return 0
}

//export FLBPluginRegister
func FLBPluginRegister(def unsafe.Pointer) (rc C.int) {
	defer recovered("FLBPluginRegister", &rc, -1)
	return C.int(errCode(register(def), 0, -1, "register"))
}

// FLBPluginInit builds one instance; Fluent Bit calls it once per [OUTPUT] section, reusing plugin.
//
//export FLBPluginInit
func FLBPluginInit(plugin unsafe.Pointer) (rc C.int) {
	defer recovered("FLBPluginInit", &rc, C.FLB_ERROR)
	return C.int(initInstance(plugin))
}

// FLBPluginFlushCtx handles one chunk; data is valid only during the call and is copied first.
//
//export FLBPluginFlushCtx
func FLBPluginFlushCtx(ctx, data unsafe.Pointer, length C.int, tag *C.char) (rc C.int) {
	defer recovered("FLBPluginFlushCtx", &rc, C.FLB_ERROR)
	return C.int(flush(ctx, C.GoBytes(data, length), C.GoString(tag)))
}

// FLBPluginFlush is the context-less flush of old Fluent Bit versions, which never call it when
// FLBPluginFlushCtx exists. Without a context the instance is unknown, so the chunk is refused.
//
//export FLBPluginFlush
func FLBPluginFlush(data unsafe.Pointer, length C.int, tag *C.char) (rc C.int) {
	defer recovered("FLBPluginFlush", &rc, C.FLB_ERROR)
	return C.int(flushWithoutContext(int(length), C.GoString(tag)))
}

// FLBPluginOutputPreExit runs at shutdown after the workers stopped, before FLBPluginExitCtx.
//
//export FLBPluginOutputPreExit
func FLBPluginOutputPreExit() (rc C.int) {
	defer recovered("FLBPluginOutputPreExit", &rc, C.FLB_ERROR)
	preExit()
	return C.FLB_OK
}

// FLBPluginExitCtx closes one instance.
//
//export FLBPluginExitCtx
func FLBPluginExitCtx(ctx unsafe.Pointer) (rc C.int) {
	defer recovered("FLBPluginExitCtx", &rc, C.FLB_ERROR)
	return C.int(exitInstance(ctx))
}

// FLBPluginExit is the context-less exit of old Fluent Bit versions; instances close in
// FLBPluginExitCtx, so there is nothing to do.
//
//export FLBPluginExit
func FLBPluginExit() (rc C.int) {
	defer recovered("FLBPluginExit", &rc, C.FLB_ERROR)
	return C.FLB_OK
}

//export FLBPluginUnregister
func FLBPluginUnregister(def unsafe.Pointer) {
	defer recovered("FLBPluginUnregister", new(C.int), 0)
	unregister(def)
}

// recovered turns a panic in an export into a logged error and the return code code.
func recovered(export string, rc *C.int, code C.int) {
	if r := recover(); r != nil {
		logPanic(export, r)
		*rc = code
	}
}

func main() {}
