package rules

import (
	"strings"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/kernel/workflow"
	"github.com/callspec/callspec/runtime/logging"
)

func init() {
	register(&Rule{
		ID:       "pii-logged",
		Severity: diag.Error,
		Summary:  "the log list names a pii field, the caller, a phone number or the transcript",
		Doc: `
Handler logs are kept longer, copied further and read by more people than
the data itself, and they are rarely covered by deletion requests. The
log: list is the only thing the generated handler may log, so it must not
name personal data: a field that is pii (phone and email fields are pii
unless marked pii: false), the whole fields object, the caller object,
the caller's or called number (call.from, call.to, caller.phone_e164), or
the transcript. Log ids, statuses and non-personal fields instead.

Bad:

    fields:
      callback_phone: {type: phone}
    log: [workflow_id, call.id, call.from, fields.callback_phone, transcript]

Good:

    log: [workflow_id, call.id, call.status, fields.issue_type]
`,
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
