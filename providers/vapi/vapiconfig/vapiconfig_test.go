package vapiconfig_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/callspec/callspec/providers/internal/configtext"
	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/vapi/vapiconfig"
)

var e = vapiconfig.Emitter{}

const openapi = "vapi-openapi.json"

func TestConfigGolden(t *testing.T) { providertest.ConfigGolden(t, e) }

// TestConfigMatchesOpenAPI validates every workflow's config against
// Vapi's published API description: the whole file as an
// UpdateAssistantDTO, and its structured output as a
// CreateStructuredOutputDTO.
func TestConfigMatchesOpenAPI(t *testing.T) {
	for _, id := range providertest.IDs(t) {
		t.Run(id, func(t *testing.T) {
			w := providertest.Get(t, id)
			b, err := e.Config(w.IR)
			if err != nil {
				t.Fatal(err)
			}
			// Vapi's description puts the item enum of serverMessages on
			// the array itself (a mistake that no array can satisfy), so
			// the items are checked against the item schema and the rest
			// of the body against UpdateAssistantDTO.
			var body map[string]any
			if err := json.Unmarshal(b, &body); err != nil {
				t.Fatal(err)
			}
			messages, _ := body["serverMessages"].([]any)
			delete(body, "serverMessages")
			dto := providertest.OpenAPISchema(t, openapi, "UpdateAssistantDTO")
			providertest.ValidateOpenAPIValue(t, dto, "UpdateAssistantDTO", body)
			for _, m := range messages {
				providertest.ValidateOpenAPIValue(t, dto.Properties["serverMessages"].Value.Items.Value, "UpdateAssistantDTO.serverMessages[]", m)
			}
			var doc struct {
				ArtifactPlan struct {
					StructuredOutputs []json.RawMessage `json:"structuredOutputs"`
				} `json:"artifactPlan"`
				ServerMessages []string `json:"serverMessages"`
				FirstMessage   string   `json:"firstMessage"`
				Model          struct {
					Messages []vapiconfig.Message `json:"messages"`
				} `json:"model"`
			}
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			if len(doc.ArtifactPlan.StructuredOutputs) != 1 {
				t.Fatalf("want one structured output, got %d", len(doc.ArtifactPlan.StructuredOutputs))
			}
			providertest.ValidateOpenAPI(t, openapi, "CreateStructuredOutputDTO", doc.ArtifactPlan.StructuredOutputs[0])
			if len(doc.ServerMessages) != 1 || doc.ServerMessages[0] != "end-of-call-report" {
				t.Errorf("serverMessages %v, want [end-of-call-report]", doc.ServerMessages)
			}
			// The spoken text ships: the disclosure first, the prompt as
			// the one system message.
			if doc.FirstMessage != w.IR.Disclosure {
				t.Errorf("firstMessage %q, want the disclosure %q", doc.FirstMessage, w.IR.Disclosure)
			}
			if want := []vapiconfig.Message{{Role: "system", Content: configtext.Prompt(w.IR)}}; !reflect.DeepEqual(doc.Model.Messages, want) {
				t.Errorf("model.messages %v, want %v", doc.Model.Messages, want)
			}
		})
	}
}
