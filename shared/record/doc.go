// Package record reads input records and extracts the text to classify.
//
// # Reading
//
// A Reader splits a stream into lines and turns each non-blank line into a
// Line holding a record (map[string]any):
//
//   - Format: FormatNDJSON decodes each line as one JSON value with
//     UseNumber, so integers of any size and decimals keep their exact text
//     when the record is encoded again. FormatText wraps each line as
//     {"message": line}. FormatAuto picks NDJSON for the whole stream when
//     the first non-blank line starts with "{" (after white space), text
//     otherwise.
//   - Line endings: "\n" and "\r\n" (the "\r" is removed); a last line
//     without a terminator is read; a UTF-8 byte order mark at the very
//     start is dropped. White-space-only lines are skipped but still counted
//     in Line.Number (1-based physical line numbers).
//   - A line that is not valid JSON in NDJSON mode (truncated, trailing
//     data, plain text) does not stop reading: Line.Err is a *LineError with
//     Kind ErrInvalidJSON and the line number, and Line.Record is
//     {"message": raw line} so the caller can pass it through with status
//     "error".
//   - Valid JSON that is not an object is wrapped as {"message": text} with
//     Line.Note NoteNotObject: a JSON string as its decoded content
//     ("s" gives s, which is text worth classifying), any other value
//     ([1], 3, null) as its compact JSON text.
//   - Lines longer than Options.MaxLineBytes (default 16 MiB, terminator
//     not counted) are consumed up to their end without holding more than
//     the limit in memory, so the next line is read normally. Line.Err is
//     a *LineError with Kind ErrTooLong; only the first TooLongPrefixBytes
//     (1 KiB) are kept, in Line.Raw and as Record's message, for the error
//     report. The line is never classified.
//   - Invalid UTF-8: in text mode each bad byte becomes U+FFFD in the
//     message and Line.Note says so (NoteInvalidUTF8); in NDJSON mode the
//     JSON decoder replaces bad bytes inside strings the same way and the
//     note is set too. Line.Raw always holds the bytes as read.
//
// Next returns io.EOF at the end of input, or the underlying reader's
// error; per-line problems never end the stream.
//
// # Extracting text
//
// Extract takes the text from the first key of a list (DefaultFields when
// none is given) that holds non-blank text. Keys are dotted paths matching
// nested objects, flattened dotted keys, or both mixed. Strings are used as
// they are; arrays (ECS process.args) are joined with single spaces from
// their string, number and boolean elements, dropping nulls, objects and
// nested arrays. A record without text yields a *SkipError whose Reason
// says why: "no text field (tried ...)", "field message is a number, not
// text", or "empty text".
package record
