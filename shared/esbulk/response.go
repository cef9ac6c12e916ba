package esbulk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// ItemResult is one entry of a bulk response.
type ItemResult struct {
	Action  string          // index, create, update or delete
	Index   string          // _index (the backing index for data streams)
	ID      string          // _id
	Status  int             // HTTP status of the item
	Result  string          // created, updated, deleted, noop, not_found
	Version int64           // _version
	Error   json.RawMessage // the error object, when the item failed
}

// BulkResponse is a decoded _bulk response body.
type BulkResponse struct {
	Took   int64
	Errors bool
	Items  []ItemResult
}

type wireItem struct {
	Index   string          `json:"_index"`
	ID      string          `json:"_id"`
	Status  int             `json:"status"`
	Result  string          `json:"result"`
	Version int64           `json:"_version"`
	Error   json.RawMessage `json:"error"`
}

// wireEntry is one element of "items": an object with one action key.
// Fields rather than a map keep decoding allocation-light.
type wireEntry struct {
	Index  *wireItem `json:"index"`
	Create *wireItem `json:"create"`
	Update *wireItem `json:"update"`
	Delete *wireItem `json:"delete"`
}

// parseBulkResponse decodes a _bulk response and checks its shape: an
// "items" array whose entries hold exactly one of the actions index,
// create, update or delete, with a status between 100 and 599.
func parseBulkResponse(b []byte) (BulkResponse, error) {
	var wire struct {
		Took   int64       `json:"took"`
		Errors bool        `json:"errors"`
		Items  []wireEntry `json:"items"`
	}
	if err := json.Unmarshal(b, &wire); err != nil {
		return BulkResponse{}, fmt.Errorf("decode: %w", err)
	}
	if wire.Items == nil && !bytes.Contains(b, []byte(`"items"`)) {
		return BulkResponse{}, errors.New(`no "items" in the response`)
	}
	out := BulkResponse{Took: wire.Took, Errors: wire.Errors, Items: make([]ItemResult, len(wire.Items))}
	for i, e := range wire.Items {
		var action string
		var it *wireItem
		n := 0
		for _, c := range []struct {
			name string
			v    *wireItem
		}{{"index", e.Index}, {"create", e.Create}, {"update", e.Update}, {"delete", e.Delete}} {
			if c.v != nil {
				action, it = c.name, c.v
				n++
			}
		}
		if n != 1 {
			return BulkResponse{}, fmt.Errorf("item %d has %d actions, want 1", i, n)
		}
		if it.Status < 100 || it.Status > 599 {
			return BulkResponse{}, fmt.Errorf("item %d: status %d", i, it.Status)
		}
		if string(it.Error) == "null" {
			it.Error = nil
		}
		out.Items[i] = ItemResult{Action: action, Index: it.Index, ID: it.ID, Status: it.Status, Result: it.Result, Version: it.Version, Error: it.Error}
	}
	return out, nil
}

// ParseBulkResponse decodes a _bulk response body (see ItemResult).
func ParseBulkResponse(b []byte) (BulkResponse, error) { return parseBulkResponse(b) }

// errorSummary renders an ES error (an error object, or a whole error
// response body) as "type: reason [caused by: type: reason]".
func errorSummary(b []byte) string {
	type errObj struct {
		Type     string  `json:"type"`
		Reason   string  `json:"reason"`
		CausedBy *errObj `json:"caused_by"`
	}
	var whole struct {
		Error json.RawMessage `json:"error"`
	}
	var e errObj
	if json.Unmarshal(b, &whole) == nil && len(whole.Error) > 0 {
		var s string
		if json.Unmarshal(whole.Error, &s) == nil {
			return s
		}
		b = whole.Error
	}
	if json.Unmarshal(b, &e) != nil || (e.Type == "" && e.Reason == "") {
		s := strings.TrimSpace(string(b))
		if len(s) > 200 {
			s = s[:200] + "..."
		}
		if s == "" {
			return "(empty body)"
		}
		return s
	}
	s := e.Type + ": " + e.Reason
	if c := e.CausedBy; c != nil {
		s += " [caused by: " + c.Type + ": " + c.Reason + "]"
	}
	return s
}
