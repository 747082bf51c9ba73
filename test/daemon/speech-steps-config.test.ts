/** Config applications with speech steps: `say` and `gather` map to the call layer's specs; bounds hold. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfigText } from '../../src/daemon/config/index.js';
import { toApps } from '../../src/daemon/config/call-schema.js';

const app = (steps: string): string =>
  `calls:\n  routes: [{ app: a }]\n  apps:\n    a:\n      steps:\n${steps}`;

describe('speech steps in config applications', () => {
  it('say and gather become SaySpec and GatherSpec', () => {
    const c = parseConfigText(
      app(`        - say: { text: 'Hello {name}.', voice: en-gb, dtmfBargein: true }
        - gather:
            input: [speech, digits]
            numDigits: 4
            say: { text: 'Say yes or no.', language: en-US }
            grammars: [builtin:grammar/boolean, { body: '#ABNF 1.0; root $r; $r = yes;', contentType: application/srgs }]
            confidenceThreshold: 0.4
`),
      'c.yaml',
    );
    const steps = toApps(c.calls).find((a) => a.name === 'a')!.steps;
    assert.deepEqual(steps[0], {
      type: 'say',
      text: 'Hello {name}.',
      synthesizer: { voice: 'en-gb' },
      loop: 1,
      dtmfBargein: true,
    });
    assert.deepEqual(steps[1], {
      type: 'gather',
      input: ['speech', 'digits'],
      numDigits: 4,
      timeout: 5,
      bargein: true,
      say: { text: 'Say yes or no.', synthesizer: { language: 'en-US' } },
      recognizer: {
        grammars: [
          { uri: 'builtin:grammar/boolean' },
          { body: '#ABNF 1.0; root $r; $r = yes;', contentType: 'application/srgs' },
        ],
        confidenceThreshold: 0.4,
      },
    });
  });

  it('unknown keys, bad inputs and oversized text are refused with the key named', () => {
    const ok = app(`        - say: { text: hi }\n`);
    assert.doesNotThrow(() => parseConfigText(ok, 'c.yaml'));
    for (const bad of [
      `        - say: { text: hi, speed: 2 }\n`,
      `        - gather: { input: [smell] }\n`,
      `        - gather: { finishOnKey: '##' }\n`,
      `        - say: { text: '${'x'.repeat(70_000)}' }\n`,
    ])
      assert.throws(() => parseConfigText(app(bad), 'c.yaml'), /c\.yaml:\d+: key "calls\.apps\.a\.steps\.0/);
  });
});
