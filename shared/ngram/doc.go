// Package ngram is ttpscope's character n-gram classifier: a multinomial logistic regression over hashed
// byte n-grams of the normalized text. It is the detection-quality baseline the transformer
// (shared/classifier) is measured against, and small and fast enough to serve as the first stage of a
// cascade.
//
// # Features
//
// Text is normalized by normalize.Text, the function the transformer's callers use, so both models see
// the same text (Predict does it; PredictNormalized takes text already normalized). The normalized text
// is padded with one space at each end and cut into every byte n-gram with MinN <= n <= MaxN (1 to 5
// by default): white space is already folded to single spaces, so n-grams that hold a space mark word
// boundaries, and the padding marks the first and last word the same way. Each n-gram is hashed
// (32-bit FNV-1a, then the murmur3 finalizer) into one of 2^Bits buckets. A bucket's count c in the text
// becomes 1+ln(c) and the vector is scaled to unit L2 norm. See Featurizer.
//
// # Model
//
// The logit of class k is bias[k] + sum over buckets b of x[b]*W[b][k], divided by the temperature
// fitted on validation data; the probabilities are their softmax. The weights of a Model are float32 in
// memory (4 MB at the default 2^18 buckets and four classes) and float16 in the file by default; SetFloat16 rounds
// them first, so a model predicts bit for bit the same before Save and after Load.
//
// # File
//
// Save writes a small header (magic "TTPNGRAM", version, flags, n-gram range, hash bits, temperature,
// class names, bias) and the weight matrix as one gzip member; buckets no training line reached are
// zero and compress away. Load validates everything it reads. See Magic for the layout.
//
// # Speed
//
// A prediction touches one 16-byte row per distinct n-gram of the text (about 450 for a 100-byte line)
// and allocates nothing when given a result slice (PredictNormalizedTo) beyond a pooled Featurizer;
// Predict and PredictTo add the allocations of normalize.Text. All prediction methods are safe for
// concurrent use. The trainer is model/cmd/ngramtrain.
package ngram
