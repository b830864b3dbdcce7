package workflow

import (
	"fmt"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"crm/forms"
)

// Webhook targets are guarded against server-side request forgery: an automation written by an
// analyst must not make the server call its own admin ports, the cloud metadata service or the
// office network. Addresses in the ranges below are refused unless an admin's allow-list names
// them. The engine decides on the address it actually connects to, so a name that resolves
// differently later (DNS rebinding) gains nothing. IPv4-mapped, NAT64 and 6to4 addresses are
// judged by the IPv4 address they carry.
var restrictedNets = func() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range []string{
		"0.0.0.0/8",          // unspecified, "this network"
		"10.0.0.0/8",         // private
		"100.64.0.0/10",      // carrier-grade NAT
		"127.0.0.0/8",        // loopback
		"169.254.0.0/16",     // link-local, cloud metadata
		"172.16.0.0/12",      // private
		"192.0.0.0/24",       // IETF protocol assignments
		"192.168.0.0/16",     // private
		"198.18.0.0/15",      // benchmarking
		"224.0.0.0/4",        // multicast
		"240.0.0.0/4",        // reserved, broadcast
		"::/96",              // unspecified, loopback, IPv4-compatible
		"fe80::/10",          // link-local
		"fc00::/7",           // unique local
		"ff00::/8",           // multicast
		"2001:db8::/32",      // documentation
		"64:ff9b:1::/48",     // local-use NAT64
		"100::/64",           // discard
		"2001::/32",          // Teredo
		"192.0.2.0/24",       // documentation
		"198.51.100.0/24",    // documentation
		"203.0.113.0/24",     // documentation
		"255.255.255.255/32", // broadcast
	} {
		out = append(out, netip.MustParsePrefix(s))
	}
	return out
}()

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
)

// embeddedV4 finds the IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4).
func embeddedV4(ip netip.Addr) (netip.Addr, bool) {
	if ip.Is4In6() {
		return ip.Unmap(), true
	}
	b := ip.As16()
	switch {
	case nat64.Contains(ip):
		return netip.AddrFrom4([4]byte(b[12:16])), true
	case sixToFour.Contains(ip):
		return netip.AddrFrom4([4]byte(b[2:6])), true
	}
	return netip.Addr{}, false
}

// Restricted tells whether ip is in a range a webhook may not reach without the allow-list.
func Restricted(ip netip.Addr) bool {
	if !ip.IsValid() {
		return true
	}
	if v4, ok := embeddedV4(ip); ok {
		return Restricted(v4)
	}
	ip = ip.WithZone("")
	for _, p := range restrictedNets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// AllowList is the admin's list of restricted targets webhooks may reach all the same: host
// names (any port), "host:port", IP addresses and CIDR ranges.
type AllowList struct {
	names     map[string]bool // host names, lower case
	namePorts map[string]bool // "name:port"
	ipPorts   map[netip.AddrPort]bool
	nets      []netip.Prefix // IP entries as /32 or /128, CIDRs as given
}

var hostName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// ParseAllowList reads allow-list entries; problems point at /entries/{i}.
func ParseAllowList(entries []string) (*AllowList, []forms.Problem) {
	l := &AllowList{names: map[string]bool{}, namePorts: map[string]bool{}, ipPorts: map[netip.AddrPort]bool{}}
	var probs []forms.Problem
	for i, raw := range entries {
		if err := l.add(raw); err != nil {
			probs = append(probs, forms.Problem{Pointer: fmt.Sprintf("/entries/%d", i), Code: "invalid_entry", Message: err.Error()})
		}
	}
	return l, probs
}

func (l *AllowList) add(raw string) error {
	s := strings.ToLower(strings.TrimSpace(raw))
	bad := fmt.Errorf("%q is not a host name, host:port, IP address or CIDR range (such as hooks.internal, hooks.internal:8443, 10.1.2.3 or 10.1.0.0/16)", raw)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return bad
		}
		l.nets = append(l.nets, p.Masked())
		return nil
	}
	if ip, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		l.nets = append(l.nets, netip.PrefixFrom(ip.WithZone(""), ip.BitLen()))
		return nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = strings.TrimSuffix(s, "."), ""
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return bad
		}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if port == "" {
			return bad
		}
		n, _ := strconv.Atoi(port)
		l.ipPorts[netip.AddrPortFrom(ip.WithZone(""), uint16(n))] = true
		return nil
	}
	host = strings.TrimSuffix(host, ".")
	if !hostName.MatchString(host) {
		return bad
	}
	if port == "" {
		l.names[host] = true
	} else {
		l.namePorts[host+":"+port] = true
	}
	return nil
}

// Allows tells whether a webhook addressed to host:port (as the URL says) may connect to ip.
// Unrestricted addresses are always allowed; a nil list allows nothing restricted. A name on the
// list allows whatever it resolves to: the admin vouched for the name.
func (l *AllowList) Allows(host, port string, ip netip.Addr) bool {
	if !Restricted(ip) {
		return true
	}
	if l == nil {
		return false
	}
	ip = ip.WithZone("")
	if v4, ok := embeddedV4(ip); ok {
		ip = v4
	}
	host = strings.TrimSuffix(strings.ToLower(strings.Trim(host, "[]")), ".")
	if l.names[host] || l.namePorts[host+":"+port] {
		return true
	}
	if n, err := strconv.Atoi(port); err == nil && l.ipPorts[netip.AddrPortFrom(ip, uint16(n))] {
		return true
	}
	for _, p := range l.nets {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
