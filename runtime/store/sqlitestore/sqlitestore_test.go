package sqlitestore_test

import (
	"testing"

	"github.com/callspec/callspec/runtime/store/storetest"
)

func TestSQLite(t *testing.T)      { storetest.Run(t, storetest.SQLite()) }
func BenchmarkSQLite(b *testing.B) { storetest.Bench(b, storetest.SQLite()) }
