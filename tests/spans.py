"""Span assertions shared by the provider behaviour tests."""

from __future__ import annotations

from typing import Any


def span_attrs(span: Any, streamed: bool) -> dict[str, Any]:
    """The span's attributes less the time to first chunk, which is checked here: a float within
    the span exactly when the call streamed."""
    attrs = dict(span.attributes)
    ttfc = attrs.pop("gen_ai.response.time_to_first_chunk", None)
    if streamed:
        assert isinstance(ttfc, float)
        assert 0 < ttfc <= (span.end_time - span.start_time) / 1e9
    else:
        assert ttfc is None
    return attrs
