# The Compass image (web UI + REST API): what k8s/compass/deployment.yaml runs.
#
#   docker build -t ghcr.io/compass-llm/compass:0.1.0 .
#   docker run --rm -p 8000:8000 -e COMPASS_DATABASE_URL=postgresql://... -e COMPASS_API_KEYS=key:me \
#     -e COMPASS_UI_USERS=me:secret ghcr.io/compass-llm/compass:0.1.0 serve --host 0.0.0.0
#
# On a cluster Compass needs an external PostgreSQL with pgvector (COMPASS_DATABASE_URL): the embedded server is
# for a laptop. It runs as the non-root user 10001 and writes only to COMPASS_HOME and /tmp, so a read-only root
# filesystem works. The source tree is installed in place because the web UI reads app.py, .chainlit/ and public/.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/tmp \
    COMPASS_HOME=/var/lib/compass

WORKDIR /app
COPY pyproject.toml README.md ./
COPY agent agent
COPY api api
COPY cli cli
COPY evals evals
COPY k8s k8s
COPY knowledge knowledge
COPY simulator simulator
COPY tools tools
COPY ui ui
COPY public public
COPY .chainlit .chainlit
COPY app.py langgraph.json ./
RUN pip install -e . \
    && groupadd --gid 10001 compass \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin compass \
    && mkdir -p /var/lib/compass && chown compass:compass /var/lib/compass

USER 10001:10001
EXPOSE 8000
ENTRYPOINT ["compass"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
