package rules

import (
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/callspec/callspec/compiler/spec"
	"github.com/callspec/callspec/rules/catalog"
)

func init() {
	register(&Rule{
		Rule: catalog.WebhookURL.Rule(),
		Check: func(p *Pass) {
			wh := p.Spec.Webhook
			checkWebhookURL(p, "webhook URL", wh.URL)
			if wh.Forward.Set {
				checkWebhookURL(p, "forward URL", wh.Forward.URL)
			}
		},
	})
}

func checkWebhookURL(p *Pass, what string, s spec.String) {
	if !s.Set {
		return // a missing url is a schema finding
	}
	raw := strings.TrimSpace(s.Value)
	if raw == "" {
		p.Report(s.Where(), "the %s is empty; give the https address where the handler is served", what)
		return
	}
	if !strings.Contains(raw, "://") {
		u, err := url.Parse("https://" + raw)
		if err != nil || u.Host == "" {
			p.Report(s.Range(), "the %s has no scheme and is not a valid address; write it as https://host/path", what)
			return
		}
		if u.User != nil || secretInQuery(u.String()) != "" {
			// Never repeat a URL that holds a credential.
			p.Report(s.Range(), "the %s has no scheme; write it as https://host/path", what)
		} else {
			p.Report(s.Range(), "the %s %q has no scheme, so platforms refuse or guess it; write it as %q", what, raw, "https://"+raw)
		}
		checkURLParts(p, what, s, u)
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		p.Report(s.Range(), "the %s is not a valid URL (%s); write it as https://host/path", what, urlErrorReason(err))
		return
	}
	if !strings.EqualFold(u.Scheme, "https") {
		p.Report(s.Range(), "the %s must use https, not %s, because deliveries carry personal data; serve the handler over TLS", what, u.Scheme)
	}
	checkURLParts(p, what, s, u)
}

func checkURLParts(p *Pass, what string, s spec.String, u *url.URL) {
	if u.User != nil {
		p.Report(s.Range(), "the %s carries credentials (user:password@); remove them and authenticate deliveries with the signing secret (env:NAME) instead", what)
	}
	host := u.Hostname()
	if host == "" {
		p.Report(s.Range(), "the %s has no host; write it as https://host/path", what)
		return
	}
	if kind, addr := localHostKind(host); kind != "" {
		shown := host
		if addr.IsValid() && addr.String() != host {
			shown = fmt.Sprintf("%s (%s)", host, addr)
		}
		p.Report(s.Range(), "the %s points at %s, a %s address that the voice platform cannot reach; use the public https address of the handler", what, shown, kind)
	}
}

// urlErrorReason is the part of a url.Error that says what is wrong,
// without repeating the URL, which may hold a secret.
func urlErrorReason(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return err.Error()
}

// localHostKind says why host cannot be a public receiver ("loopback",
// "private", "link-local", "unspecified"), or "" when it may be one, with
// the address the host stands for when it is an IP address. Host
// names are compared without case and trailing dot; IP addresses are
// recognised in every spelling a URL parser accepts: IPv6 (with or without
// an embedded IPv4 address) and IPv4 as dotted decimal, as one number
// (2130706433), in hex (0x7f000001) or octal (0177.0.0.1), or shortened
// (127.1).
func localHostKind(host string) (kind string, addr netip.Addr) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return "loopback", netip.Addr{}
	}
	addr, err := netip.ParseAddr(h)
	if err != nil {
		v4, ok := parseLegacyIPv4(h)
		if !ok {
			return "", netip.Addr{} // a host name
		}
		addr = v4
	}
	addr = addr.WithZone("").Unmap()
	if addr.Is6() {
		// ::a.b.c.d (IPv4-compatible) embeds an IPv4 address too.
		b := addr.As16()
		if b16 := [12]byte(b[:12]); b16 == [12]byte{} && !addr.IsUnspecified() && !addr.IsLoopback() {
			addr = netip.AddrFrom4([4]byte(b[12:]))
		}
	}
	switch {
	case addr.IsLoopback():
		kind = "loopback"
	case addr.IsUnspecified() || (addr.Is4() && addr.As4()[0] == 0):
		kind = "unspecified"
	case addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast():
		kind = "link-local"
	case addr.IsPrivate() || sharedAddressSpace.Contains(addr):
		kind = "private"
	}
	return kind, addr
}

// sharedAddressSpace is carrier-grade NAT space (RFC 6598), private in
// practice.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// parseLegacyIPv4 reads the IPv4 forms that the WHATWG URL parser (and so
// browsers, curl and many HTTP clients) accept besides dotted decimal: one
// to four parts, each decimal, hex (0x…) or octal (leading 0), the last
// part filling the remaining bytes.
func parseLegacyIPv4(h string) (netip.Addr, bool) {
	parts := strings.Split(h, ".")
	if len(parts) > 4 || len(parts) == 0 {
		return netip.Addr{}, false
	}
	nums := make([]uint64, len(parts))
	for i, part := range parts {
		n, ok := parseIPv4Part(part)
		if !ok {
			return netip.Addr{}, false
		}
		nums[i] = n
	}
	var v uint64
	for i, n := range nums[:len(nums)-1] {
		if n > 255 {
			return netip.Addr{}, false
		}
		v |= n << (8 * (3 - i))
	}
	last := nums[len(nums)-1]
	if last >= 1<<(8*(5-len(nums))) {
		return netip.Addr{}, false
	}
	v |= last
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), true
}

func parseIPv4Part(s string) (uint64, bool) {
	base := 10
	switch {
	case strings.HasPrefix(s, "0x") || strings.HasPrefix(s, "0X"):
		s, base = s[2:], 16
		if s == "" {
			return 0, true
		}
	case len(s) > 1 && s[0] == '0':
		s, base = s[1:], 8
	}
	if s == "" {
		return 0, false
	}
	n, err := strconv.ParseUint(s, base, 64)
	return n, err == nil && n <= 1<<32
}

// httpsURLProblem says what keeps raw from being a public https link, or
// returns "" when it is one. what names the link in the sentence.
func httpsURLProblem(what, raw string) string {
	raw = strings.TrimSpace(raw)
	if !strings.Contains(raw, "://") {
		return fmt.Sprintf("%s has no scheme; write it as https://host/path", what)
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Sprintf("%s is not a valid URL (%s)", what, urlErrorReason(err))
	case !strings.EqualFold(u.Scheme, "https"):
		return fmt.Sprintf("%s must use https, not %s", what, u.Scheme)
	case u.User != nil:
		return fmt.Sprintf("%s carries credentials (user:password@); remove them", what)
	case u.Hostname() == "":
		return fmt.Sprintf("%s has no host", what)
	}
	return ""
}
