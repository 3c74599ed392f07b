import { runCollector } from '../run.js';
import { CliError } from './client.js';
import type { Io } from './main.js';

/** A command that runs here rather than asking a collector over HTTP. */
export interface LocalCommand {
  summary: string;
  /** Resolves to the exit code; a command that keeps serving resolves when it stops. */
  run(argv: string[], env: NodeJS.ProcessEnv, io: Io): Promise<number>;
}

/** Never resolves: the collector serves until SIGTERM/SIGINT, whose handler exits the process. */
const forever = () => new Promise<number>(() => undefined);

export const LOCAL_COMMANDS: Record<string, LocalCommand> = {
  serve: {
    summary: 'start the collector (configured by the environment: docs/operations.md)',
    async run(argv, env, io) {
      if (argv.includes('--help') || argv.includes('-h')) {
        io.stdout('usage: evaltrace serve\n\nStarts the collector on embedded ClickHouse in ./.evaltrace/data (EVALTRACE_DATA_DIR), or on the server EVALTRACE_CLICKHOUSE_URL names; PORT (4318) and HOST set where it listens.\n');
        return 0;
      }
      if (argv.length > 0) throw new CliError(`"evaltrace serve" takes no arguments; its settings come from the environment (got ${argv.join(' ')})`, 2);
      await runCollector({ env });
      return forever();
    },
  },
  demo: {
    summary: 'fill a collector with a realistic demo experiment and print the dashboard URLs',
    // Loaded on demand: serve need not load the demo's openai client and mock LLM.
    run: async (argv, env, io) => (await import('../demo/command.js')).runDemo(argv, env, io),
  },
};

