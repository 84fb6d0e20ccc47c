# notion-sync worker image: `docker build -t notion-sync .`
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY notion_sync ./notion_sync
COPY schemas ./schemas
RUN pip install . && useradd --uid 10001 --create-home notion && mkdir -p /exports \
    && chown notion /exports
USER 10001
WORKDIR /home/notion
# Health and metrics: /metrics, /healthz, /readyz.
EXPOSE 6066
ENV NOTION_SYNC_WORKER__WEB_HOST=0.0.0.0 NOTION_SYNC_WORKER__WEB_PORT=6066 \
    NOTION_SYNC_WORKER__LOG_FORMAT=json
CMD ["notion-sync", "--log-level", "INFO", "worker"]
