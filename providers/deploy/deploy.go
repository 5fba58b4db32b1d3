// Package deploy plans and applies a workflow's generated platform
// configuration to the live agent or assistant on a voice platform, through
// the platform's HTTP API (callspec deploy).
//
// A plan fetches the live objects and compares only the keys callspec owns
// (extraction, prompt and first message, webhook URL and events, webhook
// credential) with what the spec generates; every other live setting is
// left as it is and listed as unmanaged. Apply sends only the difference,
// so a second apply finds nothing to do. Nested objects that callspec owns
// part of (Vapi's model and server) are sent merged with their live value,
// because a PATCH replaces each top-level key it names.
//
// Each platform with an API lives in its own package
// (providers/<p>/<p>deploy) and registers a Platform here; platforms
// without one get the manual steps of ManualSteps. API keys and webhook
// secrets never reach any output or error: every text this package
// produces passes through the Redactor of its Target.
package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/providers/internal/registry"
)

// Platform plans the deployment of one workflow on one voice platform.
type Platform interface {
	// Name is the platform's name, as in targets: and --provider.
	Name() string
	// KeyEnv names the environment variable holding the API key.
	KeyEnv() string
	// BaseURL is the API's base URL; --api-url replaces it.
	BaseURL() string
	// Plan fetches the live objects of t.Workflow and returns what apply
	// would change. It changes nothing.
	Plan(ctx context.Context, t *Target) (*Plan, error)
}

// Target is one workflow to deploy, with what a platform needs to reach
// its API.
type Target struct {
	Workflow *ir.Workflow
	Client   *Client
	// Getenv reads environment variables (the webhook secret when a
	// credential is created).
	Getenv func(string) string
	// Options are the platform's own settings from the command line,
	// e.g. the voice of a new Retell agent.
	Options map[string]string
}

// Plan is the difference between the live objects and the generated
// configuration of one workflow on one platform.
type Plan struct {
	Workflow string `json:"workflow"`
	File     string `json:"file"`
	Platform string `json:"provider"`
	// Objects are in the order apply works on them (an LLM before the
	// agent that points at it, a credential before the assistant).
	Objects []*Object `json:"objects"`
	// Notes are things the user should know that are not changes.
	Notes []string `json:"notes,omitempty"`
	// Missing lists what apply needs and does not have (an environment
	// variable, a flag); apply refuses to start while it is not empty, so
	// nothing is half done.
	Missing []string `json:"missing,omitempty"`
}

// Action is what apply does to an object.
type Action string

// The actions.
const (
	NoChange Action = "none"
	Update   Action = "update"
	Create   Action = "create"
)

// Object is one live platform object (agent, LLM, assistant, credential).
type Object struct {
	Kind string `json:"kind"`
	// ID is the live object's id; "" for an object apply creates.
	ID     string   `json:"id,omitempty"`
	Action Action   `json:"action"`
	Change []Change `json:"changes"`
	// Unmanaged lists the live settings callspec leaves as they are, as
	// key paths (model.provider), sorted.
	Unmanaged []string `json:"unmanaged"`
	// SpecLine, for an object apply creates, returns what to add to the
	// spec's deploy: block once the object has id; nil when nothing is.
	SpecLine func(id string) string `json:"-"`
	// apply performs the change and returns the object's id.
	apply func(ctx context.Context) (string, error)
}

// Change is one owned key whose live value differs from the generated one.
type Change struct {
	// Path is the key path, e.g. model.messages.
	Path string `json:"path"`
	// Before is the live value (absent when the key is not set); After
	// the value apply sets. Both are JSON.
	Before any `json:"before,omitempty"`
	After  any `json:"after"`
}

// SetApply sets the function that performs o's change; a platform calls it
// for every object whose Action is not NoChange. It returns the object's
// id (the new one for a created object).
func (o *Object) SetApply(f func(ctx context.Context) (string, error)) { o.apply = f }

// Changed reports whether apply has anything to do.
func (p *Plan) Changed() bool {
	for _, o := range p.Objects {
		if o.Action != NoChange {
			return true
		}
	}
	return false
}

// Applied is what an apply did to one object.
type Applied struct {
	Kind   string `json:"kind"`
	ID     string `json:"id"`
	Action Action `json:"action"`
	// SpecLine is the line to add to the spec for a created object.
	SpecLine string `json:"spec_line,omitempty"`
}

// Apply performs p's changes in order. It stops at the first error; the
// objects applied before it are returned with the error.
func Apply(ctx context.Context, p *Plan) ([]Applied, error) {
	if len(p.Missing) > 0 {
		return nil, fmt.Errorf("cannot apply %s on %s: %s", p.Workflow, p.Platform, strings.Join(p.Missing, "; "))
	}
	var done []Applied
	for _, o := range p.Objects {
		if o.Action == NoChange {
			continue
		}
		if o.apply == nil {
			return done, fmt.Errorf("internal error: the %s plan for %s has no apply step", p.Platform, o.Kind)
		}
		id, err := o.apply(ctx)
		if err != nil {
			return done, err
		}
		a := Applied{Kind: o.Kind, ID: id, Action: o.Action}
		if o.Action == Create && o.SpecLine != nil {
			a.SpecLine = o.SpecLine(id)
		}
		done = append(done, a)
	}
	return done, nil
}

var platforms = registry.Registry[Platform]{What: "deploy platform"}

// Register adds a platform; each platform package calls it from init.
func Register(p Platform) { platforms.Register(p) }

// Lookup returns the platform named name.
func Lookup(name string) (Platform, error) { return platforms.Lookup(name) }

// Names lists the platforms deployed through an API, sorted.
func Names() []string { return platforms.Names() }
