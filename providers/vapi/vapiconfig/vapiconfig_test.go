package vapiconfig_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

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

// strictBodies names, per file name under generated/<id>/providers/, the
// schema of Vapi's API description the file is the body of.
var strictBodies = map[string]string{
	"vapi.json":            "UpdateAssistantDTO",
	"vapi-credential.json": "CreateWebhookCredentialDTO",
}

// TestGeneratedBodiesValidateStrictly validates every Vapi body committed
// under generated/ against Vapi's API description with every object
// closed (providertest.StrictOpenAPISchema): no key Vapi does not define,
// at any depth.
func TestGeneratedBodiesValidateStrictly(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(providertest.Root(t), "generated", "*", "providers", "vapi*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 3 {
		t.Fatalf("found %d Vapi bodies under generated/; run `go run ./cmd/callspec build`", len(files))
	}
	schemas := map[string]*openapi3.Schema{}
	for _, file := range files {
		name, ok := strictBodies[filepath.Base(file)]
		if !ok {
			t.Errorf("%s: no schema of %s is known for this body; add it to strictBodies", file, openapi)
			continue
		}
		if schemas[name] == nil {
			schemas[name] = providertest.StrictOpenAPISchema(t, openapi, name)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var body any
		if err := json.Unmarshal(b, &body); err != nil {
			t.Fatal(err)
		}
		providertest.ValidateOpenAPIValue(t, schemas[name], file+" as "+name, body)
	}
}

// TestStrictValidationRefusesUnknownKeys shows the strict check can fail:
// a misspelt key deep in the body, which the published description lets
// through, is refused.
func TestStrictValidationRefusesUnknownKeys(t *testing.T) {
	body := map[string]any{"server": map[string]any{"url": "https://ops.example.com/hooks/x/vapi", "timeoutSecond": 20}}
	if err := providertest.OpenAPISchema(t, openapi, "UpdateAssistantDTO").VisitJSON(body); err != nil {
		t.Fatalf("the published description refuses the body (%v); the test no longer shows what closing adds", err)
	}
	err := providertest.StrictOpenAPISchema(t, openapi, "UpdateAssistantDTO").VisitJSON(body)
	if err == nil || !strings.Contains(err.Error(), "timeoutSecond") {
		t.Errorf("strict validation of a body with server.timeoutSecond: %v, want an error naming it", err)
	}
}
