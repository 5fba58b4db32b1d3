// Package allconfigs registers every platform's config emitter; import it
// for its side effect on the build side (callspec build, the
// target-unsupported rule). Deployed handlers import providers/all, the
// run-time adapters, instead.
package allconfigs

import (
	// Each import registers one platform with the configs registry.
	_ "github.com/callspec/callspec/providers/bland/blandconfig"
	_ "github.com/callspec/callspec/providers/callcow/callcowconfig"
	_ "github.com/callspec/callspec/providers/callurl/callurlconfig"
	_ "github.com/callspec/callspec/providers/phonely/phonelyconfig"
	_ "github.com/callspec/callspec/providers/retell/retellconfig"
	_ "github.com/callspec/callspec/providers/synthflow/synthflowconfig"
	_ "github.com/callspec/callspec/providers/vapi/vapiconfig"
)
