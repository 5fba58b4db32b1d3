package vapiconfig_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/internal/providertest"
	"github.com/callspec/callspec/providers/vapi/vapiconfig"
)

// TestCredentialMatchesOpenAPI validates the credential body of every
// workflow, in every auth mode, against Vapi's CreateWebhookCredentialDTO
// and the plan schema its type selects, strictly: a key the schema does
// not declare is an error too. The secret is a placeholder, never a value.
func TestCredentialMatchesOpenAPI(t *testing.T) {
	want := map[string]string{workflow.AuthHMAC: "HMACAuthenticationPlan", workflow.AuthBearer: "BearerAuthenticationPlan", workflow.AuthHeader: "BearerAuthenticationPlan"}
	for _, id := range providertest.IDs(t) {
		for _, mode := range []string{workflow.AuthHMAC, workflow.AuthBearer, workflow.AuthHeader} {
			t.Run(id+"/"+mode, func(t *testing.T) {
				w := *providertest.Get(t, id).IR
				w.Webhook.Platforms = []workflow.Platform{{Name: "vapi", SecretEnv: "VAPI_HOOK_SECRET", Auth: mode}}
				if !slices.Contains(w.Targets, "vapi") {
					// The definition keeps the platforms of its targets only.
					w.Targets = append(slices.Clone(w.Targets), "vapi")
				}
				b, err := vapiconfig.Credential(&w)
				if err != nil {
					t.Fatal(err)
				}
				providertest.ValidateOpenAPI(t, openapi, "CreateWebhookCredentialDTO", b)
				var body map[string]any
				if err := json.Unmarshal(b, &body); err != nil {
					t.Fatal(err)
				}
				strictKeys(t, "CreateWebhookCredentialDTO", body)
				plan, _ := body["authenticationPlan"].(map[string]any)
				providertest.ValidateOpenAPIValue(t, providertest.OpenAPISchema(t, openapi, want[mode]), want[mode], plan)
				strictKeys(t, want[mode], plan)
				secret := plan["secretKey"]
				if mode != workflow.AuthHMAC {
					secret = plan["token"]
				}
				if secret != "${VAPI_HOOK_SECRET}" {
					t.Errorf("the credential's secret is %v, want the placeholder ${VAPI_HOOK_SECRET}", secret)
				}
			})
		}
	}
}

func strictKeys(t *testing.T, schema string, v map[string]any) {
	t.Helper()
	s := providertest.OpenAPISchema(t, openapi, schema)
	for k := range v {
		if _, ok := s.Properties[k]; !ok {
			t.Errorf("%s declares no property %q", schema, k)
		}
	}
}

// TestCredentialMatchesVerifier: each mode's credential tells Vapi to send
// exactly what vapi.Provider in that mode verifies.
func TestCredentialMatchesVerifier(t *testing.T) {
	w := *providertest.Get(t, providertest.IDs(t)[0]).IR
	cases := map[string]vapiconfig.AuthenticationPlan{}
	for _, mode := range []string{workflow.AuthHMAC, workflow.AuthBearer, workflow.AuthHeader} {
		w.Webhook.Platforms = []workflow.Platform{{Name: "vapi", Auth: mode}}
		cases[mode] = vapiconfig.CredentialFor(&w, "s").AuthenticationPlan
	}
	h := cases[workflow.AuthHMAC]
	if h.Type != "hmac" || h.Algorithm != "sha256" || h.SignatureHeader != "x-signature" || h.TimestampHeader != "x-timestamp" ||
		h.PayloadFormat != "{timestamp}.{body}" || h.SignatureEncoding != "hex" || h.IncludeTimestamp == nil || !*h.IncludeTimestamp || h.SecretKey != "s" {
		t.Errorf("hmac plan %+v", h)
	}
	if b := cases[workflow.AuthBearer]; b.Type != "bearer" || b.HeaderName != "Authorization" || !*b.BearerPrefixEnabled || b.Token != "s" {
		t.Errorf("bearer plan %+v", b)
	}
	if x := cases[workflow.AuthHeader]; x.Type != "bearer" || x.HeaderName != "X-Vapi-Secret" || *x.BearerPrefixEnabled || x.Token != "s" {
		t.Errorf("header plan %+v", x)
	}
	if n := vapiconfig.CredentialFor(&w, "s").Name; len(n) > 40 || !strings.HasPrefix(n, "callspec ") {
		t.Errorf("credential name %q: want callspec <id>, at most 40 characters", n)
	}
}
