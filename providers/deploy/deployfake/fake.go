// Package deployfake holds local fakes of the Retell and Vapi APIs for the
// tests of callspec deploy: httptest servers that keep their objects in
// memory, require the API key, and check every write body against the
// vendor's published definition (Vapi: its OpenAPI in ../shared/vendors,
// with kin-openapi; Retell: the request fields and types of its official
// SDK). A body that does not match fails the test and is answered 422, as
// the vendor would.
package deployfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/callspec/callspec/providers/internal/providertest"
)

// Golden compares got with testdata/<name>.golden of the calling test's
// package; go test -update rewrites it (the providers' golden harness, for
// the tests outside providers/).
func Golden(tb testing.TB, name string, got []byte) { tb.Helper(); providertest.Golden(tb, name, got) }

// Request is one request the fake received.
type Request struct {
	Method, Path string
	Body         []byte
}

// Reply is an answer the fake gives instead of handling a request.
type Reply struct {
	Status     int
	Body       string
	RetryAfter string
	// Echo appends the request's body and Authorization header to Body,
	// as some APIs do in their error messages.
	Echo bool
}

// server is what both fakes share: the key check, the request log, the
// injected replies and the object store.
type server struct {
	*httptest.Server
	tb  testing.TB
	key string

	mu       sync.Mutex
	requests []Request
	replies  map[string][]Reply
	// Objects holds each object by kind and id.
	objects map[string]map[string]map[string]any
	next    int
}

func newServer(tb testing.TB, key string, route func(s *server, w http.ResponseWriter, r *http.Request, body []byte)) *server {
	s := &server{tb: tb, key: key, replies: map[string][]Reply{}, objects: map[string]map[string]map[string]any{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Body: body})
		if q := s.replies[r.Method+" "+r.URL.Path]; len(q) > 0 {
			reply := q[0]
			s.replies[r.Method+" "+r.URL.Path] = q[1:]
			if reply.RetryAfter != "" {
				w.Header().Set("Retry-After", reply.RetryAfter)
			}
			text := reply.Body
			if reply.Echo {
				text += fmt.Sprintf(" (request %s, authorization %s)", body, r.Header.Get("Authorization"))
			}
			writeJSON(w, reply.Status, map[string]any{"message": text})
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+s.key {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"message": "Invalid API key: " + r.Header.Get("Authorization")})
			return
		}
		route(s, w, r, body)
	}))
	tb.Cleanup(s.Close)
	return s
}

// Reply queues an answer for the next request to method and path.
func (s *server) Reply(method, path string, r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.replies[method+" "+path] = append(s.replies[method+" "+path], r)
}

// Requests returns the requests received so far.
func (s *server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Writes returns the requests that were not GETs.
func (s *server) Writes() []Request {
	var out []Request
	for _, r := range s.Requests() {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

// Put stores an object of kind under id, as if the user had made it in
// the dashboard.
func (s *server) Put(kind, id string, obj map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.put(kind, id, obj)
}

func (s *server) put(kind, id string, obj map[string]any) {
	if s.objects[kind] == nil {
		s.objects[kind] = map[string]map[string]any{}
	}
	s.objects[kind][id] = obj
}

// Object returns the stored object's JSON encoding, "" when absent.
func (s *server) Object(kind, id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	obj, ok := s.objects[kind][id]
	if !ok {
		return ""
	}
	b, _ := json.Marshal(obj)
	return string(b)
}

// Count is the number of objects of kind.
func (s *server) Count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.objects[kind])
}

// get answers the object of kind named by id, or 404.
func (s *server) get(w http.ResponseWriter, kind, id string) {
	obj, ok := s.objects[kind][id]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		return
	}
	writeJSON(w, http.StatusOK, obj)
}

// update replaces each top-level key of body in the stored object (what a
// PATCH does) and answers the object.
func (s *server) update(w http.ResponseWriter, kind, id string, body map[string]any) {
	obj, ok := s.objects[kind][id]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]any{"message": "Not Found"})
		return
	}
	for k, v := range body {
		obj[k] = v
	}
	writeJSON(w, http.StatusOK, obj)
}

// create stores body under a new id at idKey, with the extra keys the
// platform adds, and answers it.
func (s *server) create(w http.ResponseWriter, kind, idKey, id string, body, extra map[string]any) {
	for k, v := range extra {
		body[k] = v
	}
	body[idKey] = id
	s.put(kind, id, body)
	writeJSON(w, http.StatusCreated, body)
}

// refuse fails the test with the reason a body does not match the vendor's
// definition and answers 422 with it.
func (s *server) refuse(w http.ResponseWriter, r *http.Request, err error) {
	s.tb.Errorf("%s %s: the body does not match the vendor's definition: %v", r.Method, r.URL.Path, err)
	writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"message": err.Error()})
}

func decodeBody(body []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("body is not a JSON object: %v", err)
	}
	return m, nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// pathID returns the last segment of path after prefix, or "".
func pathID(path, prefix string) string {
	id, ok := strings.CutPrefix(path, prefix)
	if !ok || id == "" || strings.Contains(id, "/") {
		return ""
	}
	return id
}
