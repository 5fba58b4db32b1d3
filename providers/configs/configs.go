// Package configs is the build-time side of the voice platforms: each
// platform's config emitter (providers/<name>/<name>config) writes the
// platform's configuration of a workflow and lists what the platform
// cannot express of it. The emitters register themselves; import
// providers/configs/allconfigs to have them all. Deployed handlers import
// none of this (they use the run-time providers.Adapter).
package configs

import (
	"fmt"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/providers/internal/registry"
)

// Emitter is the build-time side of one voice platform.
type Emitter interface {
	// Name is the platform's name, the same as its adapter's.
	Name() string
	// Config returns the platform configuration for w, written to
	// generated/<id>/providers/<name>.json, or nil when the platform has
	// nothing to configure through an API.
	Config(w *ir.Workflow) ([]byte, error)
	// Losses lists what the platform cannot express of w's fields; lint
	// reports each as target-unsupported.
	Losses(w *ir.Workflow) []Loss
	// Setup is what a person does in the platform's dashboard to go live.
	Setup() Setup
}

// Setup is how a workflow goes live on one platform, in the words of its
// dashboard: the one place each platform's setup facts are kept, so that
// the setup page of every workflow (docpage), the README and
// docs/PLATFORMS.md (checked against it by providers/all's tests) say
// the same. The URL to paste and the secret's environment variable come
// from the workflow; how callspec checks the secret is the adapter's
// SignatureScheme.
type Setup struct {
	// Platform is the platform's name as its maker writes it.
	Platform string
	// URLField says where the URL goes, e.g. "the agent's Webhook URL
	// (Agents → the agent → Webhook Settings)".
	URLField string
	// Secret says what the signing secret is and where it comes from or
	// goes in the platform; the environment variable that holds it is
	// the workflow's.
	Secret string
	// Select are the event types to select in the dashboard; nil when the
	// platform sends one delivery per call and offers no choice.
	Select []string
	// Ignored are the event types the run-time adapter acknowledges (2xx,
	// counted, nothing stored) without deciding on them, taken from the
	// adapter; any type the platform adds later is ignored too.
	Ignored []string
	// Steps are further steps, in order (Vapi's webhook credential,
	// Retell's LLM).
	Steps []string
	// Unconfirmed says what no source confirmed about the platform's
	// deliveries; a test against the real platform should settle it.
	Unconfirmed []string
}

// Loss is one field the platform cannot express as declared, or, with
// Field "", spoken text it cannot take as written (Bland's first_sentence
// length).
type Loss struct {
	Field string
	// What says what is lost, e.g. "integer is sent as number".
	What string
	// Safe is true when callspec handles the loss itself: the handler
	// parses what the platform sends or refuses it (the call goes to a
	// person), so no wrong value reaches the service. lint reports a safe
	// loss as info and any other (a value the platform cannot deliver at
	// all, or one that arrives changed) as a warning.
	Safe bool
}

// ConfigFile is one platform configuration of a workflow; Path is relative
// to the workflow's output directory.
type ConfigFile struct {
	Path    string
	Content []byte
}

// ExtraConfigs is implemented by an emitter whose platform takes more than
// one body (Retell: an LLM next to the agent). Each file's Path is its
// name under providers/, e.g. "retell-llm.json".
type ExtraConfigs interface {
	ExtraConfigs(w *ir.Workflow) ([]ConfigFile, error)
}

var emitters = registry.Registry[Emitter]{What: "config emitter"}

// Register adds an emitter; each emitter package calls it from init.
func Register(e Emitter) { emitters.Register(e) }

// Lookup returns the emitter of the platform named name.
func Lookup(name string) (Emitter, error) { return emitters.Lookup(name) }

// Names lists the registered emitters, sorted.
func Names() []string { return emitters.Names() }

// Configs returns providers/<name>.json for each of w's targets whose
// platform has something to configure, followed by the emitter's extra
// bodies (ExtraConfigs), in the order of targets. The emitters must be
// registered (import providers/configs/allconfigs).
func Configs(w *ir.Workflow) ([]ConfigFile, error) {
	var out []ConfigFile
	seen := map[string]bool{}
	for _, name := range w.Targets {
		if seen[name] {
			continue
		}
		seen[name] = true
		e, err := Lookup(name)
		if err != nil {
			return nil, err
		}
		b, err := e.Config(w)
		if err != nil {
			return nil, fmt.Errorf("%s config: %w", name, err)
		}
		if b != nil {
			out = append(out, ConfigFile{Path: "providers/" + name + ".json", Content: b})
		}
		if x, ok := e.(ExtraConfigs); ok {
			more, err := x.ExtraConfigs(w)
			if err != nil {
				return nil, fmt.Errorf("%s config: %w", name, err)
			}
			for _, f := range more {
				out = append(out, ConfigFile{Path: "providers/" + f.Path, Content: f.Content})
			}
		}
	}
	return out, nil
}
