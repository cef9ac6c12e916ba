// Package esfake is an in-memory Elasticsearch 8 for tests: an httptest
// server on loopback that speaks enough of the REST API, with the same
// shapes and statuses, for the official go-elasticsearch client, Fluent
// Bit's es output, Filebeat or curl to work against it, plus programmable
// faults.
//
// # What it serves
//
// Every response carries "X-Elastic-Product: Elasticsearch", which the v8
// client checks.
//
//	GET|HEAD /                          info (version.number 8.x, "You Know, for Search")
//	GET  /_cluster/health[/<index>]     green, one node
//	GET  /_license                      basic
//	POST|PUT /_bulk, /<index>/_bulk     index, create, update (doc, doc_as_upsert, upsert), delete
//	GET|HEAD|PUT|POST|DELETE /<index>/_doc/<id>, POST /<index>/_doc, PUT|POST /<index>/_create/<id>
//	                                    (POST /<index>/_doc, auto id, defaults to op_type create, as in ES)
//	PUT|GET|HEAD|DELETE /<index>        create (settings, mappings), get, exists, delete
//	GET  /<index>/_mapping
//	GET|PUT|DELETE /_index_template/<name>, /_component_template/<name>  (+ GET of all, wildcards)
//	GET|PUT|DELETE /_data_stream/<name>
//	GET|PUT|DELETE /_ingest/pipeline/<id>  (stored; processors are not run)
//	POST /<index>/_pit?keep_alive=, DELETE /_pit
//	GET|POST /_search, /<index>/_search   query, sort, from/size, search_after, pit, slice
//	GET|POST /_count, /<index>/_count; /_refresh, /<index>/_refresh  (ignore_unavailable honoured)
//
// Unknown paths get ES's 400 "no handler found for uri [...]", a wrong
// method 405 "Incorrect HTTP method...", an unknown query parameter 400
// "request [...] contains unrecognized parameter", a body with a media type
// other than JSON/NDJSON 406 "Content-Type header [...] is not supported".
// filter_path (include patterns) and pretty work on every JSON answer.
//
// # _bulk, as Elasticsearch does it
//
// The body is parsed like ES's BulkRequestParser (see parseBulk): a body not
// ending in "\n" is a 400 illegal_argument_exception; a broken action line
// fails the whole request with 400 — illegal_argument_exception "Malformed
// action/metadata line [N], expected ..." for a wrong structure or an
// unknown action, "Action/metadata line [N] contains an unknown parameter"
// for unknown metadata, x_content_parse_exception for invalid JSON — because
// ES cannot know where the next action starts. Blank lines are skipped, and
// an action whose source line is missing at the end of the body is ignored.
// A bad index/create source only fails its item (400
// document_parsing_exception), since ES parses sources per item. No actions,
// or an action with no index or an update/delete with no id, is a 400
// action_request_validation_exception.
//
// Items are answered in order with ES's shapes: {"index":{"_index", "_id",
// "_version", "result":"created"|"updated", "_shards", "_seq_no",
// "_primary_term", "status":201|200}}; create on an existing id is 409
// version_conflict_engine_exception; delete of a missing doc is 404
// "result":"not_found" (not an error); update of a missing doc is 404
// document_missing_exception; if_seq_no/if_primary_term conflicts are 409;
// an unknown pipeline is 400 "pipeline with id [x] does not exist"; invalid
// index names are 400 invalid_index_name_exception. "errors" is true when
// any item has an error object. Auto ids are 20 characters. Documents are
// visible to search at once (an implicit refresh).
//
// Indices are created on first write. Index templates (with component
// templates, by priority) give them mappings; explicit mappings are
// enforced for common types (numbers, boolean, date, ip, keyword/text
// against objects, object against values, dynamic: strict) with ES's 400
// document_parsing_exception, so a real mapping error can be provoked
// without fault injection. Like ES 8, the fake has a built-in "logs"
// template (logs-*-*, priority 100) that makes such names data streams; a
// template with "data_stream" creates a stream with a .ds-<name>-<date>-000001
// backing index on the first create, which only accepts op_type create and
// requires @timestamp.
//
// # Search
//
// Enough for point-in-time backfills: a PIT freezes the documents of the
// resolved indices; searches with "pit" take no index in the path (ES's
// 400 otherwise), add the implicit _shard_doc tiebreaker to a non-empty
// sort, and honour search_after and slice {id, max} (slices partition the
// PIT by a hash of _id). Expired or closed PITs give 404
// search_context_missing_exception. Queries: match_all, match_none, term,
// terms, prefix, match (any word), exists, ids, range, bool. Dates (RFC 3339
// strings) sort and compare as epoch milliseconds.
//
// # Faults
//
// Faults (SetFaults, or FailNextRequests, DelayNextRequests,
// DropNextRequests, FailItems, FailIDs, MappingErrorOn) inject whole-request
// statuses with ES error bodies, per-item 429/5xx by probability or id,
// mapping errors for documents with a field, delays (client timeouts) and
// dropped connections, optionally after the request took effect. Random
// choices use a generator seeded by WithSeed.
//
// # Accessors
//
// Docs, Doc, Count, Indices, DataStreams, Mappings, IndexTemplate,
// ComponentTemplate, OpenPITs, Requests (method, path, query, headers,
// status: for auth checks) and Stats read the state directly.
//
// # Real clusters
//
// NewTarget and URL return the cluster named by ES_URL (with ES_API_KEY,
// ES_USERNAME, ES_PASSWORD, ES_CA_FILE) when it is set, and a fresh fake
// otherwise; Target.RequireFake skips, with a message, tests that need the
// fake. Start always returns a fake and logs so when ES_URL is set.
//
// Tests that should mean the same against a real cluster check outcomes
// with the HTTP helpers of Target (client.go), never the fake's store:
// TempName (a unique "ttpscope-test-<hex>" name; at the end of the test
// every data stream, index, index template and component template starting
// with it is deleted, each by its exact name), Do/DoOK, Bulk, CreateIndex,
// DeleteIndex, Refresh, Count, Docs (one _search with _version, _seq_no,
// _routing), Doc (GET _doc), Mappings, IndexTemplate, ComponentTemplate and
// DataStreams. Server.Target gives a fake from Start the same helpers.
//
// To try that path without a cluster, run a standalone fake and point
// ES_URL at it:
//
//	go run ./test/esfake/cmd/esfake -addr 127.0.0.1:0 -timeout 30m   # prints ES_URL=http://127.0.0.1:PORT
//	ES_URL=http://127.0.0.1:PORT go test ./elastic-ingest/ ./shared/... ./test/...
package esfake
