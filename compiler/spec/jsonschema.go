package spec

// JSONSchemaAlias tells JSON Schema reflection (github.com/invopop/jsonschema,
// used by compiler/specschema) that a List is written as a YAML sequence
// of T; its Meta is bookkeeping, not part of the format.
func (List[T]) JSONSchemaAlias() any { return []T(nil) }

// JSONSchemaAlias tells JSON Schema reflection that a Map is written as a
// YAML mapping from names to T.
func (Map[T]) JSONSchemaAlias() any { return map[string]T(nil) }
