package spec

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/diag"
	"github.com/callspec/callspec/compiler/source"
	"github.com/callspec/callspec/rules/catalog"
)

// Limits that keep hostile specs from costing unbounded time or memory.
const (
	// MaxFileSize is the largest spec file read, in bytes.
	MaxFileSize = 1 << 20
	// MaxNodes bounds how many YAML nodes one spec may expand to, aliases
	// counted each time they are used ("billion laughs").
	MaxNodes = 50_000
	// MaxDepth bounds the nesting of mappings and lists.
	MaxDepth = 32
)

// nodeDecoder is implemented by types that read themselves from a node.
type nodeDecoder interface {
	decodeNode(d *decoder, n *yaml.Node, path string)
}

type decoder struct {
	file     *source.File
	diags    *diag.Collector
	nodes    int
	depth    int
	exceeded bool
	// aliasSite is the outermost alias being expanded, where a limit
	// finding points (the alias that was used, not the anchor deep inside).
	aliasSite *yaml.Node
}

func (d *decoder) rng(n *yaml.Node) source.Range {
	if n == nil {
		return source.Range{}
	}
	return d.file.NodeRange(n)
}

func (d *decoder) schema(r source.Range, format string, args ...any) {
	d.diags.Add(catalog.Schema.At(r, format, args...))
}

// enter counts a node against the limits; false means stop descending.
func (d *decoder) enter(n *yaml.Node) bool {
	if d.exceeded {
		return false
	}
	d.nodes++
	if d.nodes > MaxNodes {
		d.exceeded = true
		at := n
		if d.aliasSite != nil {
			at = d.aliasSite
		}
		d.diags.Add(catalog.Syntax.At(d.rng(at),
			"the spec expands to more than %d YAML nodes (limit max-nodes), usually through aliases that refer to aliases; write the values out or split the workflow", MaxNodes))
		return false
	}
	if d.depth > MaxDepth {
		d.exceeded = true
		d.diags.Add(catalog.Syntax.At(d.rng(n),
			"values are nested more than %d levels deep (limit max-depth); a spec never needs that much nesting", MaxDepth))
		return false
	}
	return true
}

func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// kindName says what a node is, in the words of an error message.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return fmt.Sprintf("the text %q", truncate(n.Value, 40))
	}
	return "an unexpected value"
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// decode reads n into v (a pointer's element). key is the mapping key n
// stands under, or nil.
func (d *decoder) decode(n, key *yaml.Node, v reflect.Value, path string) {
	if n != nil && n.Kind == yaml.AliasNode && d.aliasSite == nil {
		d.aliasSite = n
		defer func() { d.aliasSite = nil }()
	}
	n = resolveAlias(n)
	if n == nil || !d.enter(n) {
		return
	}
	if meta := metaOf(v); meta != nil {
		meta.Node, meta.key, meta.file = n, key, d.file
		meta.Set = !isNull(n)
	}
	if isNull(n) {
		return
	}
	if nd, ok := v.Addr().Interface().(nodeDecoder); ok {
		d.depth++
		nd.decodeNode(d, n, path)
		d.depth--
		return
	}
	if v.Kind() == reflect.Struct {
		d.depth++
		d.decodeStruct(n, v, path)
		d.depth--
	}
}

var metaType = reflect.TypeFor[Meta]()

func metaOf(v reflect.Value) *Meta {
	if v.Kind() != reflect.Struct {
		return nil
	}
	if v.Type() == metaType {
		return v.Addr().Interface().(*Meta)
	}
	if si := infoOf(v.Type()); si.meta != nil {
		return v.FieldByIndex(si.meta).Addr().Interface().(*Meta)
	}
	return nil
}

type structField struct {
	name     string
	index    int
	required bool
	// enum lists the allowed values of a text key (or of the items of a
	// list of text), from the field's enum tag.
	enum []string
}

type structInfo struct {
	fields []structField
	names  []string
	// meta is the index of the type's Meta field, nil when it has none:
	// looked up once per type rather than by name for every node.
	meta []int
}

var structInfos sync.Map // reflect.Type → *structInfo

func infoOf(t reflect.Type) *structInfo {
	if si, ok := structInfos.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{}
	if f, ok := t.FieldByName("Meta"); ok && f.Type == metaType {
		si.meta = f.Index
	}
	for i := 0; i < t.NumField(); i++ {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		sf := structField{name: name, index: i, required: opts == "required"}
		if e := t.Field(i).Tag.Get("enum"); e != "" {
			sf.enum = strings.Split(e, ",")
		}
		si.fields = append(si.fields, sf)
		si.names = append(si.names, name)
	}
	structInfos.Store(t, si)
	return si
}

// FieldNames lists the YAML keys of a spec struct type, in declaration order.
func FieldNames(t reflect.Type) []string { return infoOf(t).names }

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.schema(d.rng(n), "%s must be a mapping of keys to values, but it is %s", describePath(path), kindName(n))
		return
	}
	si := infoOf(v.Type())
	// The keys seen so far with their values. A struct has a handful of
	// keys, so a slice searched in order beats two maps per node; a
	// hostile spec with thousands of keys gets an index.
	seen := keyValues{list: make([]keyValue, 0, len(n.Content)/2)}
	if len(n.Content)/2 > 32 {
		seen.index = make(map[string]int, len(n.Content)/2)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolveAlias(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			d.schema(d.rng(n.Content[i]), "keys in %s must be plain names, not %s", describePath(path), kindName(k))
			continue
		}
		if first := seen.lookup(k.Value); first != nil {
			d.diags.Add(catalog.DuplicateKey.At(d.rng(k),
				"key %q is already defined at line %d, column %d; YAML would silently keep only one of them, so remove one", k.Value, first.key.Line, first.key.Column))
			continue
		}
		seen.add(keyValue{key: k, value: resolveAlias(val)})
		var field *structField
		for j := range si.fields {
			if si.fields[j].name == k.Value {
				field = &si.fields[j]
				break
			}
		}
		if field == nil {
			d.schema(d.rng(k), "unknown key %q in %s%s", k.Value, describePath(path), suggest(k.Value, si.names))
			continue
		}
		d.decode(val, k, v.Field(field.index), joinPath(path, k.Value))
		// A field's type and items are checked by compiler/check, which
		// reports them as field-type.
		if field.enum != nil && v.Type() != fieldType {
			d.checkEnum(v.Field(field.index), field.enum, joinPath(path, k.Value))
		}
	}
	for _, f := range si.fields {
		if !f.required {
			continue
		}
		fv := v.Field(f.index)
		if m := metaOf(fv); m != nil && m.Set {
			continue
		}
		if kv := seen.lookup(f.name); kv != nil {
			if kv.value == nil || isNull(kv.value) {
				d.schema(d.rng(kv.key), "%s needs a value", describePath(joinPath(path, f.name)))
			}
			// Otherwise the value had the wrong type, already reported.
			continue
		}
		where := d.rng(n)
		if m := metaOf(v); m != nil && m.Key().IsValid() {
			where = m.Key()
		}
		if n.Line == 0 || (path == "" && len(n.Content) > 0) {
			// At the top level, point at the first line instead of the
			// whole document.
			where = source.PointRange(d.file.Path, source.Pos{Line: 1, Col: 1})
		}
		d.schema(where, "%s is missing the required key %q", describeOwner(path), f.name)
	}
}

var fieldType = reflect.TypeFor[Field]()

// keyValue is a key of a mapping and its value, aliases resolved.
type keyValue struct{ key, value *yaml.Node }

// keyValues are the keys of one mapping in order, with an index by name
// when the mapping is large.
type keyValues struct {
	list  []keyValue
	index map[string]int
}

func (kvs *keyValues) add(kv keyValue) {
	if kvs.index != nil {
		kvs.index[kv.key.Value] = len(kvs.list)
	}
	kvs.list = append(kvs.list, kv)
}

func (kvs *keyValues) lookup(name string) *keyValue {
	if kvs.index != nil {
		if i, ok := kvs.index[name]; ok {
			return &kvs.list[i]
		}
		return nil
	}
	for i := range kvs.list {
		if kvs.list[i].key.Value == name {
			return &kvs.list[i]
		}
	}
	return nil
}

// checkEnum reports text values outside allowed, for keys whose values
// come from a fixed set (a handoff severity, a scenario kind, a notify
// channel), so that the decoder agrees with the published JSON Schema.
func (d *decoder) checkEnum(v reflect.Value, allowed []string, path string) {
	check := func(s *String, path string) {
		if s.Set && !slices.Contains(allowed, s.Value) {
			d.schema(s.Range(), "%s must be one of %s, not %q%s", describePath(path), strings.Join(allowed, ", "), s.Value, nearest(s.Value, allowed))
		}
	}
	switch x := v.Addr().Interface().(type) {
	case *String:
		check(x, path)
	case *List[String]:
		for i := range x.Items {
			check(&x.Items[i], path+"["+strconv.Itoa(i)+"]")
		}
	}
}

func nearest(got string, known []string) string {
	if best := diag.Nearest(got, known); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return ""
}

// suggest returns "; did you mean "x"?" for the nearest known name, or the
// list of known names when none is near.
func suggest(got string, known []string) string {
	if best := diag.Nearest(got, known); best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return fmt.Sprintf(" (known keys: %s)", strings.Join(known, ", "))
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describePath(path string) string {
	if path == "" {
		return "the spec"
	}
	return "`" + path + "`"
}

func describeOwner(path string) string {
	if path == "" {
		return "the spec"
	}
	return "`" + path + "`"
}

// decodeScalar checks that n is a scalar and returns it.
func (d *decoder) scalar(n *yaml.Node, path, want string) (*yaml.Node, bool) {
	if n.Kind != yaml.ScalarNode {
		d.schema(d.rng(n), "%s must be %s, but it is %s", describePath(path), want, kindName(n))
		return nil, false
	}
	return n, true
}

func (s *String) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n, ok := d.scalar(n, path, "text"); ok {
		s.Value = n.Value
	}
}

func (i *Int) decodeNode(d *decoder, n *yaml.Node, path string) {
	n, ok := d.scalar(n, path, "a whole number")
	if !ok {
		return
	}
	v, err := strconv.ParseInt(n.Value, 0, 64)
	if n.Tag != "!!int" || err != nil {
		d.schema(d.rng(n), "%s must be a whole number, but it is %s", describePath(path), kindName(n))
		i.Set = false
		return
	}
	i.Value = v
}

func (x *Number) decodeNode(d *decoder, n *yaml.Node, path string) {
	n, ok := d.scalar(n, path, "a number")
	if !ok {
		return
	}
	v, err := strconv.ParseFloat(n.Value, 64)
	if (n.Tag != "!!int" && n.Tag != "!!float") || err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		if n.Tag == "!!int" {
			if iv, ierr := strconv.ParseInt(n.Value, 0, 64); ierr == nil {
				x.Value = float64(iv)
				return
			}
		}
		d.schema(d.rng(n), "%s must be a finite number, but it is %s", describePath(path), kindName(n))
		x.Set = false
		return
	}
	x.Value = v
}

func (b *Bool) decodeNode(d *decoder, n *yaml.Node, path string) {
	n, ok := d.scalar(n, path, "true or false")
	if !ok {
		return
	}
	v, err := strconv.ParseBool(strings.ToLower(n.Value))
	if n.Tag != "!!bool" || err != nil {
		d.schema(d.rng(n), "%s must be true or false, but it is %s", describePath(path), kindName(n))
		b.Set = false
		return
	}
	b.Value = v
}

func (v *Value) decodeNode(d *decoder, n *yaml.Node, path string) {
	// Count every node under the value against the limits.
	var walk func(*yaml.Node)
	walk = func(c *yaml.Node) {
		for _, child := range c.Content {
			if child.Kind == yaml.AliasNode && d.aliasSite == nil {
				d.aliasSite = child
				defer func() { d.aliasSite = nil }()
			}
			child = resolveAlias(child)
			if child == nil || !d.enter(child) {
				return
			}
			d.depth++
			walk(child)
			d.depth--
		}
	}
	walk(n)
}

func (l *List[T]) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.SequenceNode {
		d.schema(d.rng(n), "%s must be a list, but it is %s", describePath(path), kindName(n))
		l.Set = false
		return
	}
	l.Items = make([]T, len(n.Content))
	for i, item := range n.Content {
		d.decode(item, nil, reflect.ValueOf(&l.Items[i]).Elem(), path+"["+strconv.Itoa(i)+"]")
	}
}

func (m *Map[T]) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.schema(d.rng(n), "%s must be a mapping of names to values, but it is %s", describePath(path), kindName(n))
		m.Set = false
		return
	}
	// The names seen so far are the entries' keys: searched in order in
	// a small mapping, indexed in a large one (as decodeStruct does).
	var index map[string]*yaml.Node
	if len(n.Content)/2 > 32 {
		index = make(map[string]*yaml.Node, len(n.Content)/2)
	}
	// Entries are large (a Meta per attribute): allocate them once and
	// decode in place rather than growing and copying the slice.
	m.Entries = make([]Entry[T], 0, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolveAlias(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			d.schema(d.rng(n.Content[i]), "names in %s must be plain text, not %s", describePath(path), kindName(k))
			continue
		}
		if first := m.seen(index, k.Value); first != nil {
			d.diags.Add(catalog.DuplicateKey.At(d.rng(k),
				"%q is already defined at line %d, column %d; YAML would silently keep only one of them, so remove one", k.Value, first.Line, first.Column))
			continue
		}
		if index != nil {
			index[k.Value] = k
		}
		m.Entries = append(m.Entries, Entry[T]{Key: String{Meta: Meta{Set: true, Node: k, file: d.file}, Value: k.Value}})
		e := &m.Entries[len(m.Entries)-1]
		d.decode(n.Content[i+1], k, reflect.ValueOf(&e.Value).Elem(), joinPath(path, k.Value))
	}
}

// seen returns the key node of the entry named name, or nil: from index
// when there is one, else from the entries decoded so far.
func (m *Map[T]) seen(index map[string]*yaml.Node, name string) *yaml.Node {
	if index != nil {
		return index[name]
	}
	for i := range m.Entries {
		if m.Entries[i].Key.Value == name {
			return m.Entries[i].Key.Node
		}
	}
	return nil
}

// Interface converts the value to its JSON form: nil, bool, int64,
// float64, string, []any or map[string]any. Anything else (timestamps,
// binary) stays text.
func (v Value) Interface() any {
	if v.Node == nil || !v.Set {
		return nil
	}
	return nodeInterface(v.Node, 0)
}

func nodeInterface(n *yaml.Node, depth int) any {
	n = resolveAlias(n)
	if n == nil || depth > MaxDepth {
		return nil
	}
	switch n.Kind {
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, nodeInterface(c, depth+1))
		}
		return out
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = nodeInterface(n.Content[i+1], depth+1)
		}
		return out
	}
	switch n.Tag {
	case "!!null":
		return nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err == nil {
			return b
		}
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return i
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return f
		}
	}
	return n.Value
}
