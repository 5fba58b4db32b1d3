// Package registry is the name → value table behind providers.Register
// (the run-time adapters) and configs.Register (the build-time config
// emitters): one implementation of duplicate checks, lookups that list
// the known names, and sorted listings.
package registry

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Named is what a registry holds: a platform's adapter or its emitter.
type Named interface{ Name() string }

// Registry maps platform names to values; the zero value is empty and
// ready to use. What names the table's kind in messages ("provider",
// "config emitter").
type Registry[T Named] struct {
	What string
	mu   sync.RWMutex
	m    map[string]T
}

// Register adds v; a second value under the same name is a programming
// error and panics.
func (r *Registry[T]) Register(v T) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]T{}
	}
	if _, dup := r.m[v.Name()]; dup {
		panic("providers: duplicate " + r.What + " " + v.Name())
	}
	r.m[v.Name()] = v
}

// Lookup returns the value registered as name.
func (r *Registry[T]) Lookup(name string) (T, error) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	v, ok := r.m[name]
	if !ok {
		return v, fmt.Errorf("unknown %s %q: use one of %s", r.What, name, strings.Join(r.namesLocked(), ", "))
	}
	return v, nil
}

// Names lists the registered names, sorted.
func (r *Registry[T]) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.namesLocked()
}

func (r *Registry[T]) namesLocked() []string {
	out := make([]string, 0, len(r.m))
	for n := range r.m {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}
