// Package npy writes and reads NumPy .npy files (format version 1.0) holding
// little-endian int32 or int64 arrays in C order, the form the training
// script loads with numpy.load.
package npy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
)

const magic = "\x93NUMPY"

// Header describes an array.
type Header struct {
	Descr string // "<i4" or "<i8"
	Shape []int
}

// Len returns the number of elements.
func (h Header) Len() int {
	n := 1
	for _, d := range h.Shape {
		n *= d
	}
	return n
}

func encodeHeader(h Header) []byte {
	dims := make([]string, len(h.Shape))
	for i, d := range h.Shape {
		dims[i] = strconv.Itoa(d)
	}
	shape := strings.Join(dims, ", ")
	if len(h.Shape) == 1 {
		shape += ","
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", h.Descr, shape)
	// magic(6) + version(2) + len(2) + dict + padding + '\n' is a multiple of 64.
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	dict += strings.Repeat(" ", pad) + "\n"
	b := make([]byte, 0, 10+len(dict))
	b = append(b, magic...)
	b = append(b, 1, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	return append(b, dict...)
}

func checkShape(shape []int, n int) error {
	want := 1
	for _, d := range shape {
		if d < 0 {
			return fmt.Errorf("negative dimension in shape %v", shape)
		}
		want *= d
	}
	if want != n {
		return fmt.Errorf("shape %v holds %d elements, data has %d", shape, want, n)
	}
	return nil
}

// WriteInt32 writes data with the given shape to path.
func WriteInt32(path string, data []int32, shape ...int) error {
	if err := checkShape(shape, len(data)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return write(path, Header{Descr: "<i4", Shape: shape}, func(w io.Writer) error {
		return binary.Write(w, binary.LittleEndian, data)
	})
}

// WriteInt64 writes data with the given shape to path.
func WriteInt64(path string, data []int64, shape ...int) error {
	if err := checkShape(shape, len(data)); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return write(path, Header{Descr: "<i8", Shape: shape}, func(w io.Writer) error {
		return binary.Write(w, binary.LittleEndian, data)
	})
}

func write(path string, h Header, body func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write npy: %w", err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	_, err = w.Write(encodeHeader(h))
	if err == nil {
		err = body(w)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

var dictRE = regexp.MustCompile(`^\{'descr': '([<>|][a-z][0-9]+)', 'fortran_order': (True|False), 'shape': \(([0-9, ]*)\), \}\s*$`)

// ReadHeader parses the header at the start of r and returns it with the
// number of header bytes.
func ReadHeader(r io.Reader) (Header, int, error) {
	pre := make([]byte, 10)
	if _, err := io.ReadFull(r, pre); err != nil {
		return Header{}, 0, fmt.Errorf("read npy header: %w", err)
	}
	if string(pre[:6]) != magic {
		return Header{}, 0, errors.New("read npy header: bad magic")
	}
	if pre[6] != 1 {
		return Header{}, 0, fmt.Errorf("read npy header: unsupported version %d.%d", pre[6], pre[7])
	}
	n := int(binary.LittleEndian.Uint16(pre[8:]))
	dict := make([]byte, n)
	if _, err := io.ReadFull(r, dict); err != nil {
		return Header{}, 0, fmt.Errorf("read npy header: %w", err)
	}
	m := dictRE.FindStringSubmatch(string(dict))
	if m == nil {
		return Header{}, 0, fmt.Errorf("read npy header: unsupported dict %q", dict)
	}
	if m[2] == "True" {
		return Header{}, 0, errors.New("read npy header: fortran order is not supported")
	}
	h := Header{Descr: m[1]}
	for _, f := range strings.Split(m[3], ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil || d < 0 || d > 1<<40 {
			return Header{}, 0, fmt.Errorf("read npy header: bad dimension %q", f)
		}
		h.Shape = append(h.Shape, d)
	}
	return h, 10 + n, nil
}

// ReadInt32 reads an int32 array written by WriteInt32.
func ReadInt32(path string) ([]int32, Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Header{}, fmt.Errorf("read npy: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	h, _, err := ReadHeader(r)
	if err != nil {
		return nil, h, fmt.Errorf("%s: %w", path, err)
	}
	if h.Descr != "<i4" {
		return nil, h, fmt.Errorf("%s: dtype %s, want <i4", path, h.Descr)
	}
	data := make([]int32, h.Len())
	if err := binary.Read(r, binary.LittleEndian, data); err != nil {
		return nil, h, fmt.Errorf("%s: read data: %w", path, err)
	}
	return data, h, nil
}
