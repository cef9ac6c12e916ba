package bulkproxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Action is a bulk action name.
type Action string

// The four bulk actions Elasticsearch knows.
const (
	ActionIndex  Action = "index"
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
)

// Op is one action of a _bulk body with its byte ranges in the body.
type Op struct {
	Action Action
	// Key keys the op's item in the response: the action name, "create" for an index with op_type create.
	Key string
	// Line is the 1-based line number of the action line, as Elasticsearch counts it.
	Line int
	// Index and ID are the "_index" and "_id" of the metadata ("" when absent).
	Index, ID string
	// Meta is the action line as sent, without its newline.
	Meta []byte
	// Source is the line after the action line for index, create and update (without its newline), nil for
	// delete and for an action on the last line with no source line (which Elasticsearch ignores).
	Source []byte
	// HasSource tells whether a source line followed (false for delete).
	HasSource bool
}

// Error is an Elasticsearch-style failure of a whole request: the HTTP status and the error object.
type Error struct {
	Status int
	Type   string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Type, e.Reason) }

func illegalArgument(format string, args ...any) *Error {
	return &Error{Status: 400, Type: "illegal_argument_exception", Reason: fmt.Sprintf(format, args...)}
}

// ParseBulk splits a _bulk body into its operations the way Elasticsearch's BulkRequestParser does, as far
// as the proxy needs to: a body that does not end with "\n" is a 400 illegal_argument_exception; blank
// lines are skipped; an action line that is not valid JSON is a 400 x_content_parse_exception and one that
// is not {"<action>":{...}} with action one of create, delete, index, update a 400
// illegal_argument_exception "Malformed action/metadata line [N], ..." for the whole request, because the
// parser cannot know where the next action starts. Sources are not parsed here: a bad index/create source
// fails only its own item. Metadata parameters are checked by the upstream cluster.
func ParseBulk(body []byte) ([]Op, *Error) {
	if len(body) > 0 && body[len(body)-1] != '\n' {
		return nil, illegalArgument("The bulk request must be terminated by a newline [\\n]")
	}
	var ops []Op
	from, line := 0, 0
	for from < len(body) {
		end := bytes.IndexByte(body[from:], '\n') + from
		line++
		actionLine := body[from:end]
		from = end + 1
		if len(bytes.TrimSpace(actionLine)) == 0 {
			continue
		}
		op, err := parseActionLine(actionLine, line)
		if err != nil {
			return nil, err
		}
		if op.Action != ActionDelete && from < len(body) {
			end = bytes.IndexByte(body[from:], '\n') + from
			line++
			op.Source = body[from:end]
			op.HasSource = true
			from = end + 1
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// parseActionLine reads {"<action>": {metadata}}.
func parseActionLine(b []byte, line int) (Op, *Error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	parseErr := func(err error) *Error {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return &Error{Status: 400, Type: "x_content_parse_exception",
				Reason: fmt.Sprintf("[%d:%d] Unexpected end-of-input: expected close marker for Object", line, len(b)+1)}
		}
		return &Error{Status: 400, Type: "x_content_parse_exception", Reason: fmt.Sprintf("[%d:%d] %v", line, dec.InputOffset()+1, err)}
	}
	malformed := func(expected string, tok json.Token) *Error {
		return illegalArgument("Malformed action/metadata line [%d], expected %s but found [%s]", line, expected, tokenName(tok))
	}
	tok, err := dec.Token()
	if err != nil {
		return Op{}, parseErr(err)
	}
	if tok != json.Delim('{') {
		return Op{}, malformed("START_OBJECT", tok)
	}
	if tok, err = dec.Token(); err != nil {
		return Op{}, parseErr(err)
	}
	name, ok := tok.(string)
	if !ok {
		return Op{}, malformed("FIELD_NAME", tok)
	}
	switch Action(name) {
	case ActionIndex, ActionCreate, ActionUpdate, ActionDelete:
	default:
		return Op{}, illegalArgument("Malformed action/metadata line [%d], expected field [create], [delete], [index] or [update] but found [%s]", line, name)
	}
	var meta map[string]any
	if err := dec.Decode(&meta); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) {
			return Op{}, malformed("START_OBJECT", nil)
		}
		return Op{}, parseErr(err)
	}
	if tok, err = dec.Token(); err != nil {
		return Op{}, parseErr(err)
	}
	if tok != json.Delim('}') {
		return Op{}, malformed("END_OBJECT", tok)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Op{}, illegalArgument("Malformed action/metadata line [%d], expected END_OBJECT but found [more content]", line)
	}
	op := Op{Action: Action(name), Key: name, Line: line, Meta: b}
	op.Index, _ = meta["_index"].(string)
	switch id := meta["_id"].(type) {
	case string:
		op.ID = id
	case json.Number:
		op.ID = id.String()
	}
	if name == string(ActionIndex) && meta["op_type"] == "create" {
		op.Action, op.Key = ActionCreate, string(ActionCreate)
	}
	return op, nil
}

// tokenName names a JSON token the way Elasticsearch's parser errors do.
func tokenName(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			return "START_OBJECT"
		case '}':
			return "END_OBJECT"
		case '[':
			return "START_ARRAY"
		case ']':
			return "END_ARRAY"
		}
	case string:
		return "VALUE_STRING"
	case json.Number:
		return "VALUE_NUMBER"
	case bool:
		return "VALUE_BOOLEAN"
	}
	return "VALUE_NULL"
}
