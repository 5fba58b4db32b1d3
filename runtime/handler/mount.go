package handler

import "net/http"

// Route is where one target platform of a workflow posts: the path of the
// spec's webhook.url, then "/" and the platform's name
// (workflow.HookPath). Generated packages list theirs in Routes.
type Route struct {
	Provider, Path string
}

// Mount serves newHandler(provider) on mux for POST requests at the path
// of every route. It fails, mounting nothing more, when a handler cannot
// be built (for example when the signing secret is not set). Every
// generated package's Mount is this, with its own Service.
func Mount(mux *http.ServeMux, routes []Route, newHandler func(provider string) (*Handler, error)) error {
	for _, r := range routes {
		h, err := newHandler(r.Provider)
		if err != nil {
			return err
		}
		mux.Handle("POST "+r.Path, h)
	}
	return nil
}
