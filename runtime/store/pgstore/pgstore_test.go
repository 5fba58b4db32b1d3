package pgstore_test

import (
	"testing"

	"github.com/callspec/callspec/runtime/store/storetest"
)

func TestPostgres(t *testing.T)      { storetest.Run(t, storetest.Postgres()) }
func BenchmarkPostgres(b *testing.B) { storetest.Bench(b, storetest.Postgres()) }
