// One line per event, `time level scope message {fields}`: readable in a terminal, greppable in CI.
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
export type LogLevel = keyof typeof LEVELS;

let threshold: number = LEVELS[(process.env.LOG_LEVEL as LogLevel) ?? 'info'] ?? LEVELS.info;

export function setLogLevel(level: LogLevel): void {
  threshold = LEVELS[level];
}

export type Logger = Record<LogLevel, (message: string, fields?: Record<string, unknown>) => void>;

/** A logger whose lines carry `scope`, e.g. `db`, `zero-cache`, `http`. */
export function logger(scope: string): Logger {
  const write = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    const extra = fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : '';
    const line = `${new Date().toISOString()} ${level.padEnd(5)} ${scope}: ${message}${extra}\n`;
    (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(line);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
