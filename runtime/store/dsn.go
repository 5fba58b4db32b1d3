package store

import (
	"errors"
	"net/url"
	"strings"
)

// A DSN may carry a password: in the user information of a URL
// (postgres://user:pw@host, redis://:pw@host), in a query parameter
// (?password=…, ?sslpassword=…), or in a form callspec does not accept
// (libpq's "host=h password=pw", a URL that does not parse). RedactDSN is
// the only place that decides what of a DSN may be shown; everything that
// prints or quotes a DSN goes through it.

// redacted replaces a secret in a shown DSN.
const redacted = "xxxxx"

// notShown stands for a DSN that is not shown at all.
const notShown = "(an address not shown, as it may hold a password)"

// RedactDSN returns dsn fit to print: the password of a postgres:// or
// redis:// URL and every query parameter whose name says it holds a
// secret (password, sslpassword, …) are replaced by "xxxxx", as is a
// fragment; a sqlite: path is shown without the parameters it must not
// have; memory: is shown as it is. A DSN that does not parse as one of
// these (a malformed URL, a libpq key=value string, an unknown scheme) is
// never shown: only its scheme, when it has one that parses.
func RedactDSN(dsn string) string {
	switch {
	case dsn == "" || dsn == "memory:":
		return dsn
	case strings.HasPrefix(dsn, "sqlite:"):
		if i := strings.IndexAny(dsn, "?#"); i >= 0 {
			return dsn[:i] + "?" + redacted
		}
		return dsn
	}
	u, _, err := parseURLDSN(dsn)
	if err != nil {
		if s := schemeOf(dsn); s != "" {
			return s + ":… " + notShown
		}
		return notShown
	}
	return u.String()
}

// parseURLDSN parses a postgres:// or redis:// DSN strictly (the URL and
// its query) and returns it redacted, with the secrets it held.
func parseURLDSN(dsn string) (shown *url.URL, secrets []string, err error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return nil, nil, errNotURL
	}
	switch u.Scheme {
	case "postgres", "postgresql", "redis", "rediss":
	default:
		return nil, nil, errNotURL
	}
	if u.Opaque != "" {
		return nil, nil, errNotURL
	}
	// url.Parse keeps a query it cannot decode as raw text, and
	// u.Query() silently drops the pairs it cannot decode (a bad
	// percent-escape, a ';'): a password there would be neither masked
	// nor noticed.
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, nil, errNotURL
	}
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			secrets = append(secrets, pw)
			u.User = url.UserPassword(u.User.Username(), redacted)
		}
	}
	masked := false
	for k, vs := range q {
		if !secretParam(k) {
			continue
		}
		secrets = append(secrets, vs...)
		for i := range vs {
			vs[i] = redacted
		}
		masked = true
	}
	if masked {
		u.RawQuery = q.Encode()
	}
	if u.Fragment != "" {
		secrets = append(secrets, u.Fragment)
		u.Fragment, u.RawFragment = redacted, ""
	}
	return u, secrets, nil
}

var errNotURL = errors.New("the store address is not a valid URL: check its port, its query (key=value pairs joined by '&') and its percent-encoding (a password holding '%', '@', ':', '/', '?' or '#' must be percent-encoded)")

// secretParam reports whether a query parameter holds a secret: password
// and sslpassword (libpq), and any other name that says so.
func secretParam(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"pass", "secret", "token", "credential"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// schemeOf returns the scheme of dsn when it starts with a well-formed
// one ("mysql" of "mysql://…"), or "".
func schemeOf(dsn string) string {
	i := strings.IndexByte(dsn, ':')
	if i <= 0 {
		return ""
	}
	for j, c := range dsn[:i] {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return dsn[:i]
}

// dsnError wraps an error of a driver opening a DSN so that no secret of
// the DSN appears in its message: drivers quote the address they were
// given in parse and connection errors, and not all of them redact what
// callspec redacts.
type dsnError struct {
	err     error
	secrets []string
}

func (e *dsnError) Error() string {
	msg := e.err.Error()
	for _, s := range e.secrets {
		if s == "" {
			continue
		}
		msg = strings.ReplaceAll(msg, s, redacted)
		// The driver may quote it percent-encoded.
		msg = strings.ReplaceAll(msg, url.QueryEscape(s), redacted)
		msg = strings.ReplaceAll(msg, url.PathEscape(s), redacted)
	}
	return msg
}

func (e *dsnError) Unwrap() error { return e.err }

// scrub returns err with every secret of secrets removed from its message.
func scrub(err error, secrets []string) error {
	if err == nil || len(secrets) == 0 {
		return err
	}
	return &dsnError{err: err, secrets: secrets}
}
