"""Zero-code instrumentation: the ``genai-otel-instrument`` launcher, the ``sitecustomize`` it puts
on ``PYTHONPATH`` (``site/sitecustomize.py``), and one ``opentelemetry_instrumentor`` entry point
per provider for ``opentelemetry-instrument`` (``instrumentors``)."""
