package rules

import "testing"

// TestLocalHostKind covers the spellings of local addresses that URL
// parsers accept, which a regular expression would miss.
func TestLocalHostKind(t *testing.T) {
	cases := []struct {
		host, want string
	}{
		{"localhost", "loopback"},
		{"LOCALHOST.", "loopback"},
		{"api.localhost", "loopback"},
		{"127.0.0.1", "loopback"},
		{"127.1", "loopback"},
		{"2130706433", "loopback"},
		{"0x7f000001", "loopback"},
		{"0x7f.0.0.1", "loopback"},
		{"0177.0.0.1", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"::ffff:7f00:1", "loopback"},
		{"::127.0.0.1", "loopback"},
		{"10.0.0.5", "private"},
		{"172.16.3.4", "private"},
		{"192.168.1.2", "private"},
		{"3232235778", "private"},
		{"100.64.0.1", "private"},
		{"fd00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1%eth0", "link-local"},
		{"0.0.0.0", "unspecified"},
		{"0", "unspecified"},
		{"::", "unspecified"},
		{"0.1.2.3", "unspecified"},
		{"example.com", ""},
		{"ops.example.com", ""},
		{"8.8.8.8", ""},
		{"134744072", ""},
		{"2001:4860:4860::8888", ""},
		{"1.2.3.4.5", ""},
		{"256.0.0.1", ""},
		{"localhost.example.com", ""},
	}
	for _, c := range cases {
		if got, _ := localHostKind(c.host); got != c.want {
			t.Errorf("localHostKind(%q) = %q, want %q", c.host, got, c.want)
		}
	}
}
