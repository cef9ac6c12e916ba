// Package tokenizer is a pure-Go implementation of Hugging Face tokenizers for byte-level BPE
// tokenizer.json files (GPT-2 / RoBERTa style), byte-for-byte identical to the Rust library
// (tokenizers 0.23.2) in ids, tokens, offsets, masks, truncation and padding, plus a BPE trainer
// that writes such files.
//
// # Supported tokenizer.json
//
// Anything not listed is refused by FromJSON/FromFile with an error naming the component, type or
// field, never silently mis-tokenized.
//
//   - normalizer: null (or an empty Sequence).
//   - pre_tokenizer: ByteLevel {add_prefix_space, trim_offsets, use_regex}, or a Sequence holding
//     exactly one ByteLevel. The GPT-2 split regex
//     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ is implemented by
//     hand (negative lookahead included) with Unicode classes generated from the Rust library
//     (unicode_tables.go), whose Unicode version is newer than Go's.
//   - model: BPE with vocab, merges as "a b" strings or ["a","b"] pairs, dropout null (or 0),
//     unk_token (must be in the vocab), fuse_unk, continuing_subword_prefix, end_of_word_suffix,
//     ignore_merges. byte_fallback true is refused.
//   - added_tokens with special, lstrip, rstrip, single_word and normalized. The input is split on
//     added tokens first (non-normalized ones, then normalized ones in the remaining pieces), with
//     leftmost-longest matching. As in Hugging Face, ids are re-derived on load (the model's id when
//     the content is in the vocab, else the next free id), not read from the file.
//   - post_processor: null, RobertaProcessing {sep, cls, trim_offsets, add_prefix_space}, ByteLevel
//     {trim_offsets, add_prefix_space}, TemplateProcessing (single template with sequence A; a pair
//     template may be present but pairs are never encoded), Sequence of those.
//   - decoder: null or ByteLevel (see Decode).
//   - truncation {max_length, stride, strategy, direction} and padding {strategy BatchLongest or
//     Fixed, direction, pad_to_multiple_of, pad_id, pad_type_id, pad_token}; both can also be set
//     with SetTruncation and SetPadding.
//
// # Encoding
//
// Encode follows Hugging Face's encode: added-token split, byte-level pre-tokenization, BPE (with a
// bounded per-word cache), then post_process: truncation, the post-processor (special tokens only
// when addSpecialTokens), padding. Offsets are byte offsets into the original string, [Start, End);
// a token holding only some bytes of a character gets the whole character's range; offset trimming
// (trim_offsets) counts characters like the Rust library does with character offsets, so offsets
// always fall on character boundaries. Special and padding tokens have offsets {0, 0}.
//
// Like tokenizers 0.23, when truncation is set only the pre-tokenized words needed to reach
// max_length tokens are encoded (the last ones for Left truncation); the windows returned in
// Encoding.Overflowing are cut from those words only.
//
// PostProcess adds the post-processor's special tokens to an encoding from Encode(text, false), for
// callers that cut their own windows; it neither truncates, pads nor re-trims offsets.
//
// Strings need not be valid UTF-8: an invalid byte is a character of its own (of regex class
// "other") and keeps its raw byte through byte-level BPE, so Decode gives the input back with
// invalid sequences replaced by U+FFFD.
//
// A Tokenizer is safe for concurrent use.
//
// # Differences from Hugging Face
//
// Where the Rust library panics or wraps around, this package returns an error from Encode: a
// stride not below the effective max length (max_length minus the special tokens to add), and a
// max_length smaller than the number of special tokens to add. A vocabulary that lacks some of the
// 256 byte symbols and has no unk_token makes Hugging Face drop those bytes and shift the offsets of
// the following tokens; ids are the same here but those offsets may differ.
//
// # Training
//
// Train learns a byte-level BPE and writes a RoBERTa-style tokenizer.json (see TrainOptions).
//
// # Tests
//
// testdata/golden holds vectors produced by the Rust library itself (npm tokenizers@0.23.2) for
// more than 5,000 strings and several tokenizer.json files, and the script that regenerates them;
// see testdata/golden/README.md.
package tokenizer
