package workflow

import (
	"net/netip"
	"strings"
	"testing"
)

// TestSignWebhookMatchesTheStandard: the Standard Webhooks specification's own example.
func TestSignWebhookMatchesTheStandard(t *testing.T) {
	key, err := DecodeSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		t.Fatal(err)
	}
	got := SignWebhook(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	if EncodeSecret(key) != "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" {
		t.Errorf("EncodeSecret does not give the secret back: %s", EncodeSecret(key))
	}
}

func TestWebhookChecks(t *testing.T) {
	for _, c := range []struct {
		url, secret string
		codes       []string // pointer suffix=code
	}{
		{"https://hooks.example.com/crm", "", nil},
		{"http://hooks.example.com:8080/crm?x=1", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", nil},
		{"", "", []string{"/url=missing_option"}},
		{"/relative", "", []string{"/url=invalid_url"}},
		{"ftp://example.com/x", "", []string{"/url=invalid_url"}},
		{"https://user:pw@example.com/x", "", []string{"/url=invalid_url"}},
		{"https://example.com:99999/x", "", []string{"/url=invalid_url"}},
		{"https:///nohost", "", []string{"/url=invalid_url"}},
		{"https://example.com/x", "secret", []string{"/secret=invalid_secret"}},
		{"https://example.com/x", "whsec_c2hvcnQ=", []string{"/secret=invalid_secret"}}, // 5 bytes
		{"https://example.com/x", "whsec_not base64!", []string{"/secret=invalid_secret"}},
		{"https://example.com/x", MaskSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), []string{"/secret=invalid_secret"}},
	} {
		probs := checkWebhook("/actions/2", Action{Type: ActionWebhook, URL: c.url, Secret: c.secret})
		var got []string
		for _, p := range probs {
			got = append(got, strings.TrimPrefix(p.Pointer, "/actions/2")+"="+p.Code)
		}
		if strings.Join(got, ",") != strings.Join(c.codes, ",") {
			t.Errorf("url %q secret %q: problems %v, want %v", c.url, c.secret, got, c.codes)
		}
	}
	m := MaskSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if m != "whsec_…LaSw" || !IsMaskedSecret(m) || IsMaskedSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
		t.Errorf("mask %q", m)
	}
}

func TestRestrictedAddresses(t *testing.T) {
	for s, want := range map[string]bool{
		"127.0.0.1": true, "10.1.2.3": true, "172.20.0.1": true, "192.168.1.1": true, "169.254.169.254": true,
		"100.64.0.1": true, "0.0.0.0": true, "224.0.0.1": true, "255.255.255.255": true,
		"::1": true, "::": true, "fe80::1": true, "fd00::1": true, "ff02::1": true,
		"::ffff:127.0.0.1": true, "64:ff9b::a00:1": true, "2002:c0a8:101::1": true,
		"8.8.8.8": false, "93.184.216.34": false, "2606:4700::1111": false, "::ffff:8.8.8.8": false,
	} {
		if got := Restricted(netip.MustParseAddr(s)); got != want {
			t.Errorf("Restricted(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestAllowList(t *testing.T) {
	l, probs := ParseAllowList([]string{"hooks.internal", "Build.Local:8443", "10.1.0.0/16", "127.0.0.1:9000", "fd00::7", "not a host", "1.2.3.4:0"})
	if len(probs) != 2 || probs[0].Pointer != "/entries/5" || probs[1].Pointer != "/entries/6" {
		t.Fatalf("problems: %v", probs)
	}
	ip := netip.MustParseAddr
	for _, c := range []struct {
		host, port, ip string
		want           bool
	}{
		{"example.com", "443", "93.184.216.34", true}, // public: always
		{"evil.example", "443", "127.0.0.1", false},   // a public name resolving to loopback
		{"hooks.internal", "80", "10.9.9.9", true},    // a named host, any port
		{"build.local", "8443", "192.168.1.5", true},  // name and port
		{"build.local", "8080", "192.168.1.5", false}, // another port
		{"x", "80", "10.1.200.3", true},               // inside the CIDR
		{"x", "80", "10.2.0.1", false},
		{"127.0.0.1", "9000", "127.0.0.1", true},
		{"localhost", "9000", "127.0.0.1", true}, // the IP and port are what is connected
		{"127.0.0.1", "9001", "127.0.0.1", false},
		{"x", "80", "fd00::7", true},
		{"x", "80", "::ffff:10.1.0.9", true},
	} {
		if got := l.Allows(c.host, c.port, ip(c.ip)); got != c.want {
			t.Errorf("Allows(%s, %s, %s) = %v, want %v", c.host, c.port, c.ip, got, c.want)
		}
	}
	var none *AllowList
	if none.Allows("localhost", "80", ip("127.0.0.1")) || !none.Allows("example.com", "80", ip("1.1.1.1")) {
		t.Error("a nil list allows exactly the unrestricted addresses")
	}
}
