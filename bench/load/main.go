// Command load is the load test of `callspec serve`: it builds callspec,
// starts `callspec serve` on loopback with the chosen store, posts signed
// deliveries of maintenance_report_intake from many connections for a
// while (a share of them exact duplicates, a share signed with the wrong
// secret), reports throughput and latency, and then verifies from the
// --events file that the service saw each unique delivery exactly once
// and never one with a bad signature.
//
//	go run ./bench/load -duration 60s -conns 200 -store sqlite
//	go run ./bench/load -duration 60s -conns 200 -store postgres
//
// See bench/README.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	cfg := Config{Log: os.Stderr}
	flag.DurationVar(&cfg.Duration, "duration", 60*time.Second, "how long to send deliveries")
	flag.IntVar(&cfg.Conns, "conns", 200, "concurrent connections")
	flag.StringVar(&cfg.Store, "store", "sqlite", "store of callspec serve: sqlite, postgres, redis or memory")
	flag.StringVar(&cfg.Postgres, "postgres", os.Getenv("CALLSPEC_TEST_POSTGRES"), "PostgreSQL server for -store postgres (a fresh schema is used and dropped)")
	flag.StringVar(&cfg.Redis, "redis", os.Getenv("CALLSPEC_TEST_REDIS"), "Redis server for -store redis (a fresh key prefix is used and deleted)")
	flag.Float64Var(&cfg.Duplicates, "duplicates", 0.10, "share of requests that repeat an earlier delivery byte for byte")
	flag.Float64Var(&cfg.BadSignatures, "bad-signatures", 0.01, "share of requests signed with a wrong secret")
	flag.StringVar(&cfg.Provider, "provider", "retell", "platform format and signature of the deliveries")
	flag.StringVar(&cfg.Callspec, "callspec", "", "callspec binary to run (default: build ./cmd/callspec)")
	flag.StringVar(&cfg.Dir, "dir", "", "keep the binary, store, events file and server log here (default: a temporary directory)")
	flag.BoolVar(&cfg.Floor, "floor", false, "also drive a floor handler (net/http, signature check, JSON decode) with the same load in the same run, for the ratio")
	asJSON := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()

	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	cfg.Root = root
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := Run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(2)
	}
	if *asJSON {
		json.NewEncoder(os.Stdout).Encode(res)
	} else {
		res.Report(os.Stdout)
	}
	if !res.OK() {
		os.Exit(1)
	}
}

// moduleRoot is the directory of callspec's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("find the module root: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("run the load test inside the callspec module")
	}
	return filepath.Dir(gomod), nil
}
