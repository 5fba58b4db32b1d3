package docpage_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/callspec/callspec/compiler/emit/docpage"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/providers/configs"
)

var setupHeading = regexp.MustCompile(`(?m)^## Set up on (.+)$`)

// sharedNote is the sentence of a secret shared with other targets; the
// list is compared with commas for "and".
var sharedNote = regexp.MustCompile(`The same variable is the secret of (.+?) in this workflow`)

// TestSetupSectionPerTarget: every seed workflow's setup page has one
// section per target, in the order of targets, with the URL the target's
// config posts to (a URL token's placeholder included), the platform's secret variable and every event the platform's
// Setup selects and ignores; no public page links to it.
func TestSetupSectionPerTarget(t *testing.T) {
	for _, w := range seedWorkflows(t) {
		page, err := docpage.Setup(w)
		if err != nil {
			t.Fatal(err)
		}
		sections := setupHeading.Split(string(page), -1)[1:]
		headings := setupHeading.FindAllStringSubmatch(string(page), -1)
		if len(headings) != len(w.Targets) {
			t.Fatalf("%s: %d setup sections, want one per target %v", w.ID, len(headings), w.Targets)
		}
		for i, target := range w.Targets {
			e, err := configs.Lookup(target)
			if err != nil {
				t.Fatal(err)
			}
			s := e.Setup()
			if headings[i][1] != s.Platform {
				t.Errorf("%s: section %d sets up %q, want %q (the order of targets)", w.ID, i+1, headings[i][1], s.Platform)
			}
			plat := w.Definition().Platform(target)
			u, err := workflow.ConfiguredURL(w.Webhook.URL, plat)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"**URL:** paste `" + u + "`", "`" + plat.SecretEnv + "`"}
			for _, ev := range append(append([]string{}, s.Select...), s.Ignored...) {
				want = append(want, "`"+ev+"`")
			}
			for _, text := range want {
				if !strings.Contains(sections[i], text) {
					t.Errorf("%s: the section on %s lacks %s:\n%s", w.ID, s.Platform, text, sections[i])
				}
			}
			// A variable that another target reads too is said to be
			// shared, naming each such target, or not at all.
			var sharers []string
			for _, other := range w.Targets {
				if other != target && w.Definition().Platform(other).SecretEnv == plat.SecretEnv {
					oe, _ := configs.Lookup(other)
					sharers = append(sharers, oe.Setup().Platform)
				}
			}
			shared := sharedNote.FindStringSubmatch(sections[i])
			switch {
			case len(sharers) == 0 && shared != nil:
				t.Errorf("%s: the section on %s says its variable is shared (%s), but no other target reads %s", w.ID, s.Platform, shared[1], plat.SecretEnv)
			case len(sharers) > 0 && (shared == nil || strings.ReplaceAll(shared[1], " and ", ", ") != strings.Join(sharers, ", ")):
				t.Errorf("%s: the section on %s names the sharers of %s as %q, want %q", w.ID, s.Platform, plat.SecretEnv, shared, strings.Join(sharers, ", "))
			}
		}
		readme, err := docpage.Page(w, nil)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(readme), docpage.SetupName) {
			t.Errorf("%s: the public page links the setup page", w.ID)
		}
	}
}

// TestNoSetupWithoutTargets: a workflow that targets no platform has
// nothing to set up and gets no page.
func TestNoSetupWithoutTargets(t *testing.T) {
	w := load(t, "testdata/shapes.yaml")
	w.Targets = nil
	if page, err := docpage.Setup(w); page != nil || err != nil {
		t.Errorf("Setup of a workflow without targets = %q, %v; want nil", page, err)
	}
}
