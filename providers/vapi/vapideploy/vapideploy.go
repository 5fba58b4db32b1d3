// Package vapideploy deploys a workflow to Vapi through its API (callspec
// deploy --provider vapi).
//
// One assistant (vapi.json: firstMessage, firstMessageMode, model.messages,
// server, serverMessages, artifactPlan) and, when the assistant has no
// server.credentialId, the webhook credential its deliveries are signed
// with. Endpoints, from Vapi's OpenAPI (shared/vendors/vapi-openapi.json,
// VapiAI/docs @eabfa530), base https://api.vapi.ai, bearer API key:
//
//	GET /assistant/{id}   PATCH /assistant/{id} (UpdateAssistantDTO)
//	POST /assistant (CreateAssistantDTO)
//	POST /credential (CreateWebhookCredentialDTO)
//
// The credential path is Vapi's documented one (docs.vapi.ai, "Server
// authentication"); the stored OpenAPI describes the body but lists no
// credential path.
//
// The model object is merged with the live one: the spec owns only
// model.messages, and the live provider, model and other settings stay
// (Vapi requires provider and model wherever model is sent). server is
// merged the same way, so live headers or a backoff plan survive.
package vapideploy

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/providers/deploy"
	"github.com/callspec/callspec/providers/vapi"
	"github.com/callspec/callspec/providers/vapi/vapiconfig"
)

func init() { deploy.Register(Platform{}) }

// Platform is Vapi's deploy side.
type Platform struct{}

// Name implements deploy.Platform.
func (Platform) Name() string { return vapi.Name }

// KeyEnv implements deploy.Platform.
func (Platform) KeyEnv() string { return "VAPI_API_KEY" }

// BaseURL implements deploy.Platform.
func (Platform) BaseURL() string { return "https://api.vapi.ai" }

// credential is the create body of the webhook credential that signs w's
// deliveries with secret: the one vapiconfig emits (providers/
// vapi-credential.json, with the placeholder), in w's auth mode.
func credential(w *ir.Workflow, secret string) (map[string]any, error) {
	b, err := json.Marshal(vapiconfig.CredentialFor(w, secret))
	if err != nil {
		return nil, err
	}
	var body map[string]any
	return body, json.Unmarshal(b, &body)
}

// secretEnv names the environment variable holding the secret Vapi
// authenticates w's deliveries with (webhook.platforms.vapi.secret, else
// webhook.secret).
func secretEnv(w *ir.Workflow) string { return w.Platform(vapi.Name).SecretEnv }

// Live settings that are the assistant's identity or history.
var assistantSkip = []string{"id", "orgId", "createdAt", "updatedAt"}

// newCredential stands for the id of a credential apply creates, in the plan.
const newCredential = "(id of the new vapi credential)"

// Plan implements deploy.Platform.
func (Platform) Plan(ctx context.Context, t *deploy.Target) (*deploy.Plan, error) {
	w := t.Workflow
	b, err := vapiconfig.Emitter{}.Config(w)
	if err != nil {
		return nil, err
	}
	config, err := deploy.DecodeObject(b)
	if err != nil {
		return nil, err
	}
	p := &deploy.Plan{Workflow: w.ID, File: w.Path, Platform: vapi.Name}
	c := t.Client
	id := w.Deploy.VapiAssistantID
	what := fmt.Sprintf("assistant %q", id)
	notFound := fmt.Sprintf("check deploy.vapi.assistant_id at %s (copy the id from the assistant's page in the Vapi dashboard), or remove it so that callspec deploy --apply creates a new assistant", w.Deploy.VapiWhere)
	var live map[string]any
	if id != "" {
		if live, err = c.Get(ctx, "/assistant/"+url.PathEscape(id), what, notFound); err != nil {
			return nil, err
		}
	}
	// The spec does not choose the user's LLM: a live model keeps its
	// provider and model.
	if lm, ok := live["model"].(map[string]any); ok && lm["provider"] != nil {
		m := config["model"].(map[string]any)
		delete(m, "provider")
		delete(m, "model")
	}
	liveServer, _ := live["server"].(map[string]any)
	credID, _ := liveServer["credentialId"].(string)
	server := config["server"].(map[string]any)
	// deploy owns the credential: a live one stays, else apply creates it.
	delete(server, "credentialId")
	if credID == "" {
		cred, err := credentialObject(t, p, &credID)
		if err != nil {
			return nil, err
		}
		p.Objects = append(p.Objects, cred)
		server["credentialId"] = newCredential
	}
	if path := deploy.Unfilled(config); path != "" {
		return nil, fmt.Errorf("internal error: the Vapi config of %s still holds a placeholder at %s, which deploy does not know how to fill in", w.ID, path)
	}
	assistant, body := deploy.Compare("vapi assistant", id, live, config, assistantSkip...)
	assistant.SetApply(func(ctx context.Context) (string, error) {
		if s, ok := body["server"].(map[string]any); ok {
			body["server"] = deploy.Merge(s, map[string]any{"credentialId": credID})
		}
		if assistant.Action == deploy.Create {
			return c.Write(ctx, http.MethodPost, "/assistant", body, "Vapi assistant", "check --api-url", "id")
		}
		_, err := c.Write(ctx, http.MethodPatch, "/assistant/"+url.PathEscape(id), body, what, notFound, "")
		return id, err
	})
	assistant.SpecLine = func(id string) string { return "vapi: {assistant_id: " + id + "}" }
	p.Objects = append(p.Objects, assistant)
	return p, nil
}

// credentialObject plans the webhook credential; its apply stores the new
// id in *credID for the assistant's apply.
func credentialObject(t *deploy.Target, p *deploy.Plan, credID *string) (*deploy.Object, error) {
	w := t.Workflow
	env := secretEnv(w)
	shown := "(the value of " + env + ")"
	if env == "" {
		p.Missing = append(p.Missing, "the Vapi webhook credential is created with the workflow's webhook secret, and webhook.secret names no environment variable: write it as env:NAME")
		shown = "(webhook.secret)"
	} else if t.Getenv(env) == "" {
		p.Missing = append(p.Missing, fmt.Sprintf("the Vapi webhook credential is created with the workflow's webhook secret: set %s to the secret the handler verifies with", env))
	}
	display, err := credential(w, shown)
	if err != nil {
		return nil, err
	}
	o, _ := deploy.Compare("vapi credential", "", nil, display)
	o.SetApply(func(ctx context.Context) (string, error) {
		secret := t.Getenv(env)
		t.Client.Redact.Add(secret)
		body, err := credential(w, secret)
		if err != nil {
			return "", err
		}
		id, err := t.Client.Write(ctx, http.MethodPost, "/credential", body, "Vapi webhook credential", "check --api-url", "id")
		*credID = id
		return id, err
	})
	return o, nil
}
