// Package phonelyconfig is the build-time side of Phonely: the platform
// configuration callspec build writes for a workflow and what the platform
// cannot express of it (lint's target-unsupported). The run-time adapter
// is package phonely; see its documentation for the platform's sources.
package phonelyconfig

import (
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/providers/configs"
	"github.com/callspec/callspec/providers/internal/payload"
	"github.com/callspec/callspec/providers/phonely"
)

func init() { configs.Register(Emitter{}) }

// Emitter is Phonely's config emitter.
type Emitter struct{}

// Name implements configs.Emitter.
func (Emitter) Name() string { return phonely.Name }

// Config implements configs.Emitter: Phonely has nothing to configure
// through an API.
func (Emitter) Config(*ir.Workflow) ([]byte, error) { return nil, nil }

// reachable is the set of field names the standard payload can fill.
func reachable() map[string]bool {
	out := map[string]bool{}
	for _, k := range phonely.StandardKeys {
		out[payload.Snake(k)] = true
	}
	for _, names := range phonely.Aliases {
		for _, n := range names {
			out[n] = true
		}
	}
	return out
}

// Losses implements configs.Emitter: fields the standard payload does
// not carry.
func (Emitter) Losses(w *ir.Workflow) []configs.Loss {
	ok := reachable()
	var out []configs.Loss
	for _, f := range w.Fields {
		if !ok[f.Name] {
			out = append(out, configs.Loss{Field: f.Name,
				What: "Phonely's standard post-call payload has no such value and Phonely has no typed extraction, so it arrives only when the Send Call Data action's custom body sends the key " + f.Name})
		}
	}
	return out
}
