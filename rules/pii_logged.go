package rules

import (
	"strings"

	"github.com/callspec/callspec/rules/catalog"
	"github.com/callspec/callspec/runtime/logging"
)

func init() {
	register(&Rule{
		Rule: catalog.PIILogged.Rule(),
		Check: func(p *Pass) {
			if p.IR == nil {
				return
			}
			for _, e := range p.Spec.Log.Items {
				if !e.Set {
					continue
				}
				entry := strings.TrimSpace(e.Value)
				switch logging.KindOfLogEntry(entry) {
				case logging.Transcript:
					p.Report(e.Range, "log entry %q is the call transcript, which holds whatever the caller said; remove it and log ids and statuses instead", entry)
				case logging.CallerIdentity:
					p.Report(e.Range, "log entry %q holds the caller's phone number or identity, which is personal data; remove it and log call.id to trace a call", entry)
				case logging.EveryField:
					if pii := p.piiFieldNames(); len(pii) > 0 {
						p.Report(e.Range, "log entry %q logs every field, including pii fields (%s); name the non-personal fields one by one, e.g. fields.%s", entry, strings.Join(pii, ", "), p.firstNonPIIField())
					}
				default:
					name, ok := strings.CutPrefix(entry, "fields.")
					if !ok {
						continue
					}
					if f, ok := p.IR.Field(name); ok && f.PII {
						p.Report(e.Range, "log entry %q names field %q, which is pii (%s); remove it from log, or mark the field pii: false if it really holds no personal data", entry, name, p.piiReason(name))
					}
				}
			}
		},
	})
}

func (p *Pass) piiFieldNames() []string {
	var out []string
	for _, f := range p.IR.Fields {
		if f.PII {
			out = append(out, f.Name)
		}
	}
	return out
}

func (p *Pass) firstNonPIIField() string {
	for _, f := range p.IR.Fields {
		if !f.PII {
			return f.Name
		}
	}
	return "status"
}

// piiReason says why field name counts as personal data.
func (p *Pass) piiReason(name string) string {
	if e, ok := p.Spec.Fields.Get(name); ok && e.Value.PII.Set {
		return "marked pii: true"
	}
	if e, ok := p.Spec.Fields.Get(name); ok {
		t := e.Value.Type.Value
		if t == "list" {
			t = "list of " + e.Value.Items.Value
		}
		return t + " fields are pii unless marked pii: false"
	}
	return "marked pii"
}
