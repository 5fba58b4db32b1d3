package parallel

import (
	"sync/atomic"
	"testing"
)

func TestForEachCallsEachIndexOnce(t *testing.T) {
	for _, workers := range []int{0, 1, 3, 100} {
		var calls [50]atomic.Int32
		ForEach(len(calls), workers, func(i int) { calls[i].Add(1) })
		for i := range calls {
			if n := calls[i].Load(); n != 1 {
				t.Errorf("workers %d: index %d called %d times", workers, i, n)
			}
		}
	}
	ForEach(0, 4, func(int) { t.Error("called for n = 0") })
}

func TestOneWorkerRunsInOrder(t *testing.T) {
	var order []int
	ForEach(5, 1, func(i int) { order = append(order, i) })
	for i, got := range order {
		if got != i {
			t.Fatalf("order %v", order)
		}
	}
}
