package lint

import "github.com/callspec/callspec/compiler/diag"

// unused reports the suppressions that silenced nothing: a stale ignore
// comment would hide the next real finding on its line. DESIGN.md names
// no rule of its own for them, so they are unknown-suppression findings,
// as warnings (the comment is harmless today) at the rule ID. A file whose
// rules did not run (it did not load as a spec) has none: fix that first.
func (s *suppressions) unused() []diag.Finding {
	if s.unchecked {
		return nil
	}
	var out []diag.Finding
	for _, sup := range s.all {
		if sup.used {
			continue
		}
		where := "this line"
		if sup.standalone {
			where = "this line or the next"
		}
		out = append(out, diag.Finding{
			Rule: RuleUnknownSuppression, Severity: diag.Warning, Range: sup.at,
			Message: "this suppression of " + quote(sup.rule) + " matches no finding on " + where + "; remove it, so that it cannot hide a later finding",
		})
	}
	return out
}
