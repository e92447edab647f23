import yargs from 'yargs';
import { check } from './connector/check.js';
import { discover } from './connector/discover.js';
import { read } from './connector/read.js';
import { spec } from './connector/spec.js';
import { ConfigError } from './protocol/errors.js';
import { Sink } from './protocol/sink.js';

/**
 * Parses the Airbyte command line and runs one verb. Every outcome is protocol messages on `out`;
 * the returned number is the exit code. Nothing here calls process.exit, so output is never cut.
 */
export async function run(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const sink = new Sink(out as any);
  let code = 1;
  try {
    let usageError: string | undefined;
    const parser = yargs(argv)
      .scriptName('source-redis')
      .usage('Airbyte source for Redis. Prints Airbyte protocol messages on stdout, one per line.')
      .command('spec', 'Print the connector specification')
      .command('check', 'Check the connection to Redis', (y) =>
        y.option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' }),
      )
      .command('discover', 'List the eight tables and their schemas', (y) =>
        y.option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' }),
      )
      .command('read', 'Read the catalog\'s streams', (y) =>
        y
          .option('config', { type: 'string', demandOption: true, describe: 'Path to the config JSON' })
          .option('catalog', { type: 'string', demandOption: true, describe: 'Path to the configured catalog JSON' })
          .option('state', { type: 'string', describe: 'Path to the state JSON (from a previous read)' }),
      )
      .option('debug', { type: 'boolean', describe: 'Accepted for Airbyte compatibility' })
      .demandCommand(1, 'Name a command: spec, check, discover or read.')
      .strictCommands()
      .fail((msg, err) => {
        usageError = msg ?? err?.message;
      })
      .help()
      .version(false);
    const parsed = await parser.parseAsync();
    if (usageError) throw new ConfigError(`Invalid command line: ${usageError.replace(/\.?$/, ".")} Run 'source-redis --help' for usage.`);
    if (parsed.help) return 0;
    const [command] = parsed._ as string[];
    switch (command) {
      case 'spec':
        code = await spec(sink);
        break;
      case 'check':
        code = await check(sink, parsed.config as string);
        break;
      case 'discover':
        code = await discover(sink, parsed.config as string);
        break;
      case 'read':
        code = await read(sink, {
          config: parsed.config as string,
          catalog: parsed.catalog as string,
          state: parsed.state as string | undefined,
        });
        break;
      default:
        throw new ConfigError(`Unknown command '${command}'.`);
    }
  } catch (e) {
    await sink.error(e);
    code = 1;
  }
  await sink.flush();
  return code;
}
