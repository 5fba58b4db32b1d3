package allconfigs_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/callspec/callspec/providers/configs"
	_ "github.com/callspec/callspec/providers/configs/allconfigs"
)

// platformSection is the text of docs/PLATFORMS.md's numbered section
// "## N. <platform>", or "" when it has none.
func platformSection(doc, platform string) string {
	start := regexp.MustCompile(`(?m)^## \d+\. ` + regexp.QuoteMeta(platform) + `$`).FindStringIndex(doc)
	if start == nil {
		return ""
	}
	rest := doc[start[1]:]
	if end := regexp.MustCompile(`(?m)^## `).FindStringIndex(rest); end != nil {
		rest = rest[:end[0]]
	}
	return rest
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestSetupIsComplete: every platform says where the URL and the secret
// go, so every target gets a full "Set up on" section.
func TestSetupIsComplete(t *testing.T) {
	for _, name := range configs.Names() {
		e, _ := configs.Lookup(name)
		s := e.Setup()
		if s.Platform == "" || s.URLField == "" || s.Secret == "" {
			t.Errorf("%s: Setup %+v lacks the platform's name, where the URL goes or what the secret is", name, s)
		}
	}
}

// TestSetupMatchesPlatformsDoc keeps docs/PLATFORMS.md, the research
// behind the adapters, and each platform's Setup in step: the section of
// the platform names every event to select and every ignored event.
func TestSetupMatchesPlatformsDoc(t *testing.T) {
	doc := read(t, "../../../docs/PLATFORMS.md")
	for _, name := range configs.Names() {
		e, _ := configs.Lookup(name)
		s := e.Setup()
		events := append(append([]string{}, s.Select...), s.Ignored...)
		section := platformSection(doc, s.Platform)
		if section == "" {
			if len(events) > 0 {
				t.Errorf("docs/PLATFORMS.md has no section \"## N. %s\", which should name the events %v", s.Platform, events)
			}
			continue
		}
		for _, ev := range events {
			if !regexp.MustCompile(`(^|[^\w.-])` + regexp.QuoteMeta(ev) + `($|[^\w-])`).MatchString(section) {
				t.Errorf("docs/PLATFORMS.md's section on %s does not name the event %s, which its Setup selects or ignores", s.Platform, ev)
			}
		}
	}
}

// TestSetupMatchesReadme: each platform the README's go-live walkthrough
// names is set up there with the events its Setup selects.
func TestSetupMatchesReadme(t *testing.T) {
	readme := read(t, "../../../README.md")
	_, walk, ok := strings.Cut(readme, "## Go live")
	if !ok {
		t.Fatal(`README.md has no "## Go live" section`)
	}
	if i := strings.Index(walk, "\n## "); i >= 0 {
		walk = walk[:i]
	}
	named := 0
	for _, name := range configs.Names() {
		e, _ := configs.Lookup(name)
		s := e.Setup()
		if !strings.Contains(walk, "**"+s.Platform+"**") {
			continue
		}
		named++
		for _, ev := range s.Select {
			if !strings.Contains(walk, "`"+ev+"`") {
				t.Errorf("README.md's go-live walkthrough sets up %s without selecting `%s`, as its Setup says", s.Platform, ev)
			}
		}
	}
	if named < 2 {
		t.Errorf("README.md's go-live walkthrough sets up %d platforms in bold (**<platform>**), want at least 2", named)
	}
}
