// Times Porcupine (github.com/anishathalye/porcupine) on the same grade-table
// histories that `faultline bench check --export DIR` writes, so the two checkers
// can be compared on identical input. Usage: go run . [-timeout 10s] [-runs 3] DIR...
// It prints the median of -runs timings per history and, where DIR/faultline.tsv
// (written by the same bench check) has faultline's median, the ratio of the two.
//
// The grade model per key: absent at first; insert creates an empty list (or
// answers "exists"); append adds to the end (creating the key); read returns the
// list or "not found". Histories are partitioned per key, as faultline does.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

type event struct {
	Process int             `json:"process"`
	Type    string          `json:"type"`
	F       string          `json:"f"`
	Key     int             `json:"key"`
	Value   json.RawMessage `json:"value"`
	Time    int64           `json:"time"`
}

type input struct {
	op    string
	key   int
	value int
}

type output struct {
	status string // "ok", "exists", "not-found"
	list   []int
}

type state struct {
	exists bool
	list   []int
}

func equalLists(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var gradeModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[int][]porcupine.Operation{}
		for _, op := range history {
			k := op.Input.(input).key
			byKey[k] = append(byKey[k], op)
		}
		keys := make([]int, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		sort.Ints(keys)
		out := make([][]porcupine.Operation, 0, len(keys))
		for _, k := range keys {
			out = append(out, byKey[k])
		}
		return out
	},
	Init: func() interface{} { return state{} },
	Step: func(s, in, out interface{}) (bool, interface{}) {
		st, i, o := s.(state), in.(input), out.(output)
		switch i.op {
		case "append":
			next := make([]int, len(st.list)+1)
			copy(next, st.list)
			next[len(st.list)] = i.value
			return o.status == "ok", state{true, next}
		case "insert":
			if st.exists {
				return o.status == "exists", st
			}
			return o.status == "ok", state{true, []int{}}
		default: // read
			if !st.exists {
				return o.status == "not-found", st
			}
			return o.status == "ok" && equalLists(o.list, st.list), st
		}
	},
	Equal: func(a, b interface{}) bool {
		x, y := a.(state), b.(state)
		return x.exists == y.exists && equalLists(x.list, y.list)
	},
}

func load(path string) ([]porcupine.Operation, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pending := map[int]int{} // process -> index of its open operation
	var ops []porcupine.Operation
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<26)
	for scanner.Scan() {
		var e event
		if err := json.Unmarshal(scanner.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		switch e.Type {
		case "invoke":
			in := input{op: e.F, key: e.Key}
			if e.F == "append" {
				_ = json.Unmarshal(e.Value, &in.value)
			}
			pending[e.Process] = len(ops)
			ops = append(ops, porcupine.Operation{ClientId: e.Process, Input: in, Call: e.Time})
		case "ok":
			i := pending[e.Process]
			out := output{status: "ok"}
			switch {
			case e.F == "insert" && string(e.Value) == `"exists"`:
				out.status = "exists"
			case e.F == "read" && string(e.Value) == "null":
				out.status = "not-found"
			case e.F == "read":
				_ = json.Unmarshal(e.Value, &out.list)
			}
			ops[i].Output = out
			ops[i].Return = e.Time
		default:
			return nil, fmt.Errorf("%s: unsupported event type %q", path, e.Type)
		}
	}
	return ops, scanner.Err()
}

// faultlineRates reads DIR/faultline.tsv (history, ops/s, peak MiB), if present.
func faultlineRates(dir string) map[string]float64 {
	rates := map[string]float64{}
	data, err := os.ReadFile(filepath.Join(dir, "faultline.tsv"))
	if err != nil {
		return rates
	}
	for _, line := range strings.Split(string(data), "\n")[1:] {
		fields := strings.Split(line, "\t")
		if len(fields) < 2 {
			continue
		}
		if v, err := strconv.ParseFloat(fields[1], 64); err == nil {
			rates[fields[0]] = v
		}
	}
	return rates
}

// medianRate checks ops `runs` times and returns the median rate in ops/s, or false
// when a run did not finish within the limit.
func medianRate(ops []porcupine.Operation, runs int, limit time.Duration) (float64, bool, bool) {
	var rates []float64
	ok := true
	for r := 0; r < runs; r++ {
		start := time.Now()
		result := porcupine.CheckOperationsTimeout(gradeModel, ops, limit)
		elapsed := time.Since(start).Seconds()
		if result == porcupine.Unknown {
			return 0, false, false
		}
		ok = ok && result == porcupine.Ok
		rates = append(rates, float64(len(ops))/elapsed)
	}
	sort.Float64s(rates)
	return rates[len(rates)/2], ok, true
}

func main() {
	limit := flag.Duration("timeout", 10*time.Second, "give up on a history after this long")
	runs := flag.Int("runs", 3, "timings per history; the median is printed")
	flag.Parse()
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "-runs must be at least 1")
		os.Exit(64)
	}
	var files []string
	rates := map[string]float64{}
	for _, arg := range flag.Args() {
		found, _ := filepath.Glob(filepath.Join(arg, "h-*.json"))
		files = append(files, found...)
		for k, v := range faultlineRates(arg) {
			rates[k] = v
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: go run . DIR (DIR from faultline bench check --export DIR)")
		os.Exit(64)
	}
	fmt.Printf("%-22s %16s %16s %10s %s\n", "history", "porcupine ops/s", "faultline ops/s", "faultline/porcupine", "verdict")
	for _, file := range files {
		ops, err := load(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(64)
		}
		name := filepath.Base(file)
		ours := "-"
		if v, found := rates[name]; found {
			ours = fmt.Sprintf("%.0f", v)
		}
		rate, ok, finished := medianRate(ops, *runs, *limit)
		if !finished {
			fmt.Printf("%-22s %16s %16s %10s unknown (stopped after %v)\n", name, "-", ours, "-", *limit)
			continue
		}
		ratio := "-"
		if v, found := rates[name]; found {
			ratio = fmt.Sprintf("%.1fx", v/rate)
		}
		fmt.Printf("%-22s %16.0f %16s %10s %v\n", name, rate, ours, ratio, ok)
	}
}
