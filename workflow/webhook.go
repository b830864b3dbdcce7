package workflow

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"crm/forms"
)

// Webhook actions are signed by the Standard Webhooks scheme: a secret "whsec_" + base64 of
// random bytes, and a signature "v1," + base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)),
// so receivers can verify deliveries with any Standard Webhooks library.
const (
	SecretPrefix = "whsec_"
	// SecretMinBytes and SecretMaxBytes bound the decoded key, as the Standard Webhooks spec does.
	SecretMinBytes = 24
	SecretMaxBytes = 64
	// maskMark follows the prefix in a masked secret; it is not base64, so a masked secret can
	// never be mistaken for a real one.
	maskMark = "…"
)

// CheckWebhookURL accepts an absolute http or https URL with a host and without user info
// (credentials in a URL end up in logs and in the definition shown to analysts).
func CheckWebhookURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() {
		return fmt.Errorf("%q is not an absolute URL such as https://example.com/hooks/crm", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("a webhook URL is http or https, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("the webhook URL %q has no host", raw)
	}
	if u.User != nil {
		return fmt.Errorf("a webhook URL carries no user name or password; the signature authenticates the sender")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("port %q of the webhook URL is not between 1 and 65535", p)
		}
	}
	return nil
}

// DecodeSecret returns the HMAC key of a "whsec_..." secret.
func DecodeSecret(s string) ([]byte, error) {
	rest, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return nil, fmt.Errorf("a webhook secret starts with %q followed by base64", SecretPrefix)
	}
	key, err := base64.StdEncoding.DecodeString(rest)
	if err != nil {
		return nil, fmt.Errorf("a webhook secret is %q followed by standard base64 (with padding)", SecretPrefix)
	}
	if len(key) < SecretMinBytes || len(key) > SecretMaxBytes {
		return nil, fmt.Errorf("a webhook secret holds %d to %d bytes, this one %d", SecretMinBytes, SecretMaxBytes, len(key))
	}
	return key, nil
}

// EncodeSecret formats key bytes as a secret.
func EncodeSecret(key []byte) string { return SecretPrefix + base64.StdEncoding.EncodeToString(key) }

// MaskSecret shows a secret as "whsec_…" and its last 4 characters: enough to tell secrets apart,
// not enough to sign.
func MaskSecret(s string) string {
	if s == "" {
		return ""
	}
	tail := s
	if len(tail) > 4 {
		tail = tail[len(tail)-4:]
	}
	return SecretPrefix + maskMark + tail
}

// IsMaskedSecret tells a masked secret (sent back by a client that read it) from a real one.
func IsMaskedSecret(s string) bool { return strings.HasPrefix(s, SecretPrefix+maskMark) }

// SignWebhook is the webhook-signature header of one delivery attempt.
func SignWebhook(key []byte, id string, timestamp int64, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id + "." + strconv.FormatInt(timestamp, 10) + "."))
	m.Write(body)
	return "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// checkWebhook reports the problems of a webhook action at pointer at. An empty secret is fine
// (the engine makes one when saving).
func checkWebhook(at string, act Action) []forms.Problem {
	var probs []forms.Problem
	if act.URL == "" {
		probs = append(probs, forms.Problem{Pointer: at + "/url", Code: "missing_option", Message: "a webhook needs a url"})
	} else if err := CheckWebhookURL(act.URL); err != nil {
		probs = append(probs, forms.Problem{Pointer: at + "/url", Code: "invalid_url", Message: err.Error()})
	}
	if act.Secret != "" {
		msg := ""
		if IsMaskedSecret(act.Secret) {
			msg = "this masked secret is not one of the automation's secrets; send it back unchanged, send a new secret, or leave it empty for a new one"
		} else if _, err := DecodeSecret(act.Secret); err != nil {
			msg = err.Error()
		}
		if msg != "" {
			probs = append(probs, forms.Problem{Pointer: at + "/secret", Code: "invalid_secret", Message: msg})
		}
	}
	return probs
}

// WebhookType is the type of a delivery's event: "record." + the trigger ("record.created",
// "record.updated", "record.deleted", "record.manual", "record.scheduled", ...).
func WebhookType(trigger string) string { return "record." + trigger }
