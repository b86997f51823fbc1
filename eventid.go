package errsight

import (
	"encoding/binary"
	"math/rand/v2"
)

// putRandomEventID writes a new random version-4 UUID into buf. The random
// bits come from math/rand/v2's runtime source, a per-thread ChaCha8
// generator: no lock and no system call per id. The digits are written
// eight at a time: the capture path formats one id per event, and a digit
// at a time through a position table was a sixth of a CaptureMessage.
func putRandomEventID(buf *[eventIDLen]byte) {
	hi, lo := rand.Uint64(), rand.Uint64()
	hi = hi&^(0xf<<12) | 0x4<<12 // version 4: the 13th hex digit
	lo = lo&^(0x3<<62) | 0x2<<62 // variant 10: the top bits of the 17th
	formatUUID(buf, hi, lo)
}

// formatUUID writes the 128 bits hi, lo as a UUID's text:
// 8-4-4-4-12 lower-case hex digits.
func formatUUID(buf *[eventIDLen]byte, hi, lo uint64) {
	binary.BigEndian.PutUint64(buf[0:], hex8(uint32(hi>>32)))
	h := hex8(uint32(hi))
	binary.BigEndian.PutUint32(buf[9:], uint32(h>>32))
	binary.BigEndian.PutUint32(buf[14:], uint32(h))
	h = hex8(uint32(lo >> 32))
	binary.BigEndian.PutUint32(buf[19:], uint32(h>>32))
	binary.BigEndian.PutUint32(buf[24:], uint32(h))
	binary.BigEndian.PutUint64(buf[28:], hex8(uint32(lo)))
	buf[8], buf[13], buf[18], buf[23] = '-', '-', '-', '-'
}

// hex8 returns the 8 lower-case hex digits of v, most significant first
// when stored big-endian.
func hex8(v uint32) uint64 {
	// Spread the nibbles into bytes, the most significant in the top byte.
	x := uint64(v)
	x = (x | x<<16) & 0x0000ffff0000ffff
	x = (x | x<<8) & 0x00ff00ff00ff00ff
	x = (x | x<<4) & 0x0f0f0f0f0f0f0f0f
	// Which bytes hold 10..15: adding 6 carries into bit 4.
	letters := (x + 0x0606060606060606) >> 4 & 0x0101010101010101
	return x + 0x3030303030303030 + letters*('a'-'0'-10)
}
