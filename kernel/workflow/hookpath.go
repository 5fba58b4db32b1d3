package workflow

import (
	"fmt"
	"net/url"
	"path"
	"strings"
	"unicode"
)

// PlatformURL is the URL platform provider posts to: the spec's
// webhook.url, then "/" and the platform's name (DESIGN.md, "Going live on
// a platform": one endpoint per platform, so the URL alone says which
// adapter verifies and decodes a delivery). The config emitters, callspec
// serve, the generated Mount and the stub all take the URL from here.
func PlatformURL(webhookURL, provider string) (*url.URL, error) {
	u, err := url.Parse(webhookURL)
	if err != nil {
		return nil, fmt.Errorf("webhook.url %q is not a URL: %v", webhookURL, err)
	}
	if provider == "" || strings.ContainsAny(provider, "/?#%") {
		return nil, fmt.Errorf("platform name %q cannot be a segment of a URL path", provider)
	}
	out := *u
	out.Path = strings.TrimRight(u.Path, "/") + "/" + provider
	out.RawPath = ""
	return &out, nil
}

// HookPath is the path of PlatformURL: where a handler answers the
// deliveries of provider, for a ServeMux pattern ("POST " + path).
func HookPath(webhookURL, provider string) (string, error) {
	u, err := PlatformURL(webhookURL, provider)
	if err != nil {
		return "", err
	}
	// A ServeMux pattern reads {…} as a wildcard and stops at white
	// space, and the mux redirects a path that is not clean: such a path
	// would never reach the handler.
	p := u.Path
	if path.Clean(p) != p || strings.ContainsAny(p, "{}") || strings.ContainsFunc(p, func(r rune) bool { return unicode.IsSpace(r) || !unicode.IsPrint(r) }) {
		return "", fmt.Errorf("the path %q of webhook.url cannot be served: write a clean path (no //, /./ or /../) without braces, spaces or control characters", strings.TrimSuffix(p, "/"+provider))
	}
	return p, nil
}

// Placeholder is how committed output stands for the value of the
// environment variable env (a URL token, a credential's secret): ${env},
// the form envsubst and `callspec deploy` fill in. Committed output never
// holds a secret.
func Placeholder(env string) string { return "${" + env + "}" }

// TokenURL is u, a PlatformURL, with token as one more path segment
// (<webhook.url>/<P>/<token>): the URL a platform whose secret is a URL
// token posts to. token is written as it is, so a caller passes a
// path-escaped secret (url.PathEscape) or a Placeholder; a query stays
// after the path.
func TokenURL(u *url.URL, token string) string {
	base := *u
	query := base.RawQuery
	base.RawQuery, base.ForceQuery, base.Fragment, base.RawFragment = "", false, "", ""
	s := strings.TrimRight(base.String(), "/") + "/" + token
	if query != "" {
		s += "?" + query
	}
	return s
}

// ConfiguredURL is the URL to configure on platform p for a workflow
// whose webhook.url is webhookURL: PlatformURL, and for a platform whose
// secret is a URL token (AuthURLToken) the token's Placeholder as one
// more path segment. Configs and docs pages show it; the user (or
// `callspec deploy`) fills the placeholder in.
func ConfiguredURL(webhookURL string, p Platform) (string, error) {
	u, err := PlatformURL(webhookURL, p.Name)
	if err != nil {
		return "", err
	}
	if p.Auth == AuthURLToken {
		return TokenURL(u, Placeholder(p.SecretEnv)), nil
	}
	return u.String(), nil
}
