/**
 * The built-in MRCP server (espeak-ng, PocketSphinx, DTMF) alone in a child process, so a test can
 * kill it mid-call: prints `{"sip":port}` on stdout once it listens on 127.0.0.1, and runs until
 * killed. Argument: the first port of its RTP range (200 ports).
 */
import {
  createBuiltinEngines,
  EngineRegistry,
  MrcpServer,
  mrcpServerSipOptions,
} from '../../src/mrcp/index.js';
import { PortPool } from '../../src/rtp/index.js';
import { quiet } from './harness.js';

const rtpBase = Number(process.argv[2] ?? 52000);
const server = new MrcpServer({
  sip: mrcpServerSipOptions({ host: '127.0.0.1', port: 0, protocols: ['udp'] }),
  mrcp: { host: '127.0.0.1', port: 0 },
  rtp: { pool: new PortPool({ min: rtpBase, max: rtpBase + 199 }), host: '127.0.0.1' },
  engines: new EngineRegistry(await createBuiltinEngines({ logger: quiet })),
  logger: quiet,
});
await server.start();
process.stdout.write(`${JSON.stringify({ sip: server.sipPort('UDP') })}\n`);
