/**
 * Layer rules of voicegate (see README "Architecture"): imports point down the layer table only,
 * other layers are reached through their index.ts face, and no cycles.
 * Layers, lowest first: sip | sdp | rtp  <  media  <  mrcp | dialing  <  call  <  api  <  daemon.
 */
const allowed = {
  sip: [],
  sdp: [],
  rtp: [],
  media: ['rtp', 'sdp'],
  mrcp: ['sip', 'sdp', 'rtp', 'media'],
  dialing: ['media'],
  call: ['sip', 'sdp', 'rtp', 'media', 'mrcp', 'dialing'],
  api: ['call'],
};
const layers = ['sip', 'sdp', 'rtp', 'media', 'mrcp', 'dialing', 'call', 'api', 'daemon'];

const layerRules = Object.entries(allowed).map(([from, ok]) => {
  const forbiddenTargets = layers.filter((l) => l !== from && !ok.includes(l));
  return {
    name: `layer-${from}`,
    comment: `src/${from} may import only: ${ok.length ? ok.join(', ') : 'nothing of ours'}`,
    severity: 'error',
    from: { path: `^src/${from}/` },
    to: { path: `^src/(${forbiddenTargets.join('|')})/` },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'dialing-media-types-only',
      comment: 'src/dialing may use media only for types',
      severity: 'error',
      from: { path: '^src/dialing/' },
      to: { path: '^src/media/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'faces-only',
      comment: 'another layer is imported only through its index.ts',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: { path: '^src/([^/]+)/', pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-test',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
