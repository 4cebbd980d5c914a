# Custos in a container: a static binary on a small Debian base.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/custos ./cmd/custos

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 custos && mkdir -p /var/lib/custos/signing && chown -R custos /var/lib/custos
COPY --from=build /out/custos /usr/local/bin/custos
USER custos
ENV CUSTOS_ADDR=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["custos"]
CMD ["serve"]
