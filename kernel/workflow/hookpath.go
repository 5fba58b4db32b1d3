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
