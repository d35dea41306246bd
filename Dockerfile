# The image the pods of `collapse submit --kubernetes` run: `collapse` on the PATH, from a ReadyToRun publish
# (scripts/publish.sh), so each shard pod starts with precompiled code. From the repository's root:
#   docker build -t REGISTRY/collapselab:TAG . && docker push REGISTRY/collapselab:TAG
#   collapse submit SPEC --kubernetes --shards N --image REGISTRY/collapselab:TAG --volume CLAIM …
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# The build runs `npm ci` in reports/ to embed the report's chart libraries.
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN bash scripts/publish.sh /app

FROM mcr.microsoft.com/dotnet/runtime:10.0
# No OpenBLAS on purpose: with it, COLLAPSELAB_GEMM=auto would time both GEMMs in every new pod (about a second each,
# with no cache to keep), and pods could choose differently, which changes the neural families' bits between shards.
COPY --from=build /app /app
RUN ln -s /app/collapse /usr/local/bin/collapse
WORKDIR /runs
CMD ["collapse", "--help"]
