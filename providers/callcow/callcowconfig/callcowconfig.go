// Package callcowconfig is the build-time side of CallCow: the platform
// configuration callspec build writes for a workflow and what the platform
// cannot express of it (lint's target-unsupported). The run-time adapter
// is package callcow; see its documentation for the platform's sources.
package callcowconfig

import (
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/providers/callcow"
	"github.com/callspec/callspec/providers/configs"
)

func init() { configs.Register(Emitter{}) }

// Emitter is CallCow's config emitter.
type Emitter struct{}

// Name implements configs.Emitter.
func (Emitter) Name() string { return callcow.Name }

// Config implements configs.Emitter: CallCow has nothing to configure
// through an API.
func (Emitter) Config(*ir.Workflow) ([]byte, error) { return nil, nil }

// Losses implements configs.Emitter: every field, since CallCow
// extracts nothing.
func (Emitter) Losses(w *ir.Workflow) []configs.Loss {
	var out []configs.Loss
	for _, f := range w.Fields {
		out = append(out, configs.Loss{Field: f.Name,
			What: "CallCow has no typed extraction (it is transcript-only), so the value arrives only when the CallCow workflow's context holds the key " + f.Name})
	}
	return out
}
