package ngram

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// File format, all integers and floats little-endian:
//
//	magic        8 bytes "TTPNGRAM"
//	version      uint16  (Version)
//	flags        uint16  bit 0: weights are float16 (else float32); other bits zero
//	min n        uint8
//	max n        uint8
//	hash bits    uint8
//	classes      uint8   C
//	temperature  float32
//	C times:     uint8 length, then the class name
//	bias         C float32
//	weights      one gzip member holding 2^bits * C weights, bucket-major, float16 or float32
//
// The hash of the features (see Featurizer) belongs to the format: a new hash needs a new version.
// Save writes the same bytes for the same model (the gzip header has no name or time).
const (
	Magic   = "TTPNGRAM"
	Version = 1

	flagFloat16 = 1
)

// Save writes the model in the format above. With Float16 on, the weights are written as float16
// (rounded to nearest, which changes nothing after SetFloat16(true)).
func (m *Model) Save(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var hdr []byte
	hdr = append(hdr, Magic...)
	flags := uint16(0)
	if m.half {
		flags |= flagFloat16
	}
	hdr = binary.LittleEndian.AppendUint16(hdr, Version)
	hdr = binary.LittleEndian.AppendUint16(hdr, flags)
	hdr = append(hdr, byte(m.cfg.MinN), byte(m.cfg.MaxN), byte(m.cfg.Bits), byte(len(m.classes)))
	hdr = binary.LittleEndian.AppendUint32(hdr, math.Float32bits(m.temp))
	for _, c := range m.classes {
		hdr = append(hdr, byte(len(c)))
		hdr = append(hdr, c...)
	}
	for _, b := range m.bias {
		hdr = binary.LittleEndian.AppendUint32(hdr, math.Float32bits(b))
	}
	if _, err := bw.Write(hdr); err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(bw, gzip.BestCompression)
	if err != nil {
		return err
	}
	buf := make([]byte, 0, 1<<16)
	for _, x := range m.weights {
		if m.half {
			buf = binary.LittleEndian.AppendUint16(buf, toHalf(x))
		} else {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
		}
		if len(buf) >= 1<<16-4 {
			if _, err := zw.Write(buf); err != nil {
				return err
			}
			buf = buf[:0]
		}
	}
	if _, err := zw.Write(buf); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// Load reads a model written by Save. It checks every field and rejects weights, bias or temperature
// that are not finite. It reads ahead of the model's end (buffered), so give it a reader of the model
// alone. A file only grows the weights as far as its data goes, so a short or corrupt file costs little
// memory whatever its header claims.
func Load(r io.Reader) (*Model, error) {
	br := bufio.NewReader(r)
	var fixed [8 + 2 + 2 + 4 + 4]byte
	if _, err := io.ReadFull(br, fixed[:]); err != nil {
		return nil, fmt.Errorf("%w: header: %w", errFormat, unexpected(err))
	}
	if string(fixed[:8]) != Magic {
		return nil, fmt.Errorf("%w: bad magic %q", errFormat, fixed[:8])
	}
	if v := binary.LittleEndian.Uint16(fixed[8:]); v != Version {
		return nil, fmt.Errorf("ngram: model file version %d: this build reads version %d", v, Version)
	}
	flags := binary.LittleEndian.Uint16(fixed[10:])
	if flags&^flagFloat16 != 0 {
		return nil, fmt.Errorf("ngram: unknown flags %#x", flags)
	}
	cfg := Config{MinN: int(fixed[12]), MaxN: int(fixed[13]), Bits: int(fixed[14])}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	nc := int(fixed[15])
	temp := math.Float32frombits(binary.LittleEndian.Uint32(fixed[16:]))
	classes := make([]string, nc)
	for k := range classes {
		n, err := br.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("ngram: class %d: %w", k, unexpected(err))
		}
		name := make([]byte, n)
		if _, err := io.ReadFull(br, name); err != nil {
			return nil, fmt.Errorf("ngram: class %d: %w", k, unexpected(err))
		}
		classes[k] = string(name)
	}
	if err := validClasses(classes); err != nil {
		return nil, err
	}
	if cfg.Buckets()*nc > MaxWeights {
		return nil, fmt.Errorf("ngram: %d buckets of %d classes: more than %d weights", cfg.Buckets(), nc, MaxWeights)
	}
	m := &Model{cfg: cfg, classes: classes, bias: make([]float32, nc), temp: 1}
	total := cfg.Buckets() * nc
	m.half = flags&flagFloat16 != 0
	if err := m.SetTemperature(temp); err != nil {
		return nil, err
	}
	var b4 [4]byte
	for k := range m.bias {
		if _, err := io.ReadFull(br, b4[:]); err != nil {
			return nil, fmt.Errorf("ngram: bias: %w", unexpected(err))
		}
		m.bias[k] = math.Float32frombits(binary.LittleEndian.Uint32(b4[:]))
		if !finite(m.bias[k]) {
			return nil, fmt.Errorf("ngram: bias of class %q is %v", classes[k], m.bias[k])
		}
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("ngram: weights: %w", unexpected(err))
	}
	zr.Multistream(false)
	size := 4
	if m.half {
		size = 2
	}
	buf := make([]byte, 1<<16)
	m.weights = make([]float32, 0, min(total, 1<<16))
	for i := 0; i < total; {
		n := min(len(buf)/size, total-i)
		if _, err := io.ReadFull(zr, buf[:n*size]); err != nil {
			return nil, fmt.Errorf("ngram: weights: %w", unexpected(err))
		}
		for j := range n {
			var x float32
			if m.half {
				x = fromHalf(binary.LittleEndian.Uint16(buf[j*2:]))
			} else {
				x = math.Float32frombits(binary.LittleEndian.Uint32(buf[j*4:]))
			}
			if !finite(x) {
				return nil, fmt.Errorf("ngram: weight %d is %v", i+j, x)
			}
			m.weights = append(m.weights, x)
		}
		i += n
	}
	// The member must end here; reading to its end also checks its CRC and length.
	if cap(m.weights) > len(m.weights)+len(m.weights)/8 {
		m.weights = append(make([]float32, 0, len(m.weights)), m.weights...)
	}
	switch _, err := io.ReadFull(zr, buf[:1]); err {
	case io.EOF:
	case nil:
		return nil, errors.New("ngram: weights: data after the last weight")
	default:
		return nil, fmt.Errorf("ngram: weights: %w", err)
	}
	return m, nil
}

func finite(x float32) bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }

func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
