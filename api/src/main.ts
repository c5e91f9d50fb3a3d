// Boots the API: environment, validated config, then one server process or API_WORKERS of them.
import { loadLocalEnv } from '@taskgate/shared/local-env';
import { runWorkers } from './cluster.ts';
import { ConfigError, loadConfig } from './config.ts';
import { serveApi } from './serve.ts';

loadLocalEnv();
let config;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const { workers } = config;
runWorkers(workers, (isFirst) => serveApi(config, isFirst));
