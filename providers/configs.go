package providers

import (
	"fmt"

	"github.com/callspec/callspec/compiler/ir"
)

// ConfigFile is one platform configuration of a workflow; Path is relative
// to the workflow's output directory.
type ConfigFile struct {
	Path    string
	Content []byte
}

// ExtraConfigs is implemented by a provider whose platform takes more than
// one body (Retell: an LLM next to the agent). Each file's Path is its
// name under providers/, e.g. "retell-llm.json".
type ExtraConfigs interface {
	ExtraConfigs(w *ir.Workflow) ([]ConfigFile, error)
}

// Configs returns providers/<name>.json for each of w's targets whose
// provider has something to configure, followed by the provider's extra
// bodies (ExtraConfigs), in the order of targets. The providers must be
// registered (import providers/all).
func Configs(w *ir.Workflow) ([]ConfigFile, error) {
	var out []ConfigFile
	seen := map[string]bool{}
	for _, name := range w.Targets {
		if seen[name] {
			continue
		}
		seen[name] = true
		p, err := Lookup(name)
		if err != nil {
			return nil, err
		}
		b, err := p.Config(w)
		if err != nil {
			return nil, fmt.Errorf("%s config: %w", name, err)
		}
		if b != nil {
			out = append(out, ConfigFile{Path: "providers/" + name + ".json", Content: b})
		}
		if x, ok := p.(ExtraConfigs); ok {
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
