// Package parallel runs independent pieces of work on a bounded number of
// goroutines. Lint, build and the bench harness use it; results are
// written by index, so output order never depends on scheduling.
package parallel

import (
	"runtime"
	"sync"
)

// ForEach calls fn(0) … fn(n-1) on up to workers goroutines (GOMAXPROCS
// when workers <= 0) and returns when all calls have returned. With one
// worker the calls run in order on the calling goroutine.
func ForEach(n, workers int, fn func(i int)) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
