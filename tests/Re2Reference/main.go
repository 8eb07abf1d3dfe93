// Command re2check is the reference the sandbox's RE2 checker is tested against: Go's own regexp,
// the engine kube-apiserver compiles CRD patterns with. Standard library only, so it builds offline.
//
// Input: one JSON object per line, {"pattern": "...", "inputs": ["...", ...]} (inputs optional).
// Output: one JSON object per line, in the same order, {"ok": true, "matches": [true, ...]} or
// {"ok": false, "error": "error parsing regexp: ..."}.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
)

type request struct {
	Pattern string   `json:"pattern"`
	Inputs  []string `json:"inputs"`
}

type verdict struct {
	OK      bool   `json:"ok"`
	Error   string `json:"error,omitempty"`
	Matches []bool `json:"matches,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<24)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var req request
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			fmt.Fprintln(os.Stderr, "bad request line:", err)
			os.Exit(2)
		}
		// regexp.Compile is what apiextensions-apiserver calls for a schema's pattern.
		re, err := regexp.Compile(req.Pattern)
		if err != nil {
			_ = enc.Encode(verdict{Error: err.Error()})
			continue
		}
		v := verdict{OK: true}
		for _, s := range req.Inputs {
			v.Matches = append(v.Matches, re.MatchString(s))
		}
		_ = enc.Encode(v)
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "reading stdin:", err)
		os.Exit(2)
	}
}
