package rules

import (
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v4"

	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules/catalog"
)

// envName is the name part of env:NAME.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// shellVar is $NAME or ${NAME}, which authors write meaning env:NAME.
var shellVar = regexp.MustCompile(`^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$`)

// keyShapes recognise credentials by the prefixes and shapes their issuers
// give them. Each names the kind of key for the message, never the value.
var keyShapes = []struct {
	kind string
	re   *regexp.Regexp
}{
	{"a Standard Webhooks signing secret", regexp.MustCompile(`^whsec_[A-Za-z0-9+/=_-]{8,}$`)},
	{"a Stripe secret key", regexp.MustCompile(`^(sk|rk)_(live|test)_[A-Za-z0-9]{8,}$`)},
	{"an OpenAI-style API key", regexp.MustCompile(`^sk-[A-Za-z0-9_-]{20,}$`)},
	{"a GitHub token", regexp.MustCompile(`^(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})$`)},
	{"a GitLab token", regexp.MustCompile(`^glpat-[A-Za-z0-9_-]{20,}$`)},
	{"a Slack token", regexp.MustCompile(`^xox[abposr]-[A-Za-z0-9-]{10,}$`)},
	{"an AWS access key", regexp.MustCompile(`^(AKIA|ASIA)[A-Z0-9]{16}$`)},
	{"a Google API key", regexp.MustCompile(`^AIza[A-Za-z0-9_-]{35}$`)},
	{"a JSON Web Token", regexp.MustCompile(`^eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}$`)},
}

// minKeyLength is the length of the shortest credential keyShapes and
// secretInQuery recognise; shorter words are skipped without matching.
const minKeyLength = 14

// secretQueryParams are URL query parameters that carry credentials.
var secretQueryParams = []string{
	"token", "access_token", "auth", "auth_token", "key", "api_key", "apikey", "secret",
	"client_secret", "password", "pass", "pwd", "signature", "sig",
}

func init() {
	register(&Rule{
		Rule: catalog.SecretLiteral.Rule(),
		Check: func(p *Pass) {
			// The secret fields have their own messages; the scan skips them.
			var checked []*yaml.Node
			checked = checkSecretRef(p, "webhook.secret", p.Spec.Webhook.Secret, checked)
			if p.Spec.Webhook.Forward.Set {
				checked = checkSecretRef(p, "webhook.forward.secret", p.Spec.Webhook.Forward.Secret, checked)
			}
			for _, e := range p.Spec.Webhook.Platforms.Entries {
				checked = checkSecretRef(p, "webhook.platforms."+e.Key.Value+".secret", e.Value.Secret, checked)
			}
			if p.Spec.Node != nil {
				scanForKeys(p, p.Spec.Node, checked)
			}
		},
	})
}

// checkSecretRef checks one secret reference and returns checked with its
// node added.
func checkSecretRef(p *Pass, what string, s spec.String, checked []*yaml.Node) []*yaml.Node {
	if !s.Set {
		return checked // a missing secret is a schema finding
	}
	checked = append(checked, s.Node)
	v := strings.TrimSpace(s.Value)
	name, isEnv := strings.CutPrefix(v, "env:")
	switch {
	case isEnv && envName.MatchString(name):
		if kind, _, _ := keyLike(name); kind != "" {
			p.Report(s.Range(), "%s names an environment variable that looks like %s itself; write env:NAME with the variable's name, and rotate the credential", what, kind)
		}
	case isEnv:
		p.Report(s.Range(), "%s must name an environment variable as env:NAME, with NAME made of letters, digits and _ (not starting with a digit)", what)
	case shellVar.MatchString(v):
		p.Report(s.Range(), "%s is written as a shell variable; write it as env:%s", what, shellVar.FindStringSubmatch(v)[1])
	default:
		p.Report(s.Range(), "%s holds a literal value; secrets must come from the environment, so write `env:NAME` and set NAME where the handler runs (if this value was ever committed, rotate it)", what)
	}
	return checked
}

// scanForKeys reports scalar values of the document that look like
// credentials. Mapping keys are names, not values, and are skipped.
// Aliases are not followed: the nodes they point at are scanned where
// they are defined.
func scanForKeys(p *Pass, n *yaml.Node, skip []*yaml.Node) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			scanForKeys(p, c, skip)
		}
	case yaml.MappingNode:
		for i := 1; i < len(n.Content); i += 2 {
			scanForKeys(p, n.Content[i], skip)
		}
	case yaml.ScalarNode:
		if slices.Contains(skip, n) {
			return
		}
		if kind, from, to := keyLike(n.Value); kind != "" {
			p.Report(p.Spec.File.MapScalar(n).Range(from, to), "this value looks like %s; never write credentials into a spec: read them from the environment (env:NAME) and rotate this one", kind)
		}
	}
}

// keyLike returns the kind of credential found in text and its code point
// range, or "".
func keyLike(text string) (kind string, from, to int) {
	if len(text) < minKeyLength {
		return "", 0, 0
	}
	if i := strings.Index(text, "-----BEGIN"); i >= 0 && strings.Contains(text, "PRIVATE KEY-----") {
		from = utf8.RuneCountInString(text[:i])
		return "a private key", from, from + len("-----BEGIN")
	}
	// Walk the tokens in place: this runs on every scalar of every spec,
	// and splitting each into a new slice was a tenth of lint's time.
	// runes counts the code points before i as the walk goes, so that a
	// token's range costs nothing (counting from the start of the text
	// again for each token made a 1 MiB description take 13 s).
	runes := 0
	for i := 0; i < len(text); {
		for i < len(text) && isKeySeparator(text[i:]) {
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
			runes++
		}
		j, tokRunes := i, 0
		for j < len(text) && !isKeySeparator(text[j:]) {
			_, size := utf8.DecodeRuneInString(text[j:])
			j += size
			tokRunes++
		}
		tok := text[i:j]
		if len(tok) >= minKeyLength {
			tokFrom, tokTo := runes, runes+tokRunes
			for _, ks := range keyShapes {
				if ks.re.MatchString(strings.TrimRight(tok, ".;:")) {
					return ks.kind, tokFrom, tokTo
				}
			}
			if param := secretInQuery(tok); param != "" {
				return "a credential in the URL query (" + param + "=…)", tokFrom, tokTo
			}
		}
		i, runes = j, runes+tokRunes
	}
	return "", 0, 0
}

// isKeySeparator reports whether s starts with a character that cannot
// be part of a credential: white space, quotes, commas, brackets.
func isKeySeparator(s string) bool {
	switch s[0] {
	case ',', '"', '\'', '(', ')', '<', '>', ' ', '\t', '\n', '\r':
		return true
	}
	if s[0] < utf8.RuneSelf {
		return unicode.IsSpace(rune(s[0]))
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// secretInQuery returns the name of a query parameter of the URL tok that
// carries a credential, or "".
func secretInQuery(tok string) string {
	if !strings.Contains(tok, "://") || !strings.Contains(tok, "?") {
		return ""
	}
	u, err := url.Parse(tok)
	if err != nil {
		return ""
	}
	q := u.Query()
	keys := slices.Sorted(maps.Keys(q))
	for _, name := range secretQueryParams {
		for _, k := range keys {
			if vs := q[k]; strings.EqualFold(k, name) && len(vs) > 0 && vs[0] != "" {
				return k
			}
		}
	}
	return ""
}
