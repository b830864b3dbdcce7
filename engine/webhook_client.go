package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"crm/workflow"
)

// The webhook HTTP client. Its guard runs in the dialer's Control hook, on the address the
// socket is about to connect to, after name resolution: a name that resolved to a public address
// when the automation was saved and to 127.0.0.1 now (DNS rebinding) is refused at that moment.
// Proxies from the environment are not used (they would connect for us, unchecked), redirects are
// not followed (a public receiver could redirect to an internal one), connections are not reused
// (an allow-list entry removed by an admin stops applying at once), and answers are read only up
// to a limit.
const (
	webhookTimeout     = 10 * time.Second
	webhookAnswerLimit = 64 << 10
	webhookUserAgent   = "crm-webhooks/1"
)

// targetRefusedError is a connection the guard refused: retrying cannot help until an admin
// changes the allow-list, so the delivery ends at once.
type targetRefusedError struct {
	host string
	ip   netip.Addr
}

func (t *targetRefusedError) Error() string {
	return fmt.Sprintf("target_not_allowed: %s is %s, a private, loopback, link-local or otherwise restricted address that the webhook allow-list does not name", t.host, t.ip)
}

type allowKey struct{}

var webhookClient = &http.Client{
	Timeout:       webhookTimeout,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport: &http.Transport{
		Proxy:                  nil,
		DialContext:            guardedDial,
		DisableKeepAlives:      true,
		TLSHandshakeTimeout:    webhookTimeout,
		ResponseHeaderTimeout:  webhookTimeout,
		MaxResponseHeaderBytes: 16 << 10,
	},
}

// guardedDial connects to addr (host:port as the URL says) and lets the connection go ahead only
// to an address the allow-list in ctx permits.
func guardedDial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	allow, _ := ctx.Value(allowKey{}).(*workflow.AllowList)
	d := &net.Dialer{Timeout: webhookTimeout, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &targetRefusedError{host: host}
		}
		if !allow.Allows(host, port, ap.Addr()) {
			return &targetRefusedError{host: host, ip: ap.Addr()}
		}
		return nil
	}}
	return d.DialContext(ctx, network, addr)
}

// sendWebhook makes one signed attempt and returns the receiver's status code.
func sendWebhook(ctx context.Context, allow *workflow.AllowList, url, id string, ts int64, body, key []byte) (int, error) {
	ctx, cancel := context.WithTimeout(context.WithValue(ctx, allowKey{}, allow), webhookTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", webhookUserAgent)
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("webhook-signature", workflow.SignWebhook(key, id, ts, body))
	resp, err := webhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, webhookAnswerLimit))
	return resp.StatusCode, nil
}
