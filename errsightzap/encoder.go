package errsightzap

import (
	"encoding/base64"
	"strconv"
	"time"

	"github.com/errsight/errsight-go/internal/logbridge"
	"go.uber.org/zap/zapcore"
)

// tooDeep stands for an object or array nested deeper than
// logbridge.MaxDepth: a MarshalLogObject that adds itself would otherwise
// recurse until the goroutine's stack overflows, which Go cannot recover.
const tooDeep = "[errsight: nested too deep]"

// objectEncoder is a zapcore.ObjectEncoder that builds metadata: nested
// map[string]any for objects and namespaces, []any for arrays, every value
// converted on the spot so that the report does not change if the caller
// changes what it logged. It differs from zapcore.MapObjectEncoder in
// bounding the depth, converting reflected values at once, and never
// keeping a value encoding/json cannot encode (complex numbers).
type objectEncoder struct {
	fields map[string]any // where the next field goes: the open namespace
	depth  int
}

var (
	_ zapcore.ObjectEncoder = (*objectEncoder)(nil)
	_ zapcore.ArrayEncoder  = (*arrayEncoder)(nil)
)

// addField adds f, turning a panic in its marshaler (MarshalLogObject,
// MarshalLogArray, String...) into a placeholder under its key.
func (e *objectEncoder) addField(f zapcore.Field) {
	defer func() {
		if r := recover(); r != nil {
			e.fields[f.Key] = logbridge.PanicPlaceholder(f.Interface, r)
		}
	}()
	f.AddTo(e)
}

func (e *objectEncoder) AddArray(k string, v zapcore.ArrayMarshaler) error {
	if e.depth >= logbridge.MaxDepth {
		e.fields[k] = tooDeep
		return nil
	}
	arr := &arrayEncoder{depth: e.depth + 1}
	err := v.MarshalLogArray(arr)
	e.fields[k] = arr.elems
	return err
}

func (e *objectEncoder) AddObject(k string, v zapcore.ObjectMarshaler) error {
	if e.depth >= logbridge.MaxDepth {
		e.fields[k] = tooDeep
		return nil
	}
	obj := &objectEncoder{fields: map[string]any{}, depth: e.depth + 1}
	e.fields[k] = obj.fields
	return v.MarshalLogObject(obj)
}

func (e *objectEncoder) AddBinary(k string, v []byte) {
	e.fields[k] = base64.StdEncoding.EncodeToString(v)
}
func (e *objectEncoder) AddByteString(k string, v []byte)     { e.fields[k] = string(v) }
func (e *objectEncoder) AddBool(k string, v bool)             { e.fields[k] = v }
func (e *objectEncoder) AddComplex128(k string, v complex128) { e.fields[k] = complexText(v, 64) }
func (e *objectEncoder) AddComplex64(k string, v complex64) {
	e.fields[k] = complexText(complex128(v), 32)
}
func (e *objectEncoder) AddDuration(k string, v time.Duration) { e.fields[k] = v.String() }
func (e *objectEncoder) AddFloat64(k string, v float64)        { e.fields[k] = v }
func (e *objectEncoder) AddFloat32(k string, v float32)        { e.fields[k] = v }
func (e *objectEncoder) AddInt(k string, v int)                { e.fields[k] = v }
func (e *objectEncoder) AddInt64(k string, v int64)            { e.fields[k] = v }
func (e *objectEncoder) AddInt32(k string, v int32)            { e.fields[k] = v }
func (e *objectEncoder) AddInt16(k string, v int16)            { e.fields[k] = v }
func (e *objectEncoder) AddInt8(k string, v int8)              { e.fields[k] = v }
func (e *objectEncoder) AddString(k string, v string)          { e.fields[k] = v }
func (e *objectEncoder) AddTime(k string, v time.Time)         { e.fields[k] = v.Round(0) }
func (e *objectEncoder) AddUint(k string, v uint)              { e.fields[k] = v }
func (e *objectEncoder) AddUint64(k string, v uint64)          { e.fields[k] = v }
func (e *objectEncoder) AddUint32(k string, v uint32)          { e.fields[k] = v }
func (e *objectEncoder) AddUint16(k string, v uint16)          { e.fields[k] = v }
func (e *objectEncoder) AddUint8(k string, v uint8)            { e.fields[k] = v }
func (e *objectEncoder) AddUintptr(k string, v uintptr)        { e.fields[k] = v }

func (e *objectEncoder) AddReflected(k string, v any) error {
	e.fields[k] = logbridge.Snapshot(v)
	return nil
}

func (e *objectEncoder) OpenNamespace(k string) {
	ns := map[string]any{}
	e.fields[k] = ns
	e.fields = ns
}

// arrayEncoder is objectEncoder's zapcore.ArrayEncoder.
type arrayEncoder struct {
	elems []any
	depth int
}

func (a *arrayEncoder) AppendArray(v zapcore.ArrayMarshaler) error {
	if a.depth >= logbridge.MaxDepth {
		a.elems = append(a.elems, tooDeep)
		return nil
	}
	arr := &arrayEncoder{depth: a.depth + 1}
	err := v.MarshalLogArray(arr)
	a.elems = append(a.elems, arr.elems)
	return err
}

func (a *arrayEncoder) AppendObject(v zapcore.ObjectMarshaler) error {
	if a.depth >= logbridge.MaxDepth {
		a.elems = append(a.elems, tooDeep)
		return nil
	}
	obj := &objectEncoder{fields: map[string]any{}, depth: a.depth + 1}
	a.elems = append(a.elems, obj.fields)
	return v.MarshalLogObject(obj)
}

func (a *arrayEncoder) AppendReflected(v any) error {
	a.elems = append(a.elems, logbridge.Snapshot(v))
	return nil
}

func (a *arrayEncoder) AppendBool(v bool)             { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendByteString(v []byte)     { a.elems = append(a.elems, string(v)) }
func (a *arrayEncoder) AppendComplex128(v complex128) { a.elems = append(a.elems, complexText(v, 64)) }
func (a *arrayEncoder) AppendComplex64(v complex64) {
	a.elems = append(a.elems, complexText(complex128(v), 32))
}
func (a *arrayEncoder) AppendDuration(v time.Duration) { a.elems = append(a.elems, v.String()) }
func (a *arrayEncoder) AppendFloat64(v float64)        { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendFloat32(v float32)        { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendInt(v int)                { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendInt64(v int64)            { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendInt32(v int32)            { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendInt16(v int16)            { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendInt8(v int8)              { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendString(v string)          { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendTime(v time.Time)         { a.elems = append(a.elems, v.Round(0)) }
func (a *arrayEncoder) AppendUint(v uint)              { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendUint64(v uint64)          { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendUint32(v uint32)          { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendUint16(v uint16)          { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendUint8(v uint8)            { a.elems = append(a.elems, v) }
func (a *arrayEncoder) AppendUintptr(v uintptr)        { a.elems = append(a.elems, v) }

// complexText is a complex number as text: JSON has no complex numbers.
func complexText(v complex128, bits int) string { return strconv.FormatComplex(v, 'g', -1, bits) }
