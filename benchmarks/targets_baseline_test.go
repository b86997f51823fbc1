package benchmarks

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// baselineBench is the benchmark target 1b runs in both builds: the whole
// cost of one error event, capture to a discarding transport, in CPU time
// of the process (cpu-ns/op), with the fixture of issue 16 (20 in-app
// frames, 3 causes, a populated scope), spike protection off.
const baselineBench = "^BenchmarkDeliver$/^tr=encode$/^sdk=errsight$"

// baselineTarget is target 1b: the worker throughput of this tree against
// the code issue 16 was filed against ("10x today"), both run as
// processes of their own, alternated. run.sh builds the baseline from git
// history and names it in ERRSIGHT_BENCH_BASELINE.
func baselineTarget(b *testing.B) targetRow {
	row := targetRow{n: "1b", name: "worker throughput: the code issue 16 was filed against, CPU/event ÷ errsight", limit: 10}
	base := os.Getenv("ERRSIGHT_BENCH_BASELINE")
	if base == "" {
		row.na = "no baseline build: run benchmarks/run.sh"
		return row
	}
	self, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	var cur, old []float64
	for range 3 {
		cur = append(cur, deliverCPU(b, self))
		old = append(old, deliverCPU(b, base))
	}
	c, o := median(cur), median(old)
	row.ratio = o / c
	row.measured = fmt.Sprintf("BenchmarkDeliver/tr=encode/sdk=errsight, each build in its own process: %s (%s) %s CPU/event, this tree %s", os.Getenv("ERRSIGHT_BENCH_BASELINE_REV"), "when issue 16 was filed", fmtNs(o), fmtNs(c))
	return row
}

// deliverCPU runs baselineBench in the test binary bin and returns its
// cpu-ns/op.
func deliverCPU(b *testing.B, bin string) float64 {
	cmd := exec.Command(bin, "-test.run", "^$", "-test.bench", baselineBench, "-test.benchtime", "20000x", "-test.count", "1")
	cmd.Env = append(os.Environ(), "ERRSIGHT_BENCH_BASELINE=")
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s: %v\n%s", bin, err, out)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		for i := 1; i < len(f); i++ {
			if f[i] == "cpu-ns/op" {
				v, err := strconv.ParseFloat(f[i-1], 64)
				if err == nil {
					return v
				}
			}
		}
	}
	b.Fatalf("%s: no cpu-ns/op in its output:\n%s", bin, out)
	return 0
}
