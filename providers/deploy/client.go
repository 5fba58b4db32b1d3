package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/callspec/callspec/providers/internal/configtext"
)

// Client calls one platform's JSON API with a bearer API key. It retries
// 429 and 5xx answers with exponential backoff, honouring Retry-After, and
// turns every failure into a full sentence that names the key's
// environment variable, the object and what to do, with every secret it
// knows of redacted.
type Client struct {
	// Vendor is the platform's display name ("Retell").
	Vendor string
	// BaseURL is the API's base, without a trailing slash.
	BaseURL string
	// KeyEnv names the environment variable the key came from.
	KeyEnv string
	key    string
	// Redact removes secrets from every text the client produces.
	Redact *Redactor
	// HTTP is the underlying client (timeouts); Sleep waits between
	// attempts. Tests replace both.
	HTTP  *http.Client
	Sleep func(context.Context, time.Duration) error
	// Attempts is the number of tries of a request that is retried.
	Attempts int
}

// Request timeout and retry budget of a Client.
const (
	requestTimeout = 30 * time.Second
	attempts       = 4
	firstBackoff   = 500 * time.Millisecond
	// maxRetryAfter is the longest Retry-After the client waits for;
	// beyond it the user is told when to run deploy again.
	maxRetryAfter = 60 * time.Second
)

// NewClient returns a client for the API at baseURL with key, which is
// added to r so that no output shows it.
func NewClient(vendor, baseURL, keyEnv, key string, r *Redactor) *Client {
	r.Add(key)
	return &Client{
		Vendor: vendor, BaseURL: strings.TrimRight(baseURL, "/"), KeyEnv: keyEnv, key: key, Redact: r,
		HTTP: &http.Client{Timeout: requestTimeout}, Sleep: sleep, Attempts: attempts,
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Request is one API call.
type Request struct {
	Method string
	// Path is the escaped path after the base URL, e.g. /get-agent/agent_1.
	Path string
	// Body is sent as JSON when not nil; Out receives the decoded answer
	// when not nil.
	Body any
	Out  any
	// What names the object in messages: `agent "agent_1"`.
	What string
	// NotFound says what to do when the object does not exist.
	NotFound string
}

// Do performs r. GET and PATCH are retried on 429, 5xx and network
// errors; POST, which may create an object, only on 429 (nothing was
// done).
func (c *Client) Do(ctx context.Context, r Request) error {
	var body []byte
	if r.Body != nil {
		var err error
		if body, err = marshal(r.Body); err != nil {
			return fmt.Errorf("internal error: encode the request for %s: %v", r.What, err)
		}
	}
	wait := firstBackoff
	for attempt := 1; ; attempt++ {
		status, answer, header, err := c.once(ctx, r.Method, r.Path, body)
		retryable := status == http.StatusTooManyRequests || (r.Method != http.MethodPost && (err != nil || status >= 500))
		if err == nil && status < 300 {
			if r.Out == nil || len(bytes.TrimSpace(answer)) == 0 {
				return nil
			}
			if err := decode(answer, r.Out); err != nil {
				return errors.New(c.Redact.String(fmt.Sprintf("%s answered %s %s with a body that is not the JSON object callspec expects (%v); check --api-url", c.Vendor, r.Method, r.Path, err)))
			}
			return nil
		}
		if !retryable || attempt >= c.Attempts {
			return c.failure(r, status, answer, err, attempt)
		}
		delay := wait
		if after, ok := retryAfter(header.Get("Retry-After"), time.Now()); ok {
			if after > maxRetryAfter {
				return errors.New(c.Redact.String(fmt.Sprintf("%s is rate-limiting the requests for %s and asks to wait %s (429 on %s %s): run callspec deploy again after that", c.Vendor, r.What, after.Round(time.Second), r.Method, r.Path)))
			}
			delay = after
		}
		if err := c.Sleep(ctx, delay); err != nil {
			return err
		}
		wait *= 2
	}
}

func (c *Client) once(ctx context.Context, method, path string, body []byte) (status int, answer []byte, h http.Header, err error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	answer, err = io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, answer, resp.Header, nil
}

// failure is the sentence for a request that did not succeed.
func (c *Client) failure(r Request, status int, answer []byte, err error, tries int) error {
	on := fmt.Sprintf("%s %s", r.Method, r.Path)
	// Redacted before it is cut short, so no part of a secret the vendor
	// echoes survives.
	answer = []byte(c.Redact.String(string(answer)))
	var msg string
	switch {
	case err != nil:
		msg = fmt.Sprintf("could not reach %s at %s for %s (%v, after %d attempts): check --api-url and the network, then run callspec deploy again", c.Vendor, c.BaseURL, r.What, unwrapURLError(err), tries)
	case status == http.StatusUnauthorized:
		msg = fmt.Sprintf("%s refused the API key in %s (401 on %s): set %s to a valid API key from the %s dashboard", c.Vendor, c.KeyEnv, on, c.KeyEnv, c.Vendor)
	case status == http.StatusForbidden:
		msg = fmt.Sprintf("%s does not let the API key in %s reach %s (403 on %s): use a key of the workspace that owns it", c.Vendor, c.KeyEnv, r.What, on)
	case status == http.StatusNotFound:
		msg = fmt.Sprintf("%s has no %s (404 on %s): %s", c.Vendor, r.What, on, r.NotFound)
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		msg = fmt.Sprintf("%s refused the request for %s (%d on %s): %s. Fix the setting it names (in the spec, or on the live object for a setting callspec does not manage) and run callspec deploy again", c.Vendor, r.What, status, on, vendorMessage(answer))
	case status == http.StatusTooManyRequests:
		msg = fmt.Sprintf("%s kept rate-limiting the requests for %s (429 on %s, %d attempts): wait a minute and run callspec deploy again", c.Vendor, r.What, on, tries)
	default:
		msg = fmt.Sprintf("%s failed on %s (%d on %s, %d attempts): %s; try again later", c.Vendor, r.What, status, on, tries, vendorMessage(answer))
	}
	return errors.New(c.Redact.String(msg))
}

// unwrapURLError drops net/http's "Get "url": " prefix, which repeats the
// URL the message already names.
func unwrapURLError(err error) error {
	var u *url.Error
	if errors.As(err, &u) {
		return u.Err
	}
	return err
}

// vendorMessage is the vendor's own explanation in an error body: the
// message, error_message, error or detail key, else the start of the text.
func vendorMessage(answer []byte) string {
	var doc map[string]any
	if json.Unmarshal(answer, &doc) == nil {
		for _, k := range []string{"message", "error_message", "error", "detail"} {
			switch v := doc[k].(type) {
			case string:
				if v != "" {
					return clip(v)
				}
			case []any:
				parts := make([]string, 0, len(v))
				for _, p := range v {
					parts = append(parts, fmt.Sprint(p))
				}
				return clip(strings.Join(parts, "; "))
			}
		}
	}
	if t := strings.TrimSpace(string(answer)); t != "" {
		return clip(t)
	}
	return "no reason given"
}

func clip(s string) string {
	const max = 1000
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d, true
		}
		return 0, true
	}
	return 0, false
}

// marshal is the one JSON encoding deploy sends and prints.
var marshal = configtext.Compact

// decode reads JSON keeping numbers as written (json.Number), so a live
// value sent back is the value that was read.
func decode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	return d.Decode(v)
}

// Redactor replaces known secrets in texts.
type Redactor struct{ secrets []string }

// Add registers a secret; empty and very short strings are ignored, as
// replacing them would garble every message.
func (r *Redactor) Add(secret string) {
	if len(secret) >= 4 {
		r.secrets = append(r.secrets, secret)
	}
}

// String returns s with every registered secret replaced by [redacted].
func (r *Redactor) String(s string) string {
	for _, x := range r.secrets {
		s = strings.ReplaceAll(s, x, "[redacted]")
	}
	return s
}

// Get fetches the JSON object at path.
func (c *Client) Get(ctx context.Context, path, what, notFound string) (map[string]any, error) {
	var live map[string]any
	if err := c.Do(ctx, Request{Method: http.MethodGet, Path: path, Out: &live, What: what, NotFound: notFound}); err != nil {
		return nil, err
	}
	if live == nil {
		return nil, errors.New(c.Redact.String(fmt.Sprintf("%s answered GET %s with no object; check --api-url", c.Vendor, path)))
	}
	return live, nil
}

// Write sends body with method to path and returns the answer's string
// value at idKey (the id of a created object), or "" when idKey is "".
func (c *Client) Write(ctx context.Context, method, path string, body any, what, notFound, idKey string) (string, error) {
	var answer map[string]any
	if err := c.Do(ctx, Request{Method: method, Path: path, Body: body, Out: &answer, What: what, NotFound: notFound}); err != nil {
		return "", err
	}
	if idKey == "" {
		return "", nil
	}
	id, _ := answer[idKey].(string)
	if id == "" {
		return "", errors.New(c.Redact.String(fmt.Sprintf("%s answered %s %s without the %s of the new %s; look for it in the %s dashboard and add it to the spec's deploy: block", c.Vendor, method, path, idKey, what, c.Vendor)))
	}
	return id, nil
}
