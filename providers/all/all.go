// Package all registers every provider; import it for its side effect
// wherever providers are looked up by name (the CLI, the rules, generated
// handlers).
package all

import (
	// Each import registers one platform with the providers registry.
	_ "github.com/callspec/callspec/providers/bland"
	_ "github.com/callspec/callspec/providers/callcow"
	_ "github.com/callspec/callspec/providers/callurl"
	_ "github.com/callspec/callspec/providers/phonely"
	_ "github.com/callspec/callspec/providers/retell"
	_ "github.com/callspec/callspec/providers/synthflow"
	_ "github.com/callspec/callspec/providers/vapi"
)
