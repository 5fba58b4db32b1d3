package docpage_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/emit/docpage"
)

const wordsSpec = `callspec: 1
workflow: {id: words, title: Words, goal: Render conditions}
fields:
  urgency: {type: enum, values: [routine, urgent, emergency], required: true}
  issue_type: {type: enum, values: [leak, electrical, other], required: true}
  danger: {type: boolean, required: true}
  income: {type: number}
  count: {type: integer}
  notes: {type: text, max_length: 300}
  tags: {type: list, items: text, max_length: 5}
webhook: {url: "https://ops.example.com/hooks/words", secret: "env:WORDS_SECRET"}
handoff:
%s`

func TestConditionWords(t *testing.T) {
	tests := []struct{ when, want string }{
		{`fields.urgency == "emergency" || fields.issue_type == "electrical"`, "urgency is emergency or issue type is electrical"},
		{`fields.urgency != "routine"`, "urgency is not routine"},
		{`"emergency" == fields.urgency`, "urgency is emergency"},
		{`fields.urgency in ["urgent", "emergency"]`, "urgency is urgent or emergency"},
		{`fields.issue_type in ["leak", "electrical", "other"]`, "issue type is leak, electrical or other"},
		{`!(fields.urgency in ["urgent"])`, "urgency is not urgent"},
		{`!(fields.urgency in ["urgent", "emergency", "routine"])`, "urgency is none of urgent, emergency or routine"},
		{`fields.danger`, "danger is true"},
		{`!fields.danger`, "danger is false"},
		{`fields.danger == true`, "danger is true"},
		{`has(fields.income)`, "income was given"},
		{`!has(fields.income)`, "income was not given"},
		{`has(fields.income) && fields.income < 30000`, "income is below 30,000"},
		{`has(fields.income) && fields.count > 2`, "income was given and count is above 2"},
		{`has(fields.count) && 3 <= fields.count`, "count is at least 3"},
		{`has(fields.income) && fields.income >= 1234.5`, "income is at least 1234.5"},
		{`has(fields.income) && fields.income <= 100000`, "income is at most 100,000"},
		{`fields.danger && (fields.urgency == "urgent" || fields.issue_type == "leak")`, "danger is true and (urgency is urgent or issue type is leak)"},
		{`fields.danger && fields.urgency == "urgent" || fields.issue_type == "leak"`, "(danger is true and urgency is urgent) or issue type is leak"},
		{`!(fields.danger && fields.urgency == "urgent")`, "not (danger is true and urgency is urgent)"},
		{`has(fields.notes) && fields.notes.contains("refund")`, `notes contains "refund"`},
		{`has(fields.notes) && !fields.notes.endsWith("?")`, `notes does not end with "?"`},
		{`has(fields.notes) && fields.notes.matches("^[0-9]+$")`, "notes matches the pattern `^[0-9]+$`"},
		{`has(fields.tags) && "vip" in fields.tags`, `tags includes "vip"`},
		{`call.duration_s < 20`, "call length in seconds is below 20"},
		{`call.status != "completed"`, `call status is not "completed"`},
		{`workflow.id == "words"`, `workflow id is "words"`},
		{`true`, "every call"},
		// Shapes without words stay code, part by part.
		{`has(fields.notes) && size(fields.notes) > 200`, "`size(fields.notes) > 200`"},
		{`fields.danger || fields.tags.exists(t, t == "x")`, "`fields.danger || fields.tags.exists(t, t == \"x\")`"},
		{`fields.urgency == fields.issue_type`, "`fields.urgency == fields.issue_type`"},
	}
	var rules strings.Builder
	for i, tt := range tests {
		fmt.Fprintf(&rules, "  - {reason: r%d, when: %q}\n", i, tt.when)
	}
	w := loadBytes(t, "words.yaml", []byte(fmt.Sprintf(wordsSpec, rules.String())))
	for i, tt := range tests {
		if got := docpage.Condition(w, &w.Handoff[i]); got != tt.want {
			t.Errorf("%s\n got  %s\n want %s", tt.when, got, tt.want)
		}
	}
}
