package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/callspec/callspec/kernel/logkeys"
	"github.com/callspec/callspec/rules/catalog"
)

// log checks that every entry of the log: allow-list names something the
// handler logs: an operational value, call metadata or a declared field.
// An unknown entry would silently log nothing, so the author believes a
// value is in the logs when it is not (schema, with did-you-mean).
// Entries that name personal data (caller.*, phone numbers, the
// transcript, every field) are left to the pii-logged rule, which says
// why they may not be logged.
func (k *checker) log() {
	known := slices.Concat(logkeys.Operational, logkeys.CallKeys)
	for _, f := range k.w.Fields {
		known = append(known, "fields."+f.Name)
	}
	for _, e := range k.s.Log.Items {
		entry := strings.TrimSpace(e.Value)
		if !e.Set || slices.Contains(known, entry) || logkeys.KindOfLogEntry(entry) != logkeys.Plain {
			continue
		}
		what := "a value the handler logs"
		if name, ok := strings.CutPrefix(entry, "fields."); ok {
			what = fmt.Sprintf("a declared field (there is no field %q)", name)
		}
		hint := k.suggestion(entry, known)
		k.c.Add(catalog.Schema.At(e.Range(), "log entry %q is not %s, so nothing would be logged for it%s", entry, what, hint))
	}
}
