// Package esbulk is ttpscope's one Elasticsearch bulk writer, used by the
// Fluent Bit plugin and by elastic-ingest. It is built on the official
// go-elasticsearch v8 client.
//
// # Two ways in
//
// Writer.Write is synchronous: it sends a batch, retries what can be
// retried inside the call, and returns an Outcome saying what became of
// every document. The Fluent Bit plugin calls it from FlushCtx and returns
// FLB_OK when Outcome.Retryable is 0, FLB_RETRY otherwise.
//
// Writer.NewIndexer gives the asynchronous path for long streams (ship,
// backfill): Add queues a document and blocks when the queue is full,
// workers flush by bytes, count and interval through the same retry logic,
// and OnResult reports each document once. Close flushes and waits.
//
// # Delivery guarantees
//
// Every document given to Write ends in exactly one Outcome count, and every
// document added to an Indexer gets exactly one Result:
//
//   - Indexed: Elasticsearch answered 200/201 for it.
//   - Duplicate: a create was answered 409: a document with that id is
//     already there (an earlier send that succeeded without us learning it).
//     With deterministic ids this is what makes resends idempotent.
//   - DeadLettered: Elasticsearch refused it for good (400 mapping errors,
//     404, 403 on the index, invalid names, ...) or it was invalid before
//     sending (not a JSON object, no index); it was appended to
//     DeadLetterPath as one JSON line (time, index, id, action, status, ES's
//     error object, tries, the document) and the file was fsynced before it
//     was counted. A batch resent after a partial failure does not write the
//     same (index, id) twice (bounded memory of recent ids).
//   - Rejected: the same, when no DeadLetterPath is configured: the document
//     and the error are logged at error level instead.
//   - Retryable / Failed: it got 429, 408, 5xx, a connection error, a
//     timeout, an unparseable answer, or a whole-request error (any non-2xx
//     status for the bulk request, 401/403 included, since they say nothing
//     about the document) and was still failing when the deadline or
//     MaxRetries ended the retries; or its dead letter could not be written.
//     It must be sent again: the plugin returns FLB_RETRY.
//
// Nothing is dropped silently. Delivery is at-least-once; it is
// exactly-once in the index when documents have ids (the default IDHash
// mode derives one from the index name and the body; the plugin derives it
// from tag + timestamp + record, elastic-ingest from source index, source id
// and model version) and are written with create, which is the default
// action for documents with ids. Without ids (IDNone) a document whose
// answer was lost (connection dropped after ES applied it, client timeout)
// can be indexed twice. With ids, a resend to a data stream after a rollover
// lands in the new backing index, where the id is unknown: a known
// Elasticsearch limitation, the same for every shipper.
//
// # Retries
//
// Two layers, both with capped, jittered exponential backoff
// (BackoffInitial doubling to BackoffMax, the wait drawn from [d/2, d]):
// go-elasticsearch's transport re-sends a request that failed to connect or
// got 429/502/503/504 (twice), and Write re-sends, in new bulk requests,
// only the items still failing, in rounds, until none are left, MaxRetries
// rounds have passed, or the deadline (Config.Deadline or the context's,
// whichever is sooner) ends it. A 413 splits the request in halves; a single
// document that is still too large is dead-lettered. Each HTTP request is
// bounded by RequestTimeout.
//
// # Why not esutil.BulkIndexer
//
// esutil.BulkIndexer is asynchronous only and hands item-level 429/5xx to
// OnFailure without retrying them; its whole-request failures fail every
// item. The plugin needs a synchronous call that retries items within a
// deadline and reports a verdict for the whole chunk, and the CLI needs the
// same retry and dead-letter rules, so both paths share one engine here,
// on the client's esapi.BulkRequest (which keeps the transport's retries,
// auth, TLS, compression and product check). The Indexer copies
// BulkIndexer's shape: workers, flush by bytes/count/interval, blocking
// Add, atomic Stats, a callback per item.
//
// # Index names
//
// Config.Index may contain strftime directives (%Y %y %m %d %H %j %G %V %%),
// the syntax of Fluent Bit's Logstash_DateFormat: "logs-%Y.%m.%d". They are
// formatted in UTC from Doc.Time, else the document's top-level @timestamp
// (RFC 3339 or epoch milliseconds), else the current time. See IndexPattern.
//
// # Security
//
// TLS verification is on unless InsecureSkipVerify; CAFile replaces the
// system roots with its CAs (for a cluster with its own CA). APIKey wins
// over Username/Password. Config.LogValue masks secrets.
package esbulk
