# gru4rec-serve in a container: the model over HTTP on port 8080, as a managed-inference
# service (SageMaker-style: GET /ping, POST /invocations) or anywhere else.
#
#   docker build -t gru4rec-serve .
#   docker run -p 8080:8080 gru4rec-serve                                    # the demo model
#   docker run -p 8080:8080 -v $PWD/models:/opt/ml/model gru4rec-serve       # your model.safetensors
#
# The model path is $MODEL (default /opt/ml/model/model.safetensors, where SageMaker puts a
# model's files; the image carries the demo model there). Arguments after the image name
# (SageMaker passes "serve") are ignored. SIGTERM (docker stop) drains requests and exits 0;
# SIGHUP (docker kill -s HUP) reloads the model file.

# The Swift toolchain the project is developed with (6.3; Hummingbird 2.28 needs 6.2 or later).
ARG SWIFT_VERSION=6.3
FROM swift:${SWIFT_VERSION}-bookworm AS build
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libopenblas-dev zlib1g-dev libncurses-dev libreadline-dev pkg-config && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product gru4rec-serve --static-swift-stdlib \
 && cp .build/release/gru4rec-serve /usr/local/bin/

FROM debian:bookworm-slim
RUN apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      libopenblas0 zlib1g ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --no-create-home serve
COPY --from=build /usr/local/bin/gru4rec-serve /usr/local/bin/gru4rec-serve
COPY demo-data/model.safetensors /opt/ml/model/model.safetensors
ENV MODEL=/opt/ml/model/model.safetensors
USER serve
EXPOSE 8080
ENTRYPOINT ["/bin/sh", "-c", "exec /usr/local/bin/gru4rec-serve --model \"$MODEL\" --host 0.0.0.0 --port 8080 --reload", "gru4rec-serve"]
