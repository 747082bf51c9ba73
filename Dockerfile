# voicegate container image. Multi-stage: the builder compiles the native addon and TypeScript;
# the runtime stage has no compilers, only production dependencies, and runs as a non-root user.
#
# Run with host networking: RTP uses a range of 10,000 UDP ports that port mapping handles badly,
# and SDP must advertise the host's own address:
#   docker run --network host -v /etc/voicegate:/etc/voicegate:ro voicegate --config /etc/voicegate/voicegate.yaml

FROM node:20-bookworm AS build
WORKDIR /src
# python3, make and g++ for node-gyp come with this (non-slim) image.
COPY package.json package-lock.json binding.gyp ./
COPY native ./native
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
RUN npx tsc -p tsconfig.json && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
# Speech engines (TTS, grammar ASR) run as subprocesses; tini reaps them and forwards signals.
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng pocketsphinx pocketsphinx-en-us tini ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system voicegate \
 && useradd --system --gid voicegate --home-dir /var/lib/voicegate --shell /usr/sbin/nologin voicegate \
 && install -d -o voicegate -g voicegate /var/lib/voicegate
WORKDIR /opt/voicegate
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/build/Release/voicegate_native.node ./build/Release/voicegate_native.node
COPY --from=build /src/dist/src ./dist/src
COPY prompts ./prompts
COPY profiles ./profiles
COPY deploy/voicegate.example.yaml ./deploy/voicegate.example.yaml
ENV NODE_ENV=production \
    VOICEGATE_SIP_HOST=0.0.0.0 \
    VOICEGATE_RTP_HOST=0.0.0.0 \
    VOICEGATE_HTTP_HOST=0.0.0.0
USER voicegate
# Documentation only under --network host: SIP, MRCP server, HTTP API. RTP: 20000-29999/udp.
EXPOSE 5060/udp 5060/tcp 5061/tcp 8060/udp 8060/tcp 1544/tcp 8080/tcp
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["tini", "--", "node", "dist/src/daemon/cli.js"]
