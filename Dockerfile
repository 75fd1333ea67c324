# Two stages: the wheel is built (with a C compiler, for the UserStatus sweep) in the first and installed,
# not an editable checkout, in the second, which has no compiler.
FROM python:3.11-slim AS build
WORKDIR /src
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /var/lib/smartassist
EXPOSE 8000
CMD ["smartassist", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
