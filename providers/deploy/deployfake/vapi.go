package deployfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/callspec/callspec/providers/internal/providertest"
)

// Vapi is a fake of the Vapi API: assistants and webhook credentials.
type Vapi struct{ *server }

// Kinds of Vapi objects.
const (
	VapiAssistant  = "assistant"
	VapiCredential = "credential"
)

const vapiOpenAPI = "vapi-openapi.json"

// NewVapi starts a fake Vapi API that accepts key; it skips the test when
// ../shared/vendors (the OpenAPI it validates against) is absent.
func NewVapi(tb testing.TB, key string) *Vapi {
	schemas := map[string]*openapi3.Schema{}
	for _, name := range []string{"CreateAssistantDTO", "UpdateAssistantDTO", "CreateWebhookCredentialDTO"} {
		schemas[name] = providertest.OpenAPISchema(tb, vapiOpenAPI, name)
	}
	return &Vapi{newServer(tb, key, func(s *server, w http.ResponseWriter, r *http.Request, raw []byte) {
		vapiRoute(s, schemas, w, r, raw)
	})}
}

func vapiRoute(s *server, schemas map[string]*openapi3.Schema, w http.ResponseWriter, r *http.Request, raw []byte) {
	p := r.URL.Path
	id := pathID(p, "/assistant/")
	check := func(name string) func(map[string]any) error {
		return func(b map[string]any) error { return validate(schemas[name], b) }
	}
	switch {
	case r.Method == http.MethodGet && id != "":
		s.get(w, VapiAssistant, id)
	case r.Method == http.MethodPatch && id != "":
		if body, ok := s.checked(w, r, raw, check("UpdateAssistantDTO")); ok {
			s.update(w, VapiAssistant, id, body)
		}
	case r.Method == http.MethodPost && p == "/assistant":
		if body, ok := s.checked(w, r, raw, check("CreateAssistantDTO")); ok {
			s.next++
			s.create(w, VapiAssistant, "id", fakeUUID(s.next), body,
				map[string]any{"orgId": fakeUUID(0), "createdAt": "2026-12-01T00:00:00.000Z", "updatedAt": "2026-12-01T00:00:00.000Z"})
		}
	case r.Method == http.MethodPost && p == "/credential":
		if body, ok := s.checked(w, r, raw, check("CreateWebhookCredentialDTO")); ok {
			s.next++
			s.create(w, VapiCredential, "id", fakeUUID(s.next), body, map[string]any{"orgId": fakeUUID(0)})
		}
	default:
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Cannot " + r.Method + " " + p, "error": "Not Found", "statusCode": 404})
	}
}

func fakeUUID(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }

// validate checks body against an OpenAPI schema. Vapi's description puts
// the item enum of serverMessages on the array itself (which no array can
// satisfy, see vapiconfig's tests), so those items are checked against the
// item schema and the rest of the body against the whole.
func validate(s *openapi3.Schema, body map[string]any) error {
	v, err := plain(body)
	if err != nil {
		return err
	}
	m := v.(map[string]any)
	messages, _ := m["serverMessages"].([]any)
	delete(m, "serverMessages")
	if err := s.VisitJSON(m, openapi3.MultiErrors()); err != nil {
		return err
	}
	if sm := s.Properties["serverMessages"]; sm != nil && sm.Value.Items != nil {
		for _, msg := range messages {
			if err := sm.Value.Items.Value.VisitJSON(msg); err != nil {
				return err
			}
		}
	}
	return nil
}

// plain re-decodes v with float64 numbers, which kin-openapi validates.
func plain(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}
