package esfake

import (
	"fmt"
	"strings"
)

// errorObj is Elasticsearch's error object, as it appears in a whole-request
// error ({"error":{...},"status":N}) and in a bulk item's "error" field.
type errorObj struct {
	RootCause []errorObj `json:"root_cause,omitempty"`
	Type      string     `json:"type"`
	Reason    string     `json:"reason"`
	IndexUUID string     `json:"index_uuid,omitempty"`
	Shard     string     `json:"shard,omitempty"`
	Index     string     `json:"index,omitempty"`
	CausedBy  *errorObj  `json:"caused_by,omitempty"`
}

// errorResponse is the body of a failed request.
type errorResponse struct {
	Error  errorObj `json:"error"`
	Status int      `json:"status"`
}

// apiError is a whole-request failure: the status and the error object.
type apiError struct {
	status int
	obj    errorObj
	// plain, when set, is written as {"error":"<plain>","status":N}, the
	// shape ES uses for routing errors (no handler, wrong method).
	plain string
}

func (e *apiError) Error() string {
	if e.plain != "" {
		return e.plain
	}
	return fmt.Sprintf("%d %s: %s", e.status, e.obj.Type, e.obj.Reason)
}

// body returns the JSON value written for e.
func (e *apiError) body() any {
	if e.plain != "" {
		return map[string]any{"error": e.plain, "status": e.status}
	}
	root := e.obj
	root.RootCause = nil
	root.CausedBy = nil
	obj := e.obj
	obj.RootCause = []errorObj{root}
	return errorResponse{Error: obj, Status: e.status}
}

func newAPIError(status int, typ, format string, args ...any) *apiError {
	return &apiError{status: status, obj: errorObj{Type: typ, Reason: fmt.Sprintf(format, args...)}}
}

func illegalArgument(format string, args ...any) *apiError {
	return newAPIError(400, "illegal_argument_exception", format, args...)
}

func validationFailed(reasons ...string) *apiError {
	var msg strings.Builder
	msg.WriteString("Validation Failed: ")
	for i, r := range reasons {
		fmt.Fprintf(&msg, "%d: %s;", i+1, r)
	}
	return newAPIError(400, "action_request_validation_exception", "%s", msg.String())
}

func indexNotFound(name string) *apiError {
	e := newAPIError(404, "index_not_found_exception", "no such index [%s]", name)
	e.obj.Index = name
	e.obj.IndexUUID = "_na_"
	return e
}

// statusErrorType is the error type ES reports for an injected status.
func statusErrorType(status int) (typ, reason string) {
	switch status {
	case 429:
		return "es_rejected_execution_exception", "rejected execution of coordinating operation [esfake injected]"
	case 503:
		return "unavailable_shards_exception", "[esfake][0] primary shard is not active (injected)"
	case 504:
		return "timeout_exception", "esfake injected timeout"
	case 401:
		return "security_exception", "esfake injected authentication failure"
	case 403:
		return "security_exception", "esfake injected authorization failure"
	default:
		if status >= 500 {
			return "exception", "esfake injected failure"
		}
		return "illegal_argument_exception", "esfake injected failure"
	}
}
