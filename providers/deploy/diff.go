package deploy

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
)

// Merge returns want laid over live: objects merge key by key (live keys
// want does not name are kept), anything else is replaced by want. Neither
// argument is changed.
func Merge(live, want any) any {
	l, lok := live.(map[string]any)
	w, wok := want.(map[string]any)
	if !lok || !wok {
		return want
	}
	out := make(map[string]any, len(l)+len(w))
	for k, v := range l {
		out[k] = v
	}
	for k, v := range w {
		out[k] = Merge(l[k], v)
	}
	return out
}

// Desired returns, for each top-level key of config, its value merged with
// the live one: the object apply would leave behind.
func Desired(live, config map[string]any) map[string]any {
	out := make(map[string]any, len(config))
	for k, v := range config {
		out[k] = Merge(live[k], v)
	}
	return out
}

// Diff lists the key paths whose desired value differs from the live one,
// down to the first value that is not an object on both sides, sorted.
func Diff(live, desired map[string]any) []Change {
	var out []Change
	diffInto(&out, "", live, desired)
	return out
}

func diffInto(out *[]Change, prefix string, live, desired map[string]any) {
	for _, k := range sortedKeys(desired) {
		path := join(prefix, k)
		want := desired[k]
		have, present := live[k]
		hm, hok := have.(map[string]any)
		wm, wok := want.(map[string]any)
		switch {
		case hok && wok:
			diffInto(out, path, hm, wm)
		case !present:
			*out = append(*out, Change{Path: path, After: want})
		case !Equal(have, want):
			*out = append(*out, Change{Path: path, Before: have, After: want})
		}
	}
}

// Patch returns the top-level keys of desired whose value differs from the
// live one: the body of a PATCH that changes only what callspec owns.
func Patch(live, desired map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range desired {
		if have, ok := live[k]; !ok || !Equal(have, v) {
			out[k] = v
		}
	}
	return out
}

// Unmanaged lists the live key paths config does not name, descending into
// objects config names part of, sorted; the keys in skip (identity and
// timestamps) are left out.
func Unmanaged(live, config map[string]any, skip ...string) []string {
	var out []string
	unmanagedInto(&out, "", live, config, skip)
	sort.Strings(out)
	return out
}

func unmanagedInto(out *[]string, prefix string, live, config map[string]any, skip []string) {
	for k, v := range live {
		path := join(prefix, k)
		if slices.Contains(skip, path) {
			continue
		}
		c, named := config[k]
		if !named {
			*out = append(*out, path)
			continue
		}
		lm, lok := v.(map[string]any)
		cm, cok := c.(map[string]any)
		if lok && cok {
			unmanagedInto(out, path, lm, cm, skip)
		}
	}
}

// Equal compares two JSON values by their encoding (json.Number and Go
// numbers of one value compare equal; object key order does not matter).
func Equal(a, b any) bool {
	x, err1 := marshal(a)
	y, err2 := marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// DecodeObject decodes a JSON object keeping numbers as written; it is how a platform reads
// its generated config.
func DecodeObject(b []byte) (map[string]any, error) {
	var m map[string]any
	if err := decode(b, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// Encode is the JSON encoding deploy prints and sends (no HTML escaping).
func Encode(v any) (json.RawMessage, error) { return marshal(v) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// Compare plans one object: with live nil, its creation from config (every
// config key is a change; body is config); else the keys of config whose
// value, merged with the live one, differs (body is the PATCH of Patch).
// The keys in skip are left out of the unmanaged list.
func Compare(kind, id string, live, config map[string]any, skip ...string) (o *Object, body map[string]any) {
	o = &Object{Kind: kind, ID: id, Action: NoChange}
	if live == nil {
		o.Action = Create
		o.Change = Diff(map[string]any{}, config)
		return o, config
	}
	desired := Desired(live, config)
	o.Change = Diff(live, desired)
	o.Unmanaged = Unmanaged(live, config, skip...)
	if len(o.Change) > 0 {
		o.Action = Update
	}
	return o, Patch(live, desired)
}

// Unfilled returns the path of the first string in v of the form "<…>",
// the placeholders a generated config carries for what only deploy knows
// (an id, a URL token), or "" when every one was filled in. A platform
// checks its bodies with it, so no placeholder reaches a live object.
func Unfilled(v any) string {
	return unfilled("", v)
}

func unfilled(path string, v any) string {
	switch x := v.(type) {
	case string:
		if len(x) > 2 && x[0] == '<' && x[len(x)-1] == '>' {
			return cmp.Or(path, "(the body)")
		}
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if p := unfilled(join(path, k), x[k]); p != "" {
				return p
			}
		}
	case []any:
		for i, e := range x {
			if p := unfilled(fmt.Sprintf("%s[%d]", path, i), e); p != "" {
				return p
			}
		}
	}
	return ""
}
