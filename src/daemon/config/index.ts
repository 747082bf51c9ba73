export {
  configSchema,
  envOverrides,
  logLevels,
  type Config,
  type ConfigInput,
  type LogLevel,
} from './schema.js';
export { ConfigError, diffConfig, loadConfig, parseConfigText, type ConfigProblem } from './load.js';
