package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/callspec/callspec/driver/lint"
	"github.com/callspec/callspec/providers/deploy/deployfake"
)

// The secrets of the deploy tests: none may appear in any output.
const (
	retellKey     = "key_retell_7Hq2ZpLw9Xr4"
	vapiKey       = "key_vapi_3Nf8TtYb6Mc1"
	webhookSecret = "whsec_deploytest_S3cr3tValue"
)

var deployEnv = map[string]string{
	"RETELL_API_KEY": retellKey, "VAPI_API_KEY": vapiKey, "MAINTENANCE_WEBHOOK_SECRET": webhookSecret,
}

// deployCLI runs callspec deploy in-process and fails the test if a secret
// reaches stdout or stderr.
func deployCLI(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb, getenv: func(k string) string { return vars[k] }}
	code = run(e, append([]string{"deploy"}, args...))
	for _, secret := range []string{retellKey, vapiKey, webhookSecret} {
		if strings.Contains(out.String()+errb.String(), secret) {
			t.Errorf("deploy %v printed the secret %q:\nstdout:\n%s\nstderr:\n%s", args, secret, out.String(), errb.String())
		}
	}
	return out.String(), errb.String(), code
}

// specWithDeploy copies workflows/<id>.yaml into a temporary directory
// with a deploy: block appended and returns its path.
func specWithDeploy(t *testing.T, id, block string) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", "workflows", id+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, id+".yaml")
	if block != "" {
		src = append(src, []byte("deploy:\n"+block)...)
	}
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// liveRetell is an agent and LLM as a user made them in the dashboard:
// callspec's keys hold old values, the rest is the user's own.
func liveRetell(f *deployfake.Retell) {
	f.Put(deployfake.RetellAgent, "agent_live1", map[string]any{
		"agent_id": "agent_live1", "version": json.Number("3"), "is_published": true, "last_modification_timestamp": json.Number("1700000000000"),
		"agent_name": "Front desk", "voice_id": "11labs-Adrian", "voice_speed": json.Number("1.10"), "interruption_sensitivity": json.Number("0.70"),
		"response_engine": map[string]any{"type": "retell-llm", "llm_id": "llm_live1", "version": json.Number("3")},
		"webhook_url":     "https://old.example.com/hook", "webhook_events": []any{"call_started", "call_ended", "call_analyzed"},
		"post_call_analysis_data": []any{map[string]any{"type": "string", "name": "notes", "description": "Old notes."}},
	})
	f.Put(deployfake.RetellLLM, "llm_live1", map[string]any{
		"llm_id": "llm_live1", "version": json.Number("3"), "is_published": true, "last_modification_timestamp": json.Number("1700000000000"),
		"model": "gpt-4.1", "model_temperature": json.Number("0.20"), "start_speaker": "agent",
		"begin_message": "Hello.", "general_prompt": "You are a receptionist.",
	})
}

func TestDeployRetellPlanIsGoldenAndChangesNothing(t *testing.T) {
	f := deployfake.NewRetell(t, retellKey)
	liveRetell(f)
	spec := specWithDeploy(t, "maintenance_report_intake", "  retell: {agent_id: agent_live1}\n")
	out, errs, code := deployCLI(t, deployEnv, spec, "--provider", "retell", "--api-url", f.URL)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	deployfake.Golden(t, "deploy/retell-plan.txt", []byte(strings.ReplaceAll(out, filepath.Dir(spec), "$DIR")))
	if w := f.Writes(); len(w) != 0 {
		t.Errorf("a plan wrote to the API: %v", w)
	}
	_, _, code = deployCLI(t, deployEnv, spec, "--provider", "retell", "--api-url", f.URL, "--detailed-exitcode")
	if code != 2 {
		t.Errorf("--detailed-exitcode with changes pending: exit %d, want 2", code)
	}
}

func TestDeployRetellApplyKeepsUnmanagedSettingsAndASecondApplyIsANoOp(t *testing.T) {
	f := deployfake.NewRetell(t, retellKey)
	liveRetell(f)
	unmanaged := func() map[string]string {
		var agent, llm map[string]json.RawMessage
		json.Unmarshal([]byte(f.Object(deployfake.RetellAgent, "agent_live1")), &agent)
		json.Unmarshal([]byte(f.Object(deployfake.RetellLLM, "llm_live1")), &llm)
		return map[string]string{
			"agent_name": string(agent["agent_name"]), "voice_id": string(agent["voice_id"]), "voice_speed": string(agent["voice_speed"]),
			"interruption_sensitivity": string(agent["interruption_sensitivity"]), "model": string(llm["model"]),
			"model_temperature": string(llm["model_temperature"]), "response_engine": string(agent["response_engine"]),
		}
	}
	before := unmanaged()
	spec := specWithDeploy(t, "maintenance_report_intake", "  retell: {agent_id: agent_live1}\n")
	out, errs, code := deployCLI(t, deployEnv, spec, "--provider", "retell", "--api-url", f.URL, "--apply")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s\nstdout:\n%s", code, errs, out)
	}
	for _, want := range []string{"maintenance_report_intake on retell: updated retell-llm llm_live1.", "maintenance_report_intake on retell: updated retell agent agent_live1."} {
		if !strings.Contains(out, want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	if after := unmanaged(); !equalMaps(before, after) {
		t.Errorf("unmanaged settings changed:\nbefore %v\n after %v", before, after)
	}
	var patch map[string]any
	for _, w := range f.Writes() {
		if w.Path == "/update-agent/agent_live1" {
			json.Unmarshal(w.Body, &patch)
		}
	}
	if _, sent := patch["voice_id"]; sent || len(patch) != 3 {
		t.Errorf("the agent PATCH sent %v, want only post_call_analysis_data, webhook_url and webhook_events", keysOf(patch))
	}
	writes := len(f.Writes())
	out, errs, code = deployCLI(t, deployEnv, spec, "--provider", "retell", "--api-url", f.URL, "--apply")
	if code != 0 || !strings.Contains(out, "No changes") || len(f.Writes()) != writes {
		t.Errorf("second apply: exit %d, %d new writes, stdout:\n%s\nstderr:\n%s", code, len(f.Writes())-writes, out, errs)
	}
	if _, _, code := deployCLI(t, deployEnv, spec, "--provider", "retell", "--api-url", f.URL, "--detailed-exitcode"); code != 0 {
		t.Errorf("--detailed-exitcode with nothing pending: exit %d, want 0", code)
	}
}

// TestDeployCreatesThenFindsNothingToDo covers every workflow that targets
// Retell or Vapi: a spec without deploy ids is created, the printed line
// added to the spec, and a second apply changes nothing.
func TestDeployCreatesThenFindsNothingToDo(t *testing.T) {
	res, err := lint.Run([]string{"../../workflows"}, lint.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range res.Units {
		w, id := u.IR, u.IR.ID
		for _, provider := range []string{"retell", "vapi"} {
			if !contains(w.Targets, provider) {
				continue
			}
			t.Run(id+"/"+provider, func(t *testing.T) {
				var url string
				var count func() int
				if provider == "retell" {
					f := deployfake.NewRetell(t, retellKey)
					url, count = f.URL, func() int { return len(f.Writes()) }
				} else {
					f := deployfake.NewVapi(t, vapiKey)
					url, count = f.URL, func() int { return len(f.Writes()) }
				}
				vars := map[string]string{"RETELL_API_KEY": retellKey, "VAPI_API_KEY": vapiKey, w.Webhook.SecretEnv: webhookSecret}
				spec := specWithDeploy(t, id, "")
				out, errs, code := deployCLI(t, vars, spec, "--provider", provider, "--api-url", url, "--apply", "--voice-id", "11labs-Adrian")
				if code != 0 {
					t.Fatalf("create: exit %d, stderr:\n%s\nstdout:\n%s", code, errs, out)
				}
				_, line, ok := strings.Cut(out, "  deploy:\n")
				if !ok {
					t.Fatalf("create printed no deploy: line:\n%s", out)
				}
				line, _, _ = strings.Cut(line, "\n")
				spec = specWithDeploy(t, id, "  "+strings.TrimSpace(line)+"\n")
				writes := count()
				out, errs, code = deployCLI(t, vars, spec, "--provider", provider, "--api-url", url, "--apply")
				if code != 0 || !strings.Contains(out, "No changes") || count() != writes {
					t.Errorf("second apply: exit %d, %d new writes, stdout:\n%s\nstderr:\n%s", code, count()-writes, out, errs)
				}
			})
		}
	}
}

func TestDeployVapiCreatesTheCredentialAndKeepsTheLiveModel(t *testing.T) {
	f := deployfake.NewVapi(t, vapiKey)
	const id = "5e1c3b2a-0d4e-4f5a-9b6c-7d8e9f0a1b2c"
	f.Put(deployfake.VapiAssistant, id, map[string]any{
		"id": id, "orgId": "00000000-0000-4000-8000-000000000000", "createdAt": "2026-01-01T00:00:00.000Z", "updatedAt": "2026-01-01T00:00:00.000Z",
		"name": "Front desk", "firstMessage": "Hello.", "voice": map[string]any{"provider": "11labs", "voiceId": "burt"},
		"model": map[string]any{"provider": "openai", "model": "gpt-4o-mini", "temperature": json.Number("0.70"),
			"messages": []any{map[string]any{"role": "system", "content": "You are a receptionist."}}},
		"server":       map[string]any{"url": "https://old.example.com/hook", "headers": map[string]any{"X-Team": "ops"}},
		"artifactPlan": map[string]any{"recordingEnabled": true},
	})
	spec := specWithDeploy(t, "maintenance_report_intake", "  vapi: {assistant_id: "+id+"}\n")
	out, errs, code := deployCLI(t, deployEnv, spec, "--provider", "vapi", "--api-url", f.URL)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	deployfake.Golden(t, "deploy/vapi-plan.txt", []byte(strings.ReplaceAll(out, filepath.Dir(spec), "$DIR")))

	out, errs, code = deployCLI(t, deployEnv, spec, "--provider", "vapi", "--api-url", f.URL, "--apply", "--format", "json")
	if code != 0 {
		t.Fatalf("apply: exit %d, stderr:\n%s\nstdout:\n%s", code, errs, out)
	}
	cred := f.Object(deployfake.VapiCredential, "00000000-0000-4000-8000-000000000001")
	if !strings.Contains(cred, `"secretKey":"`+webhookSecret+`"`) || !strings.Contains(cred, `"type":"hmac"`) {
		t.Errorf("credential %s, want an HMAC credential with the workflow's secret", cred)
	}
	var a struct {
		Model struct {
			Provider, Model string
			Temperature     json.RawMessage
			Messages        []map[string]string
		}
		Server struct {
			URL          string
			CredentialID string
			Headers      map[string]string
		}
		Voice        map[string]string
		ArtifactPlan map[string]any
		Name         string
	}
	json.Unmarshal([]byte(f.Object(deployfake.VapiAssistant, id)), &a)
	if a.Model.Provider != "openai" || a.Model.Model != "gpt-4o-mini" || string(a.Model.Temperature) != "0.70" {
		t.Errorf("the live model settings changed: %+v", a.Model)
	}
	if len(a.Model.Messages) != 1 || !strings.HasPrefix(a.Model.Messages[0]["content"], "You are the phone assistant of Maintenance report intake.") {
		t.Errorf("model.messages %v, want the spec's prompt", a.Model.Messages)
	}
	if a.Server.CredentialID != "00000000-0000-4000-8000-000000000001" || a.Server.Headers["X-Team"] != "ops" ||
		a.Server.URL != "https://ops.example.com/hooks/maintenance_report_intake/vapi" {
		t.Errorf("server %+v, want the spec's URL, the new credential and the live headers", a.Server)
	}
	if a.Voice["voiceId"] != "burt" || a.ArtifactPlan["recordingEnabled"] != true || a.Name != "Front desk" {
		t.Errorf("unmanaged settings changed: voice %v, artifactPlan %v, name %q", a.Voice, a.ArtifactPlan, a.Name)
	}
	writes := len(f.Writes())
	out, _, code = deployCLI(t, deployEnv, spec, "--provider", "vapi", "--api-url", f.URL, "--apply")
	if code != 0 || !strings.Contains(out, "No changes") || len(f.Writes()) != writes || f.Count(deployfake.VapiCredential) != 1 {
		t.Errorf("second apply: exit %d, %d new writes, %d credentials:\n%s", code, len(f.Writes())-writes, f.Count(deployfake.VapiCredential), out)
	}
}

func TestDeployErrorsAreSentencesAndLeakNoSecret(t *testing.T) {
	const id = "5e1c3b2a-0d4e-4f5a-9b6c-7d8e9f0a1b2c"
	cases := []struct {
		name     string
		provider string
		block    string
		vars     map[string]string
		setup    func(r *deployfake.Retell, v *deployfake.Vapi)
		args     []string
		want     string
	}{
		{"401 bad key", "retell", "  retell: {agent_id: agent_live1}\n",
			map[string]string{"RETELL_API_KEY": "key_wrong_5Gh1"}, nil, nil,
			"callspec: maintenance_report_intake: Retell refused the API key in RETELL_API_KEY (401 on GET /get-agent/agent_live1): set RETELL_API_KEY to a valid API key from the Retell dashboard\n"},
		{"404 unknown agent", "retell", "  retell: {agent_id: agent_gone}\n", deployEnv, nil, nil,
			`callspec: maintenance_report_intake: Retell has no agent "agent_gone" (404 on GET /get-agent/agent_gone): check deploy.retell.agent_id at $DIR/maintenance_report_intake.yaml:123:22 (copy the id from the agent's page in the Retell dashboard), or remove it so that callspec deploy --apply creates a new agent` + "\n"},
		{"422 echoing the request", "vapi", "  vapi: {assistant_id: " + id + "}\n", deployEnv,
			func(_ *deployfake.Retell, v *deployfake.Vapi) {
				v.Reply("POST", "/credential", deployfake.Reply{Status: 422, Body: "authenticationPlan.algorithm must be one of sha256, sha512, sha1", Echo: true})
			}, []string{"--apply"},
			`callspec: maintenance_report_intake: Vapi refused the request for Vapi webhook credential (422 on POST /credential): authenticationPlan.algorithm must be one of sha256, sha512, sha1 (request {"authenticationPlan":{"algorithm":"sha256","includeTimestamp":true,"payloadFormat":"{timestamp}.{body}","secretKey":"[redacted]","signatureEncoding":"hex","signatureHeader":"x-signature","timestampHeader":"x-timestamp","type":"hmac"},"name":"callspec maintenance_report_intake","provider":"webhook"}, authorization Bearer [redacted]). Fix the setting it names (in the spec, or on the live object for a setting callspec does not manage) and run callspec deploy again` + "\n"},
		{"404 unknown assistant", "vapi", "  vapi: {assistant_id: 11111111-2222-4333-8444-555555555555}\n", deployEnv, nil, nil,
			`callspec: maintenance_report_intake: Vapi has no assistant "11111111-2222-4333-8444-555555555555" (404 on GET /assistant/11111111-2222-4333-8444-555555555555): check deploy.vapi.assistant_id at $DIR/maintenance_report_intake.yaml:123:24 (copy the id from the assistant's page in the Vapi dashboard), or remove it so that callspec deploy --apply creates a new assistant` + "\n"},
		{"422 on the agent", "retell", "  retell: {agent_id: agent_live1}\n", deployEnv,
			func(r *deployfake.Retell, _ *deployfake.Vapi) {
				r.Reply("PATCH", "/update-agent/agent_live1", deployfake.Reply{Status: 422, Body: "post_call_analysis_data[1].examples: at most 10 examples"})
			}, []string{"--apply"},
			`callspec: maintenance_report_intake: Retell refused the request for agent "agent_live1" (422 on PATCH /update-agent/agent_live1): post_call_analysis_data[1].examples: at most 10 examples. Fix the setting it names (in the spec, or on the live object for a setting callspec does not manage) and run callspec deploy again` + "\n"},
		{"missing key", "vapi", "", map[string]string{}, nil, nil,
			"callspec: VAPI_API_KEY is not set: put an API key of the vapi account that owns the agent in it (the dashboard's API keys page); it is never printed\n"},
		{"missing secret", "vapi", "", map[string]string{"VAPI_API_KEY": vapiKey}, nil, []string{"--apply"},
			"callspec: maintenance_report_intake: cannot apply maintenance_report_intake on vapi: the Vapi webhook credential is created with the workflow's webhook secret: set MAINTENANCE_WEBHOOK_SECRET to the secret the handler verifies with\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := deployfake.NewRetell(t, retellKey)
			liveRetell(r)
			v := deployfake.NewVapi(t, vapiKey)
			v.Put(deployfake.VapiAssistant, id, map[string]any{"id": id, "name": "Front desk"})
			if tc.setup != nil {
				tc.setup(r, v)
			}
			url := r.URL
			if tc.provider == "vapi" {
				url = v.URL
			}
			spec := specWithDeploy(t, "maintenance_report_intake", tc.block)
			args := append([]string{spec, "--provider", tc.provider, "--api-url", url}, tc.args...)
			_, errs, code := deployCLI(t, tc.vars, args...)
			if got := strings.ReplaceAll(errs, filepath.Dir(spec), "$DIR"); got != tc.want {
				t.Errorf("stderr\n got %s\nwant %s", got, tc.want)
			}
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			if tc.name == "401 bad key" {
				if _, _, code := deployCLI(t, tc.vars, spec, "--provider", tc.provider, "--api-url", url, "--detailed-exitcode"); code != 1 {
					t.Errorf("--detailed-exitcode on an error: exit %d, want 1", code)
				}
			}
		})
	}
}

func TestDeployManualPlatformsPrintTheirSteps(t *testing.T) {
	out, errs, code := deployCLI(t, nil, "../../workflows/maintenance_report_intake.yaml", "--provider", "synthflow")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	deployfake.Golden(t, "deploy/synthflow-steps.txt", []byte(out))
	_, errs, code = deployCLI(t, nil, "../../workflows/maintenance_report_intake.yaml", "--provider", "blnd")
	if want := "callspec: unknown --provider \"blnd\" (did you mean \"bland\"?): use one of bland, callcow, callurl, phonely, retell, synthflow, vapi\n"; errs != want || code != exitError {
		t.Errorf("exit %d, stderr\n got %s\nwant %s", code, errs, want)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestDeployWaitsOutA429WithRetryAfter(t *testing.T) {
	f := deployfake.NewRetell(t, retellKey)
	liveRetell(f)
	f.Reply("GET", "/get-agent/agent_live1", deployfake.Reply{Status: 429, Body: "Too many requests", RetryAfter: "1"})
	spec := specWithDeploy(t, "maintenance_report_intake", "  retell: {agent_id: agent_live1}\n")
	start := time.Now()
	out, errs, code := deployCLI(t, deployEnv, spec, "--provider", "retell", "--api-url", f.URL)
	if code != 0 || errs != "" || !strings.Contains(out, "retell agent agent_live1: update") {
		t.Fatalf("exit %d, stderr:\n%s\nstdout:\n%s", code, errs, out)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("deploy retried after %v, before the 1 s Retry-After", waited)
	}
	if n := len(f.Requests()); n != 3 {
		t.Errorf("%d requests, want 3 (the refused GET, its retry, the LLM)", n)
	}
}

func TestDeployJSONPlan(t *testing.T) {
	f := deployfake.NewRetell(t, retellKey)
	liveRetell(f)
	spec := specWithDeploy(t, "maintenance_report_intake", "  retell: {agent_id: agent_live1}\n")
	out, errs, code := deployCLI(t, deployEnv, spec, "--provider", "retell", "--api-url", f.URL, "--format", "json")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s", code, errs)
	}
	var rep struct {
		Plans []struct {
			Workflow, Provider string
			Objects            []struct {
				Kind, ID, Action string
				Changes          []struct{ Path string }
				Unmanaged        []string
			}
		}
		Changed bool
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v:\n%s", err, out)
	}
	if len(rep.Plans) != 1 || !rep.Changed || len(rep.Plans[0].Objects) != 2 {
		t.Fatalf("report %+v", rep)
	}
	agent := rep.Plans[0].Objects[1]
	var paths []string
	for _, c := range agent.Changes {
		paths = append(paths, c.Path)
	}
	if agent.Kind != "retell agent" || agent.ID != "agent_live1" || agent.Action != "update" ||
		strings.Join(paths, ",") != "post_call_analysis_data,webhook_events,webhook_url" ||
		strings.Join(agent.Unmanaged, ",") != "agent_name,interruption_sensitivity,response_engine.version,voice_id,voice_speed" {
		t.Errorf("agent %+v", agent)
	}
}

func TestDeployRetellPointsTheAgentAtTheSpecsLLM(t *testing.T) {
	f := deployfake.NewRetell(t, retellKey)
	liveRetell(f)
	f.Put(deployfake.RetellLLM, "llm_other", map[string]any{"llm_id": "llm_other", "start_speaker": "agent"})
	spec := specWithDeploy(t, "maintenance_report_intake", "  retell: {agent_id: agent_live1, llm_id: llm_other}\n")
	out, errs, code := deployCLI(t, deployEnv, spec, "--provider", "retell", "--api-url", f.URL, "--apply")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr:\n%s\nstdout:\n%s", code, errs, out)
	}
	for _, want := range []string{"retell-llm llm_other: update", "~ response_engine.llm_id\n        - \"llm_live1\"\n        + \"llm_other\"", "~ response_engine.version\n        - 3\n        + null"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	var agent struct {
		ResponseEngine map[string]any `json:"response_engine"`
	}
	json.Unmarshal([]byte(f.Object(deployfake.RetellAgent, "agent_live1")), &agent)
	if agent.ResponseEngine["llm_id"] != "llm_other" || agent.ResponseEngine["version"] != nil {
		t.Errorf("response_engine %v, want llm_other with no version", agent.ResponseEngine)
	}
	if got := f.Object(deployfake.RetellLLM, "llm_live1"); !strings.Contains(got, `"begin_message":"Hello."`) {
		t.Errorf("the agent's old LLM was changed: %s", got)
	}
}
