package retellconfig_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/retell/retellconfig"
)

var e = retellconfig.Emitter{}

func TestConfigGolden(t *testing.T) { providertest.ConfigGolden(t, e) }

func TestLosses(t *testing.T) {
	w := providertest.Get(t, "maintenance_report_intake")
	if l := e.Losses(w.IR); len(l) != 0 {
		t.Errorf("maintenance_report_intake loses nothing on retell, got %v", l)
	}
}

// TestLLMConfigGolden keeps the Retell LLM body (the spoken text) of every
// workflow under review.
func TestLLMConfigGolden(t *testing.T) {
	for _, id := range providertest.IDs(t) {
		t.Run(id, func(t *testing.T) {
			files, err := e.ExtraConfigs(providertest.Get(t, id).IR)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) != 1 || files[0].Path != retellconfig.LLMFile {
				t.Fatalf("extra configs %v, want one %s", files, retellconfig.LLMFile)
			}
			providertest.ConfigFile(t, id, e.Name(), retellconfig.LLMFile, "config/"+id+".llm", files[0].Content)
		})
	}
}

// sdkKeys are the property names of a TypeScript interface of the Retell
// SDK (testdata/sdk, copied from retell-sdk 5.66.1): the members at the
// interface's first indentation, with whether each is required.
func sdkKeys(t *testing.T, file, iface string) map[string]bool {
	t.Helper()
	src := string(providertest.ReadTestdata(t, "sdk/"+file))
	start := regexp.MustCompile(`(?m)^( *)(?:export )?interface ` + iface + ` \{$`).FindStringSubmatchIndex(src)
	if start == nil {
		t.Fatalf("%s has no interface %s", file, iface)
	}
	indent := src[start[2]:start[3]]
	body := src[start[1]:]
	body = body[:strings.Index(body, "\n"+indent+"}")]
	keys := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^`+indent+`    (\w+)(\??):`).FindAllStringSubmatch(body, -1) {
		keys[m[1]] = m[2] == ""
	}
	if len(keys) == 0 {
		t.Fatalf("interface %s in %s has no members", iface, file)
	}
	return keys
}

// checkKeys fails for a key of obj the SDK does not declare, and for a
// key the SDK requires that obj lacks.
func checkKeys(t *testing.T, what string, obj map[string]any, keys map[string]bool) {
	t.Helper()
	for k := range obj {
		if _, ok := keys[k]; !ok {
			t.Errorf("%s: %q is not a property of the SDK's type", what, k)
		}
	}
	for k, required := range keys {
		if _, ok := obj[k]; required && !ok {
			t.Errorf("%s: the SDK requires %q", what, k)
		}
	}
}

// TestConfigsMatchSDK checks both bodies against the Retell SDK's request
// types: the LLM body against LlmCreateParams, the agent body against
// AgentUpdateParams, its response_engine against ResponseEngineRetellLm;
// and that the spoken text is there.
func TestConfigsMatchSDK(t *testing.T) {
	llmKeys := sdkKeys(t, "llm-create-params.d.ts", "LlmCreateParams")
	agentKeys := sdkKeys(t, "agent-update-params.d.ts", "AgentUpdateParams")
	engineKeys := sdkKeys(t, "agent-update-params.d.ts", "ResponseEngineRetellLm")
	providertest.EachConfig(t, e, func(t *testing.T, w *ir.Workflow, agent map[string]any) {
		checkKeys(t, "agent", agent, agentKeys)
		engine, _ := agent["response_engine"].(map[string]any)
		checkKeys(t, "response_engine", engine, engineKeys)
		if engine["type"] != "retell-llm" || engine["llm_id"] != retellconfig.LLMIDPlaceholder {
			t.Errorf("response_engine %v, want the retell-llm placeholder", engine)
		}
		files, err := e.ExtraConfigs(w)
		if err != nil {
			t.Fatal(err)
		}
		var llm map[string]any
		if err := json.Unmarshal(files[0].Content, &llm); err != nil {
			t.Fatal(err)
		}
		checkKeys(t, "llm", llm, llmKeys)
		if llm["begin_message"] != w.Disclosure || llm["general_prompt"] != configtext.Prompt(w) || llm["start_speaker"] != "agent" {
			t.Errorf("llm body %v, want the disclosure first and the prompt", llm)
		}
	})
}
