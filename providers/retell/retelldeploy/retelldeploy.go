// Package retelldeploy deploys a workflow to Retell AI through its API
// (callspec deploy --provider retell).
//
// Two objects: the Retell LLM, which holds the prompt and the first
// message (retell-llm.json: start_speaker, begin_message, general_prompt),
// and the agent, which points at it and holds the extraction and the
// webhook (retell.json: response_engine, post_call_analysis_data,
// webhook_url, webhook_events). Endpoints, from the official Python SDK
// (github.com/RetellAI/retell-python-sdk @a14e5119, src/retell/resources/
// agent.py and llm.py), base https://api.retellai.com, bearer API key:
//
//	GET   /get-agent/{agent_id}        PATCH /update-agent/{agent_id}
//	GET   /get-retell-llm/{llm_id}     PATCH /update-retell-llm/{llm_id}
//	POST  /create-retell-llm           POST  /create-agent (needs voice_id)
//
// The LLM is the one named by deploy.retell.llm_id, else the agent's
// response_engine.llm_id. An agent without a retell-llm response engine
// (a custom LLM or a conversation flow) is refused: pointing it at a new
// LLM would replace the user's whole conversation logic. Updates land on
// the agent's latest draft; Retell serves calls from the published
// version, so the plan says to publish.
package retelldeploy

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/callspec/callspec/providers/deploy"
	"github.com/callspec/callspec/providers/retell"
	"github.com/callspec/callspec/providers/retell/retellconfig"
)

func init() { deploy.Register(Platform{}) }

// Platform is Retell AI's deploy side.
type Platform struct{}

// VoiceOption is the Target option holding the voice of a new agent
// (--voice-id): Retell's create-agent requires one.
const VoiceOption = "voice-id"

// Name implements deploy.Platform.
func (Platform) Name() string { return retell.Name }

// KeyEnv implements deploy.Platform.
func (Platform) KeyEnv() string { return "RETELL_API_KEY" }

// BaseURL implements deploy.Platform.
func (Platform) BaseURL() string { return "https://api.retellai.com" }

// Live settings that are the object's identity or history, not settings.
var (
	agentSkip = []string{"agent_id", "version", "is_published", "last_modification_timestamp"}
	llmSkip   = []string{"llm_id", "version", "is_published", "last_modification_timestamp"}
)

// newLLM stands for the id of an LLM apply creates, in the plan.
const newLLM = "(id of the new retell-llm)"

// Plan implements deploy.Platform.
func (Platform) Plan(ctx context.Context, t *deploy.Target) (*deploy.Plan, error) {
	w := t.Workflow
	agentCfg, llmCfg, err := configs(t)
	if err != nil {
		return nil, err
	}
	p := &deploy.Plan{Workflow: w.ID, File: w.Path, Platform: retell.Name}
	c := t.Client
	agentID, llmID := w.Deploy.RetellAgentID, w.Deploy.RetellLLMID
	agentWhat := fmt.Sprintf("agent %q", agentID)
	agentNotFound := fmt.Sprintf("check deploy.retell.agent_id at %s (copy the id from the agent's page in the Retell dashboard), or remove it so that callspec deploy --apply creates a new agent", w.Deploy.RetellAgentWhere)
	var liveAgent, liveLLM map[string]any
	if agentID != "" {
		if liveAgent, err = c.Get(ctx, "/get-agent/"+url.PathEscape(agentID), agentWhat, agentNotFound); err != nil {
			return nil, err
		}
		engine, _ := liveAgent["response_engine"].(map[string]any)
		if typ, _ := engine["type"].(string); typ != "retell-llm" {
			return nil, fmt.Errorf("Retell agent %q answers with a %q response engine, not a retell-llm: callspec deploys a single-prompt Retell LLM and would replace that logic; point deploy.retell.agent_id at %s to an agent that uses a Retell LLM, or remove it to create one", agentID, typ, w.Deploy.RetellAgentWhere)
		}
		if llmID == "" {
			llmID, _ = engine["llm_id"].(string)
		}
	}
	llmWhat := fmt.Sprintf("Retell LLM %q", llmID)
	llmNotFound := "check deploy.retell.llm_id, or the agent's response_engine.llm_id in the Retell dashboard"
	if w.Deploy.RetellLLMID != "" {
		llmNotFound = fmt.Sprintf("check deploy.retell.llm_id at %s, or remove it to use the agent's own LLM", w.Deploy.RetellLLMWhere)
	}
	if llmID != "" {
		if liveLLM, err = c.Get(ctx, "/get-retell-llm/"+url.PathEscape(llmID), llmWhat, llmNotFound); err != nil {
			return nil, err
		}
	}

	llm, llmBody := deploy.Compare("retell-llm", llmID, liveLLM, llmCfg, llmSkip...)
	appliedLLM := llmID
	llm.SetApply(func(ctx context.Context) (string, error) {
		if llm.Action == deploy.Create {
			id, err := c.Write(ctx, http.MethodPost, "/create-retell-llm", llmBody, "Retell LLM", "check --api-url", "llm_id")
			appliedLLM = id
			return id, err
		}
		_, err := c.Write(ctx, http.MethodPatch, "/update-retell-llm/"+url.PathEscape(llmID), llmBody, llmWhat, llmNotFound, "")
		return llmID, err
	})

	engine := agentCfg["response_engine"].(map[string]any)
	if llmID != "" {
		engine["llm_id"] = llmID
	} else {
		engine["llm_id"] = newLLM
	}
	// A live version pins the agent to a version of its current LLM; it
	// means nothing for another one.
	if live, ok := liveAgent["response_engine"].(map[string]any); ok && live["llm_id"] != engine["llm_id"] && live["version"] != nil {
		engine["version"] = nil
	}
	if agentID == "" {
		voice := t.Options[VoiceOption]
		if voice == "" {
			p.Missing = append(p.Missing, "Retell needs a voice to create an agent: run again with --voice-id ID (a voice id from the Retell dashboard's voice list, e.g. 11labs-Adrian), or set deploy.retell.agent_id to an existing agent")
			voice = "(--voice-id)"
		}
		agentCfg["voice_id"] = voice
	}
	for name, body := range map[string]map[string]any{"agent": agentCfg, "LLM": llmCfg} {
		if path := deploy.Unfilled(body); path != "" {
			return nil, fmt.Errorf("internal error: the Retell %s config of %s still holds a placeholder at %s, which deploy does not know how to fill in", name, w.ID, path)
		}
	}
	agent, agentBody := deploy.Compare("retell agent", agentID, liveAgent, agentCfg, agentSkip...)
	agent.SetApply(func(ctx context.Context) (string, error) {
		if e, ok := agentBody["response_engine"].(map[string]any); ok {
			e = deploy.Merge(e, map[string]any{"llm_id": appliedLLM}).(map[string]any)
			agentBody["response_engine"] = e
		}
		if agent.Action == deploy.Create {
			return c.Write(ctx, http.MethodPost, "/create-agent", agentBody, "Retell agent", "check --api-url", "agent_id")
		}
		_, err := c.Write(ctx, http.MethodPatch, "/update-agent/"+url.PathEscape(agentID), agentBody, agentWhat, agentNotFound, "")
		return agentID, err
	})
	agent.SpecLine = func(id string) string { return "retell: {agent_id: " + id + "}" }
	p.Objects = []*deploy.Object{llm, agent}
	if p.Changed() {
		p.Notes = append(p.Notes, "Retell applies updates to the agent's latest draft; publish the agent in the Retell dashboard for calls to use them.")
	}
	return p, nil
}

// configs returns the generated agent and LLM bodies of t's workflow.
func configs(t *deploy.Target) (agent, llm map[string]any, err error) {
	e := retellconfig.Emitter{}
	b, err := e.Config(t.Workflow)
	if err != nil {
		return nil, nil, err
	}
	if agent, err = deploy.DecodeObject(b); err != nil {
		return nil, nil, err
	}
	extra, err := e.ExtraConfigs(t.Workflow)
	if err != nil {
		return nil, nil, err
	}
	for _, f := range extra {
		if f.Path == retellconfig.LLMFile {
			llm, err = deploy.DecodeObject(f.Content)
		}
	}
	if llm == nil && err == nil {
		err = fmt.Errorf("internal error: the Retell emitter wrote no %s", retellconfig.LLMFile)
	}
	return agent, llm, err
}
