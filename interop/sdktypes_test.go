package interop

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sdkTypes names, per file name under generated/<id>/providers/, the
// request type of the vendor's TypeScript SDK the file is the body of.
// Retell's LLM body is sent both to create and to update the LLM.
var sdkTypes = map[string]string{
	"retell.json":     "AgentUpdateParams",
	"retell-llm.json": "LlmCreateParams & LlmUpdateParams",
	// The assistant id is the path parameter of PATCH /assistant/{id}.
	"vapi.json": "Omit<Vapi.UpdateAssistantDto, 'id'>",
	// The body of POST /credential that makes the webhook credential: the
	// SDK's CreateWebhookCredentialDto lacks the discriminator provider:
	// "webhook" (required by the OpenAPI), which its credential unions
	// add; this is the union member that carries it.
	"vapi-credential.json": "Vapi.CreateAssistantDtoCredentialsItem.Webhook",
}

const sdkImports = `import type { AgentUpdateParams } from 'retell-sdk/resources/agent';
import type { LlmCreateParams, LlmUpdateParams } from 'retell-sdk/resources/llm';
import type { Vapi } from '@vapi-ai/server-sdk';
`

// tsconfig checks strictly and emits nothing; the SDKs' own declarations
// are not re-checked.
const tsconfig = `{"compilerOptions": {"strict": true, "noEmit": true, "module": "nodenext", "moduleResolution": "nodenext",
  "target": "es2022", "skipLibCheck": true, "types": []}, "include": ["*.ts"]}`

// typeCheck writes one module per body, `export const body = (<JSON>)
// satisfies <type>;`, and runs tsc --noEmit on them. An object literal
// checked with satisfies may hold no property its type does not declare,
// at any depth, so a misspelt or invented key is an error as much as a
// wrong type. It returns tsc's output and whether it passed.
func typeCheck(t *testing.T, bodies map[string][2]string) (string, bool) {
	t.Helper()
	requireNode(t, "the type check against retell-sdk and @vapi-ai/server-sdk", "typescript", "retell-sdk", "@vapi-ai/server-sdk")
	tsc := filepath.Join("node_modules", ".bin", "tsc")
	dir := t.TempDir()
	modules, err := filepath.Abs("node_modules")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"tsconfig.json": tsconfig}
	for name, b := range bodies {
		files[name+".ts"] = fmt.Sprintf("%sexport const body = (%s) satisfies %s;\n", sdkImports, b[1], b[0])
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	abs, err := filepath.Abs(tsc)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(abs, "-p", "tsconfig.json")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

// TestBodiesTypeCheckAgainstVendorSDKs type-checks every Retell and Vapi
// body under generated/ against the request types of the vendors' own
// TypeScript SDKs (retell-sdk, @vapi-ai/server-sdk; versions in
// package-lock.json).
func TestBodiesTypeCheckAgainstVendorSDKs(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "generated", "*", "providers", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	bodies := map[string][2]string{}
	for _, file := range files {
		base := filepath.Base(file)
		if !strings.HasPrefix(base, "retell") && !strings.HasPrefix(base, "vapi") {
			continue
		}
		typ, ok := sdkTypes[base]
		if !ok {
			t.Errorf("%s: no SDK request type is known for this body; add it to sdkTypes", file)
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		id := filepath.Base(filepath.Dir(filepath.Dir(file)))
		bodies[id+"."+strings.TrimSuffix(base, ".json")] = [2]string{typ, string(b)}
	}
	for _, want := range []string{"retell.json", "retell-llm.json", "vapi.json"} {
		if n := len(filterSuffix(bodies, strings.TrimSuffix(want, ".json"))); n < 3 {
			t.Fatalf("found %d %s bodies under generated/; run `go run ./cmd/callspec build`", n, want)
		}
	}
	if out, ok := typeCheck(t, bodies); !ok {
		t.Errorf("a generated body does not type-check against its vendor's SDK request type:\n%s", out)
	}
}

func filterSuffix(bodies map[string][2]string, suffix string) []string {
	var names []string
	for name := range bodies {
		if strings.HasSuffix(name, "."+suffix) {
			names = append(names, name)
		}
	}
	return names
}

// TestTypeCheckRefusesUnknownKeys shows the check can fail: a misspelt key
// deep in each vendor's body is an error.
func TestTypeCheckRefusesUnknownKeys(t *testing.T) {
	out, ok := typeCheck(t, map[string][2]string{
		"retell": {sdkTypes["retell.json"], `{"response_engine": {"type": "retell-llm", "llm_id": "llm_1", "verison": 2}}`},
		"vapi":   {sdkTypes["vapi.json"], `{"server": {"url": "https://ops.example.com/hooks/x/vapi", "timeoutSecond": 20}}`},
	})
	if ok {
		t.Fatal("tsc accepted bodies with unknown keys; the type check proves nothing")
	}
	for _, key := range []string{`'"verison"' does not exist in type 'ResponseEngineRetellLm'`, `'"timeoutSecond"' does not exist in type 'Server'`} {
		if !regexp.MustCompile(`error TS2353: .*` + regexp.QuoteMeta(key)).MatchString(out) {
			t.Errorf("tsc did not report %s:\n%s", key, out)
		}
	}
}
