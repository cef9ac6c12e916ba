// Package classifier runs ttpscope's transformer sequence classifier with ONNX Runtime and
// turns texts (already normalized by the caller) into class probabilities over benign,
// T1003.002, T1562 and T1134.
//
// # Model
//
// New loads a Hugging Face / Optimum ONNX export from Options.ModelDir or, when that is empty,
// from the root of Options.FS (e.g. the go:embed FS of package model): model.onnx,
// tokenizer.json and config.json, plus tokenizer_config.json if present. It validates them up
// front and every problem is an error naming the file (absolute path, or "fs:NAME") and field:
//
//   - config.json id2label gives the labels by logit index. The labels must be ttpscope class
//     names (case-insensitive), or be mapped onto them by a "ttpscope" block:
//     {"ttpscope": {"label_map": {"LABEL_0": "benign", ...}, "temperature": 1.0, "name": "...",
//     "version": "...", "max_tokens": 0}}. Unknown labels, duplicate classes and a missing
//     "benign" are load errors. Name falls back to config.json "name", then "_name_or_path";
//     version to config.json "version".
//   - The model's sequence limit is ttpscope.max_tokens, else max_position_embeddings (minus
//     pad_token_id+1 for RoBERTa-family model_type values: 514 -> 512), lowered to
//     tokenizer_config.json model_max_length when that is smaller.
//   - The graph must take int64 [batch, sequence] inputs input_ids and attention_mask, and may
//     take token_type_ids (fed zeros); any other input is an error. It must output a float32
//     "logits" [batch, labels] whose label dimension equals the number of labels in id2label.
//   - The pad id is tokenizer.json padding.pad_id if padding is configured, else the id of the
//     "<pad>" token, else config.json pad_token_id.
//
// # Windows and aggregation
//
// Each text is encoded without special tokens. Let W = MaxTokens − the tokenizer's special
// token count (64 − 2 = 62 for the RoBERTa-style test model, 512 − 2 = 510 for a full-size
// one). A text of at most W tokens is one window. A longer text is cut into windows of W tokens
// whose starts are Stride tokens apart (default W/2, so consecutive windows overlap by half), the
// last window aligned to the end of the text so the tail is always seen whole. Special tokens
// are then added to each window (Tokenizer.PostProcess).
//
// At most MaxWindows windows (default 16) are run per text. A text that would need more gets
// exactly MaxWindows windows with starts spread evenly from the first token to the last window
// position; the head and the tail are always covered and Prediction.Truncated reports whether
// the spacing left tokens in no window (texts longer than about MaxWindows·W tokens, ~8000
// tokens for a 512-token model).
//
// Each window is scored by softmax(logits / temperature). A text's result is the distribution
// of its most malicious window, the one with the highest 1 − P(benign) (the earliest one on a
// tie): its whole distribution becomes the text's Probs, and Class/Score are its argmax. An
// attack is an attack wherever it sits in a long script, and averaging would dilute one
// malicious command among many benign ones. Prediction.BestWindow names the window used.
//
// # Batching
//
// Classify collects the windows of all its texts, orders them by length (stable), and runs
// them in batches of BatchSize (default 8, the fastest measured for the default model), each padded only to its own longest member with the
// pad id and attention mask 0. Padding does not change a window's result beyond float rounding
// (well under 1e-5), so a text gets the same prediction alone or in any batch. Texts that yield
// no tokens get Prediction.Err = ErrEmptyText; the call fails only for ORT errors, a cancelled
// context (checked between batches, and in-flight runs are terminated through ORT run
// options) or a closed classifier.
//
// A Coalescer (NewCoalescer) batches across calls: many small concurrent calls (a few texts each)
// put their windows on one queue and runner goroutines run them in shared, length-sorted batches,
// a batch as soon as it is full or once its oldest window has waited CoalesceOptions.MaxWait. It
// returns the same predictions as Classify.
//
// RunRaw runs one padded batch of token-id rows and returns raw logits; with Windows it gives the
// bare-ORT baseline against which Classify's own overhead (tokenizing, windowing, batching,
// softmax) can be measured (see BenchmarkRaw and BenchmarkClassify).
//
// # Threads
//
// The ORT session uses IntraOpThreads threads inside one run (default 1) and InterOpThreads
// (default 1), with thread spinning off (session.intra_op.allow_spinning and
// session.inter_op.allow_spinning = 0) so idle workers do not burn CPU, and all graph
// optimizations on. With one intra-op thread, each Classify call runs on its caller's
// goroutine and uses one core; throughput scales by calling Classify from several goroutines,
// which is safe: a Classifier is safe for concurrent use and Close waits for calls in flight.
//
// ONNX Runtime itself is process-wide state owned by package ortenv; New takes a reference
// (Options.ORTLibrary, else ortenv discovery) and Close releases it.
package classifier
