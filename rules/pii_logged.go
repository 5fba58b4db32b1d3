package rules

import (
	"strings"

	"github.com/callspec/callspec/kernel/logkeys"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/rules/catalog"
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
				switch logkeys.KindOfLogEntry(entry) {
				case logkeys.Transcript:
					p.Report(e.Range(), "log entry %q is the call transcript, which holds whatever the caller said; remove it and log ids and statuses instead", entry)
				case logkeys.CallerIdentity:
					p.Report(e.Range(), "log entry %q holds the caller's phone number or identity, which is personal data; remove it and log call.id to trace a call", entry)
				case logkeys.EveryField:
					if pii := p.piiFieldNames(); len(pii) > 0 {
						p.Report(e.Range(), "log entry %q logs every field, including pii fields (%s); name the non-personal fields one by one, e.g. fields.%s", entry, strings.Join(pii, ", "), p.firstNonPIIField())
					}
				default:
					name, ok := strings.CutPrefix(entry, "fields.")
					if !ok {
						continue
					}
					if f, ok := p.IR.Field(name); ok && f.PII {
						p.Report(e.Range(), "log entry %q names field %q, which is pii (%s); remove it from log, or mark the field pii: false if it really holds no personal data", entry, name, p.piiReason(name))
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

// piiReason says why field name counts as personal data: the spec
// marked it, or its type is personal data by default
// (workflow.PIIByDefault).
func (p *Pass) piiReason(name string) string {
	if e, ok := p.Spec.Fields.Get(name); ok && e.Value.PII.Set {
		return "marked pii: true"
	}
	f, ok := p.IR.Field(name)
	if !ok || !workflow.PIIByDefault(f.Elem()) {
		return "marked pii"
	}
	return f.TypeName() + " fields are pii unless marked pii: false"
}
