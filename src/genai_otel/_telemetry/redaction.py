"""Scrubbers applied to every captured text before export.

The secrets scrubber is always on while content is captured: provider API keys, bearer
tokens, AWS keys, JWTs, private key blocks and ``key=value`` credentials become
``[REDACTED:<kind>]``. The PII scrubber (e-mail, phone, payment card with a Luhn check, IPv4/IPv6,
US SSN, IBAN) is one switch away. The user's ``redact`` hook runs last and sees the scrubbed text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

_SECRET_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "private_key",
        re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S),
    ),
    ("api_key", re.compile(r"\b(?:sk|rk|pk)-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{16,}")),
    ("api_key", re.compile(r"\b(?:gsk|xai|pplx|hf)_[A-Za-z0-9]{16,}")),
    ("api_key", re.compile(r"\bAIza[0-9A-Za-z_\-]{30,}")),
    ("api_key", re.compile(r"\btgp_v1_[A-Za-z0-9_\-]{20,}")),
    ("aws_access_key", re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")),
    ("github_token", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}")),
    ("slack_token", re.compile(r"\bxox[abposr]-[A-Za-z0-9\-]{10,}")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}")),
    ("bearer", re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/\-]{12,}=*")),
    (
        "credential",
        re.compile(
            r"(?i)\b(api[_-]?key|secret|password|passwd|token|access[_-]?key)(\"?\s*[:=]\s*\"?)(?!\[REDACTED)([^\s\"',;]{6,})"
        ),
    ),
)

#: Shorter strings are not treated as a credential to remove verbatim (they would hit ordinary text).
_MIN_CREDENTIAL = 8


def scrub_values(text: str, secrets: Sequence[str | None]) -> str:
    """``text`` with each of these exact secrets replaced: keys with no recognisable shape
    (Mistral's, Cohere's) are known to the client that made the call, not to any pattern."""
    for secret in secrets:
        if isinstance(secret, str) and len(secret) >= _MIN_CREDENTIAL and secret in text:
            text = text.replace(secret, "[REDACTED:api_key]")
    return text


_EMAIL = re.compile(r"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b")
_CARD = re.compile(r"\b(?:\d[ \-]?){12,18}\d\b")
_SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
# A phone number is a run of digit groups that is not part of a longer digit run (card-like
# numbers that fail the Luhn check must stay as they are).
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[ .\-])(?:\+\d{1,3}[ .\-]?)?(?:\(\d{2,4}\)[ .\-]?)?\d{2,4}[ .\-]\d{3,4}[ .\-]?\d{3,4}\b"
    r"(?![ .\-]?\d)"
)
_IPV4 = re.compile(r"\b(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)\b")
_IPV6 = re.compile(
    r"\b(?:[0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}\b|\b(?:[0-9a-fA-F]{1,4}:){1,7}:(?:[0-9a-fA-F]{1,4})?\b"
)


def _luhn_ok(digits: str) -> bool:
    total, parity = 0, len(digits) % 2
    for i, ch in enumerate(digits):
        d = int(ch)
        if i % 2 == parity:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def scrub_secrets(text: str) -> str:
    for kind, pattern in _SECRET_PATTERNS:
        if kind == "credential":
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}[REDACTED:credential]", text)
        else:
            text = pattern.sub(f"[REDACTED:{kind}]", text)
    return text


def _card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "[REDACTED:card]" if 13 <= len(digits) <= 19 and _luhn_ok(digits) else match.group(0)


def scrub_pii(text: str) -> str:
    text = _EMAIL.sub("[REDACTED:email]", text)
    text = _CARD.sub(_card, text)
    text = _SSN.sub("[REDACTED:ssn]", text)
    text = _IBAN.sub("[REDACTED:iban]", text)
    text = _IPV4.sub("[REDACTED:ip]", text)
    text = _IPV6.sub("[REDACTED:ip]", text)
    return _PHONE.sub("[REDACTED:phone]", text)


def build_redactor(pii: bool, user: Callable[[str], str] | None) -> Callable[[str], str]:
    steps: list[Callable[[str], str]] = [scrub_secrets]
    if pii:
        steps.append(scrub_pii)
    if user is not None:
        steps.append(user)

    def redact(text: str) -> str:
        for step in steps:
            text = step(text)
            if not isinstance(text, str):
                raise TypeError(f"redact hook returned {type(text).__name__}, expected str")
        return text

    return redact
