// Package vapiconfig is the build-time side of Vapi: the platform
// configuration callspec build writes for a workflow and what the platform
// cannot express of it (lint's target-unsupported). The run-time adapter
// is package vapi; see its documentation for the platform's sources.
package vapiconfig

import (
	"strings"

	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/kernel/celenv"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/configs"
	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/vapi"
)

func init() { configs.Register(Emitter{}) }

// Emitter is Vapi's config emitter.
type Emitter struct{}

// Name implements configs.Emitter.
func (Emitter) Name() string { return vapi.Name }

// JSONSchema is Vapi's JsonSchema object.
type JSONSchema struct {
	Type        string              `json:"type"`
	Description string              `json:"description,omitempty"`
	Format      string              `json:"format,omitempty"`
	Pattern     string              `json:"pattern,omitempty"`
	Enum        []string            `json:"enum,omitempty"`
	Items       *JSONSchema         `json:"items,omitempty"`
	Properties  *configtext.Ordered `json:"properties,omitempty"`
	Required    []string            `json:"required,omitempty"`
}

// StructuredOutput is a CreateStructuredOutputDTO.
type StructuredOutput struct {
	Name        string      `json:"name"`
	Type        string      `json:"type"`
	Description string      `json:"description"`
	Schema      *JSONSchema `json:"schema"`
}

// Server is where Vapi posts.
type Server struct {
	URL string `json:"url"`
	// CredentialID is CredentialIDPlaceholder in committed output: the id
	// POST /credential returns for the body in CredentialFile.
	CredentialID   string `json:"credentialId"`
	TimeoutSeconds int    `json:"timeoutSeconds"`
}

// ArtifactPlan holds the inline structured outputs.
type ArtifactPlan struct {
	StructuredOutputs []StructuredOutput `json:"structuredOutputs"`
}

// Message is an OpenAIMessage.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Model is the assistant's LLM (OpenAIModel). Vapi requires provider and
// model wherever a model object is sent; see DefaultModelProvider.
type Model struct {
	Provider string    `json:"provider"`
	Model    string    `json:"model"`
	Messages []Message `json:"messages"`
}

// The model the emitted config names. Vapi's model object requires a
// provider and a model next to the system message, and the spec does not
// choose the user's LLM, so the config carries this documented default:
// deploy keeps the live assistant's provider and model (and every other
// model setting) and replaces only model.messages; the default is used
// when the assistant has no model yet.
const (
	DefaultModelProvider = "openai"
	DefaultModel         = "gpt-4o"
)

// FirstMessageMode makes the assistant say firstMessage before the caller
// speaks.
const FirstMessageMode = "assistant-speaks-first"

// AssistantUpdate is the part of UpdateAssistantDTO callspec owns.
type AssistantUpdate struct {
	FirstMessage     string       `json:"firstMessage"`
	FirstMessageMode string       `json:"firstMessageMode"`
	Model            Model        `json:"model"`
	Server           Server       `json:"server"`
	ServerMessages   []string     `json:"serverMessages"`
	ArtifactPlan     ArtifactPlan `json:"artifactPlan"`
}

// StructuredOutputFor builds the structured output of w.
func StructuredOutputFor(w *ir.Workflow) StructuredOutput {
	props := &configtext.Ordered{}
	required := []string{}
	for i := range w.Fields {
		f := &w.Fields[i]
		s := property(f.Type, f)
		s.Description = configtext.Description(w, f)
		props.Set(f.Name, s)
		if f.Required {
			required = append(required, f.Name)
		}
	}
	desc := w.Title + ": the values to collect on a call whose goal is to " + lowerFirst(w.Goal) + "."
	return StructuredOutput{
		Name: vapi.OutputName(w.ID), Type: "ai", Description: desc,
		Schema: &JSONSchema{Type: "object", Properties: props, Required: required},
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func property(k celenv.Kind, f *ir.Field) *JSONSchema {
	format := workflow.FormatOf(k)
	s := &JSONSchema{Type: workflow.SchemaType(k), Format: format.SchemaFormat, Pattern: format.SchemaPattern}
	switch {
	case k == celenv.ListKind:
		s.Items = property(f.Items, f)
	case workflow.ValuesApply(k):
		s.Enum = append([]string{}, f.Values...)
	case workflow.PatternApplies(k):
		s.Pattern = f.Pattern
	}
	return s
}

// Config implements configs.Emitter.
func (Emitter) Config(w *ir.Workflow) ([]byte, error) {
	hook, err := configtext.WebhookURL(w, vapi.Name)
	if err != nil {
		return nil, err
	}
	return configtext.JSON(AssistantUpdate{
		FirstMessage:     configtext.FirstMessage(w),
		FirstMessageMode: FirstMessageMode,
		Model: Model{
			Provider: DefaultModelProvider, Model: DefaultModel,
			Messages: []Message{{Role: "system", Content: configtext.Prompt(w)}},
		},
		Server:         Server{URL: hook, CredentialID: CredentialIDPlaceholder, TimeoutSeconds: 20},
		ServerMessages: []string{vapi.MessageType},
		ArtifactPlan:   ArtifactPlan{StructuredOutputs: []StructuredOutput{StructuredOutputFor(w)}},
	})
}

// CredentialFile is the name under providers/ of the webhook credential's
// create body (POST /credential, CreateWebhookCredentialDTO).
const CredentialFile = "vapi-credential.json"

// CredentialIDEnv names the variable whose Placeholder stands in
// server.credentialId: the id Vapi returns when the credential is
// created, filled in by `callspec deploy` or by hand (envsubst).
const CredentialIDEnv = "VAPI_CREDENTIAL_ID"

// CredentialIDPlaceholder is server.credentialId in committed output.
var CredentialIDPlaceholder = workflow.Placeholder(CredentialIDEnv)

// Vapi's HMAC credential settings that vapi.Provider verifies: its
// defaults, written out so that a change of Vapi's defaults cannot
// silently break verification.
const (
	HMACAlgorithm     = "sha256"
	HMACPayloadFormat = "{timestamp}.{body}"
	HMACEncoding      = "hex"
)

// WebhookCredential is a CreateWebhookCredentialDTO.
type WebhookCredential struct {
	Provider           string             `json:"provider"`
	Name               string             `json:"name"`
	AuthenticationPlan AuthenticationPlan `json:"authenticationPlan"`
}

// AuthenticationPlan is an HMACAuthenticationPlan or a
// BearerAuthenticationPlan, by Type.
type AuthenticationPlan struct {
	Type string `json:"type"`
	// HMAC.
	SecretKey         string `json:"secretKey,omitempty"`
	Algorithm         string `json:"algorithm,omitempty"`
	SignatureHeader   string `json:"signatureHeader,omitempty"`
	TimestampHeader   string `json:"timestampHeader,omitempty"`
	IncludeTimestamp  *bool  `json:"includeTimestamp,omitempty"`
	PayloadFormat     string `json:"payloadFormat,omitempty"`
	SignatureEncoding string `json:"signatureEncoding,omitempty"`
	// Bearer.
	Token               string `json:"token,omitempty"`
	HeaderName          string `json:"headerName,omitempty"`
	BearerPrefixEnabled *bool  `json:"bearerPrefixEnabled,omitempty"`
}

// CredentialFor is the webhook credential w's Vapi deliveries are
// authenticated with, for the spec's webhook.platforms.vapi.auth (hmac by
// default, bearer, header), holding secret: `callspec deploy` passes the
// value of the secret's environment variable, the committed file holds
// its Placeholder (Credential).
func CredentialFor(w *ir.Workflow, secret string) WebhookCredential {
	c := WebhookCredential{Provider: "webhook", Name: vapi.OutputName("callspec " + w.ID)}
	yes, no := true, false
	switch w.Platform(vapi.Name).Auth {
	case workflow.AuthBearer:
		c.AuthenticationPlan = AuthenticationPlan{Type: "bearer", Token: secret, HeaderName: vapi.AuthorizationHeader, BearerPrefixEnabled: &yes}
	case workflow.AuthHeader:
		c.AuthenticationPlan = AuthenticationPlan{Type: "bearer", Token: secret, HeaderName: vapi.LegacySecretHeader, BearerPrefixEnabled: &no}
	default:
		c.AuthenticationPlan = AuthenticationPlan{
			Type: "hmac", SecretKey: secret, Algorithm: HMACAlgorithm,
			SignatureHeader: strings.ToLower(vapi.SignatureHeader), TimestampHeader: strings.ToLower(vapi.TimestampHeader),
			IncludeTimestamp: &yes, PayloadFormat: HMACPayloadFormat, SignatureEncoding: HMACEncoding,
		}
	}
	return c
}

// Credential is the committed credential body: CredentialFor with the
// secret's Placeholder (${NAME} of webhook.platforms.vapi.secret, else
// webhook.secret), never the secret.
func Credential(w *ir.Workflow) ([]byte, error) {
	return configtext.JSON(CredentialFor(w, workflow.Placeholder(w.Platform(vapi.Name).SecretEnv)))
}

// ExtraConfigs implements configs.ExtraConfigs: the webhook credential's
// create body.
func (Emitter) ExtraConfigs(w *ir.Workflow) ([]configs.ConfigFile, error) {
	b, err := Credential(w)
	if err != nil {
		return nil, err
	}
	return []configs.ConfigFile{{Path: CredentialFile, Content: b}}, nil
}

// Losses implements configs.Emitter: Vapi's JSON Schema expresses every
// field type.
func (Emitter) Losses(*ir.Workflow) []configs.Loss { return nil }
