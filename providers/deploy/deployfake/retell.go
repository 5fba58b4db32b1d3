package deployfake

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// Retell is a fake of the Retell API: agents and Retell LLMs.
type Retell struct{ *server }

// Kinds of Retell objects.
const (
	RetellAgent = "agent"
	RetellLLM   = "llm"
)

// NewRetell starts a fake Retell API that accepts key.
func NewRetell(tb testing.TB, key string) *Retell {
	return &Retell{newServer(tb, key, retellRoute)}
}

func retellRoute(s *server, w http.ResponseWriter, r *http.Request, raw []byte) {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && pathID(p, "/get-agent/") != "":
		s.get(w, RetellAgent, pathID(p, "/get-agent/"))
	case r.Method == http.MethodGet && pathID(p, "/get-retell-llm/") != "":
		s.get(w, RetellLLM, pathID(p, "/get-retell-llm/"))
	case r.Method == http.MethodPatch && pathID(p, "/update-agent/") != "":
		if body, ok := s.checked(w, r, raw, func(b map[string]any) error { return checkAgent(b, false) }); ok {
			s.update(w, RetellAgent, pathID(p, "/update-agent/"), body)
		}
	case r.Method == http.MethodPatch && pathID(p, "/update-retell-llm/") != "":
		if body, ok := s.checked(w, r, raw, func(b map[string]any) error { return checkLLM(b) }); ok {
			s.update(w, RetellLLM, pathID(p, "/update-retell-llm/"), body)
		}
	case r.Method == http.MethodPost && p == "/create-agent":
		if body, ok := s.checked(w, r, raw, func(b map[string]any) error { return checkAgent(b, true) }); ok {
			s.next++
			s.create(w, RetellAgent, "agent_id", fmt.Sprintf("agent_fake%04d", s.next), body,
				map[string]any{"version": 0, "is_published": false, "last_modification_timestamp": 1700000000000, "agent_name": nil})
		}
	case r.Method == http.MethodPost && p == "/create-retell-llm":
		if body, ok := s.checked(w, r, raw, func(b map[string]any) error { return checkLLM(b) }); ok {
			s.next++
			s.create(w, RetellLLM, "llm_id", fmt.Sprintf("llm_fake%04d", s.next), body,
				map[string]any{"version": 0, "is_published": false, "last_modification_timestamp": 1700000000000})
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
	}
}

func (s *server) checked(w http.ResponseWriter, r *http.Request, raw []byte, check func(map[string]any) error) (map[string]any, bool) {
	body, err := decodeBody(raw)
	if err == nil {
		err = check(body)
	}
	if err != nil {
		s.refuse(w, r, err)
		return nil, false
	}
	return body, true
}

// The request fields of Retell's official SDK, github.com/RetellAI/
// retell-python-sdk @a14e5119: the top-level keys of AgentCreateParams /
// AgentUpdateParams (agent_create_params.py, agent_update_params.py) and
// LlmCreateParams / LlmUpdateParams (llm_create_params.py,
// llm_update_params.py).
var (
	agentKeys = []string{"response_engine", "voice_id", "agent_name", "allow_dtmf_interruption", "allow_user_dtmf",
		"ambient_sound", "ambient_sound_volume", "backchannel_frequency", "backchannel_words", "begin_message_delay_ms",
		"boosted_keywords", "call_screening_option", "custom_stt_config", "data_storage_retention_days",
		"data_storage_setting", "denoising_mode", "enable_backchannel", "enable_dynamic_responsiveness",
		"enable_dynamic_voice_speed", "enable_expressive_mode", "end_call_after_silence_ms", "expressive_emotion_tags",
		"expressive_mode_prompt", "fallback_voice_ids", "guardrail_config", "handbook_config", "interruption_sensitivity",
		"ivr_option", "language", "max_call_duration_ms", "opt_in_signed_url", "pii_config", "post_call_analysis_data",
		"post_call_analysis_model", "pronunciation_dictionary", "reminder_max_count", "reminder_trigger_ms",
		"responsiveness", "ring_duration_ms", "signed_url_expiration_ms", "stt_mode", "timezone", "user_dtmf_options",
		"version_description", "version_title", "vocab_specialization", "voice_emotion", "voice_model", "voice_speed",
		"voice_temperature", "voicemail_option", "volume", "webhook_events", "webhook_timeout_ms", "webhook_url"}
	llmKeys = []string{"begin_after_user_silence_ms", "begin_message", "default_dynamic_variables", "general_prompt",
		"general_tools", "kb_config", "knowledge_base_ids", "mcps", "model", "model_high_priority", "model_temperature",
		"start_speaker", "starting_state", "states", "tool_call_strict_mode"}
	webhookEvents = []string{"call_started", "call_ended", "call_analyzed", "transcript_updated", "transfer_started",
		"transfer_bridged", "transfer_cancelled", "transfer_ended"}
)

func checkAgent(b map[string]any, create bool) error {
	if err := knownKeys(b, agentKeys, "agent"); err != nil {
		return err
	}
	if create {
		for _, k := range []string{"response_engine", "voice_id"} {
			if _, ok := b[k]; !ok {
				return fmt.Errorf("%s is required to create an agent", k)
			}
		}
	}
	if v, ok := b["voice_id"]; ok {
		if _, ok := v.(string); !ok {
			return fmt.Errorf("voice_id must be a string")
		}
	}
	if v, ok := b["response_engine"]; ok {
		e, ok := v.(map[string]any)
		if !ok || e["type"] != "retell-llm" {
			return fmt.Errorf("response_engine must be {type: retell-llm, llm_id}")
		}
		if id, _ := e["llm_id"].(string); id == "" {
			return fmt.Errorf("response_engine.llm_id is required")
		}
		if err := knownKeys(e, []string{"type", "llm_id", "version"}, "response_engine"); err != nil {
			return err
		}
	}
	if v, ok := b["webhook_url"]; ok && v != nil {
		if _, ok := v.(string); !ok {
			return fmt.Errorf("webhook_url must be a string or null")
		}
	}
	if v, ok := b["webhook_events"]; ok && v != nil {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("webhook_events must be a list")
		}
		for _, e := range list {
			if s, _ := e.(string); !slices.Contains(webhookEvents, s) {
				return fmt.Errorf("webhook_events: %v is not one of %v", e, webhookEvents)
			}
		}
	}
	if v, ok := b["post_call_analysis_data"]; ok && v != nil {
		list, ok := v.([]any)
		if !ok {
			return fmt.Errorf("post_call_analysis_data must be a list")
		}
		for i, item := range list {
			if err := checkAnalysisItem(item); err != nil {
				return fmt.Errorf("post_call_analysis_data[%d]: %v", i, err)
			}
		}
	}
	return nil
}

// checkAnalysisItem checks one PostCallAnalysisData variant
// (agent_update_params.py PostCallAnalysisData*AnalysisData).
func checkAnalysisItem(v any) error {
	m, ok := v.(map[string]any)
	if !ok {
		return fmt.Errorf("not an object")
	}
	common := []string{"type", "name", "description", "required", "conditional_prompt"}
	typ, _ := m["type"].(string)
	allowed := common
	switch typ {
	case "string":
		allowed = append(allowed, "examples")
		if err := stringList(m, "examples", false); err != nil {
			return err
		}
	case "enum":
		allowed = append(allowed, "choices")
		if err := stringList(m, "choices", true); err != nil {
			return err
		}
	case "boolean", "number":
	default:
		return fmt.Errorf("type %q is not string, enum, boolean or number", typ)
	}
	if err := knownKeys(m, allowed, typ+" item"); err != nil {
		return err
	}
	for _, k := range []string{"name", "description"} {
		if s, _ := m[k].(string); s == "" {
			return fmt.Errorf("%s is required", k)
		}
	}
	if r, ok := m["required"]; ok {
		if _, ok := r.(bool); !ok {
			return fmt.Errorf("required must be a boolean")
		}
	}
	return nil
}

func stringList(m map[string]any, key string, required bool) error {
	v, ok := m[key]
	if !ok {
		if required {
			return fmt.Errorf("%s is required", key)
		}
		return nil
	}
	list, ok := v.([]any)
	if !ok || (required && len(list) == 0) {
		return fmt.Errorf("%s must be a non-empty list of strings", key)
	}
	for _, s := range list {
		if _, ok := s.(string); !ok {
			return fmt.Errorf("%s must hold strings", key)
		}
	}
	return nil
}

func checkLLM(b map[string]any) error {
	if err := knownKeys(b, llmKeys, "Retell LLM"); err != nil {
		return err
	}
	if v, ok := b["start_speaker"]; ok && v != "user" && v != "agent" {
		return fmt.Errorf("start_speaker must be user or agent")
	}
	for _, k := range []string{"begin_message", "general_prompt"} {
		if v, ok := b[k]; ok && v != nil {
			if _, ok := v.(string); !ok {
				return fmt.Errorf("%s must be a string or null", k)
			}
		}
	}
	return nil
}

func knownKeys(m map[string]any, known []string, what string) error {
	for k := range m {
		if !slices.Contains(known, k) {
			return fmt.Errorf("%s has no field %q", what, k)
		}
	}
	return nil
}
