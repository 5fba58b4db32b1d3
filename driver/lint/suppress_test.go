package lint

import (
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// httpSpec is the clean spec with a plain-http webhook URL on line 41, so
// webhook-url reports there; above replaces line 40 (`webhook:`) and url
// replaces line 41.
func httpSpec(t *testing.T, above, url string) string {
	t.Helper()
	lines := strings.Split(cleanSpec(t), "\n")
	if lines[39] != "webhook:" || !strings.HasPrefix(lines[40], "  url: https://") {
		t.Fatalf("the clean spec changed: %q %q", lines[39], lines[40])
	}
	lines[39] = above
	lines[40] = url
	return strings.Join(lines, "\n")
}

func TestSuppressions(t *testing.T) {
	const bad = "  url: http://parcels.example.com/hooks/redelivery"
	cases := []struct {
		name, above, url string
		want             []string
	}{
		{"none", "webhook:", bad, []string{"webhook-url@41"}},
		{"same line", "webhook:", bad + " # callspec:ignore webhook-url staging behind the VPN", []string{}},
		{"line above", "webhook:\n  # callspec:ignore webhook-url staging behind the VPN", bad, []string{}},
		// missing-cta does not fire on this spec: that half of the comment is
		// unused and reported, at the ID.
		{"several rules", "webhook:\n  # callspec:ignore missing-cta,webhook-url staging", bad, []string{"unknown-suppression@41"}},
		{"other rule", "webhook:\n  # callspec:ignore missing-cta no public page", bad, []string{"unknown-suppression@41", "webhook-url@42"}},
		{"two lines above", "webhook:\n  # callspec:ignore webhook-url staging\n", bad, []string{"unknown-suppression@41", "webhook-url@43"}},
		{"trailing comment above applies to its own line only", "webhook: # callspec:ignore webhook-url staging", bad, []string{"unknown-suppression@40", "webhook-url@41"}},
		{"unknown rule", "webhook:\n  # callspec:ignore webhok-url staging", bad, []string{"unknown-suppression@41", "webhook-url@42"}},
		{"no reason", "webhook:\n  # callspec:ignore webhook-url", bad, []string{"unknown-suppression@41"}},
		{"no rule", "webhook:\n  # callspec:ignore", bad, []string{"unknown-suppression@41", "webhook-url@42"}},
		{"in quotes", "webhook:", `  url: "http://parcels.example.com/#callspec:ignore webhook-url x"`, []string{"webhook-url@41"}},
		{"unknown-suppression cannot be silenced", "webhook:\n  # callspec:ignore unknown-suppression,nope reason", "  url: https://parcels.example.com/hooks/redelivery", []string{"unknown-suppression@41", "unknown-suppression@41"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"spec.yaml": httpSpec(t, c.above, c.url)})
			res, err := Run([]string{dir}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := at(res.Findings); !reflect.DeepEqual(got, c.want) {
				t.Errorf("findings %v, want %v", got, c.want)
				for _, f := range res.Findings {
					t.Logf("%s:%d:%d %s %s", filepath.Base(f.Range.File), f.Range.Start.Line, f.Range.Start.Col, f.Rule, f.Message)
				}
			}
		})
	}
}

// TestUnusedSuppressionPosition pins the finding for a stale suppression:
// a warning at the rule ID in the comment.
func TestUnusedSuppressionPosition(t *testing.T) {
	dir := writeFiles(t, map[string]string{"spec.yaml": httpSpec(t, "webhook:\n  # callspec:ignore missing-cta,webhook-url staging", "  url: https://parcels.example.com/hooks/redelivery")})
	res, err := Run([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%d:%d-%d:%d %s %s %s", f.Range.Start.Line, f.Range.Start.Col, f.Range.End.Line, f.Range.End.Col, f.Severity, f.Rule, f.Message))
	}
	want := []string{
		`41:21-41:32 warning unknown-suppression this suppression of "missing-cta" matches no finding on this line or the next; remove it, so that it cannot hide a later finding`,
		`41:33-41:44 warning unknown-suppression this suppression of "webhook-url" matches no finding on this line or the next; remove it, so that it cannot hide a later finding`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestSuppressionInBlockScalar: a # inside a block scalar is text, so it
// neither suppresses nor is reported.
func TestSuppressionInBlockScalar(t *testing.T) {
	spec := strings.Replace(cleanSpec(t),
		"    caller_message: Someone from customer care will call you back within one working day.\n",
		"    caller_message: |\n      Someone from customer care will call you back within one working day.\n      # callspec:ignore handoff-caller-message\n", 1)
	dir := writeFiles(t, map[string]string{"spec.yaml": spec})
	res, err := Run([]string{dir}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := at(res.Findings); len(got) != 0 {
		t.Errorf("findings %v, want none", got)
	}
}
