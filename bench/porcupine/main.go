// Times Porcupine (github.com/anishathalye/porcupine) on the same grade-table
// histories that `faultline bench check --export DIR` writes, so the two checkers
// can be compared on identical input. Usage: go run . [-timeout 10s] DIR...
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

func main() {
	limit := flag.Duration("timeout", 10*time.Second, "give up on a history after this long")
	flag.Parse()
	var files []string
	for _, arg := range flag.Args() {
		found, _ := filepath.Glob(filepath.Join(arg, "h-*.json"))
		files = append(files, found...)
	}
	sort.Strings(files)
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: go run . DIR (DIR from faultline bench check --export DIR)")
		os.Exit(64)
	}
	fmt.Printf("%-22s %14s %s\n", "history", "porcupine ops/s", "verdict")
	for _, file := range files {
		ops, err := load(file)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(64)
		}
		start := time.Now()
		result := porcupine.CheckOperationsTimeout(gradeModel, ops, *limit)
		elapsed := time.Since(start).Seconds()
		if result == porcupine.Unknown {
			fmt.Printf("%-22s %14s unknown (stopped after %v)\n", filepath.Base(file), "-", *limit)
			continue
		}
		fmt.Printf("%-22s %14.0f %v\n", filepath.Base(file), float64(len(ops))/elapsed, result == porcupine.Ok)
	}
}
