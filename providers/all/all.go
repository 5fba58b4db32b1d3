// Package all registers every provider; import it for its side effect
// wherever providers are looked up by name (the CLI, the rules, generated
// handlers), or for Names, the platforms a spec may target.
package all

import (
	"github.com/callspec/callspec/providers"

	// Each import registers one platform with the providers registry.
	_ "github.com/callspec/callspec/providers/bland"
	_ "github.com/callspec/callspec/providers/callcow"
	_ "github.com/callspec/callspec/providers/callurl"
	_ "github.com/callspec/callspec/providers/phonely"
	_ "github.com/callspec/callspec/providers/retell"
	_ "github.com/callspec/callspec/providers/synthflow"
	_ "github.com/callspec/callspec/providers/vapi"
)

// Names lists the platforms callspec supports, sorted: the adapters this
// package registers. A spec's targets are checked against it
// (compiler/check.KnownTargets), so that a platform is added in one place.
func Names() []string { return providers.Names() }
