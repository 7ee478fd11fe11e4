"""The search benchmark: a synthetic catalog, a fixed query mix, and an HTTP harness (``make bench``).

``generate`` builds a deterministic catalog of N resources in its own data directory,
``queries`` holds the fixed query mix, ``stats`` the latency arithmetic, and ``run`` ties them
together against a production-style gunicorn server. See bench/README.md.
"""
