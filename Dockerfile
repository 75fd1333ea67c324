FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
# The UserStatus sweep is a C extension: the compiler is installed for the build only (the image keeps
# the Python headers) and removed in the same layer.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && pip install --no-cache-dir -e . \
 && apt-get purge -y --auto-remove gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
EXPOSE 8000
CMD ["smartassist", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
