// The commands the demo reads on stdin, one per line. Pure parsing.

export type DemoCommand =
  | { kind: 'stop' | 'start'; n: number }
  | { kind: 'status' | 'help' | 'quit' | 'empty' }
  | { kind: 'invalid'; message: string };

/** Help text; `count` is the number of backends. */
export function commandHelp(count: number): string[] {
  return [
    `stop N    stop demo backend N (1-${count}): the console shows it go down and traffic shift to the others`,
    'start N   start it again on the same port: it comes back up, with slow start',
    'status    print the status line now',
    'help      this list',
    'quit      stop everything and exit (also Ctrl-C)',
  ];
}

/** Parses one line of input. */
export function parseCommand(line: string, count: number): DemoCommand {
  const words = line.trim().toLowerCase().split(/\s+/).filter((w) => w !== '');
  const [word, arg, extra] = words;
  if (word === undefined) return { kind: 'empty' };
  switch (word) {
    case 'stop':
    case 'start': {
      const n = Number(arg);
      if (arg === undefined || extra !== undefined || !Number.isInteger(n) || n < 1 || n > count) {
        return { kind: 'invalid', message: `usage: ${word} N, with N from 1 to ${count}` };
      }
      return { kind: word, n };
    }
    case 'status':
    case 'help':
    case 'quit':
      return extra === undefined && arg === undefined ? { kind: word } : { kind: 'invalid', message: `${word} takes no argument` };
    case 'exit':
    case 'q':
      return { kind: 'quit' };
    case '?':
      return { kind: 'help' };
    default:
      return { kind: 'invalid', message: `unknown command "${word.slice(0, 40)}" (type help)` };
  }
}
