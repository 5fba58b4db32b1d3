package lint

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// positioned lists findings with their full range, severity, rule and
// message, for exact comparisons.
func positioned(t *testing.T, spec string) []string {
	t.Helper()
	res, err := Run([]string{writeFiles(t, map[string]string{"spec.yaml": spec})}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := []string{}
	for _, f := range res.Findings {
		got = append(got, fmt.Sprintf("%d:%d-%d:%d %s %s %s", f.Range.Start.Line, f.Range.Start.Col, f.Range.End.Line, f.Range.End.Col, f.Severity, f.Rule, f.Message))
	}
	return got
}

// TestUnusedTrailingSuppression: a suppression after a value covers its
// own line only, and its warning says so.
func TestUnusedTrailingSuppression(t *testing.T) {
	got := positioned(t, httpSpec(t, "webhook: # callspec:ignore webhook-url staging", "  url: http://parcels.example.com/hooks/redelivery"))
	want := []string{
		`40:28-40:39 warning unknown-suppression this suppression of "webhook-url" matches no finding on this line; remove it, so that it cannot hide a later finding`,
		`41:8-41:51 error webhook-url the webhook URL must use https, not http, because deliveries carry personal data; serve the handler over TLS`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestUnusedSuppressionInBrokenFile: no rule runs on a file that is not
// valid YAML, so its suppressions cannot be judged and only the syntax
// error is reported.
func TestUnusedSuppressionInBrokenFile(t *testing.T) {
	spec := httpSpec(t, "webhook:\n  # callspec:ignore webhook-url staging", "  url: [http://parcels.example.com/hooks/redelivery")
	got := positioned(t, spec)
	if len(got) != 1 || !strings.Contains(got[0], " error syntax ") {
		t.Errorf("findings\n%s\nwant one syntax error", strings.Join(got, "\n"))
	}
}
