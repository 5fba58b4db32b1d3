package lint

import (
	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/rules/catalog"
)

// unused reports the suppressions that silenced nothing: a stale ignore
// comment would hide the next real finding on its line. DESIGN.md names
// no rule of its own for them, so they are unknown-suppression findings,
// as warnings (the comment is harmless today) at the rule ID. A file whose
// rules did not run (it did not load as a spec) has none: fix that first.
// Only the suppressions of the run's own rules (owns) count: a comment for
// a rule of callspec breaking is not stale because lint reported nothing.
func (s *suppressions) unused(owns func(rule string) bool) []diag.Finding {
	if s.unchecked {
		return nil
	}
	var out []diag.Finding
	for _, sup := range s.all {
		if sup.used || !owns(sup.rule) {
			continue
		}
		where := "this line"
		if sup.standalone {
			where = "this line or the next"
		}
		f := catalog.UnknownSuppression.At(sup.at, "%s", "this suppression of "+quote(sup.rule)+" matches no finding on "+where+"; remove it, so that it cannot hide a later finding")
		f.Severity = diag.Warning // stale, not wrong: it hides nothing yet
		out = append(out, f)
	}
	return out
}
