package handler

import (
	"errors"
	"net/http"

	"github.com/callspec/callspec/providers"
)

// Route is where one target platform of a workflow posts: the path of the
// spec's webhook.url, then "/" and the platform's name
// (workflow.HookPath). Generated packages list theirs in Routes.
type Route struct {
	Provider, Path string
	// Token is true when the platform's secret is a token in the URL path
	// (workflow.AuthURLToken): deliveries go to Path + "/<token>".
	Token bool
}

// Shown is the route as logs and status pages show it: Path, and for a
// URL-token platform Path + "/{token}", never the token.
func (r Route) Shown() string {
	if r.Token {
		return r.Path + "/" + providers.MaskedToken
	}
	return r.Path
}

// Mount serves newHandler(provider) on mux for POST requests at the path
// of every route. It fails, mounting nothing, when a handler cannot be
// built (for example when a signing secret is not set), and then names
// every route that failed, so that one start tells the operator every
// variable to set. Every generated package's Mount is this, with its own
// Service.
func Mount(mux *http.ServeMux, routes []Route, newHandler func(provider string) (*Handler, error)) error {
	handlers := make([]*Handler, len(routes))
	var errs []error
	for i, r := range routes {
		h, err := newHandler(r.Provider)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		handlers[i] = h
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for i, r := range routes {
		Handle(mux, r.Path, handlers[i])
	}
	return nil
}

// Handle serves h on mux for POST requests at path and returns the route
// as it may be shown (logs, /status): path itself, or, for a platform
// whose secret is a token in the URL (h.TokenInPath), path + "/{token}".
// Such a handler is mounted at path/{token...} and at path, so that a
// missing token is answered 401 by the handler, not 404 by the mux.
// wrap, when given, wraps h (a test's or a program's middleware).
func Handle(mux *http.ServeMux, path string, h *Handler, wrap ...func(http.Handler) http.Handler) (shown string) {
	var served http.Handler = h
	for _, w := range wrap {
		served = w(served)
	}
	mux.Handle("POST "+path, served)
	if !h.TokenInPath() {
		return path
	}
	mux.Handle("POST "+path+"/{"+providers.TokenWildcard+"...}", served)
	return path + "/" + providers.MaskedToken
}
