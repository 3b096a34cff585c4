"""Scrubbers: secrets always, PII on request, the user's hook last."""

from __future__ import annotations

from genai_otel._telemetry.redaction import build_redactor, scrub_pii, scrub_secrets, scrub_values


def test_secrets_are_scrubbed() -> None:
    text = (
        "key sk-proj-abcdefghijklmnopqrstuvwxyz0123 and sk-ant-api03-ABCDEFGHIJKLMNOPQRST "
        "Authorization: Bearer abcdefghijklmnopqrstuvwx aws AKIAIOSFODNN7EXAMPLE "
        "password=hunter2hunter2 gsk_abcdefghijklmnopqrstuvwxyz tgp_v1_abcdefghijklmnopqrstuvwxyz0123"
    )
    out = scrub_secrets(text)
    for secret in ("sk-proj-abcdef", "sk-ant-api03", "abcdefghijklmnopqrstuvwx", "AKIAIOSFODNN7EXAMPLE",
                   "hunter2hunter2", "gsk_abcdef", "tgp_v1_abcdef"):  # fmt: skip
        assert secret not in out, (secret, out)
    assert "[REDACTED:api_key]" in out
    assert "password=[REDACTED:credential]" in out


def test_a_client_s_own_key_is_removed_verbatim_even_without_a_known_shape() -> None:
    key = "Xq7Rk2Lm9Pz4Vw8Ty3Nb6Hc1Jd5Fg0Ks"  # bare alphanumerics, like Mistral's keys
    out = scrub_values(scrub_secrets(f"401: invalid key {key} (Xq7R)"), [key, None, "short"])
    assert key not in out and out == "401: invalid key [REDACTED:api_key] (Xq7R)"
    assert scrub_values("a short value stays", ["short"]) == "a short value stays"


def test_plain_text_is_untouched() -> None:
    text = "The capital of France is Paris. Call it a day at 5 pm; risk-free."
    assert scrub_secrets(text) == text
    assert scrub_pii(text) == text


def test_pii_scrubber() -> None:
    out = scrub_pii(
        "mail jane.doe@example.com, card 4111 1111 1111 1111, not a card 1234 5678 9012 3456, "
        "ip 192.168.1.20, phone +1 415-555-0132, ssn 123-45-6789"
    )
    assert "jane.doe@example.com" not in out and "[REDACTED:email]" in out
    assert "4111 1111 1111 1111" not in out and "[REDACTED:card]" in out
    assert "1234 5678 9012 3456" in out  # fails the Luhn check: not a card
    assert "192.168.1.20" not in out
    assert "415-555-0132" not in out
    assert "123-45-6789" not in out


def test_user_hook_runs_last_and_pii_is_optional() -> None:
    seen: list[str] = []

    def hook(text: str) -> str:
        seen.append(text)
        return text.upper()

    redact = build_redactor(pii=False, user=hook)
    assert redact("mail a@b.co key sk-abcdefghijklmnopqrstu") == "MAIL A@B.CO KEY [REDACTED:API_KEY]"
    assert seen == ["mail a@b.co key [REDACTED:api_key]"]
