package deploy

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// WriteText prints p as a readable diff: per object its action, each
// changed key with its live (-) and new (+) value, and the unmanaged
// settings left as they are.
func WriteText(w io.Writer, p *Plan, r *Redactor) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s (%s)\n", p.Workflow, p.Platform, p.File)
	keys := 0
	for _, o := range p.Objects {
		id := o.ID
		if id == "" {
			id = "(new)"
		}
		fmt.Fprintf(&b, "  %s %s: %s\n", o.Kind, id, actionWord(o.Action))
		for _, c := range o.Change {
			keys++
			mark := "~"
			if c.Before == nil {
				mark = "+"
			}
			fmt.Fprintf(&b, "    %s %s\n", mark, c.Path)
			if c.Before != nil {
				fmt.Fprintf(&b, "        - %s\n", value(c.Before))
			}
			fmt.Fprintf(&b, "        + %s\n", value(c.After))
		}
		if len(o.Unmanaged) > 0 {
			fmt.Fprintf(&b, "    unmanaged, left as they are: %s\n", strings.Join(o.Unmanaged, ", "))
		}
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "  note: %s\n", n)
	}
	for _, m := range p.Missing {
		fmt.Fprintf(&b, "  cannot apply yet: %s\n", m)
	}
	creates, updates := p.count()
	if creates+updates == 0 {
		b.WriteString("  No changes: the live configuration matches the spec.\n")
	} else {
		fmt.Fprintf(&b, "  Plan: %s to create, %s to update, %s to change.\n",
			plural(creates, "object"), plural(updates, "object"), plural(keys, "key"))
	}
	_, err := io.WriteString(w, r.String(b.String()))
	return err
}

// WriteAppliedText prints what an apply did, with the lines to add to the
// spec for created objects.
func WriteAppliedText(w io.Writer, p *Plan, done []Applied, r *Redactor) error {
	var b strings.Builder
	if len(done) == 0 {
		fmt.Fprintf(&b, "%s on %s: nothing to apply.\n", p.Workflow, p.Platform)
	}
	var lines []string
	for _, a := range done {
		fmt.Fprintf(&b, "%s on %s: %s %s %s.\n", p.Workflow, p.Platform, pastWord(a.Action), a.Kind, a.ID)
		if a.SpecLine != "" {
			lines = append(lines, a.SpecLine)
		}
	}
	if len(lines) > 0 {
		fmt.Fprintf(&b, "Add to the deploy: block of %s, so the next deploy updates what was created:\n\n  deploy:\n", p.File)
		for _, l := range lines {
			fmt.Fprintf(&b, "    %s\n", l)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, r.String(b.String()))
	return err
}

// Report is the JSON form of a deploy run.
type Report struct {
	Plans []*Plan `json:"plans"`
	// Applied, with --apply, lists what was done per workflow.
	Applied []AppliedPlan `json:"applied,omitempty"`
	Changed bool          `json:"changed"`
	// Manual holds the steps of a platform without an API.
	Manual []ManualPlan `json:"manual,omitempty"`
}

// AppliedPlan is what an apply did to one workflow.
type AppliedPlan struct {
	Workflow string    `json:"workflow"`
	Objects  []Applied `json:"objects"`
}

// WriteJSON prints the report, redacted.
func WriteJSON(w io.Writer, rep *Report, r *Redactor) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, r.String(string(b))+"\n")
	return err
}

func (p *Plan) count() (creates, updates int) {
	for _, o := range p.Objects {
		switch o.Action {
		case Create:
			creates++
		case Update:
			updates++
		}
	}
	return creates, updates
}

func actionWord(a Action) string {
	switch a {
	case Create:
		return "create"
	case Update:
		return "update"
	}
	return "no changes"
}

func pastWord(a Action) string {
	if a == Create {
		return "created"
	}
	return "updated"
}

func value(v any) string {
	b, err := marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
