"""Security headers on every response, and trust in the proxy in front for the scheme and address.

Pages load scripts, styles, fonts and images from this site only, with no inline script and no
inline style but the print view's and the site's own files written into a page (allowed by their
hashes), so markup that slipped into a page could not run or restyle it; and no site may frame
them except the count badge and the sign-on widget, which partners embed.
"""

import base64
import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, g, request, session
from markupsafe import Markup
from werkzeug.middleware.proxy_fix import ProxyFix


STATIC = Path(__file__).resolve().parents[2] / "static"
#: the site's own files a page may carry inline, for visitors on slow connections: each costs a round trip
#: when linked (two seconds on a slow mobile connection), and is allowed inline by its hash alone
INLINE_STYLES = ("css/app.css",)
INLINE_SCRIPTS = ("js/country-finder.js",)


@cache
def inline_static(name: str) -> Markup:
    """One of the site's own files, to write into a page inside <style> or <script>."""
    if name not in INLINE_STYLES + INLINE_SCRIPTS:
        raise ValueError(f"{name} is not allowed inline")
    return Markup((STATIC / name).read_text(encoding="utf-8"))


def _hashes(names: tuple[str, ...]) -> str:
    return " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(str(inline_static(name)).encode()).digest()).decode()}'"
                    for name in names)


CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    f"script-src 'self' {_hashes(INLINE_SCRIPTS)}",
    f"style-src 'self' {_hashes(INLINE_STYLES)}",
    "img-src 'self' data:",  # data: for the logo preview on the network settings page
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
#: endpoints served under a policy of their own (X-Frame-Options goes with frame-ancestors 'none')
OWN_POLICIES = {
    # partners embed the count badge: an SVG document of shapes and text that needs nothing loaded
    "signons.badge": "default-src 'none'; frame-ancestors *",
    # ...and the sign-on widget: a page like any other, but any site may frame it
    "signons.embed": CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *"),
    # the print view is the PDF's own HTML, whose page size and running headers are an inline stylesheet
    "export.print_view": CONTENT_SECURITY_POLICY.replace(f"style-src 'self' {_hashes(INLINE_STYLES)}",
                                                         "style-src 'self' 'unsafe-inline'"),
}
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "display-capture", "geolocation", "gyroscope", "magnetometer", "microphone",
    "payment", "usb",
))
#: how an answer for one person is sent: no cache, shared or in the browser, keeps it
PRIVATE = "private, no-store"
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def add_security_headers(response):
    """Set the security headers on a response."""
    headers = response.headers
    policy = CONTENT_SECURITY_POLICY
    if response.status_code < 400:  # an error page is an ordinary page, whatever the address
        policy = OWN_POLICIES.get(request.endpoint, policy)
    headers["Content-Security-Policy"] = policy
    if "frame-ancestors 'none'" in policy:
        headers["X-Frame-Options"] = "DENY"  # for browsers that do not know frame-ancestors
    for name, value in COMMON_HEADERS.items():
        headers[name] = value
    hsts_seconds = current_app.config.get("HSTS_SECONDS")
    if hsts_seconds and request.is_secure:  # browsers ignore it over plain HTTP anyway
        headers["Strict-Transport-Security"] = f"max-age={hsts_seconds}"
    return response


def keep_private_answers_private(response):
    """Send every answer to a logged-in person as private and not to be stored: it may show what their
    role allows (names, contact details, drafts) that nobody else may see."""
    # where Flask-Login keeps the user once the request has asked for it; by its type, so that a proxy
    # stored there by mistake is not asked (it would ask itself)
    from statements.accounts.models import User  # (here: the accounts package imports what imports this module)

    user = g.get("_login_user")
    if issubclass(type(user), User) or "_user_id" in session:
        response.headers["Cache-Control"] = PRIVATE
    return response


def register_security(app: Flask) -> None:
    """Trust TRUSTED_PROXIES proxies in front, add the security headers to every response, and keep answers
    to logged-in people out of caches."""
    proxies = app.config.get("TRUSTED_PROXIES", 0)
    if proxies:
        # the scheme (HSTS, generated URLs) and the client's address (logs, rate limits)
        # come from the proxies' X-Forwarded-Proto and X-Forwarded-For; the host stays the Host header,
        # which the proxy passes on, so that a made-up X-Forwarded-Host cannot change a cached address
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    app.after_request(add_security_headers)
    app.after_request(keep_private_answers_private)
