package check

import (
	"fmt"
	"regexp"

	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules/catalog"
)

// PlatformIDPattern is the shape of a Retell agent or LLM id: callspec
// deploy puts the id into a request path, so it must not be able to name
// another path (a spec is untrusted input).
const PlatformIDPattern = `^[A-Za-z0-9_-]{1,128}$`

// UUIDPattern is the shape of a Vapi id.
const UUIDPattern = `^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`

var (
	platformID = regexp.MustCompile(PlatformIDPattern)
	uuid       = regexp.MustCompile(UUIDPattern)
)

// deploy reads the deploy: block into the IR.
func (k *checker) deploy() {
	d := k.s.Deploy
	r := &k.w.Deploy
	r.RetellAgentID, r.RetellAgentWhere = k.deployID(d.Retell.AgentID, "deploy.retell.agent_id", platformID, "letters, digits, _ and - (as in agent_2f3c…)")
	r.RetellLLMID, r.RetellLLMWhere = k.deployID(d.Retell.LLMID, "deploy.retell.llm_id", platformID, "letters, digits, _ and - (as in llm_9a1b…)")
	r.VapiAssistantID, r.VapiWhere = k.deployID(d.Vapi.AssistantID, "deploy.vapi.assistant_id", uuid, "a UUID (as in 5e1c3b2a-0d4e-4f5a-9b6c-7d8e9f0a1b2c)")
	if r.RetellLLMID != "" && r.RetellAgentID == "" {
		k.c.Add(catalog.Schema.At(d.Retell.LLMID.Range(),
			"deploy.retell.llm_id needs deploy.retell.agent_id beside it: callspec deploy updates the LLM of a known agent; add the agent's id, or remove llm_id to let --apply create both"))
	}
}

// deployID checks one id and returns it with its file:line:col, or "" for
// an id that is absent or malformed (reported).
func (k *checker) deployID(v spec.String, key string, shape *regexp.Regexp, want string) (id, where string) {
	if !v.Set {
		return "", ""
	}
	if !shape.MatchString(v.Value) {
		k.c.Add(catalog.Schema.At(v.Range(), "%s %q is not a platform id: write %s, copied from the platform's dashboard or from the line callspec deploy --apply prints", key, v.Value, want))
		return "", ""
	}
	return v.Value, fmt.Sprintf("%s:%d:%d", v.Range().File, v.Range().Start.Line, v.Range().Start.Col)
}
