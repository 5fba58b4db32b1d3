package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestShortLoad is the CI variant of the load test: 3 seconds, 20
// connections, against the SQLite default and, when CALLSPEC_TEST_POSTGRES
// is set, PostgreSQL.
func TestShortLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs callspec serve under load")
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(t.TempDir(), "callspec")
	if err := Build(t.Context(), root, bin); err != nil {
		t.Fatal(err)
	}
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			pg := os.Getenv("CALLSPEC_TEST_POSTGRES")
			if store == "postgres" && pg == "" {
				t.Skip("CALLSPEC_TEST_POSTGRES is not set; set it to a server such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable to load-test the PostgreSQL store")
			}
			res, err := Run(t.Context(), Config{
				Duration: 3 * time.Second, Conns: 20, Store: store, Postgres: pg,
				Duplicates: 0.10, BadSignatures: 0.01, Provider: "retell",
				Callspec: bin, Root: root, Dir: t.TempDir(),
			})
			if err != nil {
				t.Fatal(err)
			}
			var report strings.Builder
			res.Report(&report)
			t.Log("\n" + report.String())
			if !res.OK() {
				t.Fatal("the load test did not verify")
			}
			if res.Unique == 0 || res.Duplicates == 0 || res.BadSigned == 0 {
				t.Errorf("the mix lacks a kind of request: %d unique, %d duplicates, %d badly signed", res.Unique, res.Duplicates, res.BadSigned)
			}
		})
	}
}

// TestVerifyFindsEveryKindOfLoss feeds verify a service's view with each
// kind of failure the load test must catch.
func TestVerifyFindsEveryKindOfLoss(t *testing.T) {
	good := map[string]bool{"once": true, "twice": true, "never": true}
	bad := map[string]bool{"forged": true}
	seen := map[string]int{"once": 1, "twice": 2, "forged": 1, "stray": 1}
	got := verify(good, bad, seen)
	want := []string{
		"delivery never reached the service 0 times, want exactly once",
		"delivery twice reached the service 2 times, want exactly once",
		"delivery forged, signed with the wrong secret, reached the service 1 times",
		"the service saw stray, which was never sent",
	}
	if !slices.Equal(got, want) {
		t.Errorf("verify found\n  %q\nwant\n  %q", got, want)
	}
	if len(verify(map[string]bool{"a": true}, nil, map[string]int{"a": 1})) != 0 {
		t.Error("verify found a problem in a clean run")
	}
}
