package sink

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/config"
	"github.com/ttpscope/ttpscope/fluentbit-plugin/internal/deadletter"
	"github.com/ttpscope/ttpscope/shared/esbulk"
)

// ES indexes events through the project's one bulk writer, esbulk.Writer, synchronously: Write returns
// when every event is indexed, known to be there already, dead-lettered, or still retryable at the
// deadline (see esbulk's package documentation for the retry and delivery rules).
//
//   - Every event is a "create" action (data streams accept nothing else). With es_id hash its _id is
//     esbulk.HashID over the event's key (tag, encoded time and metadata, encoded body), so a re-sent
//     chunk makes the same ids and a 409 on create means the document is already there: a Duplicate.
//   - Retries (whole requests and 429/5xx items) happen inside esbulk, without a round limit, until the
//     flush context's deadline; what remains is Retryable and Fluent Bit re-sends the chunk.
//   - Items Elasticsearch rejects for good are appended by esbulk to dead_letter_path (its DeadLetter
//     JSON lines: time, index, id, action, status, error, tries, document), fsynced before they count.
//   - A record that cannot be encoded as JSON never reaches Elasticsearch: it goes to the plugin's own
//     dead-letter writer (same path, see package deadletter for why two appenders are safe).
type ES struct {
	w      *esbulk.Writer
	idMode esbulk.IDMode
	dead   *deadletter.Writer
	log    *slog.Logger
}

// esBackoffMax caps esbulk's back-off inside one flush: a flush lasts seconds, not minutes.
const esBackoffMax = time.Second

// NewES returns the Elasticsearch sink for cfg. Documents Elasticsearch refuses go to
// cfg.DeadLetterPath through esbulk; records that cannot be encoded go to dead.
func NewES(cfg *config.Config, dead *deadletter.Writer, log *slog.Logger) (*ES, error) {
	ec := esConfig(cfg, log)
	w, err := esbulk.New(ec)
	if err != nil {
		return nil, fmt.Errorf("elasticsearch writer: %w", err)
	}
	return &ES{w: w, idMode: ec.IDMode, dead: dead, log: log}, nil
}

// esConfig maps the plugin configuration onto esbulk's.
func esConfig(cfg *config.Config, log *slog.Logger) esbulk.Config {
	idMode := esbulk.IDNone
	if cfg.ESID == config.IDHash {
		idMode = esbulk.IDHash
	}
	return esbulk.Config{
		Addresses:          cfg.ESURLs,
		APIKey:             cfg.ESAPIKey,
		Username:           cfg.ESUser,
		Password:           cfg.ESPassword,
		CAFile:             cfg.ESCAFile,
		InsecureSkipVerify: !cfg.ESTLSVerify,
		Index:              cfg.ESIndex,
		Pipeline:           cfg.ESPipeline,
		IDMode:             idMode,
		// The flush context (flush_timeout, less what classification used) ends Write sooner; this
		// only bounds a Write given a context without a deadline.
		Deadline:       cfg.FlushTimeout,
		RequestTimeout: cfg.FlushTimeout,
		MaxRetries:     -1, // until the deadline
		BackoffMax:     esBackoffMax,
		DeadLetterPath: cfg.DeadLetterPath,
		Logger:         log,
	}
}

// DocID is the deterministic _id of an event with key parts (esbulk.HashID over them).
func DocID(key [][]byte) string { return esbulk.HashID(key...) }

// Write implements Sink. The error is non-nil exactly when Outcome.Retryable > 0.
func (s *ES) Write(ctx context.Context, tag string, events []Event) (Outcome, error) {
	var out Outcome
	docs := make([]esbulk.Doc, 0, len(events))
	var unencodable []deadletter.Entry
	for _, ev := range events {
		if _, ok := ev.Record["@timestamp"]; !ok {
			ev.Record["@timestamp"] = ev.Time.UTC().Format(time.RFC3339Nano)
		}
		body, err := json.Marshal(ev.Record)
		if err != nil { // a record JSON cannot carry: no attempt can succeed
			unencodable = append(unencodable, deadletter.Entry{Time: time.Now().UTC(), Source: "ttpscope-fluentbit",
				Tag: tag, Reason: "encode record for elasticsearch: " + err.Error(), Record: fmt.Sprint(ev.Record)})
			continue
		}
		d := esbulk.Doc{Action: "create", Body: body, Time: ev.Time}
		if s.idMode == esbulk.IDHash { // IDNone: Elasticsearch picks ids
			d.ID = DocID(ev.Key)
		}
		docs = append(docs, d)
	}
	var deadErr error
	if len(unencodable) > 0 {
		if deadErr = s.dead.Write(unencodable...); deadErr != nil {
			out.Retryable += len(unencodable)
			s.log.Error("records neither encodable nor dead-lettered", "records", len(unencodable), "err", deadErr)
			deadErr = fmt.Errorf("dead-letter %d unencodable records: %w", len(unencodable), deadErr)
		} else {
			out.DeadLettered += len(unencodable)
		}
	}
	if len(docs) > 0 {
		res, err := s.w.Write(ctx, docs)
		out.Delivered += res.Indexed
		out.Duplicates += res.Duplicates
		// Rejected (refused for good, logged with the document) only happens without a dead-letter
		// file, which config forbids for sink es; it is final like a dead letter.
		out.DeadLettered += res.DeadLettered + res.Rejected
		out.Retryable += res.Retryable
		if err != nil {
			return out, err
		}
	}
	if out.Retryable > 0 {
		return out, deadErr
	}
	return out, nil
}

// Close implements Sink: it closes esbulk's dead-letter file and idle connections.
func (s *ES) Close() error { return s.w.Close() }
