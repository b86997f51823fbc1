// Command report turns the raw results of run.sh into README.md's tables:
// errsight-go's targets as BenchmarkTargets measured them (targets.txt);
// the side-by-side benchmarks with medians, their 95% confidence intervals
// and the sentry-go ÷ errsight ratio; sustained delivery with nothing
// dropped; and the end-to-end bursts, with their drops.
//
//	go run ./cmd/report -dir results > results/summary.md
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"

	"github.com/errsight/errsight-go/benchmarks/internal/e2e"
)

func main() {
	dir := flag.String("dir", "results", "directory with targets.txt, bench.txt and e2e.jsonl")
	flag.Parse()
	if err := run(os.Stdout, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, dir string) error {
	side, err := readBench(filepath.Join(dir, "bench.txt"))
	if err != nil {
		return err
	}
	runs, err := readE2E(filepath.Join(dir, "e2e.jsonl"))
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "### errsight-go's targets")
	fmt.Fprintln(w)
	if err := copyTargets(w, filepath.Join(dir, "targets.txt")); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### Side by side (medians, ± 95% confidence interval)")
	fmt.Fprintln(w)
	writeSideBySide(w, side)
	fmt.Fprintln(w)
	if writeBaseline(w, side) {
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "### Sustained delivery, nothing dropped")
	fmt.Fprintln(w)
	writeSustained(w, side)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "### End to end: a burst, drops reported separately")
	fmt.Fprintln(w)
	writeE2E(w, runs)
	writeAccounting(w, runs)
	return nil
}

// copyTargets copies the targets table BenchmarkTargets printed: its
// heading line and the table's rows.
func copyTargets(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	found := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "errsight-go's targets"):
			fmt.Fprintf(w, "%s\n\n", line) // a table needs a blank line before it
		case strings.HasPrefix(line, "|"):
			fmt.Fprintln(w, line)
			found = true
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	if !found {
		return errors.New(path + ": no targets table (did BenchmarkTargets run?)")
	}
	return nil
}

// writeSustained writes BenchmarkDeliver's rows as delivered events per
// second of wall time and of the process's CPU time: every event captured,
// built, encoded and delivered (delivered/op must be 1).
func writeSustained(w io.Writer, bs *benchSet) {
	fmt.Fprintln(w, "| benchmark | delivered/op | events/s (wall) | events per CPU-second |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, name := range bs.names {
		if !strings.HasPrefix(name, "Deliver/") {
			continue
		}
		t, tok := bs.get(name, "sec/op")
		c, cok := bs.get(name, "cpu-sec/op")
		d, dok := bs.get(name, "delivered/op")
		rate := func(s summary, ok bool) string {
			if !ok || s.Center <= 0 {
				return "—"
			}
			return fmt.Sprintf("%.0f", 1/s.Center)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", name, fmtSummary(d, dok, fmtCount), rate(t, tok), rate(c, cok))
	}
}

// benchSet holds samples by benchmark name (without -GOMAXPROCS) and unit.
type benchSet struct {
	names   []string // in first-seen order
	samples map[string]map[string][]float64
}

func readBench(path string) (*benchSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	bs := &benchSet{samples: map[string]map[string][]float64{}}
	r := benchfmt.NewReader(f, path)
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok {
			continue
		}
		base, parts := res.Name.Parts()
		name := string(base)
		for _, p := range parts {
			if !strings.HasPrefix(string(p), "-") { // drop -GOMAXPROCS
				name += string(p)
			}
		}
		name = strings.TrimPrefix(name, "Benchmark")
		units := bs.samples[name]
		if units == nil {
			units = map[string][]float64{}
			bs.samples[name] = units
			bs.names = append(bs.names, name)
		}
		for _, v := range res.Values {
			units[v.Unit] = append(units[v.Unit], v.Value)
		}
	}
	return bs, r.Err()
}

// summary is the median of a sample and its confidence interval.
type summary struct {
	benchmath.Summary
	n int
}

func (bs *benchSet) get(name, unit string) (summary, bool) {
	vals := bs.samples[name][unit]
	if len(vals) == 0 {
		return summary{}, false
	}
	s := benchmath.NewSample(slices.Clone(vals), &benchmath.DefaultThresholds)
	return summary{benchmath.AssumeNothing.Summary(s, 0.95), len(vals)}, true
}

// splitSDK splits "Capture/tr=http/sdk=sentry/x" into the row
// "Capture/tr=http/x" and the sdk "sentry".
func splitSDK(name string) (row, sdk string) {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		if v, ok := strings.CutPrefix(p, "sdk="); ok {
			return strings.Join(slices.Delete(parts, i, i+1), "/"), v
		}
	}
	return name, ""
}

func fmtTime(sec float64) string {
	switch ns := sec * 1e9; {
	case ns < 10:
		return fmt.Sprintf("%.2f ns", ns)
	case ns < 1000:
		return fmt.Sprintf("%.0f ns", ns)
	case ns < 1e6:
		return fmt.Sprintf("%.2f µs", ns/1e3)
	default:
		return fmt.Sprintf("%.2f ms", ns/1e6)
	}
}

func fmtSummary(s summary, ok bool, f func(float64) string) string {
	if !ok {
		return "—"
	}
	return f(s.Center) + " ±" + s.PctRangeString()
}

func fmtCount(v float64) string {
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.1f", v)
}

func writeSideBySide(w io.Writer, bs *benchSet) {
	type row struct {
		label       string
		left, right string // sdk names in the errsight and the sentry column
	}
	var rows []row
	seen := map[string]bool{}
	sdksOf := map[string][]string{}
	var order []string
	for _, name := range bs.names {
		r, sdk := splitSDK(name)
		if sdk == "" {
			continue
		}
		if !seen[r] {
			seen[r] = true
			order = append(order, r)
		}
		sdksOf[r] = append(sdksOf[r], sdk)
	}
	for _, r := range order {
		sdks := sdksOf[r]
		rows = append(rows, row{r, "errsight", "sentry"})
		for _, v := range sdks {
			switch {
			case v == "errsight" || v == "sentry":
			case strings.HasPrefix(v, "errsight"):
				rows = append(rows, row{r + " [" + v + "]", v, "sentry"})
			case strings.HasPrefix(v, "sentry"):
				rows = append(rows, row{r + " [" + v + "]", "errsight", v})
			default:
				rows = append(rows, row{r + " [" + v + "]", v, ""})
			}
		}
	}
	fmt.Fprintln(w, "| benchmark | errsight time/op | sentry-go time/op | sentry ÷ errsight | errsight CPU/op | sentry-go CPU/op | errsight allocs/op | sentry-go allocs/op | errsight B/op | sentry-go B/op |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, r := range rows {
		base := strings.SplitN(r.label, " [", 2)[0]
		full := func(sdk string) string {
			if sdk == "" {
				return ""
			}
			// Put sdk=... back where it was: after the base benchmark's
			// own keys, as sdkRun names it (always the last level).
			return base + "/sdk=" + sdk
		}
		lt, lok := bs.get(full(r.left), "sec/op")
		rt, rok := bs.get(full(r.right), "sec/op")
		la, laok := bs.get(full(r.left), "allocs/op")
		ra, raok := bs.get(full(r.right), "allocs/op")
		lc, lcok := bs.get(full(r.left), "cpu-sec/op")  // benchfmt tidies cpu-ns/op into seconds
		rc, rcok := bs.get(full(r.right), "cpu-sec/op") // benchfmt tidies cpu-ns/op into seconds
		lb, lbok := bs.get(full(r.left), "B/op")
		rb, rbok := bs.get(full(r.right), "B/op")
		ratio := "—"
		if lok && rok && lt.Center > 0 {
			ratio = fmt.Sprintf("%.1f×", rt.Center/lt.Center)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			strings.ReplaceAll(r.label, "|", "\\|"),
			fmtSummary(lt, lok, fmtTime), fmtSummary(rt, rok, fmtTime), ratio,
			fmtSummary(lc, lcok, fmtTime), fmtSummary(rc, rcok, fmtTime),
			fmtSummary(la, laok, fmtCount), fmtSummary(ra, raok, fmtCount),
			fmtSummary(lb, lbok, fmtCount), fmtSummary(rb, rbok, fmtCount))
	}
}

// writeBaseline writes the benchmarks without an sdk key (BenchmarkMachine),
// if any, and reports whether it wrote anything.
func writeBaseline(w io.Writer, bs *benchSet) bool {
	var names []string
	for _, name := range bs.names {
		if _, sdk := splitSDK(name); sdk == "" {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return false
	}
	fmt.Fprintln(w, "### Machine baseline")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| operation | time/op | allocs/op | B/op |")
	fmt.Fprintln(w, "|---|--:|--:|--:|")
	for _, name := range names {
		t, tok := bs.get(name, "sec/op")
		a, aok := bs.get(name, "allocs/op")
		b, bok := bs.get(name, "B/op")
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", name, fmtSummary(t, tok, fmtTime), fmtSummary(a, aok, fmtCount), fmtSummary(b, bok, fmtCount))
	}
	return true
}

func readE2E(path string) ([]e2e.Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []e2e.Result
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var r e2e.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, r)
	}
	if len(out) == 0 {
		return nil, errors.New(path + ": no runs")
	}
	return out, sc.Err()
}

func dropsText(r e2e.Result) string {
	m := map[string]uint64{}
	for k, v := range r.Dropped {
		m[k] += v
	}
	for k, v := range r.Reported {
		m[k] += v
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, ", ")
}

// e2eGroup is the runs of one configuration; rep is the median run by
// events per second.
type e2eGroup struct {
	runs []e2e.Result
	rep  e2e.Result
}

// groupE2E groups runs by name, in first-seen order.
func groupE2E(runs []e2e.Result) []e2eGroup {
	var out []e2eGroup
	index := map[string]int{}
	for _, r := range runs {
		i, ok := index[r.Name]
		if !ok {
			i = len(out)
			index[r.Name] = i
			out = append(out, e2eGroup{})
		}
		out[i].runs = append(out[i].runs, r)
	}
	for i := range out {
		sorted := slices.Clone(out[i].runs)
		slices.SortFunc(sorted, func(a, b e2e.Result) int {
			return cmpFloat(a.EventsPerSecond, b.EventsPerSecond)
		})
		out[i].rep = sorted[(len(sorted)-1)/2]
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func writeE2E(w io.Writer, runs []e2e.Result) {
	fmt.Fprintln(w, "| run | delivered / captured | burst events/s (delivered ÷ time until Flush) | drops the SDK reports | unaccounted | burst | until delivered | close | peak RSS | CPU |")
	fmt.Fprintln(w, "|---|--:|--:|---|--:|--:|--:|--:|--:|--:|")
	for _, g := range groupE2E(runs) {
		r := g.rep
		capNote := ""
		if r.CapHit {
			capNote = " (cap)"
		}
		eps := fmt.Sprintf("%.0f", r.EventsPerSecond)
		name := r.Name
		if n := len(g.runs); n > 1 {
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, x := range g.runs {
				lo, hi = math.Min(lo, x.EventsPerSecond), math.Max(hi, x.EventsPerSecond)
			}
			eps += fmt.Sprintf(" (%.0f–%.0f)", lo, hi)
			name += fmt.Sprintf(", median of %d", n)
		}
		fmt.Fprintf(w, "| %s | %d / %d (%.1f%%) | %s | %s | %d | %.2f s | %.2f s%s | %.2f s | %.1f MB | %.2f s |\n",
			name, r.Delivered, r.Events, 100*r.DeliveredRatio, eps, dropsText(r), r.Unaccounted,
			r.CaptureSeconds, r.DeliverSeconds, capNote, r.CloseSeconds, float64(r.PeakRSSKB)/1024, r.CPUSeconds)
	}
}

// writeAccounting says whether every errsight run accounted for every
// event: delivered, or counted as dropped.
func writeAccounting(w io.Writer, runs []e2e.Result) {
	// No event lost once accepted: every errsight run accounts for all.
	n, matched := 0, 0
	worst := int64(math.MinInt64)
	for _, r := range runs {
		if r.SDK != e2e.Errsight {
			continue
		}
		n++
		worst = max(worst, r.Unaccounted)
		// Unaccounted < 0 would be a batch cancelled at Close's deadline
		// after the server took it: counted as dropped and delivered, never
		// lost.
		if r.Sent <= int64(r.Delivered) {
			matched++
		}
	}
	verdict := "PASS"
	if n == 0 || worst > 0 || matched < n {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "\nEvery event delivered or counted as dropped: %d errsight runs, at most %d unaccounted; Stats().Sent ≤ the server's count in %d of %d: %s\n", n, worst, matched, n, verdict)

}
