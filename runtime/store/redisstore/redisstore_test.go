package redisstore_test

import (
	"testing"

	"github.com/callspec/callspec/runtime/store/storetest"
)

func TestRedis(t *testing.T)      { storetest.Run(t, storetest.Redis()) }
func BenchmarkRedis(b *testing.B) { storetest.Bench(b, storetest.Redis()) }
