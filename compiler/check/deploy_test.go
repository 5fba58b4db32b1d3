package check_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/compiler/ir"
	"github.com/callspec/callspec/compiler/spec"
)

// deploySpec is specWith's spec with a deploy: block (from line 10).
func deploySpec(block string) string {
	return specWith(` fields.urgency == "urgent"`) + "deploy:\n" + block
}

func TestDeployIDsReachTheIRWithTheirPositions(t *testing.T) {
	src := deploySpec("  retell: {agent_id: agent_2f3c, llm_id: llm_9a1b}\n  vapi: {assistant_id: 5e1c3b2a-0d4e-4f5a-9b6c-7d8e9f0a1b2c}\n")
	s, fs := spec.Load("p.yaml", []byte(src))
	u, more := check.Check(s)
	if fs = append(fs, more...); len(fs) != 0 {
		t.Fatalf("findings: %v", fs)
	}
	want := ir.Deploy{
		RetellAgentID: "agent_2f3c", RetellAgentWhere: "p.yaml:11:22",
		RetellLLMID: "llm_9a1b", RetellLLMWhere: "p.yaml:11:42",
		VapiAssistantID: "5e1c3b2a-0d4e-4f5a-9b6c-7d8e9f0a1b2c", VapiWhere: "p.yaml:12:24",
	}
	if u.IR.Deploy != want {
		t.Errorf("deploy\n got %+v\nwant %+v", u.IR.Deploy, want)
	}
}

func TestDeployIDsThatCouldNameAnotherPathAreErrors(t *testing.T) {
	cases := []struct {
		block string
		want  wantFinding
		msg   string
	}{
		{"  retell: {agent_id: ../delete-agent/x}\n", wantFinding{"schema", 11, 22, 39},
			`deploy.retell.agent_id "../delete-agent/x" is not a platform id: write letters, digits, _ and - (as in agent_2f3c…), copied from the platform's dashboard or from the line callspec deploy --apply prints`},
		{"  vapi: {assistant_id: not-a-uuid}\n", wantFinding{"schema", 11, 24, 34},
			`deploy.vapi.assistant_id "not-a-uuid" is not a platform id: write a UUID (as in 5e1c3b2a-0d4e-4f5a-9b6c-7d8e9f0a1b2c), copied from the platform's dashboard or from the line callspec deploy --apply prints`},
		{"  retell: {llm_id: llm_1}\n", wantFinding{"schema", 11, 20, 25},
			"deploy.retell.llm_id needs deploy.retell.agent_id beside it: callspec deploy updates the LLM of a known agent; add the agent's id, or remove llm_id to let --apply create both"},
	}
	for _, tc := range cases {
		fs := findingsOf(t, deploySpec(tc.block))
		if len(fs) != 1 {
			t.Errorf("%q: want one finding, got %v", tc.block, fs)
			continue
		}
		f := fs[0]
		got := wantFinding{f.Rule, f.Range.Start.Line, f.Range.Start.Col, f.Range.End.Col}
		if got != tc.want || f.Message != tc.msg {
			t.Errorf("%q:\n got %v %s\nwant %v %s", tc.block, got, f.Message, tc.want, tc.msg)
		}
	}
}

// TestDeployBadInputCorpus replays testdata/bad-input/deploy: every id
// there is refused, so none reaches a request path.
func TestDeployBadInputCorpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "bad-input", "deploy", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no files in testdata/bad-input/deploy")
	}
	for _, path := range files {
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		s, fs := spec.Load(path, src)
		u, more := check.Check(s)
		if fs = append(fs, more...); len(fs) != 3 {
			t.Errorf("%s: want a finding per id, got %v", path, fs)
		}
		if u.IR.Deploy != (ir.Deploy{}) {
			t.Errorf("%s: ids reached the IR: %+v", path, u.IR.Deploy)
		}
	}
}
