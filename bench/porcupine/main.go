// porcupine-etcd: Porcupine's checker on Jepsen etcd logs, for bench/etcd_hard_bench's
// side-by-side figures. Weir does not depend on it: it is built only when a Porcupine
// checkout is given (bench/porcupine/build.sh), since this machine reaches no Go proxy.
//
// The model is the one Jepsen's etcd test means: a single register that may not exist yet.
// A read of nil is "the key does not exist" (Weir's --nil-reads value); a cas succeeds only
// on an existing key holding the expected value; a timed-out (:info) operation never
// returns, so any outcome of it fits.
//
//	porcupine-etcd FILE...   one JSON line per file; exit 0 if every file is linearizable
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

type input struct {
	op       byte // 'r', 'w', 'c'
	arg, to  int
}

type output struct {
	unknown bool // timed out: the operation may or may not have happened
	exists  bool // read: the key held a value
	value   int  // read: that value
	ok      bool // cas: it swapped
}

type register struct {
	exists bool
	value  int
}

var etcd = porcupine.Model{
	Init: func() interface{} { return register{} },
	Step: func(state, in, out interface{}) (bool, interface{}) {
		s, i, o := state.(register), in.(input), out.(output)
		switch i.op {
		case 'r':
			return o.unknown || (o.exists == s.exists && (!s.exists || o.value == s.value)), s
		case 'w':
			return true, register{true, i.arg}
		default:
			swaps := s.exists && s.value == i.arg
			if o.unknown {
				if swaps {
					return true, register{true, i.to}
				}
				return true, s
			}
			if o.ok != swaps {
				return false, s
			}
			if swaps {
				return true, register{true, i.to}
			}
			return true, s
		}
	},
	Equal: func(a, b interface{}) bool { return a.(register) == b.(register) },
}

// parse reads the jepsen.util lines: "INFO  jepsen.util - PROCESS\t:TYPE\t:F\tVALUE".
// An operation whose process never completes it (:info, or the log ends) returns
// "unknown" at the end of the history, as Jepsen's checkers treat it.
func parse(path string) ([]porcupine.Event, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var events []porcupine.Event
	open := map[int]int{} // process -> id of its pending call
	id := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		at := strings.Index(line, "jepsen.util - ")
		if at < 0 {
			continue
		}
		fields := strings.Fields(line[at+len("jepsen.util - "):])
		if len(fields) < 4 {
			continue
		}
		proc, err := strconv.Atoi(fields[0])
		if err != nil {
			continue
		}
		typ, fn, val := fields[1], fields[2], strings.Join(fields[3:], " ")
		switch typ {
		case ":invoke":
			in := input{op: fn[1]}
			switch fn {
			case ":read":
			case ":write":
				in.arg, _ = strconv.Atoi(val)
			case ":cas":
				var a, b int
				fmt.Sscanf(val, "[%d %d]", &a, &b)
				in.arg, in.to = a, b
			default:
				continue
			}
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.CallEvent, Value: in, Id: id})
			open[proc] = id
			id++
		case ":ok", ":fail":
			call, pending := open[proc]
			if !pending {
				continue
			}
			delete(open, proc)
			var out output
			switch {
			case typ == ":fail" && fn != ":cas":
				// A failed read or write did not happen: Jepsen's etcd client reports a
				// read's timeout this way; it constrains nothing.
				out.unknown = true
			case fn == ":read":
				if val != "nil" {
					out.exists = true
					out.value, _ = strconv.Atoi(val)
				}
			case fn == ":cas":
				out.ok = typ == ":ok"
			}
			events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: out, Id: call})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	for proc, call := range open {
		events = append(events, porcupine.Event{ClientId: proc, Kind: porcupine.ReturnEvent, Value: output{unknown: true}, Id: call})
	}
	return events, nil
}

func main() {
	all := true
	enc := json.NewEncoder(os.Stdout)
	for _, path := range os.Args[1:] {
		t0 := time.Now()
		events, err := parse(path)
		if err != nil {
			fmt.Fprintf(os.Stderr, "porcupine-etcd: %s: %v\n", path, err)
			os.Exit(2)
		}
		t1 := time.Now()
		ok := porcupine.CheckEvents(etcd, events)
		t2 := time.Now()
		all = all && ok
		enc.Encode(map[string]interface{}{"file": path, "linearizable": ok, "events": len(events),
			"parse_seconds": t1.Sub(t0).Seconds(), "check_seconds": t2.Sub(t1).Seconds()})
	}
	if !all {
		os.Exit(1)
	}
}
