package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/check"
	"github.com/callspec/callspec/rules/catalog"
)

// actionJoiners are the words that join two actions in one name.
var actionJoiners = []string{"and", "or", "then", "plus"}

func init() {
	register(&Rule{
		Rule: catalog.NextAction.Rule(),
		Check: func(p *Pass) {
			na := p.Spec.NextAction
			switch {
			case !na.Set:
				p.Report(p.WholeSpec(), "the spec has no next_action; add `next_action:` naming the one action a routine call ends in, e.g. create_work_order")
				return
			case !check.IsLowerSnake(na.Value):
				hint := ""
				if s := toLowerSnake(na.Value); check.IsLowerSnake(s) && joinerIn(s) == "" {
					hint = ", e.g. " + s
				}
				p.Report(na.Range(), "next_action %q must be lower_snake (a-z, 0-9 and _, starting with a letter), because it becomes a Go method name%s", na.Value, hint)
				return
			}
			if w := joinerIn(na.Value); w != "" {
				p.Report(na.Range(), "next_action %q names more than one action (joined by %q); keep one action and do the rest inside it", na.Value, w)
			}
		},
	})
}

// joinerIn returns the word that joins two actions in a lower_snake name,
// or "".
func joinerIn(name string) string {
	words := strings.Split(name, "_")
	for i, w := range words {
		if i > 0 && i < len(words)-1 && contains(actionJoiners, w) {
			return w
		}
	}
	return ""
}

// toLowerSnake turns "Create work-order" into create_work_order.
func toLowerSnake(s string) string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
	return strings.Join(f, "_")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
