"""Web hardening: check --deploy clean in production, security headers and a strict CSP, secure
cookies, CSRF, no inline scripts or styles in templates, the API rate limit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from liangping.core.api import create_token
from tests.accounts.test_passwords import run_settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "liangping").rglob("templates/**/*.html"))
PRODUCTION = {
    "LIANGPING_ENV": "production",
    "LIANGPING_SECRET_KEY": "Xq7-vN2pL9sR4tW8yZ1bC6dF3gH5jK0mQ2eU7iO9aS4lP8nB1cV6xM3zT5wY0r",
    "LIANGPING_ALLOWED_HOSTS": "liangping.zaozhuang.gov.cn",
    "LIANGPING_AUDIT_KEY": "Au7-kV2pL9sR4tW8yZ1bC6dF3gH5jK0mQ2eU7iO9aS4l",
    "LIANGPING_FIELD_KEY": "Fk3-pQ8wR2tY6uI0oP4aS9dG1hJ5kL7zX3cV8bN2mQ6wE0rT",
}


def test_check_deploy_reports_nothing_in_production(tmp_path):
    # the test run's own switches (the async-unsafe flag is for Playwright) are not production's
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LIANGPING_") and k not in skip}
    clean.update(PRODUCTION, LIANGPING_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="liangping.settings")
    result = subprocess.run(
        [sys.executable, "-m", "liangping.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


def test_production_cookies_and_https(tmp_path):
    names = [
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_SAMESITE",
        "CSRF_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "TWO_FACTOR_RELAXED",
    ]
    code = "import django; django.setup(); from django.conf import settings as s; " + "; ".join(
        f"print(s.{n})" for n in names
    )
    result = run_settings(code, PRODUCTION, tmp_path)
    assert result.stdout.split() == [
        "True",
        "True",
        "Lax",
        "True",
        "Lax",
        "True",
        "True",
        "31536000",
        "False",
    ], result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/accounts/login/", "/screen/", "/api/v1/docs", "/api/v1/openapi.json"])
def test_security_headers(path):
    response = Client().get(path)
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and "unsafe" not in csp
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_hsts_on_https(settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = Client().get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in Client().get("/accounts/login/")


@pytest.mark.django_db
def test_login_needs_the_csrf_token(cast):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "leader", "password": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_carry_no_inline_script_or_style(template):
    text = template.read_text()
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert "src=" in tag or 'type="application/json"' in tag, f"inline script: {tag}"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"
    assert not re.search(r"\sstyle\s*=", text), "style attribute"
    assert "<style" not in text, "<style> block"
    assert "hx-on" not in text and "js:" not in text, "htmx evaluated code"


def test_htmx_is_configured_for_the_csp():
    base = (ROOT / "liangping/templates/base.html").read_text()
    assert (
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles":false,"allowEval":false,'
        '"allowScriptTags":false}\'>' in base
    )


@pytest.mark.django_db
def test_the_api_rate_limit(cast, settings):
    settings.API_RATE_PER_MINUTE = 3
    _, raw = create_token(cast.secadmin, cast.supervisor, "脚本")
    token = Client(headers={"Authorization": f"Bearer {raw}"})
    for _ in range(3):
        assert token.get("/api/v1/me").status_code == 200
    refused = token.get("/api/v1/me")
    assert refused.status_code == 429
    assert refused.json()["detail"] == "请求过于频繁：每分钟最多 3 次，请稍后再试。"
    assert 0 < int(refused["Retry-After"]) <= 60
    # counted per token, per signed-in user and per address: others are not affected
    _, other = create_token(cast.secadmin, cast.leader, "另一个脚本")
    assert Client(headers={"Authorization": f"Bearer {other}"}).get("/api/v1/me").status_code == 200
    session = Client()
    session.force_login(cast.district)
    assert session.get("/api/v1/me").status_code == 200
    for _ in range(3):
        Client(REMOTE_ADDR="10.8.8.8").get("/api/v1/me")
    assert Client(REMOTE_ADDR="10.8.8.8").get("/api/v1/me").status_code == 429
    assert Client(REMOTE_ADDR="10.8.8.9").get("/api/v1/me").status_code == 401
    # the web pages are not limited by it
    assert session.get("/").status_code == 200
